package payment

import (
	"fmt"
	"strings"
	"testing"
)

func events(msgs ...Message) []string {
	f := NewFinder("")
	for _, m := range msgs {
		f.Add(m)
	}
	var out []string
	for _, e := range f.Events() {
		out = append(out, fmt.Sprintf("%s#%d %s payer=%d/%s payee=%d/%s %s %s (%s)", e.Message, e.Item, e.Rule, e.Payer.Sender, e.Payer.Key,
			e.Payee.Sender, e.Payee.Key, e.Amount.Value, e.Amount.Currency, e.AmountMessage))
	}
	return out
}

// The people of the tests: 1 Rowan (buyer), 2 Casey (seller), 3 Blake.
func TestFinderRules(t *testing.T) {
	iban := "iban:GB82WEST12345698765432"
	for _, c := range []struct {
		name string
		msgs []Message
		want string
	}{
		{"request in one message, payer replies",
			[]Message{{ID: "1", Sender: 2, Name: "Casey", Text: "150 EUR to IBAN GB82 WEST 1234 5698 7654 32"},
				{ID: "2", Sender: 1, Name: "Rowan", ReplyTo: "1", Text: "ok"}},
			"1#1 request payer=1/ payee=2/" + iban + " 150 EUR (1)"},
		{"request without a reply: no payer",
			[]Message{{ID: "1", Sender: 2, Text: "pay €150 to GB82WEST12345698765432"}},
			"1#1 request payer=0/ payee=2/" + iban + " 150 EUR (1)"},
		{"paid to, in one message",
			[]Message{{ID: "7", Sender: 1, Text: "sent 150 EUR to GB82WEST12345698765432 just now"}},
			"7#1 paid-to payer=1/ payee=0/" + iban + " 150 EUR (7)"},
		{"amount asked, identifier in the reply",
			[]Message{{ID: "1", Sender: 1, Text: "I can do 150 EUR"},
				{ID: "2", Sender: 2, ReplyTo: "1", Text: "send to GB82 WEST 1234 5698 7654 32"}},
			"2#1 request payer=1/ payee=2/" + iban + " 150 EUR (1)"},
		{"identifier first, amount in the reply",
			[]Message{{ID: "1", Sender: 2, Text: "my paypal: paypal.me/CaseyExample"},
				{ID: "2", Sender: 1, ReplyTo: "1", Text: "ok, $40 coming"}},
			"1#1 request payer=1/ payee=2/paypal:caseyexample 40 USD (2)"},
		{"a card pays",
			[]Message{{ID: "1", Sender: 2, Text: "card 4111 1111 1111 1111 for the 60 EUR"},
				{ID: "2", Sender: 3, ReplyTo: "1", Text: "thanks"}},
			"1#1 card payer=2/card:visa:1111 payee=3/ 60 EUR (1)"},
		{"two identifiers, one amount each",
			[]Message{{ID: "1", Sender: 2, Text: "0.0015 BTC to bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z or $alex_example for $50"}},
			"1#1 request payer=0/ payee=2/btc:bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z 0.0015 BTC (1)|" +
				"1#2 request payer=0/ payee=2/cashapp:alex_example 50 USD (1)"},
		// Near-misses: no amount, an amount too far, a reply by the same
		// sender, a parent with two amounts, a number without currency.
		{"identifier without an amount", []Message{{ID: "1", Sender: 2, Text: "IBAN GB82WEST12345698765432"}}, ""},
		{"amount too far", []Message{{ID: "1", Sender: 2, Text: "150 EUR" + strings.Repeat(" blah", 40) + " GB82WEST12345698765432"}}, ""},
		{"self reply", []Message{{ID: "1", Sender: 2, Text: "150 EUR"}, {ID: "2", Sender: 2, ReplyTo: "1", Text: "GB82WEST12345698765432"}}, ""},
		{"ambiguous parent", []Message{{ID: "1", Sender: 1, Text: "100 EUR or 150 EUR"}, {ID: "2", Sender: 2, ReplyTo: "1", Text: "GB82WEST12345698765432"}}, ""},
		{"no currency", []Message{{ID: "1", Sender: 2, Text: "150 to GB82WEST12345698765432"}}, ""},
		{"a BIC is no means", []Message{{ID: "1", Sender: 2, Text: "150 EUR, BIC: NWBKGB2L"}}, ""},
	} {
		if got := strings.Join(events(c.msgs...), "|"); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestFinderEvidence(t *testing.T) {
	f := NewFinder("")
	f.Add(Message{ID: "1", Sender: 2, Name: "Casey", Text: "card 4111 1111 1111 1111 for the 60 EUR", AtUTC: "2024-03-02T09:00:00Z"})
	es := f.Events()
	if len(es) != 1 || es[0].AtUTC != "2024-03-02T09:00:00Z" || es[0].Method != "card" {
		t.Fatalf("%+v", es)
	}
	if ev := es[0].Evidence; !strings.Contains(ev, "visa card ending 1111") || strings.Contains(ev, "4111 1111") {
		t.Fatalf("evidence %q", ev)
	}
}
