package whatsapp

import (
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
	var arr [32]int32
	cand := vocab.candidates(t, ascii, arr[:0])
	for ci, i := range cand {
		r := &vocab.rules[i]
		m := r.re.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		s := fill(r, m)
		s.locales = []int{r.locale}
		// the same wording in other locales of the same event counts for
		// them too (rules are ordered by event key)
		for _, j := range cand[ci+1:] {
			o := &vocab.rules[j]
			if o.ev.key != r.ev.key {
				break
			}
			if !slices.Contains(s.locales, o.locale) && o.re.MatchString(t) {
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
	g := func(name string) string {
		if i := r.re.SubexpIndex(name); i > 0 {
			return m[i]
		}
		return ""
	}
	s.actor, s.title, s.oldTitle = g("actor"), g("title"), g("old")
	switch {
	case g("targets") != "":
		s.targets = splitNames(g("targets"), r.conj)
	case g("target") != "":
		s.targets = []string{g("target")}
	}
	switch r.ev.key {
	case "number_changed":
		s.oldNum, s.newNum = g("oldnum"), g("newnum")
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

// splitNames splits "A, B and C" into names at any of the separators
// (at most 256 names).
func splitNames(s string, seps []string) []string {
	var out []string
	for len(out) < 255 {
		at, n := -1, 0
		for _, sep := range seps {
			if i := strings.Index(s, sep); sep != "" && i >= 0 && (at < 0 || i < at) {
				at, n = i, len(sep)
			}
		}
		if at < 0 {
			break
		}
		if p := strings.TrimSpace(s[:at]); p != "" {
			out = append(out, p)
		}
		s = s[at+n:]
	}
	if p := strings.TrimSpace(s); p != "" {
		out = append(out, p)
	}
	return out
}

// selfWords are how exports refer to the exporting user, in every locale.
var selfWords = vocab.self
