package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestPeoplePagesEscapeEvidence: the chat list, a conversation (whole
// page and the htmx fragment of later messages), its search, the
// suspects, every person and the stealer leads show evidence that carries
// script and HTML as text: no payload appears raw, each appears escaped,
// no evidence becomes a link, and no image of evidence is built.
func TestPeoplePagesEscapeEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		chat := h.SeedHostile(t)
		b := newBrowser(t, h)
		b.login(webtest.AnalystNL)
		base := "/cases/" + webtest.CaseNL
		pages := []string{base + "/chats", base + "/chats/" + url.PathEscape(chat), base + "/chats/" + url.PathEscape(chat) + "?last=1",
			base + "/chats/" + url.PathEscape(chat) + "?q=" + url.QueryEscape("<script>"), base + "/suspects", base + "/leads"}
		_, suspects := b.get(base + "/suspects")
		for _, m := range regexp.MustCompile(`href="(/cases/alpha/people/[^"]+)"`).FindAllStringSubmatch(suspects, -1) {
			pages = append(pages, html.UnescapeString(m[1]))
		}
		if len(pages) < 8 {
			t.Fatalf("suspects page links %d people: %s", len(pages)-6, suspects)
		}
		seen := map[string]bool{}
		hits, messages := false, false
		for _, p := range pages {
			res, body := b.get(p)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", p, res.StatusCode, body)
			}
			if strings.Contains(body, "Secret-") {
				t.Errorf("%s: a stealer-log password unmasked", p)
			}
			if strings.Contains(p, "/people/") {
				// Hit values wrap after their separators (<wbr>).
				hits = hits || strings.Contains(strings.ReplaceAll(body, "<wbr>", ""), "https://board.example.org/")
				messages = messages || strings.Contains(body, "and a link")
			}
			checkInert(t, p, body)
			for _, pl := range webtest.Payloads {
				if strings.Contains(body, html.EscapeString(pl)) {
					seen[pl] = true
				}
			}
		}
		if !hits || !messages {
			t.Errorf("person pages: stealer-log hits shown %v, messages shown %v", hits, messages)
		}
		for _, pl := range webtest.Payloads {
			if !seen[pl] {
				t.Errorf("payload %q never shown escaped", pl)
			}
		}
		// The htmx fragment of the next messages is escaped alike.
		req, _ := http.NewRequest("GET", b.srv.URL+base+"/chats/"+url.PathEscape(chat)+"?after=1", nil)
		req.Header.Set("HX-Request", "true")
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := webtest.Drain(res.Body)
		if res.StatusCode != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, `class="message`) {
			t.Fatalf("fragment: %d %s", res.StatusCode, body)
		}
		checkInert(t, "fragment", body)
	})
}

// checkInert fails t when body holds a payload as markup.
func checkInert(t *testing.T, page, body string) {
	t.Helper()
	for _, raw := range []string{"<script>alert", "<img src=x", "<svg onload", "<b id=xss", `href="javascript:`} {
		if i := strings.Index(body, raw); i >= 0 {
			t.Errorf("%s: %q appears raw: %s", page, raw, body[max(0, i-80):min(len(body), i+80)])
		}
	}
	// Inside a tag, an attribute made of evidence would read onerror= or onload=.
	if m := regexp.MustCompile(`<[^>]*\son(error|load)=`).FindString(body); m != "" {
		t.Errorf("%s: an element with an event handler: %s", page, m)
	}
	if strings.Contains(body, "<img") {
		t.Errorf("%s: an image element", page)
	}
}

// TestPeoplePagesAccess: another agency's analyst gets 404 from every
// page of a case it may not read, a person or chat that does not exist
// is 404, and the messages of a person page alike.
func TestPeoplePagesAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		chat := h.SeedHostile(t)
		b := newBrowser(t, h)
		b.login(webtest.AnalystDE)
		base := "/cases/" + webtest.CaseNL
		for _, p := range []string{base + "/chats", base + "/chats/" + url.PathEscape(chat), base + "/suspects", base + "/leads", base + "/people/P1"} {
			if res, body := b.get(p); res.StatusCode != http.StatusNotFound || strings.Contains(body, "Hostile") {
				t.Errorf("another agency, %s: %d", p, res.StatusCode)
			}
		}
		v := newBrowser(t, h)
		v.login(webtest.ViewerNL)
		for _, p := range []string{base + "/chats/whatsapp:nothing", base + "/people/P999999", base + "/chats/" + url.PathEscape(chat) + "?after=x"} {
			if res, _ := v.get(p); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
		if res, body := v.get(base + "/chats/" + url.PathEscape(chat)); res.StatusCode != http.StatusOK || !strings.Contains(body, "Members") {
			t.Errorf("viewer of the agency: %d", res.StatusCode)
		}
	})
}
