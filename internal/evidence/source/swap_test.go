package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// swapTree makes root/a/f.txt (evidence) and outside/f.txt (a file the
// walk must never read), and returns both directories.
func swapTree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root, outside = filepath.Join(base, "ev"), filepath.Join(base, "outside")
	write(t, filepath.Join(root, "a", "f.txt"), []byte("evidence"))
	write(t, filepath.Join(outside, "f.txt"), []byte("outside the evidence root"))
	return root, outside
}

// swapOnce replaces the directory dir with a symlink to target when the walk
// has listed the entry at listed: the race a hostile tree can win.
func swapOnce(t *testing.T, listed, dir, target string) {
	t.Helper()
	done := false
	testHookListed = func(abs string) {
		if done || abs != listed {
			return
		}
		done = true
		must(t, os.Rename(dir, dir+".moved"))
		must(t, os.Symlink(target, dir))
	}
	t.Cleanup(func() {
		testHookListed = nil
		if !done {
			t.Errorf("the walk never listed %s", listed)
		}
	})
}

func checkNothingOutside(t *testing.T, got []seen) {
	t.Helper()
	for _, s := range got {
		if s.sha != "" && s.Path != "" && strings.HasSuffix(s.Path, "f.txt") && s.readErr == nil {
			// The only readable f.txt is the evidence one, never the outside one.
			rc, err := s.Open()
			if err == nil {
				buf := make([]byte, 64)
				n, _ := rc.Read(buf)
				rc.Close()
				if strings.Contains(string(buf[:n]), "outside") {
					t.Errorf("%s: read a file outside the evidence root", s.Path)
				}
			}
		}
	}
}

// TestWalkDirectorySwappedForSymlink: a directory listed by the walk is
// replaced by a symlink to a directory outside the root before the walk
// opens it. The walk records an error for it and reads nothing outside.
func TestWalkDirectorySwappedForSymlink(t *testing.T) {
	for _, tc := range []struct{ name, target string }{
		{"outside", ""}, // absolute link out of the tree
		{"inside", "b"}, // relative link to another directory of the tree
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, outside := swapTree(t)
			write(t, filepath.Join(root, "b", "g.txt"), []byte("other evidence"))
			target := outside
			if tc.target != "" {
				target = tc.target
			}
			swapOnce(t, filepath.Join(root, "a"), filepath.Join(root, "a"), target)
			got := walkAll(t, root, Options{TempDir: t.TempDir()})
			checkNothingOutside(t, got)
			var dirErr error
			for _, s := range got {
				if s.Path == "ev/a" {
					dirErr = s.Err
				}
				if s.Path == "ev/a/f.txt" || s.Path == "ev/a/g.txt" {
					t.Errorf("ev/a/f.txt was walked through the swapped-in link (%+v)", s)
				}
			}
			if dirErr == nil {
				t.Fatalf("no error recorded for the swapped directory; walked %q", paths(got))
			}
			if tc.name == "inside" && !errors.Is(dirErr, ErrChanged) {
				t.Errorf("swapped directory: %v, want ErrChanged", dirErr)
			}
		})
	}
}

// TestWalkParentSwappedBeforeOpen: the file was listed, then its parent
// directory is replaced by a symlink to a directory holding a file of the
// same name; opening the listed file must refuse the other one.
func TestWalkParentSwappedBeforeOpen(t *testing.T) {
	root, outside := swapTree(t)
	swapOnce(t, filepath.Join(root, "a", "f.txt"), filepath.Join(root, "a"), outside)
	got := walkAll(t, root, Options{TempDir: t.TempDir()})
	checkNothingOutside(t, got)
	for _, s := range got {
		if s.Path != "ev/a/f.txt" {
			continue
		}
		err := s.readErr
		if err == nil {
			err = s.Err
		}
		if !errors.Is(err, ErrChanged) {
			t.Errorf("ev/a/f.txt after its parent was swapped: %v (sha %s), want ErrChanged", err, s.sha)
		}
		return
	}
	t.Fatalf("ev/a/f.txt not walked: %q", paths(got))
}
