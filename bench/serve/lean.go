package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// leanSenders keep one HTTP/1.1 keep-alive connection per client over a
// raw net.Conn. Each request is written in one call from bytes encoded
// before the clock starts; of the answer, the status line and the headers
// that frame it (Content-Length, Transfer-Encoding, Connection) are read,
// and the body is skipped after a check of its first bytes, unless the
// request is the checked hit or the status is not 200.
func leanSenders(cfg loadConfig, reqs []request, check *request) (func() sender, error) {
	u, err := url.Parse(cfg.url)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("client lean: %s: only http:// (use -client nethttp for https)", cfg.url)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	head := "POST " + u.Path + "/api/v1/match HTTP/1.1\r\nHost: " + u.Host +
		"\r\nAuthorization: Bearer " + cfg.token + "\r\nContent-Type: application/json\r\nContent-Length: "
	wire := func(r *request) {
		r.wire = append([]byte(head+strconv.Itoa(len(r.body))+"\r\n\r\n"), r.body...)
	}
	for i := range reqs {
		wire(&reqs[i])
	}
	if check != nil {
		wire(check)
	}
	// Every read and write must end by then: a hung server fails the run
	// rather than stalling it.
	until := time.Now().Add(cfg.dur + time.Minute)
	return func() sender { return &leanSender{addr: addr, until: until} }, nil
}

type leanSender struct {
	addr  string
	until time.Time
	c     net.Conn
	rd    *bufio.Reader
	body  []byte
}

var errMalformed = errors.New("malformed answer")

// maxBody bounds an answer's body (10,000 hashes a request, each a few
// hundred bytes of answer, is far below).
const maxBody = 256 << 20

func (s *leanSender) do(r *request) error {
	if s.c == nil {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			return err
		}
		c.SetDeadline(s.until)
		s.c = c
		if s.rd == nil {
			s.rd = bufio.NewReaderSize(c, 64<<10)
		} else {
			s.rd.Reset(c)
		}
	}
	if _, err := s.c.Write(r.wire); err != nil {
		s.close()
		return err
	}
	// An answer that was read whole, even a refusal, leaves the
	// connection usable.
	keep, err := s.read(r)
	if !keep {
		s.close()
	}
	return err
}

// read reads one answer; keep is false when the server closes the
// connection after it or the answer could not be read whole.
func (s *leanSender) read(r *request) (keep bool, err error) {
	line, err := s.rd.ReadSlice('\n')
	if err != nil {
		return false, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 14 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	code := 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return false, fmt.Errorf("%w: status line %q", errMalformed, line)
		}
		code = code*10 + int(c-'0')
	}
	length, chunked, keep := -1, false, true
	for {
		line, err := s.rd.ReadSlice('\n')
		if err != nil {
			return false, fmt.Errorf("%w: headers: %v", errMalformed, err)
		}
		if len(line) <= 2 {
			break // the blank line
		}
		name, value, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			return false, fmt.Errorf("%w: header %q", errMalformed, line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 || n > maxBody || length >= 0 {
				return false, fmt.Errorf("%w: Content-Length %q", errMalformed, value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
			if !chunked {
				return false, fmt.Errorf("%w: Transfer-Encoding %q", errMalformed, value)
			}
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	whole := code != 200 || r.hit != ""
	switch {
	case chunked:
		if err := s.readChunked(); err != nil {
			return false, err
		}
		whole = true
	case length < 0:
		return false, fmt.Errorf("%w: no Content-Length", errMalformed)
	case whole:
		s.body = append(s.body[:0], make([]byte, length)...)
		if _, err := io.ReadFull(s.rd, s.body); err != nil {
			return false, err
		}
	default:
		if length < len(matchPrefix) {
			return false, errNotMatchAnswer
		}
		start, err := s.rd.Peek(len(matchPrefix))
		if err != nil {
			return false, err
		}
		ok := bytes.Equal(start, matchPrefix)
		if _, err := s.rd.Discard(length); err != nil {
			return false, err
		}
		if !ok {
			return keep, errNotMatchAnswer
		}
		return keep, nil
	}
	if code != 200 {
		return keep, statusError(code, s.body)
	}
	if !bytes.HasPrefix(s.body, matchPrefix) {
		return keep, errNotMatchAnswer
	}
	if r.hit != "" {
		return keep, checkAnswer(s.body, r.hit)
	}
	return keep, nil
}

// readChunked reads a chunked body into s.body.
func (s *leanSender) readChunked() error {
	s.body = s.body[:0]
	for {
		line, err := s.rd.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("%w: chunk size: %v", errMalformed, err)
		}
		size, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte{';'})
		n, err := strconv.ParseUint(string(size), 16, 31)
		if err != nil {
			return fmt.Errorf("%w: chunk size %q", errMalformed, line)
		}
		if n == 0 {
			break
		}
		if uint64(len(s.body))+n > maxBody {
			return fmt.Errorf("%w: chunked body over %d bytes", errMalformed, maxBody)
		}
		at := len(s.body)
		s.body = append(s.body, make([]byte, n)...)
		if _, err := io.ReadFull(s.rd, s.body[at:]); err != nil {
			return err
		}
		if crlf, err := s.rd.ReadSlice('\n'); err != nil || len(bytes.TrimSpace(crlf)) != 0 {
			return fmt.Errorf("%w: chunk end", errMalformed)
		}
	}
	for { // trailers, up to the blank line
		line, err := s.rd.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("%w: trailer: %v", errMalformed, err)
		}
		if len(line) <= 2 {
			return nil
		}
	}
}

func (s *leanSender) close() {
	if s.c != nil {
		s.c.Close()
		s.c = nil
	}
}
