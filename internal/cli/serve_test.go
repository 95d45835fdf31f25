package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/auth/authtest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe: vibora serve answers the API with a token made by the command
// line on the same store, becomes ready, logs requests without their
// tokens, and stops cleanly (exit 0) when its context ends.
func TestServe(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{{"agency", "add", "NL-POL", "--country", "NL"}, {"case", "create", "op-serve", "--agency", "NL-POL"}} {
				if _, e, code := run(t, db, args...); code != 0 {
					t.Fatalf("%v: %d %s", args, code, e)
				}
			}
			if _, e, code := runIn(t, db, cliPassword, "user", "add", "ivo", "--agency", "NL-POL", "--role", "analyst", "--password-stdin"); code != 0 {
				t.Fatalf("user add: %d %s", code, e)
			}
			out, e, code := run(t, db, "token", "create", "--user", "ivo")
			tok := regexp.MustCompile(`vbr_[A-Za-z0-9_-]{43}`).FindString(out)
			if code != 0 || tok == "" {
				t.Fatalf("token create: %d %s %s", code, out, e)
			}
			// NL-POL logs in through an in-process OpenID Connect provider.
			ti := authtest.NewIssuer(t, time.Now)
			secretFile := filepath.Join(t.TempDir(), "nl-secret")
			oidcConfig := filepath.Join(t.TempDir(), "oidc.json")
			if err := os.WriteFile(secretFile, []byte(ti.Secret+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(oidcConfig, []byte(`{"NL-POL": {"issuer": "`+ti.URL+`", "client_id": "`+ti.ClientID+`", "client_secret_file": "`+secretFile+
				`", "redirect_url": "https://hub.example.org/api/v1/session/oidc/NL-POL/callback"}}`), 0o600); err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stderr syncBuffer
			exit := make(chan int, 1)
			go func() {
				exit <- Run(ctx, []string{"--db", db, "serve", "--listen", addr, "--evidence-root", t.TempDir(), "--oidc-config", oidcConfig}, Streams{In: strings.NewReader(""), Out: io.Discard, Err: &stderr})
			}()
			base := "http://" + addr
			deadline := time.Now().Add(20 * time.Second)
			for {
				res, err := http.Get(base + "/readyz")
				if err == nil {
					res.Body.Close()
					if res.StatusCode == http.StatusOK {
						break
					}
				}
				if time.Now().After(deadline) {
					t.Fatalf("not ready: %v\n%s", err, stderr.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			req, _ := http.NewRequest("GET", base+"/api/v1/cases", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var cases struct {
				Cases []struct{ Name, Agency string } `json:"cases"`
			}
			err = json.NewDecoder(res.Body).Decode(&cases)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 || len(cases.Cases) != 1 || cases.Cases[0].Name != "op-serve" || cases.Cases[0].Agency != "NL-POL" {
				t.Fatalf("GET /api/v1/cases: %d %+v %v", res.StatusCode, cases, err)
			}
			if res, err := http.Get(base + "/api/v1/cases"); err != nil || res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("without a token: %v %v", res, err)
			}
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err = noFollow.Get(base + "/api/v1/session/oidc/NL-POL?return=/cases")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusFound || !strings.HasPrefix(loc, ti.URL+"/auth?") ||
				!strings.Contains(loc, url.QueryEscape("https://hub.example.org/api/v1/session/oidc/NL-POL/callback")) {
				t.Errorf("OIDC login start: %d %s", res.StatusCode, loc)
			}
			// The browser workspace is served at /: its login page offers
			// NL-POL's provider.
			res, err = http.Get(base + "/login")
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(page), `href="/api/v1/session/oidc/NL-POL?return=%2f"`) ||
				!strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("login page: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Security-Policy"), page)
			}
			cancel()
			select {
			case code := <-exit:
				if code != 0 {
					t.Errorf("serve exited %d: %s", code, stderr.String())
				}
			case <-time.After(40 * time.Second):
				t.Fatal("serve did not stop")
			}
			log := stderr.String()
			if !strings.Contains(log, "path=/api/v1/cases") || !strings.Contains(log, "status=200") {
				t.Errorf("no access log:\n%s", log)
			}
			if strings.Contains(log, tok) || strings.Contains(log, ti.Secret) {
				t.Errorf("the token or the OIDC client secret is in the log")
			}
		})
	}
}

// TestServeOIDCConfig: a bad --oidc-config stops serve before it listens,
// as a usage error that names the file and holds no secret.
func TestServeOIDCConfig(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	cfg := filepath.Join(t.TempDir(), "oidc.json")
	if err := os.WriteFile(cfg, []byte(`{"NL-POL": {"issuer": "http://idp.example.org", "client_id": "x", "client_secret": "synthetic-secret-nl"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, e, code := run(t, db, "serve", "--listen", "127.0.0.1:0", "--oidc-config", cfg)
	if code != ExitUsage || !strings.Contains(e, cfg) || strings.Contains(e, "synthetic-secret") {
		t.Errorf("serve with a bad OIDC configuration: %d %s", code, e)
	}
}
