package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
)

// run executes a vibora command line in-process against db.
func run(t *testing.T, db string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--db", db, "--actor", "alex"}, args...)
	code = Run(context.Background(), full, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

// dbs returns a SQLite path and, when configured, a PostgreSQL DSN.
func dbs(t *testing.T) map[string]string {
	m := map[string]string{"sqlite": filepath.Join(t.TempDir(), "v.db")}
	if storetest.PostgresDSN(t) != "" {
		m["postgres"] = storetest.NewPostgresDatabase(t)
	}
	return m
}

func TestCaseExhibitAudit(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			if _, e, code := run(t, db, "case", "create", "op-tidewater", "--agency", "Example Unit", "--country", "nl"); code != 0 {
				t.Fatalf("case create: %d %s", code, e)
			}
			_, e, code := run(t, db, "case", "create", "op-tidewater")
			if code != ExitUsage || !strings.Contains(e, "already exists") || !strings.Contains(e, "hint:") {
				t.Fatalf("duplicate case: code %d, stderr %q", code, e)
			}
			if _, e, code := run(t, db, "exhibit", "add", "--case", "op-tidewater", "PHONE-1", "--type", "phone", "--imei", "490154203237518"); code != 0 {
				t.Fatalf("exhibit add: %d %s", code, e)
			}
			out, _, _ := run(t, db, "--json", "exhibit", "list", "--case", "op-tidewater")
			var ex struct{ Label, Type, IMEI string }
			if err := json.Unmarshal([]byte(out), &ex); err != nil || ex.Label != "PHONE-1" || ex.IMEI != "490154203237518" {
				t.Fatalf("exhibit list --json = %q (%v)", out, err)
			}
			out, _, _ = run(t, db, "case", "show", "op-tidewater")
			if !strings.Contains(out, "acquired") || !strings.Contains(out, "PHONE-1") {
				t.Fatalf("case show lacks custody: %s", out)
			}
			out, _, code = run(t, db, "--json", "audit", "verify")
			var rep struct {
				OK      bool
				Records int
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || !rep.OK || rep.Records != 2 {
				t.Fatalf("audit verify = %q code %d", out, code)
			}
			if _, _, code := run(t, db, "exhibit", "add", "--case", "nope", "X"); code != ExitUsage {
				t.Fatalf("unknown case: code %d", code)
			}
			// The case has no persons yet: attributing the phone is a usage
			// error with a hint; the list shows the OWNER column empty.
			if _, e, code := run(t, db, "exhibit", "owner", "set", "--case", "op-tidewater", "PHONE-1", "--person", "P1"); code != ExitUsage || !strings.Contains(e, "vibora suspects --case op-tidewater") {
				t.Fatalf("owner of a person the case lacks: code %d, stderr %q", code, e)
			}
			if _, e, code := run(t, db, "exhibit", "owner", "set", "--case", "op-tidewater", "PHONE-1"); code != ExitUsage || !strings.Contains(e, "person") {
				t.Fatalf("owner set without --person: code %d, stderr %q", code, e)
			}
			if out, _, code := run(t, db, "exhibit", "owner", "clear", "--case", "op-tidewater", "PHONE-1"); code != ExitOK || !strings.Contains(out, "attributed to no one") {
				t.Fatalf("owner clear: code %d, %q", code, out)
			}
			if out, _, _ := run(t, db, "exhibit", "list", "--case", "op-tidewater"); !strings.Contains(out, "OWNER") {
				t.Fatalf("exhibit list lacks the OWNER column: %s", out)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	for _, args := range [][]string{{"bogus"}, {"case", "create"}, {"case", "create", "a", "--no-such-flag"}, {"exhibit", "list"}} {
		if _, _, code := run(t, db, args...); code != ExitUsage {
			t.Errorf("%v: code %d, want %d", args, code, ExitUsage)
		}
	}
	out, _, code := run(t, db, "version")
	if code != 0 || !strings.HasPrefix(out, "vibora ") {
		t.Fatalf("version = %q, %d", out, code)
	}
}
