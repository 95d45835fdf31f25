// Package webtest is a hub for tests of the browser workspace: a real
// store (SQLite or PostgreSQL) seeded with synthetic agencies, users,
// cases and files, served by vibora serve's own composition (cli.Site)
// behind the server's middleware. The UI's handler tests and the browser
// tests (web/browsertest) share it.
package webtest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/cli"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// Users of the seeded hub: agency NL-TEST owns case alpha, agency DE-TEST
// owns case beta; neither is shared.
const (
	AnalystNL = "analyst-nl" // analyst of NL-TEST
	ViewerNL  = "viewer-nl"  // viewer of NL-TEST
	AnalystDE = "analyst-de" // analyst of DE-TEST: sees none of alpha
	HubAdmin  = "hub-admin"  // hub administrator: reads no case
)

// Cases of the seeded hub.
const (
	CaseNL = "alpha" // of NL-TEST
	CaseDE = "beta"  // of DE-TEST
)

// HostileName is the name of a file of each case that carries markup.
const HostileName = `"><svg onload=alert(1)>.txt`

// Password is a seeded user's password.
func Password(user string) string { return "pw-" + user + "-long-enough" }

// Hub is a seeded store served by the whole site.
type Hub struct {
	Service *investigation.Service
	Jobs    *job.Manager
	// Handler is the site behind the server's middleware, as vibora serve
	// runs it.
	Handler http.Handler
	// Server is the configured server (ServeListener runs it on a port).
	Server *server.Server
	// Seed is a context acting as the store's owner, for seeding more.
	Seed context.Context
	// MatchedMD5 is the MD5 of a file of each case that bank "known" holds.
	MatchedMD5 string
	// FileNL and FileDE are file ids of cases alpha and beta.
	FileNL, FileDE int64
	log            *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// Log is what the hub logged so far.
func (h *Hub) Log() string {
	h.log.mu.Lock()
	defer h.log.mu.Unlock()
	return h.log.b.String()
}

// Option changes how New composes a hub.
type Option func(*options)

type options struct {
	auth  func(*investigation.Service) auth.Config
	roots []string
}

// WithEvidenceRoots gives the hub's jobs evidence roots to ingest from.
func WithEvidenceRoots(dirs ...string) Option {
	return func(o *options) { o.roots = dirs }
}

// WithAuth sets the hub's authentication (OpenID Connect providers, say);
// cfg is called once the service exists.
func WithAuth(cfg func(*investigation.Service) auth.Config) Option {
	return func(o *options) { o.auth = cfg }
}

// New seeds a hub on a store from open.
func New(t testing.TB, open storetest.Opener, opts ...Option) *Hub {
	t.Helper()
	db := open(t, -1)
	h := Compose(t, investigation.New(db, "", investigation.WithCacheDir(t.TempDir()),
		investigation.WithPasswordParams(secret.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})), opts...)
	h.seed(t)
	return h
}

// Compose serves the whole site on svc's store as it is, seeding nothing
// (a store a test built otherwise: the demo's, say).
func Compose(t testing.TB, svc *investigation.Service, opts ...Option) *Hub {
	t.Helper()
	o := options{auth: func(*investigation.Service) auth.Config { return auth.Config{} }}
	for _, opt := range opts {
		opt(&o)
	}
	h := &Hub{Service: svc, log: &syncBuffer{}, Seed: access.NewContext(context.Background(), access.LocalPrincipal("seed", "seed"))}
	logger := slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	jobs, err := job.New(context.Background(), svc, job.Config{SpoolDir: t.TempDir(), Logger: logger, EvidenceRoots: o.roots})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobs.Close() })
	h.Jobs = jobs
	site := cli.Site(svc, auth.New(svc, o.auth(svc)), logger, false, jobs)
	srv, err := server.New(server.Config{Handler: site, Logger: logger, Listen: "127.0.0.1:0", Ready: svc.MatchIndexLoaded})
	if err != nil {
		t.Fatal(err)
	}
	h.Server, h.Handler = srv, srv.Handler()
	return h
}

func (h *Hub) seed(t testing.TB) {
	ctx := h.Seed
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct{ name, country string }{{"NL-TEST", "NL"}, {"DE-TEST", "DE"}, {"HUB", "FR"}} {
		_, err := h.Service.AddAgency(ctx, a.name, a.country)
		check(err)
	}
	for _, u := range []struct{ name, agency, role string }{
		{AnalystNL, "NL-TEST", "analyst"}, {ViewerNL, "NL-TEST", "viewer"}, {AnalystDE, "DE-TEST", "analyst"}, {HubAdmin, "HUB", "hub-admin"},
	} {
		_, err := h.Service.AddUser(ctx, investigation.NewUser{Name: u.name, Agency: u.agency, Role: u.role, Password: Password(u.name)})
		check(err)
	}
	dir := t.TempDir()
	contents := []string{"synthetic evidence one\n", "synthetic evidence two\n", "synthetic evidence three\n"}
	sum := md5.Sum([]byte(contents[0]))
	h.MatchedMD5 = hex.EncodeToString(sum[:])
	bank := filepath.Join(dir, "known.txt")
	check(os.WriteFile(bank, []byte(h.MatchedMD5+"\n"+strings.Repeat("0", 31)+"1\n"), 0o600))
	_, err := h.Service.ImportBank(ctx, bank, investigation.BankImportOptions{Name: "known", Kind: "known"})
	check(err)
	for _, c := range []struct{ name, agency string }{{CaseNL, "NL-TEST"}, {CaseDE, "DE-TEST"}} {
		_, err := h.Service.CreateCase(ctx, investigation.Case{Name: c.name, Agency: c.agency})
		check(err)
		ev := filepath.Join(dir, c.name)
		check(os.Mkdir(ev, 0o700))
		for i, s := range contents {
			check(os.WriteFile(filepath.Join(ev, fmt.Sprintf("f%d.txt", i)), []byte(s), 0o600))
		}
		// A hostile file name: pages must show it inert.
		check(os.WriteFile(filepath.Join(ev, HostileName), []byte("synthetic evidence of "+c.name+"\n"), 0o600))
		_, err = h.Service.Ingest(ctx, c.name, investigation.IngestOptions{Exhibit: "phone-1", Paths: []string{ev}, CryptoOnly: true, Workers: 1})
		check(err)
		page, err := h.Service.FilePage(ctx, c.name, investigation.FileQuery{}, 0, 1)
		check(err)
		if len(page.Files) != 1 {
			t.Fatalf("seed files of %s: %+v", c.name, page)
		}
		if c.name == CaseNL {
			h.FileNL = page.Files[0].ID
		} else {
			h.FileDE = page.Files[0].ID
		}
	}
	check(h.Service.LoadMatchIndex(context.Background()))
}

// Drain reads and closes a response body.
func Drain(r io.ReadCloser) string {
	b, _ := io.ReadAll(r)
	r.Close()
	return string(b)
}
