package dump

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// mysqlReader reads mysqldump text: CREATE TABLE statements give a table's
// column order, INSERT and REPLACE statements (extended or not, with or
// without a column list) give rows, every other statement is skipped.
// Quotes, backslash escapes, comments (including /*!NNNNN ... */, which
// mysqldump only uses for statements without rows) and DELIMITER blocks
// (triggers, routines) are honoured.
type mysqlReader struct {
	sc     *scanner
	file   string
	lim    Limits
	tables map[string][]string
	done   bool

	inInsert bool
	afterRow bool
	table    string
	cols     []string

	arena  []byte
	spans  []span
	values []Value
	synth  [][]string

	general bool // read every row the general way (tests compare the two)
}

type span struct {
	start, end int
	null       bool
}

func (m *mysqlReader) Format() Format { return MySQL }

func (m *mysqlReader) errAt(line int64, col string, err error) *Error {
	return &Error{File: m.file, Table: m.table, Line: line, Column: col, Offset: m.sc.offset(), Err: err}
}

// fatal ends the file with err.
func (m *mysqlReader) fatal(line int64, err error) (Row, error) {
	m.done = true
	m.inInsert = false
	if m.sc.err != nil {
		err = fmt.Errorf("%w (read: %v)", err, m.sc.err)
	}
	return Row{}, m.errAt(line, "", err)
}

func (m *mysqlReader) Next() (Row, error) {
	for {
		if m.done {
			return Row{}, io.EOF
		}
		if m.inInsert {
			row, err, ok := m.insertStep()
			if ok || err != nil {
				return row, err
			}
			continue
		}
		if err := m.statement(); err != nil {
			return Row{}, err
		}
	}
}

// skipSpace consumes white space and comments.
func (m *mysqlReader) skipSpace() {
	s := m.sc
	for {
		c, ok := s.peek()
		if !ok {
			return
		}
		switch c {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			s.pos++
		case '#':
			s.skipTo('\n')
		case '-':
			if n, _ := s.peekAt(1); n != '-' {
				return
			}
			if n, ok := s.peekAt(2); ok && n != ' ' && n != '\t' && n != '\n' && n != '\r' {
				return
			}
			s.skipTo('\n')
		case '/':
			if n, _ := s.peekAt(1); n != '*' {
				return
			}
			s.pos += 2
			s.skipPast([]byte("*/"))
		default:
			return
		}
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// word reads a bare word (keyword or unquoted identifier).
func (m *mysqlReader) word() string {
	s := m.sc
	var b []byte
	for {
		c, ok := s.peek()
		if !ok || !isWordByte(c) || len(b) > 256 {
			return string(b)
		}
		b = append(b, c)
		s.pos++
	}
}

// ident reads an identifier, quoted or not, possibly qualified
// (`db`.`table`): the last part is returned.
func (m *mysqlReader) ident() (string, error) {
	var name string
	for {
		m.skipSpace()
		c, ok := m.sc.peek()
		if !ok {
			return "", ErrTruncated
		}
		if c == '`' || c == '"' {
			m.sc.pos++
			var b []byte
			for {
				d, ok := m.sc.peek()
				if !ok {
					return "", ErrTruncated
				}
				m.sc.pos++
				if d == c {
					if e, _ := m.sc.peek(); e == c {
						m.sc.pos++
					} else {
						break
					}
				}
				if len(b) > 1024 {
					return "", fmt.Errorf("identifier too long: %w", ErrSyntax)
				}
				b = append(b, d)
			}
			name = string(b)
		} else {
			name = m.word()
			if name == "" {
				return "", fmt.Errorf("identifier expected, found %q: %w", c, ErrSyntax)
			}
		}
		if c, _ := m.sc.peek(); c != '.' {
			return name, nil
		}
		m.sc.pos++
	}
}

// skipQuoted consumes a quoted string whose opening quote q was consumed.
func (m *mysqlReader) skipQuoted(q byte) bool {
	s := m.sc
	for {
		c, ok := s.peek()
		if !ok {
			return false
		}
		s.pos++
		switch {
		case c == '\\' && q != '`':
			if _, ok := s.peek(); !ok {
				return false
			}
			s.pos++
		case c == q:
			if n, _ := s.peek(); n == q {
				s.pos++
				continue
			}
			return true
		}
	}
}

// skipStatement consumes the rest of a statement up to its ';'.
func (m *mysqlReader) skipStatement() bool {
	s := m.sc
	for {
		m.skipSpace()
		c, ok := s.peek()
		if !ok {
			return false
		}
		s.pos++
		switch c {
		case ';':
			return true
		case '\'', '"', '`':
			if !m.skipQuoted(c) {
				return false
			}
		}
	}
}

// statement reads one statement that yields no row.
func (m *mysqlReader) statement() error {
	m.table = ""
	m.skipSpace()
	s := m.sc
	c, ok := s.peek()
	if !ok {
		m.done = true
		if s.err != nil {
			return m.errAt(s.lineNo(), "", fmt.Errorf("read: %w", s.err))
		}
		return nil
	}
	if c == ';' {
		s.pos++
		return nil
	}
	line := s.lineNo()
	w := strings.ToUpper(m.word())
	var err error
	switch w {
	case "INSERT", "REPLACE":
		err = m.insertHead()
	case "CREATE":
		err = m.createTable()
	case "DELIMITER":
		err = m.delimiter()
	case "":
		s.pos++ // a stray byte: skip it with the statement
		fallthrough
	default:
		if !m.skipStatement() {
			err = ErrTruncated
		}
	}
	if err == nil {
		return nil
	}
	if err == ErrTruncated {
		_, e := m.fatal(line, err)
		return e
	}
	m.inInsert = false
	m.skipStatement()
	return m.errAt(line, "", fmt.Errorf("%w (statement skipped)", err))
}

func (m *mysqlReader) delimiter() error {
	s := m.sc
	var buf []byte
	buf, _, ok := s.readLine(buf, 1024)
	if !ok {
		return nil
	}
	if d := strings.TrimSpace(string(buf)); d == ";" || d == "" {
		return nil
	}
	for {
		buf, _, ok = s.readLine(buf[:0], 1<<20)
		if !ok {
			return ErrTruncated
		}
		if f := strings.Fields(string(buf)); len(f) == 2 && strings.EqualFold(f[0], "DELIMITER") && f[1] == ";" {
			return nil
		}
	}
}

var keyWords = map[string]bool{"PRIMARY": true, "KEY": true, "INDEX": true, "UNIQUE": true, "CONSTRAINT": true,
	"FULLTEXT": true, "SPATIAL": true, "FOREIGN": true, "CHECK": true, "PERIOD": true}

// createTable reads CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (defs):
// the column names, in order.
func (m *mysqlReader) createTable() error {
	for {
		m.skipSpace()
		w := strings.ToUpper(m.word())
		if w == "TEMPORARY" || w == "OR" || w == "REPLACE" {
			continue
		}
		if w != "TABLE" {
			if !m.skipStatement() {
				return ErrTruncated
			}
			return nil
		}
		break
	}
	m.skipSpace()
	if c, _ := m.sc.peek(); c == 'I' || c == 'i' {
		save := m.sc.pos
		if w := m.word(); strings.EqualFold(w, "IF") {
			m.skipSpace()
			m.word() // NOT
			m.skipSpace()
			m.word() // EXISTS
		} else {
			m.sc.pos = save
		}
	}
	name, err := m.ident()
	if err != nil {
		return err
	}
	m.table = name
	m.skipSpace()
	if c, _ := m.sc.peek(); c != '(' {
		if !m.skipStatement() {
			return ErrTruncated
		}
		return nil
	}
	m.sc.pos++
	var cols []string
	for {
		m.skipSpace()
		c, ok := m.sc.peek()
		if !ok {
			return ErrTruncated
		}
		if c == ')' {
			m.sc.pos++
			break
		}
		if c == '`' || c == '"' {
			col, err := m.ident()
			if err != nil {
				return err
			}
			cols = append(cols, col)
		} else if w := m.word(); w != "" && !keyWords[strings.ToUpper(w)] {
			cols = append(cols, w)
		}
		end, err := m.skipDefinition()
		if err != nil {
			return err
		}
		if end {
			break
		}
	}
	if len(cols) > 0 {
		m.tables[name] = cols
	}
	if !m.skipStatement() {
		return ErrTruncated
	}
	return nil
}

// skipDefinition consumes a column or key definition up to the ',' after
// it (false) or the ')' closing the list (true).
func (m *mysqlReader) skipDefinition() (end bool, err error) {
	depth := 0
	for {
		m.skipSpace()
		c, ok := m.sc.peek()
		if !ok {
			return false, ErrTruncated
		}
		m.sc.pos++
		switch c {
		case '\'', '"', '`':
			if !m.skipQuoted(c) {
				return false, ErrTruncated
			}
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return true, nil
			}
			depth--
		case ',':
			if depth == 0 {
				return false, nil
			}
		case ';':
			return false, fmt.Errorf("unexpected ';' in CREATE TABLE: %w", ErrSyntax)
		}
	}
}

// insertHead reads INSERT [modifiers] [INTO] name [(cols)] VALUES.
func (m *mysqlReader) insertHead() error {
	for {
		m.skipSpace()
		c, ok := m.sc.peek()
		if !ok {
			return ErrTruncated
		}
		if c == '`' || c == '"' {
			break
		}
		save := m.sc.pos
		w := strings.ToUpper(m.word())
		switch w {
		case "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE":
			continue
		case "INTO":
		default:
			m.sc.pos = save
		}
		break
	}
	name, err := m.ident()
	if err != nil {
		return err
	}
	m.table = name
	m.cols = m.tables[name]
	m.skipSpace()
	if c, _ := m.sc.peek(); c == '(' {
		m.sc.pos++
		var cols []string
		for {
			col, err := m.ident()
			if err != nil {
				return err
			}
			cols = append(cols, col)
			m.skipSpace()
			c, ok := m.sc.peek()
			if !ok {
				return ErrTruncated
			}
			m.sc.pos++
			if c == ')' {
				break
			}
			if c != ',' {
				return fmt.Errorf("column list: unexpected %q: %w", c, ErrSyntax)
			}
		}
		m.cols = cols
	}
	m.skipSpace()
	if w := strings.ToUpper(m.word()); w != "VALUES" && w != "VALUE" {
		return fmt.Errorf("INSERT without VALUES (%s): %w", w, ErrNotSupported)
	}
	m.inInsert = true
	m.afterRow = false
	return nil
}

// insertStep reads the next row of the current INSERT. ok is false when
// the statement ended without a row.
func (m *mysqlReader) insertStep() (row Row, err error, ok bool) {
	s := m.sc
	m.skipSpace()
	c, more := s.peek()
	if !more {
		row, err = m.fatal(s.lineNo(), ErrTruncated)
		return row, err, false
	}
	if m.afterRow {
		switch c {
		case ',':
			s.pos++
			m.skipSpace()
			if c, more = s.peek(); !more {
				row, err = m.fatal(s.lineNo(), ErrTruncated)
				return row, err, false
			}
		case ';':
			s.pos++
			m.inInsert = false
			return Row{}, nil, false
		default:
			// ON DUPLICATE KEY UPDATE ... and the like: rows are done.
			m.inInsert = false
			if !m.skipStatement() {
				row, err = m.fatal(s.lineNo(), ErrTruncated)
				return row, err, false
			}
			return Row{}, nil, false
		}
	}
	m.afterRow = true
	if c != '(' {
		line := s.lineNo()
		m.inInsert = false
		m.skipStatement()
		return Row{}, m.errAt(line, "", fmt.Errorf("'(' expected, found %q (rest of the statement skipped): %w", c, ErrSyntax)), false
	}
	return m.row()
}

// row reads one parenthesised row of values.
func (m *mysqlReader) row() (Row, error, bool) {
	s := m.sc
	line, off := s.lineNo(), s.offset()
	if !m.general {
		if cols, ok := m.plainRow(); ok {
			return Row{Table: m.table, Columns: cols, Values: m.values, Line: line, Offset: off}, nil, true
		}
	}
	s.pos++
	m.arena = m.arena[:0]
	m.spans = m.spans[:0]
	var rowErr error
	errCol := -1
	for {
		m.skipSpace()
		c, ok := s.peek()
		if !ok {
			r, e := m.fatal(line, ErrTruncated)
			return r, e, false
		}
		if c == ')' && len(m.spans) == 0 {
			s.pos++
			break
		}
		start := len(m.arena)
		null, err := m.value()
		if err == ErrTruncated {
			r, e := m.fatal(line, ErrTruncated)
			return r, e, false
		}
		if err != nil && rowErr == nil {
			rowErr, errCol = err, len(m.spans)
		}
		m.spans = append(m.spans, span{start, len(m.arena), null})
		m.skipSpace()
		c, ok = s.peek()
		if !ok {
			r, e := m.fatal(line, ErrTruncated)
			return r, e, false
		}
		if c == ',' {
			s.pos++
			continue
		}
		if c == ')' {
			s.pos++
			break
		}
		m.inInsert = false
		m.skipStatement()
		return Row{}, &Error{File: m.file, Table: m.table, Line: line, Offset: off, Column: m.colName(len(m.spans) - 1),
			Err: fmt.Errorf("',' or ')' expected after a value, found %q (rest of the statement skipped): %w", c, ErrSyntax)}, false
	}
	cols := m.cols
	if cols == nil {
		cols = m.synthCols(len(m.spans))
	}
	if rowErr != nil {
		return Row{}, &Error{File: m.file, Table: m.table, Line: line, Offset: off, Column: m.colName(errCol), Err: rowErr}, false
	}
	if len(m.spans) != len(cols) {
		return Row{}, &Error{File: m.file, Table: m.table, Line: line, Offset: off,
			Err: fmt.Errorf("%w: the row has %d, the table %d columns", ErrColumnCount, len(m.spans), len(cols))}, false
	}
	m.values = m.values[:0]
	for _, sp := range m.spans {
		m.values = append(m.values, Value{B: m.arena[sp.start:sp.end:sp.end], Null: sp.null})
	}
	return Row{Table: m.table, Columns: cols, Values: m.values, Line: line, Offset: off}, nil, true
}

// plainRow reads a row as mysqldump writes it, when it lies wholly in the
// buffer: '(' values ')' with no space or comment around a value, each
// value NULL, a number or other bare word, or a quoted string without a
// backslash or doubled quote, all within the limits, as many as the
// table has columns. Its values point into the buffer rather than being
// copied. ok is false, with nothing consumed, for any other row, which
// row then reads the general way (and reports, if it is bad).
func (m *mysqlReader) plainRow() (cols []string, ok bool) {
	s := m.sc
	buf := s.buf[s.pos:s.end] // buf[0] is '('
	m.values = m.values[:0]
	total, i := 0, 1
	for {
		if i >= len(buf) {
			return nil, false
		}
		var v Value
		n := 0 // bytes the value has in the general reading's arena
		switch c := buf[i]; {
		case c == '\'' || c == '"':
			// Short values byte by byte, the rest of longer ones by
			// vectorised searches.
			j, short := i+1, min(len(buf), i+17)
			for j < short && buf[j] != c && buf[j] != '\\' {
				j++
			}
			if j == short && j < len(buf) {
				k := bytes.IndexByte(buf[j:], c)
				if k < 0 || bytes.IndexByte(buf[j:j+k], '\\') >= 0 {
					return nil, false
				}
				j += k
			}
			if j+1 >= len(buf) || buf[j] != c || buf[j+1] == c {
				return nil, false
			}
			v.B = buf[i+1 : j : j]
			n, i = len(v.B), j+1
		case bareByte[c]:
			j := i + 1
			for j < len(buf) && bareByte[buf[j]] {
				j++
			}
			tok := buf[i:j:j]
			if len(tok) > 1 && (tok[0] == '-' && tok[1] == '-' || tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
				return nil, false // a comment, or a hex literal
			}
			if len(tok) == 4 && bytes.EqualFold(tok, []byte("NULL")) {
				v.B, v.Null = tok[:0:0], true
			} else {
				v.B = tok
			}
			n, i = len(tok), j
		default:
			return nil, false
		}
		if n > m.lim.MaxValue || total+n > m.lim.MaxRow {
			return nil, false
		}
		if !v.Null {
			total += n
		}
		m.values = append(m.values, v)
		if i >= len(buf) {
			return nil, false
		}
		if buf[i] == ')' {
			i++
			break
		}
		if buf[i] != ',' {
			return nil, false
		}
		i++
	}
	cols = m.cols
	if cols == nil {
		cols = m.synthCols(len(m.values))
	}
	if len(m.values) != len(cols) {
		return nil, false
	}
	s.pos += i
	return cols, true
}

// bareByte is the bytes of the bare values plainRow reads.
var bareByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '+' || c == '-'
	}
	return t
}()

func (m *mysqlReader) colName(i int) string {
	if i >= 0 && i < len(m.cols) {
		return m.cols[i]
	}
	if i >= 0 {
		return "col" + strconv.Itoa(i+1)
	}
	return ""
}

// synthCols names the columns of a table whose CREATE TABLE the dump does
// not hold: col1, col2, ...
func (m *mysqlReader) synthCols(n int) []string {
	for len(m.synth) <= n {
		k := len(m.synth)
		cols := make([]string, k)
		for i := range cols {
			cols[i] = "col" + strconv.Itoa(i+1)
		}
		m.synth = append(m.synth, cols)
	}
	return m.synth[n]
}

// add appends b to the value being read, within the limits.
func (m *mysqlReader) add(start int, over *bool, b ...byte) {
	if *over {
		return
	}
	if len(m.arena)-start+len(b) > m.lim.MaxValue || len(m.arena)+len(b) > m.lim.MaxRow {
		*over = true
		m.arena = m.arena[:start]
		return
	}
	m.arena = append(m.arena, b...)
}

// value reads one value into the arena; null reports NULL.
func (m *mysqlReader) value() (null bool, err error) {
	s := m.sc
	c, _ := s.peek()
	switch {
	case c == '\'' || c == '"':
		s.pos++
		return false, m.quoted(c)
	case c == '_':
		m.word() // a charset introducer: _binary, _utf8mb4, _latin1
		m.skipSpace()
		q, ok := s.peek()
		if !ok {
			return false, ErrTruncated
		}
		if q != '\'' && q != '"' {
			m.bare()
			return false, fmt.Errorf("string expected after an introducer: %w", ErrSyntax)
		}
		s.pos++
		return false, m.quoted(q)
	case c == 'x' || c == 'X':
		if n, _ := s.peekAt(1); n == '\'' {
			s.pos += 2
			start := len(m.arena)
			if err := m.quoted('\''); err != nil {
				return false, err
			}
			return false, m.unhex(start, m.arena[start:])
		}
	}
	start := len(m.arena)
	tok := m.bare()
	switch {
	case len(tok) == 0:
		return false, fmt.Errorf("value expected: %w", ErrSyntax)
	case len(tok) == 4 && bytes.EqualFold(tok, []byte("NULL")):
		m.arena = m.arena[:start]
		return true, nil
	case len(tok) > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X'):
		return false, m.unhex(start, tok[2:])
	}
	return false, nil
}

// unhex replaces arena[start:] with the bytes the hex digits h encode.
func (m *mysqlReader) unhex(start int, h []byte) error {
	tmp := append([]byte(nil), h...)
	m.arena = m.arena[:start]
	if len(tmp)%2 == 1 {
		tmp = append([]byte{'0'}, tmp...)
	}
	for i := 0; i+1 < len(tmp); i += 2 {
		hi, ok1 := unhexDigit(tmp[i])
		lo, ok2 := unhexDigit(tmp[i+1])
		if !ok1 || !ok2 {
			m.arena = m.arena[:start]
			return fmt.Errorf("bad hex literal: %w", ErrSyntax)
		}
		m.arena = append(m.arena, hi<<4|lo)
	}
	return nil
}

func unhexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// bare reads an unquoted token (number, NULL, 0x..., b'...') into the
// arena and returns it.
func (m *mysqlReader) bare() []byte {
	s := m.sc
	start := len(m.arena)
	over := false
	for {
		c, ok := s.peek()
		if !ok {
			break
		}
		if c == ',' || c == ')' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '(' {
			break
		}
		if c == '\'' { // b'0101'
			s.pos++
			m.add(start, &over, c)
			for {
				d, ok := s.peek()
				if !ok {
					break
				}
				s.pos++
				m.add(start, &over, d)
				if d == '\'' {
					break
				}
			}
			continue
		}
		m.add(start, &over, c)
		s.pos++
	}
	return m.arena[start:]
}

// quoted reads a string whose opening quote q was consumed, decoding
// MySQL's escapes: \0 \' \" \b \n \r \t \Z \\, \% and \_ keep their
// backslash, any other \x is x; a doubled quote is one quote.
func (m *mysqlReader) quoted(q byte) error {
	s := m.sc
	start := len(m.arena)
	over := false
	for {
		if s.pos >= s.end && !s.fill() {
			return ErrTruncated
		}
		seg := s.buf[s.pos:s.end]
		i := bytes.IndexByte(seg, q)
		j := i
		if j < 0 {
			j = len(seg)
		}
		k := bytes.IndexByte(seg[:j], '\\')
		if k >= 0 {
			j = k
		}
		m.add(start, &over, seg[:j]...)
		s.pos += j
		if k >= 0 {
			s.pos++
			e, ok := s.peek()
			if !ok {
				return ErrTruncated
			}
			s.pos++
			switch e {
			case '0':
				m.add(start, &over, 0)
			case 'b':
				m.add(start, &over, '\b')
			case 'n':
				m.add(start, &over, '\n')
			case 'r':
				m.add(start, &over, '\r')
			case 't':
				m.add(start, &over, '\t')
			case 'Z':
				m.add(start, &over, 0x1a)
			case '%', '_':
				m.add(start, &over, '\\', e)
			default:
				m.add(start, &over, e)
			}
			continue
		}
		if i >= 0 {
			s.pos++
			if n, ok := s.peek(); ok && n == q {
				s.pos++
				m.add(start, &over, q)
				continue
			}
			break
		}
	}
	if over {
		return fmt.Errorf("%w: a value over %d bytes (or the row over %d)", ErrTooLarge, m.lim.MaxValue, m.lim.MaxRow)
	}
	return nil
}
