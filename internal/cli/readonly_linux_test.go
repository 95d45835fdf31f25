package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
)

func atimeOf(t *testing.T, p string) time.Time {
	t.Helper()
	var s syscall.Stat_t
	if err := syscall.Lstat(p, &s); err != nil {
		t.Fatal(err)
	}
	return time.Unix(s.Atim.Sec, s.Atim.Nsec)
}

// hash and match read evidence as ingest does: no access time changes
// (files, directories, symlinks), and a symlink in the tree is reported,
// not followed, even when it points at a file a bank knows.
func TestHashAndMatchReadOnly(t *testing.T) {
	dir := t.TempDir()
	l, err := demo.Generate(filepath.Join(dir, "demo"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "v.db")
	for _, b := range l.Banks {
		if _, e, code := run(t, db, "bank", "import", "--name", b.Name, "--kind", b.Kind, b.Path); code != 0 {
			t.Fatal(e)
		}
	}
	ev := filepath.Join(dir, "ev")
	outside := filepath.Join(dir, "outside.jpg") // a known image the user did not name
	os.MkdirAll(filepath.Join(ev, "sub"), 0o755)
	os.WriteFile(filepath.Join(ev, "a.txt"), []byte("synthetic"), 0o644)
	os.WriteFile(filepath.Join(ev, "sub", "b.jpg"), l.KnownImages[1].Data, 0o644)
	os.WriteFile(outside, l.KnownImages[0].Data, 0o644)
	if err := os.Symlink(outside, filepath.Join(ev, "sub", "link.jpg")); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	probe := filepath.Join(dir, "probe")
	os.WriteFile(probe, []byte("x"), 0o644)
	os.Chtimes(probe, old, old)
	os.ReadFile(probe)
	if atimeOf(t, probe).Equal(old) {
		t.Skip("this file system does not update access times on read")
	}
	var paths []string
	filepath.WalkDir(ev, func(p string, d fs.DirEntry, err error) error {
		paths = append(paths, p)
		return nil
	})
	paths = append(paths, outside)
	for i := len(paths) - 1; i >= 0; i-- {
		if !strings.HasSuffix(paths[i], "link.jpg") {
			os.Chtimes(paths[i], old, old)
		}
	}
	before := map[string]time.Time{}
	for _, p := range paths {
		before[p] = atimeOf(t, p)
	}

	out, e, code := run(t, db, "--json", "hash", ev)
	if code != 0 {
		t.Fatalf("hash: %d %s", code, e)
	}
	var link investigation.HashView
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var h investigation.HashView
		if err := json.Unmarshal([]byte(line), &h); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(h.Path, "link.jpg") {
			link = h
		}
	}
	if link.Path == "" || link.SHA256 != "" || link.PDQ != "" || len(link.Warnings) == 0 || !strings.Contains(link.Warnings[0], "symlink not followed") {
		t.Errorf("symlink line of hash: %+v in\n%s", link, out)
	}

	out, _, code = run(t, db, "--json", "match", ev)
	if code != ExitFailure { // the symlink could not be matched
		t.Errorf("match: exit %d, want %d", code, ExitFailure)
	}
	status := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m investigation.QueryMatches
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		status[filepath.Base(m.Query)] = m.Status
		if filepath.Base(m.Query) == "link.jpg" && (len(m.Matches) != 0 || !strings.Contains(m.Error, "symlink not followed")) {
			t.Errorf("symlink line of match: %+v", m)
		}
	}
	if status["b.jpg"] != "matched" || status["link.jpg"] != "" {
		t.Errorf("match statuses %v\n%s", status, out)
	}

	for _, p := range paths {
		if got := atimeOf(t, p); !got.Equal(before[p]) {
			t.Errorf("%s: atime moved from %v to %v", p, before[p], got)
		}
	}
}
