package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

// personView is one person's page.
type personView struct {
	Case string
	investigation.PersonPage
	Next     string       // the next page of the person's messages ("" when none)
	Payments []paymentRow // paid, then received
}

// paymentRow is one payment flow of the person's page with the links
// behind it.
type paymentRow struct {
	Paid bool // the person paid (else received)
	investigation.PaymentFlow
	Counterparty string // the counterparty's person page ("" when not a person of the case)
	Message      string // the chat page that opens at the message behind the event ("" for platform rows)
}

// personShow is a person of a case: identifiers, sources, countries with
// their evidence, payments, stealer-log hits and a page of their messages.
func (u *UI) personShow(w http.ResponseWriter, r *http.Request) error {
	caseName, id := r.PathValue("case"), r.PathValue("person")
	after, err := cursorParam(r, "after")
	if err != nil {
		return err
	}
	p, err := u.svc.PersonPage(r.Context(), caseName, id, after, chatPage)
	if err != nil {
		return err
	}
	v := personView{Case: caseName, PersonPage: p}
	base := "/cases/" + url.PathEscape(caseName)
	if p.Messages.After != 0 {
		v.Next = base + "/people/" + url.PathEscape(p.Person.ID) + "?after=" + strconv.FormatInt(p.Messages.After, 10) + "#messages"
	}
	row := func(paid bool, f investigation.PaymentFlow) paymentRow {
		pr := paymentRow{Paid: paid, PaymentFlow: f}
		if f.Counterparty.Person != "" {
			pr.Counterparty = base + "/people/" + url.PathEscape(f.Counterparty.Person)
		}
		if f.Chat != "" && f.MessagePos > 0 {
			pr.Message = base + "/chats/" + url.PathEscape(f.Chat) + "?after=" + strconv.FormatInt(f.MessagePos-1, 10)
		}
		return pr
	}
	for _, f := range p.Person.Paid {
		v.Payments = append(v.Payments, row(true, f))
	}
	for _, f := range p.Person.Received {
		v.Payments = append(v.Payments, row(false, f))
	}
	return u.render(w, r, http.StatusOK, "person", p.Person.Name+" · "+caseName, "cases", v)
}
