package cli

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/api"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
	"github.com/vibora-project/vibora/internal/web"
)

func newServeCmd(g *globals) *cobra.Command {
	var listen, tlsCert, tlsKey, oidcConfig, receivedDir string
	var roots []string
	jobWorkers := 2
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--evidence-root DIR]... [--tls-cert F --tls-key F] [--oidc-config F]",
		Short: "Run the hub: the browser workspace and the REST API (and its background jobs) on this store",
		Long: `Serve the browser workspace (docs/ui.md) at / and the REST API under /api/v1
(docs/api.md) on the store named by --db,
with background jobs (ingest of paths under the evidence roots, imports of
uploads). Requests authenticate with an API token (vibora token create) or
a session from POST /api/v1/session, or from a login through an agency's
OpenID Connect provider (--oidc-config; docs/api.md). /healthz answers once the process runs,
/readyz once the match index is loaded. SIGINT or SIGTERM stops accepting
requests, lets those in flight finish and puts running jobs back in the
queue.

--oidc-config names a JSON file of each agency's provider, by agency:
{"NL-POL": {"issuer": URL, "client_id": ID, "client_secret_file": F (or
"client_secret_env": VAR; neither for a public client), "redirect_url":
"https://HUB/api/v1/session/oidc/NL-POL/callback"}}. Link users to their
identity there with vibora user link.

Environment: VIBORA_LISTEN, VIBORA_EVIDENCE_ROOTS (a list separated like
PATH), VIBORA_TLS_CERT, VIBORA_TLS_KEY, VIBORA_OIDC_CONFIG,
VIBORA_RECEIVED_DIR.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			listen = cmp.Or(listen, os.Getenv("VIBORA_LISTEN"), server.DefaultListen)
			tlsCert, tlsKey = cmp.Or(tlsCert, os.Getenv("VIBORA_TLS_CERT")), cmp.Or(tlsKey, os.Getenv("VIBORA_TLS_KEY"))
			if len(roots) == 0 && os.Getenv("VIBORA_EVIDENCE_ROOTS") != "" {
				roots = filepath.SplitList(os.Getenv("VIBORA_EVIDENCE_ROOTS"))
			}
			if (tlsCert == "") != (tlsKey == "") {
				return usagef("give both --tls-cert and --tls-key, or neither")
			}
			var providers map[string]auth.OIDCClient
			if oidcConfig = cmp.Or(oidcConfig, os.Getenv("VIBORA_OIDC_CONFIG")); oidcConfig != "" {
				var err error
				if providers, err = auth.LoadOIDCConfig(oidcConfig); err != nil {
					return usageError{err}
				}
			}
			// The command's context carries the local principal; requests
			// carry their own, and the server acts for no one.
			ctx := context.WithoutCancel(cmd.Context())
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go func() { <-cmd.Context().Done(); cancel() }()
			logOut := newLogBuffer(g.streams.Err)
			defer logOut.Close()
			log := g.serveLoggerTo(logOut)
			s, done, err := g.openService(ctx, investigation.WithResidentIndex())
			if err != nil {
				return err
			}
			defer done()
			receivedDir = cmp.Or(receivedDir, os.Getenv("VIBORA_RECEIVED_DIR"))
			if jobWorkers < 0 {
				return usagef("--job-workers must be 0 or more")
			}
			if jobWorkers == 0 {
				jobWorkers = -1 // none: vibora worker processes run the jobs
			}
			jobs, err := job.New(ctx, s, job.Config{EvidenceRoots: roots, SpoolDir: filepath.Join(cacheDir(g.db), "spool"), ReceivedDir: receivedDir, Workers: jobWorkers, Logger: log})
			if err != nil {
				return withHint(err, "--evidence-root must name existing directories")
			}
			defer jobs.Close()
			site := Site(s, auth.New(s, auth.Config{OIDC: providers}), log, tlsCert != "", jobs)
			srv, err := server.New(server.Config{Listen: listen, TLSCert: tlsCert, TLSKey: tlsKey, Handler: site, Logger: log, Ready: s.MatchIndexLoaded})
			if err != nil {
				return usageError{err}
			}
			go func() {
				if err := s.LoadMatchIndex(ctx); err != nil && ctx.Err() == nil {
					log.Error("match index not loaded: /readyz stays unready", "err", err)
					return
				}
				log.Info("match index loaded")
			}()
			errc := make(chan error, 2)
			// Requests start from a context without the command's local
			// principal: each carries the one it authenticates, or none.
			reqCtx, reqCancel := context.WithCancel(context.Background())
			defer reqCancel()
			go func() { <-ctx.Done(); reqCancel() }()
			go func() { errc <- srv.Serve(reqCtx) }()
			go func() { errc <- jobs.Serve(ctx) }()
			first := <-errc
			cancel()
			second := <-errc
			// Work cut short by the shutdown itself is no failure.
			for _, e := range []*error{&first, &second} {
				if errors.Is(*e, context.Canceled) {
					*e = nil
				}
			}
			if err := errors.Join(first, second); err != nil {
				if strings.Contains(err.Error(), "listen on") {
					return withHint(err, "--listen (or VIBORA_LISTEN) must be a free host:port")
				}
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "", "address to listen on (env VIBORA_LISTEN, default "+server.DefaultListen+")")
	f.StringArrayVar(&roots, "evidence-root", nil, "directory ingest jobs may read; repeat for several (env VIBORA_EVIDENCE_ROOTS)")
	f.StringVar(&tlsCert, "tls-cert", "", "PEM certificate chain: serve HTTPS (env VIBORA_TLS_CERT)")
	f.StringVar(&tlsKey, "tls-key", "", "PEM private key of --tls-cert (env VIBORA_TLS_KEY)")
	f.StringVar(&oidcConfig, "oidc-config", "", "JSON file of the agencies' OpenID Connect providers (env VIBORA_OIDC_CONFIG)")
	f.IntVar(&jobWorkers, "job-workers", jobWorkers, "jobs of each queue this process runs at once; 0: none, vibora worker processes run them")
	f.StringVar(&receivedDir, "received-dir", "", "where uploaded chat exports are kept as evidence, read-only (env VIBORA_RECEIVED_DIR; default: received/ in the store's cache directory)")
	return cmd
}

// Site is the hub's whole application, as vibora serve composes it: the
// REST API under /api/ and the browser workspace at every other path,
// sharing the authenticator and its session cookie. Tests (the browser
// tests) serve the same composition.
func Site(s *investigation.Service, a *auth.Authenticator, log *slog.Logger, secure bool, jobs *job.Manager) http.Handler {
	return web.New(web.Config{Service: s, Auth: a, Logger: log, SecureCookies: secure, Jobs: jobs,
		OIDCAgencies: slices.Collect(maps.Keys(a.Config().OIDC)),
		API:          api.New(api.Config{Service: s, Auth: a, Logger: log, SecureCookies: secure, Jobs: jobs, Version: Version})})
}

// serveLogger is the server's operational log: info by default, so that
// the access log shows (VIBORA_LOG changes the level).
func (g *globals) serveLogger() *slog.Logger { return g.serveLoggerTo(g.streams.Err) }

// serveLoggerTo is serveLogger writing to w (vibora serve: a logBuffer).
func (g *globals) serveLoggerTo(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("VIBORA_LOG") != "" {
		level = logLevel()
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
