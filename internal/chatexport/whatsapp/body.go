package whatsapp

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/chatexport"
)

var (
	editedSuffixes = []string{"<This message was edited>", "<Diese Nachricht wurde bearbeitet>", "<Se editó este mensaje.>"}
	deletedBodies  = map[string]bool{
		"This message was deleted": true, "You deleted this message": true,
		"Diese Nachricht wurde gelöscht": true, "Du hast diese Nachricht gelöscht": true,
		"Se eliminó este mensaje": true, "Eliminaste este mensaje": true,
	}
	mediaOmitted = map[string]bool{
		"<Media omitted>": true, "<Medien ausgeschlossen>": true, "<Multimedia omitido>": true, "<multimedia omitido>": true,
	}
	// iOS "image omitted" and friends (English and German builds).
	iosOmitted = map[string]chatexport.AttachmentKind{
		"image omitted": chatexport.KindPhoto, "video omitted": chatexport.KindVideo, "audio omitted": chatexport.KindAudio,
		"sticker omitted": chatexport.KindSticker, "GIF omitted": chatexport.KindAnimation, "document omitted": chatexport.KindFile,
		"Contact card omitted": chatexport.KindContact,
		"Bild weggelassen":     chatexport.KindPhoto, "Video weggelassen": chatexport.KindVideo, "Audio weggelassen": chatexport.KindAudio,
		"Sticker weggelassen": chatexport.KindSticker, "GIF weggelassen": chatexport.KindAnimation, "Dokument weggelassen": chatexport.KindFile,
		"Kontaktkarte weggelassen": chatexport.KindContact,
	}
	androidAttached = regexp.MustCompile(`^(.+?) \((?:file attached|Datei angehängt|archivo adjunto)\)$`)
	iosAttached     = regexp.MustCompile(`<\s*(?:attached|Anhang|adjunto)\s*:\s*([^<>]+?)\s*>\s*$`)
	// old iOS builds: "IMG_0001.JPG <attached>"
	iosAttachedOld = regexp.MustCompile(`^(\S(?:.*\S)?)\s*<\s*(?:attached|Anhang|adjunto)\s*>\s*$`)
	locationRe     = regexp.MustCompile(`(?i)^(?:live )?(?:location|standort|ubicación): (https?://\S+)`)
	latLonRe       = regexp.MustCompile(`(?:[?&]q=|@)(-?\d{1,2}(?:\.\d+)?),\s*(-?\d{1,3}(?:\.\d+)?)`)
	iosSerial      = regexp.MustCompile(`^\d{8}-`)
)

// trimMarks removes leading/trailing direction marks and spaces.
func trimMarks(s string) string {
	return strings.Trim(s, " \t\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
}

// applyBody interprets a user message body: markers for attachments,
// omitted media, deletion, edits, view-once and locations.
func (p *parser) applyBody(msg *chatexport.Message, body string) {
	for _, suf := range editedSuffixes {
		if t := strings.TrimRight(body, " \u200e"); strings.HasSuffix(t, suf) {
			msg.Edited = true
			body = strings.TrimRight(strings.TrimSuffix(t, suf), " \u200e")
			break
		}
	}
	t := trimMarks(body)
	switch {
	case t == "null":
		msg.ViewOnce = true
		return
	case deletedBodies[strings.TrimSuffix(t, ".")]:
		msg.Deleted = true
		return
	case mediaOmitted[t]:
		msg.Attachments = append(msg.Attachments, chatexport.Attachment{Kind: chatexport.KindUnknown, Ref: t, NotIncluded: true})
		return
	}
	if k, ok := iosOmitted[t]; ok {
		msg.Attachments = append(msg.Attachments, chatexport.Attachment{Kind: k, Ref: t, NotIncluded: true})
		return
	}
	first, more, multi := strings.Cut(body, "\n")
	if m := matchIf(strings.HasSuffix(first, ")"), androidAttached, trimMarks(first)); m != nil {
		msg.Attachments = append(msg.Attachments, p.attachment(m[1]))
		if multi {
			msg.Text = more
		}
		return
	}
	if loc := indexIf(strings.Contains(body, ">"), iosAttached, body); loc != nil {
		name := trimMarks(body[loc[2]:loc[3]])
		a := p.attachment(name)
		caption := trimMarks(body[:loc[0]])
		// documents: "name.pdf • 2 pages <attached: 00000008-name.pdf>"
		if before, _, ok := strings.Cut(caption, " • "); ok && strings.HasSuffix(name, trimMarks(before)) {
			caption = ""
		}
		msg.Attachments = append(msg.Attachments, a)
		msg.Text = caption
		return
	}
	if m := matchIf(strings.Contains(first, ">"), iosAttachedOld, cleanText(first)); m != nil {
		msg.Attachments = append(msg.Attachments, p.attachment(m[1]))
		if multi {
			msg.Text = more
		}
		return
	}
	msg.Text = strings.TrimLeft(body, "\u200e\u200f")
	if m := matchIf(strings.Contains(t, "://"), locationRe, t); m != nil {
		l := &chatexport.Location{}
		if ll := latLonRe.FindStringSubmatch(m[1]); ll != nil {
			l.Latitude, _ = strconv.ParseFloat(ll[1], 64)
			l.Longitude, _ = strconv.ParseFloat(ll[2], 64)
			msg.Location = l
		}
	}
}

func matchIf(cond bool, re *regexp.Regexp, s string) []string {
	if !cond {
		return nil
	}
	return re.FindStringSubmatch(s)
}

func indexIf(cond bool, re *regexp.Regexp, s string) []int {
	if !cond {
		return nil
	}
	return re.FindStringSubmatchIndex(s)
}

// attachment builds an attachment for a file name written in the chat.
func (p *parser) attachment(name string) chatexport.Attachment {
	a := chatexport.Attachment{Kind: kindFromName(name), Ref: name, FileName: name}
	a.Path = chatexport.ResolveRef(p.dir, name)
	if a.Path != "" {
		a.Present = chatexport.Exists(p.fsys, a.Path)
	}
	return a
}

func kindFromName(name string) chatexport.AttachmentKind {
	base := path.Base(name)
	upper := strings.ToUpper(base)
	switch {
	case strings.HasPrefix(upper, "IMG-"):
		return chatexport.KindPhoto
	case strings.HasPrefix(upper, "VID-"):
		return chatexport.KindVideo
	case strings.HasPrefix(upper, "PTT-"):
		return chatexport.KindVoice
	case strings.HasPrefix(upper, "AUD-"):
		return chatexport.KindAudio
	case strings.HasPrefix(upper, "STK-"):
		return chatexport.KindSticker
	case strings.HasPrefix(upper, "DOC-"):
		return chatexport.KindFile
	}
	if iosSerial.MatchString(base) {
		rest := upper[9:]
		switch {
		case strings.HasPrefix(rest, "PHOTO-"):
			return chatexport.KindPhoto
		case strings.HasPrefix(rest, "VIDEO-"):
			return chatexport.KindVideo
		case strings.HasPrefix(rest, "AUDIO-"):
			return chatexport.KindAudio
		case strings.HasPrefix(rest, "STICKER-"):
			return chatexport.KindSticker
		case strings.HasPrefix(rest, "GIF-"):
			return chatexport.KindAnimation
		}
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".vcf":
		return chatexport.KindContact
	case ".jpg", ".jpeg", ".png", ".webp", ".heic":
		return chatexport.KindPhoto
	case ".mp4", ".mov", ".3gp":
		return chatexport.KindVideo
	case ".opus":
		return chatexport.KindVoice
	case ".m4a", ".mp3", ".aac", ".ogg":
		return chatexport.KindAudio
	}
	return chatexport.KindFile
}

// participantRef maps a sender or a name in a system message to an ID:
// "+<digits>" for phone numbers, "self" for the exporting user,
// "name:<name>" otherwise. A "~" prefix (a non-contact's self-chosen
// profile name) is kept, normalised to "~ Name", so it never merges with a
// saved contact of the same name.
func participantRef(raw string) (id, name, phone string) {
	name = cleanText(raw)
	if rest, ok := strings.CutPrefix(name, "~"); ok { // a non-contact's profile name
		name = "~ " + strings.TrimSpace(rest)
	}
	if name == "" || name == "~ " {
		return "", "", ""
	}
	if selfWords[name] {
		return "self", name, ""
	}
	if d, ok := phoneDigits(name); ok {
		return "+" + d, name, name
	}
	return "name:" + name, name, ""
}

// phoneDigits accepts "+1 202-555-0147" style numbers.
func phoneDigits(s string) (string, bool) {
	if !strings.HasPrefix(s, "+") {
		return "", false
	}
	var b strings.Builder
	for _, r := range s[1:] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", false
		}
	}
	d := b.String()
	return d, len(d) >= 6 && len(d) <= 15
}
