package source

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// OpenFile opens a file on disk as Walk opens the files it finds, for
// commands that read files where they lie (hash, match): read-only,
// without changing the access time where the platform allows it, never
// through a symlink (one swapped in after the file was listed is refused),
// and without blocking: a FIFO or device swapped in is refused with
// ErrNotRegular once open. (The descriptor keeps O_NONBLOCK, which
// regular files ignore, as Walk's do.)
func OpenFile(path string) (*os.File, error) {
	f, err := openReadOnly(path, false)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kindName(st.Mode()))}
	}
	return f, nil
}

// ReadDir lists a directory on disk, sorted by name, as Walk does:
// without changing its access time where the platform allows it, and
// never through a symlink swapped in for it.
func ReadDir(path string) ([]fs.DirEntry, error) {
	f, err := openReadOnly(path, false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: path, Err: fmt.Errorf("not a directory (%s)", kindName(st.Mode()))}
	}
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}
