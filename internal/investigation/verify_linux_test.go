//go:build linux

package investigation_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

func atimeOf(t *testing.T, p string) time.Time {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return time.Unix(st.Atim.Sec, st.Atim.Nsec)
}

// TestVerifyIsReadOnly: verify reads evidence as ingest does: access times
// do not move, and a file swapped for a symlink (to a copy of its content
// outside the evidence) is not followed.
func TestVerifyIsReadOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		ev, outside := filepath.Join(dir, "ev"), filepath.Join(dir, "outside.txt")
		os.MkdirAll(ev, 0o755)
		for _, n := range []string{"a.txt", "b.txt"} {
			os.WriteFile(filepath.Join(ev, n), []byte("content of "+n), 0o644)
		}
		os.WriteFile(outside, []byte("content of b.txt"), 0o644)
		if _, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: []string{ev}}); err != nil {
			t.Fatal(err)
		}
		// Old times, so that a read under relatime would move them.
		old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
		for _, p := range []string{filepath.Join(ev, "a.txt"), filepath.Join(ev, "b.txt"), outside} {
			os.Chtimes(p, old, old)
		}
		v, err := s.Verify(ctx, "op", "E1", 0)
		if err != nil || !v.OK() || v.Matched != 2 {
			t.Fatalf("verify: %+v %v", v, err)
		}
		for _, p := range []string{filepath.Join(ev, "a.txt"), filepath.Join(ev, "b.txt")} {
			if at := atimeOf(t, p); !at.Equal(old) {
				t.Errorf("verify moved the access time of %s to %v", p, at)
			}
		}
		// b.txt swapped for a symlink to the same bytes elsewhere.
		os.Remove(filepath.Join(ev, "b.txt"))
		if err := os.Symlink(outside, filepath.Join(ev, "b.txt")); err != nil {
			t.Fatal(err)
		}
		v, err = s.Verify(ctx, "op", "E1", 0)
		if err != nil || v.OK() || v.Matched != 1 || len(v.Changed) != 1 || v.Changed[0].Path != filepath.Join(ev, "b.txt") {
			t.Fatalf("symlink swap: %+v %v", v, err)
		}
		if at := atimeOf(t, outside); !at.Equal(old) {
			t.Errorf("verify read the symlink's target (atime %v)", at)
		}
	})
}
