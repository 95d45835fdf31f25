// Package vics reads and writes Project VIC (VICS) JSON hash lists: the
// OData documents of data model 1.1–1.3 ("odata.metadata") and 2.0
// ("@odata.context"), both hash sets ("#Media": records directly under
// "value") and case exports ("#Cases": Media nested in case objects).
//
// The reader streams with json.Decoder tokens: memory stays flat however
// many records a national set holds. It accepts a UTF-8 byte-order mark,
// booleans as JSON booleans or strings, numbers as numbers or strings,
// upper-case hashes and unknown keys. A record it cannot use becomes a
// *hashset.RejectError with its line; malformed JSON (a syntax error) ends
// the import, since nothing after it can be trusted to line up.
package vics

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"
)

// Format is the format name used in Meta and by format detection.
const Format = "vics"

// slack is what json.Decoder may read ahead beyond one record.
const slack = 64 << 10

// Reader streams the records of a VICS document.
type Reader struct {
	dec   *json.Decoder
	lt    *lineTracker
	opts  hashset.Options
	meta  hashset.Meta
	name  string
	state state
	m     media
	err   error // sticky fatal error
	cats  map[string]int64
}

type state uint8

const (
	stTop       state = iota // inside the top-level object, between keys
	stValue                  // inside "value", between elements
	stCase                   // inside a case object, between keys
	stCaseMedia              // inside a case's "Media" array
	stDone
)

// NewReader reads a VICS document from r. name labels errors (a file
// name). Nothing is read until the first Next.
func NewReader(r io.Reader, name string, opts hashset.Options) *Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	lt := newLineTracker(br, opts.RecordCap()+slack)
	dec := json.NewDecoder(lt)
	dec.UseNumber()
	rd := &Reader{dec: dec, lt: lt, opts: opts, name: name}
	rd.meta = hashset.Meta{Format: Format, Document: "media", Profile: hashset.ProfileVICSUS}
	if opts.Profile != "" {
		rd.meta.Profile = opts.Profile
	}
	return rd
}

// Meta describes the document; see hashset.Meta for when it is final.
//
// A VICS 1.2 hash set whose every record has Category 8 is NIST's NSRL
// published in VICS form (IPED reads it as known files): its Meta suggests
// an ignorable bank, and, unless a profile was given, category 8 in a 1.2
// document reads as known_good.
func (r *Reader) Meta() hashset.Meta {
	m := r.meta
	if r.nsrlForm() && len(r.cats) == 1 && r.cats[nsrlCategory] > 0 {
		m.SuggestedKind = hashset.KindIgnorable
	}
	return m
}

// nsrlCategory is the category NIST writes on its VICS-form NSRL data.
const nsrlCategory = "8"

func (r *Reader) nsrlForm() bool { return r.meta.FormatVersion == "1.2" && r.opts.Profile == "" }

// Categories implements hashset.CategoryCounter: the raw Category values
// of the records read so far, and how many records carried each.
func (r *Reader) Categories() map[string]int64 { return r.cats }

func (r *Reader) countCategory(c string) {
	if r.cats == nil {
		r.cats = map[string]int64{}
	}
	if _, ok := r.cats[c]; !ok && len(r.cats) >= hashset.MaxCategoryValues {
		c = "…"
	}
	r.cats[c]++
}

func (r *Reader) fail(format string, args ...any) error {
	r.err = fmt.Errorf("vics %s line %d: %s", r.name, r.lt.valueLine(r.dec.InputOffset()), fmt.Sprintf(format, args...))
	r.state = stDone
	return r.err
}

func (r *Reader) failErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		r.lt.advance(se.Offset - 1)
		r.err = fmt.Errorf("vics %s line %d: malformed json: %w", r.name, r.lt.line, err)
	} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		r.err = fmt.Errorf("vics %s: truncated document (ends inside the json): %w", r.name, io.ErrUnexpectedEOF)
	} else {
		r.err = fmt.Errorf("vics %s: %w", r.name, err)
	}
	r.state = stDone
	return r.err
}

func (r *Reader) token() (json.Token, error) {
	t, err := r.dec.Token()
	if err != nil {
		return nil, r.failErr(err)
	}
	r.lt.advance(r.dec.InputOffset())
	return t, nil
}

// Next returns the next record; see hashset.Reader.
func (r *Reader) Next() (hashset.Record, error) {
	if r.err != nil {
		return hashset.Record{}, r.err
	}
	for {
		switch r.state {
		case stDone:
			return hashset.Record{}, io.EOF
		case stTop:
			if err := r.top(); err != nil {
				return hashset.Record{}, err
			}
		case stValue:
			if !r.dec.More() {
				if _, err := r.token(); err != nil { // ']'
					return hashset.Record{}, err
				}
				r.state = stTop
				continue
			}
			if r.meta.Document == "cases" {
				t, err := r.token()
				if err != nil {
					return hashset.Record{}, err
				}
				if t != json.Delim('{') {
					return hashset.Record{}, r.fail("case: want an object, got %v", t)
				}
				r.state = stCase
				continue
			}
			return r.media()
		case stCase:
			if !r.dec.More() {
				if _, err := r.token(); err != nil { // '}'
					return hashset.Record{}, err
				}
				r.state = stValue
				continue
			}
			t, err := r.token()
			if err != nil {
				return hashset.Record{}, err
			}
			if k, _ := t.(string); strings.EqualFold(k, "Media") {
				t, err := r.token()
				if err != nil {
					return hashset.Record{}, err
				}
				if t == nil { // "Media": null
					continue
				}
				if t != json.Delim('[') {
					return hashset.Record{}, r.fail("case Media: want an array, got %v", t)
				}
				r.state = stCaseMedia
				continue
			}
			if err := r.skip(); err != nil {
				return hashset.Record{}, err
			}
		case stCaseMedia:
			if !r.dec.More() {
				if _, err := r.token(); err != nil { // ']'
					return hashset.Record{}, err
				}
				r.state = stCase
				continue
			}
			return r.media()
		}
	}
}

// top handles the top-level object up to the start of "value" (or EOF).
func (r *Reader) top() error {
	if r.dec.InputOffset() == 0 {
		t, err := r.token()
		if err != nil {
			if errors.Is(r.err, io.ErrUnexpectedEOF) {
				r.err = fmt.Errorf("vics %s: empty document", r.name)
			}
			return r.err
		}
		if t != json.Delim('{') {
			return r.fail("want a json object at the top, got %v", t)
		}
	}
	for r.dec.More() {
		t, err := r.token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		switch {
		case key == "odata.metadata" || key == "@odata.context":
			var s string
			if err := r.dec.Decode(&s); err != nil {
				return r.failErr(err)
			}
			r.lt.advance(r.dec.InputOffset())
			r.setContext(key, s)
		case key == "value":
			t, err := r.token()
			if err != nil {
				return err
			}
			if t != json.Delim('[') {
				return r.fail("value: want an array, got %v", t)
			}
			r.state = stValue
			return nil
		default:
			if err := r.skip(); err != nil {
				return err
			}
		}
	}
	if _, err := r.token(); err != nil { // '}'
		return err
	}
	if _, err := r.dec.Token(); err != io.EOF {
		return r.fail("data after the top-level object")
	}
	if r.meta.Context == "" {
		return r.fail("no odata.metadata or @odata.context key: not a VICS document")
	}
	r.state = stDone
	return nil
}

// skip consumes one value of any shape (bounded by the record cap).
func (r *Reader) skip() error {
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		return r.failErr(err)
	}
	r.lt.advance(r.dec.InputOffset())
	return nil
}

// setContext reads version, document kind and profile from the OData URL,
// e.g. ".../DataModels/2.0.xml/US/$metadata#Cases" or ".../1.3.xml#Media".
func (r *Reader) setContext(key, url string) {
	r.meta.Context = url
	if i := strings.LastIndexByte(url, '#'); i >= 0 {
		switch frag := strings.ToLower(url[i+1:]); {
		case strings.HasPrefix(frag, "cases"):
			r.meta.Document = "cases"
		case strings.HasPrefix(frag, "media"):
			r.meta.Document = "media"
		}
	}
	if i := strings.Index(url, "DataModels/"); i >= 0 {
		rest := url[i+len("DataModels/"):]
		if j := strings.Index(rest, ".xml"); j > 0 {
			r.meta.FormatVersion = rest[:j]
			rest = rest[j+len(".xml"):]
		}
		if r.opts.Profile == "" && strings.HasPrefix(rest, "/") {
			seg := rest[1:]
			if j := strings.IndexByte(seg, '/'); j >= 0 {
				seg = seg[:j]
			}
			switch strings.ToUpper(seg) {
			case "UK":
				r.meta.Profile = hashset.ProfileCAIDUK
			case "CUSTOM":
				r.meta.Profile = hashset.ProfileCustom
			default: // US, Default, and profiles we do not know
				r.meta.Profile = hashset.ProfileVICSUS
			}
		}
	}
	if r.meta.FormatVersion == "" {
		if key == "@odata.context" {
			r.meta.FormatVersion = "2.0"
		} else {
			r.meta.FormatVersion = "1.x"
		}
	}
}

// text is a JSON scalar read as text: strings as themselves, numbers and
// booleans as their literal, null as "". Objects and arrays set bad.
type text struct {
	s   string
	set bool
	bad bool
}

func (t *text) UnmarshalJSON(b []byte) error {
	t.set = true
	switch {
	case len(b) == 0:
	case b[0] == '"':
		if bytes.IndexByte(b, '\\') < 0 {
			t.s = string(b[1 : len(b)-1])
			return nil
		}
		return json.Unmarshal(b, &t.s)
	case b[0] == 'n':
		t.set = false
	case b[0] == '{' || b[0] == '[':
		t.bad = true
	default:
		t.s = string(b)
	}
	return nil
}

type altHash struct {
	HashName  text
	HashValue text
	Quality   text
}

// media holds the fields of one Media record we use; everything else
// (Exifs, MediaFiles, MediaMetadata, navigation links…) is skipped.
type media struct {
	MediaID            text
	Category           text
	MD5                text
	SHA1               text
	SHA256             text
	PDQ                text
	PhotoDNA           text
	VictimIdentified   text
	OffenderIdentified text
	IsDistributed      text
	Series             text
	Tags               text
	AlternativeHashes  []altHash
	CaseID             text
}

// media decodes one Media object into a record.
func (r *Reader) media() (hashset.Record, error) {
	off0 := r.dec.InputOffset()
	alt := r.m.AlternativeHashes[:cap(r.m.AlternativeHashes)]
	clear(alt) // json reuses slice elements without zeroing them
	r.m = media{AlternativeHashes: alt[:0]}
	err := r.dec.Decode(&r.m)
	off1 := r.dec.InputOffset()
	line := r.lt.valueLine(off0)
	if err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return hashset.Record{}, r.failErr(err)
		}
		raw := string(bytes.TrimLeft(r.lt.text(off1), " \t\r\n,"))
		r.lt.advance(off1)
		if te.Field == "" {
			return hashset.Record{}, hashset.Reject(line, raw, "media record: want a json object, got json %s", te.Value)
		}
		return hashset.Record{}, hashset.Reject(line, raw, "%s: want %s, got json %s", te.Field, te.Type, te.Value)
	}
	rec, reason := r.convert(&r.m)
	rec.Line = line
	if reason != "" {
		raw := string(bytes.TrimLeft(r.lt.text(off1), " \t\r\n,"))
		r.lt.advance(off1)
		return hashset.Record{}, hashset.Reject(line, raw, "%s", reason)
	}
	r.lt.advance(off1)
	return rec, nil
}

func (r *Reader) convert(m *media) (hashset.Record, string) {
	var rec hashset.Record
	if m.CaseID.set {
		return rec, "a case object inside a #Media document (the document must declare #Cases before value)"
	}
	h64 := r.opts.Hash64
	for _, f := range []struct {
		name string
		t    *text
		k    hashset.HashKind
	}{{"MD5", &m.MD5, hashset.HashMD5}, {"SHA1", &m.SHA1, hashset.HashSHA1}, {"SHA256", &m.SHA256, hashset.HashSHA256}, {"PDQ", &m.PDQ, hashset.HashPDQ}} {
		if f.t.bad {
			return rec, f.name + ": want a string"
		}
		if err := rec.SetHex(f.t.s, f.k, h64); err != nil {
			return rec, f.name + ": " + err.Error()
		}
	}
	rec.PhotoDNA = strings.TrimSpace(m.PhotoDNA.s)
	for _, a := range m.AlternativeHashes {
		v := strings.TrimSpace(a.HashValue.s)
		if v == "" {
			continue
		}
		var k hashset.HashKind
		switch n := strings.ToUpper(strings.TrimSpace(a.HashName.s)); n {
		case "PHOTODNA":
			if rec.PhotoDNA == "" {
				rec.PhotoDNA = v
			}
			continue
		case "MD5":
			k = hashset.HashMD5
		case "SHA1", "SHA-1":
			k = hashset.HashSHA1
		case "SHA256", "SHA-256":
			k = hashset.HashSHA256
		case "PDQ":
			k = hashset.HashPDQ
		default:
			continue // EDK, TMK and other hashes we do not compare
		}
		var tmp hashset.Record
		if err := tmp.SetHex(v, k, h64); err != nil {
			return rec, "AlternativeHashes " + a.HashName.s + ": " + err.Error()
		}
		if rec.Present&tmp.Present == 0 {
			rec.SetHex(v, k, h64)
		}
		if k == hashset.HashPDQ && a.Quality.s != "" {
			q, ok := parseQuality(a.Quality.s)
			if !ok {
				return rec, "AlternativeHashes PDQ Quality: want 0..100, got " + hashset.Truncate(a.Quality.s, 20)
			}
			rec.SetPDQQuality(q)
		}
	}
	if reason := rec.CheckKnown(); reason != "" {
		return rec, reason
	}
	rec.SourceID = strings.TrimSpace(m.MediaID.s)
	rec.Category = strings.TrimSpace(m.Category.s)
	if m.Category.bad {
		return rec, "Category: want a number or string"
	}
	rec.Profile = r.meta.Profile
	rec.Class = hashset.NormaliseCategory(rec.Profile, rec.Category)
	if rec.Category == nsrlCategory && r.nsrlForm() {
		rec.Class = hashset.ClassKnownGood
	}
	r.countCategory(rec.Category)
	rec.VictimIdentified, _ = hashset.ParseTri(m.VictimIdentified.s)
	rec.OffenderIdentified, _ = hashset.ParseTri(m.OffenderIdentified.s)
	rec.Distributed, _ = hashset.ParseTri(m.IsDistributed.s)
	rec.Series = strings.TrimSpace(m.Series.s)
	rec.Tags = hashset.SplitTags(m.Tags.s)
	return rec, ""
}

func parseQuality(s string) (uint8, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if n > 100 {
		return 0, false
	}
	return uint8(n), true
}
