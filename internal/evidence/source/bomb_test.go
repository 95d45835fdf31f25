package source

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/hostile"
)

// readEverything walks root, reads every entry it can, and returns the
// bytes read and the errors recorded. It stops (fs.SkipAll) once more than
// stop bytes were read, so a cap that does not hold fails fast instead of
// expanding gigabytes.
func readEverything(t *testing.T, root string, stop int64) (read int64, errs []error) {
	t.Helper()
	err := Walk(context.Background(), root, Options{}, func(e Entry) error {
		if e.Err != nil {
			errs = append(errs, e.Err)
		}
		if !e.Mode.IsRegular() {
			return nil
		}
		rc, err := e.Open()
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		read += n
		if err != nil {
			errs = append(errs, err)
		}
		if read > stop {
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return read, errs
}

// Three levels of 16 copies, each level under the per-archive ratio, add
// up to 4 GiB from a file of tens of KB. The cap applies to the total
// expansion of the top-level archive across all levels.
func TestNestedBombTotalCap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nested.tar.gz")
	declared, err := hostile.NestedBomb(p, 3, 16, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	t.Logf("%d-byte file declares %d bytes", st.Size(), declared)
	// The cap: DefaultMaxRatio times the top-level size, after the grace.
	limit := int64(DefaultMaxRatio)*st.Size() + ratioGrace
	read, errs := readEverything(t, p, 4*limit)
	if read > 2*limit {
		t.Errorf("read %d bytes of a %d-byte archive: over twice the cap %d", read, st.Size(), limit)
	}
	limited := false
	for _, e := range errs {
		limited = limited || errors.Is(e, ErrLimit)
	}
	if !limited {
		t.Errorf("no ErrLimit recorded (errors %v)", errs)
	}
}

// An honest archive with a nested archive of incompressible data is read
// completely.
func TestLargeNestedArchiveStillRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), "backup.zip")
	const size = 24 << 20
	if err := hostile.LargeArchive(p, size); err != nil {
		t.Fatal(err)
	}
	read, errs := readEverything(t, p, 1<<40)
	if len(errs) != 0 {
		t.Errorf("errors on an honest archive: %v", errs)
	}
	if read < 2*size {
		t.Errorf("read %d bytes, want the inner zip and its %d-byte member", read, size)
	}
}
