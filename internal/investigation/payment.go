package investigation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/payment"
	"github.com/vibora-project/vibora/internal/store"
)

// Sources of payment events.
const (
	PaymentFromChat     = "chat"     // an amount near a payment identifier in a message or its reply
	PaymentFromPlatform = "platform" // a mapped row of a seized platform's database
	PaymentFromManual   = "manual"   // entered by an analyst
)

// MaxPaymentBatch bounds the events of one RecordPayments call.
const MaxPaymentBatch = 50_000

// PaymentParty is one side of a payment: an identifier key (an IBAN, a
// card, a payment handle, a crypto address: "iban:DE89…", "btc:bc1…";
// a raw value is normalised, a card number kept as brand and last four
// only), and/or a person source of the case (SubjectType "participant",
// "lead", "account" or an importer's own, such as a platform user, with
// its row id), with the name the source shows. Any of the three may be
// empty; a party with none is unknown.
type PaymentParty struct {
	Key         string
	SubjectType string
	SubjectID   int64
	Name        string
	// canonical: Key is an identifier key the identifier package made
	// (a platform import's wallet address), not normalised again. An
	// Ethereum address's checksum is a Keccak hash: 0.7 CPU seconds of a
	// full-scale platform import went to normalising each payee again.
	canonical bool
}

func (p PaymentParty) known() bool { return p.Key != "" || p.SubjectID != 0 || p.Name != "" }

// key is the party's identifier key, normalised (PaymentKey) unless it
// is canonical already.
func (p PaymentParty) key() (string, error) {
	if p.canonical {
		return p.Key, nil
	}
	return PaymentKey(p.Key)
}

// PaymentEvent is one payment to record. Source and SourceRef name it
// within the case (SourceRef: the message or the dump row it comes from,
// unique for the source): recording it again changes nothing.
type PaymentEvent struct {
	Source         string // PaymentFromChat, PaymentFromPlatform, PaymentFromManual
	SourceRef      string
	ConversationID int64  // chat: the conversation row
	MessageExtID   string // chat: the message
	ExhibitID      int64  // the exhibit the source came from (0: none)
	Payer, Payee   PaymentParty
	Amount         string // decimal text as payment.Parse reads it ("150.00", "1.500,00"); "" unknown
	Currency       string // ISO 4217 or crypto ticker; "" unknown
	At             time.Time
	Method         string // the means: an identifier kind (iban, card, btc, paypal…) or a short word
	TxID           string
	Evidence       string // how the event was found, in a sentence
}

// PaymentRejection is an event that was not recorded, and why.
type PaymentRejection struct {
	SourceRef string `json:"source_ref"`
	Reason    string `json:"reason"`
}

// PaymentsRecorded is what RecordPayments did.
type PaymentsRecorded struct {
	Case     string             `json:"case"`
	Events   int                `json:"events"`   // given
	New      int64              `json:"new"`      // stored now
	Existing int64              `json:"existing"` // stored before (a rerun)
	Rejected []PaymentRejection `json:"rejected"` // not valid, not stored
}

// RecordPayments stores payment events of a case in one audited
// transaction; it needs write access to the case. Events already stored
// (same source and reference) are left as they are, so a rerun changes
// nothing. An event that is not valid (no reference, an identifier key
// that does not validate, an amount that is not a decimal, no party at
// all) is not stored and is listed in Rejected; the others are.
func (s *Service) RecordPayments(ctx context.Context, caseName string, events []PaymentEvent) (PaymentsRecorded, error) {
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return PaymentsRecorded{}, err
	}
	if len(events) > MaxPaymentBatch {
		return PaymentsRecorded{}, fmt.Errorf("%d payment events in one batch, at most %d: %w", len(events), MaxPaymentBatch, ErrInvalid)
	}
	var res PaymentsRecorded
	ch := &change{action: "payment.record", object: "case:" + c.Name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		var err error
		res, err = s.recordPayments(ctx, tx, c, events)
		ch.detail = map[string]int64{"events": int64(res.Events), "new": res.New, "rejected": int64(len(res.Rejected))}
		return err
	})
	if err != nil {
		return PaymentsRecorded{}, err
	}
	return res, nil
}

// recordPayments validates and stores events of case c inside an
// importer's own transaction (a chat or platform import records its
// payment events with the rows they come from).
func (s *Service) recordPayments(ctx context.Context, tx *store.Tx, c store.Case, events []PaymentEvent) (PaymentsRecorded, error) {
	res := PaymentsRecorded{Case: c.Name, Events: len(events), Rejected: []PaymentRejection{}}
	rows := make([]store.Payment, 0, len(events))
	seen := map[string]bool{}
	now, actor := s.timestamp(), s.actor(ctx)
	for _, e := range events {
		p, err := paymentRow(c.ID, e)
		if err != nil {
			ref := e.SourceRef
			if checkText("ref", ref, MaxNameLen) != nil {
				ref = "(invalid)"
			}
			res.Rejected = append(res.Rejected, PaymentRejection{SourceRef: ref, Reason: err.Error()})
			continue
		}
		k := p.SourceKind + "\x00" + p.SourceRef
		if seen[k] {
			res.Existing++ // the same event twice in one batch
			continue
		}
		seen[k] = true
		p.CreatedAt, p.CreatedBy = now, actor
		rows = append(rows, p)
	}
	n, err := tx.InsertPayments(ctx, rows)
	if err != nil {
		return res, err
	}
	res.New = n
	res.Existing += int64(len(rows)) - n
	return res, nil
}

// paymentRow checks and normalises one event.
func paymentRow(caseID int64, e PaymentEvent) (store.Payment, error) {
	switch e.Source {
	case PaymentFromChat, PaymentFromPlatform, PaymentFromManual:
	default:
		return store.Payment{}, fmt.Errorf("source %q: want chat, platform or manual", clipText(e.Source))
	}
	if strings.TrimSpace(e.SourceRef) == "" {
		return store.Payment{}, fmt.Errorf("no source reference")
	}
	for _, t := range []struct{ what, v string }{
		{"source reference", e.SourceRef}, {"message id", e.MessageExtID}, {"payer name", e.Payer.Name}, {"payee name", e.Payee.Name},
		{"payer subject type", e.Payer.SubjectType}, {"payee subject type", e.Payee.SubjectType}, {"transaction id", e.TxID}, {"method", e.Method},
	} {
		if err := checkText(t.what, t.v, MaxNameLen); err != nil {
			return store.Payment{}, err
		}
	}
	if err := checkText("evidence", e.Evidence, 4*MaxNameLen); err != nil {
		return store.Payment{}, err
	}
	if !e.Payer.known() && !e.Payee.known() {
		return store.Payment{}, fmt.Errorf("neither payer nor payee is known")
	}
	payer, err := e.Payer.key()
	if err != nil {
		return store.Payment{}, fmt.Errorf("payer: %w", err)
	}
	payee, err := e.Payee.key()
	if err != nil {
		return store.Payment{}, fmt.Errorf("payee: %w", err)
	}
	p := store.Payment{CaseID: caseID, SourceKind: e.Source, SourceRef: e.SourceRef, ConversationID: e.ConversationID, MessageExtID: e.MessageExtID,
		ExhibitID: e.ExhibitID, PayerKey: payer, PayerSubjectType: e.Payer.SubjectType, PayerSubjectID: e.Payer.SubjectID, PayerName: e.Payer.Name,
		PayeeKey: payee, PayeeSubjectType: e.Payee.SubjectType, PayeeSubjectID: e.Payee.SubjectID, PayeeName: e.Payee.Name,
		Method: strings.ToLower(strings.TrimSpace(e.Method)), TxID: strings.TrimSpace(e.TxID), Evidence: e.Evidence}
	if e.Currency != "" {
		if p.Currency, err = payment.Currency(e.Currency); err != nil {
			return store.Payment{}, err
		}
	}
	if e.Amount != "" {
		if p.Amount, err = payment.Parse(e.Amount, p.Currency); err != nil {
			return store.Payment{}, err
		}
	}
	if !e.At.IsZero() {
		p.AtUTC = e.At.UTC().Format(time.RFC3339)
	}
	return p, nil
}

// PaymentKey checks and normalises an identifier key of a payment party
// ("iban:GB82 WEST 1234 5698 7654 32" -> "iban:GB82WEST12345698765432");
// "" stays "". A card key keeps only the brand and the last four digits.
// A username key may carry a platform ("username:telegram:name").
func PaymentKey(key string) (string, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return "", nil
	}
	kind, v, ok := strings.Cut(key, ":")
	k := identifier.Kind(kind)
	if !ok || !identifier.IsKind(k) {
		return "", fmt.Errorf("identifier key %q: want kind:value with a known kind: %w", clipText(kind), ErrInvalid)
	}
	if k == identifier.KindUsername {
		platform, name, scoped := strings.Cut(v, ":")
		if !scoped {
			platform, name = "", v
		}
		n, err := identifier.Normalize(k, name, identifier.NormalizeOptions{})
		if err != nil {
			return "", fmt.Errorf("identifier key: %w: %w", err, ErrInvalid)
		}
		if platform != "" {
			n = strings.ToLower(platform) + ":" + n
		}
		return identifier.Key(k, n), nil
	}
	n, err := identifier.Normalize(k, v, identifier.NormalizeOptions{})
	if err != nil {
		// The error names the kind, never the value: a card number must
		// not reach a log or a rejection list.
		return "", fmt.Errorf("identifier key of kind %s does not validate: %w", k, ErrInvalid)
	}
	return identifier.Key(k, n), nil
}

func clipText(s string) string {
	if len(s) > 32 {
		s = s[:32] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
