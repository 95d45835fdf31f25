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
//     ':' '/' '?' '#' '|' ';' SPACE TAB; "user@" (without ":") before the host is
//     skipped; for android://<base64>@<package>/ the host is the package
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
// only the host of each line and looks it up in the watchlist (a hash set
// walked up the parent domains); only lines whose host is watched are
// parsed fully and turned into strings. Non-matching lines allocate
// nothing.
package ulp

import (
	"bytes"
	"errors"
	"fmt"
)

// Record is one parsed ULP line.
type Record struct {
	URL      string // as written, scheme included when present
	Host     string // lowercase host; for android:// the package name
	Path     string
	Login    string
	Password string
	Android  bool
	Sep      byte
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

func isURLStop(c byte) bool {
	return c == ':' || c == '|' || c == ';' || c == ' ' || c == '\t'
}

// locate finds the URL, host and path spans. It is the fast path: no
// allocation, a single forward scan over the start of the line.
func locate(line []byte) (hostSpan, bool) {
	var s hostSpan
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	s.urlStart = i
	// Scheme: letters, digits, '+', '-', '.' then "://".
	j := i
	for j < len(line) && j-i < 24 {
		c := line[j]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (j > i && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			j++
			continue
		}
		break
	}
	scheme := false
	if j > i && j+2 < len(line) && line[j] == ':' && line[j+1] == '/' && line[j+2] == '/' {
		scheme = true
		if j-i == 7 && bytes.EqualFold(line[i:j], []byte("android")) {
			s.android = true
		}
		i = j + 3
	}
	a := i
	if s.android {
		// The certificate hash is base64 and may hold '/', '+' and '='.
		k := a
		for k < len(line) && !isURLStop(line[k]) && line[k] != '@' {
			k++
		}
		if k < len(line) && line[k] == '@' {
			a = k + 1
		}
	}
	k := a
	for k < len(line) {
		c := line[k]
		if c == '/' || c == '?' || c == '#' || isURLStop(c) {
			break
		}
		if c == '@' {
			if !scheme {
				return s, false // "user@example.org:pass": no URL
			}
			a = k + 1
		}
		k++
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
	if k < len(line) && (line[k] == '/' || line[k] == '?' || line[k] == '#') {
		for k < len(line) && !isURLStop(line[k]) {
			k++
		}
	}
	s.urlEnd = k
	return s, true
}

// Parse parses one line (without its newline) fully.
func Parse(line []byte) (Record, error) {
	line = trimLine(line)
	s, ok := locate(line)
	if !ok || !plausibleHost(line[s.hostStart:s.hostEnd]) {
		return Record{}, ErrNoHost
	}
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
	Line   int64
	Offset int64
	Reason string
}

func (r Rejection) String() string {
	return fmt.Sprintf("line %d (offset %d): %s", r.Line, r.Offset, r.Reason)
}
