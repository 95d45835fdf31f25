package auth_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/auth"
)

// TestLoadOIDCConfig: providers read from the file, secrets from a file or
// the environment (never the file itself); bad entries are refused with an
// error that names the agency and holds no secret.
func TestLoadOIDCConfig(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "nl-secret")
	if err := os.WriteFile(secretFile, []byte("synthetic-secret-nl\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VIBORA_TEST_OIDC_SECRET_BE", "synthetic-secret-be")
	write := func(s string) string {
		p := filepath.Join(dir, "oidc.json")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{
 "NL-POL": {"issuer": "https://idp.example.org/realms/nl", "client_id": "vibora-hub", "client_secret_file": "` + secretFile + `",
  "redirect_url": "https://hub.example.org/api/v1/session/oidc/NL-POL/callback"},
 "BE-FCCU": {"issuer": "http://127.0.0.1:5556", "client_id": "hub-be", "client_secret_env": "VIBORA_TEST_OIDC_SECRET_BE",
  "redirect_url": "https://hub.example.org/api/v1/session/oidc/BE-FCCU/callback"},
 "DE-BKA": {"issuer": "https://idp.example.org/de", "client_id": "public-client",
  "redirect_url": "https://hub.example.org/api/v1/session/oidc/DE-BKA/callback"}
}`
	got, err := auth.LoadOIDCConfig(write(good))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]auth.OIDCClient{
		"NL-POL":  {Issuer: "https://idp.example.org/realms/nl", ClientID: "vibora-hub", ClientSecret: "synthetic-secret-nl", RedirectURL: "https://hub.example.org/api/v1/session/oidc/NL-POL/callback"},
		"BE-FCCU": {Issuer: "http://127.0.0.1:5556", ClientID: "hub-be", ClientSecret: "synthetic-secret-be", RedirectURL: "https://hub.example.org/api/v1/session/oidc/BE-FCCU/callback"},
		"DE-BKA":  {Issuer: "https://idp.example.org/de", ClientID: "public-client", RedirectURL: "https://hub.example.org/api/v1/session/oidc/DE-BKA/callback"},
	}
	if len(got) != len(want) {
		t.Fatalf("providers %+v", got)
	}
	for ag, w := range want {
		if got[ag] != w {
			t.Errorf("%s: %+v, want %+v", ag, got[ag], w)
		}
	}

	entry := func(fields string) string {
		return `{"NL-POL": {"client_id": "vibora-hub", "redirect_url": "https://hub.example.org/api/v1/session/oidc/NL-POL/callback", ` + fields + `}}`
	}
	for name, c := range map[string]struct{ file, msg string }{
		"issuer over plain http":    {entry(`"issuer": "http://idp.example.org"`), "https"},
		"issuer not a URL":          {entry(`"issuer": "idp"`), "issuer"},
		"no client id":              {`{"NL-POL": {"issuer": "https://idp.example.org", "redirect_url": "https://hub.example.org/api/v1/session/oidc/NL-POL/callback"}}`, "client_id"},
		"redirect to another route": {`{"NL-POL": {"issuer": "https://idp.example.org", "client_id": "x", "redirect_url": "https://hub.example.org/api/v1/session/oidc/BE-FCCU/callback"}}`, "redirect_url"},
		"secret in the file":        {entry(`"issuer": "https://idp.example.org", "client_secret": "synthetic-secret-nl"`), "unknown field"},
		"both secret sources":       {entry(`"issuer": "https://idp.example.org", "client_secret_env": "VIBORA_TEST_OIDC_SECRET_BE", "client_secret_file": "` + secretFile + `"`), "not both"},
		"secret variable unset":     {entry(`"issuer": "https://idp.example.org", "client_secret_env": "VIBORA_TEST_OIDC_UNSET"`), "VIBORA_TEST_OIDC_UNSET"},
		"secret file missing":       {entry(`"issuer": "https://idp.example.org", "client_secret_file": "` + filepath.Join(dir, "none") + `"`), "client secret"},
		"not an object":             {`["NL-POL"]`, "OIDC configuration"},
		"two values":                {good + good, "more than one"},
	} {
		_, err := auth.LoadOIDCConfig(write(c.file))
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an error about %q", name, err, c.msg)
			continue
		}
		if strings.Contains(err.Error(), "synthetic-secret") {
			t.Errorf("%s: the error holds a secret: %v", name, err)
		}
	}
	if _, err := auth.LoadOIDCConfig(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing configuration file is no error")
	}
}
