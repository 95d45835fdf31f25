package source

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
)

// OpenFile opens a file on disk as Walk opens the files it finds, for
// commands that read files where they lie (hash, match): read-only,
// without changing the access time where the platform allows it, never
// through a symlink (one swapped in after the file was listed is refused),
// and without blocking: a FIFO or device swapped in is refused with
// ErrNotRegular once open.
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
	if err := setBlocking(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ReadDirNames lists a directory on disk as Walk does, sorted by name:
// without changing its access time where the platform allows it, and
// never through a symlink swapped in for it.
func ReadDirNames(path string) ([]string, error) {
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
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}
