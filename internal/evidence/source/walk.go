package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync/atomic"
	"time"

	"github.com/vibora-project/vibora/internal/hashing"
)

// walker holds the state of one Walk or OpenFS.
type walker struct {
	ctx   context.Context
	opt   Options
	visit func(*item) error
	// keep: OpenFS mode; archives and spill files stay open until closeAll
	// so that fs.File reads can happen after the walk.
	keep    bool
	closers []io.Closer
	disk    int // entries on disk numbered so far (Options.Select)
}

// selected numbers an entry on disk and reports whether Options.Select
// takes it.
func (w *walker) selected(raw string, size int64) bool {
	n := w.disk
	w.disk++
	return w.opt.Select == nil || w.opt.Select(n, raw, size)
}

// item is an entry under construction, with the ways to reach its bytes.
type item struct {
	path, raw string
	size      int64
	mod       time.Time
	mode      fs.FileMode
	depth     int
	pwIndex   int
	warnings  []string
	err       error
	mediaType string

	// Content access; at most one of reopen and stream is set.
	reopen func() (io.ReadCloser, error) // repeatable
	ra     io.ReaderAt                   // random access, with size; optional
	stream *bufio.Reader                 // single use
	used   bool
	// cleanup is closed once the item has been visited (and walked).
	cleanup []io.Closer
}

func (it *item) warn(format string, args ...any) {
	it.warnings = append(it.warnings, fmt.Sprintf(format, args...))
}

func (it *item) entry() Entry {
	e := Entry{
		Path: it.path, RawPath: it.raw, Size: it.size, ModTime: it.mod, Mode: it.mode,
		MediaType: it.mediaType, Depth: it.depth, PasswordIndex: it.pwIndex,
		Err: it.err, Warnings: it.warnings,
	}
	if e.RawPath == e.Path {
		e.RawPath = ""
	}
	e.Open = it.open
	return e
}

// open gives the content to a consumer.
func (it *item) open() (io.ReadCloser, error) {
	switch {
	case it.err != nil && it.reopen == nil && it.stream == nil:
		return nil, fmt.Errorf("open %s: %w", it.path, it.err)
	case !it.mode.IsRegular():
		return nil, fmt.Errorf("open %s: %w (%s)", it.path, ErrNotRegular, kindName(it.mode))
	case it.reopen != nil:
		return it.reopen()
	case it.stream != nil:
		if it.used {
			return nil, fmt.Errorf("open %s: %w", it.path, ErrConsumed)
		}
		it.used = true
		return io.NopCloser(it.stream), nil
	}
	return nil, fmt.Errorf("open %s: no content", it.path)
}

func kindName(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m.IsDir():
		return "directory"
	case m&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return "file"
}

func (w *walker) checkCtx() error {
	if err := w.ctx.Err(); err != nil {
		return &callbackError{err}
	}
	return nil
}

// release closes c now, or at closeAll in OpenFS mode.
func (w *walker) release(c io.Closer) {
	if c == nil {
		return
	}
	if w.keep {
		w.closers = append(w.closers, c)
		return
	}
	c.Close()
}

func (w *walker) closeAll() error {
	var first error
	for i := len(w.closers) - 1; i >= 0; i-- {
		if err := w.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	w.closers = nil
	return first
}

// emit hands a finished item to the visitor, wrapping its error so the
// archive walkers pass it up untouched.
func (w *walker) emit(it *item) error {
	if err := w.checkCtx(); err != nil {
		return err
	}
	if err := w.visit(it); err != nil {
		return &callbackError{err}
	}
	return nil
}

// handle sniffs an item, reports it, and walks it when it is an archive.
// budget is the enclosing archive's (nil on disk).
func (w *walker) handle(it *item, b *budget) error {
	defer func() {
		for _, c := range it.cleanup {
			c.Close()
		}
	}()
	if err := b.member(); err != nil {
		// Stop this archive: the error goes on the archive's entry.
		return err
	}
	if it.err != nil || !it.mode.IsRegular() {
		return w.emit(it)
	}
	head, err := it.head()
	if err != nil {
		it.err = err
		return w.emit(it)
	}
	it.mediaType = hashing.MediaType(head)
	k := kindOf(it.mediaType)
	if k == kindNone {
		return w.emit(it)
	}
	if it.depth >= w.opt.MaxDepth {
		it.warn("archive not opened: nesting depth limit %d reached", w.opt.MaxDepth)
		return w.emit(it)
	}
	if it.stream != nil {
		// A streamed member is read twice (by the visitor and by the
		// archive walker): keep it in a temporary file.
		if err := w.spillItem(it); err != nil {
			if errors.Is(err, errSpillCap) {
				it.warn("archive not opened: %v", err)
			} else {
				it.err = err
				it.stream = nil // partly consumed: no content to offer
			}
			return w.emit(it)
		}
	}
	if err := b.charge(it.size); err != nil {
		it.warn("archive not opened: %v", err)
		return w.emit(it)
	}
	nb := newBudget(w.opt, b, it.size)
	if werr := w.walkArchive(k, it, nb); werr != nil {
		var cb *callbackError
		if errors.As(werr, &cb) {
			return werr
		}
		it.err = werr
	}
	return w.emit(it)
}

// head returns the first SniffLen bytes (fewer for a short item).
func (it *item) head() ([]byte, error) {
	if it.stream != nil {
		h, err := it.stream.Peek(hashing.SniffLen)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("read %s: %w", it.path, err)
		}
		return h, nil
	}
	if it.ra != nil {
		buf := make([]byte, hashing.SniffLen)
		n, err := it.ra.ReadAt(buf, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read %s: %w", it.path, err)
		}
		return buf[:n], nil
	}
	rc, err := it.reopen()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := make([]byte, hashing.SniffLen)
	n, err := io.ReadFull(rc, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("read %s: %w", it.path, err)
	}
	return buf[:n], nil
}

// spillItem copies a streamed item into a temporary file (capped) and
// makes the item repeatable from it. When the cap is hit, the item keeps
// a stream made of the spilled part and the rest, so it can still be read
// (and hashed) once.
func (w *walker) spillItem(it *item) error {
	f, err := os.CreateTemp(w.opt.TempDir, "vibora-spill-*")
	if err != nil {
		return fmt.Errorf("spill %s: %w", it.path, err)
	}
	sp := &spillFile{File: f}
	n, err := io.Copy(f, io.LimitReader(it.stream, w.opt.MaxSpill+1))
	if err != nil {
		sp.Close()
		return fmt.Errorf("spill %s at offset %d: %w", it.path, n, err)
	}
	if n > w.opt.MaxSpill {
		// Over the cap: give the visitor the bytes anyway, once.
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			sp.Close()
			return fmt.Errorf("spill %s: %w", it.path, err)
		}
		it.stream = bufio.NewReaderSize(io.MultiReader(f, it.stream), 64<<10)
		it.cleanup = append(it.cleanup, sp) // after the visit
		return fmt.Errorf("%w: member larger than the %d-byte spill cap", errSpillCap, w.opt.MaxSpill)
	}
	it.stream = nil
	it.size = n
	it.ra = f
	it.reopen = func() (io.ReadCloser, error) {
		return io.NopCloser(io.NewSectionReader(f, 0, n)), nil
	}
	if w.keep {
		w.closers = append(w.closers, sp)
	} else {
		it.cleanup = append(it.cleanup, sp)
	}
	return nil
}

// errSpillCap: a member too large to keep in a temporary file; its bytes
// are still offered once.
var errSpillCap = fmt.Errorf("%w: spill cap", ErrLimit)

// spillFile is a temporary file removed when closed.
type spillFile struct {
	*os.File
	closed atomic.Bool
}

func (s *spillFile) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	err := s.File.Close()
	if rerr := os.Remove(s.File.Name()); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// budget counts bytes expanded from one archive and, through total, from
// the top-level archive it is in; it enforces the caps of Options.
type budget struct {
	opt   *Options
	total *atomic.Int64 // shared by a top-level archive and all nested ones
	// entries counts members across the top-level archive and all nested
	// ones (overlapping-entry zips multiply members without expanding).
	entries *atomic.Int64
	out     atomic.Int64 // expanded from this archive
	inSize  int64        // the archive's own size
	// topSize is the size of the top-level archive: MaxRatio applies to
	// the total expansion across all nesting levels against it too, so
	// that levels each under the ratio cannot multiply into a bomb.
	topSize int64
}

func newBudget(opt Options, parent *budget, inSize int64) *budget {
	b := &budget{opt: &opt, inSize: max(inSize, 1)}
	if parent != nil {
		b.total, b.entries, b.topSize = parent.total, parent.entries, parent.topSize
	} else {
		b.total, b.entries, b.topSize = new(atomic.Int64), new(atomic.Int64), b.inSize
	}
	return b
}

// checkTotal applies the caps on the expansion of the whole top-level
// archive, nested archives included.
func (b *budget) checkTotal(total int64) error {
	switch {
	case total > b.opt.MaxTotalExpanded:
		return fmt.Errorf("%w: archive expands past %d bytes in total", ErrLimit, b.opt.MaxTotalExpanded)
	case total > ratioGrace && float64(total) > b.opt.MaxRatio*float64(b.topSize):
		return fmt.Errorf("%w: top-level archive of %d bytes expands past ratio %g across its nesting levels", ErrLimit, b.topSize, b.opt.MaxRatio)
	}
	return nil
}

// member accounts one more member; charge accounts the size of a nested
// archive about to be walked (stored members are read in place without
// expanding, but walking the same one many times must hit the total cap).
func (b *budget) member() error {
	if b == nil {
		return nil
	}
	if n := b.entries.Add(1); n > int64(b.opt.MaxEntries) {
		return fmt.Errorf("%w: more than %d members in one top-level archive", ErrLimit, b.opt.MaxEntries)
	}
	return nil
}

func (b *budget) charge(nestedSize int64) error {
	if b == nil || nestedSize <= 0 {
		return nil
	}
	return b.checkTotal(b.total.Add(nestedSize))
}

// add accounts n more bytes of one reader that has produced soFar bytes
// (capped at entryCap); count false checks only the reader's own cap.
func (b *budget) add(n, soFar, entryCap int64, count bool) error {
	if soFar > entryCap {
		return fmt.Errorf("%w: member expands past %d bytes", ErrLimit, entryCap)
	}
	if !count {
		return nil
	}
	out := b.out.Add(n)
	if err := b.checkTotal(b.total.Add(n)); err != nil {
		return err
	}
	if out > ratioGrace && float64(out) > b.opt.MaxRatio*float64(b.inSize) {
		return fmt.Errorf("%w: archive of %d bytes expands past ratio %g", ErrLimit, b.inSize, b.opt.MaxRatio)
	}
	return nil
}

// limited wraps a decompressed reader with the budget. It remembers the
// first read failure so that the archive walker can report it too.
type limited struct {
	r     io.Reader
	c     io.Closer
	b     *budget
	n     int64
	cap   int64
	count bool
	path  string
	err   error
}

// wrap limits a member reader (counted in the archive's budget).
func (b *budget) wrap(rc io.ReadCloser, path string) io.ReadCloser {
	return &limited{r: rc, c: rc, b: b, path: path, cap: b.opt.MaxEntrySize, count: true}
}

// wrapMember limits a member whose bytes may already be counted (a tar
// member inside a compressed stream).
func (b *budget) wrapMember(rc io.ReadCloser, path string, counted bool) *limited {
	return &limited{r: rc, c: rc, b: b, path: path, cap: b.opt.MaxEntrySize, count: !counted}
}

func (l *limited) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if lerr := l.b.add(int64(n), l.n, l.cap, l.count); lerr != nil {
		l.err = fmt.Errorf("read %s: %w", l.path, lerr)
		return n, l.err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		l.err = fmt.Errorf("read %s at offset %d: %w", l.path, l.n, err)
		return n, l.err
	}
	return n, err
}

func (l *limited) Close() error {
	if l.c == nil {
		return nil
	}
	return l.c.Close()
}

// noteErr copies the reader's first error to *first if that is unset.
func (l *limited) noteErr(first *error) {
	if l.err != nil && *first == nil {
		*first = l.err
	}
}

// failure is the first read error seen, as an archive error.
func (l *limited) failure(path string) error {
	if l.err == nil {
		return nil
	}
	return corrupt(path, l.err)
}
