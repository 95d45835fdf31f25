package investigation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/store"
)

// Scoring of payments (docs/suspects.md, docs/payments.md). Paying is
// scored; being paid is not (a payee may be a victim), it is flagged.
const (
	WeightPayment    = 2.0 // per payment made, at most MaxPaymentScore
	MaxPaymentScore  = 10.0
	WeightPaidAbroad = 4.0 // once: paid a payee in another country (possible victim to safeguard)
)

// PaymentFlow is one payment a person made or received, as the person's
// page and `person show` list it.
type PaymentFlow struct {
	Counterparty PaymentPartyView `json:"counterparty"`
	Amount       string           `json:"amount,omitempty"`
	Currency     string           `json:"currency,omitempty"`
	At           string           `json:"at,omitempty"`
	Method       string           `json:"method,omitempty"`
	Source       string           `json:"source"` // e.g. "chat: telegram conversation 77 message 2 #1"
	CrossBorder  bool             `json:"cross_border"`
	// Chat and Message name the chat message behind a chat event: the
	// conversation as platform:id (its address in the UI and API) and the
	// message's id in it.
	Chat    string `json:"chat,omitempty"`
	Message string `json:"message,omitempty"`
	// MessagePos is the message's position in its conversation's pages
	// (a page from MessagePos-1 starts with it); 0 when not found.
	MessagePos int64 `json:"-"`
}

// fillPayments attaches the case's payment events to the persons who
// made and received them, and the safeguarding flags of cross-border
// payments.
func (s *Service) fillPayments(ctx context.Context, c store.Case, people []Person) error {
	rows, err := s.db.Payments(ctx, store.PaymentFilter{CaseID: c.ID})
	if err != nil || len(rows) == 0 {
		return err
	}
	r := newPartyResolver(s, people)
	for _, row := range rows {
		v := r.view(row)
		src := row.SourceKind + ": " + row.SourceRef
		flow := func(other PaymentPartyView) PaymentFlow {
			f := PaymentFlow{Counterparty: other, Amount: v.Amount, Currency: v.Currency, At: v.At, Method: v.Method, Source: src, CrossBorder: v.CrossBorder}
			if row.ChatExtID != "" {
				f.Chat, f.Message, f.MessagePos = row.Platform+":"+row.ChatExtID, row.MessageExtID, row.MessageID
			}
			return f
		}
		amount := strings.TrimSpace(v.Amount + " " + v.Currency)
		if i := r.person(row.PayerSubjectType, row.PayerSubjectID, row.PayerKey); i >= 0 {
			p := &people[i]
			p.Paid = append(p.Paid, flow(v.Payee))
			if v.CrossBorder {
				p.Safeguard = append(p.Safeguard, fmt.Sprintf("paid %s %s in %s from %s (%s): the payee may be a victim to safeguard",
					cmp.Or(amount, "an amount"), partyName(v.Payee), v.Payee.Country, v.Payer.Country, src))
			}
		}
		if i := r.person(row.PayeeSubjectType, row.PayeeSubjectID, row.PayeeKey); i >= 0 {
			p := &people[i]
			p.Received = append(p.Received, flow(v.Payer))
			if v.CrossBorder {
				p.Safeguard = append(p.Safeguard, fmt.Sprintf("received %s in %s from %s in %s (%s): possible victim to safeguard",
					cmp.Or(amount, "an amount"), v.Payee.Country, partyName(v.Payer), v.Payer.Country, src))
			}
		}
	}
	for i := range people {
		people[i].Safeguard = slices.Compact(people[i].Safeguard)
	}
	return nil
}

func partyName(p PaymentPartyView) string {
	return cmp.Or(p.Name, p.Person, p.Identifier, "an unknown party")
}

// paymentScore adds the payment reasons to a person's score.
func (p *Person) paymentScore(add func(float64, string)) {
	if len(p.Paid) == 0 {
		return
	}
	var countries []string
	abroad := false
	for _, f := range p.Paid {
		if f.Counterparty.Country != "" {
			countries = append(countries, f.Counterparty.Country)
		}
		abroad = abroad || f.CrossBorder
	}
	slices.Sort(countries)
	countries = slices.Compact(countries)
	to := ""
	if len(countries) > 0 {
		to = " to payees in " + strings.Join(countries, ", ")
	}
	add(min(WeightPayment*float64(len(p.Paid)), MaxPaymentScore), fmt.Sprintf("made %d payment(s)%s", len(p.Paid), to))
	if abroad {
		add(WeightPaidAbroad, "paid a payee in another country: possible victim to safeguard (see safeguard)")
	}
}
