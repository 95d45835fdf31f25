// Package hma reads PDQ hash lists as exchanged with Meta's
// Hasher-Matcher-Actioner (HMA) and ThreatExchange tooling: comma- (or
// tab-) separated text, one signal per line, with optional metadata.
//
// With a header line, columns are matched by name (see docs/hashsets.md):
// the signal (hash, signal, signal_value, pdq…), an optional signal_type
// (pdq, or md5 for video MD5 signals; other types are rejected per line),
// quality, an identifier (id, indicator_id, content_id, bank_content_id…),
// tags (split on spaces, commas, '|' and ';') and bank name (kept as the
// tag "bank:<name>"). python-threatexchange's CSV
// ("collab,signal_type,signal_str,category,tags") reads the same way: the
// signal type decides the kind per line, the collaboration and category are
// kept as the tags "collab:<name>" and "category:<value>".
//
// Without a header the layout is told from the first line (Layout):
// pdq-photo-hasher output "hash,quality,filename"; HMA data files
// "hash,id,added_on,tags" (the layout of HMA's sample_data: ISO 8601 times,
// space-separated labels; PDQ, or MD5 for photo/video MD5 files), also
// with Unix times and a five-column variant with a "0" column (both
// accepted, neither found in public sources), the columns matched by their
// shape; python-threatexchange's CLI cache rows
// "indicator_id,hash,descriptor_id,added_on,tags" (the indicator id kept as
// the tag "indicator:<id>"); anything else is read as
// "hash,id,timestamp,tags".
// Lines starting with '#' and blank lines are skipped.
//
// HMA lists carry no categories: records get profile "hma" and class
// uncategorised. Low-quality PDQ hashes (< 50) are kept with their quality;
// the matcher decides what to do with them.
package hma

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"
)

// Format is the format name used in Meta and by format detection.
const Format = "hma"

type column uint8

const (
	colIgnore column = iota
	colSignal
	colPDQ // a column that can only hold PDQ
	colType
	colQuality
	colID
	colTags
	colBank
	colCollab    // python-threatexchange collaboration: tag "collab:<name>"
	colCategory  // python-threatexchange category: tag "category:<value>"
	colMD5       // a column that can only hold MD5 (photo/video MD5 data files)
	colIndicator // ThreatExchange indicator id: tag "indicator:<id>"
)

var byName = map[string]column{
	"hash": colSignal, "signal": colSignal, "signal_value": colSignal, "signal_val": colSignal, "value": colSignal,
	"pdq": colPDQ, "pdq_hash": colPDQ, "pdq_hex": colPDQ,
	"signal_type": colType, "type": colType, "hash_type": colType,
	"quality": colQuality, "pdq_quality": colQuality,
	"id": colID, "indicator_id": colID, "content_id": colID, "bank_content_id": colID, "signal_id": colID,
	"descriptor_id": colID, "threat_descriptor_id": colID,
	"tags": colTags, "tag": colTags, "labels": colTags,
	"bank": colBank, "bank_name": colBank,
	"signal_str": colSignal, "signal_string": colSignal,
	"collab": colCollab, "collaboration": colCollab, "privacy_group": colCollab,
	"category": colCategory,
}

// Layouts Layout recognises in a headerless first line.
const (
	LayoutPDQHasher = "pdq-photo-hasher" // hash,quality,filename
	LayoutHMA1      = "hma1"             // hash,id,timestamp,tags (four or five columns)
	LayoutTECache   = "te-cache"         // indicator_id,hash,descriptor_id,added_on,tags
)

// Layout tells, from the fields of a headerless first line, whether it is
// an HMA-style line, and which:
//
//   - LayoutPDQHasher: a 64-hex hash, a quality 0..100 and a file name or
//     path.
//   - LayoutHMA1: a hash (64 hex: PDQ; 32 hex: MD5) followed by a numeric
//     id, a time (ISO 8601 as in "2020-07-31T18:47:52+0000"; for PDQ also
//     Unix seconds), optional tags and, in a five-column variant, a column
//     holding "0". This is the data file of HMA's sample_data and
//     python-threatexchange's descriptor rollup (hash, first descriptor
//     id, added_on, space-separated labels).
//   - LayoutTECache: python-threatexchange's CLI cache row: indicator id,
//     hash, first descriptor id, added_on, labels.
//
// cols maps each field. A plain list ("hash,category,series") matches
// none.
func Layout(fields []string) (layout string, ok bool) {
	layout, _, ok = layoutOf(fields)
	return layout, ok
}

func layoutOf(fields []string) (layout string, cols []column, ok bool) {
	if len(fields) < 3 || len(fields) > 5 {
		return "", nil, false
	}
	if len(fields) == 5 && digitsOnly(strings.TrimSpace(fields[0])) && hashColumn(fields[1]) != colIgnore &&
		digitsOnly(strings.TrimSpace(fields[2])) && isTime(fields[3]) {
		return LayoutTECache, []column{colIndicator, hashColumn(fields[1]), colID, colIgnore, colTags}, true
	}
	hc := hashColumn(fields[0])
	if hc == colIgnore {
		return "", nil, false
	}
	if len(fields) == 3 {
		q, err := strconv.Atoi(fields[1])
		if err == nil && q >= 0 && q <= 100 && pathLike(fields[2]) && hc == colPDQ {
			return LayoutPDQHasher, []column{colPDQ, colQuality, colIgnore}, true
		}
		return "", nil, false
	}
	cols = make([]column, len(fields))
	cols[0] = hc
	ts, id, zero := -1, -1, -1
	for i := 1; i < len(fields); i++ {
		f := strings.TrimSpace(fields[i])
		switch {
		case f == "0" && zero < 0 && len(fields) == 5:
			zero = i
		case ts < 0 && isTime(f):
			ts = i
		case id < 0 && digitsOnly(f):
			id = i
		}
	}
	if ts < 0 || id < 0 || (len(fields) == 5 && zero < 0) {
		return "", nil, false
	}
	if hc == colMD5 && digitsOnly(strings.TrimSpace(fields[ts])) {
		return "", nil, false // MD5 data files carry ISO times; "md5,n,n,x" may be a plain list
	}
	if n := len(strings.TrimSpace(fields[id])); ts < id && (n == 9 || n == 10) {
		ts, id = id, ts // both could be Unix times: HMA writes the id first
	}
	for i := 1; i < len(fields); i++ {
		switch i {
		case id:
			cols[i] = colID
		case ts, zero:
			cols[i] = colIgnore
		default:
			cols[i] = colTags
		}
	}
	return LayoutHMA1, cols, true
}

// hashColumn is colPDQ for a 64-hex field, colMD5 for a 32-hex one and
// colIgnore otherwise.
func hashColumn(f string) column {
	f = strings.TrimSpace(f)
	switch {
	case len(f) == 64 && hashset.IsHex(f):
		return colPDQ
	case len(f) == 32 && hashset.IsHex(f):
		return colMD5
	}
	return colIgnore
}

// isTime accepts Unix seconds (9 or 10 digits) and ISO 8601 times
// "2020-07-31T18:47:52+0000" (any zone form, optional fraction).
func isTime(f string) bool {
	f = strings.TrimSpace(f)
	if digitsOnly(f) {
		return len(f) == 9 || len(f) == 10
	}
	if len(f) < 19 || len(f) > 40 || f[4] != '-' || f[7] != '-' || f[10] != 'T' && f[10] != ' ' || f[13] != ':' || f[16] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if f[i] < '0' || f[i] > '9' {
			return false
		}
	}
	for _, c := range f[19:] {
		if !strings.ContainsRune("0123456789.:+-Z", c) {
			return false
		}
	}
	return true
}

func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pathLike reports whether s looks like a file name or path.
func pathLike(s string) bool {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, `/\`) {
		return true
	}
	i := strings.LastIndexByte(s, '.')
	return i > 0 && i < len(s)-1 && len(s)-i <= 6
}

// Reader streams the records of an HMA-style list.
type Reader struct {
	lr      *hashset.LineReader
	name    string
	meta    hashset.Meta
	delim   byte
	cols    []column
	fields  []string
	started bool
	err     error
}

// NewReader reads an HMA-style list from r; name labels errors.
func NewReader(r io.Reader, name string, opts hashset.Options) *Reader {
	p := opts.Profile
	if p == "" {
		p = hashset.ProfileHMA
	}
	return &Reader{lr: hashset.NewLineReader(r, opts.RecordCap()), name: name, delim: ',',
		meta: hashset.Meta{Format: Format, Profile: p}}
}

// Meta describes the list; FormatVersion is "header", "hma1" or
// "pdq-photo-hasher" once the layout is known.
func (r *Reader) Meta() hashset.Meta { return r.meta }

// Next returns the next record; see hashset.Reader.
func (r *Reader) Next() (hashset.Record, error) {
	if r.err != nil {
		return hashset.Record{}, r.err
	}
	for {
		line, n, err := r.lr.Next()
		if err != nil {
			if !hashset.IsReject(err) && err != io.EOF {
				r.err = fmt.Errorf("hma %s line %d: %w", r.name, n, err)
				return hashset.Record{}, r.err
			}
			return hashset.Record{}, err
		}
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		if !r.started {
			r.started = true
			header, err := r.layout(line, n)
			if err != nil {
				r.err = err
				return hashset.Record{}, err
			}
			if header {
				continue
			}
		}
		return r.record(line, n)
	}
}

func (r *Reader) layout(line string, n int64) (bool, error) {
	if !strings.Contains(line, ",") && strings.Contains(line, "\t") {
		r.delim = '\t'
	}
	fields, err := hashset.SplitFields(line, r.delim, nil)
	if err != nil {
		return false, fmt.Errorf("hma %s line %d: %w", r.name, n, err)
	}
	known := false
	for _, f := range fields {
		known = known || byName[hashset.HeaderName(f)] != colIgnore
	}
	if len(fields) > 0 && (hashset.LooksLikeHash(fields[0]) || !known) {
		if layout, cols, ok := layoutOf(fields); ok {
			r.cols, r.meta.FormatVersion = cols, layout
			return false, nil
		}
		if q, err := strconv.Atoi(fieldAt(fields, 1)); len(fields) == 3 && err == nil && q >= 0 && q <= 100 {
			r.cols = []column{colPDQ, colQuality, colIgnore}
			r.meta.FormatVersion = "pdq-photo-hasher"
		} else {
			r.cols = []column{colPDQ, colID, colIgnore, colTags}
			r.meta.FormatVersion = "hma1"
		}
		return false, nil
	}
	found := false
	for _, f := range fields {
		c := byName[hashset.HeaderName(f)]
		r.cols = append(r.cols, c)
		found = found || c == colSignal || c == colPDQ
	}
	if !found {
		return false, fmt.Errorf("hma %s line %d: header %q has no hash/signal/pdq column", r.name, n, hashset.Truncate(line, 120))
	}
	r.meta.FormatVersion = "header"
	return true, nil
}

func fieldAt(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

func (r *Reader) record(line string, n int64) (hashset.Record, error) {
	var rec hashset.Record
	fields, err := hashset.SplitFields(line, r.delim, r.fields)
	r.fields = fields
	if err != nil {
		return rec, hashset.Reject(n, line, "%v", err)
	}
	rec.Line = n
	rec.Profile = r.meta.Profile
	kind := hashset.HashPDQ
	signal := ""
	for i, f := range fields {
		if i >= len(r.cols) {
			if r.meta.FormatVersion == "header" {
				return hashset.Record{}, hashset.Reject(n, line, "%d fields, header has %d", len(fields), len(r.cols))
			}
			break // the hma1 tags column may be followed by more text
		}
		switch r.cols[i] {
		case colSignal, colPDQ, colMD5:
			if r.cols[i] == colMD5 {
				kind = hashset.HashMD5
			}
			if signal != "" && f != "" {
				return hashset.Record{}, hashset.Reject(n, line, "two signal columns")
			}
			if f != "" {
				signal = f
			}
		case colType:
			switch strings.ToLower(f) {
			case "", "pdq", "photo_pdq", "image_pdq", "pdqsignal":
				kind = hashset.HashPDQ
			case "md5", "video_md5", "photo_md5", "videomd5":
				kind = hashset.HashMD5
			default:
				return hashset.Record{}, hashset.Reject(n, line, "signal type %q is not one vibora compares (pdq, md5)", hashset.Truncate(f, 30))
			}
		case colQuality:
			if f == "" {
				break
			}
			q, err := strconv.Atoi(f)
			if err != nil || q < 0 || q > 100 {
				return hashset.Record{}, hashset.Reject(n, line, "quality %q: want 0..100", hashset.Truncate(f, 20))
			}
			rec.SetPDQQuality(uint8(q))
		case colID:
			rec.SourceID = f
		case colTags:
			for _, t := range strings.Fields(f) {
				rec.Tags = append(rec.Tags, hashset.SplitTags(t)...)
			}
		case colBank:
			if f != "" {
				rec.Tags = append(rec.Tags, "bank:"+f)
			}
		case colCollab:
			if f != "" {
				rec.Tags = append(rec.Tags, "collab:"+f)
			}
		case colCategory:
			if f != "" {
				rec.Tags = append(rec.Tags, "category:"+f)
			}
		case colIndicator:
			if f != "" {
				rec.Tags = append(rec.Tags, "indicator:"+f)
			}
		}
	}
	if err := rec.SetHex(signal, kind, hashset.HashPDQ); err != nil {
		return hashset.Record{}, hashset.Reject(n, line, "%v", err)
	}
	if kind != hashset.HashPDQ && rec.Has(hashset.HasPDQQuality) {
		rec.Present &^= hashset.HasPDQQuality
	}
	if reason := rec.CheckKnown(); reason != "" {
		return hashset.Record{}, hashset.Reject(n, line, "%s", reason)
	}
	rec.Class = hashset.NormaliseCategory(rec.Profile, rec.Category)
	return rec, nil
}
