// Package source presents evidence (a directory tree, a single file, or an
// archive, with archives nested inside archives) as a read-only,
// deterministic sequence of entries, and archives and directories as an
// fs.FS.
//
// Sources stack: a directory holds files; a file whose magic bytes say it
// is an archive (ZIP incl. zip64, tar, tar or a single file compressed with
// gzip, bzip2, xz or zstd, 7z, RAR) is opened and its members are visited in
// turn, down to Options.MaxDepth levels of nesting. A member's path joins
// the archive's path and the member name with "!/":
//
//	case1/backup.zip!/DCIM/img_0001.jpg
//	case1/outer.zip!/inner.tar.gz!/x.jpg
//	case1/photo.jpg.gz!/photo.jpg        (a compressed single file)
//
// Paths start with the base name of the root given to Walk ("case1" above
// for root /evidence/case1; "backup.zip" when the root is that file) and
// use '/' whatever the platform. A tar inside gzip/bzip2/xz/zstd is one
// level ("x.tar.gz!/member"), not two.
//
// Order is deterministic: directory entries sorted by name (bytewise),
// archive members in archive order. An archive is reported after its
// members (post-order), so that its Err can say whether the walk of its
// members completed.
//
// Nothing is ever written to the evidence: files are opened O_RDONLY (with
// O_NOATIME where the OS allows it, so atimes do not change either), never
// through a symlink unless Options.FollowSymlinks, and device files, FIFOs
// and sockets are never opened. Memory stays bounded: tar members are
// streamed; a nested archive that needs random access (zip, 7z) and is not
// already seekable is spilled to a temporary file (capped by
// Options.MaxSpill, deleted after use). Hostile input (zip bombs, traversal
// names, symlink loops, corrupt or encrypted archives, unreadable files) is
// recorded on the entry as Err or Warnings and the walk goes on.
package source

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"
)

// Default limits, used where an Options field is zero.
const (
	DefaultMaxDepth         = 3
	DefaultMaxEntrySize     = 64 << 30 // 64 GiB per member
	DefaultMaxTotalExpanded = 1 << 40  // 1 TiB per top-level archive
	DefaultMaxRatio         = 1000     // expanded bytes per archive byte
	DefaultMaxEntries       = 1_000_000
	DefaultMaxSpill         = 16 << 30 // 16 GiB per temporary file
	DefaultMaxDictionary    = 1 << 30  // RAR/zstd decoder window
)

// ratioGrace is how many expanded bytes an archive may produce before the
// ratio cap applies, so that tiny archives of compressible text (a 200-byte
// zip of 1 MB of zeros) are not called bombs.
const ratioGrace = 16 << 20

// Options tune a walk. The zero value is valid and uses the defaults.
type Options struct {
	// MaxDepth is how many levels of archives are opened: 1 opens archives
	// found on disk but not archives inside them; the default (0) is
	// DefaultMaxDepth; negative opens no archive at all. An archive beyond
	// the limit is reported as a plain file with a warning.
	MaxDepth int
	// Passwords are tried in order on encrypted zip members, and on 7z
	// and RAR archives (after trying no password). Entry.PasswordIndex
	// records which one worked (chain of custody: which password opened
	// what).
	Passwords []string
	// MaxEntrySize caps the expanded size of one archive member.
	MaxEntrySize int64
	// MaxTotalExpanded caps all bytes expanded from one top-level archive,
	// nested archives included (bytes read twice count twice).
	MaxTotalExpanded int64
	// MaxRatio caps expanded bytes per byte of archive, once 16 MiB have
	// been expanded: per archive, and for a top-level archive over the
	// total expanded from it at every nesting level (so that levels each
	// under the ratio cannot multiply: 16 copies of 16 copies of ...).
	MaxRatio float64
	// MaxEntries caps the members read from one archive.
	MaxEntries int
	// MaxSpill caps one temporary file (a nested zip or 7z member that has
	// to be spilled to disk for random access).
	MaxSpill int64
	// MaxDictionary caps the decoder window a RAR or zstd stream may ask
	// for (memory).
	MaxDictionary int64
	// TempDir is where spill files go; default os.TempDir().
	TempDir string
	// Select, when set, chooses the entries on disk to visit: it is asked
	// for each one, before it is opened, with its number n (0, 1, ... in
	// walk order, over every file on disk and every directory that cannot
	// be read), its raw path and its size; an entry it refuses is not
	// opened and not reported, nor are its members. A walk that selects
	// nothing lists the evidence without reading it (an ingest's plan);
	// one that selects a range of numbers walks one part of it.
	Select func(n int, raw string, size int64) bool
	// FollowSymlinks follows symlinks on disk (never inside archives).
	// Loops are detected and reported. Default false: a symlink is
	// reported with a warning and not read.
	FollowSymlinks bool
}

func (o Options) withDefaults() Options {
	switch {
	case o.MaxDepth == 0:
		o.MaxDepth = DefaultMaxDepth
	case o.MaxDepth < 0:
		o.MaxDepth = 0
	}
	if o.MaxEntrySize <= 0 {
		o.MaxEntrySize = DefaultMaxEntrySize
	}
	if o.MaxTotalExpanded <= 0 {
		o.MaxTotalExpanded = DefaultMaxTotalExpanded
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.MaxSpill <= 0 {
		o.MaxSpill = DefaultMaxSpill
	}
	if o.MaxDictionary <= 0 {
		o.MaxDictionary = DefaultMaxDictionary
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	return o
}

// Errors recorded on entries (test with errors.Is).
var (
	// ErrEncrypted: the archive or member is encrypted and no password
	// (of Options.Passwords) opened it.
	ErrEncrypted = errors.New("encrypted")
	// ErrLimit: a cap of Options was reached (zip bomb, too many entries,
	// too large to spill). Reading a member past a cap returns it too.
	ErrLimit = errors.New("expansion limit exceeded")
	// ErrNotRegular: a device, FIFO, socket or symlink; never opened.
	ErrNotRegular = errors.New("not a regular file")
	// ErrSymlinkLoop: following a symlink would revisit a directory.
	ErrSymlinkLoop = errors.New("symlink loop")
	// ErrChanged marks a file or directory that is no longer the one the
	// walk listed (replaced, for instance by a symlink, or moved in from
	// elsewhere): it is not read.
	ErrChanged = errors.New("changed since it was listed")
	// ErrCorrupt: the archive structure is invalid or truncated; members
	// read before the damage were reported.
	ErrCorrupt = errors.New("corrupt archive")
	// ErrConsumed: Open called again on a streamed member (tar, RAR,
	// compressed stream), whose bytes can be read only once.
	ErrConsumed = errors.New("stream member already opened")
)

// Entry is one file of the evidence: a file on disk or an archive member.
// Directories are not entries (unless they cannot be read: then an entry
// with Mode.IsDir() and Err).
type Entry struct {
	// Path is the display path ('/' separators, "!/" into archives),
	// always valid UTF-8: invalid bytes and control characters of names
	// are escaped as \xNN (with a warning).
	Path string
	// RawPath is the path with the names' original bytes and form, set
	// only when it differs from Path (escaped bytes; a zip name decoded
	// from CP437; a member name with "./", "..", a leading '/', '\' or a
	// drive letter). Two entries of one archive may share Path, and even
	// RawPath (a name stored twice): Path is for display, not identity.
	RawPath string
	// Size is the size in bytes (for members, as the archive declares it);
	// -1 when unknown.
	Size    int64
	ModTime time.Time
	Mode    fs.FileMode
	// MediaType is sniffed from the first bytes (hashing.MediaType); empty
	// when the entry could not be read.
	MediaType string
	// Depth is the number of archives the entry is inside (0 on disk).
	Depth int
	// PasswordIndex is the index in Options.Passwords of the password that
	// decrypted this member (or, for 7z/RAR, its archive); -1 if none.
	PasswordIndex int
	// Err is set when the entry could not be read (unreadable, encrypted,
	// device file, symlink loop, declared size over the cap) or, for an
	// archive, when its members could not all be walked (corrupt,
	// encrypted, limit reached). An archive's own bytes usually remain
	// readable through Open (and should still be hashed).
	Err error
	// Warnings record what was noticed and handled: neutralised traversal
	// names, escaped names, symlinks not followed, depth limit reached.
	Warnings []string
	// Open returns the content. For archive members it is valid only
	// during the callback; for files on disk (Depth 0) it stays valid
	// after it (it reopens the path), so a caller may hash those in
	// parallel. Files on disk and zip members may be opened more than
	// once; for streamed members (tar, RAR, 7z, compressed streams) a
	// second call returns ErrConsumed. For entries without content
	// (symlink, device, unreadable) it returns an error. Reading past a
	// cap returns an error wrapping ErrLimit.
	Open func() (io.ReadCloser, error)
}

// Walk visits every file under root (a directory, a file or an archive),
// recursing into archives, and calls fn for each entry in a deterministic
// order. Problems with the evidence are recorded on entries, not returned;
// Walk returns an error only when root cannot be examined at all, when ctx
// is cancelled, or when fn returns one (fs.SkipAll stops the walk and Walk
// returns nil).
func Walk(ctx context.Context, root string, opt Options, fn func(Entry) error) error {
	w := &walker{ctx: ctx, opt: opt.withDefaults()}
	w.visit = func(it *item) error { return fn(it.entry()) }
	err := w.walkRoot(root)
	w.closeAll()
	if errors.Is(err, fs.SkipAll) {
		return nil
	}
	return err
}

// callbackError carries an error from fn (or ctx) up through the archive
// walkers, which otherwise record their errors on the archive entry.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }
func (e *callbackError) Unwrap() error { return e.err }

func stopErr(err error) error {
	var cb *callbackError
	if errors.As(err, &cb) {
		return cb.err
	}
	return err
}
