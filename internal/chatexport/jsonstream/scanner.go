// Package jsonstream is a small, fast, tolerant pull tokenizer for JSON,
// used by the chat-export parsers to stream multi-gigabyte files one value
// at a time.
//
// It differs from encoding/json in three deliberate ways: it accepts the
// invalid `\xNN` escape that Telegram Desktop writes for control characters
// (decoded as U+00NN); it treats ',' and ':' as plain separators (so it
// does not reject a missing comma); and it caps every token's size. It does
// not validate UTF-8.
package jsonstream

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the kind of a token.
type Kind uint8

// Token kinds.
const (
	Invalid Kind = iota
	ObjectStart
	ObjectEnd
	ArrayStart
	ArrayEnd
	String
	Number
	True
	False
	Null
	EOF
)

var kindNames = [...]string{"invalid", "'{'", "'}'", "'['", "']'", "string", "number", "true", "false", "null", "end of input"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Errors.
var (
	ErrSyntax   = errors.New("json syntax error")
	ErrTooLarge = errors.New("json token exceeds size limit")
	ErrTooDeep  = errors.New("json nesting too deep")
)

// MaxDepth bounds nesting in Skip.
const MaxDepth = 512

// Scanner reads tokens from an io.Reader.
type Scanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
	base     int64 // input offset of buf[0]
	eof      bool
	rerr     error
	max      int
	tok      []byte
	scratch  []byte
	tokOff   int64
	// Repaired counts `\xNN` escapes decoded.
	Repaired int
}

// New returns a Scanner reading r; maxToken caps the size of one string or
// number token (its decoded bytes).
func New(r io.Reader, maxToken int) *Scanner {
	if maxToken <= 0 {
		maxToken = 64 << 20
	}
	return &Scanner{r: r, buf: make([]byte, 256<<10), max: maxToken}
}

// Offset returns the input offset of the last token returned by Next.
func (s *Scanner) Offset() int64 { return s.tokOff }

// Pos returns the input offset just after the last token.
func (s *Scanner) Pos() int64 { return s.base + int64(s.pos) }

// Bytes returns the last String token's decoded bytes or the last Number
// token's text. It is valid until the next call to Next.
func (s *Scanner) Bytes() []byte { return s.tok }

// Text returns Bytes as a new string.
func (s *Scanner) Text() string { return string(s.tok) }

// more makes more input available, keeping buf[keep:end]. It returns how
// far the kept bytes moved toward the start (subtract it from indices).
func (s *Scanner) more(keep int) (int, error) {
	if s.eof {
		if s.rerr != nil {
			return 0, s.rerr
		}
		return 0, io.ErrUnexpectedEOF
	}
	shift := keep
	if keep > 0 {
		copy(s.buf, s.buf[keep:s.end])
		s.end -= keep
		s.pos -= keep
		s.base += int64(keep)
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= 2*s.max+64 {
			return 0, ErrTooLarge
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			if n == 0 {
				if s.rerr != nil {
					return shift, s.rerr
				}
				return shift, io.ErrUnexpectedEOF
			}
			return shift, nil
		}
		if n > 0 {
			return shift, nil
		}
	}
}

func (s *Scanner) syntax(msg string) error {
	return fmt.Errorf("%w at offset %d: %s", ErrSyntax, s.base+int64(s.pos), msg)
}

// Next returns the next token, skipping whitespace and the separators ','
// and ':'. At the end of input it returns EOF.
func (s *Scanner) Next() (Kind, error) {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			switch c {
			case ' ', '\t', '\n', '\r', ',', ':':
				s.pos++
				continue
			}
			s.tokOff = s.base + int64(s.pos)
			switch c {
			case '{':
				s.pos++
				return ObjectStart, nil
			case '}':
				s.pos++
				return ObjectEnd, nil
			case '[':
				s.pos++
				return ArrayStart, nil
			case ']':
				s.pos++
				return ArrayEnd, nil
			case '"':
				return String, s.readString()
			case 't':
				return True, s.literal("true")
			case 'f':
				return False, s.literal("false")
			case 'n':
				return Null, s.literal("null")
			default:
				if c == '-' || c >= '0' && c <= '9' {
					return Number, s.readNumber()
				}
				if s.pos == 0 && s.base == 0 && c == 0xEF { // UTF-8 BOM
					if err := s.need(3); err == nil && s.buf[s.pos+1] == 0xBB && s.buf[s.pos+2] == 0xBF {
						s.pos += 3
						continue
					}
				}
				return Invalid, s.syntax(fmt.Sprintf("unexpected byte %q", c))
			}
		}
		if _, err := s.more(s.pos); err != nil {
			if err == io.ErrUnexpectedEOF {
				s.tokOff = s.base + int64(s.pos)
				return EOF, nil
			}
			return Invalid, err
		}
	}
}

// need ensures n bytes from pos are buffered (fewer only at EOF → error).
func (s *Scanner) need(n int) error {
	for s.end-s.pos < n {
		if _, err := s.more(s.pos); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scanner) literal(word string) error {
	if err := s.need(len(word)); err != nil {
		if err == io.ErrUnexpectedEOF {
			return s.syntax("truncated literal")
		}
		return err
	}
	if string(s.buf[s.pos:s.pos+len(word)]) != word {
		return s.syntax("invalid literal")
	}
	s.pos += len(word)
	return nil
}

func (s *Scanner) readNumber() error {
	start := s.pos
	i := start
	for {
		for i < s.end {
			c := s.buf[i]
			if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
				i++
				continue
			}
			s.tok = s.buf[start:i]
			s.pos = i
			return nil
		}
		if i-start > 64 {
			return s.syntax("number too long")
		}
		shift, err := s.more(start)
		start -= shift
		i -= shift
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				s.tok = s.buf[start:i]
				s.pos = i
				return nil
			}
			return err
		}
	}
}

func (s *Scanner) readString() error {
	start := s.pos + 1
	i := start
	for {
		for i < s.end {
			c := s.buf[i]
			if c == '"' {
				if i-start > s.max {
					return fmt.Errorf("string at offset %d: %w", s.tokOff, ErrTooLarge)
				}
				s.tok = s.buf[start:i]
				s.pos = i + 1
				return nil
			}
			if c == '\\' {
				s.scratch = append(s.scratch[:0], s.buf[start:i]...)
				s.pos = i
				return s.readEscaped()
			}
			i++
		}
		if i-start > s.max {
			return fmt.Errorf("string at offset %d: %w", s.tokOff, ErrTooLarge)
		}
		shift, err := s.more(start - 1)
		start -= shift
		i -= shift
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				return s.syntax("unterminated string")
			}
			return err
		}
	}
}

// readEscaped continues a string at s.pos (a backslash or later), decoding
// into s.scratch.
func (s *Scanner) readEscaped() error {
	for {
		if s.end-s.pos < 12 && !s.eof {
			if _, err := s.more(s.pos); err != nil && err != io.ErrUnexpectedEOF {
				return err
			}
			continue
		}
		if s.pos >= s.end {
			return s.syntax("unterminated string")
		}
		if len(s.scratch) > s.max {
			return fmt.Errorf("string at offset %d: %w", s.tokOff, ErrTooLarge)
		}
		c := s.buf[s.pos]
		switch {
		case c == '"':
			if len(s.scratch) > s.max {
				return fmt.Errorf("string at offset %d: %w", s.tokOff, ErrTooLarge)
			}
			s.pos++
			s.tok = s.scratch
			return nil
		case c != '\\':
			// copy a run of ordinary bytes
			j := s.pos
			for j < s.end && s.buf[j] != '"' && s.buf[j] != '\\' {
				j++
			}
			s.scratch = append(s.scratch, s.buf[s.pos:j]...)
			s.pos = j
			continue
		}
		if s.pos+1 >= s.end {
			return s.syntax("unterminated escape")
		}
		e := s.buf[s.pos+1]
		s.pos += 2
		switch e {
		case '"', '\\', '/':
			s.scratch = append(s.scratch, e)
		case 'b':
			s.scratch = append(s.scratch, '\b')
		case 'f':
			s.scratch = append(s.scratch, '\f')
		case 'n':
			s.scratch = append(s.scratch, '\n')
		case 'r':
			s.scratch = append(s.scratch, '\r')
		case 't':
			s.scratch = append(s.scratch, '\t')
		case 'x': // tdesktop's invalid escape for control bytes
			v, ok := hexVal(s.buf[s.pos:min(s.pos+2, s.end)])
			if !ok {
				return s.syntax("invalid \\x escape")
			}
			s.pos += 2
			s.Repaired++
			s.scratch = utf8.AppendRune(s.scratch, rune(v))
		case 'u':
			v, ok := hexVal(s.buf[s.pos:min(s.pos+4, s.end)])
			if !ok {
				return s.syntax("invalid \\u escape")
			}
			s.pos += 4
			r := rune(v)
			if utf16.IsSurrogate(r) {
				r = utf8.RuneError
				if s.end-s.pos >= 6 && s.buf[s.pos] == '\\' && s.buf[s.pos+1] == 'u' {
					if v2, ok := hexVal(s.buf[s.pos+2 : s.pos+6]); ok {
						if d := utf16.DecodeRune(rune(v), rune(v2)); d != utf8.RuneError {
							r = d
							s.pos += 6
						}
					}
				}
			}
			s.scratch = utf8.AppendRune(s.scratch, r)
		default:
			return s.syntax(fmt.Sprintf("invalid escape %q", e))
		}
	}
}

// hexVal decodes 2 or 4 hex digits; ok is false on a short or bad input.
func hexVal(b []byte) (int, bool) {
	if len(b) != 2 && len(b) != 4 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// Skip skips the rest of a value whose first token k was just returned.
func (s *Scanner) Skip(k Kind) error {
	if k != ObjectStart && k != ArrayStart {
		if k == ObjectEnd || k == ArrayEnd || k == EOF || k == Invalid {
			return s.syntax("expected a value, got " + k.String())
		}
		return nil
	}
	depth := 1
	for depth > 0 {
		k, err := s.Next()
		if err != nil {
			return err
		}
		switch k {
		case ObjectStart, ArrayStart:
			depth++
			if depth > MaxDepth {
				return ErrTooDeep
			}
		case ObjectEnd, ArrayEnd:
			depth--
		case EOF:
			return s.syntax("unexpected end of input")
		}
	}
	return nil
}

// SkipValue reads and skips the next value.
func (s *Scanner) SkipValue() error {
	k, err := s.Next()
	if err != nil {
		return err
	}
	return s.Skip(k)
}

// ErrType is returned (wrapped) by the typed readers when the value has
// another type; the value has then been skipped and scanning can go on.
var ErrType = errors.New("unexpected json type")

func (s *Scanner) typeErr(k Kind, want string) error {
	return fmt.Errorf("%w: want %s, got %s at offset %d", ErrType, want, k, s.tokOff)
}

// String reads a string value. null gives "", false. Numbers are returned
// as their text (exports are inconsistent about quoting ids).
func (s *Scanner) String() (string, bool, error) {
	k, err := s.Next()
	if err != nil {
		return "", false, err
	}
	switch k {
	case String, Number:
		return string(s.tok), true, nil
	case Null:
		return "", false, nil
	case True:
		return "true", true, nil
	case False:
		return "false", true, nil
	}
	if err := s.Skip(k); err != nil {
		return "", false, err
	}
	return "", false, s.typeErr(k, "string")
}

// Int reads an integer given as a number or a numeric string.
func (s *Scanner) Int() (int64, bool, error) {
	k, err := s.Next()
	if err != nil {
		return 0, false, err
	}
	switch k {
	case Number, String:
		v, perr := parseInt(s.tok)
		if perr != nil {
			return 0, false, s.typeErr(k, "integer")
		}
		return v, true, nil
	case Null:
		return 0, false, nil
	}
	if err := s.Skip(k); err != nil {
		return 0, false, err
	}
	return 0, false, s.typeErr(k, "integer")
}

// Float reads a number given as a number or a numeric string.
func (s *Scanner) Float() (float64, bool, error) {
	k, err := s.Next()
	if err != nil {
		return 0, false, err
	}
	switch k {
	case Number, String:
		v, perr := strconv.ParseFloat(string(s.tok), 64)
		if perr != nil {
			return 0, false, s.typeErr(k, "number")
		}
		return v, true, nil
	case Null:
		return 0, false, nil
	}
	if err := s.Skip(k); err != nil {
		return 0, false, err
	}
	return 0, false, s.typeErr(k, "number")
}

// Bool reads a boolean; null gives false.
func (s *Scanner) Bool() (bool, error) {
	k, err := s.Next()
	if err != nil {
		return false, err
	}
	switch k {
	case True:
		return true, nil
	case False, Null:
		return false, nil
	}
	if err := s.Skip(k); err != nil {
		return false, err
	}
	return false, s.typeErr(k, "boolean")
}

// parseInt parses a decimal integer without allocating; a fractional
// part of zeros ("12.0") is accepted.
func parseInt(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 20 {
		return 0, strconv.ErrSyntax
	}
	neg := false
	i := 0
	if b[0] == '-' {
		neg = true
		i = 1
		if len(b) == 1 {
			return 0, strconv.ErrSyntax
		}
	}
	var v int64
	for ; i < len(b); i++ {
		c := b[i]
		if c == '.' {
			for _, d := range b[i+1:] {
				if d != '0' {
					return 0, strconv.ErrSyntax
				}
			}
			break
		}
		if c < '0' || c > '9' {
			return 0, strconv.ErrSyntax
		}
		nv := v*10 + int64(c-'0')
		if nv < v {
			return 0, strconv.ErrRange
		}
		v = nv
	}
	if neg {
		v = -v
	}
	return v, nil
}

// IsFatal reports whether err stops scanning (anything but ErrType).
func IsFatal(err error) bool {
	return err != nil && !errors.Is(err, ErrType)
}

// Object iterates over an object's keys after its '{' was returned; fn is
// given each key (valid only until fn reads the value) and must consume
// the value.
func (s *Scanner) Object(fn func(key []byte) error) error {
	for {
		k, err := s.Next()
		if err != nil {
			return err
		}
		if k == ObjectEnd {
			return nil
		}
		if k != String {
			return fmt.Errorf("%w at offset %d: expected object key, got %s", ErrSyntax, s.tokOff, k)
		}
		if err := fn(s.tok); err != nil {
			return err
		}
	}
}

// Array iterates over an array's items after its '[' was returned; fn is
// given each item's first token and must consume the item.
func (s *Scanner) Array(fn func(k Kind) error) error {
	for {
		k, err := s.Next()
		if err != nil {
			return err
		}
		if k == ArrayEnd {
			return nil
		}
		if k == ObjectEnd || k == EOF || k == Invalid {
			return fmt.Errorf("%w at offset %d: unexpected %s in array", ErrSyntax, s.tokOff, k)
		}
		if err := fn(k); err != nil {
			return err
		}
	}
}
