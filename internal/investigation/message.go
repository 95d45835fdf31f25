package investigation

import (
	"context"
	"fmt"

	"github.com/vibora-project/vibora/internal/access"
)

// MaxMessagePage bounds a page of MessagePage.
const MaxMessagePage = 1000

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
}

// MessagePage is one page of a conversation's messages, in the export's
// order.
type MessagePage struct {
	Messages []Message
	// After is the position to resume from, or 0 when no message follows.
	After int64
}

// MessagePage lists up to limit (1..MaxMessagePage) messages of a case's
// conversation (found by platform id or name, as ConversationView finds
// it) that come after the position after (0 for the first page).
// Messages are sensitive: every page read is audited (chat.messages.read).
func (s *Service) MessagePage(ctx context.Context, caseName, conversation string, after int64, limit int) (MessagePage, error) {
	if limit < 1 || limit > MaxMessagePage {
		limit = MaxMessagePage
	}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return MessagePage{}, err
	}
	cv, err := s.db.ConversationByExtID(ctx, c.ID, conversation)
	if err != nil {
		return MessagePage{}, err
	}
	rows, err := s.db.Messages(ctx, c.ID, cv.ID, max(after, 0), limit+1)
	if err != nil {
		return MessagePage{}, fmt.Errorf("messages of conversation %q: %w", conversation, err)
	}
	page := MessagePage{Messages: []Message{}}
	if len(rows) > limit {
		rows = rows[:limit]
		page.After = rows[limit-1].ID
	}
	for _, m := range rows {
		page.Messages = append(page.Messages, Message{ID: m.ExtID, At: m.AtUTC, UTCOffset: m.UTCOffset, Sender: m.Sender, Service: m.Service,
			Action: m.Action, Text: m.Text, ReplyTo: m.ReplyTo, ForwardedFrom: m.ForwardedFrom, EditedAt: m.EditedAt})
	}
	detail := map[string]any{"after": max(after, 0), "messages": len(page.Messages)}
	if err := s.auditRead(ctx, "chat.messages.read", "case:"+c.Name+"/chat:"+cv.Platform+":"+cv.ExtID, detail); err != nil {
		return MessagePage{}, fmt.Errorf("audit the read of conversation %q: %w", conversation, err)
	}
	return page, nil
}
