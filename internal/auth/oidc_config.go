package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
)

// maxOIDCConfig caps the size of an OIDC configuration file.
const maxOIDCConfig = 1 << 20

// oidcFileEntry is one agency's provider in an OIDC configuration file.
// The client secret is never in the file itself: it is read from a file
// or an environment variable, or absent for a public client.
type oidcFileEntry struct {
	Issuer           string `json:"issuer"`
	ClientID         string `json:"client_id"`
	ClientSecretFile string `json:"client_secret_file"`
	ClientSecretEnv  string `json:"client_secret_env"`
	RedirectURL      string `json:"redirect_url"`
}

// LoadOIDCConfig reads the providers of agencies from a JSON file, an
// object by agency name:
//
//	{"NL-POL": {"issuer": "https://idp.example.org/realms/nl",
//	  "client_id": "vibora-hub", "client_secret_file": "/run/secrets/nl-oidc",
//	  "redirect_url": "https://hub.example.org/api/v1/session/oidc/NL-POL/callback"}}
//
// client_secret_env names an environment variable holding the secret
// instead; with neither the client is public (PKCE only). The issuer must
// be https (http only on a loopback host); the redirect URL must be the
// agency's callback route. Errors never hold a secret.
func LoadOIDCConfig(path string) (map[string]OIDCClient, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("OIDC configuration: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxOIDCConfig+1))
	if err != nil {
		return nil, fmt.Errorf("OIDC configuration %s: %w", path, err)
	}
	if len(b) > maxOIDCConfig {
		return nil, fmt.Errorf("OIDC configuration %s: larger than %d bytes", path, maxOIDCConfig)
	}
	var entries map[string]oidcFileEntry
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("OIDC configuration %s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("OIDC configuration %s: more than one JSON value", path)
	}
	out := make(map[string]OIDCClient, len(entries))
	for agency, e := range entries {
		c, err := e.client(agency)
		if err != nil {
			return nil, fmt.Errorf("OIDC configuration %s: agency %q: %w", path, agency, err)
		}
		out[agency] = c
	}
	return out, nil
}

func (e oidcFileEntry) client(agency string) (OIDCClient, error) {
	if agency == "" {
		return OIDCClient{}, errors.New("empty agency name")
	}
	iss, err := url.Parse(e.Issuer)
	if err != nil || iss.Host == "" || iss.User != nil || iss.RawQuery != "" || iss.Fragment != "" ||
		!(iss.Scheme == "https" || iss.Scheme == "http" && loopback(iss.Hostname())) {
		return OIDCClient{}, fmt.Errorf("issuer %q: want an https URL (http only on a loopback host)", e.Issuer)
	}
	if e.ClientID == "" {
		return OIDCClient{}, errors.New("client_id is required")
	}
	red, err := url.Parse(e.RedirectURL)
	want := "/api/v1/session/oidc/" + url.PathEscape(agency) + "/callback"
	if err != nil || red.Host == "" || (red.Scheme != "https" && red.Scheme != "http") || red.EscapedPath() != want || red.RawQuery != "" || red.Fragment != "" {
		return OIDCClient{}, fmt.Errorf("redirect_url %q: want this hub's URL of %s", e.RedirectURL, want)
	}
	c := OIDCClient{Issuer: e.Issuer, ClientID: e.ClientID, RedirectURL: e.RedirectURL}
	switch {
	case e.ClientSecretFile != "" && e.ClientSecretEnv != "":
		return OIDCClient{}, errors.New("give client_secret_file or client_secret_env, not both")
	case e.ClientSecretFile != "":
		b, err := os.ReadFile(e.ClientSecretFile)
		if err != nil {
			return OIDCClient{}, fmt.Errorf("client secret: %w", err)
		}
		c.ClientSecret = strings.TrimRight(string(b), "\r\n")
		if c.ClientSecret == "" {
			return OIDCClient{}, fmt.Errorf("client secret file %s is empty", e.ClientSecretFile)
		}
	case e.ClientSecretEnv != "":
		c.ClientSecret = os.Getenv(e.ClientSecretEnv)
		if c.ClientSecret == "" {
			return OIDCClient{}, fmt.Errorf("client secret: environment variable %s is not set", e.ClientSecretEnv)
		}
	}
	return c, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
