package store

import "context"

// MessageRow is a stored message with its sender's name.
type MessageRow struct {
	ID            int64 // the row id: the page cursor
	ExtID         string
	AtUTC         string
	UTCOffset     string
	SenderID      int64 // 0: none
	Sender        string
	Service       bool
	Action        string
	Text          string
	ReplyTo       string
	ForwardedFrom string
	EditedAt      string
}

// Messages pages a conversation of a case in the order it was imported
// (the export's order): at most limit messages whose row id is above
// after. A conversation of another case yields none.
func (q q) Messages(ctx context.Context, caseID, conversationID, after int64, limit int) ([]MessageRow, error) {
	rows, err := q.query(ctx, `SELECT m.id, m.ext_id, m.at_utc, m.utc_offset, COALESCE(m.sender_id, 0), COALESCE(p.display_name, ''), m.service,
		m.action, m.text, m.reply_to, m.forwarded_from, m.edited_at
		FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN participants p ON p.id = m.sender_id
		WHERE c.case_id = ? AND m.conversation_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`, caseID, conversationID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MessageRow
	for rows.Next() {
		var m MessageRow
		var service int64
		if err := rows.Scan(&m.ID, &m.ExtID, &m.AtUTC, &m.UTCOffset, &m.SenderID, &m.Sender, &service, &m.Action, &m.Text, &m.ReplyTo, &m.ForwardedFrom, &m.EditedAt); err != nil {
			return nil, err
		}
		m.Service = service != 0
		out = append(out, m)
	}
	return out, rows.Err()
}
