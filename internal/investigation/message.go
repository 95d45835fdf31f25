package investigation

import (
	"context"
	"fmt"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/store"
)

// MaxMessagePage bounds a page of MessagePage.
const MaxMessagePage = 1000

// MaxMessageSearch bounds the text a conversation is searched for.
const MaxMessageSearch = 200

// Message is one message of a conversation. Its text is evidence: hostile,
// shown escaped, never logged.
type Message struct {
	ID            string `json:"id"` // the platform's message id
	At            string `json:"at,omitempty"`
	UTCOffset     string `json:"utc_offset,omitempty"`
	Sender        string `json:"sender,omitempty"`
	Service       bool   `json:"service"` // a system line (joins, renames), not a member's message
	Action        string `json:"action,omitempty"`
	Text          string `json:"text"`
	ReplyTo       string `json:"reply_to,omitempty"`
	ForwardedFrom string `json:"forwarded_from,omitempty"`
	EditedAt      string `json:"edited_at,omitempty"`
	// Attachments are what the message carried, as triage labels: never
	// the files themselves.
	Attachments []AttachmentLabel `json:"attachments,omitempty"`
	// Conversation names the conversation (a person's messages only).
	Conversation string `json:"conversation,omitempty"`
}

// AttachmentLabel is an attachment of a message with the triage status of
// its file, as a page shows it in place of the file.
type AttachmentLabel struct {
	Kind     string `json:"kind,omitempty"`
	Name     string `json:"name"` // the file name, or its path in the export
	FileID   int64  `json:"file_id,omitempty"`
	Status   string `json:"status"` // matched, unknown, ignorable, error, not_ingested, not_in_export
	Category string `json:"category,omitempty"`
	Series   string `json:"series,omitempty"`
}

// Label is the status in words: "matched: category 1, series s1".
func (a AttachmentLabel) Label() string {
	switch a.Status {
	case "matched":
		var parts []string
		if a.Category != "" {
			parts = append(parts, "category "+a.Category)
		}
		if a.Series != "" {
			parts = append(parts, "series "+a.Series)
		}
		if len(parts) == 0 {
			return "matched"
		}
		return "matched: " + strings.Join(parts, ", ")
	case "not_ingested":
		return "not ingested"
	case "not_in_export":
		return "not in the export"
	}
	return a.Status
}

func attachmentLabel(a store.MessageAttachment) AttachmentLabel {
	l := AttachmentLabel{Kind: a.Kind, Name: a.FileName, FileID: a.FileID, Status: a.Status, Category: a.Category, Series: a.Series}
	if l.Name == "" {
		l.Name = a.RelPath
	}
	switch {
	case !a.Present:
		l.Status = "not_in_export"
	case a.FileID == 0:
		l.Status = "not_ingested"
	}
	return l
}

// messageView is a stored message as every page, the API and the CLI
// show it: a card number typed in it is masked to its last four digits
// (identifier.MaskCards); the store keeps the text as exported.
func messageView(m store.MessageRow) Message {
	v := Message{ID: m.ExtID, At: m.AtUTC, UTCOffset: m.UTCOffset, Sender: m.Sender, Service: m.Service, Action: m.Action, Text: identifier.MaskCards(m.Text),
		ReplyTo: m.ReplyTo, ForwardedFrom: m.ForwardedFrom, EditedAt: m.EditedAt, Conversation: m.Conversation}
	for _, a := range m.Attachments {
		v.Attachments = append(v.Attachments, attachmentLabel(a))
	}
	return v
}

// MessagePage is one page of a conversation's messages, in the export's
// order.
type MessagePage struct {
	Messages []Message
	// After is the position to resume from, or 0 when no message follows.
	After int64
	// Before is the position to page back from, or 0 when no message
	// comes before the page.
	Before int64
}

// MessageQuery chooses a page of ConversationMessages: the page after
// After (0: the first page), the page before Before, or the last page;
// Search keeps the messages whose text contains it (ASCII letters in any
// case).
type MessageQuery struct {
	After  int64
	Before int64
	Last   bool
	Search string
	Limit  int // 1..MaxMessagePage; anything else is MaxMessagePage
}

// MessagePage lists up to limit (1..MaxMessagePage) messages of a case's
// conversation (found by platform id or name, as ConversationView finds
// it) that come after the position after (0 for the first page).
// Messages are sensitive: every page read is audited (chat.messages.read).
func (s *Service) MessagePage(ctx context.Context, caseName, conversation string, after int64, limit int) (MessagePage, error) {
	return s.ConversationMessages(ctx, caseName, conversation, MessageQuery{After: max(after, 0), Limit: limit})
}

// ConversationMessages pages a case's conversation by position, never by
// offset: opening a conversation of 100,000 messages at its end reads one
// page. Each message carries its attachments' triage labels. Every page
// read is audited (chat.messages.read).
func (s *Service) ConversationMessages(ctx context.Context, caseName, conversation string, q MessageQuery) (MessagePage, error) {
	if q.Limit < 1 || q.Limit > MaxMessagePage {
		q.Limit = MaxMessagePage
	}
	q.Search = strings.TrimSpace(q.Search)
	if len(q.Search) > MaxMessageSearch {
		return MessagePage{}, fmt.Errorf("search of %d bytes, at most %d: %w", len(q.Search), MaxMessageSearch, ErrInvalid)
	}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return MessagePage{}, err
	}
	cv, err := s.db.ConversationByExtID(ctx, c.ID, conversation)
	if err != nil {
		return MessagePage{}, err
	}
	sq := store.MessageQuery{After: max(q.After, 0), Before: max(q.Before, 0), Last: q.Last, Search: q.Search, Limit: q.Limit + 1}
	rows, err := s.db.MessagePage(ctx, c.ID, cv.ID, sq)
	if err != nil {
		return MessagePage{}, fmt.Errorf("messages of conversation %q: %w", conversation, err)
	}
	page := MessagePage{Messages: []Message{}}
	backwards := sq.Last || sq.Before > 0
	more := len(rows) > q.Limit
	if more && backwards {
		rows = rows[1:]
	} else if more {
		rows = rows[:q.Limit]
	}
	for _, m := range rows {
		page.Messages = append(page.Messages, messageView(m))
	}
	if len(rows) > 0 {
		if (backwards && more) || (!backwards && sq.After > 0) {
			page.Before = rows[0].ID
		}
		if (!backwards && more) || (sq.Before > 0) {
			page.After = rows[len(rows)-1].ID
		}
	}
	detail := map[string]any{"after": sq.After, "messages": len(page.Messages)}
	if sq.Before > 0 {
		detail["before"] = sq.Before
	}
	if sq.Last {
		detail["last"] = true
	}
	if sq.Search != "" {
		detail["search"] = sq.Search
	}
	if err := s.auditRead(ctx, "chat.messages.read", "case:"+c.Name+"/chat:"+cv.Platform+":"+cv.ExtID, detail); err != nil {
		return MessagePage{}, fmt.Errorf("audit the read of conversation %q: %w", conversation, err)
	}
	return page, nil
}
