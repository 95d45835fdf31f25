package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// TestIngestExitCodes: files that could not be read are findings (exit 1,
// counted in the summary); a usage error exits 2; an operational error 3.
func TestIngestExitCodes(t *testing.T) {
	ev := t.TempDir()
	os.WriteFile(filepath.Join(ev, "ok.txt"), []byte("readable"), 0o644)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, n := range []string{"a.txt", "b.txt"} {
		w, _ := zw.Create(n)
		w.Write(bytes.Repeat([]byte(n), 4000))
	}
	zw.Close()
	// Cut inside the second member: the first is read, the archive is corrupt.
	os.WriteFile(filepath.Join(ev, "cut.zip"), zb.Bytes()[:zb.Len()/2+40], 0o644)
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			if _, e, code := run(t, db, "case", "create", "op"); code != 0 {
				t.Fatal(e)
			}
			out, e, code := run(t, db, "--json", "ingest", "--case", "op", "--exhibit", "E1", ev)
			var rep struct {
				Files           int64
				Problems        map[string]int64
				ExhibitProblems int64 `json:"exhibit_problems"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitFailure || rep.ExhibitProblems == 0 || rep.Problems["corrupt"] == 0 {
				t.Fatalf("corrupt archive: code %d, %q %s (%v)", code, out, e, err)
			}
			if !strings.Contains(e, "--errors") {
				t.Errorf("stderr does not say where the findings are: %q", e)
			}
			// Again: nothing new, the exhibit still has its findings.
			out, _, code = run(t, db, "ingest", "--case", "op", "--exhibit", "E1", ev)
			if code != ExitFailure || !strings.Contains(out, "0 files") {
				t.Fatalf("repeat: code %d %q", code, out)
			}
			if _, _, code := run(t, db, "ingest", "--case", "op", "--exhibit", "E2", filepath.Join(ev, "ok.txt")); code != ExitOK {
				t.Fatalf("clean exhibit: code %d", code)
			}
			if _, _, code := run(t, db, "ingest", "--case", "op", "--exhibit", "E3", filepath.Join(ev, "missing")); code != ExitUsage {
				t.Fatalf("missing path: code %d", code)
			}
			if _, _, code := run(t, db, "ingest", "--case", "op", "--exhibit", "E3"); code != ExitUsage {
				t.Fatalf("no path: code %d", code)
			}
		})
	}
	// An operational error (the store cannot be created) exits 3.
	if _, _, code := run(t, filepath.Join(t.TempDir(), "no", "such", "dir", "v.db"), "ingest", "--case", "op", "--exhibit", "E1", ev); code != ExitError {
		t.Fatalf("unusable store: code %d", code)
	}
}

// TestPanicIsNotAUsageError: a crash inside a command exits 3, not 2 (Go's
// exit status for a panic).
func TestPanicIsNotAUsageError(t *testing.T) {
	var out, errb bytes.Buffer
	code := runRoot(t.Context(), []string{"version"}, Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, func() { panic("synthetic crash") })
	if code != ExitError || !strings.Contains(errb.String(), "synthetic crash") {
		t.Fatalf("panic: code %d, stderr %q", code, errb.String())
	}
}

// TestVerifyStoreCommand: a file's status edited in the database leaves the
// audit chain intact but fails 'verify --store'.
func TestVerifyStoreCommand(t *testing.T) {
	ev := t.TempDir()
	os.WriteFile(filepath.Join(ev, "a.txt"), []byte("one"), 0o644)
	os.WriteFile(filepath.Join(ev, "b.txt"), []byte("two"), 0o644)
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			run(t, db, "case", "create", "op")
			if _, e, code := run(t, db, "ingest", "--case", "op", "--exhibit", "E1", ev); code != 0 {
				t.Fatal(e)
			}
			if out, e, code := run(t, db, "verify", "--store"); code != 0 || !strings.Contains(out, "2 files checked, 0 problems") {
				t.Fatalf("verify --store: %d %q %q", code, out, e)
			}
			if _, _, code := run(t, db, "verify", "--store", "--case", "op"); code != ExitUsage {
				t.Fatalf("--store with --case: code %d", code)
			}
			s, err := store.Open(t.Context(), db)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.SQL().Exec("UPDATE files SET status = 'matched' WHERE path LIKE '%a.txt'")
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			if _, _, code := run(t, db, "audit", "verify"); code != 0 {
				t.Fatalf("audit verify: code %d (the chain itself is intact)", code)
			}
			out, _, code := run(t, db, "--json", "verify", "--store")
			var rep struct {
				OK       bool
				Problems []struct{ Problem string }
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitFailure || rep.OK || len(rep.Problems) != 1 {
				t.Fatalf("edited status: code %d %q (%v)", code, out, err)
			}
		})
	}
}
