package telegram

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/chatexport"
	"github.com/vibora-project/vibora/internal/chatexport/jsonstream"
)

// maxEntities and maxMembers bound per-message lists.
const (
	maxEntities = 4096
	maxMembers  = 4096
	maxAnswers  = 256
)

// rawMsg holds one message object's fields as read; it is reused.
type rawMsg struct {
	off                            int64
	id                             int64
	idOK                           bool
	typ                            string
	local, editedLocal             stampField // date, edited
	unix, editedUnix               stampField // date_unixtime, edited_unixtime
	from, fromID                   string
	actor, actorID                 string
	action                         string
	author, fwd, savedFrom, viaBot string
	replyTo                        int64
	replyOK                        bool
	replyPeer                      string
	photo                          string
	photoSize                      *int64
	width, height, duration        int
	file, fileName, thumb          string
	fileSize                       *int64
	mediaType, mime, emoji         string
	performer, songTitle           string
	contact                        *chatexport.Contact
	vcard                          string
	vcardSize                      *int64
	loc                            *chatexport.Location
	placeName, address             string
	livePeriod                     int
	poll                           *chatexport.Poll
	text                           strings.Builder
	ents                           []chatexport.Entity
	textEnts                       []chatexport.Entity
	hasTextEnts                    bool
	reactions                      int
	title, inviter                 string
	members                        []chatexport.Ref
	pinnedID                       int64
	pinnedOK                       bool
	bad                            string // reason the record is unusable
	entsDropped                    int    // formatting entities beyond maxEntities
}

func (m *rawMsg) reset() {
	ents, tents, mem := m.ents[:0], m.textEnts[:0], m.members[:0]
	*m = rawMsg{}
	m.ents, m.textEnts, m.members = ents, tents, mem
}

func (p *parser) message(c *chat, k jsonstream.Kind) error {
	if p.n++; p.n&4095 == 0 {
		if err := p.ctx.Err(); err != nil {
			return err
		}
	}
	off := p.s.Offset()
	if k != jsonstream.ObjectStart {
		p.st.Skipped++
		p.warn(off, "message skipped: expected an object, got %s", k)
		return p.s.Skip(k)
	}
	m := &p.raw
	m.reset()
	m.off = off
	if err := p.objectKeys(func(key []byte) error {
		if m.bad != "" {
			return p.s.SkipValue()
		}
		if p.over(m) {
			return p.s.SkipValue()
		}
		return p.messageField(m, key)
	}); err != nil {
		return err
	}
	if m.bad != "" {
		p.st.Skipped++
		p.warn(off, "message skipped: %s", m.bad)
		return nil
	}
	if !m.idOK {
		// minimal exports written by other tools: keep the message under
		// an id made from its byte offset (stable across re-imports)
		p.warn(off, "message without id: imported as id %q", offsetID(off))
	}
	if m.entsDropped > 0 {
		p.warn(off, "message %d: %d formatting entities beyond the first %d not kept (the text is complete)", m.id, m.entsDropped, maxEntities)
	}
	return p.emitMessage(c, m)
}

// stampField is a parsed date or unixtime field.
type stampField struct {
	t   time.Time
	ok  bool
	bad string // the raw value when it did not parse
}

// stamp reads a date ("2006-01-02T15:04:05", local) or a unixtime (a
// string or number of seconds) without allocating.
func (p *parser) stamp(dst *stampField, unix bool) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.String && k != jsonstream.Number {
		if k != jsonstream.Null {
			p.warn(p.s.Offset(), "date field: unexpected %s", k)
		}
		return p.s.Skip(k)
	}
	b := p.s.Bytes()
	if unix {
		if v, ok := atoiBytes(b); ok && v > 0 {
			*dst = stampField{t: time.Unix(v, 0).UTC(), ok: true}
			return nil
		}
	} else if t, ok := parseLocalBytes(b); ok {
		*dst = stampField{t: t, ok: true}
		return nil
	}
	if len(b) > 64 {
		b = b[:64]
	}
	dst.bad = string(b)
	return nil
}

// interned reads a string value through the parser's intern table, so
// the names, ids and types repeated on every message are allocated once.
func (p *parser) interned(dst *string, what string) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	switch k {
	case jsonstream.String, jsonstream.Number:
		*dst = p.intern(p.s.Bytes())
		return nil
	case jsonstream.Null:
		*dst = ""
		return nil
	}
	p.warn(p.s.Offset(), "%s: unexpected %s", what, k)
	return p.s.Skip(k)
}

const maxInterned = 1 << 14

func (p *parser) intern(b []byte) string {
	if s, ok := p.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.strs) < maxInterned && len(b) <= 256 {
		p.strs[s] = s
	}
	return s
}

// over reports (and records) that the message being read has passed
// maxMessage bytes of JSON; the rest of it is then skipped.
func (p *parser) over(m *rawMsg) bool {
	if m.bad == "" && p.s.Pos()-m.off > maxMessage {
		m.bad = fmt.Sprintf("message larger than %d bytes", maxMessage)
	}
	return m.bad != ""
}

func (p *parser) str(dst *string, what string) error {
	v, _, err := p.s.String()
	*dst = v
	return p.soft(err, what)
}

func (p *parser) integer(dst *int, what string) error {
	v, _, err := p.s.Int()
	*dst = int(v)
	return p.soft(err, what)
}

func (p *parser) size(dst **int64, what string) error {
	v, ok, err := p.s.Int()
	if ok {
		*dst = &v
	}
	return p.soft(err, what)
}

func (p *parser) messageField(m *rawMsg, key []byte) error {
	s := p.s
	switch string(key) {
	case "id":
		v, ok, err := s.Int()
		if err != nil {
			if jsonstream.IsFatal(err) {
				return err
			}
			m.bad = "id is not an integer"
			return nil
		}
		m.id, m.idOK = v, ok
	case "type":
		return p.interned(&m.typ, "type")
	case "date":
		return p.stamp(&m.local, false)
	case "date_unixtime":
		return p.stamp(&m.unix, true)
	case "edited":
		return p.stamp(&m.editedLocal, false)
	case "edited_unixtime":
		return p.stamp(&m.editedUnix, true)
	case "from":
		return p.interned(&m.from, "from")
	case "from_id":
		return p.interned(&m.fromID, "from_id")
	case "actor":
		return p.interned(&m.actor, "actor")
	case "actor_id":
		return p.interned(&m.actorID, "actor_id")
	case "action":
		return p.interned(&m.action, "action")
	case "author":
		return p.interned(&m.author, "author")
	case "forwarded_from":
		// null or "" still marks a forward whose origin name is hidden
		v, _, err := s.String()
		m.fwd = v
		if err == nil && v == "" {
			m.fwd = "(hidden)"
		}
		return p.soft(err, "forwarded_from")
	case "saved_from":
		return p.str(&m.savedFrom, "saved_from")
	case "via_bot":
		return p.str(&m.viaBot, "via_bot")
	case "reply_to_message_id":
		v, ok, err := s.Int()
		m.replyTo, m.replyOK = v, ok
		return p.soft(err, "reply_to_message_id")
	case "reply_to_peer_id":
		return p.str(&m.replyPeer, "reply_to_peer_id")
	case "photo":
		return p.str(&m.photo, "photo")
	case "photo_file_size":
		return p.size(&m.photoSize, "photo_file_size")
	case "width":
		return p.integer(&m.width, "width")
	case "height":
		return p.integer(&m.height, "height")
	case "duration_seconds":
		return p.integer(&m.duration, "duration_seconds")
	case "file":
		return p.str(&m.file, "file")
	case "file_name":
		return p.str(&m.fileName, "file_name")
	case "file_size":
		return p.size(&m.fileSize, "file_size")
	case "thumbnail":
		return p.str(&m.thumb, "thumbnail")
	case "media_type":
		return p.interned(&m.mediaType, "media_type")
	case "mime_type":
		return p.interned(&m.mime, "mime_type")
	case "sticker_emoji":
		return p.str(&m.emoji, "sticker_emoji")
	case "performer":
		return p.str(&m.performer, "performer")
	case "title":
		// audio title for messages, chat title for service messages
		v, _, err := s.String()
		m.title, m.songTitle = v, v
		return p.soft(err, "title")
	case "contact_information":
		return p.contactInfo(m)
	case "contact_vcard":
		return p.str(&m.vcard, "contact_vcard")
	case "contact_vcard_file_size":
		return p.size(&m.vcardSize, "contact_vcard_file_size")
	case "location_information":
		return p.location(m)
	case "place_name":
		return p.str(&m.placeName, "place_name")
	case "address":
		return p.str(&m.address, "address")
	case "live_location_period_seconds":
		return p.integer(&m.livePeriod, "live_location_period_seconds")
	case "poll":
		return p.poll(m)
	case "text":
		return p.textValue(m)
	case "text_entities":
		return p.textEntities(m)
	case "reactions":
		return p.reactions(m)
	case "members":
		return p.members(m)
	case "inviter":
		return p.str(&m.inviter, "inviter")
	case "message_id":
		v, ok, err := s.Int()
		m.pinnedID, m.pinnedOK = v, ok
		return p.soft(err, "message_id")
	default:
		return s.SkipValue()
	}
	return nil
}

func (p *parser) contactInfo(m *rawMsg) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ObjectStart {
		return p.s.Skip(k)
	}
	c := &chatexport.Contact{}
	m.contact = c
	return p.objectKeys(func(key []byte) error {
		switch string(key) {
		case "first_name":
			return p.str(&c.FirstName, "contact first_name")
		case "last_name":
			return p.str(&c.LastName, "contact last_name")
		case "phone_number":
			return p.str(&c.Phone, "contact phone_number")
		}
		return p.s.SkipValue()
	})
}

func (p *parser) location(m *rawMsg) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ObjectStart {
		return p.s.Skip(k)
	}
	l := &chatexport.Location{}
	m.loc = l
	return p.objectKeys(func(key []byte) error {
		var v float64
		var err error
		switch string(key) {
		case "latitude":
			v, _, err = p.s.Float()
			l.Latitude = v
		case "longitude":
			v, _, err = p.s.Float()
			l.Longitude = v
		default:
			return p.s.SkipValue()
		}
		return p.soft(err, "location")
	})
}

func (p *parser) poll(m *rawMsg) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ObjectStart {
		return p.s.Skip(k)
	}
	pl := &chatexport.Poll{}
	m.poll = pl
	return p.objectKeys(func(key []byte) error {
		switch string(key) {
		case "question":
			return p.str(&pl.Question, "poll question")
		case "closed":
			v, err := p.s.Bool()
			pl.Closed = v
			return p.soft(err, "poll closed")
		case "total_voters":
			return p.integer(&pl.Voters, "poll total_voters")
		case "answers":
			k, err := p.s.Next()
			if err != nil {
				return err
			}
			if k != jsonstream.ArrayStart {
				return p.s.Skip(k)
			}
			return p.arrayItems(func(k jsonstream.Kind) error {
				if k != jsonstream.ObjectStart {
					return p.s.Skip(k)
				}
				return p.objectKeys(func(key []byte) error {
					if string(key) != "text" {
						return p.s.SkipValue()
					}
					var t string
					if err := p.str(&t, "poll answer"); err != nil {
						return err
					}
					if len(pl.Answers) < maxAnswers {
						pl.Answers = append(pl.Answers, t)
					}
					return nil
				})
			})
		}
		return p.s.SkipValue()
	})
}

// textValue reads "text": a string, or an array of strings and entity
// objects.
func (p *parser) textValue(m *rawMsg) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	switch k {
	case jsonstream.String:
		m.text.Write(p.s.Bytes())
		return nil
	case jsonstream.Null:
		return nil
	case jsonstream.ArrayStart:
	default:
		p.warn(p.s.Offset(), "text: unexpected %s", k)
		return p.s.Skip(k)
	}
	return p.arrayItems(func(k jsonstream.Kind) error {
		if p.over(m) {
			return p.s.Skip(k)
		}
		switch k {
		case jsonstream.String:
			m.text.Write(p.s.Bytes())
			return nil
		case jsonstream.ObjectStart:
			e, err := p.entity()
			if err != nil {
				return err
			}
			m.text.WriteString(e.Text)
			if e.Type != "plain" && e.Type != "" {
				if len(m.ents) < maxEntities {
					m.ents = append(m.ents, e)
				} else {
					m.entsDropped++
				}
			}
			return nil
		}
		return p.s.Skip(k)
	})
}

// entity reads {type, text, href, user_id, …} after '{'.
func (p *parser) entity() (chatexport.Entity, error) {
	var e chatexport.Entity
	err := p.objectKeys(func(key []byte) error {
		switch string(key) {
		case "type":
			return p.str(&e.Type, "entity type")
		case "text":
			return p.str(&e.Text, "entity text")
		case "href":
			return p.str(&e.Href, "entity href")
		case "user_id":
			var v string
			err := p.str(&v, "entity user_id")
			e.UserID = peerID(v)
			return err
		}
		return p.s.SkipValue()
	})
	return e, err
}

func (p *parser) textEntities(m *rawMsg) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ArrayStart {
		return p.s.Skip(k)
	}
	m.hasTextEnts = true
	return p.arrayItems(func(k jsonstream.Kind) error {
		if k != jsonstream.ObjectStart || p.over(m) {
			return p.s.Skip(k)
		}
		e, err := p.entity()
		if err != nil {
			return err
		}
		if e.Type != "plain" && e.Type != "" {
			if len(m.textEnts) < maxEntities {
				m.textEnts = append(m.textEnts, e)
			} else {
				m.entsDropped++
			}
		}
		return nil
	})
}

func (p *parser) reactions(m *rawMsg) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ArrayStart {
		return p.s.Skip(k)
	}
	return p.arrayItems(func(k jsonstream.Kind) error {
		if k != jsonstream.ObjectStart {
			return p.s.Skip(k)
		}
		return p.objectKeys(func(key []byte) error {
			switch string(key) {
			case "count":
				var n int
				err := p.integer(&n, "reaction count")
				if n > 0 {
					m.reactions += n
				}
				return err
			case "recent":
				return p.reactors()
			}
			return p.s.SkipValue()
		})
	})
}

// reactors registers the users listed in a reaction's "recent" array as
// participants: a reaction is evidence of membership.
func (p *parser) reactors() error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ArrayStart {
		return p.s.Skip(k)
	}
	return p.arrayItems(func(k jsonstream.Kind) error {
		if k != jsonstream.ObjectStart {
			return p.s.Skip(k)
		}
		var name, id string
		if err := p.objectKeys(func(key []byte) error {
			switch string(key) {
			case "from":
				return p.str(&name, "reaction from")
			case "from_id":
				return p.str(&id, "reaction from_id")
			}
			return p.s.SkipValue()
		}); err != nil {
			return err
		}
		return p.em.Seen(chatexport.Telegram, chatexport.ParticipantUpdate{ID: peerID(id), Name: name})
	})
}

func (p *parser) members(m *rawMsg) error {
	k, err := p.s.Next()
	if err != nil {
		return err
	}
	if k != jsonstream.ArrayStart {
		return p.s.Skip(k)
	}
	dropped := 0
	err = p.arrayItems(func(k jsonstream.Kind) error {
		if p.over(m) {
			return p.s.Skip(k)
		}
		var name string
		switch k {
		case jsonstream.String:
			name = p.s.Text()
		case jsonstream.Null:
		default:
			return p.s.Skip(k)
		}
		if len(m.members) < maxMembers {
			m.members = append(m.members, chatexport.Ref{Name: name})
		} else {
			dropped++
		}
		return nil
	})
	if err == nil && dropped > 0 {
		// An invite or join of more members than we keep: say so rather
		// than cut the list quietly.
		p.warn(m.off, "message %d lists %d members; only the first %d were read", m.id, maxMembers+dropped, maxMembers)
	}
	return err
}

// placeholder reports whether a path field holds tdesktop's text for a
// skipped file ("(File not included. …)", "(Photo exceeds maximum size…)").
func placeholder(v string) bool {
	return strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") &&
		(strings.HasPrefix(v, "(File ") || strings.HasPrefix(v, "(Photo ") || strings.Contains(v, "not included") || strings.Contains(v, "unavailable") || strings.Contains(v, "exceeds"))
}

func (p *parser) attachment(kind chatexport.AttachmentKind, ref string) chatexport.Attachment {
	a := chatexport.Attachment{Kind: kind, Ref: ref}
	if placeholder(ref) {
		a.NotIncluded = true
		return a
	}
	a.Path = chatexport.ResolveRef(p.dir, ref)
	if a.Path == "" {
		if ref != "" {
			p.warn(p.raw.off, "attachment path %q is outside the export", ref)
		}
		return a
	}
	a.FileName = path.Base(a.Path)
	a.Present = chatexport.Exists(p.fsys, a.Path)
	return a
}

func fileKind(mediaType string) chatexport.AttachmentKind {
	switch mediaType {
	case "sticker":
		return chatexport.KindSticker
	case "video_message":
		return chatexport.KindVideoMessage
	case "voice_message":
		return chatexport.KindVoice
	case "animation":
		return chatexport.KindAnimation
	case "video_file":
		return chatexport.KindVideo
	case "audio_file":
		return chatexport.KindAudio
	}
	return chatexport.KindFile
}

// offsetID is the id given to a message the export wrote without one.
func offsetID(off int64) string { return "offset-" + strconv.FormatInt(off, 10) }

func (p *parser) emitMessage(c *chat, m *rawMsg) error {
	id := strconv.FormatInt(m.id, 10)
	if !m.idOK {
		id = offsetID(m.off)
	}
	if m.typ == "" { // minimal exports: a message without "type"
		m.typ = "message"
		if m.action != "" {
			m.typ = "service"
		}
		if !p.noTypeWarned {
			p.noTypeWarned = true
			p.warn(m.off, "message %s has no type: messages without one are read as %s (an action makes a service message)", id, m.typ)
		}
	}
	msg := &chatexport.Message{
		ConversationID: c.id,
		ID:             id,
		Author:         m.author,
		ForwardedFrom:  m.fwd,
		SavedFrom:      m.savedFrom,
		ViaBot:         m.viaBot,
		Reactions:      m.reactions,
		Offset:         m.off,
		Contact:        m.contact,
		Poll:           m.poll,
		Text:           m.text.String(),
	}
	switch m.typ {
	case "message":
	case "service":
		msg.Service = true
		msg.Action = m.action
	case "unsupported":
		msg.Action = "unsupported"
	default:
		p.warn(m.off, "message %s: unknown type %q", id, m.typ)
		msg.Action = m.typ
	}
	// time
	if m.unix.bad != "" {
		p.warn(m.off, "message %s: bad date_unixtime %q", id, m.unix.bad)
	}
	switch {
	case m.unix.ok:
		msg.Time = m.unix.t
		msg.OffsetKnown = true
		if m.local.ok {
			if off := m.local.t.Unix() - m.unix.t.Unix(); off >= -18*3600 && off <= 18*3600 {
				msg.UTCOffset = int(off)
			} else {
				p.warn(m.off, "message %s: date and date_unixtime differ by %ds", id, off)
			}
		}
	case m.local.ok:
		msg.Time = m.local.t
	default:
		if m.typ != "unsupported" {
			p.warn(m.off, "message %s: no usable date", id)
		}
	}
	// old exports wrote "edited": "1970-01-01T01:00:00" on unedited messages
	switch {
	case m.editedUnix.ok:
		msg.Edited, msg.EditedAt = true, m.editedUnix.t
	case m.editedLocal.ok && m.editedLocal.t.Year() > 1970:
		msg.Edited, msg.EditedAt = true, m.editedLocal.t
	}
	if m.replyOK {
		msg.ReplyTo = strconv.FormatInt(m.replyTo, 10)
		msg.ReplyToChat = m.replyPeer
	}
	// sender
	if msg.Service {
		msg.SenderID, msg.SenderName = peerID(m.actorID), m.actor
	} else {
		msg.SenderID, msg.SenderName = peerID(m.fromID), m.from
	}
	if msg.SenderID != "" {
		u := chatexport.ParticipantUpdate{ID: msg.SenderID, Name: msg.SenderName}
		if m.action == "create_group" || m.action == "create_channel" {
			u.Role = &chatexport.Role{ConversationID: c.id, Role: "creator"}
		}
		if err := p.em.Seen(chatexport.Telegram, u); err != nil {
			return err
		}
	}
	// entities: text_entities when present, else the ones in text
	ents := m.ents
	if m.hasTextEnts {
		ents = m.textEnts
	}
	if len(ents) > 0 {
		msg.Entities = append([]chatexport.Entity(nil), ents...)
	}
	// media
	if m.photo != "" {
		a := p.attachment(chatexport.KindPhoto, m.photo)
		a.Size, a.Width, a.Height = m.photoSize, m.width, m.height
		msg.Attachments = append(msg.Attachments, a)
	}
	if m.file != "" {
		a := p.attachment(fileKind(m.mediaType), m.file)
		if m.fileName != "" {
			a.FileName = m.fileName
		}
		a.Size, a.MIME, a.Width, a.Height, a.Duration, a.Emoji = m.fileSize, m.mime, m.width, m.height, m.duration, m.emoji
		if m.thumb != "" && !placeholder(m.thumb) {
			a.Thumbnail = chatexport.ResolveRef(p.dir, m.thumb)
			a.ThumbnailPresent = chatexport.Exists(p.fsys, a.Thumbnail)
		}
		msg.Attachments = append(msg.Attachments, a)
	}
	if m.vcard != "" {
		a := p.attachment(chatexport.KindContact, m.vcard)
		a.Size = m.vcardSize
		msg.Attachments = append(msg.Attachments, a)
	}
	if m.loc != nil {
		m.loc.Name, m.loc.Address, m.loc.LivePeriod = m.placeName, m.address, m.livePeriod
		msg.Location = m.loc
	}
	if err := p.em.Message(msg); err != nil {
		return err
	}
	if msg.Service {
		if ev := p.event(c, m, msg); ev != nil {
			return p.em.Event(ev)
		}
	}
	return nil
}

// event derives a membership event from a service message.
func (p *parser) event(c *chat, m *rawMsg, msg *chatexport.Message) *chatexport.MembershipEvent {
	ev := &chatexport.MembershipEvent{
		ConversationID: c.id,
		MessageID:      msg.ID,
		Time:           msg.Time,
		OffsetKnown:    msg.OffsetKnown,
	}
	if msg.SenderID != "" || msg.SenderName != "" {
		ev.Actor = &chatexport.Ref{ID: msg.SenderID, Name: msg.SenderName}
	}
	members := func() []chatexport.Ref {
		if len(m.members) == 0 {
			return nil
		}
		return append([]chatexport.Ref(nil), m.members...)
	}
	self := func() []chatexport.Ref {
		if ev.Actor == nil {
			return nil
		}
		return []chatexport.Ref{*ev.Actor}
	}
	switch m.action {
	case "create_group", "create_channel":
		ev.Kind, ev.Title, ev.Targets = chatexport.EventCreate, m.title, members()
	case "invite_members":
		ev.Kind, ev.Targets = chatexport.EventAdd, members()
	case "remove_members":
		ev.Kind, ev.Targets = chatexport.EventRemove, members()
		if len(m.members) == 1 && ev.Actor != nil && m.members[0].Name == ev.Actor.Name {
			ev.Kind, ev.Targets = chatexport.EventLeave, self()
		}
	case "join_group_by_link":
		ev.Kind, ev.Targets, ev.Inviter = chatexport.EventJoinLink, self(), m.inviter
	case "join_group_by_request":
		ev.Kind, ev.Targets = chatexport.EventJoinRequest, self()
	case "migrate_to_supergroup":
		ev.Kind = chatexport.EventMigrateTo
	case "migrate_from_group":
		ev.Kind, ev.Title = chatexport.EventMigrateFrom, m.title
	case "edit_group_title":
		ev.Kind, ev.Title = chatexport.EventTitleChange, m.title
	case "edit_group_photo", "delete_group_photo":
		ev.Kind = chatexport.EventPhotoChange
	case "pin_message":
		ev.Kind = chatexport.EventPin
		if m.pinnedOK {
			ev.PinnedMessageID = strconv.FormatInt(m.pinnedID, 10)
		}
	case "joined_telegram":
		ev.Kind, ev.Targets = chatexport.EventJoinedService, self()
	default:
		return nil
	}
	return ev
}
