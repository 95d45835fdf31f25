package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"
)

// wrap puts the middleware around h, outermost first: request id, access
// log, panic recovery, security headers, body limit, cross-origin refusal.
func (s *Server) wrap(h http.Handler) http.Handler {
	h = s.refuseCrossOrigin(h)
	h = s.limitBody(h)
	h = s.securityHeaders(h)
	h = s.recoverPanic(h)
	h = s.accessLog(h)
	return s.requestID(h)
}

type requestIDKey struct{}

// RequestID returns the id the server gave the request ctx belongs to.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// idPrefix makes request ids unique across restarts; a counter makes them
// unique within one process without a random read per request.
var (
	idPrefix  = newIDPrefix()
	idCounter atomic.Uint64
)

func newIDPrefix() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("request id prefix: %v", err)) // crypto/rand never fails on supported systems
	}
	return hex.EncodeToString(b[:])
}

func nextRequestID() string {
	return idPrefix + "-" + strconv.FormatUint(idCounter.Add(1), 36)
}

// requestID gives every request an id, returned as X-Request-ID and put in
// the request's context. An id the client sends is not trusted: it would
// let a client forge the id that the audit trail records.
func (s *Server) requestID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := nextRequestID()
		w.Header()["X-Request-Id"] = []string{id}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// accessLog logs one line per request: method, path (never the query,
// which may carry a cursor or a secret), status, bytes, duration, request
// id and remote address. Never bodies, tokens or message text.
func (s *Server) accessLog(h http.Handler) http.Handler {
	log := s.cfg.Logger
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		if !log.Enabled(r.Context(), level) {
			return
		}
		log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", RequestID(r.Context())),
			slog.String("remote", r.RemoteAddr))
	})
}

// recoverPanic turns a panic in a handler into a 500 with the request id;
// the stack goes to the log only.
func (s *Server) recoverPanic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Logger.Error("handler panic", "request_id", RequestID(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			WriteError(w, r, http.StatusInternalServerError, "internal", "internal error")
		}()
		h.ServeHTTP(w, r)
	})
}

// Security headers, shared slices set without allocating per request
// (a slice, not a map: ranging over a map costs more per request).
var securityHeaderValues = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{"default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
}

var hsts = []string{"max-age=31536000"}

func (s *Server) securityHeaders(h http.Handler) http.Handler {
	tls := s.TLS()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		for _, h := range securityHeaderValues {
			hd[h.key] = h.value
		}
		if tls {
			hd["Strict-Transport-Security"] = hsts
		}
		h.ServeHTTP(w, r)
	})
}

// limitBody refuses a body over the limit with 413: at once when its
// declared length says so, and when reading passes the limit otherwise.
func (s *Server) limitBody(h http.Handler) http.Handler {
	max := s.cfg.MaxBodyBytes
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			WriteError(w, r, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the request body is larger than %d bytes", max))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		h.ServeHTTP(w, r)
	})
}

// refuseCrossOrigin refuses unsafe methods (POST, PUT, PATCH, DELETE) sent
// from another origin, judged by Sec-Fetch-Site or Origin against Host, when
// the request could ride on a browser's cookie: any request without an
// Authorization header. A script on another site cannot set that header
// without the token, so bearer requests need no such check.
func (s *Server) refuseCrossOrigin(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			if err := cop.Check(r); err != nil {
				WriteError(w, r, http.StatusForbidden, "cross_origin", "cross-origin request refused")
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// ErrorBody is the JSON shape of every error the hub answers.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is a public error: a stable code, a message for people, and
// the request id that finds the detail in the server's log.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// WriteError answers with status and the error shape.
func WriteError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	b, err := json.Marshal(ErrorBody{ErrorDetail{Code: code, Message: message, RequestID: RequestID(r.Context())}})
	if err != nil {
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// IsTooLarge reports whether err comes from reading past a body limit.
func IsTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
