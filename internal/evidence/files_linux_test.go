package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// atimeOf is a path's access time, without following a symlink.
func atimeOf(t *testing.T, p string) time.Time {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return time.Unix(st.Atim.Sec, st.Atim.Nsec)
}

// oldTree writes a tree (files, a subdirectory, a symlink) whose times are
// old, so that a plain read under relatime would move the atimes, and
// returns every path in it. It skips the test when the file system does
// not record reads at all (noatime): the test would prove nothing.
func oldTree(t *testing.T) (root string, paths []string) {
	t.Helper()
	root = filepath.Join(t.TempDir(), "ev")
	for _, n := range []string{"a.txt", "sub/b.txt", "sub/deeper/c.txt"} {
		p := filepath.Join(root, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("synthetic "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(root, "sub", "link")); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	probe := filepath.Join(t.TempDir(), "probe")
	os.WriteFile(probe, []byte("x"), 0o644)
	os.Chtimes(probe, old, old)
	os.ReadFile(probe)
	if atimeOf(t, probe).Equal(old) {
		t.Skip("this file system does not update access times on read")
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		paths = append(paths, p)
		return nil
	})
	// Children first: setting a directory's times is not a read of it.
	for i := len(paths) - 1; i >= 0; i-- {
		if p := paths[i]; !strings.HasSuffix(p, "link") {
			os.Chtimes(p, old, old)
		}
	}
	return root, paths
}

func TestListAndHashKeepAtimes(t *testing.T) {
	root, paths := oldTree(t)
	before := map[string]time.Time{}
	for _, p := range paths {
		before[p] = atimeOf(t, p)
	}
	files, odd, err := ListFiles([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || len(odd) != 1 || odd[0].Warnings[0] != "symlink not followed" {
		t.Fatalf("files %v odd %+v", files, odd)
	}
	n := 0
	err = HashFiles(context.Background(), files, ProcessOptions{PDQ: true}, 2, func(r Result) error {
		if r.Err != "" || !r.Hashed {
			t.Errorf("%s: %+v", r.Path, r)
		}
		n++
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("hashed %d: %v", n, err)
	}
	for _, p := range paths {
		if got := atimeOf(t, p); !got.Equal(before[p]) {
			t.Errorf("%s: atime moved from %v to %v", p, before[p], got)
		}
	}
}

// A file listed, then replaced by a symlink (to a file the user did not
// name) or by a FIFO before it is hashed, is refused: the symlink is not
// followed and the FIFO does not hang the run.
func TestHashFilesRefusesSwappedInFiles(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "outside.txt")
	os.WriteFile(outside, []byte("not evidence"), 0o644)
	for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644)
	}
	files, _, err := ListFiles([]string{dir})
	if err != nil || len(files) != 3 {
		t.Fatalf("files %v: %v", files, err)
	}
	os.Remove(files[0])
	if err := os.Symlink(outside, files[0]); err != nil {
		t.Fatal(err)
	}
	os.Remove(files[1])
	if err := syscall.Mkfifo(files[1], 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("not evidence"))
	var got []Result
	err = HashFiles(context.Background(), files, ProcessOptions{}, 2, func(r Result) error {
		got = append(got, r)
		return nil
	})
	if err != nil || len(got) != 3 {
		t.Fatalf("results %+v: %v", got, err)
	}
	for _, r := range got[:2] {
		if r.Err == "" || r.Hashed {
			t.Errorf("%s: swapped-in entry was read: %+v", r.Path, r)
		}
		if r.Hashed && r.Digests.SHA256Hex() == hex.EncodeToString(sum[:]) {
			t.Errorf("%s: the symlink's target was hashed", r.Path)
		}
	}
	if !strings.Contains(got[1].Err, "not a regular file") {
		t.Errorf("fifo: %q", got[1].Err)
	}
	if r := got[2]; r.Err != "" || !r.Hashed {
		t.Errorf("untouched file: %+v", r)
	}
}
