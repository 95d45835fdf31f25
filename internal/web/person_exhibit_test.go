package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestPersonPageExhibits: a seized device attributed to a person is one
// of their sources on their page, linked to its files; taken back, it is
// gone. The case's front page names the owner in its exhibit table, and
// the files table beside the exhibit of each of the device's files.
func TestPersonPageExhibits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		person := h.SeedPayments(t)
		if _, err := h.Service.SetExhibitOwner(h.Seed, webtest.CaseNL, "phone-1", person); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, h)
		b.login(webtest.AnalystNL)
		page := "/cases/" + webtest.CaseNL + "/people/" + url.PathEscape(person)
		res, body := b.get(page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", page, res.StatusCode, body)
		}
		checkInert(t, page, body)
		i, j := strings.Index(body, `id="sources"`), strings.Index(body, "Country candidates")
		if i < 0 || j < i || !strings.Contains(body[i:j], `Seized device <a href="/cases/alpha/files?exhibit=phone-1">phone-1</a>, attributed to this person`) {
			t.Fatalf("sources lack the attributed device:\n%s", body[max(i, 0):max(j, 0)])
		}
		owner := `<td><a href="/cases/alpha/people/` + url.PathEscape(person) + `">` + person + `</a></td>`
		casePage := "/cases/" + webtest.CaseNL
		if _, body := b.get(casePage); !strings.Contains(body, owner) {
			t.Errorf("%s: the exhibit table does not name the owner %s", casePage, person)
		}
		held := `<td>phone-1 <span class="muted">held by <a href="/cases/alpha/people/` + url.PathEscape(person) + `">` + person + `</a></span></td>`
		filesPage := "/cases/" + webtest.CaseNL + "/files"
		if _, body := b.get(filesPage); !strings.Contains(body, held) {
			t.Errorf("%s: the files of phone-1 do not name its owner %s:\n%s", filesPage, person, body)
		}
		if _, err := h.Service.SetExhibitOwner(h.Seed, webtest.CaseNL, "phone-1", ""); err != nil {
			t.Fatal(err)
		}
		if _, body = b.get(page); strings.Contains(body, "Seized device") {
			t.Error("the device is still listed after the attribution was taken back")
		}
		if _, body := b.get(casePage); strings.Contains(body, owner) {
			t.Errorf("%s: the owner is still shown after the attribution was taken back", casePage)
		}
		if _, body := b.get(filesPage); strings.Contains(body, "held by") || !strings.Contains(body, "<td>phone-1</td>") {
			t.Errorf("%s: after the attribution was taken back:\n%s", filesPage, body)
		}
	})
}
