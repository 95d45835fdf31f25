package dump

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// tsvReader reads a tab-separated export whose first line names the
// columns; the rows use the COPY text format (\N, backslash escapes).
type tsvReader struct {
	textLines
	table string
	cols  []string
}

func (r *tsvReader) Format() Format { return TSV }

func (r *tsvReader) Next() (Row, error) {
	for !r.done {
		line, lineNo, off, tooLong, ok, err := r.read(r.table)
		if !ok {
			return Row{}, cmp.Or(err, io.EOF)
		}
		if tooLong {
			if r.cols == nil {
				r.done = true
			}
			return Row{}, r.tooLong(r.table, lineNo, off)
		}
		if r.cols == nil {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			vals, _, err := splitText(line, nil, r.lim.MaxValue)
			if err != nil || len(vals) == 0 {
				r.done = true
				return Row{}, &Error{File: r.file, Table: r.table, Line: lineNo, Offset: off, Err: fmt.Errorf("header line: %w", ErrSyntax)}
			}
			for _, v := range vals {
				r.cols = append(r.cols, string(v.B))
			}
			continue
		}
		if len(line) == 0 && len(r.cols) > 1 {
			continue
		}
		vals, err := r.row(r.table, r.cols, "the header", line, lineNo, off)
		if err != nil {
			return Row{}, err
		}
		return Row{Table: r.table, Columns: r.cols, Values: vals, Line: lineNo, Offset: off}, nil
	}
	return Row{}, io.EOF
}

// csvReader reads an RFC 4180 export (comma or semicolon, sniffed from
// the header line) whose first record names the columns. A field that is
// exactly \N is NULL. A physical line over the row limit ends the file.
type csvReader struct {
	file   string
	table  string
	cr     *csv.Reader
	lr     *lineLimiter
	cols   []string
	done   bool
	values []Value
}

func newCSVReader(file, table string, sc *scanner, lim Limits) *csvReader {
	if bytes.HasPrefix(sc.peekN(3), []byte("\xef\xbb\xbf")) {
		sc.pos += 3
	}
	head := sc.peekN(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	comma := ','
	if bytes.Count(head, []byte{';'}) > bytes.Count(head, []byte{','}) {
		comma = ';'
	}
	lr := &lineLimiter{r: sc.rest(), max: lim.MaxRow}
	cr := csv.NewReader(lr)
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvReader{file: file, table: table, cr: cr, lr: lr}
}

func (r *csvReader) Format() Format { return CSV }

func (r *csvReader) Next() (Row, error) {
	for {
		if r.done {
			return Row{}, io.EOF
		}
		rec, err := r.cr.Read()
		if err == io.EOF {
			r.done = true
			return Row{}, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.Is(err, errLineTooLong) || !errors.As(err, &pe) {
				r.done = true
				line, _ := r.cr.FieldPos(0)
				if pe != nil {
					line = pe.Line
				}
				return Row{}, &Error{File: r.file, Table: r.table, Line: int64(line), Offset: r.cr.InputOffset(), Err: err}
			}
			return Row{}, &Error{File: r.file, Table: r.table, Line: int64(pe.Line), Offset: r.cr.InputOffset(),
				Err: fmt.Errorf("byte %d of the line: %w", pe.Column, pe.Err)}
		}
		line, _ := r.cr.FieldPos(0)
		if r.cols == nil {
			r.cols = append(r.cols, rec...)
			continue
		}
		if len(rec) == 1 && rec[0] == "" && len(r.cols) > 1 {
			continue
		}
		if len(rec) != len(r.cols) {
			return Row{}, &Error{File: r.file, Table: r.table, Line: int64(line), Offset: r.cr.InputOffset(),
				Err: fmt.Errorf("%w: the row has %d, the header %d columns", ErrColumnCount, len(rec), len(r.cols))}
		}
		r.values = r.values[:0]
		for _, f := range rec {
			if f == `\N` {
				r.values = append(r.values, Value{Null: true})
			} else {
				r.values = append(r.values, Value{B: []byte(f)})
			}
		}
		return Row{Table: r.table, Columns: r.cols, Values: r.values, Line: int64(line), Offset: r.cr.InputOffset()}, nil
	}
}

var errLineTooLong = errors.New("a line over the row size limit")

// lineLimiter fails a read once a physical line grows over max bytes, so
// that a file without line breaks cannot make encoding/csv hold it all.
type lineLimiter struct {
	r   io.Reader
	max int
	cur int
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, chunk := range bytes.SplitAfter(p[:n], []byte{'\n'}) {
		l.cur += len(chunk)
		if l.cur > l.max {
			return 0, fmt.Errorf("%w (%d bytes)", errLineTooLong, l.max)
		}
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			l.cur = 0
		}
	}
	return n, err
}
