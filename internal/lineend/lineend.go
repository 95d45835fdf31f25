// Package lineend normalises line ends for line-oriented readers. Lists
// exported on old Macs, by some spreadsheet programs and by hand-written
// tools end lines with a lone carriage return; a reader that splits on
// line feeds only would see one giant line, reject it as too long, and
// lose every entry. NewReader turns each lone "\r" into "\n" and leaves
// "\n" and "\r\n" alone, so a reader that splits on "\n" and trims a
// trailing "\r" reads all three conventions, with the same line numbers.
package lineend

import (
	"bufio"
	"io"
)

// Reader is an io.Reader that rewrites lone carriage returns as line
// feeds. It returns exactly as many bytes as it reads, so offsets into
// the output are offsets into the input.
type Reader struct{ br *bufio.Reader }

// NewReader wraps r.
func NewReader(r io.Reader) *Reader { return &Reader{br: bufio.NewReaderSize(r, 64<<10)} }

// Read reads from the underlying reader, rewriting each '\r' that is not
// followed by '\n' as '\n' (it peeks one byte past the end of a read when
// it must).
func (c *Reader) Read(p []byte) (int, error) {
	n, err := c.br.Read(p)
	for i := 0; i < n; i++ {
		if p[i] != '\r' {
			continue
		}
		if i+1 < n {
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
			continue
		}
		if b, perr := c.br.Peek(1); perr != nil || b[0] != '\n' {
			p[i] = '\n'
		}
	}
	return n, err
}
