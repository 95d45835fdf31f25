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
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/server"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// fakeAuth is a hand-written authenticator: fixed tokens and accounts,
// sessions in memory, lockout after maxFailures failed logins.
type fakeAuth struct {
	mu       sync.Mutex
	tokens   map[string]access.Principal
	accounts map[string]fakeAccount
	sessions map[string]access.Principal
	failures map[string]int
	next     int
}

type fakeAccount struct {
	password string
	p        access.Principal
}

const maxFailures = 5

func newFakeAuth() *fakeAuth {
	return &fakeAuth{tokens: map[string]access.Principal{}, accounts: map[string]fakeAccount{}, sessions: map[string]access.Principal{}, failures: map[string]int{}}
}

func (f *fakeAuth) Login(ctx context.Context, username, password, remoteAddr string) (string, access.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failures[username] >= maxFailures {
		return "", access.Principal{}, api.ErrLockedOut
	}
	a, ok := f.accounts[username]
	if !ok || a.password != password {
		f.failures[username]++
		return "", access.Principal{}, api.ErrUnauthenticated
	}
	f.failures[username] = 0
	f.next++
	id := fmt.Sprintf("session-%d", f.next)
	p := a.p
	p.Method = access.Password
	f.sessions[id] = p
	return id, p, nil
}

func (f *fakeAuth) Session(ctx context.Context, id string) (access.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.sessions[id]
	if !ok {
		return p, api.ErrUnauthenticated
	}
	return p, nil
}

func (f *fakeAuth) Logout(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, id)
	return nil
}

func (f *fakeAuth) Token(ctx context.Context, bearer string) (access.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.tokens[bearer]
	if !ok {
		return p, api.ErrUnauthenticated
	}
	return p, nil
}

func (f *fakeAuth) revoke(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.tokens, token)
}

// Personas of the permission matrix. Agency "nl" owns case alpha; "be"
// owns case beta.
const (
	anonymous     = "anonymous"
	viewerNL      = "viewer-nl"
	analystNL     = "analyst-nl"
	analystBE     = "analyst-be"
	agencyAdminNL = "agency-admin-nl"
	hubAdmin      = "hub-admin"
)

var personas = []string{anonymous, viewerNL, analystNL, analystBE, agencyAdminNL, hubAdmin}

func principals() map[string]access.Principal {
	return map[string]access.Principal{
		viewerNL:      {ID: "user:1", Name: "vera", Agency: "nl", Roles: []access.Role{access.Viewer}, Method: access.Token},
		analystNL:     {ID: "user:2", Name: "anna", Agency: "nl", Roles: []access.Role{roleAnalyst}, Method: access.Token},
		analystBE:     {ID: "user:3", Name: "bram", Agency: "be", Roles: []access.Role{roleAnalyst}, Method: access.Token},
		agencyAdminNL: {ID: "user:4", Name: "ada", Agency: "nl", Roles: []access.Role{access.AgencyAdmin}, Method: access.Token},
		hubAdmin:      {ID: "user:5", Name: "hub", Agency: "hub", Roles: []access.Role{roleHubAdmin}, Method: access.Token},
	}
}

// hub is a server over a real store with seeded data.
type hub struct {
	t       testing.TB
	h       http.Handler
	svc     *investigation.Service
	auth    *fakeAuth
	log     *bytes.Buffer
	logMu   *sync.Mutex
	seedCtx context.Context
	// seeded facts
	matchedMD5 string // an MD5 in bank "known" and of a file of alpha
	fileAlpha  int64  // a file id of case alpha
	fileBeta   int64  // a file id of case beta
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
	db := open(t, -1)
	svc := investigation.New(db, "", investigation.WithCacheDir(t.TempDir()))
	h := &hub{t: t, svc: svc, auth: newFakeAuth(), log: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	logger := slog.New(slog.NewTextHandler(lockedWriter{h.logMu, h.log}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := api.New(api.Config{Service: svc, Auth: h.auth, Logger: logger})
	srv, err := server.New(server.Config{Handler: a, Logger: logger, MaxBodyBytes: 4 << 20, Ready: svc.MatchIndexLoaded})
	if err != nil {
		t.Fatal(err)
	}
	h.h = srv.Handler()
	for name, p := range principals() {
		h.auth.tokens["token-"+name] = p
		h.auth.accounts[name] = fakeAccount{password: "pw-" + name, p: p}
	}
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
	dir := t.TempDir()
	contents := []string{"synthetic evidence one\n", "synthetic evidence two\n", "synthetic evidence three\n"}
	sum := md5.Sum([]byte(contents[0]))
	h.matchedMD5 = hex.EncodeToString(sum[:])
	bank := filepath.Join(dir, "known.txt")
	must(t, os.WriteFile(bank, []byte(h.matchedMD5+"\n"+strings.Repeat("0", 31)+"1\n"), 0o600))
	if _, err := h.svc.ImportBank(ctx, bank, investigation.BankImportOptions{Name: "known", Kind: "known"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, agency string }{{"alpha", "nl"}, {"beta", "be"}} {
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
	if persona != anonymous {
		req.Header.Set("Authorization", "Bearer token-"+persona)
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

// auditCount is the number of audit records.
func (h *hub) auditCount() int64 {
	h.t.Helper()
	rep, err := h.svc.VerifyAudit(h.seedCtx)
	if err != nil {
		h.t.Fatal(err)
	}
	return rep.Records
}

func fmtInt(n int64) string { return fmt.Sprint(n) }
