package icse

import (
	"bufio"
	"io"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"
)

// Writer streams records as an ICSE export: the Header line, then one
// semicolon-separated line per record. A record's SourceID is its Image
// ID, Series its series name, Category "baseline" its Baseline flag and a
// "media-type:" tag its Media Type; flags are written "true"/"false" and
// left empty when unknown. Number of submissions and File Available are
// left empty: they are ICSE's own. A field holding the delimiter, a quote
// or a line break is quoted ("" for a quote); line breaks become spaces,
// since a quoted field cannot span lines in the format. Records without an
// MD5 or SHA1 (which ICSE compares) are refused.
type Writer struct {
	w      *bufio.Writer
	n      int64
	header bool
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// Count is the number of records written.
func (w *Writer) Count() int64 { return w.n }

// ErrNoICSEHash marks a record with neither MD5 nor SHA1.
var ErrNoICSEHash = errNoHash{}

type errNoHash struct{}

func (errNoHash) Error() string { return "icse: a record needs an MD5 or SHA1" }

// Write appends one record.
func (w *Writer) Write(r *hashset.Record) error {
	if !r.Has(hashset.HasMD5) && !r.Has(hashset.HasSHA1) {
		return ErrNoICSEHash
	}
	if !w.header {
		w.header = true
		w.line(Header)
	}
	mediaType := ""
	for _, t := range r.Tags {
		if v, ok := strings.CutPrefix(t, "media-type:"); ok {
			mediaType = v
		}
	}
	baseline := ""
	if r.Category == "baseline" {
		baseline = "true"
	}
	w.n++
	return w.line([]string{r.HexMD5(), r.HexSHA1(), r.PhotoDNA, r.SourceID, r.Distributed.String(), r.VictimIdentified.String(),
		r.OffenderIdentified.String(), r.Series, "", "", mediaType, baseline})
}

func (w *Writer) line(fields []string) error {
	for i, f := range fields {
		if i > 0 {
			w.w.WriteByte(';')
		}
		w.w.WriteString(quote(f))
	}
	_, err := w.w.WriteString("\r\n")
	return err
}

// quote makes f one field: line breaks become spaces; a field with the
// delimiter, a quote or surrounding spaces is quoted.
func quote(f string) string {
	f = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(f)
	if !strings.ContainsAny(f, ";\"") && strings.TrimSpace(f) == f {
		return f
	}
	return `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
}

// Close writes the header if nothing was written and flushes. It does not
// close the underlying writer.
func (w *Writer) Close() error {
	if !w.header {
		w.header = true
		w.line(Header)
	}
	return w.w.Flush()
}
