package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/chatexport"
)

// The locale fixtures in testdata/locales/ are synthesised from each
// locale table (go test -run TestLocales -update rewrites them): one
// Android export (no media) and one iOS export (new-style system lines
// under the group's name, attachments and placeholders) per locale, with
// every event the table knows. They check that each table's templates
// compile, match their own lines with the right actor, targets and title,
// and that the export's locale is recognised. They are not real exports:
// docs/chat-formats.md says which strings were checked against sources.

type scenarioLine struct {
	sender string // "" for a system line
	body   string
	key    string // event key for system lines
	kind   chatexport.AttachmentKind
	text   string // expected message text
	file   string // expected attachment file name
}

var tplValues = map[string]string{
	"{actor}": "Alex Example", "{targets}": "Blake Sample", "{target}": "Blake Sample",
	"{title}": "Renamed Group", "{old}": "Example Group", "{oldnum}": "+1 202-555-0147", "{newnum}": "+1 202-555-0148",
}

func expand(tpl string, over map[string]string) string {
	tpl = strings.TrimSuffix(tpl, "…")
	for k, v := range tplValues {
		if o, ok := over[k]; ok {
			v = o
		}
		tpl = strings.ReplaceAll(tpl, k, v)
	}
	return tpl
}

func loadTables(t *testing.T) []localeTable {
	t.Helper()
	entries, err := localeFS.ReadDir("locales")
	if err != nil {
		t.Fatal(err)
	}
	var out []localeTable
	for _, e := range entries {
		b, _ := localeFS.ReadFile("locales/" + e.Name())
		var lt localeTable
		if err := json.Unmarshal(b, &lt); err != nil {
			t.Fatal(err)
		}
		out = append(out, lt)
	}
	return out
}

// scenario lists the lines of a synthetic export for one table.
func scenario(lt localeTable, ios bool) []scenarioLine {
	var s []scenarioLine
	sys := func(key string, over map[string]string) {
		if tpls := lt.Events[key]; len(tpls) > 0 {
			s = append(s, scenarioLine{body: expand(tpls[0], over), key: key})
		}
	}
	s = append(s, scenarioLine{body: lt.Encryption[0] + ". …", key: "encryption"})
	sys("created", map[string]string{"{title}": "Example Group"})
	sys("added", nil)
	sys("joined_link", map[string]string{"{actor}": "+1 202-555-0147"})
	s = append(s, scenarioLine{sender: "Alex Example", body: "hello 15:00", text: "hello 15:00"})
	if ios {
		for _, k := range []string{"photo", "video", "audio", "sticker", "gif", "contact"} {
			s = append(s, scenarioLine{sender: "Blake Sample", body: "\u200e" + lt.Omitted[k][0], kind: omittedKinds[k]})
		}
		s = append(s, scenarioLine{sender: "Blake Sample", body: "\u200ereport.pdf • \u200e3 pages \u200e" + lt.Omitted["document"][0], kind: chatexport.KindFile, file: "report.pdf"})
		s = append(s, scenarioLine{sender: "Alex Example", body: "caption first \u200e<" + lt.Attached[0] + ": 00000012-PHOTO-2024-01-15-09-05-12.jpg>", kind: chatexport.KindPhoto, text: "caption first", file: "00000012-PHOTO-2024-01-15-09-05-12.jpg"})
	} else {
		s = append(s, scenarioLine{sender: "Blake Sample", body: lt.MediaOmitted[0], kind: chatexport.KindUnknown})
		s = append(s, scenarioLine{sender: "Blake Sample", body: strings.ToLower(lt.MediaOmitted[0]) + "\na caption", kind: chatexport.KindUnknown, text: "a caption"})
		s = append(s, scenarioLine{sender: "Alex Example", body: "IMG-20240115-WA0001.jpg (" + lt.FileAttached[0] + ")\ncaption", kind: chatexport.KindPhoto, text: "caption", file: "IMG-20240115-WA0001.jpg"})
	}
	s = append(s, scenarioLine{sender: "Alex Example", body: lt.Deleted[0], key: "deleted"})
	s = append(s, scenarioLine{sender: "Alex Example", body: "see you " + lt.Edited[0], key: "edited", text: "see you"})
	sys("subject_from", nil)
	for _, k := range []string{"icon", "description", "admin", "settings", "timer", "pinned"} {
		sys(k, nil)
	}
	sys("number_changed", nil)
	sys("security_code", nil)
	sys("removed", nil)
	sys("left", map[string]string{"{actor}": "+1 202-555-0148"})
	return s
}

func render(lines []scenarioLine, ios bool) string {
	var b strings.Builder
	for i, l := range lines {
		ts := fmt.Sprintf("15/01/2024, 09:%02d", i)
		switch {
		case ios && l.sender == "" && i == 0:
			fmt.Fprintf(&b, "[%s:00] Example Group: %s\r\n", ts, l.body) // no direction mark
		case ios && l.sender == "":
			fmt.Fprintf(&b, "[%s:00] Example Group: \u200e%s\r\n", ts, l.body)
		case ios:
			fmt.Fprintf(&b, "[%s:00] %s: %s\r\n", ts, l.sender, strings.ReplaceAll(l.body, "\n", "\r\n"))
		case l.sender == "":
			fmt.Fprintf(&b, "%s - %s\n", ts, l.body)
		default:
			fmt.Fprintf(&b, "%s - %s: %s\n", ts, l.sender, l.body)
		}
	}
	return b.String()
}

func TestLocales(t *testing.T) {
	for _, lt := range loadTables(t) {
		for _, ios := range []bool{false, true} {
			name := lt.Locale + "_android.txt"
			if ios {
				name = lt.Locale + "_ios.txt"
			}
			t.Run(name, func(t *testing.T) {
				lines := scenario(lt, ios)
				path := filepath.Join("testdata", "locales", name)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(render(lines, ios)), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				var c chatexport.Collector
				st, err := Parse(context.Background(), os.DirFS("testdata"), "locales/"+name, &c)
				if err != nil {
					t.Fatal(err)
				}
				if len(c.Messages) != len(lines) {
					t.Fatalf("%d messages, want %d; warnings %v", len(c.Messages), len(lines), st.Warnings)
				}
				if st.Locale != lt.Locale {
					t.Errorf("locale = %q, want %q", st.Locale, lt.Locale)
				}
				checkScenario(t, lines, c.Messages, events(c))
			})
		}
	}
}

func events(c chatexport.Collector) map[string]*chatexport.MembershipEvent {
	m := map[string]*chatexport.MembershipEvent{}
	for _, e := range c.Events {
		m[e.MessageID] = e
	}
	return m
}

func checkScenario(t *testing.T, lines []scenarioLine, msgs []*chatexport.Message, evs map[string]*chatexport.MembershipEvent) {
	t.Helper()
	keyOf := map[string]eventKey{}
	for _, k := range eventKeys {
		keyOf[k.key] = k
	}
	for i, l := range lines {
		m := msgs[i]
		switch l.key {
		case "encryption":
			if !m.Service || m.Action != "encryption_notice" {
				t.Errorf("line %d %q: service=%v action=%q, want the encryption notice", i+1, l.body, m.Service, m.Action)
			}
			continue
		case "deleted":
			if !m.Deleted {
				t.Errorf("line %d %q: not deleted", i+1, l.body)
			}
			continue
		case "edited":
			if !m.Edited || m.Text != l.text {
				t.Errorf("line %d %q: edited=%v text=%q", i+1, l.body, m.Edited, m.Text)
			}
			continue
		case "":
		default:
			ek := keyOf[l.key]
			if !m.Service || m.Action != ek.action {
				t.Errorf("line %d %q: service=%v action=%q, want %q", i+1, l.body, m.Service, m.Action, ek.action)
				continue
			}
			e := evs[m.ID]
			if ek.kind == "" {
				continue
			}
			if e == nil || e.Kind != ek.kind {
				t.Errorf("line %d %q: event %+v, want %s", i+1, l.body, e, ek.kind)
				continue
			}
			checkEvent(t, i+1, l, e)
			continue
		}
		if m.Service || m.SenderName != l.sender || m.Text != l.text {
			t.Errorf("line %d %q: service=%v sender=%q text=%q, want %q %q", i+1, l.body, m.Service, m.SenderName, m.Text, l.sender, l.text)
		}
		if l.kind != "" {
			if len(m.Attachments) != 1 || m.Attachments[0].Kind != l.kind || m.Attachments[0].FileName != l.file {
				t.Errorf("line %d %q: attachments %+v, want %s %q", i+1, l.body, m.Attachments, l.kind, l.file)
			}
		}
	}
}

func checkEvent(t *testing.T, n int, l scenarioLine, e *chatexport.MembershipEvent) {
	t.Helper()
	names := func(refs []chatexport.Ref) string {
		var s []string
		for _, r := range refs {
			s = append(s, r.Name)
		}
		return strings.Join(s, ",")
	}
	var wantActor, wantTargets, wantTitle string
	switch l.key {
	case "created":
		wantActor, wantTitle = "Alex Example", "Example Group"
	case "added", "removed":
		wantActor, wantTargets = "Alex Example", "Blake Sample"
	case "joined_link":
		wantActor, wantTargets = "+1 202-555-0147", "+1 202-555-0147"
	case "left":
		wantActor, wantTargets = "+1 202-555-0148", "+1 202-555-0148"
	case "subject_from":
		wantActor, wantTitle = "Alex Example", "Renamed Group"
		if e.OldTitle != "Example Group" {
			t.Errorf("line %d %q: old title %q", n, l.body, e.OldTitle)
		}
	case "number_changed":
		if e.OldNumber != "+1 202-555-0147" || e.NewNumber != "+1 202-555-0148" {
			t.Errorf("line %d %q: numbers %q -> %q", n, l.body, e.OldNumber, e.NewNumber)
		}
		return
	case "security_code":
		wantTargets = "Blake Sample"
	case "admin":
		if len(e.Targets) != 1 || e.Targets[0].ID != "self" {
			t.Errorf("line %d %q: admin targets %+v, want self", n, l.body, e.Targets)
		}
		return
	default:
		wantActor = "Alex Example"
	}
	actor := ""
	if e.Actor != nil {
		actor = e.Actor.Name
	}
	if actor != wantActor || (wantTargets != "" && names(e.Targets) != wantTargets) || e.Title != wantTitle {
		t.Errorf("line %d %q: actor %q targets %q title %q, want %q %q %q", n, l.body, actor, names(e.Targets), e.Title, wantActor, wantTargets, wantTitle)
	}
}

// TestLocaleSources keeps the tables' provenance honest: every string named
// in "sources" is one of the table's strings, each names at least one
// "owner/repo path", and the "source" summary states the count.
func TestLocaleSources(t *testing.T) {
	for _, lt := range loadTables(t) {
		all := map[string]bool{}
		for _, l := range [][]string{lt.MediaOmitted, lt.FileAttached, lt.Attached, lt.Deleted, lt.Edited, lt.Encryption} {
			for _, s := range l {
				all[s] = true
			}
		}
		for _, m := range []map[string][]string{lt.Omitted, lt.Events} {
			for _, l := range m {
				for _, s := range l {
					all[s] = true
				}
			}
		}
		for s, src := range lt.Sources {
			if !all[s] {
				t.Errorf("%s: source given for %q, which the table does not hold", lt.Locale, s)
			}
			for _, one := range strings.Split(src, "; ") {
				if repo, path, ok := strings.Cut(one, " "); !ok || strings.Count(repo, "/") != 1 || path == "" {
					t.Errorf("%s: source %q of %q is not \"owner/repo path\"", lt.Locale, one, s)
				}
			}
		}
		if want := fmt.Sprintf("%d of %d strings checked", len(lt.Sources), len(all)); !strings.HasPrefix(lt.Source, want) {
			t.Errorf("%s: source summary %q, want it to start %q", lt.Locale, lt.Source, want)
		}
	}
}
