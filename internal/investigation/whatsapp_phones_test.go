package investigation_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// phoneExport writes one phone's export of the chat with Bob: the same
// file names as the other phone's, other messages and attachment bytes.
func phoneExport(t *testing.T, dir, phone string, lines []string, photo []byte) string {
	t.Helper()
	d := filepath.Join(dir, phone)
	os.MkdirAll(d, 0o755)
	var txt string
	for _, l := range lines {
		txt += l + "\n"
	}
	p := filepath.Join(d, "WhatsApp Chat with Bob.txt")
	os.WriteFile(p, []byte(txt), 0o644)
	os.WriteFile(filepath.Join(d, "IMG-20240115-WA0001.jpg"), photo, 0o644)
	return p
}

// TestWhatsAppTwoPhonesSameFileName: exports of one chat from two phones,
// with one file name, are two conversations; importing the second adds its
// messages, and its attachment is hashed, matched and linked to its own
// file.
func TestWhatsAppTwoPhonesSameFileName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		photo := []byte("\xff\xd8\xff\xe0 synthetic known photo of phone 2")
		knownBank(t, s, photo)
		p1 := phoneExport(t, dir, "phone1", []string{
			"1/15/24, 9:00 AM - Bob Example: hello from the first phone",
			"1/15/24, 9:01 AM - Alex Example: IMG-20240115-WA0001.jpg (file attached)",
			"1/15/24, 9:02 AM - Bob Example: bye",
		}, []byte("\xff\xd8\xff\xe0 synthetic photo of phone 1"))
		p2 := phoneExport(t, dir, "phone2", []string{
			"1/16/24, 10:00 AM - Bob Example: the second phone saw this",
			"1/16/24, 10:01 AM - Casey Example: IMG-20240115-WA0001.jpg (file attached)",
			"1/16/24, 10:02 AM - Bob Example: and this",
			"1/16/24, 10:03 AM - Casey Example: and one more",
		}, photo)
		r1, err := s.ImportChat(ctx, "op", p1, investigation.ChatImportOptions{})
		if err != nil || r1.NewMessages != 3 || r1.Linked != 1 {
			t.Fatalf("phone 1: %+v %v", r1, err)
		}
		r2, err := s.ImportChat(ctx, "op", p2, investigation.ChatImportOptions{})
		if err != nil || r2.Exhibit != r1.Exhibit || r2.NewMessages != 4 || r2.Conversations != 1 || r2.Linked != 1 {
			t.Fatalf("phone 2: %+v %v", r2, err)
		}
		if r2.Files.Files != 2 || r2.Files.ByStatus["matched"] != 1 {
			t.Fatalf("phone 2's files: %+v", r2.Files)
		}
		convs, err := s.Conversations(ctx, "op")
		if err != nil || len(convs) != 2 || convs[0].Messages+convs[1].Messages != 7 {
			t.Fatalf("conversations: %+v %v", convs, err)
		}
		// The same export again changes nothing.
		again, err := s.ImportChat(ctx, "op", p2, investigation.ChatImportOptions{})
		if err != nil || again.NewMessages != 0 || again.Conversations != 0 || again.Files.Files != 0 {
			t.Fatalf("phone 2 again: %+v %v", again, err)
		}
		// Phone 2's attachment is its own (matched) file, not phone 1's.
		known := map[string]int64{}
		for _, cv := range convs {
			v, err := s.ConversationView(ctx, "op", cv.ExtID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range v.Roster {
				known[p.DisplayName] += p.Known
			}
		}
		if known["Casey Example"] != 1 || known["Alex Example"] != 0 {
			t.Fatalf("known attachments shared: %v", known)
		}
		matched := 0
		s.Files(ctx, "op", investigation.FileQuery{Status: "matched"}, func(f investigation.FileView) error {
			matched++
			if filepath.Base(f.Root) != "IMG-20240115-WA0001.jpg" || filepath.Base(filepath.Dir(f.Root)) != "phone2" {
				t.Errorf("matched file %+v is not phone 2's photo", f.File)
			}
			return nil
		})
		if matched != 1 {
			t.Fatalf("%d matched files, want 1", matched)
		}
	})
}
