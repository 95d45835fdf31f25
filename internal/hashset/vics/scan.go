package vics

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// scanner is a window on the input. buf[pos:] is unread; buf[:pos] may be
// dropped on the next refill unless a value being read started there.
// Lines are counted lazily, up to nlPos.
type scanner struct {
	src       io.Reader
	buf       []byte
	pos       int
	base      int64 // input offset of buf[0]
	nlPos     int   // newlines before buf[nlPos] are counted
	line      int64 // 1-based line of buf[nlPos]
	lineStart int64 // input offset of the first byte of that line
	eof       bool
	rerr      error // a read error other than io.EOF
	limit     int   // the largest value read whole
	started   bool
	stack     []byte // open containers while validating a value
	// spans are the members of the last object value read whole, as
	// offsets from its start (see value).
	spans []span
}

// span locates one member of an object: its key (with quotes) at
// [ks, ke) and its value at [vs, ve), offsets from the object's first
// byte; esc says the key holds an escape.
type span struct {
	ks, ke, vs, ve int32
	esc            bool
}

const (
	bufSize  = 64 << 10
	maxDepth = 10000 // as encoding/json
)

func (s *scanner) init(r io.Reader, limit int) {
	s.src, s.limit, s.line = r, limit, 1
	s.buf = make([]byte, 0, bufSize)
}

// more reads input, first dropping buf[:keep] (positions shift down by
// keep). It reports whether it read anything.
func (s *scanner) more(keep int) bool {
	if s.eof {
		return false
	}
	if keep > 0 {
		s.countTo(keep)
		n := copy(s.buf, s.buf[keep:])
		s.buf = s.buf[:n]
		s.pos -= keep
		s.nlPos -= keep
		s.base += int64(keep)
	}
	if len(s.buf) == cap(s.buf) {
		nb := make([]byte, len(s.buf), 2*cap(s.buf))
		copy(nb, s.buf)
		s.buf = nb
	}
	for range 100 {
		n, err := s.src.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			if err != io.EOF {
				s.rerr = err
			}
			s.eof = true
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.rerr, s.eof = io.ErrNoProgress, true
	return false
}

// countTo advances the line count to buf[p] (p >= nlPos).
func (s *scanner) countTo(p int) {
	if p <= s.nlPos {
		return
	}
	seg := s.buf[s.nlPos:p]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		s.line += int64(n)
		s.lineStart = s.base + int64(s.nlPos+bytes.LastIndexByte(seg, '\n')+1)
	}
	s.nlPos = p
}

// lineAt is the 1-based line of buf[p]; p never goes back past a
// position already asked for.
func (s *scanner) lineAt(p int) int64 {
	s.countTo(p)
	return s.line
}

func (s *scanner) readErr() error {
	if s.rerr != nil {
		return fmt.Errorf(" line %d: %w", s.line, s.rerr)
	}
	return nil
}

// eofErr is the error for input ending where more JSON must follow.
func (s *scanner) eofErr() error {
	if err := s.readErr(); err != nil {
		return err
	}
	return fmt.Errorf(": truncated document (ends inside the json): %w", io.ErrUnexpectedEOF)
}

// SyntaxError is malformed JSON: Line and Column (1-based, in bytes) and
// Offset (0-based, from the start of the input) locate the byte at fault.
type SyntaxError struct {
	Line, Column int64
	Offset       int64
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf(" line %d: malformed json at column %d (byte %d): %s", e.Line, e.Column, e.Offset, e.Msg)
}

// syntax is a syntax error at buf[p].
func (s *scanner) syntax(p int, context string) error {
	line := s.lineAt(p)
	off := s.base + int64(p)
	return &SyntaxError{Line: line, Column: off - s.lineStart + 1, Offset: off, Msg: "invalid character " + quoteChar(s.buf[p]) + " " + context}
}

func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func startsValue(c byte) bool {
	switch c {
	case '{', '[', '"', 't', 'f', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}

// kindOf names the JSON type of a value starting with c, as encoding/json
// names it in errors.
func kindOf(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// space skips white space and returns the next byte (at buf[pos]); false
// at the end of input.
func (s *scanner) space() (byte, bool) {
	for {
		for s.pos < len(s.buf) {
			if c := s.buf[s.pos]; !isSpace(c) {
				return c, true
			}
			s.pos++
		}
		if !s.more(s.pos) {
			return 0, false
		}
	}
}

// skipBOMAndSpace is space at the start of the input, after an optional
// UTF-8 byte-order mark.
func (s *scanner) skipBOMAndSpace() (byte, bool) {
	if !s.started {
		s.started = true
		for len(s.buf) < 3 && s.more(0) {
		}
		if bytes.HasPrefix(s.buf, []byte("\xef\xbb\xbf")) {
			s.pos = 3
			s.nlPos = 3
			s.lineStart = 3
		}
	}
	return s.space()
}

// nextElement moves to the next element of an open array: it consumes
// the separating comma, or the closing bracket (end true). first says no
// element was read yet, and is cleared.
func (s *scanner) nextElement(first *bool) (end bool, err error) {
	c, ok := s.space()
	if !ok {
		return false, s.eofErr()
	}
	if c == ']' {
		s.pos++
		return true, nil
	}
	if !*first {
		if c != ',' {
			return false, s.syntax(s.pos, "after array element")
		}
		s.pos++
		if c, ok = s.space(); !ok {
			return false, s.eofErr()
		}
		if !startsValue(c) {
			return false, s.syntax(s.pos, "looking for beginning of value")
		}
	}
	*first = false
	return false, nil
}

// nextKey reads the next key of an open object and its colon, or the
// closing brace (end true).
func (s *scanner) nextKey(first *bool) (key string, end bool, err error) {
	c, ok := s.space()
	if !ok {
		return "", false, s.eofErr()
	}
	if !*first {
		if c == '}' {
			s.pos++
			return "", true, nil
		}
		if c != ',' {
			return "", false, s.syntax(s.pos, "after object key:value pair")
		}
		s.pos++
		if c, ok = s.space(); !ok {
			return "", false, s.eofErr()
		}
	} else if c == '}' {
		s.pos++
		return "", true, nil
	}
	if c != '"' {
		return "", false, s.syntax(s.pos, "looking for beginning of object key string")
	}
	st, e, err := s.value()
	if err != nil {
		return "", false, err
	}
	key = string(unquote(nil, s.buf[st+1:e-1]))
	if c, ok = s.space(); !ok {
		return "", false, s.eofErr()
	}
	if c != ':' {
		return "", false, s.syntax(s.pos, "after object key")
	}
	s.pos++
	*first = false
	return key, false, nil
}

// value reads one whole JSON value starting at the next non-space byte,
// validating it as encoding/json would, and returns its span buf[st:e];
// pos moves past it. Malformed JSON, the end of input, and a value longer
// than the limit are errors. When the value is an object, s.spans holds
// its members in order afterwards, so reading them needs no second scan.
func (s *scanner) value() (st, e int, err error) {
	if _, ok := s.space(); !ok {
		return 0, 0, s.eofErr()
	}
	st = s.pos
	i := st
	stack := s.stack[:0]
	spans := s.spans[:0]
	defer func() { s.stack, s.spans = stack[:0], spans }()
	var cur span // the top-level member being read
	// need makes buf[i+n-1] readable, reading more input (st and i shift).
	need := func(n int) error {
		for i+n > len(s.buf) {
			if i-st > s.limit {
				return s.tooBig(st)
			}
			base := s.base
			ok := s.more(st)
			d := int(s.base - base) // the bytes dropped, even at the end
			st -= d
			i -= d
			if !ok {
				return s.eofErr()
			}
		}
		return nil
	}
	const (
		wantValue = iota
		wantValueOrClose
		wantKeyOrClose
		wantKey
		wantColon
		wantCommaOrClose
	)
	state := wantValue
	for {
		if i >= len(s.buf) {
			if err := need(1); err != nil {
				return 0, 0, err
			}
		}
		c := s.buf[i]
		if isSpace(c) {
			i++
			continue
		}
		switch state {
		case wantKeyOrClose, wantKey:
			if c == '}' && state == wantKeyOrClose {
				stack = stack[:len(stack)-1]
				i++
				if len(stack) == 0 {
					return s.done(st, i)
				}
				if len(stack) == 1 && stack[0] == '{' {
					cur.ve = int32(i - st)
					spans = append(spans, cur)
				}
				state = wantCommaOrClose
				continue
			}
			if c != '"' {
				return 0, 0, s.syntax(i, "looking for beginning of object key string")
			}
			ks := i - st
			esc, err := s.str(&st, &i, need)
			if err != nil {
				return 0, 0, err
			}
			if len(stack) == 1 {
				cur = span{ks: int32(ks), ke: int32(i - st), esc: esc}
			}
			state = wantColon
		case wantColon:
			if c != ':' {
				return 0, 0, s.syntax(i, "after object key")
			}
			i++
			state = wantValue
		case wantCommaOrClose:
			top := stack[len(stack)-1]
			switch {
			case c == ',':
				i++
				state = wantValue
				if top == '{' {
					state = wantKey
				}
			case c == '}' && top == '{', c == ']' && top == '[':
				stack = stack[:len(stack)-1]
				i++
				if len(stack) == 0 {
					return s.done(st, i)
				}
				if len(stack) == 1 && stack[0] == '{' {
					cur.ve = int32(i - st)
					spans = append(spans, cur)
				}
			case top == '{':
				return 0, 0, s.syntax(i, "after object key:value pair")
			default:
				return 0, 0, s.syntax(i, "after array element")
			}
		default: // wantValue, wantValueOrClose
			if len(stack) == 1 {
				cur.vs = int32(i - st)
			}
			switch {
			case c == ']' && state == wantValueOrClose:
				stack = stack[:len(stack)-1]
				i++
				if len(stack) == 0 {
					return s.done(st, i)
				}
				if len(stack) == 1 && stack[0] == '{' {
					cur.ve = int32(i - st)
					spans = append(spans, cur)
				}
				state = wantCommaOrClose
				continue
			case c == '{' || c == '[':
				if len(stack) >= maxDepth {
					return 0, 0, s.syntax(i, "exceeded max depth")
				}
				stack = append(stack, c)
				i++
				state = wantValueOrClose
				if c == '{' {
					state = wantKeyOrClose
				}
				continue
			case c == '"':
				_, err = s.str(&st, &i, need)
			case c == '-' || c >= '0' && c <= '9':
				err = s.number(&i, need)
			case c == 't':
				err = s.literal(&i, need, "true")
			case c == 'f':
				err = s.literal(&i, need, "false")
			case c == 'n':
				err = s.literal(&i, need, "null")
			default:
				return 0, 0, s.syntax(i, "looking for beginning of value")
			}
			if err != nil {
				return 0, 0, err
			}
			if len(stack) == 0 {
				return s.done(st, i)
			}
			if len(stack) == 1 && stack[0] == '{' {
				cur.ve = int32(i - st)
				spans = append(spans, cur)
			}
			state = wantCommaOrClose
		}
	}
}

func (s *scanner) done(st, e int) (int, int, error) {
	if e-st > s.limit {
		return 0, 0, s.tooBig(st)
	}
	s.pos = e
	return st, e, nil
}

func (s *scanner) tooBig(st int) error {
	return fmt.Errorf(" line %d: record exceeds %d bytes", s.lineAt(st), s.limit)
}

// strStop marks the bytes that end a run of plain string content.
var strStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// plainLen is the length of the run of plain string content (no quote,
// backslash or control byte) at the start of b. It tests eight bytes at a
// time: in each test word the lowest flagged byte is exact (a borrow only
// flags bytes above a true hit), so the first hit of any test is found.
func plainLen(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := 0
	for ; len(b)-n >= 8; n += 8 {
		x := binary.LittleEndian.Uint64(b[n:])
		q, bs := x^('"'*ones), x^('\\'*ones)
		t := ((q - ones) &^ q) | ((bs - ones) &^ bs) | ((x - 0x20*ones) &^ x)
		if t &= highs; t != 0 {
			return n + bits.TrailingZeros64(t)/8
		}
	}
	for n < len(b) && !strStop[b[n]] {
		n++
	}
	return n
}

// str scans the string starting at buf[*i] (a quote) and reports whether
// it holds an escape.
func (s *scanner) str(st, i *int, need func(int) error) (esc bool, err error) {
	j := *i + 1
	for {
		j += plainLen(s.buf[j:])
		if j == len(s.buf) {
			*i = j
			if err := need(1); err != nil {
				return esc, err
			}
			j = *i
			continue
		}
		switch c := s.buf[j]; c {
		case '"':
			*i = j + 1
			return esc, nil
		case '\\':
			esc = true
			*i = j
			if err := need(2); err != nil {
				return esc, err
			}
			j = *i
			switch s.buf[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				for k := 2; k < 6; k++ {
					*i = j
					if err := need(k + 1); err != nil {
						return esc, err
					}
					j = *i
					if !isHex(s.buf[j+k]) {
						return esc, s.syntax(j+k, "in \\u hexadecimal character escape")
					}
				}
				j += 6
			default:
				return esc, s.syntax(j+1, "in string escape code")
			}
		default:
			return esc, s.syntax(j, "in string literal")
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number scans a number starting at buf[*i]. Like encoding/json, it
// needs the byte after the number to see its end, except at the end of
// input.
func (s *scanner) number(i *int, need func(int) error) error {
	// peek returns the next byte; 0 at the end of input after a complete
	// number (complete says whether it is), an error if it is not.
	peek := func(complete bool) (byte, error) {
		if *i < len(s.buf) {
			return s.buf[*i], nil
		}
		if complete && s.eof && s.rerr == nil {
			return 0, nil
		}
		if err := need(1); err != nil {
			if complete && s.eof && s.rerr == nil {
				return 0, nil
			}
			return 0, err
		}
		return s.buf[*i], nil
	}
	c := s.buf[*i]
	var err error
	if c == '-' {
		*i++
		if c, err = peek(false); err != nil {
			return err
		}
		if !isDigit(c) {
			return s.syntax(*i, "in numeric literal")
		}
	}
	*i++
	d, err := peek(true)
	if err != nil {
		return err
	}
	if c != '0' {
		for isDigit(d) {
			*i++
			if d, err = peek(true); err != nil {
				return err
			}
		}
	}
	if d == '.' {
		*i++
		if d, err = peek(false); err != nil {
			return err
		}
		if !isDigit(d) {
			return s.syntax(*i, "after decimal point in numeric literal")
		}
		for isDigit(d) {
			*i++
			if d, err = peek(true); err != nil {
				return err
			}
		}
	}
	if d == 'e' || d == 'E' {
		*i++
		if d, err = peek(false); err != nil {
			return err
		}
		if d == '+' || d == '-' {
			*i++
			if d, err = peek(false); err != nil {
				return err
			}
		}
		if !isDigit(d) {
			return s.syntax(*i, "in exponent of numeric literal")
		}
		for isDigit(d) {
			*i++
			if d, err = peek(true); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *scanner) literal(i *int, need func(int) error, lit string) error {
	for k := 1; k < len(lit); k++ {
		*i++
		if err := need(1); err != nil {
			return err
		}
		if s.buf[*i] != lit[k] {
			return s.syntax(*i, "in literal "+lit+" (expecting "+quoteChar(lit[k])+")")
		}
	}
	*i++
	return nil
}

// The functions below read values already validated by value.

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// strEnd returns the index after the string starting at b[i], and
// whether it holds an escape.
func strEnd(b []byte, i int) (int, bool) {
	i++
	i += plainLen(b[i:]) // stops at the closing quote or a backslash
	if b[i] == '"' {
		return i + 1, false
	}
	for {
		switch b[i] {
		case '"':
			return i + 1, true
		case '\\':
			i += 2
		default:
			i++
		}
	}
}

// valEnd returns the index after the value starting at b[i].
func valEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		e, _ := strEnd(b, i)
		return e
	case '{', '[':
		depth := 0
		for {
			switch b[i] {
			case '"':
				i, _ = strEnd(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// view is b as a string without a copy; it is valid while the window is.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// members calls fn for every member of the object b (validated): key is
// the raw key (escapes kept, esc tells), v the raw value.
func members(b []byte, fn func(key []byte, esc bool, v []byte)) {
	i := skipSpace(b, 1)
	for b[i] != '}' {
		ke, esc := strEnd(b, i)
		key := b[i+1 : ke-1]
		i = skipSpace(b, ke) + 1 // the colon
		i = skipSpace(b, i)
		ve := valEnd(b, i)
		fn(key, esc, b[i:ve])
		i = skipSpace(b, ve)
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
}

// foldKey folds a key as encoding/json matches field names: ASCII letters
// to upper case, other runes to the smallest of their case orbit.
func foldKey(dst, key []byte, esc bool) []byte {
	if esc {
		key = unquote(nil, key)
	}
	for i := 0; i < len(key); {
		if c := key[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(key[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		dst = utf8.AppendRune(dst, r)
		i += n
	}
	return dst
}

// setText fills t from the raw value v as encoding/json would call
// (*text).UnmarshalJSON.
func setText(t *text, v []byte) {
	switch v[0] {
	case '"':
		t.set = true
		body := v[1 : len(v)-1]
		if bytes.IndexByte(body, '\\') < 0 {
			t.s = view(body)
		} else {
			t.s = string(unquote(nil, body))
		}
	case 'n':
		t.set = false
	case '{', '[':
		t.set, t.bad = true, true
	default:
		t.set = true
		t.s = view(v)
	}
}

// errType is the reason for a value of the wrong JSON type, in the words
// of the encoding/json reader this one replaced.
func errType(field, typ string, c byte) string {
	return field + ": want " + typ + ", got json " + kindOf(c)
}

// decode fills m from the raw Media value b (validated; spans are its
// members, as value found them) and returns the reason the record is
// rejected for a value of the wrong type ("" if none), as encoding/json
// decoding into media would: the first such error wins and decoding goes
// on.
func (m *media) decode(b []byte, spans []span) string {
	switch b[0] {
	case '{':
	case 'n':
		return ""
	default:
		return "media record: want a json object, got json " + kindOf(b[0])
	}
	var reason string
	var kb [32]byte
	for _, sp := range spans {
		key, v := b[sp.ks+1:sp.ke-1], b[sp.vs:sp.ve]
		name := mediaField(key, sp.esc)
		if name == "" {
			name = string(foldKey(kb[:0], key, sp.esc))
		}
		var t *text
		switch name {
		case "MEDIAID":
			t = &m.MediaID
		case "CATEGORY":
			t = &m.Category
		case "MD5":
			t = &m.MD5
		case "SHA1":
			t = &m.SHA1
		case "SHA256":
			t = &m.SHA256
		case "PDQ":
			t = &m.PDQ
		case "PHOTODNA":
			t = &m.PhotoDNA
		case "VICTIMIDENTIFIED":
			t = &m.VictimIdentified
		case "OFFENDERIDENTIFIED":
			t = &m.OffenderIdentified
		case "ISDISTRIBUTED":
			t = &m.IsDistributed
		case "SERIES":
			t = &m.Series
		case "TAGS":
			t = &m.Tags
		case "CASEID":
			t = &m.CaseID
		case "ALTERNATIVEHASHES":
			if r := m.decodeAlt(v); reason == "" {
				reason = r
			}
			continue
		default:
			continue
		}
		setText(t, v)
	}
	return reason
}

// mediaField is the folded name of a key spelt as the model spells it
// (the common case, which needs no folding), or "".
func mediaField(key []byte, esc bool) string {
	if esc {
		return ""
	}
	switch string(key) {
	case "MediaID":
		return "MEDIAID"
	case "Category":
		return "CATEGORY"
	case "MD5":
		return "MD5"
	case "SHA1":
		return "SHA1"
	case "SHA256":
		return "SHA256"
	case "PDQ":
		return "PDQ"
	case "PhotoDNA":
		return "PHOTODNA"
	case "VictimIdentified":
		return "VICTIMIDENTIFIED"
	case "OffenderIdentified":
		return "OFFENDERIDENTIFIED"
	case "IsDistributed":
		return "ISDISTRIBUTED"
	case "Series":
		return "SERIES"
	case "Tags":
		return "TAGS"
	case "CaseID":
		return "CASEID"
	case "AlternativeHashes":
		return "ALTERNATIVEHASHES"
	}
	return ""
}

// decodeAlt decodes the AlternativeHashes value v, reusing the slice's
// elements as encoding/json does.
func (m *media) decodeAlt(v []byte) string {
	switch v[0] {
	case 'n':
		m.AlternativeHashes = nil
		return ""
	case '[':
	default:
		return errType("AlternativeHashes", "[]vics.altHash", v[0])
	}
	var reason string
	a := m.AlternativeHashes
	n := 0
	for i := skipSpace(v, 1); v[i] != ']'; {
		e := valEnd(v, i)
		if n >= cap(a) {
			na := make([]altHash, len(a), max(4, cap(a)+cap(a)/2))
			copy(na, a)
			a = na
		}
		if n >= len(a) {
			a = a[:n+1]
		}
		switch v[i] {
		case '{':
			decodeAltHash(&a[n], v[i:e])
		case 'n':
		default:
			if reason == "" {
				reason = errType("AlternativeHashes", "vics.altHash", v[i])
			}
		}
		n++
		i = skipSpace(v, e)
		if v[i] == ',' {
			i = skipSpace(v, i+1)
		}
	}
	if n == 0 {
		a = nil
	}
	m.AlternativeHashes = a[:n]
	return reason
}

func decodeAltHash(h *altHash, b []byte) {
	var kb [32]byte
	members(b, func(key []byte, esc bool, v []byte) {
		name := ""
		if !esc {
			switch string(key) {
			case "HashName":
				name = "HASHNAME"
			case "HashValue":
				name = "HASHVALUE"
			case "Quality":
				name = "QUALITY"
			}
		}
		if name == "" {
			name = string(foldKey(kb[:0], key, esc))
		}
		switch name {
		case "HASHNAME":
			setText(&h.HashName, v)
		case "HASHVALUE":
			setText(&h.HashValue, v)
		case "QUALITY":
			setText(&h.Quality, v)
		}
	})
}

// unquote appends the content of a validated JSON string body (without
// quotes) to dst, as encoding/json unquotes it: escapes decoded, invalid
// UTF-8 and unpaired surrogates replaced by U+FFFD.
func unquote(dst, b []byte) []byte {
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		return append(dst, b...)
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\':
			switch b[i+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(b[i+2:])
				i += 6
				if utf16IsSurrogate(r) {
					if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
						if r2 := hex4(b[i+2:]); 0xdc00 <= r2 && r2 < 0xe000 && r < 0xdc00 {
							dst = utf8.AppendRune(dst, (r-0xd800)<<10|(r2-0xdc00)+0x10000)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, b[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			dst = utf8.AppendRune(dst, r)
			i += n
		}
	}
	return dst
}

func utf16IsSurrogate(r rune) bool { return 0xd800 <= r && r < 0xe000 }

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
