package whatsapp

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/vibora-project/vibora/internal/chatexport"
)

// The strings WhatsApp writes for system lines and media placeholders are
// data: one JSON table per locale in locales/ (docs/chat-formats.md says
// which strings were checked against public sources and which were written
// from memory). A table holds:
//
//	media_omitted   Android "<Media omitted>" forms
//	file_attached   Android "NAME (file attached)": the text in brackets
//	attached        iOS "<attached: NAME>": the word before the colon
//	omitted         iOS "image omitted" forms by kind (photo, video, audio,
//	                sticker, gif, document, contact)
//	deleted, edited bodies of deleted messages; suffixes of edited ones
//	encryption      prefixes of the end-to-end encryption notice
//	self, conj      words for the exporting user; words joining names
//	events          templates by event key (see eventKeys), with the
//	                placeholders {actor} {targets} {target} {title} {old}
//	                {oldnum} {newnum}; any quote character matches any
//	                quote; a template ending in "…" matches a prefix.
//	sources         per string, the public sources it was checked against;
//	                strings not listed are unverified (written from memory)
//
//go:embed locales/*.json
var localeFS embed.FS

type localeTable struct {
	Locale       string              `json:"locale"`
	Name         string              `json:"name"`
	Source       string              `json:"source"`
	MediaOmitted []string            `json:"media_omitted"`
	FileAttached []string            `json:"file_attached"`
	Attached     []string            `json:"attached"`
	Omitted      map[string][]string `json:"omitted"`
	Deleted      []string            `json:"deleted"`
	Edited       []string            `json:"edited"`
	Encryption   []string            `json:"encryption"`
	Self         []string            `json:"self"`
	Conj         []string            `json:"conj"`
	Events       map[string][]string `json:"events"`
	// Sources names, per string, the public sources it was checked
	// against ("owner/repo path; …"); a string not listed is unverified.
	Sources map[string]string `json:"sources"`
}

// eventKey describes one kind of system line. Keys are tried in this
// order (more specific first), each over every locale.
type eventKey struct {
	key    string
	action string
	kind   chatexport.EventKind
}

var eventKeys = []eventKey{
	{"number_changed", "number_changed", chatexport.EventNumberChange},
	{"number_changed_new", "number_changed", chatexport.EventNumberChange},
	{"created", "created", chatexport.EventCreate},
	{"created_untitled", "created", chatexport.EventCreate},
	{"joined_link", "joined_link", chatexport.EventJoinLink},
	{"joined", "joined", chatexport.EventJoin},
	{"left", "left", chatexport.EventLeave},
	{"added_you", "added", chatexport.EventAdd},
	{"subject_from", "subject_changed", chatexport.EventTitleChange},
	{"subject", "subject_changed", chatexport.EventTitleChange},
	{"icon", "icon_changed", chatexport.EventPhotoChange},
	{"description", "description_changed", chatexport.EventDescription},
	{"admin", "admin", chatexport.EventAdminGranted},
	{"security_code", "security_code_changed", chatexport.EventSecurityCode},
	{"settings", "settings_changed", ""},
	{"timer", "timer_changed", ""},
	{"pinned", "pinned", chatexport.EventPin},
	// last the most general patterns: "{actor} added {targets}",
	// "{actor} удалил(-а) {targets}" would also read an icon deletion
	{"removed", "removed", chatexport.EventRemove},
	{"added", "added", chatexport.EventAdd},
}

var omittedKinds = map[string]chatexport.AttachmentKind{
	"photo": chatexport.KindPhoto, "video": chatexport.KindVideo, "audio": chatexport.KindAudio,
	"sticker": chatexport.KindSticker, "gif": chatexport.KindAnimation, "document": chatexport.KindFile,
	"contact": chatexport.KindContact,
}

// sysRule is one compiled event template.
type sysRule struct {
	kw string // a literal every match contains
	// nonASCII: the template has non-ASCII letters, so an all-ASCII line
	// cannot match it
	nonASCII bool
	re       *regexp.Regexp
	prefix   bool
	ev       eventKey
	locale   int
	conj     []string // separators between names: ", " and the locale's words
	tpl      string   // the template, "…" cut
	// word: the longest literal word of the template with a space (or the
	// template's start or end) on both sides: a line can only match if it
	// has this word between spaces. "" when the template has none (CJK,
	// Thai).
	word string
}

// omittedEntry is a placeholder: its kind and the locales that write it.
type omittedEntry struct {
	kind    chatexport.AttachmentKind
	generic bool // Android "<Media omitted>": the kind is unknown
	locales []int
}

// vocabulary is every locale's strings compiled for matching.
type vocabulary struct {
	locales    []string
	rules      []sysRule
	encryption map[string][]int // lower-cased prefix -> locales
	encMinLen  int
	encHeads   map[[encHead]byte]bool   // the first bytes of each encryption prefix, ASCII folded
	omitted    map[string]*omittedEntry // lower-cased placeholder
	deleted    map[string][]int
	edited     []localized
	attachedRe *regexp.Regexp // Android "NAME (file attached)"
	attachedW  map[string][]int
	iosRe      *regexp.Regexp // iOS "<attached: NAME>"
	iosOldRe   *regexp.Regexp // old iOS "NAME <attached>"
	iosW       map[string][]int
	self       map[string]bool
	// byWord indexes rules by their word; noWord lists the rest. Both in
	// rule order.
	byWord  map[string][]int32
	noWord  []int32
	omitEnd map[string]bool // last space-separated token of every lower-cased placeholder
	delEnd  map[string]bool // the same for deleted-message bodies
	omitMax int             // the longest placeholder, in bytes
	// security-code rules: secHeads holds the first bytes (ASCII folded)
	// of those that start with text; secInner lists those that start with
	// a name (found by their keyword)
	secHeads map[[encHead]byte]bool
	secInner []int32
}

type localized struct {
	s       string
	locales []int
}

var vocab = mustLoadVocabulary()

func mustLoadVocabulary() *vocabulary {
	v, err := loadVocabulary()
	if err != nil {
		panic(err) // embedded data: a broken table is a build error, caught by every test
	}
	return v
}

func loadVocabulary() (*vocabulary, error) {
	entries, err := localeFS.ReadDir("locales")
	if err != nil {
		return nil, err
	}
	v := &vocabulary{encryption: map[string][]int{}, omitted: map[string]*omittedEntry{}, deleted: map[string][]int{},
		attachedW: map[string][]int{}, encHeads: map[[encHead]byte]bool{}, iosW: map[string][]int{}, self: map[string]bool{}, encMinLen: 1 << 30,
		byWord: map[string][]int32{}, omitEnd: map[string]bool{}, delEnd: map[string]bool{}, secHeads: map[[encHead]byte]bool{}}
	var tables []localeTable
	for _, e := range entries {
		b, err := localeFS.ReadFile("locales/" + e.Name())
		if err != nil {
			return nil, err
		}
		var t localeTable
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, fmt.Errorf("locale table %s: %w", e.Name(), err)
		}
		tables = append(tables, t)
	}
	// English first: ties in locale recognition and rule order favour it
	sort.SliceStable(tables, func(i, j int) bool { return tables[i].Locale == "en" && tables[j].Locale != "en" })
	var attachedAlt, iosAlt []string
	for li, t := range tables {
		v.locales = append(v.locales, t.Locale)
		add := func(m map[string][]int, k string) {
			if !slices.Contains(m[k], li) {
				m[k] = append(m[k], li)
			}
		}
		for _, s := range t.MediaOmitted {
			k := strings.ToLower(s)
			e := v.omitted[k]
			if e == nil {
				e = &omittedEntry{kind: chatexport.KindUnknown, generic: true}
				v.omitted[k] = e
			}
			e.locales = append(e.locales, li)
		}
		for kname, list := range t.Omitted {
			kind, ok := omittedKinds[kname]
			if !ok {
				return nil, fmt.Errorf("locale table %s: unknown omitted kind %q", t.Locale, kname)
			}
			for _, s := range list {
				k := strings.ToLower(s)
				e := v.omitted[k]
				if e == nil {
					e = &omittedEntry{kind: kind}
					v.omitted[k] = e
				}
				e.locales = append(e.locales, li)
			}
		}
		for _, s := range t.Deleted {
			add(v.deleted, strings.ToLower(strings.TrimRight(s, ".。")))
		}
		for _, s := range t.Edited {
			found := false
			for i := range v.edited {
				if v.edited[i].s == s {
					v.edited[i].locales = append(v.edited[i].locales, li)
					found = true
				}
			}
			if !found {
				v.edited = append(v.edited, localized{s: s, locales: []int{li}})
			}
		}
		for _, s := range t.Encryption {
			add(v.encryption, strings.ToLower(s))
			v.encHeads[asciiHead(s)] = true
			v.encHeads[asciiHead(strings.ToLower(s))] = true
			v.encMinLen = min(v.encMinLen, len(s))
		}
		for _, s := range t.FileAttached {
			add(v.attachedW, strings.ToLower(s))
			attachedAlt = append(attachedAlt, regexp.QuoteMeta(s))
		}
		for _, s := range t.Attached {
			add(v.iosW, strings.ToLower(s))
			iosAlt = append(iosAlt, regexp.QuoteMeta(s))
		}
		for _, s := range t.Self {
			v.self[s] = true
		}
		for key := range t.Events {
			if !slices.ContainsFunc(eventKeys, func(k eventKey) bool { return k.key == key }) {
				return nil, fmt.Errorf("locale table %s: unknown event %q", t.Locale, key)
			}
		}
	}
	// rules: event keys in order, then locales
	for _, ek := range eventKeys {
		for li, t := range tables {
			for _, tpl := range t.Events[ek.key] {
				r, err := compileTemplate(tpl)
				if err != nil {
					return nil, fmt.Errorf("locale table %s event %s %q: %w", t.Locale, ek.key, tpl, err)
				}
				r.ev, r.locale = ek, li
				r.conj = append([]string{", "}, t.Conj...)
				v.rules = append(v.rules, r)
			}
		}
	}
	for i := range v.rules {
		if r := &v.rules[i]; r.ev.key == "security_code" {
			if lead, _, _ := strings.Cut(r.tpl, "{"); len(lead) >= encHead {
				v.secHeads[asciiHead(lead)] = true
			} else {
				v.secInner = append(v.secInner, int32(i))
			}
		}
		if w := v.rules[i].word; w != "" {
			v.byWord[w] = append(v.byWord[w], int32(i))
		} else {
			v.noWord = append(v.noWord, int32(i))
		}
	}
	for k := range v.omitted {
		v.omitEnd[lastToken(k)] = true
		v.omitMax = max(v.omitMax, len(k))
	}
	for k := range v.deleted {
		v.delEnd[lastToken(k)] = true
	}
	group := "(?i:" + strings.Join(attachedAlt, "|") + ")"
	v.attachedRe = regexp.MustCompile(`^(.+?) \((` + group + `)\)$`)
	iosGroup := "(?i:" + strings.Join(iosAlt, "|") + ")"
	v.iosRe = regexp.MustCompile(`<\s*(` + iosGroup + `)\s*:\s*([^<>]+?)\s*>\s*$`)
	v.iosOldRe = regexp.MustCompile(`^(\S(?:.*\S)?)\s*<\s*(` + iosGroup + `)\s*>\s*$`)
	return v, nil
}

// encHead is how many leading bytes of a line are looked up before the
// encryption prefixes are tried (every prefix is longer).
const encHead = 8

// asciiHead returns the first encHead bytes of s with ASCII letters in
// lower case.
func asciiHead(s string) [encHead]byte {
	var h [encHead]byte
	for i := 0; i < encHead && i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h[i] = c
	}
	return h
}

const quoteChars = "\"“”„«»「」"

// compileTemplate turns "{actor} created group \"{title}\"" into an
// anchored regular expression with named groups.
func compileTemplate(tpl string) (sysRule, error) {
	var r sysRule
	if t, ok := strings.CutSuffix(tpl, "…"); ok {
		tpl, r.prefix = t, true
	}
	var b strings.Builder
	b.WriteString("^")
	longest := ""
	lit := func(s string) {
		// the keyword prefilter: the longest run without quote or
		// apostrophe characters (those match variants)
		for _, run := range strings.FieldsFunc(s, func(c rune) bool { return strings.ContainsRune(quoteChars+"'’", c) }) {
			if run = strings.TrimSpace(run); len(run) > len(longest) {
				longest = run
			}
		}
		var seg strings.Builder
		flush := func() {
			b.WriteString(regexp.QuoteMeta(seg.String()))
			seg.Reset()
		}
		for _, c := range s {
			switch {
			case strings.ContainsRune(quoteChars, c):
				flush()
				b.WriteString(`["“”„«»「」]`)
			case c == '\'' || c == '’':
				flush()
				b.WriteString(`['’]`)
			default:
				seg.WriteRune(c)
			}
		}
		flush()
	}
	rest := tpl
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			lit(rest)
			break
		}
		lit(rest[:i])
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return r, fmt.Errorf("unclosed placeholder")
		}
		name := rest[i+1 : i+j]
		last := i+j+1 == len(rest)
		switch name {
		case "actor", "targets", "target":
			if last && r.prefix { // a prefix ending in a name: the name runs to the sentence's end
				b.WriteString(`(?P<` + name + `>[^.。]+)`)
				break
			}
			b.WriteString(`(?P<` + name + `>.+?)`)
		case "title", "old":
			b.WriteString(`(?P<` + name + `>.*)`)
		case "oldnum", "newnum":
			b.WriteString(`(?P<` + name + `>\+[\d\s\-()]{6,})`)
		default:
			return r, fmt.Errorf("unknown placeholder {%s}", name)
		}
		rest = rest[i+j+1:]
	}
	if !r.prefix {
		b.WriteString(`[.。]?$`)
	}
	r.kw = longest
	r.tpl = tpl
	r.word = templateWord(tpl, r.prefix)
	for i := 0; i < len(tpl); i++ {
		if tpl[i] >= 0x80 && !strings.ContainsRune(quoteChars+"’…", []rune(tpl[i:])[0]) {
			r.nonASCII = true
			break
		}
	}
	re, err := regexp.Compile(b.String())
	r.re = re
	return r, err
}

// templateWord returns the longest literal word of a template (prefix
// marker already cut) that has a space or the template's edge on both
// sides, with trailing full stops removed; "" if none. Words with quote
// characters or apostrophes are left out: those match variants.
func templateWord(tpl string, prefix bool) string {
	best := ""
	pos := 0
	for pos <= len(tpl) {
		i := strings.IndexByte(tpl[pos:], '{')
		end := len(tpl)
		if i >= 0 {
			end = pos + i
		}
		seg := tpl[pos:end]
		atStart, atEnd := pos == 0, end == len(tpl) && !prefix
		fields := strings.Split(seg, " ")
		for fi, f := range fields {
			before := fi > 0 || atStart
			after := fi < len(fields)-1 || atEnd
			f = strings.TrimRight(f, ".。")
			if !before || !after || f == "" || strings.ContainsAny(f, quoteChars+"'’") {
				continue
			}
			if len(f) > len(best) {
				best = f
			}
		}
		if i < 0 {
			break
		}
		j := strings.IndexByte(tpl[end:], '}')
		if j < 0 {
			break
		}
		pos = end + j + 1
	}
	return best
}

// lastToken returns what follows the last space of s.
func lastToken(s string) string {
	return s[strings.LastIndexByte(s, ' ')+1:]
}

// candidates appends to buf the indexes, in rule order, of the rules that
// can match t: those whose word is a space-separated word of t and whose
// keyword t contains, and those without a word whose keyword t contains.
func (v *vocabulary) candidates(t string, ascii bool, buf []int32) []int32 {
	rest := t
	for rest != "" {
		w, r, _ := strings.Cut(rest, " ")
		rest = r
		for _, i := range v.byWord[strings.TrimRight(w, ".。")] {
			if kw := v.rules[i].kw; len(kw) == len(w) || strings.Contains(t, kw) {
				buf = append(buf, i)
			}
		}
	}
	for _, i := range v.noWord {
		r := &v.rules[i]
		if r.nonASCII && ascii || r.kw != "" && !strings.Contains(t, r.kw) {
			continue
		}
		buf = append(buf, i)
	}
	slices.Sort(buf)
	return slices.Compact(buf)
}

// localeCounter tallies which locales an export's strings belong to.
type localeCounter struct{ hits []int }

func (c *localeCounter) add(locales []int) {
	if c == nil || len(locales) == 0 {
		return
	}
	if c.hits == nil {
		c.hits = make([]int, len(vocab.locales))
	}
	for _, l := range locales {
		c.hits[l]++
	}
}

// best returns the locale with the most hits, "" with none. Tied locales
// of one language ("pt-BR", "pt-PT") give the language ("pt"); other ties
// give the tied codes joined by "|".
func (c *localeCounter) best() string {
	top := 0
	for _, h := range c.hits {
		top = max(top, h)
	}
	if top == 0 {
		return ""
	}
	var tied []string
	for i, h := range c.hits {
		if h == top {
			tied = append(tied, vocab.locales[i])
		}
	}
	if len(tied) == 1 {
		return tied[0]
	}
	lang, _, _ := strings.Cut(tied[0], "-")
	same := true
	for _, t := range tied {
		if l, _, _ := strings.Cut(t, "-"); l != lang {
			same = false
		}
	}
	if same {
		return lang
	}
	sort.Strings(tied)
	return strings.Join(tied, "|")
}
