package browsertest_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/browsertest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// seedLongChat imports into case alpha a WhatsApp group of n messages.
func seedLongChat(t *testing.T, h *webtest.Hub, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("1/15/24, 9:00 AM - Alex Example created group \"Long Group\"\n")
	for i := range n {
		fmt.Fprintf(&b, "1/%d/24, %d:%02d AM - +1 202-555-01%02d: line %03d of the long group\n", 16+i/600, 1+i/60%10, i%60, 70+i%3, i)
	}
	p := filepath.Join(t.TempDir(), "WhatsApp Chat with Long Group.txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Service.ImportChat(h.Seed, webtest.CaseNL, p, investigation.ChatImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestChatAndPerson: from the chat list a conversation opens at its first
// page; htmx appends the next page under the CSP; a message's body opens;
// the search finds one message; the last page is the end; from the
// suspects a person's page opens.
func TestChatAndPerson(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	seedLongChat(t, h, 120)
	site := browsertest.Serve(t, h)
	tab := site.NewTab(t)
	tab.Login(webtest.AnalystNL, webtest.Password(webtest.AnalystNL))
	tab.Open("/cases/alpha/chats")
	tab.Submit("open the long group", chromedp.CSS(`#chats a[href^="/cases/alpha/chats/whatsapp"]`))
	if got := tab.Text("#chat-name"); got != "Long Group" {
		t.Fatalf("chat name %q", got)
	}
	chat := tab.Path()
	first := tab.Count("#messages > li.message")
	if first != 50 {
		t.Errorf("first page: %d messages", first)
	}
	if tab.Count("#messages details[open]") != 0 {
		t.Error("message bodies are open before anyone opens them")
	}
	tab.Do("load later messages", chromedp.Click(`#more-messages a`, chromedp.NodeVisible),
		chromedp.WaitVisible(`#messages > li.message:nth-of-type(100)`))
	if n := tab.Count("#messages > li.message"); n != 100 {
		t.Errorf("after loading later messages: %d", n)
	}
	if p := tab.Path(); strings.Contains(p, "after=") {
		t.Errorf("htmx navigated the page to %s", p)
	}
	tab.Do("open a message", chromedp.Click(`#messages > li.message:nth-of-type(2) summary`, chromedp.NodeVisible))
	if got := tab.Text(`#messages > li.message:nth-of-type(2) .text`); got != "line 000 of the long group" {
		t.Errorf("opened message: %q", got)
	}
	clean(t, tab)
	tab.Do("search", chromedp.SendKeys(chromedp.ID("chat-q"), "LINE 077"))
	tab.Submit("search", chromedp.CSS(`form.search button[type="submit"]`))
	if n := tab.Count("#messages > li.message"); n != 1 {
		t.Errorf("search: %d messages", n)
	}
	if !strings.Contains(tab.Path(), "q=LINE+077") {
		t.Errorf("search at %s", tab.Path())
	}
	tab.Open(chat + "?last=1")
	if got := tab.Text(`#messages > li.message:last-of-type summary`); !strings.Contains(got, "+1 202-555-01") || tab.Count("#more-messages") != 0 {
		t.Errorf("last page ends with %q, more link %d", got, tab.Count("#more-messages"))
	}
	clean(t, tab)
	tab.Open("/cases/alpha/suspects")
	tab.Submit("open the first suspect", chromedp.CSS(`#suspects li:first-child h2 a`))
	if p := tab.Path(); !strings.HasPrefix(p, "/cases/alpha/people/") {
		t.Fatalf("person page at %s", p)
	}
	if tab.Text("#person-name") == "" || tab.Count("#reasons li") == 0 || tab.Count("#person-messages li.message") == 0 {
		t.Errorf("person page: name %q, %d reasons, %d messages", tab.Text("#person-name"), tab.Count("#reasons li"), tab.Count("#person-messages li.message"))
	}
	clean(t, tab)
}

// TestEvidenceInert: the pages that show chat messages, member and file
// names, stealer-log fields and payment sources carrying script and HTML run none of it
// and build no element of it, with every message body opened.
func TestEvidenceInert(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	chat := h.SeedHostile(t)
	payer := h.SeedPayments(t) // a person page with payments, a platform row reference carrying a payload
	site := browsertest.Serve(t, h)
	tab := site.NewTab(t)
	tab.Login(webtest.AnalystNL, webtest.Password(webtest.AnalystNL))
	pages := []string{"/cases/alpha/people/" + url.PathEscape(payer), "/cases/alpha/chats", "/cases/alpha/chats/" + url.PathEscape(chat), "/cases/alpha/chats/" + url.PathEscape(chat) + "?q=" + url.QueryEscape("<img"),
		"/cases/alpha/suspects", "/cases/alpha/leads"}
	tab.Open("/cases/alpha/suspects")
	people := browsertest.Run(tab, "person links", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#suspects h2 a")].map(a => a.getAttribute("href"))`))
	if len(people) < 2 {
		t.Fatalf("suspects: %q", people)
	}
	pages = append(pages, people...)
	for _, p := range pages {
		tab.Open(p)
		tab.Do("open every body", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
		injected := tab.Count(`#xss-img, #xss-svg, #xss-b, main script, main img, main svg, main iframe, [onerror], [onload], a[href^="javascript:"]`)
		if injected != 0 {
			t.Errorf("%s: %d injected elements", p, injected)
		}
		if !strings.Contains(tab.Text("main"), "alert(") {
			t.Errorf("%s: the payloads are not shown as text", p)
		}
		clean(t, tab)
	}
}
