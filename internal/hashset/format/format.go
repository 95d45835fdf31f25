// Package format opens a hash-list file in any supported format: it
// detects the format from the file's first bytes (or takes it from the
// caller), returns the matching streaming hashset.Reader, and hashes the
// file's bytes on the way through so the bank's provenance records the
// SHA-256 of exactly what was imported.
//
// Detection (Detect) looks at the first 8 KiB:
//
//  1. "SQLite format 3\x00" magic: nsrl (Open then requires a
//     DISTINCT_HASH or FILE table).
//  2. After an optional UTF-8 BOM and white space, '{': vics.
//  3. Otherwise the first line that is not blank and not a '#' comment:
//     a header naming an ICSE-only column (Image ID, Baseline, Number of
//     submissions, File Available, Is distributed, Series name), or a data line of
//     exactly 12 ';'-separated fields starting with a hash: icse;
//     a data line in a headerless HMA layout (see below): hma;
//     a header naming an HMA/ThreatExchange column (signal_type,
//     signal_value, signal_str, bank_content_id, indicator_id, bank_name…): hma;
//     anything else: plain.
//
// A data line is first checked against the headerless HMA layouts
// (hma.Layout): "hash,id,added_on,tags" (ISO 8601 or Unix times), its
// five-column variant with a "0" column, python-threatexchange's
// "indicator_id,hash,descriptor_id,added_on,tags" and pdq-photo-hasher's
// "hash,quality,path" are hma, not plain. The python-threatexchange CSV
// header (collab,signal_type,signal_str,category,tags) names signal_type:
// hma.
//
// Video hash lists (vpdq) are one file per video: a file whose first line
// is frame,quality,pdqHex,timestamp or that is a JSON list of
// "pdqHex,quality,timestamp" strings is one video's list (checked before
// the rules above); a directory, or an archive (zip, tar, 7z, RAR, gz...),
// is read as a set of them, one video per file (see vpdq.ListReader).
package format

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/hashing"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/hma"
	"github.com/vibora-project/vibora/internal/hashset/icse"
	"github.com/vibora-project/vibora/internal/hashset/nsrl"
	"github.com/vibora-project/vibora/internal/hashset/plain"
	"github.com/vibora-project/vibora/internal/hashset/vics"
	"github.com/vibora-project/vibora/internal/hashset/vpdq"
)

// Names lists the formats Open accepts, in documentation order.
var Names = []string{vics.Format, icse.Format, plain.Format, hma.Format, nsrl.Format, vpdq.Format}

// HeadSize is how many leading bytes Detect looks at.
const HeadSize = 8 << 10

// ErrUnknown is returned (wrapped) when the format cannot be detected.
var ErrUnknown = errors.New("unrecognised hash list format")

const sqliteMagic = "SQLite format 3\x00"

// icseColumns are header names only ICSE exports use (victim_identified
// and the like also appear in Vibora's CSV export, a plain list).
var icseColumns = map[string]bool{"image_id": true, "baseline": true, "number_of_submissions": true,
	"file_available": true, "is_distributed": true, "series_name": true}

var hmaColumns = map[string]bool{"signal_type": true, "signal_value": true, "signal": true, "signal_str": true, "bank_content_id": true,
	"indicator_id": true, "content_id": true, "bank_name": true, "pdq_hash": true, "signal_val": true}

// Detect names the format of a file from its first bytes (see the package
// comment for the rule).
func Detect(head []byte) (string, error) {
	if bytes.HasPrefix(head, []byte(sqliteMagic)) {
		return nsrl.Format, nil
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) == 0 {
		return "", fmt.Errorf("%w: empty file", ErrUnknown)
	}
	if t[0] == '{' {
		return vics.Format, nil
	}
	if _, ok := vpdq.Detect(t); ok {
		return vpdq.Format, nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "", fmt.Errorf("%w: binary data", ErrUnknown)
	}
	for _, line := range strings.FieldsFunc(string(t), func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		delim := byte(',')
		switch {
		case strings.Contains(line, ";"):
			delim = ';'
		case strings.Contains(line, "\t") && !strings.Contains(line, ","):
			delim = '\t'
		}
		fields, _ := hashset.SplitFields(line, delim, nil)
		if _, ok := hma.Layout(fields); ok && delim != ';' {
			return hma.Format, nil
		}
		if len(fields) > 0 && hashset.LooksLikeHash(fields[0]) {
			if delim == ';' && len(fields) == len(icse.Header) {
				return icse.Format, nil
			}
			return plain.Format, nil
		}
		for _, f := range fields {
			n := hashset.HeaderName(f)
			if icseColumns[n] {
				return icse.Format, nil
			}
			if hmaColumns[n] {
				return hma.Format, nil
			}
		}
		return plain.Format, nil
	}
	return plain.Format, nil // only comments: an empty plain list
}

// Options choose the format and tune the reader.
type Options struct {
	hashset.Options
	Format string // one of Names; "" or "auto" detects
}

// File is an open hash list: a hashset.Reader plus what the importer
// needs for provenance. Close it.
type File struct {
	hashset.Reader
	Format string // the format used (detected or given)
	Path   string
	Size   int64

	f      *os.File
	src    io.Reader // f through the hasher
	sum    hash.Hash
	read   int64
	nsrl   *nsrl.Reader
	digest *[32]byte
	// lists reads a directory or an archive of video hash lists; closeFS
	// releases it.
	lists   *vpdq.ListReader
	closeFS func() error
}

// Open opens path read-only and returns a reader for its records. ctx
// bounds NSRL queries (text formats read only when Next is called).
func Open(ctx context.Context, path string, opts Options) (*File, error) {
	name := opts.Format
	if name == "auto" {
		name = ""
	}
	if name != "" && !valid(name) {
		return nil, fmt.Errorf("hash list format %q: want one of %s", name, strings.Join(Names, ", "))
	}
	if opts.Profile != "" && !hashset.ValidProfile(opts.Profile) {
		return nil, fmt.Errorf("category profile %q: want one of %s", opts.Profile, strings.Join(hashset.Profiles, ", "))
	}
	if st, err := source.CheckInput(path, true); err != nil {
		return nil, err
	} else if st.IsDir() {
		if name != "" && name != vpdq.Format {
			return nil, fmt.Errorf("%s: a directory is read as video hash lists (format vpdq), not %s", path, name)
		}
		return openVideoLists(ctx, path)
	}
	f, err := source.OpenInput(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat() // OpenInput has refused anything but a regular file
	if err != nil {
		f.Close()
		return nil, err
	}
	file := &File{Path: path, Size: st.Size(), f: f, sum: sha256.New()}
	file.src = io.TeeReader(countReader{f, &file.read}, file.sum)
	br := bufio.NewReaderSize(file.src, 64<<10)
	if name == "" {
		head, err := br.Peek(HeadSize)
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if hashing.IsArchive(hashing.MediaType(head)) {
			f.Close()
			return openVideoLists(ctx, path)
		}
		if name, err = Detect(head); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w (name the format: %s)", path, err, strings.Join(Names, ", "))
		}
	}
	file.Format = name
	label := path
	switch name {
	case vics.Format:
		file.Reader = vics.NewReader(br, label, opts.Options)
	case icse.Format:
		file.Reader = icse.NewReader(br, label, opts.Options)
	case plain.Format:
		file.Reader = plain.NewReader(br, label, opts.Options)
	case hma.Format:
		file.Reader = hma.NewReader(br, label, opts.Options)
	case vpdq.Format:
		head, _ := br.Peek(HeadSize)
		if hashing.IsArchive(hashing.MediaType(head)) {
			f.Close()
			return openVideoLists(ctx, path)
		}
		file.Reader = vpdq.NewFileReader(br, filepath.Base(path))
	case nsrl.Format:
		f.Close()
		file.f = nil
		r, err := nsrl.Open(ctx, path, opts.Options)
		if err != nil {
			return nil, err
		}
		file.nsrl, file.Reader = r, r
	}
	return file, nil
}

// openVideoLists opens a directory or an archive of video hash lists.
func openVideoLists(ctx context.Context, path string) (*File, error) {
	fsys, closeFS, err := source.OpenFS(ctx, path, source.Options{})
	if err != nil {
		return nil, err
	}
	r, err := vpdq.NewFSReader(fsys)
	if err != nil {
		closeFS()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{Reader: r, Format: vpdq.Format, Path: path, lists: r, closeFS: closeFS}, nil
}

func valid(name string) bool {
	for _, n := range Names {
		if n == name {
			return true
		}
	}
	return false
}

type countReader struct {
	r io.Reader
	n *int64
}

func (c countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// Progress returns how many bytes of the file the reader has consumed so
// far (0 for NSRL, which is read through SQLite) and the file size.
func (f *File) Progress() (done, total int64) {
	if f.lists != nil {
		return int64(f.lists.Read()), 0
	}
	return f.read, f.Size
}

// SHA256 returns the SHA-256 of the file's bytes. Call it after Next has
// returned io.EOF: for text formats it hashes whatever the reader did not
// need (trailing bytes) and returns the digest of the whole file; for NSRL
// it reads the database file once more.
func (f *File) SHA256() ([32]byte, error) {
	if f.digest != nil {
		return *f.digest, nil
	}
	var d [32]byte
	if f.lists != nil {
		d = f.lists.SHA256()
		f.digest = &d
		return d, nil
	}
	if f.nsrl != nil {
		g, err := source.OpenInput(f.Path)
		if err != nil {
			return d, err
		}
		defer g.Close()
		h := sha256.New()
		if _, err := io.Copy(h, g); err != nil {
			return d, fmt.Errorf("hash %s: %w", f.Path, err)
		}
		copy(d[:], h.Sum(nil))
	} else {
		if f.f == nil {
			return d, errors.New("hash list file closed")
		}
		if _, err := io.Copy(io.Discard, f.src); err != nil {
			return d, fmt.Errorf("hash %s: %w", f.Path, err)
		}
		copy(d[:], f.sum.Sum(nil))
	}
	f.digest = &d
	return d, nil
}

// Close releases the file (and the SQLite handle for NSRL).
func (f *File) Close() error {
	var errs []error
	if f.closeFS != nil {
		errs = append(errs, f.closeFS())
		f.closeFS = nil
	}
	if f.nsrl != nil {
		errs = append(errs, f.nsrl.Close())
	}
	if f.f != nil {
		errs = append(errs, f.f.Close())
		f.f = nil
	}
	return errors.Join(errs...)
}
