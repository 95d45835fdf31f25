package store

import (
	"context"
	"strings"
)

// SenderMessage is a message with the conversation it belongs to.
type SenderMessage struct {
	MessageRow
	ConversationID int64
}

// MessagesBySenders lists the messages of a case sent by any of senders
// (participant rows) in time order, then by row: at most limit whose
// time is at or after from (when not empty) and before to (when not
// empty). Messages without a time are left out.
func (q q) MessagesBySenders(ctx context.Context, caseID int64, senders []int64, from, to string, limit int) ([]SenderMessage, error) {
	if len(senders) == 0 {
		return nil, nil
	}
	args := []any{caseID}
	for _, s := range senders {
		args = append(args, s)
	}
	args = append(args, from, from, to, to, limit)
	rows, err := q.query(ctx, `SELECT m.id, m.ext_id, m.at_utc, m.utc_offset, COALESCE(m.sender_id, 0), COALESCE(p.display_name, ''), m.service,
		m.action, m.text, m.reply_to, m.forwarded_from, m.edited_at, m.conversation_id
		FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN participants p ON p.id = m.sender_id
		WHERE c.case_id = ? AND m.sender_id IN (?`+strings.Repeat(", ?", len(senders)-1)+`) AND m.at_utc <> ''
		AND (? = '' OR m.at_utc >= ?) AND (? = '' OR m.at_utc < ?) ORDER BY m.at_utc, m.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SenderMessage
	for rows.Next() {
		var m SenderMessage
		var service int64
		if err := rows.Scan(&m.ID, &m.ExtID, &m.AtUTC, &m.UTCOffset, &m.SenderID, &m.Sender, &service, &m.Action, &m.Text, &m.ReplyTo,
			&m.ForwardedFrom, &m.EditedAt, &m.ConversationID); err != nil {
			return nil, err
		}
		m.Service = service != 0
		out = append(out, m)
	}
	return out, rows.Err()
}

// FileDay counts a case's files of one status whose modification time
// falls on one day (UTC).
type FileDay struct {
	Day    string // YYYY-MM-DD
	Status string
	Files  int64
}

// FileDays counts a case's files by modification day and status, in day
// order. Files without a modification time are left out.
func (q q) FileDays(ctx context.Context, caseID int64) ([]FileDay, error) {
	rows, err := q.query(ctx, `SELECT substr(f.mtime, 1, 10) AS day, f.status, COUNT(*) FROM files f JOIN exhibits e ON e.id = f.exhibit_id
		WHERE e.case_id = ? AND f.mtime <> '' GROUP BY substr(f.mtime, 1, 10), f.status ORDER BY day, f.status`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileDay
	for rows.Next() {
		var d FileDay
		if err := rows.Scan(&d.Day, &d.Status, &d.Files); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
