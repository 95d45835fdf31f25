package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/authtest"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/browsertest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestOIDCLoginInBrowser logs in through an agency's provider in a real
// browser. The provider is on another site (localhost) than the hub
// (127.0.0.1), as a real one is, so the way back is a cross-site
// navigation: the state cookie must survive it, and the session must be
// usable on the page the login returns to, not only on the next click.
func TestOIDCLoginInBrowser(t *testing.T) {
	ti := authtest.NewIssuerOn(t, time.Now, "localhost")
	ln := browsertest.Listen(t)
	siteURL := "http://" + ln.Addr().String()
	h := webtest.New(t, storetest.OpenSQLite, webtest.WithAuth(func(*investigation.Service) auth.Config {
		return auth.Config{OIDC: map[string]auth.OIDCClient{
			"NL-TEST": {Issuer: ti.URL, ClientID: ti.ClientID, ClientSecret: ti.Secret, RedirectURL: siteURL + "/api/v1/session/oidc/NL-TEST/callback"},
		}}
	}))
	if _, err := h.Service.LinkOIDC(h.Seed, webtest.AnalystNL, ti.URL, "sub-analyst-nl"); err != nil {
		t.Fatal(err)
	}
	ti.LoginAs("sub-analyst-nl")
	site := browsertest.ServeOn(t, h, ln)
	tab := site.NewTab(t)
	tab.Open("/cases/" + webtest.CaseNL)
	if p := tab.Path(); !strings.HasPrefix(p, "/login") {
		t.Fatalf("anonymous: %s", p)
	}
	tab.Submit("log in through the agency's provider", chromedp.CSS(`ul.oidc a`))
	for i := 0; i < 100 && tab.Path() != "/cases/"+webtest.CaseNL; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if p := tab.Path(); p != "/cases/"+webtest.CaseNL {
		t.Fatalf("after the provider's login: %s", p)
	}
	// The page the login returned to is the case itself, read with the
	// new session.
	tab.Do("the dashboard shows", chromedp.WaitVisible(chromedp.ID("count-matched")))
	tab.Open("/")
	if got := tab.Text("#me-name"); got != webtest.AnalystNL {
		t.Errorf("who am I after an OIDC login: %q", got)
	}
	clean(t, tab)
}
