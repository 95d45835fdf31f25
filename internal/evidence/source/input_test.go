//go:build unix

package source

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenInputRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := mkfifo(fifo); err != nil {
		t.Skip(err)
	}
	sock := filepath.Join(dir, "sock")
	defer listenUnix(t, sock).Close()
	link := filepath.Join(dir, "link-to-pipe")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for path, kind := range map[string]string{fifo: "named pipe", sock: "socket", "/dev/null": "character device", link: "named pipe"} {
		f, err := OpenInput(path)
		if err == nil {
			f.Close()
			t.Errorf("%s opened", path)
			continue
		}
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), kind) {
			t.Errorf("%s: %v; want ErrNotRegular naming the path and %q", path, err, kind)
		}
		if _, err := CheckInput(path, true); !errors.Is(err, ErrNotRegular) {
			t.Errorf("CheckInput(%s, dirs allowed) = %v", path, err)
		}
	}
	if _, err := OpenInput(dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
	if _, err := CheckInput(dir, true); err != nil {
		t.Errorf("directory with dirOK: %v", err)
	}
	reg := filepath.Join(dir, "list.txt")
	os.WriteFile(reg, []byte("abc\n"), 0o644)
	f, err := OpenInput(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, err := io.ReadAll(f); err != nil || string(b) != "abc\n" {
		t.Fatalf("read %q, %v", b, err)
	}
}
