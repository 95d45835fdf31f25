package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"time"
)

// OpenFS presents a directory or an archive as a read-only fs.FS.
//
// A directory is served as it is on disk (files opened read-only, without
// touching atimes where possible; symlinks that stay inside the directory
// are followed, symlinks out of it refused; FIFOs and devices refused);
// archives inside it are plain files. An archive (zip, tar and compressed
// tar, a compressed file, 7z, RAR) is listed once up front: zip members are
// read from the archive on demand; streamed members (tar, RAR, 7z,
// compressed) are copied to temporary files (each capped by
// Options.MaxSpill) that closeFn deletes. Nested archives, down to
// Options.MaxDepth, appear as a directory named after the member plus "!"
// ("inner.zip!/a.txt" beside the file "inner.zip"). Member names are the
// neutralised ones of Walk; a member that could not be read is listed and
// its Open returns the error. When two members share a name the last one
// wins. closeFn must be called when the FS is no longer used.
func OpenFS(ctx context.Context, p string, opt Options) (fsys fs.FS, closeFn func() error, err error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, nil, fmt.Errorf("source %s: %w", p, err)
	}
	if info.IsDir() {
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, nil, fmt.Errorf("source %s: %w", p, err)
		}
		return &dirFS{root: root}, root.Close, nil
	}
	w := &walker{ctx: ctx, opt: opt.withDefaults(), keep: true}
	m := newMemFS()
	var rootPath string
	isArchive := false
	var rootErr error
	w.visit = func(it *item) error {
		if it.depth == 0 {
			isArchive = kindOf(it.mediaType) != kindNone
			rootErr = it.err
			return nil
		}
		return m.add(w, strings.TrimPrefix(it.path, rootPath+"!/"), it)
	}
	abs, err := absPath(p)
	if err != nil {
		return nil, nil, err
	}
	rootPath, _, _ = displayName(path.Base(abs))
	if err := w.walkRoot(abs); err != nil {
		w.closeAll()
		return nil, nil, err
	}
	if !isArchive {
		w.closeAll()
		return nil, nil, fmt.Errorf("source %s: not a directory or an archive", p)
	}
	if rootErr != nil {
		// Partial listings are not served: Walk reports what a damaged
		// archive still holds, entry by entry.
		w.closeAll()
		return nil, nil, fmt.Errorf("source %s: %w", p, rootErr)
	}
	m.finish()
	return m, w.closeAll, nil
}

func absPath(p string) (string, error) {
	abs, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if !path.IsAbs(p) {
		p = path.Join(abs, p)
	}
	return path.Clean(p), nil
}

// dirFS serves a directory through os.Root (no escape by ".." or
// symlinks), read-only.
type dirFS struct{ root *os.Root }

func (d *dirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	flags := os.O_RDONLY | syscall.O_NONBLOCK
	f, err := d.root.OpenFile(name, flags|noATime, 0)
	if errors.Is(err, syscall.EPERM) && noATime != 0 {
		f, err = d.root.OpenFile(name, flags, 0)
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kindName(st.Mode()))}
	}
	return f, nil
}

// memFS is the listing of an archive.
type memFS struct {
	nodes map[string]*memNode
}

type memNode struct {
	name     string
	dir      bool
	size     int64
	mod      time.Time
	mode     fs.FileMode
	open     func() (io.ReadCloser, error)
	children []*memNode
}

func newMemFS() *memFS {
	return &memFS{nodes: map[string]*memNode{".": {name: ".", dir: true, mode: fs.ModeDir | 0o555}}}
}

// dir returns the directory node for p, creating parents; nil when a
// file is in the way.
func (m *memFS) dir(p string) *memNode {
	if n, ok := m.nodes[p]; ok {
		if !n.dir {
			return nil
		}
		return n
	}
	parent := m.dir(path.Dir(p))
	if parent == nil {
		return nil
	}
	n := &memNode{name: path.Base(p), dir: true, mode: fs.ModeDir | 0o555}
	m.nodes[p] = n
	parent.children = append(parent.children, n)
	return n
}

func (m *memFS) add(w *walker, rel string, it *item) error {
	// Members of a nested archive live under "<archive>!/", a directory.
	if !fs.ValidPath(rel) || rel == "." {
		return nil
	}
	parent := m.dir(path.Dir(rel))
	if parent == nil {
		return nil
	}
	n := &memNode{name: path.Base(rel), size: it.size, mod: it.mod, mode: it.mode}
	switch {
	case it.err != nil:
		e := it.err
		n.open = func() (io.ReadCloser, error) { return nil, e }
	case !it.mode.IsRegular():
		n.open = it.open
	case it.stream != nil:
		if err := w.spillItem(it); err != nil {
			n.open = func() (io.ReadCloser, error) { return nil, err }
			break
		}
		n.size = it.size
		n.open = it.reopen
	default:
		n.open = it.reopen
		if it.ra != nil {
			ra, size := it.ra, it.size
			n.open = func() (io.ReadCloser, error) { return io.NopCloser(io.NewSectionReader(ra, 0, size)), nil }
		}
	}
	if old, ok := m.nodes[rel]; ok {
		if old.dir {
			return nil
		}
		*old = *n
		return nil
	}
	m.nodes[rel] = n
	parent.children = append(parent.children, n)
	return nil
}

func (m *memFS) finish() {
	for _, n := range m.nodes {
		slices.SortFunc(n.children, func(a, b *memNode) int { return strings.Compare(a.name, b.name) })
	}
}

func (m *memFS) lookup(op, name string) (*memNode, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	n, ok := m.nodes[name]
	if !ok {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return n, nil
}

func (m *memFS) Open(name string) (fs.File, error) {
	n, err := m.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if n.dir {
		return &memDir{n: n}, nil
	}
	rc, err := n.open()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &memFile{rc: rc, n: n}, nil
}

func (m *memFS) Stat(name string) (fs.FileInfo, error) {
	n, err := m.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return nodeInfo{n}, nil
}

func (m *memFS) ReadDir(name string) ([]fs.DirEntry, error) {
	n, err := m.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if !n.dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	out := make([]fs.DirEntry, len(n.children))
	for i, c := range n.children {
		out[i] = nodeInfo{c}
	}
	return out, nil
}

type nodeInfo struct{ n *memNode }

func (i nodeInfo) Name() string               { return i.n.name }
func (i nodeInfo) Size() int64                { return max(i.n.size, 0) }
func (i nodeInfo) Mode() fs.FileMode          { return i.n.mode }
func (i nodeInfo) ModTime() time.Time         { return i.n.mod }
func (i nodeInfo) IsDir() bool                { return i.n.dir }
func (i nodeInfo) Sys() any                   { return nil }
func (i nodeInfo) Type() fs.FileMode          { return i.n.mode.Type() }
func (i nodeInfo) Info() (fs.FileInfo, error) { return i, nil }

type memFile struct {
	rc io.ReadCloser
	n  *memNode
}

func (f *memFile) Read(p []byte) (int, error) { return f.rc.Read(p) }
func (f *memFile) Close() error               { return f.rc.Close() }
func (f *memFile) Stat() (fs.FileInfo, error) { return nodeInfo{f.n}, nil }

type memDir struct {
	n   *memNode
	off int
}

func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.n.name, Err: errors.New("is a directory")}
}
func (d *memDir) Close() error               { return nil }
func (d *memDir) Stat() (fs.FileInfo, error) { return nodeInfo{d.n}, nil }

func (d *memDir) ReadDir(count int) ([]fs.DirEntry, error) {
	rest := d.n.children[d.off:]
	if count > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	if count > 0 && count < len(rest) {
		rest = rest[:count]
	}
	d.off += len(rest)
	out := make([]fs.DirEntry, len(rest))
	for i, c := range rest {
		out[i] = nodeInfo{c}
	}
	return out, nil
}
