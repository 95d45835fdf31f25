package source

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type fileState struct {
	size   int64
	mode   fs.FileMode
	mtime  time.Time
	atime  time.Time
	digest string
}

// snapshot records every file and directory of root without changing
// atimes itself (it reads through the package's O_NOATIME open).
func snapshot(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	var visit func(p string)
	visit = func(p string) {
		info, err := os.Lstat(p)
		must(t, err)
		st := fileState{size: info.Size(), mode: info.Mode(), mtime: info.ModTime(), atime: atime(info)}
		out[p] = st
		switch {
		case info.IsDir():
			dir, err := os.OpenRoot(p)
			must(t, err)
			names, err := readDirNames(dir) // O_NOATIME
			dir.Close()
			must(t, err)
			for _, n := range names {
				visit(filepath.Join(p, n))
			}
		case info.Mode().IsRegular():
			f, err := openReadOnly(p, false)
			must(t, err)
			h := sha256.New()
			io.Copy(h, f)
			f.Close()
			st.digest = hex.EncodeToString(h.Sum(nil))
			out[p] = st
		}
	}
	visit(root)
	return out
}

func TestWalkChangesNothing(t *testing.T) {
	root := filepath.Join(t.TempDir(), "ev")
	archiveTree(t, root)
	write(t, filepath.Join(root, "sub", "plain.txt"), []byte("plain"))
	must(t, os.Symlink("sub/plain.txt", filepath.Join(root, "link")))
	// Old times, so that a read under relatime would move the atime.
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if d.Type()&fs.ModeSymlink == 0 {
			os.Chtimes(p, old, old)
		}
		return nil
	})
	before := snapshot(t, root)
	walkAll(t, root, Options{TempDir: t.TempDir()})
	fsys, closeFn, err := OpenFS(t.Context(), filepath.Join(root, "backup.zip"), Options{TempDir: t.TempDir()})
	must(t, err)
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fs.ReadFile(fsys, p)
		}
		return nil
	})
	must(t, closeFn())
	after := snapshot(t, root)
	compare(t, before, after, false)
	// Following symlinks changes the links' own atimes (the kernel
	// touches a link it resolves); nothing else may change.
	walkAll(t, root, Options{TempDir: t.TempDir(), FollowSymlinks: true})
	compare(t, before, snapshot(t, root), true)
}

func compare(t *testing.T, before, after map[string]fileState, followed bool) {
	t.Helper()
	if len(after) != len(before) {
		t.Fatalf("%d paths before, %d after", len(before), len(after))
	}
	for p, b := range before {
		a, ok := after[p]
		if !ok {
			t.Errorf("%s disappeared", p)
			continue
		}
		if a.size != b.size || a.mode != b.mode || !a.mtime.Equal(b.mtime) || a.digest != b.digest {
			t.Errorf("%s changed: %+v -> %+v", p, b, a)
		}
		if !a.atime.Equal(b.atime) && !(followed && b.mode&fs.ModeSymlink != 0) {
			t.Errorf("%s: atime changed %v -> %v", p, b.atime, a.atime)
		}
	}
}
