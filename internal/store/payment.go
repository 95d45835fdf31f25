package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Payment is one payment event of a case: who paid whom, how much, when,
// by what means, and the message or dump row it comes from. A party is an
// identifier key (PayerKey: "iban:DE89…", "btc:bc1…", "card:visa:1111")
// and/or a person source (SubjectType "participant", "lead", "account" or
// an importer's own, with its row id) with the name the source shows.
// Amount is exact decimal text; a card is only ever brand and last four.
// (CaseID, SourceKind, SourceRef) names the event: recording it again
// changes nothing.
type Payment struct {
	ID               int64
	CaseID           int64
	SourceKind       string // chat, platform, manual
	SourceRef        string // the message or row behind the event, unique in the case and source kind
	ConversationID   int64  // chat events: the conversation (0: none)
	MessageExtID     string // chat events: the message
	ExhibitID        int64  // the exhibit the source came from (0: none)
	PayerKey         string
	PayerSubjectType string
	PayerSubjectID   int64
	PayerName        string
	PayeeKey         string
	PayeeSubjectType string
	PayeeSubjectID   int64
	PayeeName        string
	Amount           string // decimal text, "150.00"; "" when unknown
	Currency         string // ISO 4217 or a crypto ticker; "" when unknown
	AtUTC            string
	Method           string // the means: an identifier kind (iban, card, btc, paypal…) or a word
	TxID             string
	Evidence         string // how the event was found
	CreatedAt        string
	CreatedBy        string
	// Read back, not written.
	Conversation string // the conversation's name
	Platform     string // the conversation's platform
	Exhibit      string // the exhibit's label
	ChatExtID    string // the conversation's platform id
	MessageID    int64  // the message's row (0: not found), its position in the conversation's pages
}

// InsertPayments stores payment events, skipping those already stored
// (same case, source kind and source reference); it returns how many were
// new.
//
// On SQLite each event is one execution of a prepared single-row INSERT.
// A multi-row INSERT into a table with indexes and foreign keys, inside a
// transaction, opens a statement journal (it could fail halfway) and
// copies every page it changes there first; events land at random places
// in the payee index, so that was most of their cost: 31-40 µs an event
// against 21-30 in alternating runs of BenchmarkInsertPayments. On
// PostgreSQL, where a statement is a round trip, events go 200 to a
// statement.
func (tx *Tx) InsertPayments(ctx context.Context, ps []Payment) (int64, error) {
	if len(ps) == 0 {
		return 0, nil
	}
	if tx.dialect == SQLite {
		return tx.insertPaymentsSQLite(ctx, ps)
	}
	const perStmt = 200
	var total int64
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	args := make([]any, 0, min(len(ps), perStmt)*22)
	for len(ps) > 0 {
		n := min(len(ps), perStmt)
		st := stmts[n]
		if st == nil {
			var err error
			if st, err = tx.tx.PrepareContext(ctx, tx.rebind(insertPaymentsSQL(n))); err != nil {
				return total, fmt.Errorf("insert payments: %w", err)
			}
			stmts[n] = st
		}
		args = args[:0]
		for i := range ps[:n] {
			args = paymentValues(args, &ps[i])
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return total, fmt.Errorf("insert payments: %w", err)
		}
		k, _ := res.RowsAffected()
		total += k
		ps = ps[n:]
	}
	return total, nil
}

// paymentCols is how many values a payment event has (paymentValues).
const paymentCols = 22

// paymentValues appends p's values, in the order of insertPaymentsSQL.
func paymentValues(args []any, p *Payment) []any {
	return append(args, p.CaseID, p.SourceKind, p.SourceRef, nullID(p.ConversationID), p.MessageExtID, nullID(p.ExhibitID),
		p.PayerKey, p.PayerSubjectType, p.PayerSubjectID, p.PayerName, p.PayeeKey, p.PayeeSubjectType, p.PayeeSubjectID, p.PayeeName,
		p.Amount, p.Currency, p.AtUTC, p.Method, p.TxID, p.Evidence, p.CreatedAt, p.CreatedBy)
}

const insertPaymentsHead = `INSERT INTO payments (case_id, source_kind, source_ref, conversation_id, message_ext_id, exhibit_id,
		payer_key, payer_subject_type, payer_subject_id, payer_name, payee_key, payee_subject_type, payee_subject_id, payee_name,
		amount, currency, at_utc, method, txid, evidence, created_at, created_by) VALUES `

const insertPaymentsTail = " ON CONFLICT (case_id, source_kind, source_ref) DO NOTHING"

// insertPaymentsSQL is the INSERT of n payment events.
func insertPaymentsSQL(n int) string {
	var b strings.Builder
	b.WriteString(insertPaymentsHead)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	b.WriteString(insertPaymentsTail)
	return b.String()
}

// insertPaymentsSQLite inserts the events one a statement (see
// InsertPayments). A value every event of the call shares (the case, the
// source kind, who recorded them, no conversation...) is written into
// the statement, which is prepared once a call, and only the others are
// bound: each value bound costs a lock, a copy and an unbind in the
// driver. The events of a platform import bind 8 of their 22 values.
func (tx *Tx) insertPaymentsSQLite(ctx context.Context, ps []Payment) (int64, error) {
	vals := make([]any, 0, len(ps)*paymentCols)
	for i := range ps {
		vals = paymentValues(vals, &ps[i])
	}
	var row strings.Builder
	var keep []int
	row.WriteString("(")
	for c := range paymentCols {
		lit, ok := sqlLiteral(vals[c])
		for r := 1; r < len(ps) && ok; r++ {
			ok = sameValue(vals[r*paymentCols+c], vals[c])
		}
		if c > 0 {
			row.WriteString(",")
		}
		if ok {
			row.WriteString(lit)
		} else {
			row.WriteString("?")
			keep = append(keep, c)
		}
	}
	row.WriteString(")")
	st, err := tx.tx.PrepareContext(ctx, insertPaymentsHead+row.String()+insertPaymentsTail)
	if err != nil {
		return 0, fmt.Errorf("insert payments: %w", err)
	}
	defer st.Close()
	var total int64
	args := make([]any, len(keep))
	for r := range ps {
		for i, c := range keep {
			args[i] = vals[r*paymentCols+c]
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return total, fmt.Errorf("insert payments: %w", err)
		}
		k, _ := res.RowsAffected()
		total += k
	}
	return total, nil
}

// sqlLiteral is v (nil, an int64 or a string) as an SQL literal; ok is
// false for other values and for texts holding a NUL, which ends the text
// of a statement, or longer than 1,024 bytes.
func sqlLiteral(v any) (lit string, ok bool) {
	switch v := v.(type) {
	case nil:
		return "NULL", true
	case int64:
		return strconv.FormatInt(v, 10), true
	case string:
		if len(v) > 1024 || strings.IndexByte(v, 0) >= 0 {
			return "", false
		}
		return "'" + strings.ReplaceAll(v, "'", "''") + "'", true
	}
	return "", false
}

// sameValue reports whether a and b (nil, int64 or string) are the same
// value of the same type.
func sameValue(a, b any) bool {
	switch b := b.(type) {
	case nil:
		return a == nil
	case int64:
		x, ok := a.(int64)
		return ok && x == b
	case string:
		x, ok := a.(string)
		return ok && x == b
	}
	return false
}

// PaymentFilter selects the payments of a case.
type PaymentFilter struct {
	CaseID     int64
	SourceKind string // "": every kind
	Key        string // "": any; else payments whose payer or payee is this identifier key
}

// Payments lists a case's payment events by time, then id (events
// without a time last).
func (q q) Payments(ctx context.Context, f PaymentFilter) ([]Payment, error) {
	where := []string{"p.case_id = ?"}
	args := []any{f.CaseID}
	if f.SourceKind != "" {
		where = append(where, "p.source_kind = ?")
		args = append(args, f.SourceKind)
	}
	if f.Key != "" {
		where = append(where, "(p.payer_key = ? OR p.payee_key = ?)")
		args = append(args, f.Key, f.Key)
	}
	rows, err := q.query(ctx, `SELECT p.id, p.case_id, p.source_kind, p.source_ref, COALESCE(p.conversation_id, 0), p.message_ext_id, COALESCE(p.exhibit_id, 0),
		p.payer_key, p.payer_subject_type, p.payer_subject_id, p.payer_name, p.payee_key, p.payee_subject_type, p.payee_subject_id, p.payee_name,
		p.amount, p.currency, p.at_utc, p.method, p.txid, p.evidence, p.created_at, p.created_by,
		COALESCE(c.name, ''), COALESCE(c.platform, ''), COALESCE(e.label, ''), COALESCE(c.ext_id, ''), COALESCE(m.id, 0)
		FROM payments p LEFT JOIN conversations c ON c.id = p.conversation_id LEFT JOIN exhibits e ON e.id = p.exhibit_id
		LEFT JOIN messages m ON m.conversation_id = p.conversation_id AND m.ext_id = p.message_ext_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY CASE WHEN p.at_utc = '' THEN 1 ELSE 0 END, p.at_utc, p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("payments: %w", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		if err := rows.Scan(&p.ID, &p.CaseID, &p.SourceKind, &p.SourceRef, &p.ConversationID, &p.MessageExtID, &p.ExhibitID,
			&p.PayerKey, &p.PayerSubjectType, &p.PayerSubjectID, &p.PayerName, &p.PayeeKey, &p.PayeeSubjectType, &p.PayeeSubjectID, &p.PayeeName,
			&p.Amount, &p.Currency, &p.AtUTC, &p.Method, &p.TxID, &p.Evidence, &p.CreatedAt, &p.CreatedBy,
			&p.Conversation, &p.Platform, &p.Exhibit, &p.ChatExtID, &p.MessageID); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
