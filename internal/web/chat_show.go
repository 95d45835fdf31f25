package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

// chatPage is how many messages a page of a conversation shows.
const chatPage = 50

// chatView is one conversation: its counts, members and membership
// events, and one page of its messages.
type chatView struct {
	Case   string
	Ref    string // platform:id, the conversation's address
	Chat   investigation.ChatView
	Page   investigation.MessagePage
	Search string
	// Links to the neighbouring pages ("" when there is none).
	First, Earlier, Later, Last string
}

// chatShow opens a conversation at its first page, or the page that
// ?after=, ?before= or ?last=1 names, searched by ?q=. An htmx request
// for more messages (HX-Request) gets only the next messages.
func (u *UI) chatShow(w http.ResponseWriter, r *http.Request) error {
	caseName, ref := r.PathValue("case"), r.PathValue("chat")
	q := investigation.MessageQuery{Search: r.FormValue("q"), Last: r.FormValue("last") == "1", Limit: chatPage}
	var err error
	if q.After, err = cursorParam(r, "after"); err != nil {
		return err
	}
	if q.Before, err = cursorParam(r, "before"); err != nil {
		return err
	}
	page, err := u.svc.ConversationMessages(r.Context(), caseName, ref, q)
	if err != nil {
		return err
	}
	v := chatView{Case: caseName, Ref: ref, Page: page, Search: q.Search}
	base := "/cases/" + url.PathEscape(caseName) + "/chats/" + url.PathEscape(ref)
	link := func(k, val string) string {
		p := url.Values{}
		if q.Search != "" {
			p.Set("q", q.Search)
		}
		if k != "" {
			p.Set(k, val)
		}
		if len(p) == 0 {
			return base
		}
		return base + "?" + p.Encode()
	}
	if page.Before != 0 {
		v.First, v.Earlier = link("", ""), link("before", strconv.FormatInt(page.Before, 10))
	}
	if page.After != 0 {
		v.Later, v.Last = link("after", strconv.FormatInt(page.After, 10)), link("last", "1")
	}
	w.Header().Add("Vary", "HX-Request")
	if r.Header.Get("HX-Request") == "true" {
		return u.renderMessages(w, v)
	}
	if v.Chat, err = u.svc.Chat(r.Context(), caseName, ref); err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "chat", v.Chat.Conversation.Name+" · "+caseName, "cases", v)
}

// cursorParam reads a page position from the query: absent is 0.
func cursorParam(r *http.Request, name string) (int64, error) {
	s := r.FormValue(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, badRequestf("%s: want a page position", name)
	}
	return n, nil
}

// renderMessages writes only the messages of a conversation's page (and
// the link to the next): the part htmx appends.
func (u *UI) renderMessages(w http.ResponseWriter, v chatView) error {
	t, ok := u.views.set["chat"]
	if !ok {
		return fmt.Errorf("no view %q", "chat")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "message-items", v); err != nil {
		return fmt.Errorf("render the messages of a chat: %w", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err := w.Write(buf.Bytes())
	return err
}
