package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/authtest"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

func authorizeCode(t *testing.T, ti *authtest.Issuer, authURL, sub string) string {
	code, _ := ti.Authorize(t, authURL, sub)
	return code
}

func TestOIDCLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
		opts := []investigation.Option{investigation.WithClock(clk.Now), investigation.WithPasswordParams(fast)}
		owner := investigation.New(db, "owner", opts...)
		ti := authtest.NewIssuer(t, clk.Now)
		other := authtest.NewIssuer(t, clk.Now)
		for _, ag := range []string{"NL-POL", "BE-FCCU"} {
			if _, err := owner.AddAgency(ctx, ag, ag[:2]); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range [][2]string{{"vera", "NL-POL"}, {"bram", "BE-FCCU"}, {"ivo", "NL-POL"}} {
			if _, err := owner.AddUser(ctx, investigation.NewUser{Name: u[0], Agency: u[1], Role: "analyst", Password: password}); err != nil {
				t.Fatal(err)
			}
		}
		// vera and bram are linked to identities at NL-POL's provider; ivo
		// at BE-FCCU's, which is another provider.
		for _, l := range [][3]string{{"vera", ti.URL, "sub-vera"}, {"bram", ti.URL, "sub-bram"}, {"ivo", other.URL, "sub-vera"}} {
			if _, err := owner.LinkOIDC(ctx, l[0], l[1], l[2]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := owner.LinkOIDC(ctx, "ivo", ti.URL, "sub-vera"); !errors.Is(err, investigation.ErrExists) {
			t.Errorf("one identity linked twice: %v", err)
		}
		if _, err := owner.LinkOIDC(ctx, "ivo", "not-a-url", "x"); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("issuer that is no URL: %v", err)
		}
		client := auth.OIDCClient{Issuer: ti.URL, ClientID: ti.ClientID, ClientSecret: ti.Secret, RedirectURL: "https://hub.example.org/oidc/callback"}
		a := auth.New(investigation.New(db, "", opts...), auth.Config{Now: clk.Now, OIDC: map[string]auth.OIDCClient{"NL-POL": client}})

		login := func(sub string) (string, access.Principal, error) {
			authURL, state, err := a.OIDCStart(ctx, "NL-POL")
			if err != nil {
				t.Fatal(err)
			}
			return a.OIDCCallback(ctx, state, authorizeCode(t, ti, authURL, sub), "192.0.2.50")
		}
		id, p, err := login("sub-vera")
		if err != nil {
			t.Fatalf("OIDC login: %v", err)
		}
		if p.Name != "vera" || p.Agency != "NL-POL" || p.Method != access.OIDC {
			t.Errorf("principal %+v", p)
		}
		if got, err := a.Session(ctx, id); err != nil || got.Name != "vera" || got.Method != access.OIDC {
			t.Errorf("session of an OIDC login: %+v, %v", got, err)
		}
		// Refused: an unlinked identity, a user of another agency, no
		// provider for the agency.
		if _, _, err := login("sub-nobody"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("unlinked identity: %v", err)
		}
		if _, _, err := login("sub-bram"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("identity of a user of another agency: %v", err)
		}
		if _, _, err := a.OIDCStart(ctx, "BE-FCCU"); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("agency without a provider: %v", err)
		}
		// Refused: tampered tokens.
		for name, tamper := range map[string]func(map[string]any){
			"wrong nonce":    func(c map[string]any) { c["nonce"] = "other" },
			"wrong audience": func(c map[string]any) { c["aud"] = "another-client" },
			"wrong issuer":   func(c map[string]any) { c["iss"] = other.URL },
			"expired":        func(c map[string]any) { c["exp"] = clk.Now().Add(-time.Minute).Unix() },
		} {
			ti.Tamper(tamper)
			if _, _, err := login("sub-vera"); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("%s: %v, want refused", name, err)
			}
		}
		// A state is used once and expires; a code is checked against PKCE.
		authURL, state, err := a.OIDCStart(ctx, "NL-POL")
		if err != nil {
			t.Fatal(err)
		}
		code := authorizeCode(t, ti, authURL, "sub-vera")
		if _, _, err := a.OIDCCallback(ctx, "forged-state", code, "192.0.2.50"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("forged state: %v", err)
		}
		if _, _, err := a.OIDCCallback(ctx, state, code, "192.0.2.50"); err != nil {
			t.Errorf("genuine state after a forged one: %v", err)
		}
		if _, _, err := a.OIDCCallback(ctx, state, code, "192.0.2.50"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("state used twice: %v", err)
		}
		authURL, state, _ = a.OIDCStart(ctx, "NL-POL")
		code = authorizeCode(t, ti, authURL, "sub-vera")
		clk.Add(11 * time.Minute)
		if _, _, err := a.OIDCCallback(ctx, state, code, "192.0.2.50"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("state older than 10 minutes: %v", err)
		}
		// A disabled user is refused, and its OIDC session ends.
		if _, err := owner.DisableUser(ctx, "vera"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("session of a disabled user: %v", err)
		}
		if _, _, err := login("sub-vera"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("OIDC login of a disabled user: %v", err)
		}
		if got := (hub{owner: owner}).actions(t, "user:vera"); !strings.HasPrefix(got, "auth.login auth.login ") || !strings.HasSuffix(got, "auth.login.failure") {
			t.Errorf("audit of vera's OIDC logins: %q", got)
		}
		if got := (hub{owner: owner}).actions(t, "oidc:sub-nobody"); got != "auth.login.failure" {
			t.Errorf("audit of an unlinked identity: %q", got)
		}
		if rep, err := owner.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("audit chain: %+v, %v", rep, err)
		}
	})
}
