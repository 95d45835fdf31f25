package whatsapp

import (
	"context"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/vibora-project/vibora/internal/chatexport"
)

func d(y, mo, dd, h, mi, s int) time.Time {
	return time.Date(y, time.Month(mo), dd, h, mi, s, 0, time.UTC)
}

// TestVariants parses one fixture per header variant and attachment form
// (docs/chat-formats.md lists them) and checks every message's time,
// sender and text, and what the parse says it could not read.
func TestVariants(t *testing.T) {
	type msg struct {
		time   time.Time
		sender string
		text   string
	}
	tests := []struct {
		file          string
		want          []msg
		headersAsText int64
		warnLines     []int // lines that must carry a warning
	}{
		{"odd_line_dmy.txt", []msg{
			{d(2024, 1, 2, 10, 0, 0), "Alex Example", "the list is ready"},
			{d(2024, 1, 3, 11, 30, 0), "Blake Sample", "forwarding what Casey wrote:\n1/20/24, 9:00 AM - Casey Placeholder: meet at the usual place"},
			{d(2024, 1, 15, 12, 45, 0), "Alex Example", "ok"},
		}, 1, []int{3}},
		{"odd_line_bogus.txt", []msg{
			{d(2024, 1, 2, 10, 0, 0), "Alex Example", "first\n[13/14/2024, 10:01:00] Alex Example: quoted nonsense header"},
			{d(2024, 1, 15, 10, 2, 0), "Blake Sample", "second"},
			{d(2024, 1, 16, 10, 3, 0), "Alex Example", "third"},
		}, 1, []int{2}},
		{"time_first_vi_ios.txt", []msg{
			{d(2024, 1, 15, 9, 5, 12), "Alex Example", "Xin chào"},
			{d(2024, 1, 16, 21, 40, 0), "Blake Sample", "Chào bạn"},
		}, 0, nil},
		{"japanese_era_ios.txt", []msg{
			{d(2019, 4, 30, 23, 59, 0), "Alex Example", "平成最後"},
			{d(2019, 5, 1, 0, 0, 30), "Blake Sample", "令和元年"},
			{d(2024, 1, 15, 9, 5, 12), "Alex Example", "テスト"},
		}, 0, nil},
		{"finnish_klo_colon.txt", []msg{
			{d(2024, 1, 15, 9, 5, 0), "Alex Example", "Hei"},
			{d(2024, 1, 15, 21, 25, 0), "Blake Sample", "Moi"},
		}, 0, nil},
		{"no_separator.txt", []msg{
			{d(2024, 1, 15, 9, 5, 0), "Alex Example", "no dash here"},
			{d(2024, 1, 15, 9, 6, 0), "Blake Sample", "nor here"},
		}, 0, nil},
		{"year_first_slash_ios.txt", []msg{
			{d(2024, 1, 15, 9, 5, 12), "Alex Example", "slashes"},
			{d(2024, 1, 16, 21, 25, 15), "Blake Sample", "year first"},
		}, 0, nil},
		{"year_first_dots.txt", []msg{
			{d(2024, 1, 15, 9, 5, 0), "Alex Example", "pontok"},
			{d(2024, 1, 16, 21, 25, 0), "Blake Sample", "második"},
		}, 0, nil},
		{"hour00_12h.txt", []msg{
			{d(2024, 1, 15, 12, 15, 0), "Alex Example", "正午過ぎ"},
			{d(2024, 1, 15, 0, 5, 0), "Blake Sample", "深夜"},
		}, 0, nil},
		{"hour00_12h_es.txt", []msg{
			{d(2024, 1, 15, 0, 20, 0), "Casey Placeholder", "madrugada"},
			{d(2024, 1, 15, 12, 40, 0), "Casey Placeholder", "mediodía"},
		}, 0, nil},
		{"ampm_spellings.txt", []msg{
			{d(2024, 1, 15, 9, 5, 0), "Alex Example", "one"},
			{d(2024, 1, 15, 21, 6, 0), "Alex Example", "two"},
			{d(2024, 1, 15, 21, 7, 0), "Alex Example", "three"},
			{d(2024, 1, 15, 21, 8, 0), "Alex Example", "four"},
			{d(2024, 1, 15, 21, 9, 0), "Alex Example", "five"},
			{d(2024, 1, 15, 21, 10, 0), "Alex Example", "six"},
			{d(2024, 1, 15, 21, 11, 0), "Alex Example", "seven"},
		}, 0, nil},
		{"attachments_ios.txt", []msg{
			{d(2024, 1, 15, 9, 5, 12), "Alex Example", ""},
			{d(2024, 1, 15, 9, 6, 0), "Blake Sample", ""},
			{d(2024, 1, 15, 9, 7, 0), "Alex Example", "."},
			{d(2024, 1, 15, 9, 8, 0), "Blake Sample", "?"},
		}, 0, nil},
		{"unrecognised_header.txt", []msg{
			{d(2024, 1, 15, 9, 5, 0), "Alex Example", "first\n15/01/2024; 09:06 - Blake Sample: semicolon instead of a comma"},
			{d(2024, 1, 15, 9, 7, 0), "Alex Example", "third"},
		}, 1, []int{2}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var c chatexport.Collector
			name := path.Join("variants", tc.file)
			st, err := Parse(context.Background(), os.DirFS("testdata"), name, &c)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Messages) != len(tc.want) {
				for _, m := range c.Messages {
					t.Logf("%v %q %q", m.Time, m.SenderName, m.Text)
				}
				t.Fatalf("%d messages, want %d (warnings %v)", len(c.Messages), len(tc.want), st.Warnings)
			}
			for i, w := range tc.want {
				m := c.Messages[i]
				if !m.Time.Equal(w.time) || m.SenderName != w.sender || m.Text != w.text || m.Service {
					t.Errorf("message %d = %v %q %q service=%v, want %v %q %q", i+1, m.Time, m.SenderName, m.Text, m.Service, w.time, w.sender, w.text)
				}
			}
			if st.HeadersAsText != tc.headersAsText || st.Incomplete() != (tc.headersAsText > 0) {
				t.Errorf("headers as text = %d, incomplete = %v, want %d", st.HeadersAsText, st.Incomplete(), tc.headersAsText)
			}
			for _, l := range tc.warnLines {
				found := false
				for _, w := range st.Warnings {
					if w.Line == l && w.File == name {
						found = true
					}
				}
				if !found {
					t.Errorf("no warning for %s line %d: %v", name, l, st.Warnings)
				}
			}
			if tc.headersAsText == 0 {
				for _, w := range st.Warnings {
					if w.Line > 0 {
						t.Errorf("unexpected warning %v", w)
					}
				}
			}
		})
	}
}

func TestAttachmentForms(t *testing.T) {
	var c chatexport.Collector
	if _, err := Parse(context.Background(), os.DirFS("testdata"), "variants/attachments_ios.txt", &c); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		kind chatexport.AttachmentKind
	}{{"00000005-PHOTO-2024-01-15-09-05-12.jpg", chatexport.KindPhoto}, {"IMG_0001.JPG", chatexport.KindPhoto}}
	for i, w := range want {
		a := c.Messages[i].Attachments
		if len(a) != 1 || a[0].FileName != w.name || a[0].Kind != w.kind {
			t.Errorf("message %d attachments = %+v, want %s (%s)", i+1, a, w.name, w.kind)
		}
	}
	if c.Messages[2].SenderID != "name:Alex Example" {
		t.Errorf("Name:. sender = %q", c.Messages[2].SenderID)
	}
}

// TestNeverFewerMessagesSilently: however the dates are scrambled, every
// line that matches a header is a message, or is counted as a header kept
// as text (with a warning), or is counted as skipped.
func TestNeverFewerMessagesSilently(t *testing.T) {
	lines := []string{
		"01/02/2024, 10:00 - A: x", "13/02/2024, 10:00 - B: y", "02/13/2024, 10:00 - C: z",
		"14/15/2024, 10:00 - D: w", "05/06/2024, 10:00 - E: v", "31/02/2024, 10:00 - F: u",
	}
	for start := range lines {
		in := strings.Join(append(append([]string{}, lines[start:]...), lines[:start]...), "\n")
		var c chatexport.Collector
		st, err := Parse(context.Background(), mapFS("c.txt", in), "c.txt", &c)
		if err != nil {
			t.Fatal(err)
		}
		if got := int64(len(c.Messages)) + st.HeadersAsText + st.Skipped; got != int64(len(lines)) {
			t.Errorf("rotation %d: %d messages + %d as text + %d skipped != %d headers", start, len(c.Messages), st.HeadersAsText, st.Skipped, len(lines))
		}
	}
}

func mapFS(name, data string) fstest.MapFS { return fstest.MapFS{name: {Data: []byte(data)}} }
