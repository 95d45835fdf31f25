package store

import (
	"context"
	"strings"
)

// MessageRow is a stored message with its sender's name and, from
// MessagePage, its attachments.
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
	Conversation  string // the conversation's name (SenderMessages only)
	Attachments   []MessageAttachment
}

// MessageAttachment is an attachment of a message with the triage status
// of its file: what a page shows instead of the file.
type MessageAttachment struct {
	Kind     string
	FileName string
	RelPath  string
	Present  bool   // in the export, not only referenced
	FileID   int64  // the evidence file row; 0: not ingested
	Status   string // the file's status (matched, unknown, ignorable, error); "" when no file
	Category string // the best non-ignorable match's category (normalised when known)
	Series   string // and its series
}

// Messages pages a conversation of a case in the order it was imported
// (the export's order): at most limit messages whose row id is above
// after. A conversation of another case yields none.
func (q q) Messages(ctx context.Context, caseID, conversationID, after int64, limit int) ([]MessageRow, error) {
	return q.MessagePage(ctx, caseID, conversationID, MessageQuery{After: after, Limit: limit})
}

// MessageQuery selects one page of a conversation's messages by row id
// (the export's order), never by offset: a page at the end of a long
// conversation costs what a page at its start does.
type MessageQuery struct {
	After  int64 // messages after this row id (0: from the first)
	Before int64 // when > 0: the messages just before this row id
	Last   bool  // the last page (After and Before are ignored)
	// Search keeps only messages whose text contains it, ignoring the case
	// of ASCII letters.
	Search string
	Limit  int
}

// MessagePage returns up to q.Limit messages of a case's conversation, in
// the export's order, with each message's attachments and their files'
// triage labels, read in one query. With Before or Last the page is the
// one that ends there. A conversation of another case yields none.
func (q q) MessagePage(ctx context.Context, caseID, conversationID int64, mq MessageQuery) ([]MessageRow, error) {
	where, args := "c.case_id = ? AND m.conversation_id = ?", []any{caseID, conversationID}
	order := "m.id"
	switch {
	case mq.Last:
		order = "m.id DESC"
	case mq.Before > 0:
		where += " AND m.id < ?"
		args = append(args, mq.Before)
		order = "m.id DESC"
	default:
		where += " AND m.id > ?"
		args = append(args, mq.After)
	}
	if mq.Search != "" {
		where += ` AND LOWER(m.text) LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(strings.ToLower(mq.Search))+"%")
	}
	args = append(args, max(mq.Limit, 0))
	// The page is chosen by the index (conversation_id, id) first; only its
	// rows are joined to their attachments, files and best matches.
	rows, err := q.query(ctx, `WITH page AS (
		SELECT m.id, m.conversation_id, m.ext_id, m.at_utc, m.utc_offset, COALESCE(m.sender_id, 0) AS sender_id, m.service, m.action, m.text,
			m.reply_to, m.forwarded_from, m.edited_at
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE `+where+` ORDER BY `+order+` LIMIT ?)
		SELECT page.id, page.ext_id, page.at_utc, page.utc_offset, page.sender_id, COALESCE(p.display_name, ''), page.service, page.action, page.text,
			page.reply_to, page.forwarded_from, page.edited_at,
			COALESCE(a.id, 0), COALESCE(a.kind, ''), COALESCE(a.file_name, ''), COALESCE(a.rel_path, ''), COALESCE(a.present, 0), COALESCE(f.id, 0),
			COALESCE(f.status, ''),
			COALESCE((SELECT CASE WHEN fm.norm_category <> '' THEN fm.norm_category ELSE fm.category END FROM file_matches fm
				WHERE fm.file_id = f.id AND fm.bank_kind <> 'ignorable' ORDER BY fm.distance, fm.bank, fm.record_id LIMIT 1), ''),
			COALESCE((SELECT fm.series FROM file_matches fm
				WHERE fm.file_id = f.id AND fm.bank_kind <> 'ignorable' ORDER BY fm.distance, fm.bank, fm.record_id LIMIT 1), '')
		FROM page LEFT JOIN participants p ON p.id = page.sender_id
		LEFT JOIN attachments a ON a.conversation_id = page.conversation_id AND a.message_ext_id = page.ext_id
		LEFT JOIN files f ON f.id = a.file_id
		ORDER BY page.id, a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MessageRow
	for rows.Next() {
		var m MessageRow
		var a MessageAttachment
		var service, present, attachmentID int64
		if err := rows.Scan(&m.ID, &m.ExtID, &m.AtUTC, &m.UTCOffset, &m.SenderID, &m.Sender, &service, &m.Action, &m.Text, &m.ReplyTo, &m.ForwardedFrom, &m.EditedAt,
			&attachmentID, &a.Kind, &a.FileName, &a.RelPath, &present, &a.FileID, &a.Status, &a.Category, &a.Series); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != m.ID {
			m.Service = service != 0
			out = append(out, m)
		}
		if attachmentID != 0 {
			a.Present = present != 0
			last := &out[len(out)-1]
			last.Attachments = append(last.Attachments, a)
		}
	}
	return out, rows.Err()
}

// likeEscape escapes LIKE's wildcards (and the escape character) in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// SenderMessages pages the messages a case's participants sent (the
// people behind one person), by row id, with each one's conversation.
func (q q) SenderMessages(ctx context.Context, caseID int64, senderIDs []int64, after int64, limit int) ([]MessageRow, error) {
	if len(senderIDs) == 0 {
		return nil, nil
	}
	args := []any{caseID}
	for _, id := range senderIDs {
		args = append(args, id)
	}
	args = append(args, after, max(limit, 0))
	rows, err := q.query(ctx, `SELECT m.id, m.ext_id, m.at_utc, m.utc_offset, COALESCE(m.sender_id, 0), COALESCE(p.display_name, ''), m.service,
		m.action, m.text, m.reply_to, m.forwarded_from, m.edited_at, c.name
		FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN participants p ON p.id = m.sender_id
		WHERE c.case_id = ? AND m.sender_id IN (?`+strings.Repeat(", ?", len(senderIDs)-1)+`) AND m.id > ? ORDER BY m.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MessageRow
	for rows.Next() {
		var m MessageRow
		var service int64
		if err := rows.Scan(&m.ID, &m.ExtID, &m.AtUTC, &m.UTCOffset, &m.SenderID, &m.Sender, &service, &m.Action, &m.Text, &m.ReplyTo, &m.ForwardedFrom, &m.EditedAt,
			&m.Conversation); err != nil {
			return nil, err
		}
		m.Service = service != 0
		out = append(out, m)
	}
	return out, rows.Err()
}
