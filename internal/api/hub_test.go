package api_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/api"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// Personas of the permission matrix. Agency "nl" owns case alpha, which
// it shares with "be" as viewer; "de" owns case beta and has no share.
const (
	anonymous     = "anonymous"
	viewerNL      = "viewer-nl"
	analystNL     = "analyst-nl"
	analystBE     = "analyst-be" // another agency, with a share of alpha
	analystDE     = "analyst-de" // another agency, without a share of alpha
	agencyAdminNL = "agency-admin-nl"
	hubAdmin      = "hub-admin"
)

var personas = []string{anonymous, viewerNL, analystNL, analystBE, analystDE, agencyAdminNL, hubAdmin}

// accounts are the personas' agencies and roles.
var accounts = map[string]struct{ agency, role string }{
	viewerNL:      {"nl", "viewer"},
	analystNL:     {"nl", "analyst"},
	analystBE:     {"be", "analyst"},
	analystDE:     {"de", "analyst"},
	agencyAdminNL: {"nl", "agency-admin"},
	hubAdmin:      {"hub", "hub-admin"},
}

func password(persona string) string { return "pw-" + persona + "-long-enough" }

// hub is a server over a real store with seeded data.
type hub struct {
	t       testing.TB
	h       http.Handler
	svc     *investigation.Service
	db      *store.DB
	tokens  map[string]string // persona -> API token
	log     *bytes.Buffer
	logMu   *sync.Mutex
	seedCtx context.Context
	// seeded facts
	matchedMD5 string // an MD5 in bank "known" and of a file of alpha
	fileAlpha  int64  // a file id of case alpha
	fileBeta   int64  // a file id of case beta
	// personAlpha is the id of a person of case alpha.
	personAlpha string
	tokenIDs    map[string]int64
	// jobs runs no job (it does not serve): submitted jobs stay queued.
	// jobAlpha and jobBeta are queued jobs of cases alpha and beta;
	// evidence is its evidence root, with a folder "phone".
	jobs              *job.Manager
	jobAlpha, jobBeta int64
	evidence          string
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func newHub(t testing.TB, open storetest.Opener) *hub {
	t.Helper()
	return newHubAuth(t, open, auth.Config{})
}

// newHubAuth is newHub with an authenticator configured by cfg.
func newHubAuth(t testing.TB, open storetest.Opener, cfg auth.Config) *hub {
	t.Helper()
	db := open(t, -1)
	svc := investigation.New(db, "", investigation.WithCacheDir(t.TempDir()),
		investigation.WithPasswordParams(secret.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}))
	h := &hub{t: t, svc: svc, db: db, tokens: map[string]string{}, tokenIDs: map[string]int64{}, log: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	logger := slog.New(slog.NewTextHandler(lockedWriter{h.logMu, h.log}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.evidence = filepath.Join(t.TempDir(), "evidence")
	must(t, os.MkdirAll(filepath.Join(h.evidence, "phone"), 0o700))
	must(t, os.WriteFile(filepath.Join(h.evidence, "phone", "note.txt"), []byte("synthetic evidence of a job\n"), 0o600))
	jobs, err := job.New(context.Background(), svc, job.Config{EvidenceRoots: []string{h.evidence}, SpoolDir: t.TempDir(), Logger: logger,
		Ingest: func(o *investigation.IngestOptions) { o.CryptoOnly, o.Workers = true, 1 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobs.Close() })
	h.jobs = jobs
	a := api.New(api.Config{Service: svc, Auth: auth.New(svc, cfg), Logger: logger, Jobs: jobs})
	srv, err := server.New(server.Config{Handler: a, Logger: logger, MaxBodyBytes: 4 << 20, Ready: svc.MatchIndexLoaded})
	if err != nil {
		t.Fatal(err)
	}
	h.h = srv.Handler()
	h.seed()
	return h
}

// seed creates cases alpha (nl) and beta (be), each with an exhibit of
// three synthetic files, and a bank "known" holding one file's MD5.
func (h *hub) seed() {
	t := h.t
	t.Helper()
	ctx := access.NewContext(context.Background(), access.LocalPrincipal("seed", "seed"))
	h.seedCtx = ctx
	for _, a := range []struct{ name, country string }{{"nl", "NL"}, {"be", "BE"}, {"de", "DE"}, {"hub", "FR"}, {"fr", "FR"}} {
		if _, err := h.svc.AddAgency(ctx, a.name, a.country); err != nil {
			t.Fatal(err)
		}
	}
	for persona, a := range accounts {
		if _, err := h.svc.AddUser(ctx, investigation.NewUser{Name: persona, Agency: a.agency, Role: a.role, Password: password(persona)}); err != nil {
			t.Fatal(err)
		}
		tok, err := h.svc.CreateToken(ctx, persona, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		h.tokens[persona], h.tokenIDs[persona] = tok.Secret, tok.ID
	}
	// A spare account of nl, for rows that change an account.
	if _, err := h.svc.AddUser(ctx, investigation.NewUser{Name: "spare-nl", Agency: "nl", Role: "viewer", Password: password("spare-nl")}); err != nil {
		t.Fatal(err)
	}
	spare, err := h.svc.CreateToken(ctx, "spare-nl", "spare", 0)
	if err != nil {
		t.Fatal(err)
	}
	h.tokenIDs["spare-nl"] = spare.ID
	dir := t.TempDir()
	contents := []string{"synthetic evidence one\n", "synthetic evidence two\n", "synthetic evidence three\n"}
	sum := md5.Sum([]byte(contents[0]))
	h.matchedMD5 = hex.EncodeToString(sum[:])
	bank := filepath.Join(dir, "known.txt")
	must(t, os.WriteFile(bank, []byte(h.matchedMD5+"\n"+strings.Repeat("0", 31)+"1\n"), 0o600))
	if _, err := h.svc.ImportBank(ctx, bank, investigation.BankImportOptions{Name: "known", Kind: "known"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, agency string }{{"alpha", "nl"}, {"beta", "de"}} {
		if _, err := h.svc.CreateCase(ctx, investigation.Case{Name: c.name, Agency: c.agency}); err != nil {
			t.Fatal(err)
		}
		ev := filepath.Join(dir, c.name)
		must(t, os.Mkdir(ev, 0o700))
		for i, s := range contents {
			must(t, os.WriteFile(filepath.Join(ev, fmt.Sprintf("f%d.txt", i)), []byte(s), 0o600))
		}
		if _, err := h.svc.Ingest(ctx, c.name, investigation.IngestOptions{Exhibit: "phone-1", Paths: []string{ev}, CryptoOnly: true, Workers: 1}); err != nil {
			t.Fatal(err)
		}
		page, err := h.svc.FilePage(ctx, c.name, investigation.FileQuery{}, 0, 1)
		if err != nil || len(page.Files) != 1 {
			t.Fatalf("seed files of %s: %v %v", c.name, page, err)
		}
		if c.name == "alpha" {
			h.fileAlpha = page.Files[0].ID
		} else {
			h.fileBeta = page.Files[0].ID
		}
	}
	if _, err := h.svc.ShareCase(ctx, "alpha", "be", "viewer"); err != nil {
		t.Fatal(err)
	}
	h.seedChats(ctx) // views_test.go
	people, err := h.svc.People(ctx, "alpha")
	if err != nil || len(people) == 0 {
		t.Fatalf("seed: people of alpha: %v %v", people, err)
	}
	h.personAlpha = people[0].ID
	for c, id := range map[string]*int64{"alpha": &h.jobAlpha, "beta": &h.jobBeta} {
		j, err := h.jobs.SubmitVerify(ctx, c, "phone-1")
		if err != nil {
			t.Fatal(err)
		}
		*id = j.ID
	}
	must(t, h.svc.LoadMatchIndex(context.Background()))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// do sends a request as persona (anonymous: no credentials) and returns
// the response with its body read.
func (h *hub) do(persona, method, path string, body any) (*http.Response, []byte) {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = "192.0.2.10:40000"
	if persona != anonymous {
		req.Header.Set("Authorization", "Bearer "+h.tokens[persona])
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// decode unmarshals b into v, failing the test on error.
func decode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// chainIntact verifies the audit chain through the service.
func (h *hub) chainIntact() {
	h.t.Helper()
	rep, err := h.svc.VerifyAudit(h.seedCtx)
	if err != nil || !rep.OK() {
		h.t.Fatalf("audit chain: %+v %v", rep, err)
	}
}

// auditCount is the number of audit records of changes: records of
// logins (auth.*), which failed logins write too, are not counted.
func (h *hub) auditCount() int64 {
	h.t.Helper()
	var n int64
	err := h.svc.AuditLog(h.seedCtx, "", func(r audit.Record) error {
		if !strings.HasPrefix(r.Action, "auth.") {
			n++
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func fmtInt(n int64) string { return fmt.Sprint(n) }
