package dump

import "fmt"

// textLines is the line loop the two COPY-text readers share (pg_dump
// COPY blocks and TSV exports): the next line with its number and byte
// offset, and a row line split into values and checked against its
// columns.
type textLines struct {
	sc     *scanner
	file   string
	lim    Limits
	done   bool
	line   []byte
	values []Value
}

// read returns the next line (valid until the next call), its number and
// offset, and whether it is over the row limit. ok is false at the end of
// the input; err is then a read error of table (nil at a clean end) and
// done is set.
func (t *textLines) read(table string) (line []byte, lineNo, off int64, tooLong, ok bool, err error) {
	lineNo, off = t.sc.lineNo(), t.sc.offset()
	line, tooLong, ok = t.sc.readLine(t.line[:0], t.lim.MaxRow)
	t.line = line
	if !ok {
		t.done = true
		if t.sc.err != nil {
			err = &Error{File: t.file, Table: table, Line: lineNo, Offset: off, Err: fmt.Errorf("read: %w", t.sc.err)}
		}
	}
	return line, lineNo, off, tooLong, ok, err
}

// tooLong is the error of a line over the row limit.
func (t *textLines) tooLong(table string, lineNo, off int64) error {
	return &Error{File: t.file, Table: table, Line: lineNo, Offset: off, Err: fmt.Errorf("%w: a line over %d bytes", ErrTooLarge, t.lim.MaxRow)}
}

// row splits a row line of table into its values (valid until the next
// call) and checks their count against cols (nil: any count; what names
// where cols come from in the error).
func (t *textLines) row(table string, cols []string, what string, line []byte, lineNo, off int64) ([]Value, error) {
	vals, col, err := splitText(line, t.values[:0], t.lim.MaxValue)
	t.values = vals
	if err != nil {
		return nil, &Error{File: t.file, Table: table, Line: lineNo, Offset: off, Column: colName(cols, col), Err: err}
	}
	if cols != nil && len(vals) != len(cols) {
		return nil, &Error{File: t.file, Table: table, Line: lineNo, Offset: off,
			Err: fmt.Errorf("%w: the row has %d, %s %d columns", ErrColumnCount, len(vals), what, len(cols))}
	}
	return vals, nil
}
