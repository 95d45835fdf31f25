package hashset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vibora-project/vibora/internal/lineend"
)

// LineReader reads the lines of a text hash list with a length cap. It
// strips a UTF-8 byte-order mark at the start and the line terminator
// ("\n", "\r\n" or a lone "\r"). A line longer than the cap is skipped and reported as
// a *RejectError, so one runaway line does not end the import.
type LineReader struct {
	br    *bufio.Reader
	line  int64
	limit int
	first bool
}

// NewLineReader reads lines of at most limit bytes from r.
func NewLineReader(r io.Reader, limit int) *LineReader {
	if limit < 64 {
		limit = 64
	}
	return &LineReader{br: bufio.NewReaderSize(lineend.NewReader(r), limit+2), limit: limit, first: true}
}

// Line is the 1-based number of the line last returned.
func (l *LineReader) Line() int64 { return l.line }

// Next returns the next line (without terminator) and its number. The
// string is freshly allocated. It returns io.EOF after the last line.
func (l *LineReader) Next() (string, int64, error) {
	b, err := l.br.ReadSlice('\n')
	if len(b) == 0 && err == io.EOF {
		return "", l.line, io.EOF
	}
	l.line++
	if errors.Is(err, bufio.ErrBufferFull) {
		head := string(b[:min(len(b), MaxRawLen)])
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = l.br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return "", l.line, err
		}
		return "", l.line, Reject(l.line, head, "line exceeds %d bytes", l.limit)
	}
	if err != nil && err != io.EOF {
		return "", l.line, err
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if l.first {
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		l.first = false
	}
	return string(b), l.line, nil
}

// SplitFields splits one line of delimiter-separated values, reusing dst.
// Fields may be quoted with '"' ("" inside quotes is a literal quote);
// quoted fields cannot span lines. Unquoted fields are trimmed of spaces;
// a stray quote inside an unquoted field is kept literally. An unterminated
// quote is an error.
func SplitFields(line string, delim byte, dst []string) ([]string, error) {
	dst = dst[:0]
	i := 0
	for {
		// skip leading spaces (but not a tab delimiter)
		for i < len(line) && line[i] == ' ' && delim != ' ' {
			i++
		}
		if i < len(line) && line[i] == '"' {
			var sb strings.Builder
			i++
			for {
				j := strings.IndexByte(line[i:], '"')
				if j < 0 {
					return dst, fmt.Errorf("unterminated quoted field in column %d", len(dst)+1)
				}
				sb.WriteString(line[i : i+j])
				i += j + 1
				if i < len(line) && line[i] == '"' {
					sb.WriteByte('"')
					i++
					continue
				}
				break
			}
			dst = append(dst, sb.String())
			for i < len(line) && line[i] == ' ' && delim != ' ' {
				i++
			}
			if i >= len(line) {
				return dst, nil
			}
			if line[i] != delim {
				return dst, fmt.Errorf("text after closing quote in column %d", len(dst))
			}
			i++
			continue
		}
		j := strings.IndexByte(line[i:], delim)
		if j < 0 {
			dst = append(dst, strings.TrimSpace(line[i:]))
			return dst, nil
		}
		dst = append(dst, strings.TrimSpace(line[i:i+j]))
		i += j + 1
	}
}

// HeaderName normalises a column header for matching: trimmed, lower
// case, spaces and dashes as underscores.
func HeaderName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}
