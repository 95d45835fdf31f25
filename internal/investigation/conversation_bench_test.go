//go:build unix

package investigation_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// BenchmarkConversation100k: a WhatsApp group of 100,000 messages from 50
// members; opening it (roster, events, timeline and the last page of 50
// messages), paging back from its end, a page in its middle, and a search
// that matches one message in a thousand. Each op is one request's work.
//
//	go test ./internal/investigation -run '^$' -bench Conversation100k -benchtime 20x
func BenchmarkConversation100k(b *testing.B) {
	const n = 100_000
	for name, open := range storetest.Dialects(b) {
		b.Run(name, func(b *testing.B) { benchConversation(b, open, n) })
	}
}

func benchConversation(b *testing.B, open storetest.Opener, n int) {
	{
		s := investigation.New(open(b, -1), "owner", investigation.WithCacheDir(b.TempDir()))
		ctx := context.Background()
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "big"}); err != nil {
			b.Fatal(err)
		}
		var text strings.Builder
		text.WriteString("1/15/24, 9:00 AM - Alex Example created group \"Big Group\"\n")
		day := time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC)
		for i := range n {
			at := day.Add(time.Duration(i) * time.Minute)
			body := fmt.Sprintf("message number %d of the synthetic benchmark", i)
			if i%1000 == 7 {
				body = "needle " + body
			}
			fmt.Fprintf(&text, "%s - Member %02d: %s\n", at.Format("1/2/06, 3:04 PM"), i%50, body)
		}
		path := filepath.Join(b.TempDir(), "WhatsApp Chat with Big Group.txt")
		if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		rep, err := s.ImportChat(ctx, "big", path, investigation.ChatImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("imported %d messages in %v", rep.Messages, time.Since(start))
		last, err := s.ConversationMessages(ctx, "big", "Big Group", investigation.MessageQuery{Last: true, Limit: 50})
		if err != nil || len(last.Messages) != 50 {
			b.Fatalf("last page: %d messages, %v", len(last.Messages), err)
		}
		mid, err := s.ConversationMessages(ctx, "big", "Big Group", investigation.MessageQuery{Search: "message number 50000 ", Limit: 1})
		if err != nil || len(mid.Messages) != 1 {
			b.Fatalf("middle: %v", err)
		}
		b.Run("open", func(b *testing.B) {
			measured(b, func() {
				v, err := s.Chat(ctx, "big", "Big Group")
				if err != nil || len(v.Members) != 51 || v.Conversation.Messages != int64(n) {
					b.Fatalf("chat: %d members, %d messages, %v", len(v.Members), v.Conversation.Messages, err)
				}
				if p, err := s.ConversationMessages(ctx, "big", "Big Group", investigation.MessageQuery{Last: true, Limit: 50}); err != nil || len(p.Messages) != 50 {
					b.Fatalf("last page: %v", err)
				}
			})
		})
		b.Run("chat-show", func(b *testing.B) {
			measured(b, func() {
				if v, err := s.ConversationView(ctx, "big", "Big Group"); err != nil || len(v.Roster) != 51 {
					b.Fatalf("view: %d members, %v", len(v.Roster), err)
				}
			})
		})
		b.Run("last-page", func(b *testing.B) {
			measured(b, func() {
				if p, err := s.ConversationMessages(ctx, "big", "Big Group", investigation.MessageQuery{Last: true, Limit: 50}); err != nil || len(p.Messages) != 50 {
					b.Fatalf("last page: %v", err)
				}
			})
		})
		b.Run("page-back-from-end", func(b *testing.B) {
			measured(b, func() {
				if p, err := s.ConversationMessages(ctx, "big", "Big Group", investigation.MessageQuery{Before: last.Before, Limit: 50}); err != nil || len(p.Messages) != 50 {
					b.Fatalf("page back: %v", err)
				}
			})
		})
		b.Run("page-middle", func(b *testing.B) {
			measured(b, func() {
				if p, err := s.ConversationMessages(ctx, "big", "Big Group", investigation.MessageQuery{After: mid.Before, Limit: 50}); err != nil || len(p.Messages) != 50 {
					b.Fatalf("middle page: %v", err)
				}
			})
		})
		b.Run("search-last-page", func(b *testing.B) {
			measured(b, func() {
				if p, err := s.ConversationMessages(ctx, "big", "Big Group", investigation.MessageQuery{Search: "NEEDLE", Last: true, Limit: 50}); err != nil || len(p.Messages) != 50 {
					b.Fatalf("search: %d, %v", len(p.Messages), err)
				}
			})
		})
	}
}

// measured runs fn b.N times and reports the process's CPU time per run
// next to the wall time (the machine is shared; for SQLite, in-process,
// the CPU time is the query's; for PostgreSQL the server's is not in it).
func measured(b *testing.B, fn func()) {
	before := cputime.Process()
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	b.ReportMetric(float64((cputime.Process()-before).Microseconds())/1000/float64(n), "cpu-ms/op")
}
