package vics

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/hashset"
)

// Context is the @odata.context Writer emits: a VICS 2.0 hash set whose
// Category numbers follow the current Project VIC US scheme.
const Context = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"

// Writer streams records as a VICS 2.0 "#Media" hash set, one record per
// line. Category is the record's Class written as its Project VIC US number
// (see hashset.Class.VICSCode); a class without a number (uncategorised,
// unmapped) is written without Category, and an unmapped raw category is
// kept in Comments. SHA-256 and PDQ (with its quality) go in
// AlternativeHashes, which the Reader reads back; flags are written as the
// strings "true"/"false" (as other VICS writers do) and omitted when
// unknown. Call Close to finish the document; it does not close w.
type Writer struct {
	w   *bufio.Writer
	buf []byte
	n   int64
	err error
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10)}
}

// Count is the number of records written.
func (w *Writer) Count() int64 { return w.n }

// Write appends one record.
func (w *Writer) Write(r *hashset.Record) error {
	if w.err != nil {
		return w.err
	}
	b := w.buf[:0]
	if w.n == 0 {
		b = append(b, `{"@odata.context":`...)
		b = appendString(b, Context)
		b = append(b, ",\"value\":[\n"...)
	} else {
		b = append(b, ",\n"...)
	}
	b = append(b, '{')
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":`...)
	}
	if r.SourceID != "" {
		key("MediaID")
		if isPlainInt(r.SourceID) {
			b = append(b, r.SourceID...)
		} else {
			b = appendString(b, r.SourceID)
		}
	}
	if code, ok := r.Class.VICSCode(); ok {
		key("Category")
		b = strconv.AppendInt(b, int64(code), 10)
	}
	if r.Present&hashset.HasMD5 != 0 {
		key("MD5")
		b = appendString(b, r.HexMD5())
	}
	if r.Present&hashset.HasSHA1 != 0 {
		key("SHA1")
		b = appendString(b, r.HexSHA1())
	}
	if r.PhotoDNA != "" {
		key("PhotoDNA")
		b = appendString(b, r.PhotoDNA)
	}
	for _, f := range []struct {
		k string
		t hashset.Tri
	}{{"VictimIdentified", r.VictimIdentified}, {"OffenderIdentified", r.OffenderIdentified}, {"IsDistributed", r.Distributed}} {
		if f.t != hashset.Unknown {
			key(f.k)
			b = appendString(b, f.t.String())
		}
	}
	if r.Series != "" {
		key("Series")
		b = appendString(b, r.Series)
	}
	if len(r.Tags) > 0 {
		key("Tags")
		b = appendString(b, strings.Join(r.Tags, ","))
	}
	if r.Class == hashset.ClassUnmapped && r.Category != "" {
		key("Comments")
		b = appendString(b, "category "+r.Category+" in profile "+r.Profile+" (no Project VIC equivalent)")
	}
	if r.Present&(hashset.HasSHA256|hashset.HasPDQ) != 0 {
		key("AlternativeHashes")
		b = append(b, '[')
		if r.Present&hashset.HasSHA256 != 0 {
			b = append(b, `{"HashName":"SHA256","HashValue":`...)
			b = appendString(b, r.HexSHA256())
			b = append(b, '}')
		}
		if r.Present&hashset.HasPDQ != 0 {
			if r.Present&hashset.HasSHA256 != 0 {
				b = append(b, ',')
			}
			b = append(b, `{"HashName":"PDQ","HashValue":`...)
			b = appendString(b, r.HexPDQ())
			if r.Present&hashset.HasPDQQuality != 0 {
				b = append(b, `,"Quality":`...)
				b = strconv.AppendUint(b, uint64(r.PDQQuality), 10)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	w.buf = b
	if _, err := w.w.Write(b); err != nil {
		w.err = err
		return err
	}
	w.n++
	return nil
}

// Close ends the document (an empty hash set if nothing was written) and
// flushes. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.n == 0 {
		b := append([]byte(`{"@odata.context":`), appendString(nil, Context)...)
		b = append(b, ",\"value\":[\n"...)
		if _, err := w.w.Write(b); err != nil {
			return err
		}
	}
	if _, err := w.w.WriteString("\n]}\n"); err != nil {
		w.err = err
		return err
	}
	w.err = errors.New("vics writer: closed")
	return w.w.Flush()
}

func isPlainInt(s string) bool {
	if s == "" || len(s) > 18 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string (invalid UTF-8 becomes U+FFFD).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&15])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
