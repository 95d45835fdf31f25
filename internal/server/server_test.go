package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/server"
)

func newServer(t *testing.T, h http.Handler, ready func() bool) (*server.Server, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	s, err := server.New(server.Config{Handler: h, Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Ready: ready, MaxBodyBytes: 1024, ShutdownTimeout: 5 * time.Second, Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	return s, &log
}

func serve(s *server.Server, req *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec.Result()
}

// TestHeadersAndRequestID: every answer carries the security headers and a
// fresh request id (never the client's); the access log has method, path,
// status and id but no query string or credentials.
func TestHeadersAndRequestID(t *testing.T) {
	s, log := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+server.RequestID(r.Context()))
	}), nil)
	req := httptest.NewRequest("GET", "/thing?cursor=secret-cursor", nil)
	req.Header.Set("X-Request-ID", "forged")
	req.Header.Set("Authorization", "Bearer secret-token")
	res := serve(s, req)
	body, _ := io.ReadAll(res.Body)
	id := res.Header.Get("X-Request-ID")
	if id == "" || id == "forged" || string(body) != "hello "+id {
		t.Errorf("request id %q, body %q", id, body)
	}
	for k, v := range map[string]string{"Content-Security-Policy": "default-src 'self'", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
		if !strings.Contains(res.Header.Get(k), v) {
			t.Errorf("%s = %q, want %q in it", k, res.Header.Get(k), v)
		}
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("CSP allows framing")
	}
	second := serve(s, httptest.NewRequest("GET", "/thing", nil)).Header.Get("X-Request-ID")
	if second == id {
		t.Error("two requests got one id")
	}
	l := log.String()
	for _, want := range []string{"method=GET", "path=/thing", "status=200", "request_id=" + id, "bytes="} {
		if !strings.Contains(l, want) {
			t.Errorf("access log lacks %q:\n%s", want, l)
		}
	}
	for _, bad := range []string{"secret-cursor", "secret-token", "hello"} {
		if strings.Contains(l, bad) {
			t.Errorf("access log holds %q:\n%s", bad, l)
		}
	}
}

// TestBodyLimit: a body over the limit is refused with 413, whether its
// length is declared or not.
func TestBodyLimit(t *testing.T) {
	s, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			if server.IsTooLarge(err) {
				server.WriteError(w, r, http.StatusRequestEntityTooLarge, "too_large", "too large")
				return
			}
			t.Errorf("read: %v", err)
		}
	}), nil)
	big := strings.Repeat("x", 2000)
	if res := serve(s, httptest.NewRequest("POST", "/", strings.NewReader(big))); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("declared oversized body: %d", res.StatusCode)
	}
	req := httptest.NewRequest("POST", "/", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	if res := serve(s, req); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("undeclared oversized body: %d", res.StatusCode)
	}
	if res := serve(s, httptest.NewRequest("POST", "/", strings.NewReader("small"))); res.StatusCode != http.StatusOK {
		t.Errorf("small body: %d", res.StatusCode)
	}
}

// TestCrossOrigin: an unsafe cross-origin request without a bearer token
// (one a browser could send with a cookie) is refused; same-origin ones,
// safe methods and bearer requests pass.
func TestCrossOrigin(t *testing.T) {
	s, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), nil)
	for _, c := range []struct {
		method, site, origin, auth string
		want                       int
	}{
		{"POST", "cross-site", "", "", http.StatusForbidden},
		{"DELETE", "", "https://evil.example.org", "", http.StatusForbidden},
		{"POST", "same-origin", "", "", http.StatusOK},
		{"GET", "cross-site", "", "", http.StatusOK},
		{"POST", "cross-site", "", "Bearer t", http.StatusOK},
		{"POST", "", "", "", http.StatusOK}, // not a browser
	} {
		req := httptest.NewRequest(c.method, "http://hub.example.org/x", nil)
		if c.site != "" {
			req.Header.Set("Sec-Fetch-Site", c.site)
		}
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		if res := serve(s, req); res.StatusCode != c.want {
			t.Errorf("%+v: %d", c, res.StatusCode)
		}
	}
}

// TestProbesAndPanic: /healthz answers at once, /readyz once ready; a
// panicking handler answers 500 in the error shape.
func TestProbesAndPanic(t *testing.T) {
	var ready atomic.Bool
	s, log := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }), ready.Load)
	if res := serve(s, httptest.NewRequest("GET", "/healthz", nil)); res.StatusCode != 200 {
		t.Errorf("healthz %d", res.StatusCode)
	}
	if res := serve(s, httptest.NewRequest("GET", "/readyz", nil)); res.StatusCode != 503 {
		t.Errorf("readyz before ready: %d", res.StatusCode)
	}
	ready.Store(true)
	if res := serve(s, httptest.NewRequest("GET", "/readyz", nil)); res.StatusCode != 200 {
		t.Errorf("readyz when ready: %d", res.StatusCode)
	}
	res := serve(s, httptest.NewRequest("GET", "/x", nil))
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 500 || !strings.Contains(string(body), `"code":"internal"`) || strings.Contains(string(body), "boom") {
		t.Errorf("panic: %d %s", res.StatusCode, body)
	}
	if !strings.Contains(log.String(), "boom") {
		t.Error("the panic is not in the log")
	}
}

// TestGracefulShutdown: cancelling Serve's context lets a request in
// flight finish, then Serve returns nil.
func TestGracefulShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	s, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "done")
	}), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.ServeListener(ctx, ln) }()
	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		got <- string(b)
	}()
	<-started
	cancel()
	time.Sleep(50 * time.Millisecond)
	close(release)
	if b := <-got; b != "done" {
		t.Errorf("request in flight: %q", b)
	}
	if err := <-errc; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
