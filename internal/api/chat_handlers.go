package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

type chatsResponse struct {
	Chats      []investigation.Conversation `json:"chats"`
	NextCursor string                       `json:"next_cursor,omitempty"`
}

// listChats pages a case's conversations with their statistics (chat list
// --json).
func (a *API) listChats(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	offset, err := intCursorParam(r)
	if err != nil {
		return err
	}
	list, err := a.svc.Conversations(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	page, next := pageAt(list, offset, limit)
	return writeJSON(w, http.StatusOK, chatsResponse{Chats: page, NextCursor: next})
}

type chatResponse struct {
	Chat investigation.ConversationView `json:"chat"`
}

// showChat is one conversation's roster, membership events and timeline
// (chat show --json); {chat} is its platform id, platform:id, or name.
func (a *API) showChat(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.ConversationView(r.Context(), r.PathValue("case"), r.PathValue("chat"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, chatResponse{v})
}

type messagesResponse struct {
	Messages   []investigation.Message `json:"messages"`
	NextCursor string                  `json:"next_cursor,omitempty"`
}

// listMessages pages a conversation's messages in the export's order.
// Each page read is audited.
func (a *API) listMessages(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	after, err := intCursorParam(r)
	if err != nil {
		return err
	}
	page, err := a.svc.MessagePage(r.Context(), r.PathValue("case"), r.PathValue("chat"), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, messagesResponse{Messages: page.Messages, NextCursor: intCursor(page.After)})
}
