// Package server runs Vibora's HTTP hub: the listener, optional TLS, the
// timeouts and body limits, the middleware every request passes through
// (request id, access log, security headers, cross-origin refusal, panic
// recovery), the health and readiness probes, and graceful shutdown.
//
// It knows nothing of cases or banks: the API (internal/api) and the UI
// hand it their handlers, and Serve runs them until its context ends.
package server

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Defaults of Config.
const (
	DefaultListen            = "127.0.0.1:8080"
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 5 * time.Minute // uploads of bank files
	DefaultWriteTimeout      = 5 * time.Minute // reports and exports
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultShutdownTimeout   = 30 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	// DefaultMaxBodyBytes caps any request body; handlers that decode JSON
	// apply a much smaller cap of their own.
	DefaultMaxBodyBytes = 1 << 30
)

// Config describes a server. Handler and Logger are required.
type Config struct {
	Listen  string // host:port; default DefaultListen
	TLSCert string // PEM certificate chain file; with TLSKey, serve HTTPS
	TLSKey  string
	Handler http.Handler // the application (API, UI), wrapped in the middleware
	Logger  *slog.Logger
	// Ready reports whether the application can serve (its match index is
	// loaded); /readyz answers 503 until it does. Nil means always ready.
	Ready func() bool

	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout, ShutdownTimeout time.Duration
	MaxHeaderBytes                                                             int
	MaxBodyBytes                                                               int64
}

// Server is a configured HTTP server. Build it with New; run it with Serve.
type Server struct {
	cfg     Config
	handler http.Handler
	addr    atomic.Value // string: the bound address once listening
}

// New validates cfg, fills in its defaults and returns the server.
func New(cfg Config) (*Server, error) {
	if cfg.Handler == nil || cfg.Logger == nil {
		return nil, errors.New("server: a handler and a logger are required")
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, errors.New("server: give both a TLS certificate and its key, or neither")
	}
	cfg.Listen = cmp.Or(cfg.Listen, DefaultListen)
	cfg.ReadHeaderTimeout = cmp.Or(cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	cfg.ReadTimeout = cmp.Or(cfg.ReadTimeout, DefaultReadTimeout)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, DefaultWriteTimeout)
	cfg.IdleTimeout = cmp.Or(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.ShutdownTimeout = cmp.Or(cfg.ShutdownTimeout, DefaultShutdownTimeout)
	cfg.MaxHeaderBytes = cmp.Or(cfg.MaxHeaderBytes, DefaultMaxHeaderBytes)
	cfg.MaxBodyBytes = cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	s := &Server{cfg: cfg}
	s.handler = s.wrap(s.routes(cfg.Handler))
	return s, nil
}

// Handler is the complete handler: probes and application behind the
// middleware. Tests serve it with httptest.
func (s *Server) Handler() http.Handler { return s.handler }

// TLS reports whether the server serves HTTPS.
func (s *Server) TLS() bool { return s.cfg.TLSCert != "" }

// Addr is the address the server listens on, once Serve has bound it.
func (s *Server) Addr() string {
	a, _ := s.addr.Load().(string)
	return a
}

// routes adds the probes in front of the application.
func (s *Server) routes(app http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeProbe(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Ready != nil && !s.cfg.Ready() {
			writeProbe(w, http.StatusServiceUnavailable, "not ready")
			return
		}
		writeProbe(w, http.StatusOK, "ready")
	})
	mux.Handle("/", app)
	return mux
}

func writeProbe(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, text)
}

// Serve listens and serves until ctx ends, then stops accepting, lets the
// requests in flight finish (up to the shutdown timeout) and returns nil.
// It returns an error when it cannot listen or serving fails.
func (s *Server) Serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener is Serve on a listener the caller opened; it closes ln.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if s.TLS() {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("load TLS certificate %s: %w", s.cfg.TLSCert, err)
		}
		hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
		ln = tls.NewListener(ln, hs.TLSConfig)
	}
	s.addr.Store(ln.Addr().String())
	scheme := "http"
	if s.TLS() {
		scheme = "https"
	}
	s.cfg.Logger.Info("listening", "addr", ln.Addr().String(), "scheme", scheme)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.cfg.Logger.Info("shutting down", "grace", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	<-errc // http.ErrServerClosed
	if err != nil {
		hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
