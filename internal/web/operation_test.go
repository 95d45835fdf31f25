package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestOperationPages: the operations list shows only the operations the
// user's agency leads or takes part in; the operation page shows its
// agencies, the cases and suspects (with status and history) of the cases
// the user may read, the funnel and the per-country table, as of a day;
// the CSV export is the per-country table; an operation of another agency
// is 404, like one that does not exist.
func TestOperationPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		refs := h.SeedOperation(t)
		page := "/operations/" + url.PathEscape(webtest.OperationNL)

		nl := newBrowser(t, h)
		nl.login(webtest.AnalystNL)
		res, body := nl.get("/operations")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, html.EscapeString(webtest.OperationNL)) || strings.Contains(body, webtest.OperationDE) {
			t.Fatalf("operations of NL: %d %s", res.StatusCode, body)
		}
		res, body = nl.get(page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("operation page: %d %s", res.StatusCode, body)
		}
		checkInert(t, page, body)
		for _, want := range []string{
			refs[0], refs[1], "desk-de@example.org", `id="hidden-cases"`, html.EscapeString(webtest.OperationWhy), "report ES-0001",
			`<meter min="0" max="1" value="1" aria-label="arrested: 1 of 1">`, // ES: its one suspect arrested
			`<td><span class="label">referred</span></td>`,                    // AR: stalled at referred
			"<span class=\"n\">1</span> investigations opened",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("operation page lacks %q", want)
			}
		}
		if strings.Contains(body, refs[2]) {
			t.Errorf("NL sees beta's suspect %s", refs[2])
		}
		_, early := nl.get(page + "?as_of=2025-03-31")
		if !strings.Contains(early, "Report as of 2025-03-31") || !strings.Contains(early, "<span class=\"n\">0</span> arrested") {
			t.Errorf("as of 2025-03-31: %s", early)
		}
		res, _ = nl.get(page + "?as_of=31.03.2025")
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("malformed as-of: %d", res.StatusCode)
		}
		res, body = nl.get(page + "/report.csv?as_of=2025-05-31")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.Contains(body, "2025-05-31,ES,1,1,1,1,1,0,,3,0\n") || !strings.Contains(body, "2025-05-31,AR,1,1,1,0,0,0,referred,0,0\n") {
			t.Errorf("report CSV: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		for _, p := range []string{"/operations/" + url.PathEscape(webtest.OperationDE), "/operations/" + url.PathEscape(webtest.OperationDE) + "/report.csv", "/operations/no-such-op"} {
			if res, _ := nl.get(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("NL: %s: %d, want 404", p, res.StatusCode)
			}
		}

		de := newBrowser(t, h)
		de.login(webtest.AnalystDE)
		_, body = de.get("/operations")
		if !strings.Contains(body, html.EscapeString(webtest.OperationNL)) || !strings.Contains(body, webtest.OperationDE) {
			t.Errorf("operations of DE: %s", body)
		}
		_, body = de.get(page)
		if !strings.Contains(body, refs[2]) || strings.Contains(body, refs[0]) || strings.Contains(body, "VIB-ES-1") {
			t.Errorf("DE's view of the operation: %s", body)
		}

		admin := newBrowser(t, h)
		admin.login(webtest.HubAdmin)
		_, body = admin.get(page)
		if !strings.Contains(body, `<p id="suspects">`) || strings.Contains(body, refs[0]) {
			t.Errorf("the hub administrator reads suspects: %s", body)
		}
	})
}
