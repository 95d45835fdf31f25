// Package ulp reads "URL:LOGIN:PASS" combo files (ULP) built from stealer
// logs and matches them against a watchlist at full disk speed.
//
// # Grammar
//
// One credential per line; a UTF-8 BOM on the first line, a trailing CR
// and surrounding blanks are ignored. A line is URL SEP LOGIN SEP PASSWORD:
//
//   - URL is either scheme "://" authority [path], or a scheme-less
//     host [":" port] [path]. The authority ends at the first of
//     ':' '/' '?' '#' '|' ';' SPACE TAB; "user@" (without ":") before
//     the host is skipped; for android://<base64>@<package>/ the host is the package
//     name (the base64 part may contain '/'). A ':' followed by 1–5 digits
//     and then '/' is a port. The path runs from '/', '?' or '#' to the
//     first ':' '|' ';' SPACE TAB.
//   - SEP is the byte that ended the URL, except that a line with two or
//     more '|' after the host is always '|'-separated. Runs of blanks
//     count as one separator when SEP is a blank.
//   - LOGIN runs to the next SEP; PASSWORD is the rest of the line and may
//     contain SEP (passwords with colons survive). A line with no second
//     SEP has an empty password.
//
// The URL part decides the split, so "https://h:8443/p:user:pa:ss" gives
// login "user" and password "pa:ss". Lines with no host (e.g. bare
// "email:pass"), an empty login or over-long lines are rejected and
// counted, with their line numbers kept (up to MaxRejections).
//
// # Speed
//
// Scan reads large blocks, finds line ends with bytes.IndexByte, extracts
// only the host of each line (one table-driven forward scan) and asks the
// watchlist whether the host or a parent is watched (a hash map that
// also holds the parents of watched domains, walked from the top-level
// suffix down and left at the first unknown suffix, so most lines cost one
// or two look-ups). Only lines whose host is watched are parsed fully and
// turned into strings; other lines allocate nothing.
package ulp

import (
	"bytes"
	"errors"
	"fmt"
)

// Record is one parsed ULP line.
type Record struct {
	URL      string `json:"url"`  // as written, scheme included when present
	Host     string `json:"host"` // lowercase host; for android:// the package name
	Path     string `json:"path,omitempty"`
	Login    string `json:"login"`
	Password string `json:"password"`
	Android  bool   `json:"android,omitempty"`
	Sep      byte   `json:"-"`
}

// Rejection reasons.
var (
	ErrNoHost     = errors.New("no host")
	ErrEmptyLogin = errors.New("empty login")
	ErrLongLine   = errors.New("line too long")
)

// hostSpan locates the host and path of a ULP line.
type hostSpan struct {
	urlStart, urlEnd int // URL is line[urlStart:urlEnd]
	hostStart        int
	hostEnd          int
	pathStart        int // == urlEnd when no path
	android          bool
}

func isScheme(b []byte) bool {
	c := b[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') || len(b) > 24 {
		return false
	}
	for _, c := range b[1:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// Byte classes for the host scan.
const (
	cSep  = 1 << iota // ':' '|' ';' SPACE TAB: ends a URL
	cPath             // '/' '?' '#': starts a path
	cAt               // '@'
)

var byteClass = func() (t [256]uint8) {
	for _, c := range []byte(":|; \t") {
		t[c] = cSep
	}
	for _, c := range []byte("/?#") {
		t[c] = cPath
	}
	t['@'] = cAt
	return t
}()

func isURLStop(c byte) bool { return byteClass[c]&cSep != 0 }

// locate finds the URL, host and path spans. It is the fast path: no
// allocation, a single forward scan over the start of the line.
func locate(line []byte) (hostSpan, bool) {
	var s hostSpan
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	s.urlStart = i
	a, k := i, i
	scheme := false
	for {
		for k < len(line) && byteClass[line[k]] == 0 {
			k++
		}
		if k >= len(line) {
			break
		}
		c := line[k]
		if c == ':' && !scheme && k > a && k+2 < len(line) && line[k+1] == '/' && line[k+2] == '/' && isScheme(line[a:k]) {
			// "scheme://": the host starts after it.
			scheme = true
			s.android = k-a == 7 && bytes.EqualFold(line[a:k], []byte("android"))
			k += 3
			a = k
			if s.android {
				// The certificate hash is base64 and may hold '/', '+'
				// and '='; the package name follows the last '@'
				// before a separator.
				for k < len(line) && !isURLStop(line[k]) && line[k] != '@' {
					k++
				}
				if k < len(line) && line[k] == '@' {
					k++
					a = k
				} else {
					k = a
				}
			}
			continue
		}
		if c != '@' {
			break
		}
		if !scheme {
			return s, false // "user@example.org:pass": no URL
		}
		k++
		a = k
	}
	if k < len(line) && line[k] == '[' {
		return s, false
	}
	s.hostStart, s.hostEnd = a, k
	if k == a {
		return s, false
	}
	// Port: ':' digits '/'.
	if k < len(line) && line[k] == ':' {
		d := k + 1
		for d < len(line) && d-k <= 6 && line[d] >= '0' && line[d] <= '9' {
			d++
		}
		if d > k+1 && d-k <= 6 && d < len(line) && line[d] == '/' {
			k = d
		}
	}
	s.pathStart = k
	s.urlEnd = -1
	return s, true
}

// extendPath sets s.urlEnd: the path runs from '/', '?' or '#' to the
// first separator. It is separate from locate so that the fast path skips
// it for lines whose host is not watched.
func extendPath(line []byte, s *hostSpan) {
	k := s.pathStart
	if k < len(line) && byteClass[line[k]] == cPath {
		for k < len(line) && byteClass[line[k]]&cSep == 0 {
			k++
		}
	}
	s.urlEnd = k
}

// Parse parses one line (without its newline) fully.
func Parse(line []byte) (Record, error) {
	line = trimLine(line)
	s, ok := locate(line)
	if !ok || !plausibleHost(line[s.hostStart:s.hostEnd]) {
		return Record{}, ErrNoHost
	}
	extendPath(line, &s)
	return parseFrom(line, s)
}

func parseFrom(line []byte, s hostSpan) (Record, error) {
	end := s.urlEnd
	var sep byte
	if bytes.Count(line[s.hostEnd:], []byte{'|'}) >= 2 {
		sep = '|'
		if p := bytes.IndexByte(line[s.hostEnd:], '|'); p >= 0 && s.hostEnd+p != end {
			end = s.hostEnd + p
		}
	}
	r := Record{
		URL:     string(line[s.urlStart:end]),
		Host:    string(bytes.ToLower(line[s.hostStart:s.hostEnd])),
		Android: s.android,
	}
	if s.pathStart < end {
		r.Path = string(line[s.pathStart:end])
	}
	if end >= len(line) {
		return r, ErrEmptyLogin
	}
	if sep == 0 {
		sep = line[end]
	}
	r.Sep = sep
	rest := line[end+1:]
	blank := sep == ' ' || sep == '\t'
	if blank {
		rest = bytes.TrimLeft(rest, " \t")
		i := bytes.IndexAny(rest, " \t")
		if i < 0 {
			r.Login = string(rest)
		} else {
			r.Login = string(rest[:i])
			r.Password = string(bytes.TrimRight(bytes.TrimLeft(rest[i:], " \t"), " \t"))
		}
	} else {
		i := bytes.IndexByte(rest, sep)
		if i < 0 {
			r.Login = string(bytes.TrimSpace(rest))
		} else {
			r.Login = string(bytes.TrimSpace(rest[:i]))
			r.Password = string(rest[i+1:])
		}
	}
	if r.Login == "" {
		return r, ErrEmptyLogin
	}
	return r, nil
}

// trimLine drops the trailing CR/LF and surrounding blanks (a password's
// trailing blanks are lost with ':' separators too: ULP writers do not
// quote, so they cannot be told apart from padding).
func trimLine(line []byte) []byte {
	for n := len(line); n > 0 && (line[n-1] == '\n' || line[n-1] == '\r'); n = len(line) {
		line = line[:n-1]
	}
	return bytes.TrimRight(line, " \t")
}

func plausibleHost(h []byte) bool {
	if len(h) == 0 || len(h) > 253 {
		return false
	}
	dot := false
	for _, c := range h {
		switch {
		case c == '.':
			dot = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c >= 0x80:
		default:
			return false
		}
	}
	return dot || bytes.EqualFold(h, []byte("localhost"))
}

// Rejection is a line that could not be used.
type Rejection struct {
	Line   int64  `json:"line"`
	Offset int64  `json:"offset,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func (r Rejection) String() string {
	return fmt.Sprintf("line %d (offset %d): %s", r.Line, r.Offset, r.Reason)
}
