package vics

import (
	"fmt"
	"io"
)

// lineTracker sits between the input and the json.Decoder. It keeps the
// bytes the decoder has read but the parser has not yet resolved to a
// position, so the parser can turn a decoder offset into a line number by
// counting newlines incrementally, and can quote a rejected record. It also
// enforces the record size cap: the unresolved window never holds more
// than limit bytes.
type lineTracker struct {
	r     io.Reader
	buf   []byte // buf[start:] are bytes from offset base onward
	start int
	base  int64 // input offset of buf[start]
	line  int64 // 1-based line number at offset base
	limit int
}

func newLineTracker(r io.Reader, limit int) *lineTracker {
	return &lineTracker{r: r, line: 1, limit: limit}
}

func (t *lineTracker) Read(p []byte) (int, error) {
	if len(t.buf)-t.start > t.limit {
		return 0, fmt.Errorf("line %d: record exceeds %d bytes", t.line, t.limit)
	}
	if t.start > 0 && t.start >= len(t.buf)/2 {
		n := copy(t.buf, t.buf[t.start:])
		t.buf = t.buf[:n]
		t.start = 0
	}
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// advance moves the resolved position to off, counting newlines.
func (t *lineTracker) advance(off int64) {
	n := int(off - t.base)
	if n <= 0 {
		return
	}
	if n > len(t.buf)-t.start {
		n = len(t.buf) - t.start
	}
	for _, c := range t.buf[t.start : t.start+n] {
		if c == '\n' {
			t.line++
		}
	}
	t.start += n
	t.base += int64(n)
}

// valueLine returns the line of the first byte of the JSON value that
// starts after off (skipping whitespace and the separating comma), after
// advancing to off.
func (t *lineTracker) valueLine(off int64) int64 {
	t.advance(off)
	line := t.line
	for _, c := range t.buf[t.start:] {
		switch c {
		case '\n':
			line++
		case ' ', '\t', '\r', ',', ':':
		default:
			return line
		}
	}
	return line
}

// text returns the bytes between the resolved position and off (bounded).
func (t *lineTracker) text(off int64) []byte {
	n := int(off - t.base)
	if n < 0 {
		n = 0
	}
	if n > len(t.buf)-t.start {
		n = len(t.buf) - t.start
	}
	return t.buf[t.start : t.start+n]
}
