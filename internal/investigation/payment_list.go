package investigation

import (
	"context"
	"fmt"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/store"
)

// PaymentPartyView is one side of a payment as `vibora payments --json`
// and the API print it.
type PaymentPartyView struct {
	Identifier string `json:"identifier,omitempty"` // key, e.g. iban:GB82WEST12345698765432
	Person     string `json:"person,omitempty"`     // the person's id in `vibora suspects`, when known
	Name       string `json:"name,omitempty"`
	// Country is the party's most likely country (the person's
	// attribution, else the identifier's own: an IBAN's or BIC's country
	// code), with the evidence.
	Country         string   `json:"country,omitempty"`
	CountryEvidence []string `json:"country_evidence,omitempty"`
}

// PaymentView is one payment event.
type PaymentView struct {
	Source       string           `json:"source"` // chat, platform, manual
	SourceRef    string           `json:"source_ref"`
	Platform     string           `json:"platform,omitempty"`     // chat: the conversation's platform
	Conversation string           `json:"conversation,omitempty"` // chat: the conversation's name
	Message      string           `json:"message,omitempty"`      // chat: the message id
	Exhibit      string           `json:"exhibit,omitempty"`
	Payer        PaymentPartyView `json:"payer"`
	Payee        PaymentPartyView `json:"payee"`
	Amount       string           `json:"amount,omitempty"` // exact decimal text
	Currency     string           `json:"currency,omitempty"`
	At           string           `json:"at,omitempty"` // RFC 3339 UTC
	Method       string           `json:"method,omitempty"`
	TxID         string           `json:"txid,omitempty"`
	Evidence     string           `json:"evidence,omitempty"`
	// CrossBorder: payer and payee are attributed to different countries.
	// Safeguard then says why the payee may be a victim to safeguard.
	CrossBorder bool   `json:"cross_border"`
	Safeguard   string `json:"safeguard,omitempty"`
}

// Payments lists the payment events of a case by time (read access), with
// each party's person and country where the case's evidence tells them.
func (s *Service) Payments(ctx context.Context, caseName string) ([]PaymentView, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Payments(ctx, store.PaymentFilter{CaseID: c.ID})
	if err != nil {
		return nil, fmt.Errorf("payments of case %s: %w", c.Name, err)
	}
	people, _, err := s.peopleOf(ctx, c)
	if err != nil {
		return nil, err
	}
	r := newPartyResolver(s, people)
	out := make([]PaymentView, 0, len(rows))
	for _, p := range rows {
		out = append(out, r.view(p))
	}
	return out, nil
}

// partyResolver finds the person and country of a payment's parties.
type partyResolver struct {
	s         *Service
	people    []Person
	bySubject map[subject]int // person index
	byKey     map[string]int  // person index of the strong carrier of a key
}

func newPartyResolver(s *Service, people []Person) *partyResolver {
	r := &partyResolver{s: s, people: people, bySubject: map[subject]int{}, byKey: map[string]int{}}
	for i, p := range people {
		for _, id := range p.participants {
			r.bySubject[subject{subjectParticipant, id}] = i
		}
		for _, id := range p.leads {
			r.bySubject[subject{subjectLead, id}] = i
		}
		for _, id := range p.accounts {
			r.bySubject[subject{subjectAccount, id}] = i
		}
		for _, k := range p.ownKeys {
			if _, dup := r.byKey[k]; !dup {
				r.byKey[k] = i
			}
		}
	}
	return r
}

// person returns the index of the party's person, or -1: its subject's
// person, else the person who holds its identifier as their own (a
// profile, an account, a stealer log, a platform row), not merely posted.
func (r *partyResolver) person(typ string, id int64, key string) int {
	if id != 0 {
		if i, ok := r.bySubject[subject{typ, id}]; ok {
			return i
		}
	}
	if key != "" {
		if i, ok := r.byKey[key]; ok {
			return i
		}
	}
	return -1
}

func (r *partyResolver) party(typ string, id int64, key, name string) PaymentPartyView {
	v := PaymentPartyView{Identifier: key, Name: name}
	if i := r.person(typ, id, key); i >= 0 {
		p := r.people[i]
		v.Person = p.ID
		if v.Name == "" {
			v.Name = p.Name
		}
		if len(p.Countries) > 0 {
			v.Country = p.Countries[0].Country
			v.CountryEvidence = evidenceLines(p.Countries[0])
			return v
		}
	}
	if key != "" {
		a := r.s.attributor()
		if cs := a.Attribute([]identifier.Signal{{Kind: identifier.SignalKey, Value: key}}); len(cs) > 0 {
			v.Country = cs[0].Country
			v.CountryEvidence = evidenceLines(cs[0])
		}
	}
	return v
}

func evidenceLines(c identifier.Candidate) []string {
	out := make([]string, 0, len(c.Evidence))
	for _, e := range c.Evidence {
		out = append(out, e.Identifier+": "+e.Reason)
	}
	return out
}

func (r *partyResolver) view(p store.Payment) PaymentView {
	v := PaymentView{Source: p.SourceKind, SourceRef: p.SourceRef, Platform: p.Platform, Conversation: p.Conversation, Message: p.MessageExtID,
		Exhibit: p.Exhibit, Amount: p.Amount, Currency: p.Currency, At: p.AtUTC, Method: p.Method, TxID: p.TxID, Evidence: p.Evidence,
		Payer: r.party(p.PayerSubjectType, p.PayerSubjectID, p.PayerKey, p.PayerName),
		Payee: r.party(p.PayeeSubjectType, p.PayeeSubjectID, p.PayeeKey, p.PayeeName)}
	if v.Payer.Country != "" && v.Payee.Country != "" && v.Payer.Country != v.Payee.Country {
		v.CrossBorder = true
		v.Safeguard = fmt.Sprintf("payee in %s (%s) paid from %s (%s): possible victim to safeguard in another country",
			v.Payee.Country, identifier.CountryName(v.Payee.Country), v.Payer.Country, identifier.CountryName(v.Payer.Country))
	}
	return v
}
