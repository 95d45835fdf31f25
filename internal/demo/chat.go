package demo

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"
)

// member is an invented group member.
type member struct {
	name, id string
}

var (
	rowan  = member{"Rowan Example", "user2000000001"}
	sky    = member{"Sky Sample", "user2000000002"}
	jordan = member{"Jordan Placeholder", "user2000000003"}
	morgan = member{"Morgan Test", "user2000000004"}
	casey  = member{"Casey Placeholder", "user2000000005"}
)

// Contact details the demo's members post, which the stealer logs carry
// too: that is how the demo's leads join its suspects.
const (
	skyEmail   = "sky.sample@example.org"
	rowanPhone = "+1 202 555 0171"
)

type tgMessage map[string]any

// tgExport builds a Telegram Desktop export (result.json and its files)
// message by message, seven minutes apart, in UTC+1 as the exporting
// machine's clock.
type tgExport struct {
	dir   string
	local *time.Location
	t     time.Time
	id    int
	msgs  []tgMessage
}

func newTGExport(dir string, start time.Time) *tgExport {
	return &tgExport{dir: dir, local: time.FixedZone("UTC+1", 3600), t: start}
}

func (e *tgExport) next(typ string) tgMessage {
	e.id++
	e.t = e.t.Add(7 * time.Minute)
	m := tgMessage{"id": e.id, "type": typ, "date": e.t.In(e.local).Format("2006-01-02T15:04:05"),
		"date_unixtime": fmt.Sprint(e.t.Unix()), "text": "", "text_entities": []any{}}
	e.msgs = append(e.msgs, m)
	return m
}

func (e *tgExport) service(actor member, action string, extra map[string]any) {
	m := e.next("service")
	m["actor"], m["actor_id"], m["action"] = actor.name, actor.id, action
	for k, v := range extra {
		m[k] = v
	}
}

// say posts text and returns the message's id.
func (e *tgExport) say(from member, text string) int {
	m := e.next("message")
	m["from"], m["from_id"], m["text"] = from.name, from.id, text
	m["text_entities"] = []any{map[string]any{"type": "plain", "text": text}}
	return e.id
}

// reply posts text as a reply to message to.
func (e *tgExport) reply(from member, to int, text string) int {
	id := e.say(from, text)
	e.msgs[len(e.msgs)-1]["reply_to_message_id"] = to
	return id
}

// photo posts a copy of an evidence image under photos/.
func (e *tgExport) photo(from member, im Image, caption string) error {
	m := e.next("message")
	name := fmt.Sprintf("photos/photo_%d@%s.jpg", e.id, e.t.In(e.local).Format("02-01-2006_15-04-05"))
	if err := writeFile(filepath.Join(e.dir, filepath.FromSlash(name)), im.Data); err != nil {
		return err
	}
	m["from"], m["from_id"], m["photo"], m["photo_file_size"], m["text"] = from.name, from.id, name, len(im.Data), caption
	m["width"], m["height"] = 640, 480
	return nil
}

// write writes result.json. Field order as Telegram Desktop writes it:
// the chat's name and type come before its messages.
func (e *tgExport) write(name, typ string, id int64) error {
	doc := struct {
		Name     string      `json:"name"`
		Type     string      `json:"type"`
		ID       int64       `json:"id"`
		Messages []tgMessage `json:"messages"`
	}{name, typ, id, e.msgs}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(e.dir, "result.json"), b)
}

// writeChat writes a Telegram Desktop export of a group in which members
// post some of the demo's pictures (copies of evidence images in photos/).
func writeChat(l *Layout) error {
	l.Chat = filepath.Join(l.Root, "chat", "ChatExport_2024-03-04")
	e := newTGExport(l.Chat, Epoch.Add(-48*time.Hour))
	byPath := map[string]Image{}
	for _, im := range l.Images {
		byPath[im.Path] = im
	}
	e.service(rowan, "create_group", map[string]any{"title": "Example Exchange Group", "members": []string{sky.name}})
	e.service(rowan, "invite_members", map[string]any{"members": []string{jordan.name}})
	e.say(rowan, "Welcome. Rules are pinned. Reach me on "+rowanPhone+" if the group goes down.")
	e.service(morgan, "join_group_by_link", map[string]any{"inviter": rowan.name})
	for _, p := range []string{"DCIM/Camera/IMG_0101.jpg", "DCIM/Camera/IMG_0102.jpg", "DCIM/Camera/IMG_0201.jpg"} {
		if err := e.photo(rowan, byPath[p], ""); err != nil {
			return err
		}
	}
	e.say(jordan, "thanks")
	for _, p := range []string{"WhatsApp/Media/IMG-20240301-WA0000.jpg", "WhatsApp/Media/IMG-20240301-WA0001.jpg"} {
		if err := e.photo(sky, byPath[p], "new ones"); err != nil {
			return err
		}
	}
	e.say(sky, "backup contact "+skyEmail)
	e.say(morgan, "not for me")
	e.service(morgan, "remove_members", map[string]any{"members": []string{morgan.name}})
	e.say(jordan, "see you next week")
	return e.write("Example Exchange Group", "private_supergroup", 7700000001)
}

// The demo's payment identifiers: a valid example IBAN (United Kingdom),
// a Cash App tag, and the BIP 173 example Bitcoin address.
const (
	caseyIBAN = "GB82 WEST 1234 5698 7654 32"
	caseyTag  = "caseyplace"
	btcDemo   = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
)

// writeMarketChat writes a second Telegram group, a seller's, where
// members of the first group pay: an IBAN in another country (a request
// the buyer answers), a Cash App tag and a Bitcoin address.
func writeMarketChat(l *Layout) error {
	l.MarketChat = filepath.Join(l.Root, "chat", "ChatExport_2024-03-06")
	e := newTGExport(l.MarketChat, Epoch.Add(24*time.Hour))
	e.service(casey, "create_group", map[string]any{"title": "Example Market", "members": []string{rowan.name, sky.name}})
	price := e.say(casey, "Full set is 150 EUR, transfer to IBAN "+caseyIBAN+" and write your handle in the reference")
	e.reply(rowan, price, "ok, doing it tonight")
	e.say(rowan, "sent 40 USD to Cash App $"+caseyTag+" for the extras")
	e.say(sky, "paid 0.0015 BTC to "+btcDemo)
	e.say(casey, "received, thanks")
	return e.write("Example Market", "private_group", 7700000002)
}
