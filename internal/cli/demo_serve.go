package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"

	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
)

// demoServeUser is the analyst of the demo case's agency whose login
// demo --serve prints.
const demoServeUser = "ana"

// checkDemoListen refuses an address that is not on loopback: the demo
// prints a working password.
func checkDemoListen(listen string) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return usagef("--listen %q: want host:port on loopback, such as 127.0.0.1:8080", listen)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("--listen %q: demo --serve listens on loopback only (127.0.0.1, ::1 or localhost)", listen)
	}
	return nil
}

// demoServe serves the browser workspace (and the API) on the demo's
// store until ctx ends: it gives the demo analyst a new random password,
// prints the URL and the login, and serves on loopback.
func demoServe(ctx context.Context, w, logw io.Writer, s *investigation.Service, dir, listen string) error {
	password := secret.GeneratePassword()
	if _, err := s.SetPassword(ctx, demoServeUser, password); err != nil {
		return fmt.Errorf("demo login: %w", err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return withHint(fmt.Errorf("listen on %s: %w", listen, err), "--listen must be a free loopback host:port")
	}
	// Requests start from a context without the command's local
	// principal: each carries the one it authenticates, or none.
	parent := ctx
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-parent.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelWarn}))
	jobs, err := job.New(ctx, s, job.Config{SpoolDir: filepath.Join(dir, "spool"), Logger: log})
	if err != nil {
		ln.Close()
		return err
	}
	defer jobs.Close()
	srv, err := server.New(server.Config{Listen: listen, Handler: Site(s, auth.New(s, auth.Config{}), log, false, jobs), Logger: log, Ready: s.MatchIndexLoaded})
	if err != nil {
		ln.Close()
		return err
	}
	if err := s.LoadMatchIndex(parent); err != nil {
		ln.Close()
		return err
	}
	url := "http://" + ln.Addr().String() + "/"
	newLines(w).Printf("The browser workspace serves the demo store at %s\n", url)
	newLines(w).Printf("Log in as %s (an analyst of %s) with the password %s\n", demoServeUser, demoAgency, password)
	newLines(w).Printf("(a new random password each run). Press Ctrl-C to stop.\n")
	errc := make(chan error, 2)
	go func() { errc <- srv.ServeListener(ctx, ln) }()
	go func() { errc <- jobs.Serve(ctx) }()
	return waitBoth(errc, cancel)
}

// waitBoth waits for the server and the jobs to end (the first to end
// ends the other); ending because the context did is no failure.
func waitBoth(errc chan error, cancel context.CancelFunc) error {
	first := <-errc
	cancel()
	second := <-errc
	var errs []error
	for _, e := range []error{first, second} {
		if e != nil && !errors.Is(e, context.Canceled) {
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}
