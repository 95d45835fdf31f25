package chatexport

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Handler receives a parse's output in file order. The values passed are
// freshly allocated: a handler may keep them. Returning an error stops the
// parse; the parser returns that error wrapped.
type Handler interface {
	// Conversation is called before the conversation's messages.
	Conversation(c *Conversation) error
	// Participant is called when a participant is first seen and again when
	// more is learned about it (see Participant).
	Participant(p *Participant) error
	Message(m *Message) error
	// Event is called right after the service message it derives from.
	Event(e *MembershipEvent) error
	// Account is called for account-level records (full Telegram exports).
	Account(r *AccountRecord) error
}

// Funcs adapts optional functions to a Handler; nil fields ignore the call.
type Funcs struct {
	OnConversation func(*Conversation) error
	OnParticipant  func(*Participant) error
	OnMessage      func(*Message) error
	OnEvent        func(*MembershipEvent) error
	OnAccount      func(*AccountRecord) error
}

// Conversation implements Handler.
func (f Funcs) Conversation(c *Conversation) error {
	if f.OnConversation == nil {
		return nil
	}
	return f.OnConversation(c)
}

// Participant implements Handler.
func (f Funcs) Participant(p *Participant) error {
	if f.OnParticipant == nil {
		return nil
	}
	return f.OnParticipant(p)
}

// Message implements Handler.
func (f Funcs) Message(m *Message) error {
	if f.OnMessage == nil {
		return nil
	}
	return f.OnMessage(m)
}

// Event implements Handler.
func (f Funcs) Event(e *MembershipEvent) error {
	if f.OnEvent == nil {
		return nil
	}
	return f.OnEvent(e)
}

// Account implements Handler.
func (f Funcs) Account(r *AccountRecord) error {
	if f.OnAccount == nil {
		return nil
	}
	return f.OnAccount(r)
}

// Collector is a Handler that keeps everything in memory, for tests and
// small exports. Participants holds the latest record per ID, in order of
// first appearance.
type Collector struct {
	Conversations []*Conversation    `json:"conversations"`
	Participants  []*Participant     `json:"participants"`
	Messages      []*Message         `json:"messages"`
	Events        []*MembershipEvent `json:"events"`
	Accounts      []*AccountRecord   `json:"accounts,omitempty"`
	byID          map[string]int
}

// Conversation implements Handler.
func (c *Collector) Conversation(v *Conversation) error {
	c.Conversations = append(c.Conversations, v)
	return nil
}

// Participant implements Handler.
func (c *Collector) Participant(p *Participant) error {
	if c.byID == nil {
		c.byID = make(map[string]int)
	}
	key := string(p.Platform) + "\x00" + p.ID
	if i, ok := c.byID[key]; ok {
		c.Participants[i] = p
		return nil
	}
	c.byID[key] = len(c.Participants)
	c.Participants = append(c.Participants, p)
	return nil
}

// Message implements Handler.
func (c *Collector) Message(m *Message) error {
	c.Messages = append(c.Messages, m)
	return nil
}

// Event implements Handler.
func (c *Collector) Event(e *MembershipEvent) error {
	c.Events = append(c.Events, e)
	return nil
}

// Account implements Handler.
func (c *Collector) Account(r *AccountRecord) error {
	c.Accounts = append(c.Accounts, r)
	return nil
}

// MaxWarnings is how many warnings Stats keeps; later ones are counted only.
const MaxWarnings = 1000

// Warning reports a record that was skipped or repaired.
type Warning struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`   // text formats
	Offset int64  `json:"offset,omitempty"` // JSON formats: byte offset
	Reason string `json:"reason"`
}

func (w Warning) String() string {
	switch {
	case w.Line > 0:
		return fmt.Sprintf("%s line %d: %s", w.File, w.Line, w.Reason)
	case w.Offset > 0:
		return fmt.Sprintf("%s offset %d: %s", w.File, w.Offset, w.Reason)
	default: // about the whole file
		return fmt.Sprintf("%s: %s", w.File, w.Reason)
	}
}

// Stats summarises a parse.
type Stats struct {
	Format             string   `json:"format,omitempty"` // "telegram", "whatsapp", "discord"
	Files              []string `json:"files,omitempty"`  // files parsed
	Conversations      int64    `json:"conversations"`
	Messages           int64    `json:"messages"` // including service messages
	ServiceMessages    int64    `json:"service_messages"`
	Events             int64    `json:"events"`
	Participants       int64    `json:"participants"`
	Accounts           int64    `json:"accounts"`
	Attachments        int64    `json:"attachments"`
	AttachmentsPresent int64    `json:"attachments_present"`
	Bytes              int64    `json:"bytes"`
	// Skipped counts records the parser could not import, or imported
	// only in part: lines before a chat's first header, messages that are
	// not objects or exceed a size cap, lines and messages truncated at a
	// cap. Each has a warning.
	Skipped int64 `json:"skipped"`
	// HeadersAsText counts lines that look like message headers but were
	// kept as text of the previous message (WhatsApp: a date that
	// contradicts the file's day/month order, or a header form the parser
	// does not know). Each has a warning: the export may hold more
	// messages than were imported.
	HeadersAsText int64 `json:"headers_as_text"`
	// Locale is the export's language as recognised from its system lines
	// and placeholders ("de", "pt-BR"…; WhatsApp only), "" when unknown.
	Locale          string    `json:"locale,omitempty"`
	Warnings        []Warning `json:"warnings,omitempty"`
	WarningsDropped int64     `json:"warnings_dropped,omitempty"`
}

// Incomplete reports whether the parse may have imported fewer records
// than the export holds (skipped records or header lines kept as text).
// Callers must say so to the user and not report success as complete.
func (s *Stats) Incomplete() bool { return s.Skipped > 0 || s.HeadersAsText > 0 }

// Warn records a warning, keeping at most MaxWarnings.
func (s *Stats) Warn(w Warning) {
	if len(s.Warnings) >= MaxWarnings {
		s.WarningsDropped++
		return
	}
	s.Warnings = append(s.Warnings, w)
}

// Add merges o into s.
func (s *Stats) Add(o Stats) {
	if s.Format == "" {
		s.Format = o.Format
	} else if o.Format != "" && o.Format != s.Format && !strings.Contains(s.Format, o.Format) {
		s.Format += "," + o.Format
	}
	s.Files = append(s.Files, o.Files...)
	s.Conversations += o.Conversations
	s.Messages += o.Messages
	s.ServiceMessages += o.ServiceMessages
	s.Events += o.Events
	s.Participants += o.Participants
	s.Accounts += o.Accounts
	s.Attachments += o.Attachments
	s.AttachmentsPresent += o.AttachmentsPresent
	s.Bytes += o.Bytes
	s.Skipped += o.Skipped
	s.HeadersAsText += o.HeadersAsText
	if s.Locale == "" {
		s.Locale = o.Locale
	} else if o.Locale != "" && o.Locale != s.Locale && !strings.Contains(s.Locale, o.Locale) {
		s.Locale += "," + o.Locale
	}
	for _, w := range o.Warnings {
		s.Warn(w)
	}
	s.WarningsDropped += o.WarningsDropped
}

// Errors.
var (
	// ErrUnknownFormat is returned when no parser recognises the input.
	ErrUnknownFormat = errors.New("unknown chat export format")
	// ErrTooLarge is returned (wrapped) when a token, line or record exceeds
	// a parser's size cap.
	ErrTooLarge = errors.New("exceeds size limit")
)

// Emitter counts what it passes to a Handler and tracks participants, so
// each parser reports the same way. It is used by the parser sub-packages.
type Emitter struct {
	H     Handler
	Stats *Stats
	// FS is where attachment presence is checked.
	FS   fs.FS
	seen map[string]*Participant
}

// NewEmitter returns an Emitter writing to h and st.
func NewEmitter(fsys fs.FS, h Handler, st *Stats) *Emitter {
	return &Emitter{H: h, Stats: st, FS: fsys, seen: make(map[string]*Participant)}
}

// Conversation emits c.
func (e *Emitter) Conversation(c *Conversation) error {
	e.Stats.Conversations++
	return e.H.Conversation(c)
}

// Message emits m.
func (e *Emitter) Message(m *Message) error {
	e.Stats.Messages++
	if m.Service {
		e.Stats.ServiceMessages++
	}
	for _, a := range m.Attachments {
		e.Stats.Attachments++
		if a.Present {
			e.Stats.AttachmentsPresent++
		}
	}
	return e.H.Message(m)
}

// Event emits ev.
func (e *Emitter) Event(ev *MembershipEvent) error {
	e.Stats.Events++
	return e.H.Event(ev)
}

// Account emits r.
func (e *Emitter) Account(r *AccountRecord) error {
	e.Stats.Accounts++
	return e.H.Account(r)
}

// ParticipantUpdate describes what a record says about a participant.
type ParticipantUpdate struct {
	ID            string
	Name          string
	Phone         string
	Username      string
	Discriminator string
	Bot           bool
	Self          bool
	Role          *Role
}

// Seen records what is known about participant u.ID on platform p and
// emits the participant when it is new or changed. Empty IDs are ignored.
func (e *Emitter) Seen(p Platform, u ParticipantUpdate) error {
	if u.ID == "" {
		return nil
	}
	cur, ok := e.seen[u.ID]
	changed := !ok
	if !ok {
		cur = &Participant{Platform: p, ID: u.ID}
		e.seen[u.ID] = cur
		e.Stats.Participants++
	}
	if u.Name != "" && !slices.Contains(cur.Names, u.Name) {
		if len(cur.Names) < maxNamesPerParticipant {
			cur.Names = append(cur.Names, u.Name)
			changed = true
		}
	}
	if u.Phone != "" && cur.Phone != u.Phone {
		cur.Phone, changed = u.Phone, true
	}
	if u.Username != "" && cur.Username != u.Username {
		cur.Username, changed = u.Username, true
	}
	if u.Discriminator != "" && cur.Discriminator != u.Discriminator {
		cur.Discriminator, changed = u.Discriminator, true
	}
	if u.Bot && !cur.Bot {
		cur.Bot, changed = true, true
	}
	if u.Self && !cur.Self {
		cur.Self, changed = true, true
	}
	if u.Role != nil && !slices.Contains(cur.Roles, *u.Role) && len(cur.Roles) < maxNamesPerParticipant {
		cur.Roles = append(cur.Roles, *u.Role)
		changed = true
	}
	if !changed {
		return nil
	}
	cp := *cur
	cp.Names = slices.Clone(cur.Names)
	cp.Roles = slices.Clone(cur.Roles)
	return e.H.Participant(&cp)
}

const maxNamesPerParticipant = 64

// ResolveRef turns a reference written in an export into a cleaned path
// inside fsys, relative to dir (the directory of the export file). It
// returns "" for URLs, absolute paths and paths that escape the root.
func ResolveRef(dir, ref string) string {
	if ref == "" || strings.Contains(ref, "://") || strings.HasPrefix(ref, "/") || strings.Contains(ref, "\x00") {
		return ""
	}
	ref = strings.ReplaceAll(ref, "\\", "/")
	if len(ref) >= 2 && ref[1] == ':' { // C:/…
		return ""
	}
	p := path.Join(dir, ref)
	if !fs.ValidPath(p) || p == "." {
		return ""
	}
	return p
}

// Exists reports whether name is a regular file in fsys.
func Exists(fsys fs.FS, name string) bool {
	if fsys == nil || name == "" {
		return false
	}
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}
