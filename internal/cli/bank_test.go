package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeVICS writes a small synthetic VICS 2.0 hash set.
func writeVICS(t *testing.T, path string, md5s ...string) {
	t.Helper()
	var recs []string
	for i, m := range md5s {
		recs = append(recs, fmt.Sprintf(`{"MediaID": %d, "Category": 1, "MD5": %q, "Series": "S%d"}`, i+1, m, i%2))
	}
	doc := `{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media", "value": [` + strings.Join(recs, ",") + `]}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBankLifecycleAndMatch(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			v1, v2 := filepath.Join(dir, "v1.json"), filepath.Join(dir, "v2.json")
			a, b, c := strings.Repeat("a1", 16), strings.Repeat("b2", 16), strings.Repeat("c3", 16)
			writeVICS(t, v1, a, b, a) // one duplicate
			writeVICS(t, v2, b, c)

			out, e, code := run(t, db, "--json", "bank", "import", "--name", "national", "--kind", "known", v1)
			var res struct {
				Unchanged bool
				Stats     struct{ Read, Imported, Duplicate, Rejected int }
				Bank      struct{ Version int }
			}
			if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Stats.Read != 3 || res.Stats.Imported != 2 || res.Stats.Duplicate != 1 {
				t.Fatalf("import v1: %d %q %q", code, out, e)
			}
			out, _, _ = run(t, db, "--json", "bank", "import", "--name", "national", v1)
			json.Unmarshal([]byte(out), &res)
			if !res.Unchanged {
				t.Fatalf("same file again: %q", out)
			}
			out, _, _ = run(t, db, "--json", "bank", "import", "--name", "national", v2)
			json.Unmarshal([]byte(out), &res)
			if res.Unchanged || res.Bank.Version != 2 {
				t.Fatalf("new version: %q", out)
			}

			// The replaced version no longer matches; the new one does.
			hashes := filepath.Join(dir, "q.txt")
			os.WriteFile(hashes, []byte(a+"\n"+strings.ToUpper(c)+"\nnot-a-hash\n"), 0o644)
			out, _, code = run(t, db, "--json", "match", "--hashes-file", hashes)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != ExitFailure || len(lines) != 3 {
				t.Fatalf("match: code %d, %q", code, out)
			}
			var q [3]matchLine
			for i, l := range lines {
				if err := json.Unmarshal([]byte(l), &q[i]); err != nil {
					t.Fatal(err)
				}
			}
			if q[0].Query != a || len(q[0].Matches) != 0 || q[1].Kind != "md5" || len(q[1].Matches) != 1 || q[1].Matches[0].Bank != "national" || q[1].Matches[0].Series != "S1" || q[2].Error == "" {
				t.Fatalf("match results out of order or wrong: %+v", q)
			}

			// Export round trip: the exported VICS imports to the same records.
			exp := filepath.Join(dir, "export.json")
			if _, e, code := run(t, db, "bank", "export", "national", "--format", "vics", "-o", exp); code != 0 {
				t.Fatalf("export: %s", e)
			}
			if _, e, code := run(t, db, "bank", "import", "--name", "copy", exp); code != 0 {
				t.Fatalf("re-import: %s", e)
			}
			csv1, _, _ := run(t, db, "bank", "export", "national", "--format", "csv")
			csv2, _, _ := run(t, db, "bank", "export", "copy", "--format", "csv")
			if csv1 != csv2 || !strings.Contains(csv1, c) {
				t.Fatalf("round trip differs:\n%s\n%s", csv1, csv2)
			}
			if _, _, code := run(t, db, "bank", "remove", "copy"); code != 0 {
				t.Fatal("remove failed")
			}
			out, _, _ = run(t, db, "--json", "audit", "log", "--object", "bank:national")
			for _, want := range []string{`"bank.import"`, `"bank.replace"`, `"bank.export"`} {
				if !strings.Contains(out, want) {
					t.Errorf("audit lacks %s:\n%s", want, out)
				}
			}
			if _, _, code := run(t, db, "audit", "verify"); code != 0 {
				t.Fatal("audit broken")
			}
		})
	}
}
