package whatsapp

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/chatexport"
)

var (
	locationRe = regexp.MustCompile(`(?i)^(?:live )?(?:location|standort|ubicación): (https?://\S+)`)
	latLonRe   = regexp.MustCompile(`(?:[?&]q=|@)(-?\d{1,2}(?:\.\d+)?),\s*(-?\d{1,3}(?:\.\d+)?)`)
	iosSerial  = regexp.MustCompile(`^\d{8}-`)
)

// trimMarks removes leading/trailing direction marks and spaces.
func trimMarks(s string) string {
	return strings.Trim(s, " \t\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
}

// applyBody interprets a user message body: markers for attachments,
// omitted media, deletion, edits, view-once and locations, in every
// locale of the tables in locales/.
func (p *parser) applyBody(msg *chatexport.Message, body string) {
	if t := strings.TrimRight(body, " \u200e"); strings.HasSuffix(t, ">") {
		for _, e := range vocab.edited {
			if strings.HasSuffix(t, e.s) {
				msg.Edited = true
				body = strings.TrimRight(strings.TrimSuffix(t, e.s), " \u200e")
				p.lc.add(e.locales)
				break
			}
		}
	}
	t := trimMarks(body)
	if t == "null" {
		msg.ViewOnce = true
		return
	}
	if l, ok := deletedBody(t); ok {
		msg.Deleted = true
		p.lc.add(l)
		return
	}
	first, more, multi := strings.Cut(body, "\n")
	if p.omitted(msg, first, more, multi) {
		return
	}
	if m := matchIf(strings.HasSuffix(first, ")"), vocab.attachedRe, trimMarks(first)); m != nil {
		p.lc.add(vocab.attachedW[strings.ToLower(m[2])])
		msg.Attachments = append(msg.Attachments, p.attachment(m[1]))
		if multi {
			msg.Text = more
		}
		return
	}
	if loc := indexIf(strings.Contains(body, ">"), vocab.iosRe, body); loc != nil {
		p.lc.add(vocab.iosW[strings.ToLower(body[loc[2]:loc[3]])])
		name := trimMarks(body[loc[4]:loc[5]])
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
	if m := matchIf(strings.Contains(first, ">"), vocab.iosOldRe, cleanText(first)); m != nil {
		p.lc.add(vocab.iosW[strings.ToLower(m[2])])
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

// omitted recognises a media placeholder on the body's first line, in any
// letter case: "<Media omitted>", "image omitted", and a document's
// "name.pdf • 3 pages document omitted" with the file name before it. A
// caption on the following lines is the message text.
func (p *parser) omitted(msg *chatexport.Message, first, more string, multi bool) bool {
	line := cleanText(first)
	if len(line) > 512 {
		return false
	}
	// every placeholder ends the line: its last word decides cheaply
	if end := lastToken(line); len(end) > vocab.omitMax || !vocab.omitEnd[strings.ToLower(end)] {
		return false
	}
	lower := strings.ToLower(line)
	e, ok := vocab.omitted[lower]
	name := ""
	if !ok {
		// "NAME • N pages PLACEHOLDER" or "NAME PLACEHOLDER"
		for i := strings.IndexByte(lower, ' '); i >= 0 && i < len(lower); {
			if e, ok = vocab.omitted[strings.TrimSpace(lower[i:])]; ok {
				name = strings.TrimSpace(line[:i])
				if before, _, cut := strings.Cut(name, " • "); cut {
					name = strings.TrimSpace(before)
				}
				break
			}
			j := strings.IndexByte(lower[i+1:], ' ')
			if j < 0 {
				break
			}
			i += j + 1
		}
		if !ok || name == "" {
			return false
		}
	}
	p.lc.add(e.locales)
	a := chatexport.Attachment{Kind: e.kind, Ref: line, NotIncluded: true}
	if name != "" {
		a.FileName = name
		if e.generic || e.kind == chatexport.KindFile {
			a.Kind = kindFromName(name)
		}
	}
	msg.Attachments = append(msg.Attachments, a)
	if multi {
		msg.Text = more
	}
	return true
}

// deletedBody looks t up among the deleted-message bodies of every locale,
// without trailing full stops ("." or "。") and in any letter case.
func deletedBody(t string) ([]int, bool) {
	t = strings.TrimRight(t, ".。")
	if !vocab.delEnd[strings.ToLower(lastToken(t))] {
		return nil, false
	}
	l, ok := vocab.deleted[strings.ToLower(t)]
	return l, ok
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
