package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestPagesShowInvisibleCharacters: evidence text with a bidirectional
// override, a zero-width space and a control character reaches the page
// with those characters shown as escapes (as the command line shows
// them), not acting on the text around them; markup stays escaped.
func TestPagesShowInvisibleCharacters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		desc := "holiday\u202egpj.exe pay\u200bpal \x1b[31m <b>bold</b>"
		if _, err := h.Service.AddExhibit(h.Seed, webtest.CaseNL, investigation.Exhibit{Label: "USB-9", Type: "storage", Description: desc}); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, h)
		b.login(webtest.AnalystNL)
		page := "/cases/" + webtest.CaseNL
		res, body := b.get(page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", page, res.StatusCode)
		}
		want := `holiday\u202egpj.exe pay\u200bpal \x1b[31m &lt;b&gt;bold&lt;/b&gt;`
		if !strings.Contains(body, want) {
			i := strings.Index(body, "holiday")
			t.Fatalf("%s: want %q, page has %q", page, want, body[max(i, 0):min(max(i, 0)+80, len(body))])
		}
		for _, c := range []string{"\u202e", "\u200b", "\x1b"} {
			if strings.Contains(body, c) {
				t.Errorf("%s: the page still holds %q", page, c)
			}
		}
		if res.ContentLength >= 0 && int(res.ContentLength) != len(body) {
			t.Errorf("Content-Length %d for a body of %d bytes", res.ContentLength, len(body))
		}
	})
}
