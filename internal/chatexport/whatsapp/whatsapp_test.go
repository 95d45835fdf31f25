package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/vibora-project/vibora/internal/chatexport"
	"github.com/vibora-project/vibora/internal/cputime"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

const (
	androidUS = "android_en_US/WhatsApp Chat with Example Trading Group.txt"
	androidDE = "android_de_DE/WhatsApp Chat mit Beispielgruppe.txt"
	iosDir    = "ios_en_GB/WhatsApp Chat - Example Trading Group/_chat.txt"
	iosZip    = "ios_en_GB/WhatsApp Chat - Example Trading Group.zip"
)

func parse(t *testing.T, name string) (*chatexport.Collector, chatexport.Stats) {
	t.Helper()
	var c chatexport.Collector
	var st chatexport.Stats
	var err error
	if strings.HasSuffix(name, ".zip") {
		st, err = ParseZip(context.Background(), os.DirFS("testdata"), name, &c, Options{})
	} else {
		st, err = Parse(context.Background(), os.DirFS("testdata"), name, &c)
	}
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return &c, st
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden; run go test -update and review the diff", path)
	}
}

func TestGolden(t *testing.T) {
	for name, file := range map[string]string{"android_en_US": androidUS, "android_de_DE": androidDE, "ios_en_GB": iosDir, "ios_en_GB_zip": iosZip} {
		t.Run(name, func(t *testing.T) {
			c, st := parse(t, file)
			golden(t, name, struct {
				Model *chatexport.Collector `json:"model"`
				Stats chatexport.Stats      `json:"stats"`
			}{c, st})
		})
	}
}

type counts struct {
	messages, system, user, attachments, named, omitted, deleted, edited, viewOnce int
}

func count(c *chatexport.Collector) counts {
	var n counts
	n.messages = len(c.Messages)
	for _, m := range c.Messages {
		if m.Service {
			n.system++
		} else {
			n.user++
		}
		for _, a := range m.Attachments {
			n.attachments++
			if a.NotIncluded {
				n.omitted++
			} else if a.FileName != "" {
				n.named++
			}
		}
		if m.Deleted {
			n.deleted++
		}
		if m.Edited {
			n.edited++
		}
		if m.ViewOnce {
			n.viewOnce++
		}
	}
	return n
}

func TestAndroidFixture(t *testing.T) {
	c, st := parse(t, androidUS)
	got := count(c)
	want := counts{messages: 21, system: 8, user: 13, attachments: 5, named: 4, omitted: 1, deleted: 1, edited: 1, viewOnce: 1}
	if got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	var names []string
	for _, m := range c.Messages {
		for _, a := range m.Attachments {
			if !a.NotIncluded {
				names = append(names, a.FileName)
				if !a.Present {
					t.Errorf("attachment %s not present", a.Path)
				}
			}
		}
	}
	if strings.Join(names, ",") != "IMG-20240115-WA0001.jpg,VID-20240115-WA0002.mp4,PTT-20240115-WA0003.opus,inventory_list.pdf" {
		t.Errorf("attachments = %v", names)
	}
	var change *chatexport.MembershipEvent
	for _, e := range c.Events {
		if e.Kind == chatexport.EventNumberChange {
			change = e
		}
	}
	if change == nil || change.OldNumber != "+1 202-555-0147" || change.NewNumber != "+1 202-555-0148" {
		t.Errorf("number change = %+v", change)
	}
	last := c.Messages[len(c.Messages)-1]
	if last.Time.Format("2006-01-02 15:04") != "2024-01-16 13:15" || last.OffsetKnown {
		t.Errorf("last message time = %v (offset known %v)", last.Time, last.OffsetKnown)
	}
	if m := c.Messages[19]; m.Time.Format("2006-01-02 15:04") != "2024-01-16 00:05" {
		t.Errorf("12:05 AM = %v", m.Time)
	}
	if m := c.Messages[5]; m.Text != "Welcome. Read the rules:\n1. no real names\n2. use the drop link only" {
		t.Errorf("multi-line = %q", m.Text)
	}
	if m := c.Messages[6]; m.Text != "caption for the placeholder image" {
		t.Errorf("caption = %q", m.Text)
	}
	if c.Conversations[0].Name != "Example Trading Group" || c.Conversations[0].Type != chatexport.TypeGroup {
		t.Errorf("conversation = %+v", c.Conversations[0])
	}
	if len(st.Warnings) != 0 {
		t.Errorf("warnings = %v", st.Warnings)
	}
}

func TestIOSFixture(t *testing.T) {
	for _, file := range []string{iosDir, iosZip} {
		t.Run(file, func(t *testing.T) {
			c, st := parse(t, file)
			got := count(c)
			// system: notice, created, added you, added Blake, left, removed
			want := counts{messages: 18, system: 6, user: 12, attachments: 6, named: 5, omitted: 1, deleted: 1, edited: 1}
			if got != want {
				t.Errorf("counts = %+v, want %+v", got, want)
			}
			if len(st.Warnings) != 0 {
				t.Errorf("warnings = %v", st.Warnings)
			}
			byLine := map[int]*chatexport.Message{}
			for _, m := range c.Messages {
				byLine[m.Line] = m
			}
			if m := byLine[5]; m.SenderID != "+12025550147" || m.SenderName != "+1 202 555 0147" {
				t.Errorf("phone sender = %q %q", m.SenderID, m.SenderName)
			}
			if m := byLine[6]; m.Text != "placeholder caption goes first" || len(m.Attachments) != 1 || m.Attachments[0].Kind != chatexport.KindPhoto || !m.Attachments[0].Present {
				t.Errorf("captioned photo = %+v", m)
			}
			if m := byLine[9]; m.Attachments[0].Kind != chatexport.KindSticker || m.Attachments[0].Present {
				t.Errorf("missing sticker should be referenced-only: %+v", m.Attachments)
			}
			if m := byLine[10]; m.Text != "" || m.Attachments[0].FileName != "00000007-inventory_list.pdf" {
				t.Errorf("document = %+v", m)
			}
			if m := byLine[15]; m.Text != "first line\n\nthird line after a blank line" {
				t.Errorf("multi-line = %q", m.Text)
			}
			if m := byLine[14]; m.Location == nil || m.Location.Latitude != 51.5 {
				t.Errorf("location = %+v", m)
			}
			if m := byLine[1]; !m.Service || m.Action != "encryption_notice" {
				t.Errorf("new-style notice = %+v", m)
			}
			if m := byLine[3]; !m.Service || m.SenderID != "name:Alex Example" {
				t.Errorf("new-style system line under group name = %+v", m)
			}
			if m := byLine[12]; !m.Deleted {
				t.Errorf("deleted = %+v", m)
			}
			if m := byLine[18]; !m.Service || m.Action != "left" || m.SenderID != "+12025550147" {
				t.Errorf("left = %+v", m)
			}
			if m := byLine[1]; m.Time != time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC) {
				t.Errorf("time = %v", m.Time)
			}
			if strings.HasSuffix(file, ".zip") && c.Conversations[0].Archive != iosZip {
				t.Errorf("archive = %q", c.Conversations[0].Archive)
			}
			if c.Conversations[0].Name != "Example Trading Group" {
				t.Errorf("name = %q", c.Conversations[0].Name)
			}
		})
	}
}

func TestGermanFixture(t *testing.T) {
	c, st := parse(t, androidDE)
	got := count(c)
	want := counts{messages: 12, system: 7, user: 5, attachments: 2, named: 1, omitted: 1, deleted: 1, edited: 1}
	if got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	kinds := []chatexport.EventKind{}
	for _, e := range c.Events {
		kinds = append(kinds, e.Kind)
	}
	wantKinds := []chatexport.EventKind{chatexport.EventCreate, chatexport.EventAdd, chatexport.EventJoinLink, chatexport.EventNumberChange, chatexport.EventRemove, chatexport.EventLeave}
	if len(kinds) != len(wantKinds) {
		t.Fatalf("events = %v", kinds)
	}
	for i := range kinds {
		if kinds[i] != wantKinds[i] {
			t.Errorf("event %d = %s, want %s", i, kinds[i], wantKinds[i])
		}
	}
	if last := c.Messages[len(c.Messages)-1]; last.Time != time.Date(2024, 2, 13, 7, 15, 0, 0, time.UTC) {
		t.Errorf("last = %v (d.m.yy)", last.Time)
	}
	if c.Events[0].Title != "Beispielgruppe" {
		t.Errorf("title = %q", c.Events[0].Title)
	}
	if len(st.Warnings) != 0 {
		t.Errorf("warnings = %v", st.Warnings)
	}
}

func TestHeaders(t *testing.T) {
	tests := []struct {
		line string
		want string // "f0 f1 f2 hh:mm:ss ampm | rest"; "" for no match
	}{
		{"1/15/24, 9:05\u202fAM - Blake: hi", "1 15 24 9:5:0 1 | Blake: hi"},
		{"15/01/2024, 09:05 - Blake: hi", "15 1 2024 9:5:0 0 | Blake: hi"},
		{"[15/01/2024, 09:05:12] Blake: hi", "15 1 2024 9:5:12 0 | Blake: hi"},
		{"\u200e[15/01/2024, 09:05:12] Blake: \u200e<attached: x.jpg>", "15 1 2024 9:5:12 0 | Blake: \u200e<attached: x.jpg>"},
		{"[1/15/24, 9:05:12 PM] Blake: hi", "1 15 24 9:5:12 2 | Blake: hi"},
		{"13.6.2018 klo 21.25.15 - Blake: hi", "13 6 2018 21:25:15 0 | Blake: hi"},
		{"13. 6. 2018. 21:25:15 - Blake: hi", "13 6 2018 21:25:15 0 | Blake: hi"},
		{"[3/6/18 1:55:00 p.\u00a0m.] Blake: hi", "3 6 18 1:55:0 2 | Blake: hi"},
		{"[2018/06/13, 21:25:15] Blake: hi", "2018 6 13 21:25:15 0 | Blake: hi"},
		{"15-01-24 09:05:12 - Blake: hi", "15 1 24 9:5:12 0 | Blake: hi"},
		{"2024/01/15 午後9:05 - Blake: hi", "2024 1 15 9:5:0 2 | Blake: hi"},
		{"١٥/١/٢٠٢٤، ٩:٠٥ م - Blake: hi", "15 1 2024 9:5:0 2 | Blake: hi"},
		{"15.01.24, 09:05 – Blake: hi", "15 1 24 9:5:0 0 | Blake: hi"},
		{"just text 1/2/24 10:00", ""},
		{"1/15/24 9:05 AM Blake: no dash", "1 15 24 9:5:0 1 | Blake: no dash"},
		{"1/15/24 9:05 AM no sender, just text", ""},
		{"1/15/24 9:05 Alex: a is not AM", "1 15 24 9:5:0 0 | Alex: a is not AM"},
		{"[09:05:12, 15/01/2024] Blake: hi", "15 1 2024 9:5:12 0 | Blake: hi"},
		{"[R4/01/15 9:05:12] Blake: hi", "4 1 15 9:5:12 0 | Blake: hi"},
		{"15.1.2024 klo 9.05: Blake: hi", "15 1 2024 9:5:0 0 | Blake: hi"},
		{"15/01/2024, 00:15 AM - Blake: hi", "15 1 2024 0:15:0 1 | Blake: hi"},
		{"15/01/2024, 13:15 PM - Blake: hi", ""},
		{"1/15/24, 25:05 - x: y", ""},
		{"[1/15/24, 9:05", ""},
		{"", ""},
	}
	for _, tc := range tests {
		h, rest, ok, _, _ := matchHeader(tc.line, nil, nil)
		got := ""
		if ok {
			got = strings.Join([]string{itoa(h.f[0]), itoa(h.f[1]), itoa(h.f[2]), itoa(h.hour) + ":" + itoa(h.min) + ":" + itoa(h.sec), itoa(h.ampm), "|", rest}, " ")
		}
		if got != tc.want {
			t.Errorf("matchHeader(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestDateOrderInference(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  time.Time // time of the last message
	}{
		{"day > 12 in first field", []string{"13/01/24, 10:00 - A: x", "02/03/24, 10:00 - A: y"}, time.Date(2024, 3, 2, 10, 0, 0, 0, time.UTC)},
		{"day > 12 in second field", []string{"01/13/24, 10:00 - A: x", "03/02/24, 10:00 - A: y"}, time.Date(2024, 3, 2, 10, 0, 0, 0, time.UTC)},
		{"day changes more often (first)", []string{"01/02/24, 10:00 - A: x", "02/02/24, 10:00 - A: y", "03/02/24, 10:00 - A: z", "03/03/24, 10:00 - A: w"}, time.Date(2024, 3, 3, 10, 0, 0, 0, time.UTC)},
		{"day changes more often (second)", []string{"02/01/24, 10:00 - A: x", "02/02/24, 10:00 - A: y", "02/03/24, 10:00 - A: z", "03/04/24, 10:00 - A: w"}, time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)},
		{"no evidence, 12h slash = US", []string{"02/03/24, 10:00 AM - A: x"}, time.Date(2024, 2, 3, 10, 0, 0, 0, time.UTC)},
		{"no evidence, 24h = day first", []string{"02/03/24, 10:00 - A: x"}, time.Date(2024, 3, 2, 10, 0, 0, 0, time.UTC)},
		{"year first", []string{"[2024/03/02, 10:00:00] A: x"}, time.Date(2024, 3, 2, 10, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"chat.txt": {Data: []byte(strings.Join(tc.lines, "\n"))}}
			var c chatexport.Collector
			if _, err := Parse(context.Background(), fsys, "chat.txt", &c); err != nil {
				t.Fatal(err)
			}
			if got := c.Messages[len(c.Messages)-1].Time; !got.Equal(tc.want) {
				t.Errorf("time = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLimitsAndWarnings(t *testing.T) {
	long := strings.Repeat("x", MaxLine+10)
	in := "preamble line\n1/15/24, 9:05 AM - A: start\n" + long + "\n1/15/24, 9:06 AM - A: next\n31/02/24, 10:00 - not a date\n"
	fsys := fstest.MapFS{"c.txt": {Data: []byte(in)}}
	var c chatexport.Collector
	st, err := Parse(context.Background(), fsys, "c.txt", &c)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 2 || len(c.Messages[0].Text) != len("start\n")+MaxLine {
		t.Fatalf("messages = %d, first text %d bytes", len(c.Messages), len(c.Messages[0].Text))
	}
	var lines []int
	for _, w := range st.Warnings {
		lines = append(lines, w.Line)
	}
	// preamble (1), long line (3), impossible date (5) + order assumption (0)
	want := map[int]bool{1: true, 3: true, 5: true}
	for _, l := range lines {
		delete(want, l)
	}
	if len(want) != 0 {
		t.Errorf("warnings = %v", st.Warnings)
	}
	// preamble skipped, long line truncated; the impossible date is a header kept as text
	if st.Skipped != 2 || st.HeadersAsText != 1 || !st.Incomplete() {
		t.Errorf("skipped %d, headers as text %d", st.Skipped, st.HeadersAsText)
	}
	if _, err := Parse(context.Background(), fstest.MapFS{"e.txt": {Data: []byte("no headers here\n")}}, "e.txt", &c); err == nil || !strings.Contains(err.Error(), "e.txt") {
		t.Errorf("no-header error = %v", err)
	}
}

func FuzzWhatsApp(f *testing.F) {
	for _, name := range []string{androidUS, androidDE, iosDir} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("[1/2/24, 1:00:00 PM] \u202a+1 202\u00a0555\u00a00147\u202c: \u200e<attached: 00000001-PHOTO-x.jpg>\n"))
	public, _ := filepath.Glob("testdata/public/*.txt")
	for _, name := range public {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"f.txt": {Data: data}}
		var n int
		h := chatexport.Funcs{OnMessage: func(m *chatexport.Message) error {
			n++
			if len(m.Text) > len(data) {
				t.Fatalf("text longer than input")
			}
			return nil
		}}
		_, _ = Parse(context.Background(), fsys, "f.txt", h)
		_ = Sniff(data)
	})
}

// The parse benchmarks report messages per wall-second and per CPU-second
// of the whole process (garbage collection included), so figures stay
// comparable on a shared machine:
//
//	go test -run '^$' -bench Parse -count 5 ./internal/chatexport/whatsapp
func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; i < 20000; i++ {
		buf.WriteString("1/15/24, 9:05\u202fAM - Blake Sample: a message of ordinary length, with some words in it\n")
		if i%10 == 0 {
			buf.WriteString("1/15/24, 9:06\u202fAM - Alex Example added +1 202-555-0147\n")
		}
	}
	benchParse(b, buf.Bytes(), 22000)
}

// BenchmarkParseLocales parses every locale fixture repeated: non-ASCII
// text, placeholders and system lines of all 20 tables.
func BenchmarkParseLocales(b *testing.B) {
	entries, err := os.ReadDir("testdata/locales")
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_android.txt") {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata/locales", e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		var c chatexport.Collector
		if _, err := Parse(context.Background(), fstest.MapFS{"f.txt": {Data: data}}, "f.txt", &c); err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(e.Name(), "_android.txt"), func(b *testing.B) {
			benchParse(b, bytes.Repeat(data, 1000), 1000*len(c.Messages))
		})
	}
}

func benchParse(b *testing.B, data []byte, msgs int) {
	fsys := fstest.MapFS{"b.txt": {Data: data}}
	b.SetBytes(int64(len(data)))
	cpu0 := cputime.Process()
	for b.Loop() {
		if _, err := Parse(context.Background(), fsys, "b.txt", chatexport.Funcs{}); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cputime.Process() - cpu0
	b.ReportMetric(float64(msgs*b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(msgs*b.N)/cpu.Seconds(), "msgs/cpu-s")
}

func TestConversationType(t *testing.T) {
	tests := []struct {
		name, in string
		want     chatexport.ConversationType
	}{
		{"personal", "1/2/24, 10:00 AM - Messages and calls are end-to-end encrypted.\n1/2/24, 10:01 AM - Alex: hi\n1/2/24, 10:02 AM - Blake: hello\n", chatexport.TypePersonal},
		{"group by event", "1/2/24, 10:00 AM - Alex added Blake\n1/2/24, 10:01 AM - Alex: hi\n", chatexport.TypeGroup},
		{"group by senders", "1/2/24, 10:00 AM - Alex: a\n1/2/24, 10:01 AM - Blake: b\n1/2/24, 10:02 AM - Casey: c\n", chatexport.TypeGroup},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c chatexport.Collector
			if _, err := Parse(context.Background(), fstest.MapFS{"WhatsApp Chat with X.txt": {Data: []byte(tc.in)}}, "WhatsApp Chat with X.txt", &c); err != nil {
				t.Fatal(err)
			}
			if got := c.Conversations[0]; got.Type != tc.want || got.Name != "X" {
				t.Errorf("conversation = %+v", got)
			}
		})
	}
}
