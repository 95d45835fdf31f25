package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vibora-project/vibora/internal/chatexport"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func parseFixture(t *testing.T, name string) (*chatexport.Collector, chatexport.Stats) {
	t.Helper()
	var c chatexport.Collector
	st, err := Parse(context.Background(), os.DirFS("testdata"), name, &c)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
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
	for _, name := range []string{
		"ChatExport_2024-01-20/result.json",
		"DataExport_2024-01-20/result.json",
		"edge_cases/result_legacy_pre_2021.json",
		"edge_cases/result_invalid_x_escape.json",
	} {
		t.Run(name, func(t *testing.T) {
			c, st := parseFixture(t, name)
			golden(t, strings.ReplaceAll(strings.TrimSuffix(name, "/result.json"), "/", "_"), struct {
				Model *chatexport.Collector `json:"model"`
				Stats chatexport.Stats      `json:"stats"`
			}{c, st})
		})
	}
}

func TestSingleChatFixture(t *testing.T) {
	c, st := parseFixture(t, "ChatExport_2024-01-20/result.json")
	if len(c.Conversations) != 1 {
		t.Fatalf("conversations = %d, want 1", len(c.Conversations))
	}
	conv := c.Conversations[0]
	if conv.ID != "1234567890" || conv.Type != chatexport.TypeSupergroup || conv.Name != "Example Trading Group" {
		t.Errorf("conversation = %+v", conv)
	}
	var msgs, service, photos, photoPlaceholders, files, contacts, fwd, edited, fromNull, reactions, authored int
	actions := map[string]bool{}
	byID := map[string]*chatexport.Message{}
	fileKinds := map[chatexport.AttachmentKind]int{}
	for _, m := range c.Messages {
		byID[m.ID] = m
		if m.Service {
			service++
			actions[m.Action] = true
		} else {
			msgs++
		}
		for _, a := range m.Attachments {
			switch a.Kind {
			case chatexport.KindPhoto:
				photos++
				if a.NotIncluded {
					photoPlaceholders++
					if a.Present || a.Path != "" {
						t.Errorf("placeholder photo has path %q present=%v", a.Path, a.Present)
					}
				} else if !a.Present {
					t.Errorf("photo %s not found", a.Path)
				}
			case chatexport.KindContact:
				contacts++
				if !a.Present {
					t.Errorf("vcard %s not present", a.Path)
				}
			default:
				files++
				fileKinds[a.Kind]++
				if !a.Present {
					t.Errorf("file %s not present", a.Path)
				}
			}
		}
		if m.ForwardedFrom != "" {
			fwd++
		}
		if m.Edited {
			edited++
		}
		if !m.Service && m.SenderName == "" {
			fromNull++
			if m.SenderID != "user1000000009" {
				t.Errorf("from:null message sender id = %q", m.SenderID)
			}
		}
		if m.Reactions > 0 {
			reactions++
		}
		if m.Author != "" {
			authored++
		}
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"messages", len(c.Messages), 21}, {"ordinary", msgs, 14}, {"service", service, 7},
		{"photos", photos, 2}, {"photo placeholders", photoPlaceholders, 1}, {"files", files, 4},
		{"contacts", contacts, 1}, {"forwarded", fwd, 1}, {"edited", edited, 1}, {"from null", fromNull, 1},
		{"reactions", reactions, 1}, {"channel posts with author", authored, 1},
		{"stats messages", int(st.Messages), 21}, {"stats service", int(st.ServiceMessages), 7},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	for _, k := range []chatexport.AttachmentKind{chatexport.KindFile, chatexport.KindVideo, chatexport.KindVoice, chatexport.KindSticker} {
		if fileKinds[k] != 1 {
			t.Errorf("file kind %s = %d, want 1", k, fileKinds[k])
		}
	}
	for _, a := range []string{"create_group", "migrate_to_supergroup", "migrate_from_group", "invite_members", "join_group_by_link", "pin_message", "remove_members"} {
		if !actions[a] {
			t.Errorf("missing service action %s", a)
		}
	}
	for _, id := range []string{"-999999999", "-999999998"} {
		if byID[id] == nil {
			t.Errorf("missing migrated message %s", id)
		}
	}
	m7 := byID["7"]
	if m7 == nil || m7.Time.Unix() != 1705305912 || !m7.OffsetKnown || m7.UTCOffset != 3600 {
		t.Errorf("message 7 time = %+v", m7)
	}
	m15 := byID["15"]
	var types []string
	for _, e := range m15.Entities {
		types = append(types, e.Type)
	}
	if got := strings.Join(types, ","); got != "code,code,phone,email" {
		t.Errorf("message 15 entities = %s", got)
	}
	if !strings.Contains(m15.Text, "EQBRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcOnz") || m15.EditedAt.Unix() != 1705306600 {
		t.Errorf("message 15 = %+v", m15)
	}
	if m := byID["6"]; m.Text != "Ping @casey_placeholder see https://files.example.org/share/abc123 #batch1" {
		t.Errorf("flattened text = %q", m.Text)
	}
	if m := byID["10"]; m.ReplyTo != "9" {
		t.Errorf("reply_to = %q", m.ReplyTo)
	}
	// events
	kinds := map[chatexport.EventKind]int{}
	for _, e := range c.Events {
		kinds[e.Kind]++
	}
	want := map[chatexport.EventKind]int{chatexport.EventCreate: 1, chatexport.EventMigrateTo: 1, chatexport.EventMigrateFrom: 1,
		chatexport.EventAdd: 1, chatexport.EventJoinLink: 1, chatexport.EventPin: 1, chatexport.EventLeave: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("events %s = %d, want %d", k, kinds[k], n)
		}
	}
	for _, e := range c.Events {
		if e.Kind == chatexport.EventAdd && (len(e.Targets) != 2 || e.Targets[0].Name != "Casey Placeholder" || e.Targets[1].Name != "") {
			t.Errorf("invite event targets = %+v", e.Targets)
		}
		if e.Kind == chatexport.EventJoinLink && e.Inviter != "Alex Example" {
			t.Errorf("join inviter = %q", e.Inviter)
		}
		if e.Kind == chatexport.EventPin && e.PinnedMessageID != "5" {
			t.Errorf("pinned = %q", e.PinnedMessageID)
		}
	}
	if len(st.Warnings) != 0 {
		t.Errorf("warnings: %v", st.Warnings)
	}
}

func TestInvalidEscape(t *testing.T) {
	raw, err := os.ReadFile("testdata/edge_cases/result_invalid_x_escape.json")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if json.Unmarshal(raw, &v) == nil {
		t.Fatal("strict encoding/json accepted the fixture; it should not")
	}
	c, st := parseFixture(t, "edge_cases/result_invalid_x_escape.json")
	if len(c.Messages) != 1 || c.Messages[0].Text != "a\u0001b" {
		t.Fatalf("messages = %+v", c.Messages)
	}
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0].Reason, `\xNN`) {
		t.Errorf("warnings = %v", st.Warnings)
	}
}

func TestLegacy(t *testing.T) {
	c, _ := parseFixture(t, "edge_cases/result_legacy_pre_2021.json")
	if len(c.Messages) != 2 {
		t.Fatalf("messages = %d", len(c.Messages))
	}
	m := c.Messages[0]
	if m.SenderID != "user1000000001" || m.OffsetKnown || m.Edited || m.Time.Format("2006-01-02 15:04:05") != "2020-02-02 15:56:06" {
		t.Errorf("legacy message = %+v", m)
	}
	if s := c.Messages[1]; !s.Service || s.SenderID != "user1000000001" {
		t.Errorf("legacy service = %+v", s)
	}
	if len(c.Events) != 1 || c.Events[0].Kind != chatexport.EventAdd {
		t.Errorf("events = %+v", c.Events)
	}
}

func TestFullExport(t *testing.T) {
	c, st := parseFixture(t, "DataExport_2024-01-20/result.json")
	kinds := map[chatexport.AccountRecordKind]int{}
	for _, a := range c.Accounts {
		kinds[a.Kind]++
		if a.Kind == chatexport.AccountSession && (a.IP != "203.0.113.10" || a.DeviceModel != "Desktop" || a.Created.Unix() != 1704092400) {
			t.Errorf("session = %+v", a)
		}
		if a.Kind == chatexport.AccountWebSession && (a.IP != "198.51.100.7" || a.Domain != "login.example.org") {
			t.Errorf("web session = %+v", a)
		}
	}
	want := map[chatexport.AccountRecordKind]int{chatexport.AccountOwner: 1, chatexport.AccountContact: 2, chatexport.AccountFrequentContact: 1, chatexport.AccountSession: 1, chatexport.AccountWebSession: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("accounts %s = %d, want %d", k, kinds[k], n)
		}
	}
	if len(c.Conversations) != 3 || !c.Conversations[2].Left || c.Conversations[1].Type != chatexport.TypeSaved || c.Conversations[1].Name != "" {
		t.Errorf("conversations = %+v", c.Conversations)
	}
	var self *chatexport.Participant
	for _, p := range c.Participants {
		if p.Self {
			self = p
		}
	}
	if self == nil || self.ID != "user1000000001" || self.Phone != "+1 202 555 0101" || self.Username != "alex_example" {
		t.Errorf("owner participant = %+v", self)
	}
	// 5 + 1 + 2 messages: "x9" has a bad id and is skipped with a warning
	if len(c.Messages) != 8 {
		t.Errorf("messages = %d, want 8", len(c.Messages))
	}
	var sawBadID, sawBadDate bool
	for _, w := range st.Warnings {
		sawBadID = sawBadID || strings.Contains(w.Reason, "id is not an integer")
		sawBadDate = sawBadDate || strings.Contains(w.Reason, "date_unixtime")
		if w.Offset <= 0 {
			t.Errorf("warning without offset: %v", w)
		}
	}
	if !sawBadID || !sawBadDate {
		t.Errorf("warnings = %v", st.Warnings)
	}
	m := c.Messages[0]
	if len(m.Attachments) != 1 || !m.Attachments[0].Present || m.Attachments[0].Path != "DataExport_2024-01-20/chats/chat_01/photos/photo_1@16-01-2024_10-00-00.jpg" {
		t.Errorf("full-export photo = %+v", m.Attachments)
	}
	if l := c.Messages[1].Location; l == nil || l.Latitude != 40 || l.Name != "Example Place" || c.Messages[1].ViaBot != "@example_bot" {
		t.Errorf("location message = %+v", c.Messages[1])
	}
	if p := c.Messages[2].Poll; p == nil || p.Question != "Meet when?" || len(p.Answers) != 2 {
		t.Errorf("poll = %+v", p)
	}
	if e := c.Messages[5].Entities; len(e) != 2 || e[0].Href != "https://example.org/x" || e[1].UserID != "user1000000002" {
		t.Errorf("entities = %+v", e)
	}
}

func TestErrorsAndLimits(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantErr  bool
		messages int
	}{
		{"truncated after one message", `{"id":1,"type":"personal_chat","messages":[{"id":1,"type":"message","date_unixtime":"1","text":"a"},{"id":2,`, true, 1},
		{"not json", `hello`, true, 0},
		{"empty messages", `{"id":1,"messages":[]}`, false, 0},
		{"message not an object", `{"id":1,"messages":[42,{"id":2,"type":"message","text":"ok"}]}`, false, 1},
		{"text of wrong type", `{"id":1,"messages":[{"id":2,"type":"message","text":true}]}`, false, 1},
		{"deep nesting skipped", `{"id":1,"messages":[{"id":2,"x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}]}`, true, 0},
		{"unterminated string", `{"id":1,"messages":[{"id":2,"text":"abc`, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c chatexport.Collector
			_, err := ParseReader(context.Background(), strings.NewReader(tc.in), nil, "x.json", &c)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "x.json") {
				t.Errorf("error does not name the file: %v", err)
			}
			if len(c.Messages) != tc.messages {
				t.Errorf("messages = %d, want %d", len(c.Messages), tc.messages)
			}
		})
	}
}

func TestHandlerErrorStops(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	h := chatexport.Funcs{OnMessage: func(*chatexport.Message) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	}}
	_, err := Parse(context.Background(), os.DirFS("testdata"), "ChatExport_2024-01-20/result.json", h)
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("err = %v after %d messages", err, n)
	}
}

func TestPathEscape(t *testing.T) {
	fsys := fstest.MapFS{"exp/result.json": {Data: []byte(`{"id":1,"type":"personal_chat","messages":[{"id":1,"type":"message","date_unixtime":"1","file":"../../etc/passwd","text":""}]}`)}}
	var c chatexport.Collector
	st, err := Parse(context.Background(), fsys, "exp/result.json", &c)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Messages[0].Attachments[0]
	if a.Path != "" || a.Present || len(st.Warnings) != 1 {
		t.Errorf("escaping path: %+v, warnings %v", a, st.Warnings)
	}
}

func TestLongString(t *testing.T) {
	// a text just under the cap parses; the scanner grows its buffer
	text := strings.Repeat("x", 3<<20)
	in := `{"id":1,"messages":[{"id":1,"type":"message","text":"` + text + `"}]}`
	var c chatexport.Collector
	if _, err := ParseReader(context.Background(), strings.NewReader(in), nil, "x.json", &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 1 || len(c.Messages[0].Text) != len(text) {
		t.Fatal("long text not recovered")
	}
}

func FuzzTelegram(f *testing.F) {
	for _, name := range []string{"ChatExport_2024-01-20/result.json", "DataExport_2024-01-20/result.json", "edge_cases/result_legacy_pre_2021.json", "edge_cases/result_invalid_x_escape.json", "minimal/result.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"messages":[{"id":1,"text":"\ud83d\ude00 \x7 \u12"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		h := chatexport.Funcs{OnMessage: func(m *chatexport.Message) error {
			n++
			if len(m.Text) > len(data) {
				return fmt.Errorf("text longer than input")
			}
			return nil
		}}
		_, err := ParseReader(context.Background(), bytes.NewReader(data), nil, "fuzz.json", h)
		if err != nil && strings.Contains(err.Error(), "text longer") {
			t.Fatal(err)
		}
	})
}

// genExport writes a synthetic export of n messages.
func genExport(w io.Writer, n int) {
	fmt.Fprint(w, `{"name":"Bench","type":"private_supergroup","id":42,"messages":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			w.Write([]byte{','})
		}
		ts := 1705305600 + i
		switch i % 10 {
		case 0:
			fmt.Fprintf(w, `{"id":%d,"type":"service","date":"2024-01-15T09:00:00","date_unixtime":"%d","actor":"User %d","actor_id":"user%d","action":"invite_members","members":["A","B"],"text":"","text_entities":[]}`, i, ts, i%50, 1000+i%50)
		case 1, 2:
			fmt.Fprintf(w, `{"id":%d,"type":"message","date":"2024-01-15T09:00:00","date_unixtime":"%d","from":"User %d","from_id":"user%d","photo":"photos/photo_%d@15-01-2024_09-00-00.jpg","photo_file_size":51234,"width":1280,"height":960,"text":"caption %d","text_entities":[{"type":"plain","text":"caption %d"}]}`, i, ts, i%50, 1000+i%50, i, i, i)
		default:
			fmt.Fprintf(w, `{"id":%d,"type":"message","date":"2024-01-15T09:00:00","date_unixtime":"%d","from":"User %d","from_id":"user%d","text":["see ",{"type":"link","text":"https://example.org/%d"}," ok"],"text_entities":[{"type":"plain","text":"see "},{"type":"link","text":"https://example.org/%d"},{"type":"plain","text":" ok"}]}`, i, ts, i%50, 1000+i%50, i, i)
		}
	}
	fmt.Fprint(w, "]}")
}

func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	genExport(&buf, 20000)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseReader(context.Background(), bytes.NewReader(data), nil, "bench.json", chatexport.Funcs{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func TestCancel(t *testing.T) {
	var buf bytes.Buffer
	genExport(&buf, 10000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	_, err := ParseReader(ctx, &buf, nil, "c.json", chatexport.Funcs{OnMessage: func(*chatexport.Message) error { n++; return nil }})
	if !errors.Is(err, context.Canceled) || n >= 10000 {
		t.Errorf("err = %v after %d messages", err, n)
	}
}

func TestMessageSizeCap(t *testing.T) {
	defer func(v int64) { maxMessage = v }(maxMessage)
	maxMessage = 1000
	big := strings.Repeat(`"part",`, 400)
	in := `{"id":1,"messages":[{"id":1,"type":"message","text":[` + big + `"end"],"from":"A","from_id":"user1"},{"id":2,"type":"message","text":"ok"}]}`
	var c chatexport.Collector
	st, err := ParseReader(context.Background(), strings.NewReader(in), nil, "big.json", &c)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 1 || c.Messages[0].ID != "2" || !strings.Contains(fmt.Sprint(st.Warnings), "larger than 1000") || st.Skipped != 1 || !st.Incomplete() {
		t.Errorf("messages %d, warnings %v", len(c.Messages), st.Warnings)
	}
}

// TestMemberListCap: an invite listing more members than are kept says so
// in a warning instead of cutting the list quietly.
func TestMemberListCap(t *testing.T) {
	names := make([]string, maxMembers+10)
	for i := range names {
		names[i] = fmt.Sprintf("%q", fmt.Sprintf("Member %d", i))
	}
	in := `{"id":1,"type":"private_supergroup","name":"g","messages":[{"id":7,"type":"service","date":"2024-01-15T09:00:00","date_unixtime":"1705309200","actor":"Alex","actor_id":"user1","action":"invite_members","members":[` +
		strings.Join(names, ",") + `],"text":""}]}`
	var c chatexport.Collector
	st, err := ParseReader(context.Background(), strings.NewReader(in), nil, "x.json", &c)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range st.Warnings {
		found = found || strings.Contains(w.Reason, fmt.Sprintf("lists %d members; only the first %d", maxMembers+10, maxMembers))
	}
	if !found {
		t.Fatalf("no warning about the cut member list: %+v", st.Warnings)
	}
}
