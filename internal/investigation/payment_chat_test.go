package investigation_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// marketChat is a synthetic Telegram export: a buyer (Rowan, a US phone
// number) agrees a price, the seller (Casey) answers with an IBAN, the
// buyer reports the payment, and posts a card.
const marketChat = `{
 "name": "Example Market",
 "type": "private_supergroup",
 "id": 7700000003,
 "messages": [
  {"id": 1, "type": "message", "date": "2024-03-02T10:00:00", "from": "Rowan Example", "from_id": "user1000000011", "text": "I can do 150 EUR, call me +1 202 555 0143"},
  {"id": 2, "type": "message", "date": "2024-03-02T10:01:00", "from": "Casey Placeholder", "from_id": "user1000000012", "reply_to_message_id": 1, "text": "send to GB82 WEST 1234 5698 7654 32"},
  {"id": 3, "type": "message", "date": "2024-03-02T10:30:00", "from": "Rowan Example", "from_id": "user1000000011", "text": "sent €150 to GB82WEST12345698765432"},
  {"id": 4, "type": "message", "date": "2024-03-02T10:31:00", "from": "Casey Placeholder", "from_id": "user1000000012", "text": "got 150, next time 4111 1111 1111 1111 is not welcome"},
  {"id": 5, "type": "message", "date": "2024-03-02T10:32:00", "from": "Blake Sample", "from_id": "user1000000013", "text": "order 4111111111111111 for 20 photos"}
 ]
}`

// TestChatPayments: a chat import finds the payment events of its
// messages and replies, a rerun and an on-demand scan add nothing, the
// list shows persons and countries and flags the cross-border payee, and
// the full card number reaches neither the store's payments nor the list.
func TestChatPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		s := f.s
		dir := filepath.Join(t.TempDir(), "ChatExport_2024-03-02")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "result.json"), []byte(marketChat), 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := s.ImportChat(f.as("nl-analyst"), "nl-1", dir, investigation.ChatImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Payments != 2 {
			t.Fatalf("import found %d payments, want 2: %+v", rep.Payments, rep)
		}
		list, err := s.Payments(f.as("nl-viewer"), "nl-1")
		if err != nil || len(list) != 2 {
			t.Fatalf("Payments = %+v, %v", list, err)
		}
		req, paid := list[0], list[1]
		if req.Source != "chat" || req.Message != "2" || req.Conversation != "Example Market" || req.Platform != "telegram" || req.Amount != "150" ||
			req.Currency != "EUR" || req.Method != "iban" || req.At != "2024-03-02T10:01:00Z" || !strings.HasPrefix(req.Evidence, "request: Casey Placeholder posted IBAN GB82WEST12345698765432") {
			t.Fatalf("request event = %+v", req)
		}
		if req.Payer.Name != "Rowan Example" || req.Payer.Person == "" || req.Payee.Name != "Casey Placeholder" || req.Payee.Identifier != "iban:GB82WEST12345698765432" ||
			req.Payer.Country != "US" || req.Payee.Country != "GB" || !req.CrossBorder || !strings.Contains(req.Safeguard, "possible victim to safeguard") {
			t.Fatalf("request parties = %+v", req)
		}
		if paid.Message != "3" || !strings.HasPrefix(paid.Evidence, "paid-to: Rowan Example wrote that they paid 150 EUR") || paid.Payer.Person != req.Payer.Person ||
			paid.Payee.Identifier != "iban:GB82WEST12345698765432" || paid.Payee.Country != "GB" || !paid.CrossBorder {
			t.Fatalf("paid event = %+v", paid)
		}
		people, err := s.People(f.as("nl-viewer"), "nl-1")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range people {
			v := p.View()
			switch p.Name {
			case "Rowan Example":
				if len(v.Paid) != 2 || len(v.Received) != 0 || v.Paid[0].Counterparty.Country != "GB" || !v.Paid[0].CrossBorder || len(v.Safeguard) != 2 ||
					!strings.Contains(strings.Join(p.Reasons, "|"), "+4.0 made 2 payment(s) to payees in GB|+4.0 paid a payee in another country") {
					t.Errorf("payer: %+v", v)
				}
				if sv := p.Suspect(); sv.Paid != 2 || len(sv.Safeguard) != 2 {
					t.Errorf("payer suspect line: %+v", sv)
				}
			case "Casey Placeholder":
				if len(v.Received) != 1 || v.Received[0].Counterparty.Name != "Rowan Example" || v.Received[0].Amount != "150" ||
					len(v.Safeguard) != 1 || !strings.Contains(v.Safeguard[0], "received 150 EUR in GB from Rowan Example in US") {
					t.Errorf("payee: %+v", v)
				}
				for _, r := range p.Reasons {
					if strings.Contains(r, "payment") {
						t.Errorf("a payee is scored for being paid: %s", r)
					}
				}
			}
		}
		again, err := s.ImportChat(f.as("nl-analyst"), "nl-1", dir, investigation.ChatImportOptions{})
		if err != nil || again.Payments != 2 {
			t.Fatalf("reimport: %+v, %v", again, err)
		}
		if _, err := s.DetectPayments(f.as("nl-viewer"), "nl-1"); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("a viewer scans: %v", err)
		}
		scan, err := s.DetectPayments(f.as("nl-analyst"), "nl-1")
		if err != nil || scan.Events != 2 || scan.New != 0 || scan.Existing != 2 {
			t.Fatalf("scan: %+v, %v", scan, err)
		}
		if l2, _ := s.Payments(context.Background(), "nl-1"); len(l2) != 2 {
			t.Fatalf("after rerun: %d payments", len(l2))
		}
		var dump strings.Builder
		for _, p := range list {
			dump.WriteString(p.Evidence + p.Payer.Identifier + p.Payee.Identifier + p.SourceRef)
		}
		rows, err := f.db.SQL().Query("SELECT payer_key || payee_key || evidence || source_ref FROM payments")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			rows.Scan(&v)
			dump.WriteString(v)
		}
		rows.Close()
		if strings.Contains(dump.String(), "4111") {
			t.Fatalf("a card number reached the payments: %s", dump.String())
		}
	})
}
