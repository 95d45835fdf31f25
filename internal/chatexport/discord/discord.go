// Package discord parses DiscordChatExporter JSON exports (one channel per
// file: guild, channel, messages with authors, attachments, embeds,
// mentions, reactions and reply references).
//
// The file is streamed one message object at a time with the tolerant
// tokenizer in chatexport/jsonstream. A message with a bad field is
// skipped with a warning; only a syntax or I/O error ends the parse.
package discord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/chatexport"
	"github.com/vibora-project/vibora/internal/chatexport/jsonstream"
)

// Format is the format name used in Stats.
const Format = "discord"

// Limits: one JSON string and one message object's JSON; a larger message
// is skipped with a warning.
const (
	MaxString  = 16 << 20
	MaxMessage = 64 << 20
)

// maxMessage is MaxMessage, lowered by tests.
var maxMessage int64 = MaxMessage

const (
	maxList = 4096 // attachments, mentions, embeds per message
)

// Sniff reports whether head (the first bytes of a file) looks like a
// DiscordChatExporter JSON export.
func Sniff(head []byte) bool {
	// DiscordChatExporter writes "guild" first, then "channel".
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(h) == 0 || h[0] != '{' {
		return false
	}
	h = bytes.TrimLeft(h[1:], " \t\r\n")
	return bytes.HasPrefix(h, []byte(`"guild"`)) && bytes.Contains(h, []byte(`"channel"`))
}

// Parse parses the export at name in fsys. Local attachment paths (exports
// made with --media) are resolved relative to the file's directory.
func Parse(ctx context.Context, fsys fs.FS, name string, h chatexport.Handler) (chatexport.Stats, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return chatexport.Stats{Format: Format}, fmt.Errorf("discord: open %s: %w", name, err)
	}
	defer f.Close()
	return ParseReader(ctx, f, fsys, name, h)
}

// ParseReader parses an export read from r; name is its path in fsys
// (which may be nil: no presence checks).
func ParseReader(ctx context.Context, r io.Reader, fsys fs.FS, name string, h chatexport.Handler) (chatexport.Stats, error) {
	st := chatexport.Stats{Format: Format, Files: []string{name}}
	cr := &countingReader{r: r}
	p := &parser{ctx: ctx, s: jsonstream.New(cr, MaxString), em: chatexport.NewEmitter(fsys, h, &st), fsys: fsys, file: name, dir: path.Dir(name), st: &st}
	err := p.root()
	st.Bytes = cr.n
	if err != nil {
		return st, fmt.Errorf("discord: parse %s: %w", name, err)
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
	conv chatexport.Conversation
	sent bool
	n    int
}

func (p *parser) warn(off int64, format string, args ...any) {
	p.st.Warn(chatexport.Warning{File: p.file, Offset: off, Reason: fmt.Sprintf(format, args...)})
}

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

func (p *parser) str(dst *string, what string) error {
	v, _, err := p.s.String()
	*dst = v
	return p.soft(err, what)
}

// object reads the next value as an object, skipping (with a warning)
// anything else.
func (p *parser) object(what string, fn func(key []byte) error) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k == jsonstream.Null {
		return nil
	}
	if k != jsonstream.ObjectStart {
		p.warn(p.s.Offset(), "%s: expected an object, got %s", what, k)
		return p.s.Skip(k)
	}
	return p.s.Object(fn)
}

func (p *parser) array(what string, fn func(k jsonstream.Kind) error) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k == jsonstream.Null {
		return nil
	}
	if k != jsonstream.ArrayStart {
		p.warn(p.s.Offset(), "%s: expected an array, got %s", what, k)
		return p.s.Skip(k)
	}
	return p.s.Array(fn)
}

func (p *parser) root() error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ObjectStart {
		return fmt.Errorf("%w at offset %d: expected '{', got %s", jsonstream.ErrSyntax, p.s.Offset(), k)
	}
	p.conv = chatexport.Conversation{Platform: chatexport.Discord, Type: chatexport.TypeUnknown, Source: p.file}
	err = p.s.Object(func(key []byte) error {
		switch string(key) {
		case "guild":
			return p.object("guild", func(key []byte) error {
				switch string(key) {
				case "id":
					return p.str(&p.conv.GuildID, "guild id")
				case "name":
					return p.str(&p.conv.GuildName, "guild name")
				}
				return p.s.SkipValue()
			})
		case "channel":
			return p.object("channel", func(key []byte) error {
				switch string(key) {
				case "id":
					return p.str(&p.conv.ID, "channel id")
				case "name":
					return p.str(&p.conv.Name, "channel name")
				case "type":
					err := p.str(&p.conv.RawType, "channel type")
					p.conv.Type = channelType(p.conv.RawType)
					return err
				case "category":
					return p.str(&p.conv.Category, "channel category")
				case "topic":
					return p.str(&p.conv.Topic, "channel topic")
				}
				return p.s.SkipValue()
			})
		case "exportedAt":
			var v string
			err := p.str(&v, "exportedAt")
			if t, perr := time.Parse(time.RFC3339Nano, v); perr == nil {
				p.conv.ExportedAt = t.UTC()
			}
			return err
		case "messages":
			if err := p.sendConv(); err != nil {
				return err
			}
			return p.array("messages", p.message)
		}
		return p.s.SkipValue()
	})
	if err != nil {
		return err
	}
	return p.sendConv()
}

func (p *parser) sendConv() error {
	if p.sent {
		return nil
	}
	p.sent = true
	if p.conv.ID == "" {
		p.conv.ID = "unknown"
		p.warn(0, "channel without id")
	}
	c := p.conv
	return p.em.Conversation(&c)
}

func channelType(t string) chatexport.ConversationType {
	switch t {
	case "DirectTextChat":
		return chatexport.TypePersonal
	case "DirectGroupTextChat":
		return chatexport.TypeGroup
	case "GuildPublicThread", "GuildPrivateThread", "GuildNewsThread":
		return chatexport.TypeThread
	case "":
		return chatexport.TypeUnknown
	}
	return chatexport.TypeChannel
}

type user struct {
	id, name, nick, disc string
	bot                  bool
	roles                []string
}

func (p *parser) user(u *user, what string) error {
	return p.object(what, func(key []byte) error {
		switch string(key) {
		case "id":
			return p.str(&u.id, what+" id")
		case "name":
			return p.str(&u.name, what+" name")
		case "nickname":
			return p.str(&u.nick, what+" nickname")
		case "discriminator":
			return p.str(&u.disc, what+" discriminator")
		case "isBot":
			v, err := p.s.Bool()
			u.bot = v
			return p.soft(err, what+" isBot")
		case "roles":
			return p.array(what+" roles", func(k jsonstream.Kind) error {
				if k != jsonstream.ObjectStart {
					return p.s.Skip(k)
				}
				return p.s.Object(func(key []byte) error {
					if string(key) != "name" {
						return p.s.SkipValue()
					}
					var r string
					err := p.str(&r, "role name")
					if r != "" && len(u.roles) < 64 {
						u.roles = append(u.roles, r)
					}
					return err
				})
			})
		}
		return p.s.SkipValue()
	})
}

func (p *parser) seen(u *user) error {
	if u.id == "" {
		return nil
	}
	up := chatexport.ParticipantUpdate{ID: u.id, Name: u.name, Username: u.name, Discriminator: u.disc, Bot: u.bot}
	if err := p.em.Seen(chatexport.Discord, up); err != nil {
		return err
	}
	if u.nick != "" && u.nick != u.name {
		if err := p.em.Seen(chatexport.Discord, chatexport.ParticipantUpdate{ID: u.id, Name: u.nick}); err != nil {
			return err
		}
	}
	for _, r := range u.roles {
		if err := p.em.Seen(chatexport.Discord, chatexport.ParticipantUpdate{ID: u.id, Role: &chatexport.Role{ConversationID: p.conv.ID, Role: r}}); err != nil {
			return err
		}
	}
	return nil
}

type rawMsg struct {
	off                     int64
	id, typ, ts, edited     string
	pinned                  bool
	content                 string
	author                  user
	mentions                []user
	atts                    []chatexport.Attachment
	ents                    []chatexport.Entity
	refType, refID, refChan string
	reactions               int
}

func (p *parser) message(k jsonstream.Kind) error {
	if p.n++; p.n&4095 == 0 {
		if err := p.ctx.Err(); err != nil {
			return err
		}
	}
	m := &rawMsg{off: p.s.Offset()}
	if k != jsonstream.ObjectStart {
		p.st.Skipped++
		p.warn(m.off, "message skipped: expected an object, got %s", k)
		return p.s.Skip(k)
	}
	tooBig := false
	over := func() bool {
		if !tooBig && p.s.Pos()-m.off > maxMessage {
			tooBig = true
		}
		return tooBig
	}
	err := p.s.Object(func(key []byte) error {
		if over() {
			return p.s.SkipValue()
		}
		switch string(key) {
		case "id":
			return p.str(&m.id, "id")
		case "type":
			return p.str(&m.typ, "type")
		case "timestamp":
			return p.str(&m.ts, "timestamp")
		case "timestampEdited":
			return p.str(&m.edited, "timestampEdited")
		case "isPinned":
			v, err := p.s.Bool()
			m.pinned = v
			return p.soft(err, "isPinned")
		case "content":
			return p.str(&m.content, "content")
		case "author":
			return p.user(&m.author, "author")
		case "mentions":
			return p.array("mentions", func(k jsonstream.Kind) error {
				if k != jsonstream.ObjectStart || over() {
					return p.s.Skip(k)
				}
				var u user
				// re-enter: the '{' is consumed, read keys directly
				err := p.s.Object(func(key []byte) error {
					switch string(key) {
					case "id":
						return p.str(&u.id, "mention id")
					case "name":
						return p.str(&u.name, "mention name")
					case "nickname":
						return p.str(&u.nick, "mention nickname")
					case "discriminator":
						return p.str(&u.disc, "mention discriminator")
					}
					return p.s.SkipValue()
				})
				if len(m.mentions) < maxList {
					m.mentions = append(m.mentions, u)
				}
				return err
			})
		case "attachments":
			return p.array("attachments", func(k jsonstream.Kind) error {
				if k != jsonstream.ObjectStart || over() {
					return p.s.Skip(k)
				}
				a, err := p.attachment()
				if len(m.atts) < maxList {
					m.atts = append(m.atts, a)
				}
				return err
			})
		case "stickers":
			return p.array("stickers", func(k jsonstream.Kind) error {
				if k != jsonstream.ObjectStart || over() {
					return p.s.Skip(k)
				}
				a := chatexport.Attachment{Kind: chatexport.KindSticker}
				err := p.s.Object(func(key []byte) error {
					switch string(key) {
					case "name":
						return p.str(&a.FileName, "sticker name")
					case "sourceUrl":
						var u string
						err := p.str(&u, "sticker url")
						p.setURL(&a, u)
						return err
					}
					return p.s.SkipValue()
				})
				if len(m.atts) < maxList {
					m.atts = append(m.atts, a)
				}
				return err
			})
		case "embeds":
			return p.array("embeds", func(k jsonstream.Kind) error {
				if k != jsonstream.ObjectStart || over() {
					return p.s.Skip(k)
				}
				e := chatexport.Entity{Type: "embed"}
				err := p.s.Object(func(key []byte) error {
					switch string(key) {
					case "title":
						return p.str(&e.Text, "embed title")
					case "url":
						return p.str(&e.Href, "embed url")
					}
					return p.s.SkipValue()
				})
				if (e.Text != "" || e.Href != "") && len(m.ents) < maxList {
					m.ents = append(m.ents, e)
				}
				return err
			})
		case "reactions":
			return p.array("reactions", func(k jsonstream.Kind) error {
				if k != jsonstream.ObjectStart || over() {
					return p.s.Skip(k)
				}
				return p.s.Object(func(key []byte) error {
					if string(key) != "count" {
						return p.s.SkipValue()
					}
					v, _, err := p.s.Int()
					if v > 0 {
						m.reactions += int(v)
					}
					return p.soft(err, "reaction count")
				})
			})
		case "reference":
			return p.object("reference", func(key []byte) error {
				switch string(key) {
				case "type":
					return p.str(&m.refType, "reference type")
				case "messageId":
					return p.str(&m.refID, "reference messageId")
				case "channelId":
					return p.str(&m.refChan, "reference channelId")
				}
				return p.s.SkipValue()
			})
		}
		return p.s.SkipValue()
	})
	if err != nil {
		return err
	}
	if tooBig {
		p.st.Skipped++
		p.warn(m.off, "message skipped: larger than %d bytes", maxMessage)
		return nil
	}
	if m.id == "" {
		// minimal exports written by other tools: keep the message under
		// an id made from its byte offset (stable across re-imports)
		m.id = "offset-" + strconv.FormatInt(m.off, 10)
		p.warn(m.off, "message without id: imported as id %q", m.id)
	}
	return p.emit(m)
}

func (p *parser) attachment() (chatexport.Attachment, error) {
	a := chatexport.Attachment{Kind: chatexport.KindFile}
	var size int64
	var sizeOK bool
	err := p.s.Object(func(key []byte) error {
		switch string(key) {
		case "url":
			var u string
			err := p.str(&u, "attachment url")
			p.setURL(&a, u)
			return err
		case "fileName":
			return p.str(&a.FileName, "attachment fileName")
		case "fileSizeBytes":
			v, ok, err := p.s.Int()
			size, sizeOK = v, ok
			return p.soft(err, "attachment fileSizeBytes")
		}
		return p.s.SkipValue()
	})
	if sizeOK {
		a.Size = &size
	}
	a.Kind = kindFromName(a.FileName)
	return a, err
}

// setURL records a CDN URL, or a local path for exports made with --media.
func (p *parser) setURL(a *chatexport.Attachment, u string) {
	a.Ref = u
	if u == "" {
		return
	}
	if strings.Contains(u, "://") {
		a.URL = u
		return
	}
	ref := u
	if d, err := url.PathUnescape(u); err == nil {
		ref = d
	}
	a.Path = chatexport.ResolveRef(p.dir, ref)
	a.Present = chatexport.Exists(p.fsys, a.Path)
	if !a.Present && ref != u { // maybe the name really contains '%'
		if alt := chatexport.ResolveRef(p.dir, u); chatexport.Exists(p.fsys, alt) {
			a.Path, a.Present = alt, true
		}
	}
}

func kindFromName(name string) chatexport.AttachmentKind {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".heic":
		return chatexport.KindPhoto
	case ".gif":
		return chatexport.KindAnimation
	case ".mp4", ".mov", ".webm", ".mkv", ".avi":
		return chatexport.KindVideo
	case ".ogg", ".opus":
		return chatexport.KindVoice
	case ".mp3", ".wav", ".m4a", ".flac":
		return chatexport.KindAudio
	}
	return chatexport.KindFile
}

func (p *parser) emit(m *rawMsg) error {
	msg := &chatexport.Message{
		ConversationID: p.conv.ID,
		ID:             m.id,
		SenderID:       m.author.id,
		SenderName:     m.author.name,
		Text:           m.content,
		Pinned:         m.pinned,
		Reactions:      m.reactions,
		Attachments:    m.atts,
		Offset:         m.off,
	}
	if m.author.nick != "" {
		msg.SenderName = m.author.nick
	}
	if t, err := time.Parse(time.RFC3339Nano, m.ts); err == nil {
		_, off := t.Zone()
		msg.Time, msg.UTCOffset, msg.OffsetKnown = t.UTC(), off, true
	} else {
		p.warn(m.off, "message %s: bad timestamp %q", m.id, m.ts)
	}
	if m.edited != "" {
		msg.Edited = true
		if t, err := time.Parse(time.RFC3339Nano, m.edited); err == nil {
			msg.EditedAt = t.UTC()
		}
	}
	switch m.refType {
	case "Forward":
		msg.ForwardedFrom = "message " + m.refID
		msg.ReplyToChat = m.refChan
	default:
		if m.refID != "" {
			msg.ReplyTo = m.refID
			if m.refChan != p.conv.ID {
				msg.ReplyToChat = m.refChan
			}
		}
	}
	for _, u := range m.mentions {
		msg.Entities = append(msg.Entities, chatexport.Entity{Type: "mention", Text: mentionName(u), UserID: u.id})
	}
	msg.Entities = append(msg.Entities, m.ents...)
	switch m.typ {
	case "", "Default", "Reply":
	default:
		msg.Service = true
		msg.Action = m.typ
	}
	if err := p.seen(&m.author); err != nil {
		return err
	}
	for i := range m.mentions {
		if err := p.seen(&m.mentions[i]); err != nil {
			return err
		}
	}
	if err := p.em.Message(msg); err != nil {
		return err
	}
	if ev := p.event(m, msg); ev != nil {
		return p.em.Event(ev)
	}
	return nil
}

func mentionName(u user) string {
	if u.nick != "" {
		return u.nick
	}
	return u.name
}

func (p *parser) event(m *rawMsg, msg *chatexport.Message) *chatexport.MembershipEvent {
	ev := &chatexport.MembershipEvent{ConversationID: p.conv.ID, MessageID: msg.ID, Time: msg.Time, OffsetKnown: msg.OffsetKnown}
	actor := &chatexport.Ref{ID: m.author.id, Name: m.author.name}
	var targets []chatexport.Ref
	for _, u := range m.mentions {
		targets = append(targets, chatexport.Ref{ID: u.id, Name: u.name})
	}
	switch m.typ {
	case "GuildMemberJoin":
		ev.Kind, ev.Actor, ev.Targets = chatexport.EventJoin, actor, []chatexport.Ref{*actor}
	case "RecipientAdd":
		ev.Kind, ev.Actor, ev.Targets = chatexport.EventAdd, actor, targets
	case "RecipientRemove":
		ev.Kind, ev.Actor, ev.Targets = chatexport.EventRemove, actor, targets
		if len(targets) == 0 || len(targets) == 1 && targets[0].ID == actor.ID {
			ev.Kind, ev.Targets = chatexport.EventLeave, []chatexport.Ref{*actor}
		}
	case "ChannelPinnedMessage":
		ev.Kind, ev.Actor, ev.PinnedMessageID = chatexport.EventPin, actor, m.refID
	case "ChannelNameChange":
		ev.Kind, ev.Actor, ev.Title = chatexport.EventTitleChange, actor, m.content
	case "ChannelIconChange":
		ev.Kind, ev.Actor = chatexport.EventPhotoChange, actor
	default:
		return nil
	}
	return ev
}
