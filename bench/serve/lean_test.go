package main

import (
	"bufio"
	"bytes"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A stand-in for the match endpoint: the body's word picks the answer.
func testServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/match" || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		body := string(b)
		switch {
		case strings.Contains(body, "HIT"):
			io.WriteString(w, `{"results":[{"query":"md5:HIT","kind":"md5","matches":[{"hash":"hit","distance":0}]}]}`+"\n")
		case strings.Contains(body, "NEAR"):
			io.WriteString(w, `{"results":[{"query":"md5:NEAR","kind":"md5","matches":[{"hash":"near","distance":3}]}]}`+"\n")
		case strings.Contains(body, "FAIL"):
			http.Error(w, `{"error":{"code":"internal"}}`, http.StatusInternalServerError)
		case strings.Contains(body, "WRONG"):
			io.WriteString(w, `{"error":{"code":"odd"}}`+"\n")
		case strings.Contains(body, "CHUNK"):
			io.WriteString(w, `{"results":[`)
			w.(http.Flusher).Flush()
			io.WriteString(w, `{"query":"x","kind":"md5","matches":[{"hash":"chunk","distance":0}]}]}`)
		case strings.Contains(body, "CLOSE"):
			w.Header().Set("Connection", "close")
			io.WriteString(w, `{"results":[]}`)
		default:
			io.WriteString(w, `{"results":[{"query":"x","kind":"md5","matches":[]}]}`+"\n")
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func TestLeanSender(t *testing.T) {
	srv, conns := testServer(t)
	for _, client := range []string{"lean", "nethttp"} {
		t.Run(client, func(t *testing.T) {
			conns.Store(0)
			cfg := loadConfig{url: srv.URL, token: "tok", client: client, dur: time.Minute, clients: 1}
			req := func(word, hit string) *request {
				return &request{body: matchBody([]string{word}), hashes: 1, hit: hit}
			}
			reqs := []request{*req("MISS", ""), *req("HIT", "hit"), *req("HIT", "other"), *req("NEAR", "near"),
				*req("FAIL", ""), *req("WRONG", ""), *req("CHUNK", ""), *req("CHUNK", "chunk"), *req("CLOSE", ""), *req("MISS", "")}
			newSender, err := senderFor(cfg, reqs, nil)
			if err != nil {
				t.Fatal(err)
			}
			s := newSender()
			defer s.close()
			want := []string{"", "", "not matched", "not matched", "status 500", "does not start like", "", "", "", ""}
			for i := range reqs {
				err := s.do(&reqs[i])
				switch {
				case want[i] == "" && err != nil:
					t.Errorf("request %d: %v", i, err)
				case want[i] != "" && (err == nil || !strings.Contains(err.Error(), want[i])):
					t.Errorf("request %d: error %v, want one saying %q", i, err, want[i])
				}
			}
			// The lean client keeps its connection through answers it
			// read whole, refusals too, and dials again after
			// Connection: close.
			if client == "lean" {
				if n := conns.Load(); n != 2 {
					t.Errorf("%d connections, want 2", n)
				}
			}
		})
	}
}

func TestLeanSenderBadToken(t *testing.T) {
	srv, _ := testServer(t)
	newSender, err := senderFor(loadConfig{url: srv.URL, token: "wrong", client: "lean", dur: time.Minute}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &request{body: matchBody([]string{"MISS"})}
	leanWire(t, srv.URL, "wrong", r)
	s := newSender()
	defer s.close()
	if err := s.do(r); err == nil || !strings.Contains(err.Error(), "status 401") {
		t.Errorf("error %v, want status 401", err)
	}
}

// leanWire encodes r the way leanSenders does.
func leanWire(t *testing.T, url, token string, r *request) {
	t.Helper()
	reqs := []request{*r}
	if _, err := leanSenders(loadConfig{url: url, token: token}, reqs, nil); err != nil {
		t.Fatal(err)
	}
	r.wire = reqs[0].wire
}

func TestLeanRead(t *testing.T) {
	for _, tc := range []struct {
		answer string
		keep   bool
		err    string
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"results\":[]}\n", true, ""},
		{"HTTP/1.1 200 OK\r\ncontent-length: 15\r\nConnection: close\r\n\r\n{\"results\":[]}\n", false, ""},
		{"HTTP/1.1 200 OK\r\n\r\n{\"results\":[]}\n", false, "no Content-Length"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 15\r\nContent-Length: 15\r\n\r\n{\"results\":[]}\n", false, "Content-Length"},
		{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, "Content-Length"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n", false, "Content-Length"},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, "Transfer-Encoding"},
		{"HTTP/1.1 2x0 OK\r\n\r\n", false, "status line"},
		{"SSH-2.0-OpenSSH\r\n", false, "status line"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"results\":", false, "EOF"},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nc\r\n{\"results\":[\r\n2\r\n]}\r\n0\r\n\r\n", true, ""},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, "chunk size"},
		{"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", true, "status 404: no"},
	} {
		s := &leanSender{rd: bufio.NewReader(strings.NewReader(tc.answer))}
		keep, err := s.read(&request{})
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q: error %v, want %q", tc.answer, err, tc.err)
		}
		if err == nil && keep != tc.keep {
			t.Errorf("%q: keep %v, want %v", tc.answer, keep, tc.keep)
		}
	}
}

// FuzzLeanRead: any answer is read or refused, never a panic, and only a
// match answer is taken as one.
func FuzzLeanRead(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"results\":[]}\n"), false)
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nc\r\n{\"results\":[\r\n2\r\n]}\r\n0\r\n\r\n"), true)
	f.Add([]byte("HTTP/1.1 500 x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"), false)
	f.Fuzz(func(t *testing.T, answer []byte, check bool) {
		r := &request{}
		if check {
			r.hit = "hit"
		}
		s := &leanSender{rd: bufio.NewReaderSize(bytes.NewReader(answer), 16)}
		if _, err := s.read(r); err == nil && !bytes.Contains(answer, matchPrefix) {
			t.Fatalf("%q: read without error, but it holds no match answer", answer)
		}
	})
}

func TestHistogram(t *testing.T) {
	prev := -1
	for us := uint64(0); us < 1<<22; us += 1 + us/97 {
		i := histBucket(us)
		low, w := histRange(i)
		if us < low || us >= low+w {
			t.Fatalf("%d us in bucket %d [%d, %d)", us, i, low, low+w)
		}
		if i < prev {
			t.Fatalf("%d us: bucket %d after %d", us, i, prev)
		}
		if float64(w) > math.Max(1, float64(low)/histSub) {
			t.Fatalf("bucket %d: width %d at %d, coarser than 1/%d", i, w, low, histSub)
		}
		prev = i
	}
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i)*time.Millisecond, 2)
	}
	for _, c := range []struct{ q, want float64 }{{0.5, 501}, {0.99, 991}, {0.999, 1000}} {
		if got := h.quantile(c.q); math.Abs(got-c.want) > c.want/histSub {
			t.Errorf("quantile %v: %v ms, want %v", c.q, got, c.want)
		}
	}
	if h.count != 1000 || h.hashes != 2000 || h.max != time.Second {
		t.Errorf("count %d hashes %d max %v", h.count, h.hashes, h.max)
	}
}
