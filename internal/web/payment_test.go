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

// TestPersonPagePayments: the person page lists what the person paid and
// received, with counterparties (a link to the counterparty's page when
// they are a person of the case), countries with their evidence, amounts,
// currencies, times, the safeguarding flag with its sentence, and the
// source behind each flow: a link that opens the conversation at the
// message, or the platform row as text (escaped). A card number typed in
// a message shows masked on every page.
func TestPersonPagePayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		payer := h.SeedPayments(t)
		b := newBrowser(t, h)
		b.login(webtest.AnalystNL)
		page := "/cases/" + webtest.CaseNL + "/people/" + url.PathEscape(payer)
		res, body := b.get(page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", page, res.StatusCode, body)
		}
		checkInert(t, page, body)
		i := strings.Index(body, `id="payments"`)
		j := strings.Index(body, "Stealer-log hits")
		if i < 0 || j < i {
			t.Fatalf("no payments section: %s", body)
		}
		sec := body[i:j]
		for _, want := range []string{
			`id="safeguard"`, "payee may be a victim to safeguard", "paid to", "cross-border",
			"150 EUR", "1500.00 EUR", "2024-02-03T12:00:00Z",
			"<code>iban:GB82WEST12345698765432</code>", "<strong>GB</strong>", "IBAN country code GB",
			html.EscapeString("examplevid: payments row 7 " + webtest.Payloads[0]),
		} {
			if !strings.Contains(sec, want) {
				t.Errorf("payments section lacks %q:\n%s", want, sec)
			}
		}
		link := regexp.MustCompile(`<a href="(/cases/alpha/chats/[^"]+\?after=\d+)">chat: `).FindStringSubmatch(sec)
		if link == nil {
			t.Fatalf("no link to the chat message behind the payment:\n%s", sec)
		}
		res, chat := b.get(html.UnescapeString(link[1]))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", link[1], res.StatusCode)
		}
		if strings.Contains(chat, webtest.PaymentCard) || !strings.Contains(chat, "**** **** **** 1111") {
			t.Errorf("the chat page does not mask the card typed in a message")
		}
		if strings.Contains(body, webtest.PaymentCard) || !strings.Contains(body, "**** **** **** 1111") {
			t.Errorf("the person page does not mask the card typed in a message")
		}
		first := regexp.MustCompile(`(?s)<p class="text">(.*?)</p>`).FindStringSubmatch(chat)
		if first == nil || !strings.Contains(first[1], "sent 150 EUR to GB82") {
			t.Errorf("the link does not open the chat at the message: first message %q", first)
		}
		person := regexp.MustCompile(`<a href="(/cases/alpha/people/[^"]+)">`).FindStringSubmatch(sec)
		if person == nil {
			t.Fatalf("the counterparty of the platform payment is not linked:\n%s", sec)
		}
		res, other := b.get(html.UnescapeString(person[1]))
		if res.StatusCode != http.StatusOK || !strings.Contains(other, "received from") || !strings.Contains(other, "possible victim to safeguard") {
			t.Errorf("the payee's page: %d, lacks the received flow or its flag", res.StatusCode)
		}
	})
}
