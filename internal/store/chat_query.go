package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// ConversationStats is a conversation with its counts.
type ConversationStats struct {
	Conversation
	Messages            int64
	ServiceMessages     int64
	Participants        int64
	Attachments         int64
	AttachmentsPresent  int64
	AttachmentsRefsOnly int64
	First               string
	Last                string
}

// Conversations lists a case's conversations with their counts.
func (q q) Conversations(ctx context.Context, caseID int64) ([]ConversationStats, error) {
	return q.conversationStats(ctx, caseID, 0)
}

// ConversationStats is one conversation of a case with its counts.
func (q q) ConversationStats(ctx context.Context, caseID, conversationID int64) (ConversationStats, error) {
	list, err := q.conversationStats(ctx, caseID, conversationID)
	if err != nil {
		return ConversationStats{}, err
	}
	if len(list) == 0 {
		return ConversationStats{}, fmt.Errorf("conversation %d: %w", conversationID, ErrNotFound)
	}
	return list[0], nil
}

// conversationStats lists a case's conversations (or the one, when
// conversationID is not 0) with their counts, each from one pass over
// the conversation's messages.
func (q q) conversationStats(ctx context.Context, caseID, conversationID int64) ([]ConversationStats, error) {
	scope, args := caseScope(caseID, conversationID)
	rows, err := q.query(ctx, `WITH msg AS (
			SELECT m.conversation_id, SUM(CASE WHEN m.service = 0 THEN 1 ELSE 0 END) AS messages, SUM(CASE WHEN m.service = 1 THEN 1 ELSE 0 END) AS service,
				MIN(m.at_utc) AS first, MAX(m.at_utc) AS last
			FROM messages m JOIN conversations c ON c.id = m.conversation_id
			WHERE `+scope+` GROUP BY m.conversation_id)
		SELECT c.id, c.case_id, COALESCE(c.exhibit_id, 0), c.platform, c.ext_id, c.name, c.type, c.source_path, c.imported_at,
		COALESCE(msg.messages, 0), COALESCE(msg.service, 0),
		(SELECT COUNT(*) FROM participants p WHERE p.conversation_id = c.id),
		(SELECT COUNT(*) FROM attachments a WHERE a.conversation_id = c.id),
		(SELECT COUNT(*) FROM attachments a WHERE a.conversation_id = c.id AND a.present = 1),
		COALESCE(msg.first, ''), COALESCE(msg.last, '')
		FROM conversations c LEFT JOIN msg ON msg.conversation_id = c.id
		WHERE `+scope+` ORDER BY c.platform, c.name, c.ext_id`,
		slices.Concat(args, args)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConversationStats
	for rows.Next() {
		var c ConversationStats
		if err := rows.Scan(&c.ID, &c.CaseID, &c.ExhibitID, &c.Platform, &c.ExtID, &c.Name, &c.Type, &c.SourcePath, &c.ImportedAt,
			&c.Messages, &c.ServiceMessages, &c.Participants, &c.Attachments, &c.AttachmentsPresent, &c.First, &c.Last); err != nil {
			return nil, err
		}
		c.AttachmentsRefsOnly = c.Attachments - c.AttachmentsPresent
		out = append(out, c)
	}
	return out, rows.Err()
}

// caseScope is the condition on conversations c that selects a case's
// conversations, or only one of them when conversationID is not 0. It is
// spelt out rather than written "c.id = ? OR ? = 0": PostgreSQL plans a
// prepared statement once for both, and scans every message of the case.
func caseScope(caseID, conversationID int64) (string, []any) {
	if conversationID == 0 {
		return "c.case_id = ?", []any{caseID}
	}
	return "c.case_id = ? AND c.id = ?", []any{caseID, conversationID}
}

// ConversationByExtID finds a case's conversation by its platform id (or
// name when the id does not match).
func (q q) ConversationByExtID(ctx context.Context, caseID int64, ref string) (Conversation, error) {
	var c Conversation
	err := q.queryRow(ctx, `SELECT id, case_id, COALESCE(exhibit_id, 0), platform, ext_id, name, type, source_path, imported_at FROM conversations
		WHERE case_id = ? AND (ext_id = ? OR name = ? OR platform || ':' || ext_id = ?) ORDER BY CASE WHEN platform || ':' || ext_id = ? THEN 0 WHEN ext_id = ? THEN 1 ELSE 2 END, id LIMIT 1`,
		caseID, ref, ref, ref, ref, ref).Scan(
		&c.ID, &c.CaseID, &c.ExhibitID, &c.Platform, &c.ExtID, &c.Name, &c.Type, &c.SourcePath, &c.ImportedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("conversation %q: %w", ref, ErrNotFound)
	}
	return c, err
}

// ParticipantActivity is what one participant did in a conversation.
type ParticipantActivity struct {
	Participant
	Conversation string
	Platform     string
	Messages     int64
	Forwards     int64
	First        string
	Last         string
	Attachments  int64
	Known        int64 // attachments matched in a known/watch/custom bank
	New          int64 // attachments that are unknown images
}

// Activity lists every participant of a case (or of one conversation)
// with their activity, counted in one pass over the messages and one over
// the attachments (not one per participant).
func (q q) Activity(ctx context.Context, caseID, conversationID int64) ([]ParticipantActivity, error) {
	scope, args := caseScope(caseID, conversationID)
	rows, err := q.query(ctx, `WITH msg AS (
			SELECT m.sender_id, SUM(CASE WHEN m.service = 0 THEN 1 ELSE 0 END) AS messages, SUM(CASE WHEN m.forwarded_from <> '' THEN 1 ELSE 0 END) AS forwards,
				MIN(m.at_utc) AS first, MAX(m.at_utc) AS last
			FROM messages m JOIN conversations c ON c.id = m.conversation_id
			WHERE `+scope+` AND m.sender_id IS NOT NULL GROUP BY m.sender_id),
		att AS (
			SELECT a.sender_id, COUNT(*) AS attachments, SUM(CASE WHEN f.status = 'matched' THEN 1 ELSE 0 END) AS known,
				SUM(CASE WHEN f.status = 'unknown' AND f.pdq <> '' THEN 1 ELSE 0 END) AS new
			FROM attachments a JOIN conversations c ON c.id = a.conversation_id LEFT JOIN files f ON f.id = a.file_id
			WHERE `+scope+` AND a.sender_id IS NOT NULL GROUP BY a.sender_id)
		SELECT p.id, p.conversation_id, p.ext_id, p.display_name, p.names, p.phone, p.username, p.role, c.name, c.platform,
		COALESCE(msg.messages, 0), COALESCE(msg.forwards, 0), COALESCE(msg.first, ''), COALESCE(msg.last, ''),
		COALESCE(att.attachments, 0), COALESCE(att.known, 0), COALESCE(att.new, 0)
		FROM participants p JOIN conversations c ON c.id = p.conversation_id
		LEFT JOIN msg ON msg.sender_id = p.id LEFT JOIN att ON att.sender_id = p.id
		WHERE `+scope+` ORDER BY c.id, p.id`,
		slices.Concat(args, args, args)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ParticipantActivity
	for rows.Next() {
		var a ParticipantActivity
		if err := rows.Scan(&a.ID, &a.ConversationID, &a.ExtID, &a.DisplayName, &a.Names, &a.Phone, &a.Username, &a.Role, &a.Conversation, &a.Platform,
			&a.Messages, &a.Forwards, &a.First, &a.Last, &a.Attachments, &a.Known, &a.New); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SharedFile is a file a participant posted, with its triage status.
type SharedFile struct {
	ParticipantID int64
	MessageExtID  string
	FileID        int64
	Path          string
	Status        string
	PDQ           string
}

// SharedFiles lists every attachment of a case linked to an ingested file.
func (q q) SharedFiles(ctx context.Context, caseID int64) ([]SharedFile, error) {
	rows, err := q.query(ctx, `SELECT COALESCE(a.sender_id, 0), a.message_ext_id, f.id, f.path, f.status, f.pdq FROM attachments a
		JOIN conversations c ON c.id = a.conversation_id JOIN files f ON f.id = a.file_id WHERE c.case_id = ? ORDER BY a.id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SharedFile
	for rows.Next() {
		var s SharedFile
		if err := rows.Scan(&s.ParticipantID, &s.MessageExtID, &s.FileID, &s.Path, &s.Status, &s.PDQ); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// EventView is a membership event with names resolved.
type EventView struct {
	ConversationID int64
	Message        string
	At             string
	Kind           string
	ActorID        int64
	Actor          string
	TargetID       int64
	Target         string
	Detail         string
}

// Events lists a case's membership events in time order.
func (q q) Events(ctx context.Context, caseID, conversationID int64) ([]EventView, error) {
	scope, args := caseScope(caseID, conversationID)
	rows, err := q.query(ctx, `SELECT e.conversation_id, e.message_ext_id, e.at_utc, e.kind, COALESCE(e.actor_id, 0), COALESCE(pa.display_name, ''),
		COALESCE(e.target_id, 0), COALESCE(pt.display_name, ''), e.detail
		FROM membership_events e JOIN conversations c ON c.id = e.conversation_id
		LEFT JOIN participants pa ON pa.id = e.actor_id LEFT JOIN participants pt ON pt.id = e.target_id
		WHERE `+scope+` ORDER BY e.at_utc, e.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EventView
	for rows.Next() {
		var e EventView
		if err := rows.Scan(&e.ConversationID, &e.Message, &e.At, &e.Kind, &e.ActorID, &e.Actor, &e.TargetID, &e.Target, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DayCount is activity on one day.
type DayCount struct {
	Day      string
	Messages int64
	Senders  int64
}

// Timeline counts a conversation's ordinary messages per day (UTC, or the
// source's local day when its offset is unknown).
func (q q) Timeline(ctx context.Context, conversationID int64) ([]DayCount, error) {
	rows, err := q.query(ctx, `SELECT substr(at_utc, 1, 10) AS day, COUNT(*), COUNT(DISTINCT sender_id) FROM messages
		WHERE conversation_id = ? AND service = 0 AND at_utc <> '' GROUP BY substr(at_utc, 1, 10) ORDER BY day`, conversationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DayCount
	for rows.Next() {
		var d DayCount
		if err := rows.Scan(&d.Day, &d.Messages, &d.Senders); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// IdentifierLink is one identifier carried by a subject.
type IdentifierLink struct {
	SubjectType string // participant, lead
	SubjectID   int64
	Kind        string
	Normalized  string
	Key         string
	Source      string
	Value       string
}

// IdentifierLinks lists every identifier link of a case.
func (q q) IdentifierLinks(ctx context.Context, caseID int64) ([]IdentifierLink, error) {
	rows, err := q.query(ctx, `SELECT l.subject_type, l.subject_id, i.kind, i.normalized, i.key, l.source, l.value
		FROM identifier_links l JOIN identifiers i ON i.id = l.identifier_id WHERE i.case_id = ? ORDER BY l.subject_type, l.subject_id, i.key, l.source`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IdentifierLink
	for rows.Next() {
		var l IdentifierLink
		if err := rows.Scan(&l.SubjectType, &l.SubjectID, &l.Kind, &l.Normalized, &l.Key, &l.Source, &l.Value); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// FileIDsByPath maps the paths of an exhibit's files to their IDs.
func (q q) FileIDsByPath(ctx context.Context, exhibitID int64) (map[string]int64, error) {
	rows, err := q.query(ctx, "SELECT path, id FROM files WHERE exhibit_id = ?", exhibitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var p string
		var id int64
		if err := rows.Scan(&p, &id); err != nil {
			return nil, err
		}
		out[p] = id
	}
	return out, rows.Err()
}

// Participants lists the members of a case's conversation as the export
// names them, in the order they were first seen. A conversation of
// another case has none.
func (q q) Participants(ctx context.Context, caseID, conversationID int64) ([]Participant, error) {
	rows, err := q.query(ctx, `SELECT p.id, p.conversation_id, p.ext_id, p.display_name, p.names, p.phone, p.username, p.role
		FROM participants p JOIN conversations c ON c.id = p.conversation_id WHERE c.case_id = ? AND p.conversation_id = ? ORDER BY p.id`, caseID, conversationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var p Participant
		if err := rows.Scan(&p.ID, &p.ConversationID, &p.ExtID, &p.DisplayName, &p.Names, &p.Phone, &p.Username, &p.Role); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
