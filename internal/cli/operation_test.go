package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOperationCommands: the human output, the exit codes of refused
// changes, and the report's CSV file.
func TestOperationCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	chat := filepath.Join(t.TempDir(), "WhatsApp Chat with Side Group.txt")
	text := "1/15/24, 9:00 AM - Alex Example created group \"Side Group\"\n" +
		"1/15/24, 9:05 AM - +1 202-555-0170: hi\n" +
		"1/15/24, 9:06 AM - Alex Example: welcome\n"
	if err := os.WriteFile(chat, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := func(args ...string) string {
		t.Helper()
		out, errOut, code := run(t, db, args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	ok("case", "create", "op-side", "--agency", "ES-PN")
	ok("chat", "import", "--case", "op-side", chat)
	out := ok("--json", "suspects", "--case", "op-side")
	person := between(out, `"id":"`, `"`)
	if person == "" {
		t.Fatalf("no person in %s", out)
	}
	ref := "op-side/" + person
	if got := ok("operation", "create", "SIDE", "--lead-agency", "ES-PN"); got != "operation SIDE created, led by ES-PN\n" {
		t.Errorf("create printed %q", got)
	}
	ok("operation", "add-partner", "SIDE", "AR-PFA", "--role", "coordinator", "--contact", "+1 202 555 0102")
	ok("operation", "add-case", "SIDE", "op-side")
	ok("operation", "status", "SIDE", ref, "identified", "--why", "group creator", "--date", "2025-03-03")
	if got := ok("operation", "status", "SIDE", ref, "attributed", "--country", "ar", "--why", "phone", "--date", "2025-03-04"); got != ref+" (AR) is attributed in operation SIDE\n" {
		t.Errorf("status printed %q", got)
	}
	ok("operation", "seized", "SIDE", ref, "--devices", "2", "--date", "2025-03-05")

	for _, bad := range [][]string{
		{"operation", "status", "SIDE", ref, "convicted", "--why", "x"},                // attributed -> convicted
		{"operation", "status", "SIDE", ref, "released", "--why", "x"},                 // no such status
		{"operation", "status", "SIDE", ref, "referred", "--why", "x"},                 // no channel
		{"operation", "status", "SIDE", ref, "deconflicted"},                           // no --why
		{"operation", "status", "SIDE", "op-side/P999999", "identified", "--why", "x"}, // no such person
		{"operation", "status", "NOPE", ref, "identified", "--why", "x"},               // no such operation
		{"operation", "add-partner", "SIDE", "BE-FCCU", "--role", "observer"},          // bad role
		{"operation", "seized", "SIDE", ref, "--devices", "0"},                         // nothing
		{"operation", "safeguarded", "SIDE", "--victims", "1", "--date", "2999-01-01"}, // in the future
		{"operation", "report", "SIDE", "--as-of", "05/03/2025"},                       // bad day
	} {
		if _, errOut, code := run(t, db, bad...); code != ExitUsage || !strings.Contains(errOut, "vibora: error:") {
			t.Errorf("%v: exit %d, want %d: %s", bad, code, ExitUsage, errOut)
		}
	}

	show := ok("operation", "show", "SIDE")
	for _, want := range []string{"OPERATION SIDE  lead ES-PN", "AR-PFA", "coordinator", ref, "attributed", "AR"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	csvPath := filepath.Join(t.TempDir(), "report.csv")
	rep := ok("operation", "report", "SIDE", "--as-of", "2025-03-31", "--csv", csvPath)
	if !strings.Contains(rep, "OPERATION REPORT  SIDE  as of 2025-03-31") || !strings.Contains(rep, "devices seized 2") {
		t.Errorf("report:\n%s", rep)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	want := "as_of,country,identified,attributed,referred,acknowledged,arrested,exited,stalled_at,devices_seized,victims_safeguarded\n" +
		"2025-03-31,AR,1,1,0,0,0,0,attributed,2,0\n" +
		"2025-03-31,total,1,1,0,0,0,0,,2,0\n"
	if string(b) != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b, want)
	}
	if got := ok("operation", "list"); !strings.Contains(got, "SIDE") || !strings.Contains(got, "ES-PN") {
		t.Errorf("list:\n%s", got)
	}
}

// between returns the text after the first from and before the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}
