package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Conversation is a chat (group, channel, direct chat) imported into a case.
type Conversation struct {
	ID         int64
	CaseID     int64
	ExhibitID  int64
	Platform   string
	ExtID      string
	Name       string
	Type       string
	SourcePath string
	ImportedAt string
}

// Participant is a member of a conversation as the export shows them.
type Participant struct {
	ID             int64
	ConversationID int64
	ExtID          string
	DisplayName    string
	Names          string // every name seen, newline-separated
	Phone          string
	Username       string
	Role           string
}

// Message is one message or service line of a conversation.
type Message struct {
	ConversationID int64
	ExtID          string
	AtUTC          string
	UTCOffset      string
	SenderID       int64 // 0: none
	Service        bool
	Action         string
	Text           string
	ReplyTo        string
	ForwardedFrom  string
	EditedAt       string
}

// Attachment is a file attached to a message, present in the export or
// only referenced.
type Attachment struct {
	ConversationID int64
	MessageExtID   string
	SenderID       int64
	Kind           string
	RelPath        string
	FileName       string
	Present        bool
	FileID         int64 // the evidence file row, when present and ingested
}

// MembershipEvent is a create, join, invite, leave, remove or number change.
type MembershipEvent struct {
	ConversationID int64
	MessageExtID   string
	AtUTC          string
	Kind           string
	ActorID        int64
	TargetID       int64
	Detail         string
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// UpsertConversation stores a conversation or finds the existing one; it
// reports whether it was new.
func (tx *Tx) UpsertConversation(ctx context.Context, c *Conversation) (bool, error) {
	err := tx.queryRow(ctx, `INSERT INTO conversations (case_id, exhibit_id, platform, ext_id, name, type, source_path, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, platform, ext_id) DO NOTHING RETURNING id`,
		c.CaseID, nullID(c.ExhibitID), c.Platform, c.ExtID, c.Name, c.Type, c.SourcePath, c.ImportedAt).Scan(&c.ID)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("insert conversation %s/%s: %w", c.Platform, c.ExtID, err)
	}
	return false, tx.queryRow(ctx, "SELECT id FROM conversations WHERE case_id = ? AND platform = ? AND ext_id = ?", c.CaseID, c.Platform, c.ExtID).Scan(&c.ID)
}

// UpsertParticipant stores a participant or merges what is new (names seen,
// phone, username, role) into the existing row, and sets p.ID.
func (tx *Tx) UpsertParticipant(ctx context.Context, p *Participant) error {
	var old Participant
	err := tx.queryRow(ctx, "SELECT id, display_name, names, phone, username, role FROM participants WHERE conversation_id = ? AND ext_id = ?",
		p.ConversationID, p.ExtID).Scan(&old.ID, &old.DisplayName, &old.Names, &old.Phone, &old.Username, &old.Role)
	if errors.Is(err, sql.ErrNoRows) {
		p.Names = mergeLines("", p.Names)
		return tx.queryRow(ctx, `INSERT INTO participants (conversation_id, ext_id, display_name, names, phone, username, role)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.ConversationID, p.ExtID, p.DisplayName, p.Names, p.Phone, p.Username, p.Role).Scan(&p.ID)
	}
	if err != nil {
		return err
	}
	p.ID = old.ID
	merged := Participant{ID: old.ID, DisplayName: first(p.DisplayName, old.DisplayName), Names: mergeLines(old.Names, p.Names),
		Phone: first(p.Phone, old.Phone), Username: first(p.Username, old.Username), Role: first(p.Role, old.Role)}
	if merged.DisplayName == old.DisplayName && merged.Names == old.Names && merged.Phone == old.Phone && merged.Username == old.Username && merged.Role == old.Role {
		return nil
	}
	_, err = tx.exec(ctx, "UPDATE participants SET display_name = ?, names = ?, phone = ?, username = ?, role = ? WHERE id = ?",
		merged.DisplayName, merged.Names, merged.Phone, merged.Username, merged.Role, old.ID)
	return err
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// mergeLines adds the lines of add to the newline-separated set old,
// keeping first-seen order.
func mergeLines(old, add string) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(strings.Split(old, "\n"), strings.Split(add, "\n")...) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n")
}

// InsertMessages stores messages, skipping those already stored; it
// returns how many were new.
func (tx *Tx) InsertMessages(ctx context.Context, msgs []Message) (int64, error) {
	var total int64
	const perStmt = 400
	for len(msgs) > 0 {
		n := min(len(msgs), perStmt)
		var b strings.Builder
		b.WriteString("INSERT INTO messages (conversation_id, ext_id, at_utc, utc_offset, sender_id, service, action, text, reply_to, forwarded_from, edited_at) VALUES ")
		args := make([]any, 0, n*11)
		for i, m := range msgs[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
			svc := 0
			if m.Service {
				svc = 1
			}
			args = append(args, m.ConversationID, m.ExtID, m.AtUTC, m.UTCOffset, nullID(m.SenderID), svc, m.Action, m.Text, m.ReplyTo, m.ForwardedFrom, m.EditedAt)
		}
		b.WriteString(" ON CONFLICT (conversation_id, ext_id) DO NOTHING")
		res, err := tx.exec(ctx, b.String(), args...)
		if err != nil {
			return total, fmt.Errorf("insert messages: %w", err)
		}
		k, _ := res.RowsAffected()
		total += k
		msgs = msgs[n:]
	}
	return total, nil
}

// InsertAttachment stores an attachment unless already stored.
func (tx *Tx) InsertAttachment(ctx context.Context, a *Attachment) error {
	present := 0
	if a.Present {
		present = 1
	}
	_, err := tx.exec(ctx, `INSERT INTO attachments (conversation_id, message_ext_id, sender_id, kind, rel_path, file_name, present, file_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id, message_ext_id, rel_path, file_name) DO NOTHING`,
		a.ConversationID, a.MessageExtID, nullID(a.SenderID), a.Kind, a.RelPath, a.FileName, present, nullID(a.FileID))
	return err
}

// InsertMembershipEvent stores a membership event unless already stored.
func (tx *Tx) InsertMembershipEvent(ctx context.Context, e *MembershipEvent) error {
	_, err := tx.exec(ctx, `INSERT INTO membership_events (conversation_id, message_ext_id, at_utc, kind, actor_id, target_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id, message_ext_id, kind, detail) DO NOTHING`,
		e.ConversationID, e.MessageExtID, e.AtUTC, e.Kind, nullID(e.ActorID), nullID(e.TargetID), e.Detail)
	return err
}

// LinkIdentifier records that subject (a participant or a lead) carries the
// identifier with that key, found in source. It is the one place
// identifiers are written; the transaction notes new ones (Added) for the
// deconfliction check.
func (tx *Tx) LinkIdentifier(ctx context.Context, caseID int64, kind, normalized, key, subjectType string, subjectID int64, source, value string) error {
	var id int64
	err := tx.queryRow(ctx, "INSERT INTO identifiers (case_id, kind, normalized, key) VALUES (?, ?, ?, ?) ON CONFLICT (case_id, key) DO NOTHING RETURNING id",
		caseID, kind, normalized, key).Scan(&id)
	if err == nil {
		tx.added.note(&tx.added.idents, caseID, id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.queryRow(ctx, "SELECT id FROM identifiers WHERE case_id = ? AND key = ?", caseID, key).Scan(&id)
	}
	if err != nil {
		return fmt.Errorf("identifier %s: %w", key, err)
	}
	_, err = tx.exec(ctx, `INSERT INTO identifier_links (identifier_id, subject_type, subject_id, source, value) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (identifier_id, subject_type, subject_id, source) DO NOTHING`, id, subjectType, subjectID, source, value)
	return err
}

// LinkAttachments links the present, unlinked attachments of the given
// conversations to the exhibit's files: each attachment's rel_path names, in
// keys, the identity (root, raw member) of the file it is. Two phones'
// attachments with one file name link to their own files. It returns how
// many attachments of the conversations are linked.
func (tx *Tx) LinkAttachments(ctx context.Context, exhibitID int64, convIDs []int64, keys map[string]FileKey) (int64, error) {
	var total int64
	for _, cid := range convIDs {
		rows, err := tx.query(ctx, "SELECT id, rel_path FROM attachments WHERE conversation_id = ? AND present = 1 AND file_id IS NULL", cid)
		if err != nil {
			return 0, err
		}
		type link struct {
			id  int64
			rel string
		}
		var todo []link
		for rows.Next() {
			var l link
			if err := rows.Scan(&l.id, &l.rel); err != nil {
				rows.Close()
				return 0, err
			}
			todo = append(todo, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		for _, l := range todo {
			k, ok := keys[l.rel]
			if !ok {
				continue
			}
			var fid int64
			err := tx.queryRow(ctx, "SELECT id FROM files WHERE exhibit_id = ? AND root = ? AND member = ? AND seq = ?", exhibitID, k.Root, k.Member, k.Seq).Scan(&fid)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return 0, err
			}
			if _, err := tx.exec(ctx, "UPDATE attachments SET file_id = ? WHERE id = ?", fid, l.id); err != nil {
				return 0, err
			}
		}
		var n int64
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM attachments WHERE conversation_id = ? AND file_id IS NOT NULL", cid).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
