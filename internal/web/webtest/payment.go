package webtest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/investigation"
)

// PaymentCard is the (test) card number SeedPayments types in a chat: the
// message keeps it, every page masks it to its last four digits.
const PaymentCard = "4111 1111 1111 1111"

// SeedPayments imports into case CaseNL a WhatsApp chat in which a payer
// in the US (+1 202 555 0172) reports a payment to a British IBAN and
// types a card number, and records a platform payment event from that
// payer to a British participant (+44 20 7946 0958) whose source
// reference carries a Payload. It returns the payer's person ID.
func (h *Hub) SeedPayments(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	lines := []string{
		"2/1/24, 10:00 AM - +44 20 7946 0958: my IBAN is GB82 WEST 1234 5698 7654 32",
		"2/1/24, 10:05 AM - +1 202-555-0172: sent 150 EUR to GB82 WEST 1234 5698 7654 32",
		"2/1/24, 10:06 AM - +1 202-555-0172: or take my card " + PaymentCard + " for the next 20 EUR",
	}
	chat := filepath.Join(dir, "WhatsApp Chat with Payments Example.txt")
	if err := os.WriteFile(chat, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Service.ImportChat(h.Seed, CaseNL, chat, investigation.ChatImportOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := h.Service.RecordPayments(h.Seed, CaseNL, []investigation.PaymentEvent{{
		Source: investigation.PaymentFromPlatform, SourceRef: "examplevid: payments row 7 " + Payloads[0],
		Payer:  investigation.PaymentParty{Key: "phone:+12025550172"},
		Payee:  investigation.PaymentParty{Key: "phone:+442079460958"},
		Amount: "1.500,00", Currency: "EUR", At: time.Date(2024, 2, 3, 12, 0, 0, 0, time.UTC), Method: "paypal",
	}})
	if err != nil || res.New != 1 {
		t.Fatalf("record the platform payment: %+v, %v", res, err)
	}
	people, err := h.Service.People(h.Seed, CaseNL)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if slices.Contains(p.Identifiers, identifier.Key(identifier.KindPhone, "+12025550172")) {
			return p.ID
		}
	}
	t.Fatalf("no person carries the payer's phone among %d people", len(people))
	return ""
}
