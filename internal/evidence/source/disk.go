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
		dir, err := openDirRoot(nil, abs, raw, info)
		if err != nil {
			return fmt.Errorf("source %s: %w", root, err)
		}
		defer dir.Close()
		return stopErr(w.walkDir(dir, abs, disp, raw, []os.FileInfo{info}))
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
	it.reopen = func() (io.ReadCloser, error) { return openRegular(abs, disp, follow, info) }
	return it
}

// openRegular opens a file read-only and makes sure it is (still) a
// regular file, so a FIFO or device swapped in is never read, and that it
// is the very file the walk listed (want, from a Lstat relative to its
// directory's descriptor): a path component swapped for a symlink after
// the listing leads to another file, which is refused with ErrChanged.
func openRegular(abs, disp string, follow bool, want os.FileInfo) (*os.File, error) {
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
	if want != nil && !os.SameFile(st, want) {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", disp, ErrChanged)
	}
	return f, nil
}

// testHookListed, when set by a test, runs after each entry is Lstat'ed
// and before it is opened: the window in which a hostile evidence tree
// can swap a path component.
var testHookListed func(abs string)

// openDirRoot opens the directory name of parent (parent nil: name is an
// absolute path the user gave) as an *os.Root and checks that it is the
// directory the walk listed (want): a directory swapped for a symlink
// between the listing and the open is refused, whether the link points
// outside the parent (os.Root refuses it) or inside it (ErrChanged).
func openDirRoot(parent *os.Root, name, disp string, want os.FileInfo) (*os.Root, error) {
	var dir *os.Root
	var err error
	if parent == nil {
		dir, err = os.OpenRoot(name)
	} else {
		dir, err = parent.OpenRoot(name)
	}
	if err != nil {
		return nil, fmt.Errorf("open directory %s: %w", disp, err)
	}
	st, err := dir.Stat(".")
	if err != nil {
		dir.Close()
		return nil, fmt.Errorf("stat directory %s: %w", disp, err)
	}
	if !os.SameFile(st, want) {
		dir.Close()
		return nil, fmt.Errorf("directory %s: %w", disp, ErrChanged)
	}
	return dir, nil
}

// walkDir visits the entries of dir (the directory at abs) sorted by name.
// Entries are listed and Lstat'ed through dir's descriptor, and
// subdirectories opened from it, so a path component swapped for a symlink
// in the middle of the walk never leads the walk elsewhere. ancestors are
// the directories on the way down (for symlink loop detection).
func (w *walker) walkDir(dir *os.Root, abs, disp, raw string, ancestors []os.FileInfo) error {
	if err := w.checkCtx(); err != nil {
		return err
	}
	names, err := readDirNames(dir)
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
		li, err := dir.Lstat(name)
		if testHookListed != nil {
			testHookListed(cabs)
		}
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
			sub, err := openDirRoot(dir, name, cdisp, li)
			if err != nil {
				if !w.selected(craw, -1) {
					continue
				}
				if err := w.emit(&item{path: cdisp, raw: craw, size: -1, mode: li.Mode(), pwIndex: -1, err: err}); err != nil {
					return err
				}
				continue
			}
			err = w.walkDir(sub, cabs, cdisp, craw, append(ancestors, li))
			sub.Close()
			if err != nil {
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
				// A followed link is a new root: the user asked for links
				// to be followed wherever they lead.
				sub, err := openDirRoot(nil, cabs, cdisp, si)
				if err != nil {
					it.err = fmt.Errorf("follow symlink %s: %w", cdisp, err)
					it.reopen = nil
					break
				}
				err = w.walkDir(sub, cabs, cdisp, craw, append(ancestors, si))
				sub.Close()
				if err != nil {
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

// readDirNames lists the directory dir refers to, through its descriptor,
// without changing its atime where possible.
func readDirNames(dir *os.Root) ([]string, error) {
	f, err := dir.OpenFile(".", os.O_RDONLY|noATime, 0)
	if err != nil && noATime != 0 {
		// O_NOATIME needs ownership of the directory (or CAP_FOWNER).
		f, err = dir.Open(".")
	}
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
