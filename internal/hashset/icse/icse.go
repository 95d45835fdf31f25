// Package icse reads INTERPOL ICSE hash exports: semicolon-separated text
// with the header
//
//	MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name;Number of submissions;File Available;Media Type;Baseline
//
// Columns are matched by name (any order, any case; unknown columns are
// ignored), fields may be quoted, a UTF-8 byte-order mark is skipped, and
// a file whose first line is data rather than a header is read in the
// order above. A comma is accepted as the delimiter when the header line
// has commas and no semicolons.
//
// ICSE has no category numbers: a record whose Baseline flag is true gets
// Category "baseline" (profile icse, class csam: illegal in every
// country); the others have no category (class uncategorised, though the
// bank they are imported into is a known-material bank). Media Type is kept
// as the tag "media-type:<value>".
package icse

import (
	"fmt"
	"io"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"
)

// Format is the format name used in Meta and by format detection.
const Format = "icse"

// Header is the column list of an ICSE export, in its usual order.
var Header = []string{"MD5", "SHA1", "PhotoDNA", "Image ID", "Is distributed", "Victim identified",
	"Offender identified", "Series name", "Number of submissions", "File Available", "Media Type", "Baseline"}

type column uint8

const (
	colIgnore column = iota
	colMD5
	colSHA1
	colPhotoDNA
	colImageID
	colDistributed
	colVictim
	colOffender
	colSeries
	colMediaType
	colBaseline
)

var byName = map[string]column{
	"md5": colMD5, "sha1": colSHA1, "sha_1": colSHA1, "photodna": colPhotoDNA,
	"image_id": colImageID, "imageid": colImageID, "is_distributed": colDistributed, "distributed": colDistributed,
	"victim_identified": colVictim, "offender_identified": colOffender,
	"series_name": colSeries, "series": colSeries, "media_type": colMediaType, "baseline": colBaseline,
}

// Reader streams the records of an ICSE export.
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

// NewReader reads an ICSE export from r; name labels errors.
func NewReader(r io.Reader, name string, opts hashset.Options) *Reader {
	p := opts.Profile
	if p == "" {
		p = hashset.ProfileICSE
	}
	return &Reader{lr: hashset.NewLineReader(r, opts.RecordCap()), name: name, delim: ';',
		meta: hashset.Meta{Format: Format, Profile: p, SuggestedKind: hashset.KindKnown}}
}

// Meta describes the export.
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
				r.err = fmt.Errorf("icse %s line %d: %w", r.name, n, err)
				return hashset.Record{}, r.err
			}
			return hashset.Record{}, err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !r.started {
			r.started = true
			header, err := r.header(line, n)
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

func (r *Reader) header(line string, n int64) (bool, error) {
	if !strings.Contains(line, ";") && strings.Contains(line, ",") {
		r.delim = ','
	}
	fields, err := hashset.SplitFields(line, r.delim, nil)
	if err == nil && len(fields) > 0 && (hashset.LooksLikeHash(fields[0]) || !anyKnown(fields)) {
		r.delim = ';'
		for _, h := range Header {
			r.cols = append(r.cols, byName[hashset.HeaderName(h)])
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("icse %s line %d: header: %w", r.name, n, err)
	}
	hashes := false
	for _, f := range fields {
		c := byName[hashset.HeaderName(f)]
		r.cols = append(r.cols, c)
		hashes = hashes || c == colMD5 || c == colSHA1
	}
	if !hashes {
		return false, fmt.Errorf("icse %s line %d: header %q has no MD5 or SHA1 column", r.name, n, hashset.Truncate(line, 120))
	}
	return true, nil
}

// anyKnown reports whether a field is an ICSE column name: a first line
// with none is data in the usual order (a damaged line is then rejected).
func anyKnown(fields []string) bool {
	for _, f := range fields {
		if byName[hashset.HeaderName(f)] != colIgnore {
			return true
		}
	}
	return false
}

func (r *Reader) record(line string, n int64) (hashset.Record, error) {
	var rec hashset.Record
	fields, err := hashset.SplitFields(line, r.delim, r.fields)
	r.fields = fields
	if err != nil {
		return rec, hashset.Reject(n, line, "%v", err)
	}
	if len(fields) != len(r.cols) {
		// Too few is as wrong as too many: a row cut short (a quoted line
		// break, a truncated file) would otherwise lose its flags quietly.
		return rec, hashset.Reject(n, line, "%d fields, header has %d", len(fields), len(r.cols))
	}
	rec.Line = n
	rec.Profile = r.meta.Profile
	for i, f := range fields {
		var err error
		switch c := r.cols[i]; c {
		case colMD5:
			err = rec.SetHex(f, hashset.HashMD5, 0)
		case colSHA1:
			err = rec.SetHex(f, hashset.HashSHA1, 0)
		case colPhotoDNA:
			rec.PhotoDNA = f
		case colImageID:
			rec.SourceID = f
		case colSeries:
			rec.Series = f
		case colMediaType:
			if f != "" {
				rec.Tags = append(rec.Tags, "media-type:"+f)
			}
		case colDistributed, colVictim, colOffender, colBaseline:
			t, ok := hashset.ParseTri(f)
			if !ok {
				err = fmt.Errorf("column %d: %q is not a yes/no value", i+1, hashset.Truncate(f, 20))
				break
			}
			switch c {
			case colDistributed:
				rec.Distributed = t
			case colVictim:
				rec.VictimIdentified = t
			case colOffender:
				rec.OffenderIdentified = t
			case colBaseline:
				if t == hashset.True {
					rec.Category = "baseline"
				}
			}
		}
		if err != nil {
			return hashset.Record{}, hashset.Reject(n, line, "%v", err)
		}
	}
	if reason := rec.CheckKnown(); reason != "" {
		return hashset.Record{}, hashset.Reject(n, line, "%s", reason)
	}
	rec.Class = hashset.NormaliseCategory(rec.Profile, rec.Category)
	return rec, nil
}
