// Package chatexport is Vibora's common model for exported chat histories
// (Telegram Desktop JSON, WhatsApp .txt/.zip, DiscordChatExporter JSON).
//
// The parsers live in sub-packages (telegram, whatsapp, discord); the detect
// sub-package recognises a file or folder and dispatches to the right one.
// Parsers stream: they deliver conversations, participants, messages,
// membership events and account records to a Handler one at a time, so a
// multi-gigabyte export is parsed in bounded memory. They never write to
// their input and never abort on a single bad record: skipped records are
// reported as Warnings in Stats.
package chatexport

import (
	"time"
)

// Platform names the messaging service an export comes from.
type Platform string

// Platforms.
const (
	Telegram Platform = "telegram"
	WhatsApp Platform = "whatsapp"
	Discord  Platform = "discord"
)

// ConversationType is the normalised kind of a conversation.
type ConversationType string

// Conversation types. RawType on Conversation keeps the source's own value.
const (
	TypeUnknown    ConversationType = "unknown"
	TypePersonal   ConversationType = "personal"   // one-to-one chat
	TypeBot        ConversationType = "bot"        // chat with a bot
	TypeGroup      ConversationType = "group"      // basic group / WhatsApp group / Discord group DM
	TypeSupergroup ConversationType = "supergroup" // Telegram supergroup
	TypeChannel    ConversationType = "channel"    // broadcast channel or Discord guild channel
	TypeThread     ConversationType = "thread"     // Discord thread
	TypeSaved      ConversationType = "saved"      // Telegram "Saved Messages"
	TypeService    ConversationType = "service"    // Telegram replies / verification codes
)

// Conversation is one chat, group or channel.
type Conversation struct {
	Platform Platform         `json:"platform"`
	ID       string           `json:"id"`             // platform id; for WhatsApp (no ids) the chat name
	Name     string           `json:"name,omitempty"` // title as exported
	Type     ConversationType `json:"type"`
	RawType  string           `json:"raw_type,omitempty"` // the source's type value
	Public   bool             `json:"public,omitempty"`   // Telegram public_supergroup / public_channel
	Left     bool             `json:"left,omitempty"`     // Telegram full export: from left_chats
	// Guild and category (Discord), topic.
	GuildID   string `json:"guild_id,omitempty"`
	GuildName string `json:"guild_name,omitempty"`
	Category  string `json:"category,omitempty"`
	Topic     string `json:"topic,omitempty"`
	// Source is the exported file (path inside the fs.FS given to the parser).
	Source string `json:"source"`
	// Archive is set when Source lies inside a zip archive: it is the
	// archive's path in the fs.FS, and Source and attachment paths are
	// then paths inside that archive.
	Archive string `json:"archive,omitempty"`
	// ExportedAt is when the export was made, if the format records it.
	ExportedAt time.Time `json:"exported_at,omitzero"`
}

// Role is a role a participant is known to hold in one conversation.
type Role struct {
	ConversationID string `json:"conversation_id,omitempty"`
	Role           string `json:"role"` // "creator", "admin", or a Discord role name
}

// Participant is a person, bot or channel that appears in an export.
// Parsers call Handler.Participant when a participant is first seen and
// again whenever they learn something new about it; each call carries the
// full accumulated record, so consumers upsert by (Platform, ID).
type Participant struct {
	Platform Platform `json:"platform"`
	// ID is the platform id ("user1000000002", a Discord snowflake). WhatsApp
	// has no ids: a phone number sender gets "+<digits>", a saved contact
	// "name:<display name>", the exporting user "self".
	ID       string   `json:"id"`
	Names    []string `json:"names,omitempty"` // every display name seen, in order of first appearance
	Phone    string   `json:"phone,omitempty"`
	Username string   `json:"username,omitempty"` // Telegram @username, Discord user name
	// Discriminator is the legacy Discord tag ("0000" for migrated names).
	Discriminator string `json:"discriminator,omitempty"`
	Bot           bool   `json:"bot,omitempty"`
	Self          bool   `json:"self,omitempty"` // the account that made the export
	Roles         []Role `json:"roles,omitempty"`
}

// Entity is a typed span of message text: mention, link, email, phone,
// code, hashtag, text_link (with Href), mention_name (with UserID)…
// Plain text parts are not kept.
type Entity struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Href   string `json:"href,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

// AttachmentKind classifies an attachment.
type AttachmentKind string

// Attachment kinds.
const (
	KindUnknown      AttachmentKind = "unknown" // e.g. WhatsApp "<Media omitted>"
	KindPhoto        AttachmentKind = "photo"
	KindVideo        AttachmentKind = "video"
	KindVideoMessage AttachmentKind = "video_message" // Telegram round video
	KindAnimation    AttachmentKind = "animation"     // GIF
	KindVoice        AttachmentKind = "voice"
	KindAudio        AttachmentKind = "audio"
	KindSticker      AttachmentKind = "sticker"
	KindFile         AttachmentKind = "file" // document
	KindContact      AttachmentKind = "contact"
)

// Attachment is a media file a message carries or refers to.
type Attachment struct {
	Kind AttachmentKind `json:"kind"`
	// Ref is the reference exactly as written in the export (a relative
	// path, a placeholder text, a file name or a URL).
	Ref string `json:"ref,omitempty"`
	// Path is the file's path inside the fs.FS (or inside Conversation.Archive),
	// cleaned, when Ref names a local file. Empty for placeholders and URLs.
	Path string `json:"path,omitempty"`
	// Present reports that Path exists as a regular file.
	Present bool `json:"present"`
	// NotIncluded marks media the export skipped (Telegram "(File not
	// included…)", WhatsApp "<Media omitted>" / "image omitted").
	NotIncluded bool   `json:"not_included,omitempty"`
	FileName    string `json:"file_name,omitempty"`
	Size        *int64 `json:"size,omitempty"`
	MIME        string `json:"mime,omitempty"`
	URL         string `json:"url,omitempty"` // Discord CDN URL
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	Duration    int    `json:"duration_seconds,omitempty"`
	Emoji       string `json:"emoji,omitempty"` // sticker emoji
	// Thumbnail is the thumbnail's path inside the fs.FS, when exported.
	Thumbnail        string `json:"thumbnail,omitempty"`
	ThumbnailPresent bool   `json:"thumbnail_present,omitempty"`
}

// Location is a shared position.
type Location struct {
	Latitude   float64 `json:"latitude"`
	Longitude  float64 `json:"longitude"`
	Name       string  `json:"name,omitempty"`
	Address    string  `json:"address,omitempty"`
	LivePeriod int     `json:"live_period_seconds,omitempty"`
}

// Contact is a shared contact card.
type Contact struct {
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Phone     string `json:"phone,omitempty"`
}

// Poll is a poll question and its answers.
type Poll struct {
	Question string   `json:"question"`
	Answers  []string `json:"answers,omitempty"`
	Closed   bool     `json:"closed,omitempty"`
	Voters   int      `json:"total_voters,omitempty"`
}

// Message is one message or service (system) message.
type Message struct {
	ConversationID string `json:"conversation_id"`
	// ID is the platform id as a string. Telegram ids can be negative
	// (history migrated from a basic group). WhatsApp has none: the parser
	// numbers messages 1, 2, … in file order.
	ID string `json:"id"`
	// Time is the instant in UTC. When OffsetKnown is false the source gave
	// only a local wall-clock reading with no zone (WhatsApp, Telegram before
	// v3.7.6): Time then holds that reading labelled UTC and must not be
	// compared with known instants without care.
	Time time.Time `json:"time"`
	// UTCOffset is the source's offset from UTC in seconds (Telegram: local
	// `date` minus `date_unixtime`; Discord: the timestamp's offset).
	UTCOffset   int  `json:"utc_offset"`
	OffsetKnown bool `json:"offset_known"`
	// SenderID is the sender participant's ID; empty when the export names
	// no sender (Telegram "from": null with no id, WhatsApp system lines).
	SenderID string `json:"sender_id,omitempty"`
	// SenderName is the name shown on this message (may be empty).
	SenderName string `json:"sender_name,omitempty"`
	// Author is a post signature (Telegram channel posts, anonymous admins).
	Author        string       `json:"author,omitempty"`
	Text          string       `json:"text,omitempty"`
	Entities      []Entity     `json:"entities,omitempty"`
	ReplyTo       string       `json:"reply_to,omitempty"`
	ReplyToChat   string       `json:"reply_to_chat,omitempty"` // Telegram reply_to_peer_id
	ForwardedFrom string       `json:"forwarded_from,omitempty"`
	SavedFrom     string       `json:"saved_from,omitempty"`
	ViaBot        string       `json:"via_bot,omitempty"`
	Edited        bool         `json:"edited,omitempty"`
	EditedAt      time.Time    `json:"edited_at,omitzero"`  // UTC when known
	Deleted       bool         `json:"deleted,omitempty"`   // WhatsApp "This message was deleted"
	ViewOnce      bool         `json:"view_once,omitempty"` // WhatsApp view-once media ("null")
	Pinned        bool         `json:"pinned,omitempty"`
	Reactions     int          `json:"reactions,omitempty"` // total reaction count
	Attachments   []Attachment `json:"attachments,omitempty"`
	Location      *Location    `json:"location,omitempty"`
	Contact       *Contact     `json:"contact,omitempty"`
	Poll          *Poll        `json:"poll,omitempty"`
	// Service marks a service/system message; Action names it in the
	// source's terms ("join_group_by_link", "GuildMemberJoin", "left"…).
	Service bool   `json:"service,omitempty"`
	Action  string `json:"action,omitempty"`
	// Line is the 1-based line of the message's first line (text formats);
	// Offset the byte offset of its first byte (JSON formats).
	Line   int   `json:"line,omitempty"`
	Offset int64 `json:"offset,omitempty"`
}

// EventKind is the kind of a membership or group-state change.
type EventKind string

// Membership event kinds.
const (
	EventCreate        EventKind = "create"         // group or channel created (Targets: initial members)
	EventAdd           EventKind = "add"            // Actor added Targets
	EventJoin          EventKind = "join"           // Targets joined (by themselves)
	EventJoinLink      EventKind = "join_link"      // Targets joined with an invite link (Inviter if known)
	EventJoinRequest   EventKind = "join_request"   // joined after an approved request
	EventLeave         EventKind = "leave"          // Targets left
	EventRemove        EventKind = "remove"         // Actor removed Targets
	EventNumberChange  EventKind = "number_change"  // OldNumber → NewNumber
	EventMigrateTo     EventKind = "migrate_to"     // group became a supergroup
	EventMigrateFrom   EventKind = "migrate_from"   // supergroup created from a group (Title)
	EventPin           EventKind = "pin"            // Actor pinned PinnedMessageID
	EventTitleChange   EventKind = "title_change"   // Title (OldTitle when known)
	EventPhotoChange   EventKind = "photo_change"   // group photo changed or deleted
	EventAdminGranted  EventKind = "admin_granted"  // Targets became admins
	EventDescription   EventKind = "description"    // group description changed
	EventSecurityCode  EventKind = "security_code"  // WhatsApp security code changed
	EventJoinedService EventKind = "joined_service" // a contact joined the platform (Telegram joined_telegram)
)

// Ref names a participant in an event. ID may be empty when the source
// gives only a name (Telegram member lists, WhatsApp names).
type Ref struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// MembershipEvent is derived from a service message.
type MembershipEvent struct {
	ConversationID  string    `json:"conversation_id"`
	MessageID       string    `json:"message_id"`
	Kind            EventKind `json:"kind"`
	Time            time.Time `json:"time"`
	OffsetKnown     bool      `json:"offset_known"`
	Actor           *Ref      `json:"actor,omitempty"`
	Targets         []Ref     `json:"targets,omitempty"`
	Inviter         string    `json:"inviter,omitempty"`
	Title           string    `json:"title,omitempty"`
	OldTitle        string    `json:"old_title,omitempty"`
	OldNumber       string    `json:"old_number,omitempty"`
	NewNumber       string    `json:"new_number,omitempty"`
	PinnedMessageID string    `json:"pinned_message_id,omitempty"`
}

// AccountRecordKind is the kind of an account-level record.
type AccountRecordKind string

// Account record kinds (Telegram full-account export).
const (
	AccountOwner           AccountRecordKind = "owner"            // personal_information
	AccountContact         AccountRecordKind = "contact"          // contacts.list
	AccountFrequentContact AccountRecordKind = "frequent_contact" // frequent_contacts.list
	AccountSession         AccountRecordKind = "session"          // sessions.list (apps)
	AccountWebSession      AccountRecordKind = "web_session"      // web_sessions.list (bot logins)
)

// AccountRecord is an account-level record of a full-account export: the
// owner, the address book, and login sessions with IPs and devices.
type AccountRecord struct {
	Platform  Platform          `json:"platform"`
	Kind      AccountRecordKind `json:"kind"`
	UserID    string            `json:"user_id,omitempty"` // "user<id>" when known
	FirstName string            `json:"first_name,omitempty"`
	LastName  string            `json:"last_name,omitempty"`
	Name      string            `json:"name,omitempty"`
	Phone     string            `json:"phone,omitempty"`
	Username  string            `json:"username,omitempty"`
	Bio       string            `json:"bio,omitempty"`
	IP        string            `json:"ip,omitempty"`
	Country   string            `json:"country,omitempty"`
	Region    string            `json:"region,omitempty"`
	// Device describes the client: application, version, device model,
	// platform, system version, browser, bot and domain, as present.
	Application string    `json:"application,omitempty"`
	AppVersion  string    `json:"app_version,omitempty"`
	DeviceModel string    `json:"device_model,omitempty"`
	OSPlatform  string    `json:"os_platform,omitempty"`
	OSVersion   string    `json:"system_version,omitempty"`
	Browser     string    `json:"browser,omitempty"`
	BotUsername string    `json:"bot_username,omitempty"`
	Domain      string    `json:"domain,omitempty"`
	Created     time.Time `json:"created,omitzero"`     // UTC when the offset is known, else local reading
	LastActive  time.Time `json:"last_active,omitzero"` // idem
	Date        time.Time `json:"date,omitzero"`        // contact added
	Source      string    `json:"source"`
	Offset      int64     `json:"offset,omitempty"`
}
