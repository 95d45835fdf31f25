package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

// chatListView is a case's conversations with their counts.
type chatListView struct {
	Case  string
	Chats []investigation.Conversation
}

// chatList lists a case's conversations.
func (u *UI) chatList(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("case")
	chats, err := u.svc.Conversations(r.Context(), name)
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "chats", "Chats of "+name, "cases", chatListView{Case: name, Chats: chats})
}
