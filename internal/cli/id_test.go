package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/identifier/identifiertest"
	"github.com/vibora-project/vibora/internal/investigation"
)

// runID runs a vibora command in-process with stdin.
func runID(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

const idSample = "Phone: +1 202 555 0143\nEmail: Alex.Example@Example.ORG\n" +
	"HWID: 4F1C9A2B7D3E5F60A1B2C3D4E5F60718\nwallet bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z\n" +
	"bad 12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6z on 2024-01-15 at 14:05:33\n"

func TestIDExtract(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Passwords.txt")
	if err := os.WriteFile(path, []byte(idSample), 0o444); err != nil {
		t.Fatal(err)
	}
	for _, src := range []struct{ arg, stdin string }{{path, ""}, {"-", idSample}} {
		out, stderr, code := runID(t, src.stdin, "--json", "id", "extract", src.arg)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", src.arg, code, stderr)
		}
		var got []investigation.IdentifierView
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var x investigation.IdentifierView
			if err := json.Unmarshal([]byte(l), &x); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			if idSample[x.Offset:x.Offset+len(x.Value)] != x.Value || !x.Valid {
				t.Errorf("bad line %+v", x)
			}
			got = append(got, x)
		}
		want := []string{"phone:+12025550143", "email:alex.example@example.org", "hwid:4F1C9A2B7D3E5F60A1B2C3D4E5F60718",
			"btc:bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z"}
		if len(got) != len(want) {
			t.Fatalf("%s: got %d identifiers: %s", src.arg, len(got), out)
		}
		for i, w := range want {
			if k := string(got[i].Kind) + ":" + got[i].Normalized; k != w {
				t.Errorf("#%d: %s, want %s", i, k, w)
			}
		}
		for _, field := range []string{`"kind"`, `"value"`, `"normalized"`, `"offset"`, `"valid"`} {
			if !strings.Contains(out, field) {
				t.Errorf("JSON lacks %s", field)
			}
		}
	}
	out, _, code := runID(t, "", "id", "extract", path)
	if code != ExitOK || !strings.Contains(out, "OFFSET") || !strings.Contains(out, "+12025550143") {
		t.Fatalf("table: exit %d\n%s", code, out)
	}
	// National numbers need --region.
	out, _, _ = runID(t, "call (202) 555-0144\n", "--json", "id", "extract", "--region", "US", "-")
	if !strings.Contains(out, `"normalized":"+12025550144"`) {
		t.Fatalf("--region: %s", out)
	}
}

func TestIDExtractUsage(t *testing.T) {
	for _, args := range [][]string{
		{"id", "extract"},
		{"id", "extract", "/nonexistent/file"},
		{"id", "extract", "--region", "XX", "-"},
		{"id", "extract", "--platform", "myspace", "-"},
	} {
		if _, stderr, code := runID(t, "", args...); code != ExitUsage || !strings.Contains(stderr, "vibora: error:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestIDNormalize(t *testing.T) {
	out, _, code := runID(t, "", "id", "normalize", "eth", "0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3")
	if code != ExitOK || out != "0xa0A1A2a3A4A5a6a7a8a9AaaBaCADAeAfb0B1b2b3\n" {
		t.Fatalf("exit %d out %q", code, out)
	}
	out, _, code = runID(t, "", "--json", "id", "normalize", "phone", "--region", "US", "(202) 555-0143")
	var x struct{ Kind, Value, Normalized, Key string }
	if err := json.Unmarshal([]byte(out), &x); err != nil || code != ExitOK {
		t.Fatalf("json %q: %v exit %d", out, err, code)
	}
	if x.Kind != "phone" || x.Value != "(202) 555-0143" || x.Normalized != "+12025550143" || x.Key != "phone:+12025550143" {
		t.Fatalf("got %+v", x)
	}
	_, stderr, code := runID(t, "", "id", "normalize", "btc", "12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6z")
	if code != ExitFailure || !strings.Contains(stderr, "checksum") {
		t.Fatalf("invalid: exit %d stderr %q", code, stderr)
	}
	_, stderr, code = runID(t, "", "id", "normalize", "fax", "1")
	if code != ExitUsage || !strings.Contains(stderr, "hint: kinds:") {
		t.Fatalf("unknown kind: exit %d stderr %q", code, stderr)
	}
}

func TestIDAttribute(t *testing.T) {
	db, err := identifiertest.MMDB("Vibora-Test-Country", []identifiertest.Network{
		{Prefix: netip.MustParsePrefix("203.0.113.0/24"), Country: "JP"},
	})
	if err != nil {
		t.Fatal(err)
	}
	mmdb := filepath.Join(t.TempDir(), "test.mmdb")
	if err := os.WriteFile(mmdb, db, 0o444); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runID(t, "", "--json", "id", "attribute", "--geoip", mmdb,
		"+34 612 34 56 78", "203.0.113.45", "alex@example.org", "tz:Europe/Madrid", "nonsense")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 lines, got %q", out)
	}
	type cand struct {
		Country    string
		Confidence float64
		Evidence   []struct{ Identifier, Reason string }
	}
	var res []struct {
		Value, Kind string
		Candidates  []cand
	}
	for _, l := range lines {
		var r struct {
			Value, Kind string
			Candidates  []cand
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if !strings.Contains(l, `"candidates":[`) {
			t.Errorf("candidates must be an array: %s", l)
		}
		res = append(res, r)
	}
	check := func(i int, kind, country, reason string) {
		t.Helper()
		r := res[i]
		if r.Kind != kind || len(r.Candidates) == 0 || r.Candidates[0].Country != country {
			t.Fatalf("line %d: %+v", i, r)
		}
		e := r.Candidates[0].Evidence
		if len(e) == 0 || !strings.HasSuffix(r.Value, e[0].Identifier) || !strings.Contains(e[0].Reason, reason) {
			t.Fatalf("line %d evidence: %+v", i, e)
		}
	}
	check(0, "phone", "ES", "+34")
	check(1, "ipv4", "JP", "IP geolocation")
	check(3, "timezone", "ES", "Europe/Madrid")
	if len(res[2].Candidates) != 0 || res[2].Kind != "email" {
		t.Errorf("generic TLD e-mail: %+v", res[2])
	}
	if res[4].Kind != "" || len(res[4].Candidates) != 0 {
		t.Errorf("nonsense: %+v", res[4])
	}
	// Combined signals: one line, noisy-OR.
	out, _, code = runID(t, "", "--json", "id", "attribute", "--combine", "+34 612 34 56 78", "tz:Europe/Madrid", "location:Madrid, Spain")
	var comb struct{ Candidates []cand }
	if err := json.Unmarshal([]byte(out), &comb); err != nil || code != ExitOK {
		t.Fatalf("combine %q: %v", out, err)
	}
	if c := comb.Candidates[0]; c.Country != "ES" || len(c.Evidence) != 3 || c.Confidence <= 0.6 {
		t.Fatalf("combined: %+v", comb)
	}
	// Table output.
	out, _, code = runID(t, "", "id", "attribute", "+34 612 34 56 78")
	if code != ExitOK || !strings.Contains(out, "ES") || !strings.Contains(out, "0.600") {
		t.Fatalf("table: %d %s", code, out)
	}
	if _, stderr, code := runID(t, "", "id", "attribute", "--geoip", "/nonexistent.mmdb", "1.2.3.4"); code != ExitUsage {
		t.Fatalf("bad geoip: exit %d %s", code, stderr)
	}
}
