package dump

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// pgReader reads a pg_dump plain-format file: the rows are the lines of
// COPY name (columns) FROM stdin; blocks, up to a line \. ; everything
// else (DDL, SET, functions) is skipped line by line.
type pgReader struct {
	textLines
	inCopy bool
	copyAt int64
	table  string
	cols   []string
}

func (r *pgReader) Format() Format { return Postgres }

func (r *pgReader) Next() (Row, error) {
	for !r.done {
		line, lineNo, off, tooLong, ok, err := r.read(r.table)
		if !ok {
			if err == nil && r.inCopy {
				err = &Error{File: r.file, Table: r.table, Line: lineNo, Offset: off,
					Err: fmt.Errorf("%w: no \\. ends the COPY block of line %d", ErrTruncated, r.copyAt)}
			}
			return Row{}, cmp.Or(err, io.EOF)
		}
		if !r.inCopy {
			if tooLong || !bytes.HasPrefix(line, []byte("COPY ")) || !bytes.HasSuffix(line, []byte("FROM stdin;")) {
				continue
			}
			table, cols, err := parseCopy(string(line))
			if err != nil {
				return Row{}, &Error{File: r.file, Line: lineNo, Offset: off, Err: err}
			}
			r.inCopy, r.copyAt, r.table, r.cols = true, lineNo, table, cols
			continue
		}
		if tooLong {
			return Row{}, r.tooLong(r.table, lineNo, off)
		}
		if len(line) == 2 && line[0] == '\\' && line[1] == '.' {
			r.inCopy = false
			continue
		}
		vals, err := r.row(r.table, r.cols, "the table", line, lineNo, off)
		if err != nil {
			return Row{}, err
		}
		cols := r.cols
		if cols == nil {
			cols = numberedCols(len(vals))
		}
		return Row{Table: r.table, Columns: cols, Values: vals, Line: lineNo, Offset: off}, nil
	}
	return Row{}, io.EOF
}

func colName(cols []string, i int) string {
	if i >= 0 && i < len(cols) {
		return cols[i]
	}
	if i >= 0 {
		return "col" + strconv.Itoa(i+1)
	}
	return ""
}

func numberedCols(n int) []string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = "col" + strconv.Itoa(i+1)
	}
	return cols
}

// parseCopy reads `COPY [schema.]table [(col, ...)] FROM stdin;`. The
// table is named without its schema.
func parseCopy(line string) (table string, cols []string, err error) {
	rest := strings.TrimPrefix(line, "COPY ")
	rest = strings.TrimPrefix(rest, "ONLY ")
	if !strings.HasSuffix(rest, "FROM stdin;") {
		return "", nil, fmt.Errorf("COPY not FROM stdin: %w", ErrNotSupported)
	}
	rest = strings.TrimSpace(strings.TrimSuffix(rest, "FROM stdin;"))
	name, rest, err := pgIdentPath(rest)
	if err != nil {
		return "", nil, err
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return name, nil, nil
	}
	if rest[0] != '(' || rest[len(rest)-1] != ')' {
		return "", nil, fmt.Errorf("COPY %s: bad column list: %w", name, ErrSyntax)
	}
	rest = rest[1 : len(rest)-1]
	for {
		rest = strings.TrimSpace(rest)
		var col string
		if col, rest, err = pgIdent(rest); err != nil {
			return "", nil, fmt.Errorf("COPY %s: %w", name, err)
		}
		cols = append(cols, col)
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return name, cols, nil
		}
		if rest[0] != ',' {
			return "", nil, fmt.Errorf("COPY %s: bad column list: %w", name, ErrSyntax)
		}
		rest = rest[1:]
	}
}

// pgIdentPath reads a possibly qualified name and returns its last part.
func pgIdentPath(s string) (string, string, error) {
	for {
		name, rest, err := pgIdent(s)
		if err != nil {
			return "", "", err
		}
		if strings.HasPrefix(rest, ".") {
			s = rest[1:]
			continue
		}
		return name, rest, nil
	}
}

// pgIdent reads one identifier: "quoted" ("" doubling) or bare.
func pgIdent(s string) (string, string, error) {
	if s == "" {
		return "", "", fmt.Errorf("identifier expected: %w", ErrSyntax)
	}
	if s[0] == '"' {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				return b.String(), s[i+1:], nil
			}
			b.WriteByte(s[i])
		}
		return "", "", fmt.Errorf("unterminated quoted identifier: %w", ErrSyntax)
	}
	i := 0
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	if i == 0 {
		return "", "", fmt.Errorf("identifier expected at %q: %w", s[:min(len(s), 20)], ErrSyntax)
	}
	return s[:i], s[i:], nil
}

// splitText splits a line of PostgreSQL COPY text format (also MySQL's
// SELECT ... INTO OUTFILE and our TSV) at tabs and decodes it in place:
// \N alone is NULL; \\ \b \f \n \r \t \v, \ooo (octal) and \xhh (hex)
// are decoded, any other \c is c. col is the column of an error.
func splitText(line []byte, vals []Value, maxValue int) ([]Value, int, error) {
	start := 0
	for col := 0; ; col++ {
		end := bytes.IndexByte(line[start:], '\t')
		last := end < 0
		if last {
			end = len(line)
		} else {
			end += start
		}
		field := line[start:end]
		if len(field) > maxValue {
			return vals, col, fmt.Errorf("%w: a value over %d bytes", ErrTooLarge, maxValue)
		}
		switch {
		case len(field) == 2 && field[0] == '\\' && field[1] == 'N':
			vals = append(vals, Value{Null: true})
		case bytes.IndexByte(field, '\\') < 0:
			vals = append(vals, Value{B: field[:len(field):len(field)]})
		default:
			out := unescapeText(field)
			vals = append(vals, Value{B: out[:len(out):len(out)]})
		}
		if last {
			return vals, -1, nil
		}
		start = end + 1
	}
}

// unescapeText decodes COPY text escapes in place.
func unescapeText(f []byte) []byte {
	w := 0
	for r := 0; r < len(f); r++ {
		c := f[r]
		if c != '\\' || r+1 == len(f) {
			f[w] = c
			w++
			continue
		}
		r++
		c = f[r]
		switch c {
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'v':
			c = '\v'
		case 'x':
			v, n := 0, 0
			for n < 2 && r+1 < len(f) {
				d, ok := unhexDigit(f[r+1])
				if !ok {
					break
				}
				v = v<<4 | int(d)
				r++
				n++
			}
			if n == 0 {
				c = 'x'
			} else {
				c = byte(v)
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for n := 1; n < 3 && r+1 < len(f) && f[r+1] >= '0' && f[r+1] <= '7'; n++ {
				r++
				v = v<<3 | int(f[r]-'0')
			}
			c = byte(v)
		}
		f[w] = c
		w++
	}
	return f[:w]
}
