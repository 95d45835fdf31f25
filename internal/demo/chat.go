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
)

// Contact details the demo's members post, which the stealer logs carry
// too: that is how the demo's leads join its suspects.
const (
	skyEmail   = "sky.sample@example.org"
	rowanPhone = "+1 202 555 0171"
)

type tgMessage map[string]any

// writeChat writes a Telegram Desktop export of a group in which members
// post some of the demo's pictures (copies of evidence images in photos/).
func writeChat(l *Layout) error {
	dir := filepath.Join(l.Root, "chat", "ChatExport_2024-03-04")
	l.Chat = dir
	local := time.FixedZone("UTC+1", 3600)
	t := Epoch.Add(-48 * time.Hour)
	id := 0
	var msgs []tgMessage
	next := func(typ string) tgMessage {
		id++
		t = t.Add(7 * time.Minute)
		return tgMessage{"id": id, "type": typ, "date": t.In(local).Format("2006-01-02T15:04:05"),
			"date_unixtime": fmt.Sprint(t.Unix()), "text": "", "text_entities": []any{}}
	}
	service := func(actor member, action string, extra map[string]any) {
		m := next("service")
		m["actor"], m["actor_id"], m["action"] = actor.name, actor.id, action
		for k, v := range extra {
			m[k] = v
		}
		msgs = append(msgs, m)
	}
	say := func(from member, text string) {
		m := next("message")
		m["from"], m["from_id"], m["text"] = from.name, from.id, text
		m["text_entities"] = []any{map[string]any{"type": "plain", "text": text}}
		msgs = append(msgs, m)
	}
	photo := func(from member, im Image, caption string) error {
		m := next("message")
		name := fmt.Sprintf("photos/photo_%d@%s.jpg", id, t.In(local).Format("02-01-2006_15-04-05"))
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), im.Data); err != nil {
			return err
		}
		m["from"], m["from_id"], m["photo"], m["photo_file_size"], m["text"] = from.name, from.id, name, len(im.Data), caption
		m["width"], m["height"] = 640, 480
		msgs = append(msgs, m)
		return nil
	}
	byPath := map[string]Image{}
	for _, im := range l.Images {
		byPath[im.Path] = im
	}
	service(rowan, "create_group", map[string]any{"title": "Example Exchange Group", "members": []string{sky.name}})
	service(rowan, "invite_members", map[string]any{"members": []string{jordan.name}})
	say(rowan, "Welcome. Rules are pinned. Reach me on "+rowanPhone+" if the group goes down.")
	service(morgan, "join_group_by_link", map[string]any{"inviter": rowan.name})
	for _, p := range []string{"DCIM/Camera/IMG_0101.jpg", "DCIM/Camera/IMG_0102.jpg", "DCIM/Camera/IMG_0201.jpg"} {
		if err := photo(rowan, byPath[p], ""); err != nil {
			return err
		}
	}
	say(jordan, "thanks")
	for _, p := range []string{"WhatsApp/Media/IMG-20240301-WA0000.jpg", "WhatsApp/Media/IMG-20240301-WA0001.jpg"} {
		if err := photo(sky, byPath[p], "new ones"); err != nil {
			return err
		}
	}
	say(sky, "backup contact "+skyEmail)
	say(morgan, "not for me")
	service(morgan, "remove_members", map[string]any{"members": []string{morgan.name}})
	say(jordan, "see you next week")

	// Field order as Telegram Desktop writes it: the chat's name and type
	// come before its messages.
	doc := struct {
		Name     string      `json:"name"`
		Type     string      `json:"type"`
		ID       int64       `json:"id"`
		Messages []tgMessage `json:"messages"`
	}{"Example Exchange Group", "private_supergroup", 7700000001, msgs}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "result.json"), b)
}
