// Package telegram parses Telegram Desktop's machine-readable export
// (result.json): single-chat exports and full-account exports with
// contacts, sessions, chats and left chats.
//
// The file is streamed with a tolerant tokenizer (chatexport/jsonstream):
// one message object is decoded at a time, so memory does not grow with
// the export. tdesktop's invalid `\xNN` escapes are decoded, `text` may be
// a string or an array, `from` may be null, ids may be negative (migrated
// history) and pre-2021 exports (integer from_id, no date_unixtime) are
// accepted. A message with a bad field is skipped with a warning; only a
// JSON syntax error or an I/O error ends the parse.
package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/chatexport"
	"github.com/vibora-project/vibora/internal/chatexport/jsonstream"
)

// Limits: one JSON string (a message text, a path…) and one message
// object's JSON. A larger message is skipped with a warning.
const (
	MaxString  = 16 << 20
	MaxMessage = 64 << 20
)

// maxMessage is MaxMessage, lowered by tests.
var maxMessage int64 = MaxMessage

// Format is the format name used in Stats.
const Format = "telegram"

// Sniff reports whether head (the first bytes of a file) looks like a
// Telegram Desktop result.json.
func Sniff(head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(h) == 0 || h[0] != '{' {
		return false
	}
	// tdesktop writes "about" first in full exports and "name", "type" or
	// "id" first in single-chat exports.
	first := bytes.TrimLeft(h[1:], " \t\r\n")
	known := false
	for _, k := range []string{`"about"`, `"personal_information"`, `"name"`, `"type"`, `"id"`, `"messages"`, `"chats"`, `"contacts"`} {
		if bytes.HasPrefix(first, []byte(k)) {
			known = true
			break
		}
	}
	if !known {
		return false
	}
	for _, k := range [][]byte{[]byte(`"personal_information"`), []byte(`"chats"`), []byte(`"left_chats"`), []byte(`"frequent_contacts"`)} {
		if bytes.Contains(h, k) {
			return true
		}
	}
	// single-chat export: name/type/id then messages with "date"; minimal
	// exports written by other tools may lack the chat's type or id
	return bytes.Contains(h, []byte(`"messages"`)) && (bytes.Contains(h, []byte(`"date"`)) || bytes.Contains(h, []byte(`"date_unixtime"`)) ||
		bytes.Contains(h, []byte(`"type"`)) && bytes.Contains(h, []byte(`"id"`)))
}

// Parse parses the result.json at name in fsys. Attachment paths are
// resolved relative to the file's directory and checked for existence in
// fsys.
func Parse(ctx context.Context, fsys fs.FS, name string, h chatexport.Handler) (chatexport.Stats, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return chatexport.Stats{Format: Format}, fmt.Errorf("telegram: open %s: %w", name, err)
	}
	defer f.Close()
	return ParseReader(ctx, f, fsys, name, h)
}

// ParseReader parses a result.json read from r; name is its path in fsys,
// used for attachment paths and messages. fsys may be nil (no presence
// checks).
func ParseReader(ctx context.Context, r io.Reader, fsys fs.FS, name string, h chatexport.Handler) (chatexport.Stats, error) {
	st := chatexport.Stats{Format: Format, Files: []string{name}}
	cr := &countingReader{r: r}
	p := &parser{
		ctx:  ctx,
		s:    jsonstream.New(cr, MaxString),
		em:   chatexport.NewEmitter(fsys, h, &st),
		fsys: fsys,
		file: name,
		dir:  path.Dir(name),
		st:   &st,
		strs: make(map[string]string),
	}
	err := p.root()
	st.Bytes = cr.n
	if p.s.Repaired > 0 {
		st.Warn(chatexport.Warning{File: name, Reason: fmt.Sprintf("repaired %d invalid \\xNN escape(s)", p.s.Repaired)})
	}
	if err != nil {
		return st, fmt.Errorf("telegram: parse %s: %w", name, err)
	}
	return st, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

type parser struct {
	ctx  context.Context
	s    *jsonstream.Scanner
	em   *chatexport.Emitter
	fsys fs.FS
	file string
	dir  string
	st   *chatexport.Stats
	n    int
	raw  rawMsg
	// noTypeWarned: a message without "type" was reported once
	noTypeWarned bool
	strs         map[string]string
}

func (p *parser) warn(off int64, format string, args ...any) {
	p.st.Warn(chatexport.Warning{File: p.file, Offset: off, Reason: fmt.Sprintf(format, args...)})
}

// soft turns a type mismatch into a warning; other errors stop the parse.
func (p *parser) soft(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, jsonstream.ErrType) {
		p.warn(p.s.Offset(), "%s: %v", what, err)
		return nil
	}
	return err
}

func (p *parser) expect(want jsonstream.Kind) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != want {
		return fmt.Errorf("%w at offset %d: expected %s, got %s", jsonstream.ErrSyntax, p.s.Offset(), want, k)
	}
	return nil
}

// objectKeys iterates over an object's keys after its '{' was read; fn must
// consume the value.
func (p *parser) objectKeys(fn func(key []byte) error) error {
	for {
		k, err := p.s.Next()
		if err != nil {
			return err
		}
		if k == jsonstream.ObjectEnd {
			return nil
		}
		if k != jsonstream.String {
			return fmt.Errorf("%w at offset %d: expected object key, got %s", jsonstream.ErrSyntax, p.s.Offset(), k)
		}
		if err := fn(p.s.Bytes()); err != nil {
			return err
		}
	}
}

// arrayItems iterates over an array's items after its '[' was read; fn is
// given each item's first token and must consume the item.
func (p *parser) arrayItems(fn func(k jsonstream.Kind) error) error {
	for {
		k, err := p.s.Next()
		if err != nil {
			return err
		}
		if k == jsonstream.ArrayEnd {
			return nil
		}
		if k == jsonstream.ObjectEnd || k == jsonstream.EOF {
			return fmt.Errorf("%w at offset %d: unexpected %s in array", jsonstream.ErrSyntax, p.s.Offset(), k)
		}
		if err := fn(k); err != nil {
			return err
		}
	}
}

// chat is a chat object's header.
type chat struct {
	name, typ string
	id        string
	emitted   bool
	left      bool
	off       int64
}

func (p *parser) root() error {
	if err := p.expect(jsonstream.ObjectStart); err != nil {
		return err
	}
	c := &chat{}
	err := p.objectKeys(func(key []byte) error {
		switch string(key) {
		case "name", "type", "id", "messages":
			return p.chatField(c, key)
		case "personal_information":
			return p.accountObject(chatexport.AccountOwner)
		case "contacts":
			return p.section(chatexport.AccountContact)
		case "frequent_contacts":
			return p.section(chatexport.AccountFrequentContact)
		case "sessions":
			return p.section(chatexport.AccountSession)
		case "web_sessions":
			return p.section(chatexport.AccountWebSession)
		case "chats":
			return p.chatList(false)
		case "left_chats":
			return p.chatList(true)
		default:
			return p.s.SkipValue()
		}
	})
	if err != nil {
		return err
	}
	if (c.id != "" || c.name != "") && !c.emitted {
		return p.emitChat(c)
	}
	return nil
}

// section reads {"about": …, "list": [ {…}, … ]}.
func (p *parser) section(kind chatexport.AccountRecordKind) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k == jsonstream.ArrayStart { // tolerate a bare list
		return p.arrayItems(func(k jsonstream.Kind) error { return p.accountItem(kind, k) })
	}
	if k != jsonstream.ObjectStart {
		p.warn(p.s.Offset(), "%s section: expected an object, got %s", kind, k)
		return p.s.Skip(k)
	}
	return p.objectKeys(func(key []byte) error {
		if string(key) != "list" {
			return p.s.SkipValue()
		}
		k, err := p.s.Next()
		if err != nil {
			return err
		}
		if k != jsonstream.ArrayStart {
			p.warn(p.s.Offset(), "%s list: expected an array, got %s", kind, k)
			return p.s.Skip(k)
		}
		return p.arrayItems(func(k jsonstream.Kind) error { return p.accountItem(kind, k) })
	})
}

func (p *parser) accountObject(kind chatexport.AccountRecordKind) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	return p.accountItem(kind, k)
}

// accountItem reads one flat record into a map and emits it.
func (p *parser) accountItem(kind chatexport.AccountRecordKind, k jsonstream.Kind) error {
	off := p.s.Offset()
	if k != jsonstream.ObjectStart {
		p.warn(off, "%s record: expected an object, got %s", kind, k)
		return p.s.Skip(k)
	}
	m := make(map[string]string, 12)
	err := p.objectKeys(func(key []byte) error {
		name := string(key)
		if len(m) >= 64 {
			return p.s.SkipValue()
		}
		v, ok, err := p.s.String()
		if err != nil {
			if errors.Is(err, jsonstream.ErrType) { // nested values are not kept
				return nil
			}
			return err
		}
		if ok {
			m[name] = v
		}
		return nil
	})
	if err != nil {
		return err
	}
	return p.emitAccount(kind, m, off)
}

func (p *parser) chatList(left bool) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ObjectStart {
		p.warn(p.s.Offset(), "chats section: expected an object, got %s", k)
		return p.s.Skip(k)
	}
	return p.objectKeys(func(key []byte) error {
		if string(key) != "list" {
			return p.s.SkipValue()
		}
		k, err := p.s.Next()
		if err != nil {
			return err
		}
		if k != jsonstream.ArrayStart {
			p.warn(p.s.Offset(), "chats list: expected an array, got %s", k)
			return p.s.Skip(k)
		}
		return p.arrayItems(func(k jsonstream.Kind) error {
			if k != jsonstream.ObjectStart {
				p.warn(p.s.Offset(), "chat: expected an object, got %s", k)
				return p.s.Skip(k)
			}
			c := &chat{left: left, off: p.s.Offset()}
			if err := p.objectKeys(func(key []byte) error {
				switch string(key) {
				case "name", "type", "id", "messages":
					return p.chatField(c, key)
				}
				return p.s.SkipValue()
			}); err != nil {
				return err
			}
			if !c.emitted {
				return p.emitChat(c)
			}
			return nil
		})
	})
}

func (p *parser) chatField(c *chat, key []byte) error {
	switch string(key) {
	case "name":
		v, _, err := p.s.String()
		c.name = v
		return p.soft(err, "chat name")
	case "type":
		v, _, err := p.s.String()
		c.typ = v
		return p.soft(err, "chat type")
	case "id":
		v, _, err := p.s.String()
		c.id = v
		return p.soft(err, "chat id")
	case "messages":
		if c.emitted {
			p.warn(p.s.Offset(), "second messages array in one chat")
		} else if err := p.emitChat(c); err != nil {
			return err
		}
		k, err := p.s.Next()
		if err != nil {
			return err
		}
		if k != jsonstream.ArrayStart {
			p.warn(p.s.Offset(), "messages: expected an array, got %s", k)
			return p.s.Skip(k)
		}
		return p.arrayItems(func(k jsonstream.Kind) error { return p.message(c, k) })
	}
	return p.s.SkipValue()
}

func (p *parser) emitChat(c *chat) error {
	c.emitted = true
	typ, public := chatType(c.typ)
	conv := &chatexport.Conversation{
		Platform: chatexport.Telegram,
		ID:       c.id,
		Name:     c.name,
		Type:     typ,
		RawType:  c.typ,
		Public:   public,
		Left:     c.left,
		Source:   p.file,
	}
	if conv.ID == "" {
		conv.ID = "unknown"
		if c.name != "" {
			conv.ID = "name:" + c.name
		}
		p.warn(c.off, "chat without id: conversation id %q", conv.ID)
	}
	if c.typ == "" {
		p.warn(c.off, "chat without type: conversation type unknown")
	}
	c.id = conv.ID
	return p.em.Conversation(conv)
}

func chatType(t string) (chatexport.ConversationType, bool) {
	switch t {
	case "personal_chat":
		return chatexport.TypePersonal, false
	case "bot_chat":
		return chatexport.TypeBot, false
	case "private_group":
		return chatexport.TypeGroup, false
	case "private_supergroup":
		return chatexport.TypeSupergroup, false
	case "public_supergroup":
		return chatexport.TypeSupergroup, true
	case "private_channel":
		return chatexport.TypeChannel, false
	case "public_channel":
		return chatexport.TypeChannel, true
	case "saved_messages":
		return chatexport.TypeSaved, false
	case "replies", "verification_codes":
		return chatexport.TypeService, false
	}
	return chatexport.TypeUnknown, false
}

// peerID normalises from_id/actor_id: "user123" stays; a legacy integer
// becomes "user<n>" (pre-2021 exports wrote the bare user id).
func peerID(v string) string {
	if v == "" {
		return ""
	}
	if c := v[0]; c >= '0' && c <= '9' {
		return "user" + v
	}
	return v
}

func (p *parser) emitAccount(kind chatexport.AccountRecordKind, m map[string]string, off int64) error {
	r := &chatexport.AccountRecord{
		Platform:    chatexport.Telegram,
		Kind:        kind,
		FirstName:   m["first_name"],
		LastName:    m["last_name"],
		Name:        m["name"],
		Phone:       m["phone_number"],
		Username:    m["username"],
		Bio:         m["bio"],
		IP:          m["last_ip"],
		Country:     m["last_country"],
		Region:      m["last_region"],
		Application: m["application_name"],
		AppVersion:  m["application_version"],
		DeviceModel: m["device_model"],
		OSPlatform:  m["platform"],
		OSVersion:   m["system_version"],
		Browser:     m["browser"],
		BotUsername: m["bot_username"],
		Domain:      m["domain_name"],
		Source:      p.file,
		Offset:      off,
	}
	if id := m["user_id"]; id != "" && id != "0" {
		r.UserID = peerID(id)
	}
	if kind == chatexport.AccountFrequentContact {
		if id := m["id"]; id != "" && m["type"] == "user" {
			r.UserID = "user" + id
		}
	}
	if r.Name == "" {
		r.Name = strings.TrimSpace(r.FirstName + " " + r.LastName)
	}
	r.Created, _ = stamp(m["created"], m["created_unixtime"])
	r.LastActive, _ = stamp(m["last_active"], m["last_active_unixtime"])
	r.Date, _ = stamp(m["date"], m["date_unixtime"])
	if err := p.em.Account(r); err != nil {
		return err
	}
	switch kind {
	case chatexport.AccountOwner, chatexport.AccountContact:
		return p.em.Seen(chatexport.Telegram, chatexport.ParticipantUpdate{
			ID:       r.UserID,
			Name:     r.Name,
			Phone:    r.Phone,
			Username: strings.TrimPrefix(r.Username, "@"),
			Self:     kind == chatexport.AccountOwner,
		})
	}
	return nil
}

// stamp prefers the unixtime sibling; otherwise it reads the local date
// (offset unknown). ok is false when neither parses.
func stamp(local, unix string) (time.Time, bool) {
	if unix != "" {
		if v, err := strconv.ParseInt(unix, 10, 64); err == nil && v > 0 {
			return time.Unix(v, 0).UTC(), true
		}
	}
	if t, ok := parseLocal(local); ok {
		return t, false
	}
	return time.Time{}, false
}

// parseLocalBytes is parseLocal for the fixed layout, without allocating;
// other layouts fall back to parseLocal.
func parseLocalBytes(b []byte) (time.Time, bool) {
	if len(b) != 19 {
		return parseLocal(string(b))
	}
	var v [6]int
	for i, r := range [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		n := 0
		for _, c := range b[r[0]:r[1]] {
			if c < '0' || c > '9' {
				return parseLocal(string(b))
			}
			n = n*10 + int(c-'0')
		}
		v[i] = n
	}
	if b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' ||
		v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 {
		return parseLocal(string(b))
	}
	return time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC), true
}

// atoiBytes parses a non-negative decimal integer of up to 18 digits.
func atoiBytes(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// parseLocal parses "2006-01-02T15:04:05" (tdesktop's Qt::ISODate without
// an offset) quickly, falling back to time.Parse for other shapes.
func parseLocal(s string) (time.Time, bool) {
	if len(s) == 19 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' {
		y, ok1 := atoi(s[0:4])
		mo, ok2 := atoi(s[5:7])
		d, ok3 := atoi(s[8:10])
		h, ok4 := atoi(s[11:13])
		mi, ok5 := atoi(s[14:16])
		se, ok6 := atoi(s[17:19])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 61 {
			return time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC), true
		}
		return time.Time{}, false
	}
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), true
		}
	}
	return time.Time{}, false
}

func atoi(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, len(s) > 0
}
