// Package vics reads and writes Project VIC (VICS) JSON hash lists: the
// OData documents of data model 1.1–1.3 ("odata.metadata") and 2.0
// ("@odata.context"), both hash sets ("#Media": records directly under
// "value") and case exports ("#Cases": Media nested in case objects).
//
// The reader is a hand-written streaming scanner (scan.go): it steps
// through the top-level object and the "value" array token by token and
// reads each record whole, validating it as JSON, into a window that never
// holds more than one record (bounded by Options.MaxRecordBytes), so
// memory stays flat however many records a national set holds. It means
// what encoding/json would mean (a differential test holds it to the
// json.Decoder reader it replaced): a UTF-8 byte-order mark, booleans as
// JSON booleans or strings, numbers as numbers or strings, upper-case
// hashes, keys in any case and unknown keys are accepted. A record it
// cannot use becomes a *hashset.RejectError with its line; malformed JSON
// ends the import with its line, column and byte offset, since nothing
// after it can be trusted to line up.
package vics

import (
	"fmt"
	"io"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"
)

// Format is the format name used in Meta and by format detection.
const Format = "vics"

// Reader streams the records of a VICS document.
type Reader struct {
	sc     scanner
	opts   hashset.Options
	meta   hashset.Meta
	name   string
	state  state
	first  bool // the open container has no element yet
	m      media
	err    error // sticky fatal error
	cats   categories
	intern interner
}

type state uint8

const (
	stStart     state = iota // before the top-level object
	stTop                    // inside the top-level object, between keys
	stValue                  // inside "value", between elements
	stCase                   // inside a case object, between keys
	stCaseMedia              // inside a case's "Media" array
	stDone
)

// NewReader reads a VICS document from r. name labels errors (a file
// name). Nothing is read until the first Next.
func NewReader(r io.Reader, name string, opts hashset.Options) *Reader {
	rd := &Reader{opts: opts, name: name}
	rd.sc.init(r, opts.RecordCap())
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
func (r *Reader) Meta() hashset.Meta { return r.cats.suggest(r.meta, r.opts) }

// Categories implements hashset.CategoryCounter: the raw Category values
// of the records read so far, and how many records carried each.
func (r *Reader) Categories() map[string]int64 { return r.cats.cats }

// nsrlCategory is the category NIST writes on its VICS-form NSRL data.
const nsrlCategory = "8"

func nsrlForm(meta hashset.Meta, opts hashset.Options) bool {
	return meta.FormatVersion == "1.2" && opts.Profile == ""
}

// categories counts the Category values of the records read.
type categories struct{ cats map[string]int64 }

// add classifies a record read from a document with meta and counts its
// category.
func (c *categories) add(rec *hashset.Record, meta hashset.Meta, opts hashset.Options) {
	if rec.Category == nsrlCategory && nsrlForm(meta, opts) {
		rec.Class = hashset.ClassKnownGood
	}
	if c.cats == nil {
		c.cats = map[string]int64{}
	}
	k := rec.Category
	if _, ok := c.cats[k]; !ok && len(c.cats) >= hashset.MaxCategoryValues {
		k = "…"
	}
	c.cats[k]++
}

// suggest is meta with the bank kind the categories suggest.
func (c *categories) suggest(meta hashset.Meta, opts hashset.Options) hashset.Meta {
	if nsrlForm(meta, opts) && len(c.cats) == 1 && c.cats[nsrlCategory] > 0 {
		meta.SuggestedKind = hashset.KindIgnorable
	}
	return meta
}

// fatal makes err sticky and ends the document.
func (r *Reader) fatal(err error) error {
	if r.err == nil {
		r.err = fmt.Errorf("vics %s%w", r.name, err)
	}
	r.state = stDone
	return r.err
}

// fail is a fatal error about the value at buffer position p.
func (r *Reader) fail(p int, format string, args ...any) error {
	return r.fatal(fmt.Errorf(" line %d: %s", r.sc.lineAt(p), fmt.Sprintf(format, args...)))
}

// Next returns the next record; see hashset.Reader.
func (r *Reader) Next() (hashset.Record, error) {
	if r.err != nil {
		return hashset.Record{}, r.err
	}
	sc := &r.sc
	for {
		switch r.state {
		case stDone:
			return hashset.Record{}, io.EOF
		case stStart:
			c, ok := sc.skipBOMAndSpace()
			if !ok {
				if err := sc.readErr(); err != nil {
					return hashset.Record{}, r.fatal(err)
				}
				return hashset.Record{}, r.fatal(fmt.Errorf(": empty document"))
			}
			if c != '{' {
				if !startsValue(c) {
					return hashset.Record{}, r.fatal(sc.syntax(sc.pos, "looking for beginning of value"))
				}
				return hashset.Record{}, r.fail(sc.pos, "want a json object at the top, got %s", kindOf(c))
			}
			sc.pos++
			r.state, r.first = stTop, true
		case stTop:
			if err := r.top(); err != nil {
				return hashset.Record{}, err
			}
		case stValue:
			end, err := sc.nextElement(&r.first)
			if err != nil {
				return hashset.Record{}, r.fatal(err)
			}
			if end {
				r.state, r.first = stTop, false
				continue
			}
			if r.meta.Document == "cases" {
				c := sc.buf[sc.pos]
				if c != '{' {
					if !startsValue(c) {
						return hashset.Record{}, r.fatal(sc.syntax(sc.pos, "looking for beginning of value"))
					}
					return hashset.Record{}, r.fail(sc.pos, "case: want an object, got %s", kindOf(c))
				}
				sc.pos++
				r.state, r.first = stCase, true
				continue
			}
			return r.media()
		case stCase:
			key, end, err := sc.nextKey(&r.first)
			if err != nil {
				return hashset.Record{}, r.fatal(err)
			}
			if end {
				r.state, r.first = stValue, false
				continue
			}
			if strings.EqualFold(key, "Media") {
				c, ok := sc.space()
				if !ok {
					return hashset.Record{}, r.fatal(sc.eofErr())
				}
				switch c {
				case '[':
					sc.pos++
					r.state, r.first = stCaseMedia, true
					continue
				case 'n': // "Media": null
					if _, _, err := sc.value(); err != nil {
						return hashset.Record{}, r.fatal(err)
					}
					continue
				}
				if !startsValue(c) {
					return hashset.Record{}, r.fatal(sc.syntax(sc.pos, "looking for beginning of value"))
				}
				return hashset.Record{}, r.fail(sc.pos, "case Media: want an array, got %s", kindOf(c))
			}
			if _, _, err := sc.value(); err != nil {
				return hashset.Record{}, r.fatal(err)
			}
		case stCaseMedia:
			end, err := sc.nextElement(&r.first)
			if err != nil {
				return hashset.Record{}, r.fatal(err)
			}
			if end {
				r.state, r.first = stCase, false
				continue
			}
			return r.media()
		}
	}
}

// top handles the top-level object up to the start of "value" (or the
// end of the document).
func (r *Reader) top() error {
	sc := &r.sc
	for {
		key, end, err := sc.nextKey(&r.first)
		if err != nil {
			return r.fatal(err)
		}
		if end {
			break
		}
		switch key {
		case "odata.metadata", "@odata.context":
			s, e, err := sc.value()
			if err != nil {
				return r.fatal(err)
			}
			v := sc.buf[s:e]
			switch v[0] {
			case '"':
				url := string(unquote(nil, v[1:len(v)-1]))
				setContext(&r.meta, r.opts, key, url)
			case 'n': // as json.Unmarshal into a string: unchanged
				setContext(&r.meta, r.opts, key, "")
			default:
				return r.fail(s, "%s: want a string, got json %s", key, kindOf(v[0]))
			}
		case "value":
			c, ok := sc.space()
			if !ok {
				return r.fatal(sc.eofErr())
			}
			if c != '[' {
				if !startsValue(c) {
					return r.fatal(sc.syntax(sc.pos, "looking for beginning of value"))
				}
				return r.fail(sc.pos, "value: want an array, got json %s", kindOf(c))
			}
			sc.pos++
			r.state, r.first = stValue, true
			return nil
		default:
			if _, _, err := sc.value(); err != nil {
				return r.fatal(err)
			}
		}
	}
	if _, ok := sc.space(); ok {
		return r.fail(sc.pos, "data after the top-level object")
	} else if err := sc.readErr(); err != nil {
		return r.fatal(err)
	}
	if r.meta.Context == "" {
		return r.fail(sc.pos, "no odata.metadata or @odata.context key: not a VICS document")
	}
	r.state = stDone
	return nil
}

// setContext reads version, document kind and profile from the OData URL,
// e.g. ".../DataModels/2.0.xml/US/$metadata#Cases" or ".../1.3.xml#Media".
func setContext(meta *hashset.Meta, opts hashset.Options, key, url string) {
	meta.Context = url
	if i := strings.LastIndexByte(url, '#'); i >= 0 {
		switch frag := strings.ToLower(url[i+1:]); {
		case strings.HasPrefix(frag, "cases"):
			meta.Document = "cases"
		case strings.HasPrefix(frag, "media"):
			meta.Document = "media"
		}
	}
	if i := strings.Index(url, "DataModels/"); i >= 0 {
		rest := url[i+len("DataModels/"):]
		if j := strings.Index(rest, ".xml"); j > 0 {
			meta.FormatVersion = rest[:j]
			rest = rest[j+len(".xml"):]
		}
		if opts.Profile == "" && strings.HasPrefix(rest, "/") {
			seg := rest[1:]
			if j := strings.IndexByte(seg, '/'); j >= 0 {
				seg = seg[:j]
			}
			switch strings.ToUpper(seg) {
			case "UK":
				meta.Profile = hashset.ProfileCAIDUK
			case "CUSTOM":
				meta.Profile = hashset.ProfileCustom
			default: // US, Default, and profiles we do not know
				meta.Profile = hashset.ProfileVICSUS
			}
		}
	}
	if meta.FormatVersion == "" {
		if key == "@odata.context" {
			meta.FormatVersion = "2.0"
		} else {
			meta.FormatVersion = "1.x"
		}
	}
}

// media reads one Media value into a record.
func (r *Reader) media() (hashset.Record, error) {
	sc := &r.sc
	s, e, err := sc.value()
	if err != nil {
		return hashset.Record{}, r.fatal(err)
	}
	line := sc.lineAt(s)
	b := sc.buf[s:e]
	// The text fields of r.m point into the scanner's window: convert
	// copies what the record keeps, and nothing reads more input before
	// it has.
	alt := r.m.AlternativeHashes[:cap(r.m.AlternativeHashes)]
	clear(alt)
	r.m = media{AlternativeHashes: alt[:0]}
	if reason := r.m.decode(b, sc.spans); reason != "" {
		return hashset.Record{}, hashset.Reject(line, string(b), "%s", reason)
	}
	rec, reason := convert(&r.m, r.opts, r.meta.Profile, &r.intern)
	rec.Line = line
	if reason != "" {
		return hashset.Record{}, hashset.Reject(line, string(b), "%s", reason)
	}
	r.cats.add(&rec, r.meta, r.opts)
	return rec, nil
}

// text is a JSON scalar read as text, as a field of type text would be
// filled by encoding/json (see setText): strings as themselves, numbers
// and booleans as their literal; null leaves s as it was and clears set;
// objects and arrays set bad. s may point into the scanner's window.
type text struct {
	s   string
	set bool
	bad bool
}

type altHash struct {
	HashName  text
	HashValue text
	Quality   text
}

// media holds the fields of one Media record we use; everything else
// (Exifs, MediaFiles, MediaMetadata, navigation links…) is skipped.
// Field names match keys case-insensitively, as in encoding/json.
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

// convert turns the fields of one Media object into a record, or gives
// the reason it is rejected. It copies every string the record keeps.
func convert(m *media, opts hashset.Options, profile string, in *interner) (hashset.Record, string) {
	var rec hashset.Record
	if m.CaseID.set {
		return rec, "a case object inside a #Media document (the document must declare #Cases before value)"
	}
	h64 := opts.Hash64
	for _, f := range [...]struct {
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
	rec.PhotoDNA = strings.Clone(strings.TrimSpace(m.PhotoDNA.s))
	for _, a := range m.AlternativeHashes {
		v := strings.TrimSpace(a.HashValue.s)
		if v == "" {
			continue
		}
		var k hashset.HashKind
		switch n := strings.ToUpper(strings.TrimSpace(a.HashName.s)); n {
		case "PHOTODNA":
			if rec.PhotoDNA == "" {
				rec.PhotoDNA = strings.Clone(v)
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
			switch k {
			case hashset.HashMD5:
				rec.SetMD5(tmp.MD5)
			case hashset.HashSHA1:
				rec.SetSHA1(tmp.SHA1)
			case hashset.HashSHA256:
				rec.SetSHA256(tmp.SHA256)
			case hashset.HashPDQ:
				rec.SetPDQ(tmp.PDQ)
			}
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
	// The text the record keeps, copied out of the scanner's window in
	// one allocation (categories repeat, and are shared through in).
	id, series, tags := strings.TrimSpace(m.MediaID.s), strings.TrimSpace(m.Series.s), strings.TrimSpace(m.Tags.s)
	var kb strings.Builder
	kb.Grow(len(id) + len(series) + len(tags))
	kb.WriteString(id)
	kb.WriteString(series)
	kb.WriteString(tags)
	kept := kb.String()
	rec.SourceID = kept[:len(id)]
	rec.Category = in.get(strings.TrimSpace(m.Category.s))
	if m.Category.bad {
		return rec, "Category: want a number or string"
	}
	rec.Profile = profile
	rec.Class = hashset.NormaliseCategory(rec.Profile, rec.Category)
	rec.VictimIdentified, _ = hashset.ParseTri(m.VictimIdentified.s)
	rec.OffenderIdentified, _ = hashset.ParseTri(m.OffenderIdentified.s)
	rec.Distributed, _ = hashset.ParseTri(m.IsDistributed.s)
	rec.Series = kept[len(id) : len(id)+len(series)]
	if tags != "" {
		rec.Tags = hashset.SplitTags(kept[len(id)+len(series):])
	}
	return rec, ""
}

// internMax bounds the values an interner keeps.
const internMax = 1024

// interner hands out one shared copy of a value seen before (category
// labels repeat on every record), so that keeping it does not allocate.
// A nil *interner copies every value.
type interner struct{ m map[string]string }

func (in *interner) get(s string) string {
	if in == nil {
		return strings.Clone(s)
	}
	if v, ok := in.m[s]; ok {
		return v
	}
	v := strings.Clone(s)
	if in.m == nil {
		in.m = map[string]string{}
	}
	if len(in.m) < internMax {
		in.m[v] = v
	}
	return v
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
