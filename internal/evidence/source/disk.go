package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// walkRoot walks a directory, a file or an archive named by the user. A
// symlink given as the root itself is followed: the user named it.
func (w *walker) walkRoot(root string) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("source %s: %w", root, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("source %s: %w", root, err)
	}
	raw := filepath.Base(abs)
	disp, _, _ := displayName(raw)
	if info.IsDir() {
		return stopErr(w.walkDir(abs, disp, raw, []os.FileInfo{info}))
	}
	if !w.selected(raw, info.Size()) {
		return nil
	}
	it := w.diskItem(abs, disp, raw, info, true)
	if !info.Mode().IsRegular() {
		it.err = fmt.Errorf("source %s: %w (%s)", root, ErrNotRegular, kindName(info.Mode()))
	}
	return stopErr(w.handle(it, nil))
}

func (w *walker) diskItem(abs, disp, raw string, info os.FileInfo, follow bool) *item {
	it := &item{
		path: disp, raw: raw, size: info.Size(), mod: info.ModTime(), mode: info.Mode(),
		pwIndex: -1,
	}
	it.reopen = func() (io.ReadCloser, error) { return openRegular(abs, disp, follow) }
	return it
}

// openRegular opens a file read-only and makes sure it is (still) a
// regular file, so a FIFO or device swapped in is never read.
func openRegular(abs, disp string, follow bool) (*os.File, error) {
	f, err := openReadOnly(abs, follow)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", disp, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat %s: %w", disp, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open %s: %w (%s)", disp, ErrNotRegular, kindName(st.Mode()))
	}
	return f, nil
}

// walkDir visits a directory's entries sorted by name. ancestors are the
// directories on the way down (for symlink loop detection).
func (w *walker) walkDir(abs, disp, raw string, ancestors []os.FileInfo) error {
	if err := w.checkCtx(); err != nil {
		return err
	}
	names, err := readDirNames(abs)
	if err != nil {
		if !w.selected(raw, -1) {
			return nil
		}
		it := &item{path: disp, raw: raw, mode: fs.ModeDir | ancestors[len(ancestors)-1].Mode().Perm(), pwIndex: -1,
			err: fmt.Errorf("read directory %s: %w", disp, err), size: -1}
		return w.emit(it)
	}
	slices.Sort(names)
	for _, name := range names {
		cabs := filepath.Join(abs, name)
		cd, bad, ctl := displayName(name)
		cdisp, craw := disp+"/"+cd, raw+"/"+name
		li, err := os.Lstat(cabs)
		if err != nil {
			if !w.selected(craw, -1) {
				continue
			}
			if err := w.emit(&item{path: cdisp, raw: craw, size: -1, pwIndex: -1, err: fmt.Errorf("stat %s: %w", cdisp, err)}); err != nil {
				return err
			}
			continue
		}
		it := w.diskItem(cabs, cdisp, craw, li, false)
		if bad {
			it.warn("invalid UTF-8 name (bytes kept in RawPath, shown escaped)")
		}
		if ctl {
			it.warn("control characters in name (shown escaped)")
		}
		mode := li.Mode()
		switch {
		case mode.IsDir():
			if err := w.walkDir(cabs, cdisp, craw, append(ancestors, li)); err != nil {
				return err
			}
			continue
		case mode&fs.ModeSymlink != 0:
			// The target is not read (readlink would change the link's
			// atime); Lstat's size is the target's length.
			if !w.opt.FollowSymlinks {
				it.warn("symlink not followed")
				it.reopen = nil
				break
			}
			si, err := os.Stat(cabs)
			if err != nil {
				it.err = fmt.Errorf("follow symlink %s: %w", cdisp, err)
				it.reopen = nil
				break
			}
			if si.IsDir() {
				if slices.ContainsFunc(ancestors, func(a os.FileInfo) bool { return os.SameFile(a, si) }) {
					it.err = fmt.Errorf("follow symlink %s: %w", cdisp, ErrSymlinkLoop)
					it.reopen = nil
					break
				}
				if err := w.walkDir(cabs, cdisp, craw, append(ancestors, si)); err != nil {
					return err
				}
				continue
			}
			it = w.diskItem(cabs, cdisp, craw, si, true)
			it.warn("symlink followed")
			if !si.Mode().IsRegular() {
				it.err = fmt.Errorf("%s: %w (%s)", cdisp, ErrNotRegular, kindName(si.Mode()))
				it.reopen = nil
			}
		case !mode.IsRegular():
			it.err = fmt.Errorf("%s: %w (%s)", cdisp, ErrNotRegular, kindName(mode))
			it.reopen = nil
		}
		if !w.selected(craw, it.size) {
			continue
		}
		if err := w.handle(it, nil); err != nil {
			return err
		}
	}
	return nil
}

// readDirNames lists a directory without following a final symlink swap
// and without changing its atime where possible.
func readDirNames(abs string) ([]string, error) {
	f, err := openReadOnly(abs, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, errors.New("not a directory")
	}
	return f.Readdirnames(-1)
}
