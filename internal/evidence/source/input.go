package source

import (
	"fmt"
	"io/fs"
	"os"
)

// CheckInput examines a path a user gave as input to a command (an export,
// a hash list, a watchlist, a passwords file, an evidence root) before
// anything opens it. A FIFO, socket or device is refused at once with an
// error naming the path and wrapping ErrNotRegular: opening a FIFO without
// a writer blocks for ever, and reading a device has no end. Directories
// are accepted only when dirOK. A symlink is followed (the user named it)
// and judged by its target. The returned FileInfo is the target's.
func CheckInput(path string, dirOK bool) (fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	m := st.Mode()
	switch {
	case m.IsRegular():
		return st, nil
	case m.IsDir() && dirOK:
		return st, nil
	case m.IsDir():
		return nil, fmt.Errorf("%s: is a directory, want a file", path)
	}
	return nil, fmt.Errorf("%s: %w (%s): refused as input", path, ErrNotRegular, kindName(m))
}

// OpenInput opens a user-given input file read-only after CheckInput. It
// never blocks: the open is non-blocking and the file is checked again
// once open, so a FIFO swapped in after the check is refused too. The
// file's access time is left alone where the platform allows it.
func OpenInput(path string) (*os.File, error) {
	if _, err := CheckInput(path, false); err != nil {
		return nil, err
	}
	f, err := openReadOnly(path, true)
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
		return nil, fmt.Errorf("%s: %w (%s): refused as input", path, ErrNotRegular, kindName(st.Mode()))
	}
	if err := setBlocking(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
