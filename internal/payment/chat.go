package payment

import (
	"fmt"
	"strings"

	"github.com/vibora-project/vibora/internal/identifier"
)

// Message is one chat message as the finder needs it, in the
// conversation's order.
type Message struct {
	ID       string
	Sender   int64 // the sender's participant row (0: unknown)
	Name     string
	ReplyTo  string // the id of the message it answers ("": none)
	AtUTC    string
	Text     string
	Platform string // "telegram", "discord"…: the @mention rules
}

// Party is one side of an event found in a chat.
type Party struct {
	Sender int64  // a participant row (0: none)
	Name   string // the participant's name
	Key    string // an identifier key (the means of payment)
}

// Event is a payment found in a conversation.
type Event struct {
	Message       string // the message with the payment identifier
	AmountMessage string // the message with the amount (the same, its parent or a reply)
	Item          int    // 1-based: the identifier's position among the message's payment identifiers
	AtUTC         string
	Payer, Payee  Party
	Amount        Amount
	Method        string // the identifier's kind (iban, card, paypal, btc…)
	Rule          string // which rule decided payer and payee (see docs/payments.md)
	Evidence      string // the rule's sentence
}

// Rules that decide who paid whom.
const (
	// RulePaidTo: the sender writes that they paid ("sent", "paid",
	// "done"…) to the identifier: payer = sender, payee = the identifier
	// (its owner when known).
	RulePaidTo = "paid-to"
	// RuleRequest: the sender posts the identifier with an amount, or
	// answers an amount with it ("send it to X", "my IBAN is X"): payee =
	// the sender (and the identifier), payer = the other sender of the
	// pair, else the first other participant who replies to the message.
	RuleRequest = "request"
	// RuleCardPaid: a card is the payer's means: payer = the sender with
	// the card, payee = the other sender of the pair or the first other
	// replier.
	RuleCardPaid = "card"
)

// MaxDistance is how far (in bytes) an amount may be from the identifier
// in one message.
const MaxDistance = 160

type found struct {
	msg     Message
	ids     []identifier.Identifier // payment identifiers
	amounts []Amount
	paid    bool // a "paid" word: the sender reports a payment made
	replier *Message
}

// Finder collects the messages of one conversation and finds its payment
// events. Only messages with an amount or a payment identifier are kept,
// and the first reply to each of them by another sender.
type Finder struct {
	region string
	kept   map[string]*found
	order  []*found
}

// NewFinder returns a Finder; region (ISO 3166-1) is the default region
// for phone numbers, as the chat import uses it.
func NewFinder(region string) *Finder {
	return &Finder{region: region, kept: map[string]*found{}}
}

// Add reads one message.
func (f *Finder) Add(m Message) {
	if parent := f.kept[m.ReplyTo]; m.ReplyTo != "" && parent != nil && parent.replier == nil && m.Sender != parent.msg.Sender && m.Sender != 0 {
		r := m
		r.Text = ""
		parent.replier = &r
	}
	if m.Text == "" || !mayHoldPayment(m.Text) {
		return
	}
	fd := &found{msg: m, amounts: Amounts(m.Text)}
	for _, id := range identifier.Extract([]byte(m.Text), identifier.ExtractOptions{DefaultRegion: f.region, Platform: m.Platform}) {
		if identifier.IsPaymentKind(id.Kind) {
			fd.ids = append(fd.ids, id)
		}
	}
	if len(fd.ids) == 0 && len(fd.amounts) == 0 {
		return
	}
	fd.paid = paidWord(m.Text)
	fd.msg.Text = ""
	if _, dup := f.kept[m.ID]; !dup {
		f.kept[m.ID] = fd
		f.order = append(f.order, fd)
	}
}

// mayHoldPayment: a message without a digit and without '$', '@' or '/'
// holds no amount and no payment identifier.
func mayHoldPayment(t string) bool {
	return strings.ContainsAny(t, "0123456789$@/")
}

// paidWords report a payment made ("sent", "paid", "done"), in the
// languages of the synthetic fixtures and the usual neighbours.
var paidWords = []string{"sent", "paid", "transferred", "wired", "done", "gesendet", "bezahlt", "überwiesen", "pagado", "enviado",
	"transferido", "payé", "envoyé", "viré", "betaald", "overgemaakt", "pagato", "inviato", "bonificato", "zapłacone", "wysłane"}

func paidWord(t string) bool {
	low := strings.ToLower(t)
	for _, w := range paidWords {
		for i := 0; ; {
			j := strings.Index(low[i:], w)
			if j < 0 {
				break
			}
			a, b := i+j, i+j+len(w)
			if (a == 0 || !isLetter(low[a-1])) && (b == len(low) || !isLetter(low[b])) {
				return true
			}
			i = b
		}
	}
	return false
}

// Events returns the conversation's payment events, in message order.
func (f *Finder) Events() []Event {
	var out []Event
	for _, fd := range f.order {
		item := 0
		for _, id := range fd.ids {
			item++
			amt, from, ok := f.amountFor(fd, id)
			if !ok {
				continue
			}
			out = append(out, f.event(fd, id, item, amt, from))
		}
	}
	return out
}

// amountFor finds the amount of identifier id of message fd: the nearest
// in the same message within MaxDistance, else the only amount of the
// message it replies to, else of the first reply to it by another sender.
func (f *Finder) amountFor(fd *found, id identifier.Identifier) (Amount, *found, bool) {
	best, dist := -1, MaxDistance+1
	for i, a := range fd.amounts {
		d := a.Offset - (id.Offset + len(id.Value))
		if a.Offset+a.Len <= id.Offset {
			d = id.Offset - (a.Offset + a.Len)
		} else if a.Offset < id.Offset+len(id.Value) {
			continue // inside the identifier ("paypal.me/alex/25EUR" has its own)
		}
		if d < dist {
			best, dist = i, d
		}
	}
	if best >= 0 {
		return fd.amounts[best], fd, true
	}
	if p := f.kept[fd.msg.ReplyTo]; fd.msg.ReplyTo != "" && p != nil && p.msg.Sender != fd.msg.Sender && len(p.amounts) == 1 && len(p.ids) == 0 {
		return p.amounts[0], p, true
	}
	if fd.replier != nil {
		if r := f.kept[fd.replier.ID]; r != nil && len(r.amounts) == 1 && len(r.ids) == 0 {
			return r.amounts[0], r, true
		}
	}
	return Amount{}, nil, false
}

func (f *Finder) event(fd *found, id identifier.Identifier, item int, amt Amount, from *found) Event {
	e := Event{Message: fd.msg.ID, AmountMessage: from.msg.ID, Item: item, AtUTC: fd.msg.AtUTC, Amount: amt, Method: string(id.Kind)}
	sender := Party{Sender: fd.msg.Sender, Name: fd.msg.Name}
	// The counterpart: the other sender of the pair, else the first other
	// participant who replied.
	var other Party
	switch {
	case from != fd:
		other = Party{Sender: from.msg.Sender, Name: from.msg.Name}
	case fd.replier != nil:
		other = Party{Sender: fd.replier.Sender, Name: fd.replier.Name}
	}
	what := describe(id)
	amount := amt.Value + " " + amt.Currency
	where := "in the same message"
	if from != fd {
		where = "in message " + from.msg.ID + " by " + nameOr(from.msg.Name)
	}
	switch {
	case id.Kind == identifier.KindCard:
		e.Rule = RuleCardPaid
		sender.Key = id.Key()
		e.Payer, e.Payee = sender, other
		e.Evidence = fmt.Sprintf("%s posted %s, a card (the payer's means), with %s %s", nameOr(fd.msg.Name), what, amount, where)
	case fd.paid:
		e.Rule = RulePaidTo
		e.Payer, e.Payee = sender, Party{Key: id.Key()}
		e.Evidence = fmt.Sprintf("%s wrote that they paid %s to %s %s", nameOr(fd.msg.Name), amount, what, where)
	default:
		e.Rule = RuleRequest
		sender.Key = id.Key()
		e.Payee, e.Payer = sender, other
		e.Evidence = fmt.Sprintf("%s posted %s to be paid %s %s", nameOr(fd.msg.Name), what, amount, where)
		if other.Sender == 0 && other.Name == "" {
			e.Evidence += "; no payer seen (no other participant replied)"
		} else if from == fd {
			e.Evidence += "; " + nameOr(other.Name) + " replied"
		}
	}
	return e
}

func nameOr(n string) string {
	if n == "" {
		return "an unknown sender"
	}
	return n
}

// describe names an identifier for evidence: a card by brand and last
// four only.
func describe(id identifier.Identifier) string {
	switch id.Kind {
	case identifier.KindCard:
		brand, last, _ := strings.Cut(id.Normalized, ":")
		return brand + " card ending " + last
	case identifier.KindIBAN:
		return "IBAN " + id.Normalized
	}
	return id.Key()
}
