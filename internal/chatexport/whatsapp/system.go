package whatsapp

import (
	"regexp"
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
}

type sysRule struct {
	kw     string // '|'-separated substrings, one of which every match contains
	re     *regexp.Regexp
	action string
	kind   chatexport.EventKind
	// fill maps submatches to fields
	fill func(m []string, s *sysInfo)
}

const q1, q2 = `["“„«]`, `["”“»]`

func actorOnly(m []string, s *sysInfo)        { s.actor = m[1] }
func targetOnly(m []string, s *sysInfo)       { s.targets = []string{m[1]} }
func actorTargets(m []string, s *sysInfo)     { s.actor, s.targets = m[1], splitNames(m[2]) }
func actorSelfTarget(m []string, s *sysInfo)  { s.actor, s.targets = m[1], []string{m[1]} }
func actorTitle(m []string, s *sysInfo)       { s.actor, s.title = m[1], m[2] }
func actorOldNewTitle(m []string, s *sysInfo) { s.actor, s.oldTitle, s.title = m[1], m[2], m[3] }
func selfTarget(_ []string, s *sysInfo)       { s.targets = []string{"You"} }
func numbers(m []string, s *sysInfo) {
	s.oldNum, s.newNum = m[1], m[2]
	s.actor, s.targets = m[1], []string{m[1]}
}
func oldNumber(m []string, s *sysInfo) { s.oldNum, s.actor, s.targets = m[1], m[1], []string{m[1]} }

// containsAny reports whether t contains one of the '|'-separated
// keywords in kw (true for an empty kw).
func containsAny(t, kw string) bool {
	if kw == "" {
		return true
	}
	for kw != "" {
		var k string
		k, kw, _ = strings.Cut(kw, "|")
		if strings.Contains(t, k) {
			return true
		}
	}
	return false
}

func rule(kw, pattern, action string, kind chatexport.EventKind, fill func([]string, *sysInfo)) sysRule {
	return sysRule{kw: kw, re: regexp.MustCompile(pattern), action: action, kind: kind, fill: fill}
}

// sysRules are tried in order on the cleaned text (direction marks
// removed, NBSP as space). English and German.
var sysRules = []sysRule{
	rule("encrypt|verschlüsselt|Nachrichten, die du", `^(?:Messages and calls are end-to-end encrypted|Messages to this (?:group|chat) are now secured with end-to-end encryption|Messages you send to this (?:group|chat)|Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt|Nachrichten, die du in diesem Chat sendest)`, "encryption_notice", "", nil),
	// number changes first: "X changed to Y" must not read as a subject change
	rule(" changed to ", `^(\+[\d\s\-()]{6,}) changed to (\+[\d\s\-()]{6,})$`, "number_changed", chatexport.EventNumberChange, numbers),
	rule(" hat zu ", `^(\+[\d\s\-()]{6,}) hat zu (\+[\d\s\-()]{6,}) gewechselt$`, "number_changed", chatexport.EventNumberChange, numbers),
	rule(" phone number ", `^(.+?) changed (?:their|his|her) phone number to a new number`, "number_changed", chatexport.EventNumberChange, oldNumber),
	rule("Telefonnummer", `^(.+?) hat (?:die|seine|ihre) Telefonnummer (?:zu einer neuen Nummer )?(?:gewechselt|geändert)`, "number_changed", chatexport.EventNumberChange, oldNumber),
	rule(" created group ", `^(.+?) created group `+q1+`(.*)`+q2+`$`, "created", chatexport.EventCreate, actorTitle),
	rule(" hat die Gruppe ", `^(.+?) hat die Gruppe `+q1+`(.*)`+q2+` erstellt$`, "created", chatexport.EventCreate, actorTitle),
	rule("created this group|erstellt", `^(.+?) (?:created this group|hat diese Gruppe erstellt|hat die Gruppe erstellt)\.?$`, "created", chatexport.EventCreate, actorOnly),
	rule(" invite link", `^(.+?) joined using this group['’]s invite link$`, "joined_link", chatexport.EventJoinLink, actorSelfTarget),
	rule("Einladungslink", `^(.+?) (?:ist )?(?:der Gruppe )?über den Einladungslink (?:dieser Gruppe )?beigetreten\.?$`, "joined_link", chatexport.EventJoinLink, actorSelfTarget),
	rule("joined|beigetreten", `^(.+?) (?:joined|ist der Gruppe beigetreten)\.?$`, "joined", chatexport.EventJoin, actorSelfTarget),
	rule(" left|verlassen|ausgetreten", `^(.+?) (?:left|hat die Gruppe verlassen|ist ausgetreten)\.?$`, "left", chatexport.EventLeave, actorSelfTarget),
	rule("You were added|Du wurdest", `^(?:You were added|Du wurdest hinzugefügt)\.?$`, "added", chatexport.EventAdd, selfTarget),
	rule(" added ", `^(.+?) added (.+?)\.?$`, "added", chatexport.EventAdd, actorTargets),
	rule(" hinzugefügt", `^(.+?) hat (.+?) hinzugefügt\.?$`, "added", chatexport.EventAdd, actorTargets),
	rule(" removed ", `^(.+?) removed (.+?)\.?$`, "removed", chatexport.EventRemove, actorTargets),
	rule(" entfernt", `^(.+?) hat (.+?) (?:aus der Gruppe )?entfernt\.?$`, "removed", chatexport.EventRemove, actorTargets),
	rule(" changed the subject from ", `^(.+?) changed the subject from `+q1+`(.*)`+q2+` to `+q1+`(.*)`+q2+`$`, "subject_changed", chatexport.EventTitleChange, actorOldNewTitle),
	rule(" hat den Betreff von ", `^(.+?) hat den Betreff von `+q1+`(.*)`+q2+` zu `+q1+`(.*)`+q2+` geändert$`, "subject_changed", chatexport.EventTitleChange, actorOldNewTitle),
	rule(" changed the ", `^(.+?) changed (?:the subject|the group name) to `+q1+`(.*)`+q2+`$`, "subject_changed", chatexport.EventTitleChange, actorTitle),
	rule(" hat den ", `^(.+?) hat den (?:Betreff|Gruppennamen) zu `+q1+`(.*)`+q2+` geändert$`, "subject_changed", chatexport.EventTitleChange, actorTitle),
	rule(" icon", `^(.+?) (?:changed|deleted) this group['’]s icon$`, "icon_changed", chatexport.EventPhotoChange, actorOnly),
	rule("Gruppenbild", `^(.+?) hat das Gruppenbild (?:geändert|gelöscht)$`, "icon_changed", chatexport.EventPhotoChange, actorOnly),
	rule("description|Gruppenbeschreibung", `^(.+?) (?:changed the group description|hat die Gruppenbeschreibung geändert)`, "description_changed", chatexport.EventDescription, actorOnly),
	rule("admin|Admin", `^(?:You're now an admin|Du bist jetzt Admin)\.?$`, "admin", chatexport.EventAdminGranted, selfTarget),
	rule("security code", `^(.+?)['’]s security code changed`, "security_code_changed", chatexport.EventSecurityCode, targetOnly),
	rule("security code", `^Your security code with (.+?) changed`, "security_code_changed", chatexport.EventSecurityCode, targetOnly),
	rule("Sicherheitsnummer", `^Deine Sicherheitsnummer für (.+?) hat sich geändert`, "security_code_changed", chatexport.EventSecurityCode, targetOnly),
	rule("settings|Gruppeneinstellungen", `^(.+?) (?:changed this group['’]s settings|changed the settings|hat die Gruppeneinstellungen geändert)`, "settings_changed", "", actorOnly),
	rule("disappearing|selbstlöschende", `^(.+?) (?:turned (?:on|off) disappearing messages|hat selbstlöschende Nachrichten)`, "timer_changed", "", actorOnly),
	rule("pinned|fixiert", `^(.+?) (?:pinned a message|hat eine Nachricht fixiert)\.?$`, "pinned", chatexport.EventPin, actorOnly),
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

// classify recognises a system message text.
func classify(text string) (sysInfo, bool) {
	t := cleanText(text)
	if len(t) > 4096 || t == "" {
		return sysInfo{}, false
	}
	for _, r := range sysRules {
		if !containsAny(t, r.kw) {
			continue
		}
		m := r.re.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		s := sysInfo{action: r.action, kind: r.kind}
		if r.fill != nil {
			r.fill(m, &s)
		}
		return s, true
	}
	return sysInfo{}, false
}

var nameSplit = regexp.MustCompile(`, | and | und `)

// splitNames splits "A, B and C" into names.
func splitNames(s string) []string {
	parts := nameSplit.Split(s, 256)
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// selfWords are how exports refer to the exporting user.
var selfWords = map[string]bool{"You": true, "you": true, "Du": true, "du": true, "dich": true, "Dich": true}
