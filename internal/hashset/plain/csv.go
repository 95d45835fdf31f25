package plain

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"
)

// CSVColumns is the header of Vibora's CSV export, in order. Hashes are
// lower-case hex; flags are "true", "false" or empty (unknown); tags are
// joined with '|'; class is the normalised category (derived from category
// and profile; ignored on re-import, where it is derived again).
var CSVColumns = []string{
	"md5", "sha1", "sha256", "pdq", "pdq_quality", "photodna",
	"category", "profile", "class", "series",
	"victim_identified", "offender_identified", "distributed", "tags", "source_id",
}

// CSVWriter writes records as comma-separated values with a CSVColumns
// header (RFC 4180 quoting where needed, "\n" line ends). Line breaks
// inside text fields are written as spaces, since one record is one line.
// The plain Reader reads the output back. Call Close to flush.
type CSVWriter struct {
	w   *bufio.Writer
	buf []byte
	n   int64
	err error
}

// NewCSVWriter returns a CSVWriter on w; the header is written first.
func NewCSVWriter(w io.Writer) *CSVWriter {
	c := &CSVWriter{w: bufio.NewWriterSize(w, 64<<10)}
	_, c.err = c.w.WriteString(strings.Join(CSVColumns, ",") + "\n")
	return c
}

// Count is the number of records written.
func (c *CSVWriter) Count() int64 { return c.n }

// Write appends one record.
func (c *CSVWriter) Write(r *hashset.Record) error {
	if c.err != nil {
		return c.err
	}
	q := ""
	if r.Present&hashset.HasPDQQuality != 0 {
		q = strconv.Itoa(int(r.PDQQuality))
	}
	b := c.buf[:0]
	for i, f := range [...]string{
		r.HexMD5(), r.HexSHA1(), r.HexSHA256(), r.HexPDQ(), q, r.PhotoDNA,
		r.Category, r.Profile, string(r.Class), r.Series,
		r.VictimIdentified.String(), r.OffenderIdentified.String(), r.Distributed.String(),
		strings.Join(r.Tags, "|"), r.SourceID,
	} {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendField(b, f)
	}
	b = append(b, '\n')
	c.buf = b
	if _, err := c.w.Write(b); err != nil {
		c.err = err
		return err
	}
	c.n++
	return nil
}

// Close flushes; it does not close the underlying writer.
func (c *CSVWriter) Close() error {
	if c.err != nil {
		return c.err
	}
	c.err = errors.New("csv writer: closed")
	return c.w.Flush()
}

var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func appendField(b []byte, s string) []byte {
	s = lineBreaks.Replace(s)
	if s == "" || (!strings.ContainsAny(s, ",\"") && s[0] != ' ' && s[len(s)-1] != ' ') {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}
