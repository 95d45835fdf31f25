package cli

import (
	"github.com/vibora-project/vibora/internal/investigation"

	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMatchHashesFile: one over-long line is reported and the rest is
// still matched; lone CR line ends split lines; --hash-kind pdq reads
// 64-hex values as PDQ hashes and the pdq: prefix keeps working.
func TestMatchHashesFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	dir := t.TempDir()
	md5, p := strings.Repeat("a1", 16), strings.Repeat("5a", 32)
	bank := filepath.Join(dir, "bank.txt")
	os.WriteFile(bank, []byte(md5+"\n"), 0o644)
	pdqBank := filepath.Join(dir, "pdq.txt")
	os.WriteFile(pdqBank, []byte(p+"\n"), 0o644)
	for _, args := range [][]string{{"--name", "m", bank}, {"--name", "p", "--hash-kind", "pdq", pdqBank}} {
		if _, e, code := run(t, db, append([]string{"bank", "import"}, args...)...); code != 0 {
			t.Fatal(e)
		}
	}
	decode := func(out string) []investigation.QueryMatches {
		var ls []investigation.QueryMatches
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var m investigation.QueryMatches
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			ls = append(ls, m)
		}
		return ls
	}
	for _, eol := range []string{"\n", "\r"} {
		q := filepath.Join(dir, "q.txt")
		os.WriteFile(q, []byte(md5+eol+strings.Repeat("f", 2<<20)+eol+md5+eol+"pdq:"+p+eol+p+eol), 0o644)
		out, e, code := run(t, db, "--json", "match", "--hashes-file", q)
		ls := decode(out)
		if code != ExitFailure || len(ls) != 5 || len(ls[0].Matches) != 1 || ls[1].Error == "" || len(ls[2].Matches) != 1 ||
			ls[3].Kind != "pdq" || len(ls[3].Matches) != 1 || ls[4].Kind != "sha256" || len(ls[4].Matches) != 0 {
			t.Fatalf("%q: code %d, %d lines %+v, %s", eol, code, len(ls), ls, e)
		}
		out, _, _ = run(t, db, "--json", "match", "--hash-kind", "pdq", "--hashes-file", q)
		if ls := decode(out); len(ls) != 5 || ls[4].Kind != "pdq" || len(ls[4].Matches) != 1 || len(ls[0].Matches) != 1 {
			t.Fatalf("--hash-kind pdq: %+v", ls)
		}
	}
	if _, e, code := run(t, db, "match", "--hash-kind", "md5", "--hashes-file", bank); code != ExitUsage || !strings.Contains(e, "hint:") {
		t.Fatalf("bad --hash-kind: %d %s", code, e)
	}
}
