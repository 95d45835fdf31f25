package dump

import (
	"bytes"
	"io"
)

const bufSize = 1 << 20

// scanner is a byte buffer over a reader that knows the offset and line of
// its position. Lines are counted lazily (bytes.Count over what was passed)
// so that skipping text costs one vectorised scan.
type scanner struct {
	r      io.Reader
	buf    []byte
	pos    int
	end    int
	base   int64 // file offset of buf[0]
	line   int64 // line number at buf[lineAt]
	lineAt int
	eof    bool
	err    error // read error other than io.EOF
}

func newScanner(r io.Reader) *scanner {
	return &scanner{r: r, buf: make([]byte, bufSize), line: 1}
}

// fill reads more bytes, keeping buf[pos:end]. It reports whether any
// byte is available at pos.
func (s *scanner) fill() bool {
	if s.pos < s.end {
		return true
	}
	for !s.eof && s.pos >= s.end {
		s.more()
	}
	return s.pos < s.end
}

// more reads at least one more byte into the buffer unless the input is
// over, moving the unread bytes to the start.
func (s *scanner) more() {
	if s.eof {
		return
	}
	if s.pos > 0 {
		s.countLines()
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.end = n
		s.pos = 0
		s.lineAt = 0
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
			return
		}
		if n > 0 {
			return
		}
	}
	s.eof = true
	s.err = io.ErrNoProgress
}

// peekN returns up to n bytes at the position without consuming them.
func (s *scanner) peekN(n int) []byte {
	for s.end-s.pos < n && !s.eof {
		s.more()
	}
	return s.buf[s.pos:min(s.end, s.pos+n)]
}

// rest is a reader of the bytes from the position on.
func (s *scanner) rest() io.Reader {
	return io.MultiReader(bytes.NewReader(s.buf[s.pos:s.end]), s.r)
}

func (s *scanner) countLines() {
	if s.pos > s.lineAt {
		s.line += int64(bytes.Count(s.buf[s.lineAt:s.pos], []byte{'\n'}))
		s.lineAt = s.pos
	}
}

// lineNo is the line of the position.
func (s *scanner) lineNo() int64 {
	s.countLines()
	return s.line
}

func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// peek returns the byte at the position.
func (s *scanner) peek() (byte, bool) {
	if s.pos >= s.end && !s.fill() {
		return 0, false
	}
	return s.buf[s.pos], true
}

// peek2 returns the byte after the one at the position.
func (s *scanner) peekAt(i int) (byte, bool) {
	for s.pos+i >= s.end && !s.eof {
		s.more()
	}
	if s.pos+i >= s.end {
		return 0, false
	}
	return s.buf[s.pos+i], true
}

// skipTo consumes up to and including the next c; false at end of input.
func (s *scanner) skipTo(c byte) bool {
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], c); i >= 0 {
			s.pos += i + 1
			return true
		}
		s.pos = s.end
		if !s.fill() {
			return false
		}
	}
}

// skipPast consumes up to and including the next occurrence of sep.
func (s *scanner) skipPast(sep []byte) bool {
	for {
		if i := bytes.Index(s.buf[s.pos:s.end], sep); i >= 0 {
			s.pos += i + len(sep)
			return true
		}
		// Keep the last len(sep)-1 bytes: sep may straddle the refill.
		if keep := len(sep) - 1; s.end-s.pos > keep {
			s.pos = s.end - keep
		}
		if s.eof {
			s.pos = s.end
			return false
		}
		s.more()
	}
}

// line appends the next line (without its \n, and without a \r before it)
// to dst, up to max bytes; longer lines are consumed and reported by
// tooLong. ok is false at end of input with nothing read.
func (s *scanner) readLine(dst []byte, max int) (line []byte, tooLong, ok bool) {
	if !s.fill() {
		return dst, false, false
	}
	start := len(dst)
	for {
		seg := s.buf[s.pos:s.end]
		i := bytes.IndexByte(seg, '\n')
		take := seg
		if i >= 0 {
			take = seg[:i]
		}
		if !tooLong {
			if len(dst)-start+len(take) > max {
				tooLong = true
				dst = dst[:start]
			} else {
				dst = append(dst, take...)
			}
		}
		if i >= 0 {
			s.pos += i + 1
			break
		}
		s.pos = s.end
		if !s.fill() {
			break
		}
	}
	if n := len(dst); n > start && dst[n-1] == '\r' {
		dst = dst[:n-1]
	}
	return dst, tooLong, true
}
