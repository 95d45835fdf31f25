package browsertest_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/browsertest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestOperationPage: from the nav an analyst reaches the operations and
// opens one: the funnel shows a bar per stage and country, a suspect's
// history opens with its reason shown as text, the as-of form narrows the
// report, and a suspect leads to the person's page; nothing breaks the
// CSP.
func TestOperationPage(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	refs := h.SeedOperation(t)
	site := browsertest.Serve(t, h)
	tab := site.NewTab(t)
	tab.Login(webtest.AnalystNL, webtest.Password(webtest.AnalystNL))
	tab.Open("/")
	tab.Submit("open the operations", chromedp.CSS(`header nav a[href="/operations"]`))
	tab.Submit("open the operation", chromedp.CSS(`#operations a`))
	if got := tab.Text("#operation-name"); got != webtest.OperationNL {
		t.Fatalf("operation page of %q", got)
	}
	if n := tab.Count("#funnel meter"); n != 10 {
		t.Errorf("funnel: %d bars, want 5 stages of 2 countries", n)
	}
	if got := tab.Text("#countries tbody tr:first-child"); !strings.HasPrefix(got, "AR") {
		t.Errorf("per-country table starts with %q", got)
	}
	if n := tab.Count("#suspects tbody tr"); n != 2 {
		t.Errorf("%d suspects shown, want alpha's 2", n)
	}
	tab.Do("open a history", chromedp.Click(`#suspects tbody tr:first-child summary`, chromedp.NodeVisible))
	if got := tab.Text(`#suspects tbody tr:first-child details ol`); !strings.Contains(got, webtest.OperationWhy) {
		t.Errorf("history: %q", got)
	}
	if n := tab.Count(`main script, main img, #xss-img, #xss-svg, [onerror], [onload]`); n != 0 {
		t.Errorf("%d injected elements", n)
	}
	clean(t, tab)
	tab.Do("pick a day", chromedp.SetValue(chromedp.ID("as-of"), "2025-03-31"))
	tab.Submit("narrow the report", chromedp.CSS(`form.search button[type="submit"]`))
	if p := tab.Path(); !strings.HasSuffix(p, "?as_of=2025-03-31") {
		t.Errorf("as-of form led to %s", p)
	}
	if got := strings.Join(strings.Fields(tab.Text("#totals li:nth-child(5)")), " "); got != "0 arrested" {
		t.Errorf("totals as of 2025-03-31: %q", got)
	}
	clean(t, tab)
	tab.Submit("open a suspect", chromedp.CSS(`#suspects tbody tr:first-child td a`))
	if p := tab.Path(); p != "/cases/"+strings.Replace(refs[0], "/", "/people/", 1) && p != "/cases/"+strings.Replace(refs[1], "/", "/people/", 1) {
		t.Errorf("suspect link led to %s", p)
	}
	if status := tab.Open("/operations/" + url.PathEscape(webtest.OperationDE)); status != 404 {
		t.Errorf("another agency's operation: %d", status)
	}
}
