package ulp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/vibora-project/vibora/internal/lineend"
	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Defaults and limits.
const (
	DefaultMaxLineBytes = 64 * 1024
	MaxRejections       = 1000
	readBufferBytes     = 1 << 20
)

// Options tune Scan.
type Options struct {
	// MaxLineBytes caps a line; longer lines are rejected. 0 means
	// DefaultMaxLineBytes; lines longer than the 1 MiB read buffer are
	// always rejected.
	MaxLineBytes int
	// Login, when set, also reports lines whose host is not watched but
	// whose login it accepts (Hit.Watched is false). Every line is then
	// parsed fully, which is slower; use it for a second pass that looks
	// for the other sites of logins found on watched sites.
	Login func(login string) bool
}

// Hit is a line that touches a watched site (or, with Options.Login, a
// line with a login of interest).
type Hit struct {
	Record
	File    string          `json:"file,omitempty"`
	Line    int64           `json:"line"`             // 1-based
	Offset  int64           `json:"offset,omitempty"` // byte offset of the line in the file
	Watched bool            `json:"watched,omitempty"`
	Entry   watchlist.Entry `json:"entry"` // valid when Watched
}

// Stats summarise a scan.
type Stats struct {
	File       string           `json:"file,omitempty"`
	Bytes      int64            `json:"bytes,omitempty"`
	Lines      int64            `json:"lines,omitempty"`
	Hits       int64            `json:"hits,omitempty"`       // lines on watched sites
	LoginHits  int64            `json:"login_hits,omitempty"` // lines reported only through Options.Login
	Rejected   int64            `json:"rejected,omitempty"`
	ByReason   map[string]int64 `json:"by_reason,omitempty"`
	Rejections []Rejection      `json:"rejections,omitempty"` // the first MaxRejections, in file order
	Elapsed    time.Duration    `json:"elapsed"`
	UTF16      bool             `json:"utf16,omitempty"`
	Encoding   string           `json:"encoding,omitempty"` // utf-8-bom, utf-16le, utf-16be ("" for plain UTF-8 or bytes)
}

// nulParity reports whether b looks like UTF-16 text without a
// byte-order mark: NUL in most odd bytes (little-endian ASCII) or most
// even bytes (big-endian), and rarely in the others.
func nulParity(b []byte) (le, be bool) {
	n := min(len(b), 4096) &^ 1
	if n < 16 {
		return false, false
	}
	var even, odd int
	for i := range n {
		if b[i] == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	half := n / 2
	return odd*10 > half*4 && even*10 < half, even*10 > half*4 && odd*10 < half
}

func (s *Stats) reject(line, off int64, err error) {
	s.Rejected++
	if s.ByReason == nil {
		s.ByReason = make(map[string]int64)
	}
	s.ByReason[err.Error()]++
	if len(s.Rejections) < MaxRejections {
		s.Rejections = append(s.Rejections, Rejection{Line: line, Offset: off, Reason: err.Error()})
	}
}

// Scan streams r, reports every line on a watched site to fn and returns
// statistics. Memory is bounded by the read buffer (1 MiB) and
// MaxRejections. An error from fn stops the scan and is returned.
func Scan(ctx context.Context, r io.Reader, name string, wl *watchlist.Watchlist, opt Options, fn func(Hit) error) (st Stats, err error) {
	start := time.Now()
	st.File = name
	defer func() { st.Elapsed = time.Since(start) }()
	maxLine := opt.MaxLineBytes
	if maxLine <= 0 {
		maxLine = DefaultMaxLineBytes
	}
	br := bufio.NewReaderSize(r, readBufferBytes)
	head, _ := br.Peek(4096)
	var dec *encoding.Decoder
	switch {
	case bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}):
		br.Discard(3)
		st.Bytes += 3
		st.Encoding = "utf-8-bom"
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		dec, st.Encoding = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder(), "utf-16le"
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		dec, st.Encoding = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder(), "utf-16be"
	default:
		// UTF-16 without a byte-order mark: most even (big-endian) or
		// odd (little-endian) bytes of the text are NUL.
		switch le, be := nulParity(head); {
		case le:
			dec, st.Encoding = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder(), "utf-16le"
		case be:
			dec, st.Encoding = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder(), "utf-16be"
		}
	}
	if dec != nil {
		// UTF-16 files are transcoded; offsets then refer to the UTF-8 text.
		st.UTF16 = true
		br = bufio.NewReaderSize(lineend.NewReader(transform.NewReader(br, dec)), readBufferBytes)
	}
	if !st.UTF16 {
		// Lone carriage returns end lines too.
		br = bufio.NewReaderSize(lineend.NewReader(br), readBufferBytes)
	}
	var (
		lineNo int64
		off    = st.Bytes
		pbuf   [256]byte
		tooLng bool
	)
	for {
		raw, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// Over-long line: skip to its end.
			if !tooLng {
				lineNo++
				st.reject(lineNo, off, ErrLongLine)
				tooLng = true
			}
			off += int64(len(raw))
			st.Bytes += int64(len(raw))
			continue
		}
		n := int64(len(raw))
		if tooLng {
			tooLng = false
			off += n
			st.Bytes += n
			if err != nil {
				break
			}
			continue
		}
		if n > 0 {
			lineNo++
			if lineNo&0xffff == 0 {
				if cerr := ctx.Err(); cerr != nil {
					return st, cerr
				}
			}
			if len(raw) > maxLine {
				st.reject(lineNo, off, ErrLongLine)
			} else if herr := st.line(raw, lineNo, off, wl, &opt, fn, pbuf[:]); herr != nil {
				st.Bytes += n
				st.Lines = lineNo
				return st, herr
			}
			off += n
			st.Bytes += n
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			st.Lines = lineNo
			return st, fmt.Errorf("read %s line %d: %w", name, lineNo+1, err)
		}
	}
	st.Lines = lineNo
	return st, nil
}

func (s *Stats) line(raw []byte, lineNo, off int64, wl *watchlist.Watchlist, opt *Options, fn func(Hit) error, pbuf []byte) error {
	line := raw
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) == 0 {
		return nil
	}
	sp, ok := locate(line)
	if !ok {
		if opt.Login == nil && isBlank(line) {
			return nil
		}
		s.reject(lineNo, off, ErrNoHost)
		return nil
	}
	host := line[sp.hostStart:sp.hostEnd]
	var (
		entry   watchlist.Entry
		watched bool
	)
	if wl != nil && wl.Contains(host) {
		extendPath(line, &sp)
		entry, watched = wl.MatchBytes(host, line[sp.pathStart:sp.urlEnd])
	}
	if !watched && sp.android && wl != nil {
		if rev, ok := reverseLabels(host, pbuf); ok {
			entry, watched = wl.MatchBytes(rev, nil)
		}
	}
	if !watched && opt.Login == nil {
		return nil
	}
	if !plausibleHost(host) {
		s.reject(lineNo, off, ErrNoHost)
		return nil
	}
	if sp.urlEnd < 0 {
		extendPath(line, &sp)
	}
	rec, err := parseFrom(trimLine(line), sp)
	if err != nil {
		s.reject(lineNo, off, err)
		return nil
	}
	if !watched && !opt.Login(rec.Login) {
		return nil
	}
	if watched {
		s.Hits++
	} else {
		s.LoginHits++
	}
	return fn(Hit{Record: rec, File: s.File, Line: lineNo, Offset: off, Watched: watched, Entry: entry})
}

func isBlank(b []byte) bool {
	return len(bytes.TrimSpace(b)) == 0
}

// reverseLabels turns an Android package name (org.example.app) into the
// domain it is named after (app.example.org).
func reverseLabels(h, buf []byte) ([]byte, bool) {
	if len(h) > len(buf) {
		return nil, false
	}
	out := buf[:0]
	end := len(h)
	for i := len(h) - 1; i >= -1; i-- {
		if i == -1 || h[i] == '.' {
			if len(out) > 0 {
				out = append(out, '.')
			}
			out = append(out, h[i+1:end]...)
			end = i
		}
	}
	return out, true
}
