package whatsapp

import (
	"regexp"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/chatexport"
)

// sysInfo is a classified system message.
type sysInfo struct {
	action   string               // stable name: "created", "added", "left", …
	kind     chatexport.EventKind // "" when no membership event follows
	actor    string
	targets  []string
	title    string
	oldTitle string
	oldNum   string
	newNum   string
	locales  []int // indexes into vocab.locales of the tables that matched
}

// cleanText removes direction marks and maps NBSP-like spaces to ' '.
func cleanText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == 0x200E || r == 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0xFEFF:
		case r == 0x00A0 || r == 0x202F:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// classify recognises a system message text in any locale.
func classify(text string) (sysInfo, bool) {
	t := cleanText(text)
	if len(t) > 4096 || t == "" {
		return sysInfo{}, false
	}
	if len(t) >= vocab.encMinLen {
		lower := strings.ToLower(t)
		var locs []int
		for pre, l := range vocab.encryption {
			if strings.HasPrefix(lower, pre) {
				locs = append(locs, l...)
			}
		}
		if locs != nil {
			slices.Sort(locs)
			return sysInfo{action: "encryption_notice", locales: slices.Compact(locs)}, true
		}
	}
	ascii := true
	for i := 0; i < len(t); i++ {
		if t[i] >= 0x80 {
			ascii = false
			break
		}
	}
	for i := range vocab.rules {
		r := &vocab.rules[i]
		if r.nonASCII && ascii || r.kw != "" && !strings.Contains(t, r.kw) {
			continue
		}
		m := r.re.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		s := fill(r, m)
		s.locales = []int{r.locale}
		// the same wording in other locales of the same event counts for them too
		for j := i + 1; j < len(vocab.rules) && vocab.rules[j].ev.key == r.ev.key; j++ {
			o := &vocab.rules[j]
			if !slices.Contains(s.locales, o.locale) && (o.kw == "" || strings.Contains(t, o.kw)) && o.re.MatchString(t) {
				s.locales = append(s.locales, o.locale)
			}
		}
		return s, true
	}
	return sysInfo{}, false
}

// fill reads a template match into a sysInfo.
func fill(r *sysRule, m []string) sysInfo {
	s := sysInfo{action: r.ev.action, kind: r.ev.kind}
	g := map[string]string{}
	for i, name := range r.re.SubexpNames() {
		if name != "" {
			g[name] = m[i]
		}
	}
	s.actor, s.title, s.oldTitle = g["actor"], g["title"], g["old"]
	switch {
	case g["targets"] != "":
		s.targets = splitNames(g["targets"], r.conj)
	case g["target"] != "":
		s.targets = []string{g["target"]}
	}
	switch r.ev.key {
	case "number_changed":
		s.oldNum, s.newNum = g["oldnum"], g["newnum"]
		s.actor, s.targets = s.oldNum, []string{s.oldNum}
	case "number_changed_new":
		s.oldNum, s.targets = s.actor, []string{s.actor}
	case "joined", "joined_link", "left":
		s.targets = []string{s.actor}
	case "added_you", "added", "removed", "admin":
		if len(s.targets) == 0 {
			s.targets = []string{"You"}
		}
	}
	return s
}

// splitNames splits "A, B and C" into names with the locale's joining
// words.
func splitNames(s string, conj *regexp.Regexp) []string {
	parts := conj.Split(s, 256)
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// selfWords are how exports refer to the exporting user, in every locale.
var selfWords = vocab.self
