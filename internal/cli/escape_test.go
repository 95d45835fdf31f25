package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyEscapesEvidenceNames: a file name carrying a terminal escape,
// a bidirectional override and a zero-width space reaches the terminal
// escaped in verify's and files' human output, and exact in --json.
func TestVerifyEscapesEvidenceNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	src := t.TempDir()
	evil := "a\x1b[31mred\u202egpj.exe\u200b"
	if err := os.WriteFile(filepath.Join(src, evil), []byte("synthetic"), 0o644); err != nil {
		t.Skip("file system refuses the name:", err)
	}
	os.WriteFile(filepath.Join(src, "plain.txt"), []byte("x"), 0o644)
	run(t, db, "case", "create", "c")
	if _, e, code := run(t, db, "ingest", "--case", "c", "--exhibit", "E1", src); code != 0 {
		t.Fatalf("ingest: %s", e)
	}
	out, _, _ := run(t, db, "files", "--case", "c")
	if strings.ContainsAny(out, "\x1b\u202e\u200b") || !strings.Contains(out, `a\x1b[31mred\u202egpj.exe\u200b`) {
		t.Fatalf("files: %q", out)
	}
	os.Remove(filepath.Join(src, evil))
	out, e, code := run(t, db, "verify", "--case", "c", "--exhibit", "E1")
	if code != ExitFailure || strings.ContainsAny(out+e, "\x1b\u202e\u200b") || !strings.Contains(out, `MISSING`) || !strings.Contains(out, `\u202e`) {
		t.Fatalf("verify: %d %q %q", code, out, e)
	}
	out, _, _ = run(t, db, "--json", "verify", "--case", "c", "--exhibit", "E1")
	if !strings.Contains(out, `\u001b[31mred`+"\u202e") && !strings.Contains(out, "\u202egpj") {
		t.Fatalf("--json must carry the exact name: %q", out)
	}
}
