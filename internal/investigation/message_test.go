package investigation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestMessagePage: a conversation's messages page in the export's order
// with a cursor; each page read is audited with the principal; another
// agency's principal finds neither the case nor its messages.
func TestMessagePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "nl-case", Agency: "NL-POL"}); err != nil {
			t.Fatal(err)
		}
		wa := writeWhatsAppChat(t, "Side Group",
			"1/15/24, 9:05 AM - +1 202-555-0170: hi from the other app",
			"1/15/24, 9:06 AM - Alex Example: welcome",
			"1/15/24, 9:07 AM - +1 202-555-0170: <script>alert(1)</script>")
		if _, err := s.ImportChat(ctx, "nl-case", wa, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		var got []investigation.Message
		var after int64
		pages := 0
		for {
			page, err := s.MessagePage(as(nlViewer), "nl-case", "Side Group", after, 2)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(page.Messages) > 2 {
				t.Fatalf("page of %d, limit 2", len(page.Messages))
			}
			got = append(got, page.Messages...)
			if page.After == 0 {
				break
			}
			after = page.After
		}
		var texts []string
		for _, m := range got {
			if !m.Service {
				texts = append(texts, m.Text)
			}
		}
		if want := "hi from the other app|welcome|<script>alert(1)</script>"; strings.Join(texts, "|") != want {
			t.Errorf("texts %q, want %q", strings.Join(texts, "|"), want)
		}
		if got[len(got)-1].Sender == "" || got[len(got)-1].At == "" {
			t.Errorf("last message %+v: want its sender and time", got[len(got)-1])
		}
		var reads []audit.Record
		err := s.AuditLog(ctx, "case:nl-case/chat:", func(r audit.Record) error {
			if r.Action == "chat.messages.read" {
				reads = append(reads, r)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(reads) != pages {
			t.Fatalf("%d chat.messages.read records for %d pages", len(reads), pages)
		}
		if r := reads[0]; r.ActorID != nlViewer.ID || r.AuthMethod != string(nlViewer.Method) || r.RequestID != nlViewer.RequestID {
			t.Errorf("read record %+v does not name the principal", r)
		}

		if _, err := s.MessagePage(as(beInv), "nl-case", "Side Group", 0, 10); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("another agency: %v", err)
		}
		if _, err := s.MessagePage(as(nlViewer), "nl-case", "No Such Group", 0, 10); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("unknown conversation: %v", err)
		}
	})
}
