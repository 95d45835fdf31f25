package web_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestCasePages: the case list counts, the dashboard's triage summary,
// opening a case, and 404 (worded as a missing case) for a user of
// another agency, on both stores.
func TestCasePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		b := newBrowser(t, h)
		b.login(webtest.AnalystNL)
		res, body := b.get("/cases")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("cases: %d", res.StatusCode)
		}
		// alpha: 1 exhibit, 4 files, 1 matched, 3 unknown.
		row := between(body, `<a href="/cases/alpha">alpha</a>`, "</tr>")
		for _, want := range []string{`<td class="num">1</td>`, `<td class="num">4</td>`, `status=matched">1</a>`, `status=unknown">3</a>`} {
			if !strings.Contains(row, want) {
				t.Errorf("case row lacks %q:\n%s", want, row)
			}
		}
		if strings.Contains(body, "beta") {
			t.Error("the case list of an NL analyst names the DE case")
		}
		res, body = b.get("/cases/alpha")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("dashboard: %d", res.StatusCode)
		}
		for _, want := range []string{`id="count-matched">1<`, `id="count-unknown">3<`, `id="count-error">0<`, "<td>known</td>", "phone-1", "ingested",
			`hx-get="/cases/alpha/new-material"`} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		// Every page the case nav links answers, so none is a dead end.
		nav := between(body, `<nav class="case-nav"`, "</nav>")
		for _, page := range []string{"files", "clusters", "chats", "suspects", "leads", "graph", "timeline", "import", "access"} {
			link := `href="/cases/alpha/` + page + `"`
			if !strings.Contains(nav, link) {
				t.Errorf("case nav lacks %s", link)
				continue
			}
			if res, _ := b.get("/cases/alpha/" + page); res.StatusCode != http.StatusOK {
				t.Errorf("case nav link %s: %d", page, res.StatusCode)
			}
		}
		res, body = b.get("/cases/alpha/new-material")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "No cluster of two or more unknown images.") {
			t.Errorf("new material: %d", res.StatusCode)
		}
		// The form offers the agencies the user may open a case for.
		res, body = b.get("/cases/new")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `<option value="NL-TEST" selected>`) || strings.Contains(body, "DE-TEST") {
			t.Errorf("new case form: %d\n%s", res.StatusCode, between(body, "<form", "</form>"))
		}
		res, _ = b.post("/cases", url.Values{"name": {"gamma"}, "agency": {"NL-TEST"}, "operation": {"Op <Gamma>"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cases/gamma" {
			t.Fatalf("create case: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, body = b.get("/cases/gamma"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Op &lt;Gamma&gt;") {
			t.Errorf("new case's dashboard: %d", res.StatusCode)
		}
		res, body = b.post("/cases", url.Values{"name": {"gamma"}, "agency": {"NL-TEST"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `value="gamma"`) {
			t.Errorf("a second case gamma: %d", res.StatusCode)
		}
		res, _ = b.post("/cases", url.Values{"name": {"delta"}, "agency": {"DE-TEST"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("a case for another agency: %d", res.StatusCode)
		}
		// Another agency sees none of alpha, worded as a missing case.
		other := newBrowser(t, h)
		other.login(webtest.AnalystDE)
		_, missing := other.get("/cases/no-such-case")
		for _, path := range []string{"/cases/alpha", "/cases/alpha/files", "/cases/alpha/files.csv", "/cases/alpha/new-material", fmt.Sprintf("/cases/alpha/files/%d", h.FileNL)} {
			res, body := other.get(path)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s as another agency: %d", path, res.StatusCode)
			}
			if between(body, "<main", "</main>") != between(missing, "<main", "</main>") {
				t.Errorf("%s as another agency is worded unlike a missing case", path)
			}
		}
		// A viewer may read but not open cases.
		viewer := newBrowser(t, h)
		viewer.login(webtest.ViewerNL)
		if res, _ := viewer.post("/cases", url.Values{"name": {"epsilon"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer opening a case: %d", res.StatusCode)
		}
	})
}

// TestFilePages: the files table filters, sorts and pages; the exports
// carry the filtered set; a file's page shows digests and matches and
// counts, without naming, the other agency's case holding the same
// content; a hostile file name stays text.
func TestFilePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		b := newBrowser(t, h)
		b.login(webtest.AnalystNL)
		res, body := b.get("/cases/alpha/files?status=matched")
		if res.StatusCode != http.StatusOK || strings.Count(body, `href="/cases/alpha/files/`) != 1 || !strings.Contains(body, "f0.txt") {
			t.Fatalf("matched files: %d\n%s", res.StatusCode, between(body, "<table", "</table>"))
		}
		// Sorted by path descending, two per page: every file once.
		var paths []string
		next := "/cases/alpha/files?order=path&desc=1&limit=2"
		for next != "" {
			res, body = b.get(next)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", next, res.StatusCode)
			}
			for _, row := range strings.Split(between(body, "<tbody>", "</tbody>"), "<tr>")[1:] {
				paths = append(paths, between(row, `class="mono" href="`, "</a>"))
			}
			next = ""
			if l := between(body, `<a href="`, `" rel="next">`); l != "" {
				next = strings.ReplaceAll(l[strings.LastIndex(l, `<a href="`)+len(`<a href="`):], "&amp;", "&")
			}
		}
		if len(paths) != 4 || !strings.HasSuffix(paths[0], "f2.txt") || !strings.HasSuffix(paths[2], "f0.txt") || !strings.Contains(paths[3], "&#34;&gt;&lt;svg") {
			t.Errorf("paged by path: %q", paths)
		}
		if strings.Contains(body, "<svg onload") {
			t.Error("a file name reached the page as markup")
		}
		if res, _ := b.get("/cases/alpha/files?status=bogus"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad status filter: %d", res.StatusCode)
		}
		if res, _ := b.get("/cases/alpha/files?after=" + fmt.Sprint(h.FileDE)); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a cursor of another case: %d", res.StatusCode)
		}
		res, body = b.get("/cases/alpha/files.csv?status=unknown&order=size")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
			res.Header.Get("Content-Disposition") != `attachment; filename="alpha-files.csv"` {
			t.Fatalf("CSV export: %d %q", res.StatusCode, res.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) != 4 || rows[0][1] != "path" || rows[1][10] != "unknown" {
			t.Errorf("CSV export: %v %q", err, rows)
		}
		res, body = b.get("/cases/alpha/files.json")
		var entries []investigation.FileEntry
		if err := json.Unmarshal([]byte(body), &entries); err != nil || res.StatusCode != http.StatusOK || len(entries) != 4 {
			t.Fatalf("JSON export: %d %v %d", res.StatusCode, err, len(entries))
		}
		matched := 0
		for _, e := range entries {
			if e.Status == "matched" && len(e.Matches) == 1 && e.Matches[0].Bank == "known" {
				matched++
			}
		}
		if matched != 1 {
			t.Errorf("JSON export: %d matched files with their match", matched)
		}
		page, err := h.Service.FilePage(h.Seed, "alpha", investigation.FileQuery{Status: "matched"}, 0, 1)
		if err != nil || len(page.Files) != 1 {
			t.Fatal(page, err)
		}
		f := page.Files[0]
		res, body = b.get(fmt.Sprintf("/cases/alpha/files/%d", f.ID))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("file page: %d", res.StatusCode)
		}
		for _, want := range []string{f.SHA256, f.MD5, f.SHA1, "<td>known</td>", "Also seen in 1 other case(s) you may not read."} {
			if !strings.Contains(body, want) {
				t.Errorf("file page lacks %q", want)
			}
		}
		if strings.Contains(body, "beta") || strings.Contains(body, "<img") {
			t.Error("the file page names the unreadable case or holds an image")
		}
		if res, _ := b.get(fmt.Sprintf("/cases/alpha/files/%d", h.FileDE)); res.StatusCode != http.StatusNotFound {
			t.Errorf("a file of another case under alpha: %d", res.StatusCode)
		}
	})
}

// between returns the text of s between the first from and the next to
// after it ("" when absent).
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	j := strings.Index(s, to)
	if j < 0 {
		return ""
	}
	return s[:j]
}
