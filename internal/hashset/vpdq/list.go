package vpdq

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/video"
)

// Format is the hash-list format name of video hash lists (either form).
const Format = "vpdq"

// MaxFiles bounds the videos of one directory or archive.
const MaxFiles = 10_000_000

// ListReader is a hashset.Reader over video hash lists: one record per
// file, each file one video's frames in either form. A record carries the
// frames in the reference text form (Record.VPDQ), renumbered by position
// when the file was in the compact form; its SourceID is the file's path
// in the directory or archive without its extension; and when that name
// is 32 hex digits (the video's MD5, as VICS names media), the record
// carries that MD5 too, so an exact copy also matches by digest. A file
// that is not a video hash list, or holds no frame, is a rejection naming
// it (its Line is the file's position, from 1).
type ListReader struct {
	fsys   fs.FS
	single io.Reader // one file instead of fsys
	names  []string
	i      int
	sum    hash.Hash // over each file: name, NUL, SHA-256 of its bytes, LF
	read   int64
	forms  map[string]bool
	done   bool
}

// NewFSReader reads every regular file of fsys (a directory, or an archive
// presented as one), in lexical order; names starting with "." are
// skipped.
func NewFSReader(fsys fs.FS) (*ListReader, error) {
	r := &ListReader{fsys: fsys, sum: sha256.New(), forms: map[string]bool{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			if len(r.names) >= MaxFiles {
				return fmt.Errorf("over %d files", MaxFiles)
			}
			r.names = append(r.names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list video hash lists: %w", err)
	}
	return r, nil
}

// NewFileReader reads one video's list from r; name (the file's base
// name) gives the record its SourceID.
func NewFileReader(r io.Reader, name string) *ListReader {
	return &ListReader{single: r, names: []string{name}, sum: sha256.New(), forms: map[string]bool{}}
}

// Files is the number of files the reader will read.
func (r *ListReader) Files() int { return len(r.names) }

// Read is the number of bytes read so far.
func (r *ListReader) Read() int64 { return r.read }

// Meta describes the lists: format vpdq, version the forms seen ("text",
// "compact" or "text+compact") once they have been read.
func (r *ListReader) Meta() hashset.Meta {
	var v []string
	if r.forms[FormText] {
		v = append(v, "text")
	}
	if r.forms[FormCompact] {
		v = append(v, "compact")
	}
	return hashset.Meta{Format: Format, FormatVersion: strings.Join(v, "+")}
}

// SHA256 is the digest of what was read: for a directory or archive, of
// each file's name and SHA-256 in order (so renaming a file changes it).
func (r *ListReader) SHA256() [32]byte { return [32]byte(r.sum.Sum(nil)) }

// Next returns the next video's record.
func (r *ListReader) Next() (hashset.Record, error) {
	if r.i >= len(r.names) || r.done {
		return hashset.Record{}, io.EOF
	}
	i, name := r.i, r.names[r.i]
	r.i++
	var data []byte
	var err error
	if r.single != nil {
		data, err = io.ReadAll(io.LimitReader(r.single, MaxBytes+1))
		r.done = true
	} else {
		data, err = r.readFile(name)
	}
	r.read += int64(len(data))
	if err != nil && !errors.Is(err, ErrTooLarge) {
		return hashset.Record{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxBytes {
		err = ErrTooLarge
	}
	if r.single == nil {
		d := sha256.Sum256(data)
		fmt.Fprintf(r.sum, "%s\x00%x\n", name, d)
	} else {
		r.sum.Write(data)
	}
	line := int64(i + 1)
	if err != nil {
		return hashset.Record{}, hashset.Reject(line, name, "%s: %v", name, err)
	}
	frames, form, err := Read(bytes.NewReader(data))
	if err != nil {
		return hashset.Record{}, hashset.Reject(line, name, "%s: not a video hash list: %v", name, err)
	}
	if len(frames) == 0 {
		return hashset.Record{}, hashset.Reject(line, name, "%s: no frame", name)
	}
	r.forms[form] = true
	if form == FormCompact {
		for k := range frames {
			frames[k].Number = k
		}
	}
	var text bytes.Buffer
	if err := video.WriteText(&text, frames); err != nil {
		return hashset.Record{}, err
	}
	rec := hashset.Record{VPDQ: text.String(), Present: hashset.HasVPDQ, Line: line,
		SourceID: strings.TrimSuffix(name, path.Ext(name)), Class: hashset.NormaliseCategory("", "")}
	if stem := path.Base(rec.SourceID); len(stem) == 32 {
		if d, err := hex.DecodeString(stem); err == nil {
			rec.SetMD5([16]byte(d))
		}
	}
	return rec, nil
}

func (r *ListReader) readFile(name string) ([]byte, error) {
	f, err := r.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxBytes+1))
}

// TarWriter writes the video records of a bank as a tar archive, one
// member per video, in the reference text form (NAME.txt) or the compact
// form (NAME.json), NAME the record's SourceID (its path in the imported
// directory or archive, or its MD5, else "video-N"). What it writes reads
// back as a bank (format vpdq, detected). Records without frames are not
// written.
type TarWriter struct {
	tw      *tar.Writer
	compact bool
	n       int64
	taken   map[string]bool
}

// NewTarWriter writes to w in the given form (FormText or FormCompact).
func NewTarWriter(w io.Writer, form string) *TarWriter {
	return &TarWriter{tw: tar.NewWriter(w), compact: form == FormCompact, taken: map[string]bool{}}
}

// Write adds one record's video, if it has one.
func (t *TarWriter) Write(r *hashset.Record) error {
	if !r.Has(hashset.HasVPDQ) {
		return nil
	}
	data := []byte(r.VPDQ)
	ext := ".txt"
	if t.compact {
		frames, err := video.ReadText(strings.NewReader(r.VPDQ), 0)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := WriteCompact(&b, frames); err != nil {
			return err
		}
		data, ext = b.Bytes(), ".json"
	}
	name := memberName(r.SourceID)
	if name == "" {
		name = r.HexMD5()
	}
	if name == "" {
		name = fmt.Sprintf("video-%d", t.n+1)
	}
	if t.taken[name] {
		name = fmt.Sprintf("%s-%d", name, t.n+1)
	}
	t.taken[name] = true
	if err := t.tw.WriteHeader(&tar.Header{Name: name + ext, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg,
		Format: tar.FormatPAX}); err != nil {
		return err
	}
	if _, err := t.tw.Write(data); err != nil {
		return err
	}
	t.n++
	return nil
}

// memberName makes a source id a safe relative member name: no leading
// "/", no "." or ".." elements, no control characters.
func memberName(id string) string {
	var parts []string
	for _, p := range strings.Split(strings.ReplaceAll(id, "\\", "/"), "/") {
		p = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return '_'
			}
			return r
		}, p)
		if p == "" || p == "." || p == ".." {
			continue
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "/")
}

// Close finishes the archive.
func (t *TarWriter) Close() error { return t.tw.Close() }

// Count is the number of videos written.
func (t *TarWriter) Count() int64 { return t.n }
