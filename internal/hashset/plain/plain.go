// Package plain reads plain hash lists (one hash per line, optionally with
// more delimited columns) and writes and reads Vibora's CSV export.
//
// A line's hash kind is told by its length (32 hex = MD5, 40 = SHA-1,
// 64 = SHA-256, or PDQ when a "pdq" column header, a "# hash-kind: pdq"
// comment before the first data line or Options.Hash64 says so). Blank
// lines and lines starting with '#' are skipped. The delimiter is taken
// from the first data line: tab, else comma, else semicolon, else runs of
// spaces (md5sum-style "hash  name": only the first field is read).
//
// When the first field of the first data line is not a hash and some field
// is a known column name, that line is a header and columns are matched by
// name (see docs/hashsets.md); else the columns are positional: hash,
// category, series.
//
// What an unlabelled 64-hex value is (SHA-256 or PDQ) is decided, in this
// order, by Options.Hash64, a "# hash-kind:" comment, a header that names
// PDQ (a column whose name contains "pdq", or a quality column next to the
// hash, as pdq-photo-hasher and "FilePath,Hash,Quality" exports write),
// and the file's name: a name containing "pdq" makes the values PDQ when
// every 64-hex value in the first 64 KiB is PDQ-like (hashset.PDQLike).
// Otherwise SHA-256. Meta().Hash64 reports the kind taken, the reason
// (a hashset.Hash64By* constant) and how many values read as PDQ did not
// look like PDQ.
package plain

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"
)

// Format is the format name used in Meta and by format detection.
const Format = "plain"

type column uint8

const (
	colIgnore column = iota
	colHash          // kind by length
	colMD5
	colSHA1
	colSHA256
	colPDQ
	colQuality
	colPhotoDNA
	colCategory
	colProfile
	colSeries
	colTags
	colVictim
	colOffender
	colDistributed
	colSourceID
	colFile // a file path or name column: recognised, not imported
)

var headerColumns = map[string]column{
	"hash": colHash, "value": colHash, "hash_value": colHash, "digest": colHash,
	"md5": colMD5, "sha1": colSHA1, "sha_1": colSHA1, "sha256": colSHA256, "sha_256": colSHA256,
	"pdq": colPDQ, "pdq_hash": colPDQ, "quality": colQuality, "pdq_quality": colQuality,
	"photodna": colPhotoDNA, "category": colCategory, "profile": colProfile,
	"series": colSeries, "series_name": colSeries, "tags": colTags, "tag": colTags,
	"victim_identified": colVictim, "offender_identified": colOffender,
	"distributed": colDistributed, "is_distributed": colDistributed,
	"source_id": colSourceID, "id": colSourceID, "media_id": colSourceID, "mediaid": colSourceID,
	// file columns of hashing tools' CSVs ("FilePath,Hash"): known, not read
	"filepath": colFile, "file_path": colFile, "path": colFile, "filename": colFile, "file_name": colFile,
	"file": colFile, "name": colFile, "fullpath": colFile, "full_path": colFile,
}

// Reader streams the records of a plain list.
type Reader struct {
	lr      *hashset.LineReader
	name    string
	opts    hashset.Options
	meta    hashset.Meta
	hash64  hashset.HashKind
	why64   string // a hashset.Hash64By* reason
	n64     int64  // unlabelled 64-hex values read
	notPDQ  int64  // of those read as PDQ, values that are not PDQ-like
	delim   byte   // 0 until the first data line; ' ' for whitespace
	cols    []column
	fields  []string
	started bool
	err     error
}

// NewReader reads a plain list from r; name labels errors.
func NewReader(r io.Reader, name string, opts hashset.Options) *Reader {
	p := opts.Profile
	if p == "" {
		p = hashset.ProfileCustom
	}
	rd := &Reader{
		lr: hashset.NewLineReader(r, opts.RecordCap()), name: name, opts: opts, hash64: opts.Hash64,
		meta: hashset.Meta{Format: Format, Profile: p}, why64: hashset.Hash64ByOption,
	}
	if rd.hash64 != hashset.HashPDQ && rd.hash64 != hashset.HashSHA256 {
		rd.hash64, rd.why64 = hashset.HashSHA256, hashset.Hash64ByDefault
		if nameSaysPDQ(name) {
			br := bufio.NewReaderSize(r, lookahead)
			head, _ := br.Peek(lookahead)
			switch n, like := pdqLikeValues(head); {
			case n > 0 && like == n:
				rd.hash64, rd.why64 = hashset.HashPDQ, hashset.Hash64ByFileName
			case n > 0:
				rd.why64 = hashset.Hash64NotPDQLike
			}
			rd.lr = hashset.NewLineReader(br, opts.RecordCap())
		}
	}
	return rd
}

// lookahead is how much of a file whose name says PDQ is checked before
// its 64-hex values are taken for PDQ.
const lookahead = 64 << 10

// nameSaysPDQ reports whether a file's base name mentions PDQ.
func nameSaysPDQ(name string) bool {
	base := name[strings.LastIndexAny(name, `/\`)+1:]
	return strings.Contains(strings.ToLower(base), "pdq")
}

// pdqLikeValues counts the 64-hex fields (any column: "FilePath,Hash"
// puts the hash second) of the complete data lines in head, and how many
// of them are PDQ-like.
func pdqLikeValues(head []byte) (n, like int) {
	if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	for _, line := range strings.Split(string(head), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		for _, f := range strings.FieldsFunc(t, func(c rune) bool { return c == ',' || c == ';' || c == '\t' || c == ' ' || c == '"' }) {
			if len(f) != 64 || !hashset.LooksLikeHash(f) {
				continue
			}
			n++
			if hashset.PDQLike(f) {
				like++
			}
		}
	}
	return n, like
}

// Meta describes the list.
func (r *Reader) Meta() hashset.Meta {
	m := r.meta
	if r.n64 > 0 {
		m.Hash64 = &hashset.Hash64Assumption{Kind: r.hash64, Reason: r.why64, Values: r.n64, NotPDQLike: r.notPDQ}
	}
	return m
}

// Next returns the next record; see hashset.Reader.
func (r *Reader) Next() (hashset.Record, error) {
	if r.err != nil {
		return hashset.Record{}, r.err
	}
	for {
		line, n, err := r.lr.Next()
		if err != nil {
			if !hashset.IsReject(err) && err != io.EOF {
				r.err = fmt.Errorf("plain %s line %d: %w", r.name, n, err)
				return hashset.Record{}, r.err
			}
			return hashset.Record{}, err
		}
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if t[0] == '#' {
			if !r.started {
				r.directive(t)
			}
			continue
		}
		if !r.started {
			r.started = true
			header, err := r.layout(t, n)
			if err != nil {
				r.err = err
				return hashset.Record{}, err
			}
			if header {
				continue
			}
		}
		rec, rej := r.record(line, n)
		if rej != nil {
			return hashset.Record{}, rej
		}
		return rec, nil
	}
}

// directive reads "# hash-kind: pdq" (also "hash_kind=pdq").
func (r *Reader) directive(t string) {
	t = strings.ToLower(strings.TrimSpace(strings.TrimLeft(t, "#")))
	for _, p := range []string{"hash-kind", "hash_kind", "hashkind"} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			rest = strings.TrimLeft(rest, " :=")
			if k, err := hashset.ParseHashKind(rest); err == nil && (k == hashset.HashPDQ || k == hashset.HashSHA256) {
				r.hash64, r.why64 = k, hashset.Hash64ByDirective
			}
		}
	}
}

// layout picks the delimiter and the columns, from a header if the first
// data line is one.
func (r *Reader) layout(t string, n int64) (header bool, err error) {
	switch {
	case strings.IndexByte(t, '\t') >= 0:
		r.delim = '\t'
	case strings.IndexByte(t, ',') >= 0:
		r.delim = ','
	case strings.IndexByte(t, ';') >= 0:
		r.delim = ';'
	default:
		r.delim = ' '
	}
	fields, err := r.split(t)
	if err != nil || len(fields) == 0 || hashset.LooksLikeHash(fields[0]) || !anyKnown(fields) {
		if r.delim == ' ' {
			r.cols = []column{colHash}
		} else {
			r.cols = []column{colHash, colCategory, colSeries}
		}
		return false, nil
	}
	cols := make([]column, len(fields))
	found, saysPDQ := false, false
	for i, f := range fields {
		n := hashset.HeaderName(f)
		cols[i] = headerColumns[n]
		if cols[i] == colIgnore && strings.Contains(n, "hash") {
			cols[i] = colHash // "Hash", "FileHash", "PDQHash"…
		}
		if cols[i] >= colHash && cols[i] <= colPDQ {
			found = true
		}
		if strings.Contains(n, "pdq") || cols[i] == colQuality {
			saysPDQ = true
		}
	}
	if saysPDQ && r.why64 != hashset.Hash64ByOption && r.why64 != hashset.Hash64ByDirective {
		r.hash64, r.why64 = hashset.HashPDQ, hashset.Hash64ByHeader
	}
	if !found {
		return true, fmt.Errorf("plain %s line %d: header %q names no hash column (want hash, md5, sha1, sha256 or pdq)", r.name, n, hashset.Truncate(t, 120))
	}
	r.meta.FormatVersion = "header"
	r.cols = cols
	return true, nil
}

// anyKnown reports whether a field is a column name we know: a first line
// with none is data (a damaged first hash is rejected, not fatal).
func anyKnown(fields []string) bool {
	for _, f := range fields {
		if headerColumns[hashset.HeaderName(f)] != colIgnore {
			return true
		}
	}
	return false
}

func (r *Reader) split(line string) ([]string, error) {
	if r.delim == ' ' {
		r.fields = append(r.fields[:0], strings.Fields(line)...)
		return r.fields, nil
	}
	var err error
	r.fields, err = hashset.SplitFields(line, r.delim, r.fields)
	return r.fields, err
}

func (r *Reader) record(line string, n int64) (hashset.Record, *hashset.RejectError) {
	var rec hashset.Record
	rec.Line = n
	fields, err := r.split(line)
	if err != nil {
		return rec, hashset.Reject(n, line, "%v", err)
	}
	if len(fields) > len(r.cols) && r.meta.FormatVersion == "header" {
		return rec, hashset.Reject(n, line, "%d fields, header has %d", len(fields), len(r.cols))
	}
	rec.Profile = r.meta.Profile
	for i, f := range fields {
		if i >= len(r.cols) {
			break
		}
		var err error
		switch c := r.cols[i]; c {
		case colHash:
			err = rec.SetHex(f, hashset.HashAuto, r.hash64)
			if v := strings.TrimSpace(f); err == nil && len(v) == 64 {
				r.n64++
				if r.hash64 == hashset.HashPDQ && !hashset.PDQLike(v) {
					r.notPDQ++
				}
			}
		case colMD5:
			err = rec.SetHex(f, hashset.HashMD5, r.hash64)
		case colSHA1:
			err = rec.SetHex(f, hashset.HashSHA1, r.hash64)
		case colSHA256:
			err = rec.SetHex(f, hashset.HashSHA256, r.hash64)
		case colPDQ:
			err = rec.SetHex(f, hashset.HashPDQ, r.hash64)
		case colQuality:
			if f != "" {
				q, e := strconv.ParseUint(f, 10, 8)
				if e != nil || q > 100 {
					err = errors.New("quality: want 0..100")
				} else {
					rec.SetPDQQuality(uint8(q))
				}
			}
		case colPhotoDNA:
			rec.PhotoDNA = f
		case colCategory:
			rec.Category = f
		case colProfile:
			if f != "" {
				if !hashset.ValidProfile(f) {
					err = fmt.Errorf("profile %q unknown", hashset.Truncate(f, 40))
				} else if r.opts.Profile == "" {
					rec.Profile = f
				}
			}
		case colSeries:
			rec.Series = f
		case colTags:
			rec.Tags = hashset.SplitTags(f)
		case colVictim, colOffender, colDistributed:
			tri, ok := hashset.ParseTri(f)
			if !ok {
				err = fmt.Errorf("column %d: %q is not true/false", i+1, hashset.Truncate(f, 20))
			}
			switch c {
			case colVictim:
				rec.VictimIdentified = tri
			case colOffender:
				rec.OffenderIdentified = tri
			default:
				rec.Distributed = tri
			}
		case colSourceID:
			rec.SourceID = f
		}
		if err != nil {
			return rec, hashset.Reject(n, line, "%v", err)
		}
	}
	if reason := rec.CheckKnown(); reason != "" {
		return rec, hashset.Reject(n, line, "%s", reason)
	}
	rec.Class = hashset.NormaliseCategory(rec.Profile, rec.Category)
	return rec, nil
}
