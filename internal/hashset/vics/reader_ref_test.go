package vics

// The encoding/json reader the scanner replaced, kept as the reference of
// the differential tests: both must give the same records and rejections.

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

// slack is what json.Decoder may read ahead beyond one record.
const slack = 64 << 10

// Reader streams the records of a VICS document.
type jsonReader struct {
	dec   *json.Decoder
	lt    *lineTracker
	opts  hashset.Options
	meta  hashset.Meta
	name  string
	state state
	m     media
	err   error // sticky fatal error
	cats  categories
}

// NewJSONReader is the reference reader, for the tests of package vics_test.
func NewJSONReader(r io.Reader, name string, opts hashset.Options) hashset.Reader {
	return newJSONReader(r, name, opts)
}

func newJSONReader(r io.Reader, name string, opts hashset.Options) *jsonReader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	lt := newLineTracker(br, opts.RecordCap()+slack)
	dec := json.NewDecoder(lt)
	dec.UseNumber()
	rd := &jsonReader{dec: dec, lt: lt, opts: opts, name: name, state: stTop}
	rd.meta = hashset.Meta{Format: Format, Document: "media", Profile: hashset.ProfileVICSUS}
	if opts.Profile != "" {
		rd.meta.Profile = opts.Profile
	}
	return rd
}

// Meta describes the document; see hashset.Meta for when it is final.
func (r *jsonReader) Meta() hashset.Meta { return r.cats.suggest(r.meta, r.opts) }

func (r *jsonReader) fail(format string, args ...any) error {
	r.err = fmt.Errorf("vics %s line %d: %s", r.name, r.lt.valueLine(r.dec.InputOffset()), fmt.Sprintf(format, args...))
	r.state = stDone
	return r.err
}

func (r *jsonReader) failErr(err error) error {
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

func (r *jsonReader) token() (json.Token, error) {
	t, err := r.dec.Token()
	if err != nil {
		return nil, r.failErr(err)
	}
	r.lt.advance(r.dec.InputOffset())
	return t, nil
}

// Next returns the next record; see hashset.Reader.
func (r *jsonReader) Next() (hashset.Record, error) {
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
func (r *jsonReader) top() error {
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
			setContext(&r.meta, r.opts, key, s)
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
func (r *jsonReader) skip() error {
	var raw json.RawMessage
	if err := r.dec.Decode(&raw); err != nil {
		return r.failErr(err)
	}
	r.lt.advance(r.dec.InputOffset())
	return nil
}

// UnmarshalJSON gives text the meaning the scanner gives it (see
// (*Reader).setText).
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

// media decodes one Media object into a record.
func (r *jsonReader) media() (hashset.Record, error) {
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
	rec, reason := convert(&r.m, r.opts, r.meta.Profile, nil)
	rec.Line = line
	if reason != "" {
		raw := string(bytes.TrimLeft(r.lt.text(off1), " \t\r\n,"))
		r.lt.advance(off1)
		return hashset.Record{}, hashset.Reject(line, raw, "%s", reason)
	}
	r.lt.advance(off1)
	r.cats.add(&rec, r.meta, r.opts)
	return rec, nil
}
