package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestOpenFSArchive(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ev")
	archiveTree(t, dir)
	spill := t.TempDir()
	cases := map[string][]string{
		"backup.zip":   {"DCIM/img_0001.jpg", "notes.txt"},
		"t.tar.gz":     {"a/img.jpg", "b.txt"},
		"t.tar.zst":    {"a/img.jpg", "b.txt"},
		"photo.jpg.gz": {"photo.jpg"},
		"outer.zip": {"inner.tar.gz", "inner.tar.gz!/x.jpg", "inner.tar.gz!/deep.zip",
			"inner.tar.gz!/deep.zip!/d.txt", "s.zip", "s.zip!/s.txt", "c.zip", "c.zip!/s.txt"},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			fsys, closeFn, err := OpenFS(t.Context(), filepath.Join(dir, name), Options{TempDir: spill})
			must(t, err)
			if err := fstest.TestFS(fsys, files...); err != nil {
				t.Fatal(err)
			}
			must(t, closeFn())
		})
	}
	// Content check through the FS.
	fsys, closeFn, err := OpenFS(t.Context(), filepath.Join(dir, "outer.zip"), Options{TempDir: spill})
	must(t, err)
	b, err := fs.ReadFile(fsys, "inner.tar.gz!/deep.zip!/d.txt")
	if err != nil || string(b) != "deep" {
		t.Fatalf("nested read: %q %v", b, err)
	}
	must(t, closeFn())
	if left, _ := os.ReadDir(spill); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestOpenFSEncryptedAndErrors(t *testing.T) {
	fsys, closeFn, err := OpenFS(t.Context(), "testdata/aes.zip", Options{})
	must(t, err)
	if _, err := fs.ReadFile(fsys, "notes.txt"); !errors.Is(err, ErrEncrypted) {
		t.Errorf("encrypted member read without password: %v", err)
	}
	closeFn()
	fsys, closeFn, err = OpenFS(t.Context(), "testdata/header_enc.7z", Options{Passwords: []string{"secret"}})
	must(t, err)
	if err := fstest.TestFS(fsys, "notes.txt", "DCIM/img_0001.jpg"); err != nil {
		t.Fatal(err)
	}
	closeFn()
	if _, _, err := OpenFS(t.Context(), "testdata/header_enc.7z", Options{}); !errors.Is(err, ErrEncrypted) {
		t.Errorf("header-encrypted 7z without password: %v", err)
	}
	if _, _, err := OpenFS(t.Context(), "testdata/README.md", Options{}); err == nil {
		t.Error("plain file accepted as an FS")
	}
}

func TestOpenFSDir(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "Passwords.txt"), []byte("URL: https://example.org\n"))
	write(t, filepath.Join(root, "Browsers", "Chrome", "Cookies.txt"), []byte("cookie"))
	must(t, os.Symlink("/etc/passwd", filepath.Join(root, "escape")))
	if err := mkfifo(filepath.Join(root, "fifo")); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	fsys, closeFn, err := OpenFS(t.Context(), root, Options{})
	must(t, err)
	defer closeFn()
	b, err := fs.ReadFile(fsys, "Browsers/Chrome/Cookies.txt")
	if err != nil || string(b) != "cookie" {
		t.Fatalf("read: %q %v", b, err)
	}
	if _, err := fs.ReadFile(fsys, "escape"); err == nil {
		t.Error("symlink out of the directory followed")
	}
	if _, err := fsys.Open("fifo"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("fifo opened: %v", err)
	}
	if _, err := fsys.Open("../x"); err == nil {
		t.Error("invalid path accepted")
	}
}

func readFS(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
