package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChatImportIncomplete: an import that kept a header-like line as text
// says so in the summary and exits 1; a clean one exits 0.
func TestChatImportIncomplete(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	if _, e, code := run(t, db, "case", "create", "op-chat"); code != 0 {
		t.Fatalf("case create: %d %s", code, e)
	}
	for _, tc := range []struct {
		fixture string
		code    int
		asText  int64
	}{
		{"odd_line_dmy.txt", ExitFailure, 1},
		{"no_separator.txt", ExitOK, 0},
	} {
		src, err := os.ReadFile(filepath.Join("..", "chatexport", "whatsapp", "testdata", "variants", tc.fixture))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		p := filepath.Join(dir, tc.fixture)
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		out, e, code := run(t, db, "chat", "import", "--case", "op-chat", p)
		if code != tc.code || !strings.Contains(out, "header-like kept as text") {
			t.Fatalf("%s: code %d, want %d\n%s%s", tc.fixture, code, tc.code, out, e)
		}
		if tc.code != ExitOK && !strings.Contains(e, "chat import incomplete") {
			t.Errorf("%s: stderr lacks the incomplete message: %s", tc.fixture, e)
		}
		out, _, code = run(t, db, "--json", "chat", "import", "--case", "op-chat", "--exhibit", "J-"+tc.fixture, p)
		var rep struct {
			Messages      int64 `json:"messages"`
			HeadersAsText int64 `json:"headers_as_text"`
			Complete      bool  `json:"complete"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != tc.code || rep.HeadersAsText != tc.asText || rep.Complete != (tc.asText == 0) {
			t.Errorf("%s --json: code %d, %q (%v)", tc.fixture, code, out, err)
		}
	}
}

// TestBankImportNSRLInVICS: NIST's NSRL in VICS 1.2 form (category 8) is
// an ignorable bank by default, and the import names the categories seen;
// a headerless HMA file keeps its PDQ hashes.
func TestBankImportNSRLInVICS(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	out, e, code := run(t, db, "bank", "import", "--name", "nsrl-vics", filepath.Join("..", "hashset", "vics", "testdata", "nsrl_vics12.json"))
	if code != ExitOK || !strings.Contains(out, "kind ignorable") || !strings.Contains(out, "categories seen: 8 (3)") {
		t.Fatalf("code %d\n%s%s", code, out, e)
	}
	out, e, code = run(t, db, "--json", "bank", "import", "--name", "hma", filepath.Join("..", "hashset", "hma", "testdata", "hma_headerless.csv"))
	var res struct {
		Bank  struct{ Format string }  `json:"bank"`
		Stats struct{ Imported int64 } `json:"stats"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != ExitOK || res.Bank.Format != "hma" || res.Stats.Imported != 3 {
		t.Fatalf("hma import: code %d, %q %s (%v)", code, out, e, err)
	}
}
