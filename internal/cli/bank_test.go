package cli

import (
	"github.com/vibora-project/vibora/internal/investigation"

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
			var q [3]investigation.QueryMatches
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

// TestBankImportNothingUsable: an import that yields no usable record, or
// rejects more than MaxRejectedShare of what it read, fails (exit 1) and
// leaves the bank as it was; --allow-partial accepts it deliberately.
func TestBankImportNothingUsable(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			good := filepath.Join(dir, "good.json")
			a, b := strings.Repeat("a1", 16), strings.Repeat("b2", 16)
			writeVICS(t, good, a, b)
			if _, e, code := run(t, db, "bank", "import", "--name", "national", "--kind", "known", good); code != 0 {
				t.Fatalf("import: %s", e)
			}
			before, _, _ := run(t, db, "bank", "export", "national", "--format", "csv")

			// A #Cases document whose media sit directly under value: the
			// reader finds no media at all.
			cases := filepath.Join(dir, "cases.json")
			os.WriteFile(cases, []byte(`{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases", "value": [{"MediaID": 1, "Category": 1, "MD5": "`+strings.Repeat("c3", 16)+`"}]}`), 0o644)
			// A double BOM: detected as a plain list, every record rejected.
			bom := filepath.Join(dir, "bom.txt")
			os.WriteFile(bom, []byte("\xef\xbb\xbf\xef\xbb\xbf"+strings.Repeat("d4", 16)+"\n"+"zz"+strings.Repeat("e5", 15)+"\n"), 0o644)
			// Mostly rejected: 1 good line of 4.
			most := filepath.Join(dir, "most.txt")
			os.WriteFile(most, []byte(strings.Repeat("f6", 16)+"\nnot a hash\nnor this\nnor that\n"), 0o644)

			for _, f := range []string{cases, bom, most} {
				out, e, code := run(t, db, "--json", "bank", "import", "--name", "national", f)
				if code != ExitFailure || !strings.Contains(e, "--allow-partial") {
					t.Errorf("%s: code %d, stderr %q", filepath.Base(f), code, e)
				}
				var res struct {
					Refused string `json:"refused"`
					Stats   struct{ Read, Imported, Rejected int }
				}
				if err := json.Unmarshal([]byte(out), &res); err != nil || res.Refused == "" {
					t.Errorf("%s: json %q: %v", filepath.Base(f), out, err)
				}
				after, _, _ := run(t, db, "bank", "export", "national", "--format", "csv")
				if after != before {
					t.Fatalf("%s: bank changed:\n%s", filepath.Base(f), after)
				}
				out, _, _ = run(t, db, "--json", "bank", "list")
				if !strings.Contains(out, `"version":1`) || !strings.Contains(out, `"records":2`) {
					t.Fatalf("%s: bank list: %s", filepath.Base(f), out)
				}
			}
			_, e, code := run(t, db, "bank", "import", "--name", "national", "--allow-partial", most)
			if code != 0 {
				t.Fatalf("--allow-partial: %d %s", code, e)
			}
			after, _, _ := run(t, db, "bank", "export", "national", "--format", "csv")
			if !strings.Contains(after, strings.Repeat("f6", 16)) || strings.Contains(after, a) {
				t.Fatalf("--allow-partial did not replace: %s", after)
			}
			// A new bank that would be empty is not created either.
			if _, _, code := run(t, db, "bank", "import", "--name", "empty", cases); code != ExitFailure {
				t.Fatalf("empty new bank: code %d", code)
			}
			if out, _, _ := run(t, db, "bank", "list"); strings.Contains(out, "empty") {
				t.Fatalf("empty bank created: %s", out)
			}
		})
	}
}

// TestBankImportSaysHash64Kind: a plain list of 64-hex values could be
// SHA-256 or PDQ; the import says which it assumed and how to change it.
func TestBankImportSaysHash64Kind(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	list := filepath.Join(t.TempDir(), "list.txt")
	os.WriteFile(list, []byte(strings.Repeat("ab", 32)+"\n"+strings.Repeat("cd", 32)+"\n"), 0o644)
	out, e, code := run(t, db, "bank", "import", "--name", "l", list)
	if code != 0 || !strings.Contains(out, "64-hex values read as SHA256 (2 values") || !strings.Contains(out, "--hash-kind pdq") {
		t.Fatalf("human: %d %q %q", code, out, e)
	}
	out, _, _ = run(t, db, "--json", "bank", "import", "--name", "p", "--hash-kind", "pdq", list)
	var res struct {
		Hash64 struct {
			Kind, Reason, Hint string
			Values             int
		} `json:"hash64"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Hash64.Kind != "pdq" || res.Hash64.Reason != "option" || res.Hash64.Values != 2 || !strings.Contains(res.Hash64.Hint, "--hash-kind sha256") {
		t.Fatalf("json: %q %v", out, err)
	}
	exp, _, _ := run(t, db, "bank", "export", "p", "--format", "csv")
	if !strings.Contains(exp, ","+strings.Repeat("ab", 32)+",") {
		t.Fatalf("not stored as pdq: %s", exp)
	}
	// An MD5 list has nothing to assume.
	md5 := filepath.Join(t.TempDir(), "md5.txt")
	os.WriteFile(md5, []byte(strings.Repeat("ab", 16)+"\n"), 0o644)
	out, _, _ = run(t, db, "--json", "bank", "import", "--name", "m", md5)
	if strings.Contains(out, "hash64") {
		t.Fatalf("md5 list: %s", out)
	}
}

// TestBankImportEscapesEvidence: names and values from a hash list reach
// the terminal escaped in human output and exact in --json.
func TestBankImportEscapesEvidence(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	list := filepath.Join(t.TempDir(), "evil\u202egpj.txt")
	os.WriteFile(list, []byte("hash,category\n"+strings.Repeat("ab", 16)+",x\x1b[2Jy\n"+strings.Repeat("cd", 16)+",1\n"+strings.Repeat("ef", 16)+",1\n"+strings.Repeat("12", 16)+",1\n"+strings.Repeat("34", 16)+",1\n"+strings.Repeat("56", 16)+",1\n"+strings.Repeat("78", 16)+",1\n"+strings.Repeat("9a", 16)+",1\n"+strings.Repeat("bc", 16)+",1\n"+strings.Repeat("de", 16)+",1\nbad\u200bhash\n"), 0o644)
	out, e, code := run(t, db, "bank", "import", "--name", "n", list)
	if code != 0 {
		t.Fatalf("import: %d %s %s", code, out, e)
	}
	for _, s := range []string{out, e} {
		if strings.ContainsAny(s, "\x1b\u202e\u200b") {
			t.Fatalf("raw control or format character reached the terminal: %q", s)
		}
	}
	if !strings.Contains(e, `evil\u202egpj.txt:12`) {
		t.Errorf("rejection not shown escaped: %q", e)
	}
	out, _, _ = run(t, db, "bank", "show", "n")
	if strings.ContainsAny(out, "\x1b\u202e") || !strings.Contains(out, `evil\u202egpj.txt`) {
		t.Fatalf("bank show: %q", out)
	}
	out, _, _ = run(t, db, "--json", "bank", "list")
	if !strings.Contains(out, "evil\u202egpj.txt") {
		t.Fatalf("--json must stay exact: %q", out)
	}
	out, _, _ = run(t, db, "bank", "export", "n", "--format", "csv")
	if !strings.Contains(out, "x\x1b[2Jy") {
		t.Fatalf("export must stay exact: %q", out)
	}
}
