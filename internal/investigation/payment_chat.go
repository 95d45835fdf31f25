package investigation

import (
	"context"
	"fmt"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/payment"
	"github.com/vibora-project/vibora/internal/store"
)

// chatPaymentPage is how many messages a payment scan reads at a time.
const chatPaymentPage = 2000

// DetectPayments reads the stored messages of every conversation of a
// case and records the payment events they hold (an amount near a payment
// identifier in a message or its reply; docs/payments.md). A chat import
// does this for its own conversations; this is for conversations imported
// before, or after the rules changed. Events already recorded stay as
// they are; a scan that finds nothing writes nothing (no audit record).
// It needs write access to the case.
func (s *Service) DetectPayments(ctx context.Context, caseName string) (PaymentsRecorded, error) {
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return PaymentsRecorded{}, err
	}
	return s.detectChatPayments(ctx, c, nil)
}

// detectChatPayments finds and records the payment events of the
// conversations convIDs of case c (every conversation when nil), in one
// audited transaction.
func (s *Service) detectChatPayments(ctx context.Context, c store.Case, convIDs []int64) (PaymentsRecorded, error) {
	events, err := s.chatPaymentEvents(ctx, c, convIDs)
	if err != nil {
		return PaymentsRecorded{}, err
	}
	if len(events) == 0 {
		// Nothing found: nothing to change, nothing to audit.
		return PaymentsRecorded{Case: c.Name, Rejected: []PaymentRejection{}}, nil
	}
	var res PaymentsRecorded
	ch := &change{action: "payment.detect", object: "case:" + c.Name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		var err error
		res, err = s.recordPayments(ctx, tx, c, events)
		ch.detail = map[string]int64{"conversations": int64(len(convIDs)), "events": int64(res.Events), "new": res.New, "rejected": int64(len(res.Rejected))}
		return err
	})
	return res, err
}

// chatPaymentEvents reads the conversations' messages in order and turns
// what payment.Finder finds into events to record.
func (s *Service) chatPaymentEvents(ctx context.Context, c store.Case, convIDs []int64) ([]PaymentEvent, error) {
	convs, err := s.db.Conversations(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("conversations of case %s: %w", c.Name, err)
	}
	want := map[int64]bool{}
	for _, id := range convIDs {
		want[id] = true
	}
	var out []PaymentEvent
	for _, conv := range convs {
		if convIDs != nil && !want[conv.ID] {
			continue
		}
		platform := conv.Platform
		if platform != "telegram" && platform != "discord" {
			platform = ""
		}
		f := payment.NewFinder("")
		var after int64
		for {
			page, err := s.db.Messages(ctx, c.ID, conv.ID, after, chatPaymentPage)
			if err != nil {
				return nil, fmt.Errorf("messages of %s %q: %w", conv.Platform, conv.Name, err)
			}
			for _, m := range page {
				if m.Service {
					continue
				}
				f.Add(payment.Message{ID: m.ExtID, Sender: m.SenderID, Name: m.Sender, ReplyTo: m.ReplyTo, AtUTC: m.AtUTC, Text: m.Text, Platform: platform})
			}
			if len(page) < chatPaymentPage {
				break
			}
			after = page[len(page)-1].ID
		}
		for _, e := range f.Events() {
			out = append(out, chatPaymentEvent(conv.Conversation, e))
		}
	}
	return out, nil
}

func chatPaymentEvent(conv store.Conversation, e payment.Event) PaymentEvent {
	party := func(p payment.Party) PaymentParty {
		pp := PaymentParty{Key: p.Key, Name: p.Name}
		if p.Sender != 0 {
			pp.SubjectType, pp.SubjectID = subjectParticipant, p.Sender
		}
		return pp
	}
	at, _ := time.Parse(time.RFC3339, e.AtUTC)
	return PaymentEvent{
		Source:         PaymentFromChat,
		SourceRef:      fmt.Sprintf("%s conversation %s message %s #%d", conv.Platform, conv.ExtID, e.Message, e.Item),
		ConversationID: conv.ID, MessageExtID: e.Message, ExhibitID: conv.ExhibitID,
		Payer: party(e.Payer), Payee: party(e.Payee),
		Amount: e.Amount.Value, Currency: e.Amount.Currency, At: at, Method: e.Method,
		Evidence: e.Rule + ": " + e.Evidence,
	}
}
