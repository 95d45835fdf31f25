package browsertest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/browsertest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

// clean fails the test when the tab's page broke the CSP, opened a dialog
// or threw.
func clean(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	if v, d := tab.Hazards(); len(v) > 0 || d > 0 {
		t.Errorf("%s: CSP violations %q, dialogs %d", tab.Path(), v, d)
	}
	if errs := tab.PageErrors(); len(errs) > 0 {
		t.Errorf("%s: page errors %q", tab.Path(), errs)
	}
}

// TestLoginLogout: an anonymous visitor lands on the login form; logging
// in leads back to the page asked for and says who is logged in; logging
// out ends the session.
func TestLoginLogout(t *testing.T) {
	site := browsertest.Serve(t, webtest.New(t, storetest.OpenSQLite))
	tab := site.NewTab(t)
	tab.Open("/cases")
	if p := tab.Path(); p != "/login?return=%2Fcases" {
		t.Fatalf("anonymous /cases led to %s", p)
	}
	tab.Do("log in", chromedp.SendKeys(chromedp.ID("username"), webtest.AnalystNL), chromedp.SendKeys(chromedp.ID("password"), "wrong-password-here"))
	tab.Submit("log in with a wrong password", chromedp.CSS(`form[action="/login"] button`))
	if got := tab.Text("#login-error"); got != "Wrong user name or password." {
		t.Errorf("wrong password: %q", got)
	}
	tab.Do("log in", chromedp.SendKeys(chromedp.ID("password"), webtest.Password(webtest.AnalystNL)))
	tab.Submit("log in", chromedp.CSS(`form[action="/login"] button`))
	if p := tab.Path(); p != "/cases" {
		t.Fatalf("after login: %s", p)
	}
	clean(t, tab)
	tab.Open("/")
	if got := tab.Text("#me-name") + "/" + tab.Text("#me-agency") + "/" + tab.Text("#me-roles"); got != "analyst-nl/NL-TEST/analyst" {
		t.Errorf("who am I: %q", got)
	}
	if got := tab.Text("#my-cases"); !strings.Contains(got, webtest.CaseNL) || strings.Contains(got, webtest.CaseDE) {
		t.Errorf("my cases: %q", got)
	}
	tab.Submit("log out", chromedp.CSS(`form[action="/logout"] button`))
	if p := tab.Path(); p != "/login" {
		t.Errorf("after logout: %s", p)
	}
	tab.Open("/")
	if p := tab.Path(); !strings.HasPrefix(p, "/login") {
		t.Errorf("home after logout: %s", p)
	}
	clean(t, tab)
}

// TestCaseDashboard: the case list leads to the dashboard, whose counts
// show and whose new-material part htmx loads under the CSP.
func TestCaseDashboard(t *testing.T) {
	site := browsertest.Serve(t, webtest.New(t, storetest.OpenSQLite))
	tab := site.NewTab(t)
	tab.Login(webtest.AnalystNL, webtest.Password(webtest.AnalystNL))
	tab.Open("/cases")
	if n := tab.Count("#cases tbody tr"); n != 1 {
		t.Errorf("cases listed: %d", n)
	}
	tab.Submit("open case alpha", chromedp.CSS(`#cases a[href="/cases/alpha"]`))
	if got := tab.Text("#count-matched") + "/" + tab.Text("#count-unknown"); got != "1/3" {
		t.Errorf("matched/unknown: %q", got)
	}
	// htmx replaces the link with the clusters.
	tab.Do("new material loads", chromedp.WaitNotPresent(chromedp.CSS(`#clusters a[href="/cases/alpha/new-material"]`)))
	if got := tab.Text("#clusters"); !strings.Contains(got, "No cluster of two or more unknown images.") {
		t.Errorf("new material: %q", got)
	}
	if got := tab.Text("#match-groups"); !strings.Contains(got, "known") {
		t.Errorf("match groups: %q", got)
	}
	clean(t, tab)
}

// TestFilesAndFile: filtering the files table by status, then opening a
// file's page; a hostile file name stays text in the table.
func TestFilesAndFile(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	site := browsertest.Serve(t, h)
	tab := site.NewTab(t)
	tab.Login(webtest.AnalystNL, webtest.Password(webtest.AnalystNL))
	tab.Open("/cases/alpha/files")
	if n := tab.Count("#file-table tbody tr"); n != 4 {
		t.Errorf("files: %d rows", n)
	}
	if !strings.Contains(tab.Text("#file-table"), webtest.HostileName) || tab.Count("#file-table svg") != 0 {
		t.Error("the hostile file name is not shown as text")
	}
	clean(t, tab)
	tab.Do("filter by status", chromedp.SetValue(chromedp.ID("f-status"), "matched"))
	tab.Submit("filter", chromedp.CSS(`#file-filters button[type="submit"]`))
	if p := tab.Path(); !strings.Contains(p, "status=matched") {
		t.Errorf("filtered at %s", p)
	}
	if n := tab.Count("#file-table tbody tr"); n != 1 {
		t.Fatalf("matched files: %d rows", n)
	}
	tab.Submit("open the file", chromedp.CSS(`#file-table tbody a.mono`))
	page, err := h.Service.FilePage(h.Seed, webtest.CaseNL, investigation.FileQuery{Status: "matched"}, 0, 1)
	if err != nil || len(page.Files) != 1 {
		t.Fatal(page, err)
	}
	if p := tab.Path(); p != fmt.Sprintf("/cases/alpha/files/%d", page.Files[0].ID) {
		t.Errorf("file page at %s", p)
	}
	if got := tab.Text("#file-digests"); !strings.Contains(got, page.Files[0].SHA256) {
		t.Errorf("digests: %q", got)
	}
	if got := tab.Text("#file-seen"); got != "Also seen in 1 other case(s) you may not read." {
		t.Errorf("seen elsewhere: %q", got)
	}
	if n := tab.Count("img, video, audio, canvas, object, embed"); n != 0 {
		t.Errorf("the file page holds %d media elements", n)
	}
	clean(t, tab)
}

// TestOtherAgency: a user of another agency gets 404 on every page of the
// case, and its list does not name it.
func TestOtherAgency(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	site := browsertest.Serve(t, h)
	tab := site.NewTab(t)
	tab.Login(webtest.AnalystDE, webtest.Password(webtest.AnalystDE))
	for _, path := range []string{"/cases/alpha", "/cases/alpha/files", fmt.Sprintf("/cases/alpha/files/%d", h.FileNL), "/cases/alpha/new-material"} {
		if status := tab.Open(path); status != http.StatusNotFound {
			t.Errorf("%s: %d", path, status)
		}
		if got := tab.Text("h1"); got != "Not found" {
			t.Errorf("%s: heading %q", path, got)
		}
	}
	tab.Open("/cases")
	if got := tab.Text("#cases"); strings.Contains(got, webtest.CaseNL) || !strings.Contains(got, webtest.CaseDE) {
		t.Errorf("cases of DE: %q", got)
	}
	clean(t, tab)
}

// TestCSPBlocksInjectedScript: markup that slipped into a page could not
// run script: the CSP refuses inline handlers and inline script, and the
// harness sees the refusal.
func TestCSPBlocksInjectedScript(t *testing.T) {
	site := browsertest.Serve(t, webtest.New(t, storetest.OpenSQLite))
	tab := site.NewTab(t)
	tab.Open("/login")
	tab.Do("inject markup",
		chromedp.Evaluate[chromedp.Void](`document.body.insertAdjacentHTML('beforeend', '<img id="x" src="data:," onerror="alert(1)"><div id="y" onclick="alert(2)">y</div>'); void 0`),
		chromedp.Click(chromedp.ID("y")),
	)
	tab.Do("inline script", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.createElement('script'); s.textContent = 'alert(3)'; document.body.appendChild(s); })()`))
	tab.Do("let the events arrive", chromedp.Sleep(300*time.Millisecond))
	violations, dialogs := tab.Hazards()
	t.Logf("refused: %q", violations)
	if dialogs != 0 || len(violations) == 0 {
		t.Errorf("injected handlers: dialogs %d, violations %q", dialogs, violations)
	}
	for _, v := range violations {
		if !strings.HasPrefix(v, "script-src") {
			t.Errorf("violation %q", v)
		}
	}
}
