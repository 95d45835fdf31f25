package investigation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestRecordPayments: a batch is stored once (a rerun and a repeated
// event change nothing), invalid events are listed and not stored, keys
// are normalised, the list is read with the case's access check, and a
// payee in another country than the payer is flagged with the evidence.
func TestRecordPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		s := f.s
		at := time.Date(2024, 3, 2, 9, 5, 0, 0, time.FixedZone("CET", 3600))
		events := []investigation.PaymentEvent{
			{Source: investigation.PaymentFromPlatform, SourceRef: "payments row 1", Amount: "150,50", Currency: "eur", At: at, Method: "Phone",
				Payer: investigation.PaymentParty{Key: "phone:+1 202 555 0143", Name: "buyer1"},
				Payee: investigation.PaymentParty{Key: "phone:+44 20 7946 0958"}},
			{Source: investigation.PaymentFromPlatform, SourceRef: "payments row 2", Amount: "0.00150000", Currency: "BTC", TxID: " ab01 ",
				Payer: investigation.PaymentParty{Key: "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}},
			{Source: investigation.PaymentFromPlatform, SourceRef: "payments row 1", Amount: "1", Payer: investigation.PaymentParty{Name: "again"}},
			{Source: investigation.PaymentFromPlatform, SourceRef: "payments row 3", Amount: "1,5.0", Payer: investigation.PaymentParty{Name: "x"}},
			{Source: investigation.PaymentFromPlatform, SourceRef: "payments row 4", Payer: investigation.PaymentParty{Key: "btc:notanaddress"}},
			{Source: investigation.PaymentFromPlatform, SourceRef: "payments row 5", Amount: "5"},
			{Source: "bank", SourceRef: "payments row 6", Payer: investigation.PaymentParty{Name: "x"}},
			{Source: investigation.PaymentFromManual, SourceRef: "", Payer: investigation.PaymentParty{Name: "x"}},
		}
		if _, err := s.RecordPayments(f.as("nl-viewer"), "nl-1", events); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("a viewer records payments: %v", err)
		}
		if _, err := s.RecordPayments(f.as("be-analyst"), "nl-1", events); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another agency records payments: %v", err)
		}
		res, err := s.RecordPayments(f.as("nl-analyst"), "nl-1", events)
		if err != nil {
			t.Fatal(err)
		}
		if res.Events != 8 || res.New != 2 || res.Existing != 1 || len(res.Rejected) != 5 {
			t.Fatalf("recorded %+v", res)
		}
		reasons := ""
		for _, r := range res.Rejected {
			reasons += r.SourceRef + ": " + r.Reason + "\n"
		}
		for _, want := range []string{"row 3: amount", "row 4: payer: identifier key of kind btc does not validate", "row 5: neither payer nor payee", `row 6: source "bank"`, ": no source reference"} {
			if !strings.Contains(reasons, want) {
				t.Errorf("rejections lack %q:\n%s", want, reasons)
			}
		}
		again, err := s.RecordPayments(f.as("nl-analyst"), "nl-1", events[:2])
		if err != nil || again.New != 0 || again.Existing != 2 {
			t.Fatalf("rerun: %+v, %v", again, err)
		}
		if _, err := s.Payments(f.as("be-analyst"), "nl-1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another agency lists payments: %v", err)
		}
		list, err := s.Payments(f.as("nl-viewer"), "nl-1")
		if err != nil || len(list) != 2 {
			t.Fatalf("Payments = %+v, %v", list, err)
		}
		p := list[0]
		if p.Amount != "150.50" || p.Currency != "EUR" || p.At != "2024-03-02T08:05:00Z" || p.Method != "phone" || p.Payer.Identifier != "phone:+12025550143" ||
			p.Payer.Name != "buyer1" || p.Payee.Identifier != "phone:+442079460958" || p.Source != "platform" || p.SourceRef != "payments row 1" {
			t.Fatalf("payment = %+v", p)
		}
		if p.Payer.Country != "US" || p.Payee.Country != "GB" || !p.CrossBorder || !strings.Contains(p.Safeguard, "payee in GB (United Kingdom) paid from US") ||
			len(p.Payee.CountryEvidence) == 0 || !strings.Contains(p.Payee.CountryEvidence[0], "+44") {
			t.Fatalf("cross-border flag: %+v", p)
		}
		if q := list[1]; q.At != "" || q.Amount != "0.00150000" || q.TxID != "ab01" || q.CrossBorder || q.Safeguard != "" {
			t.Fatalf("crypto payment = %+v", q)
		}
		if other, err := s.Payments(f.as("nl-analyst"), "nl-2"); err != nil || len(other) != 0 {
			t.Fatalf("another case: %+v, %v", other, err)
		}
		var n int
		if err := s.AuditLog(context.Background(), "", func(r auditRecord) error {
			if r.Action == "payment.record" {
				n++
			}
			return nil
		}); err != nil || n != 2 {
			t.Fatalf("payment.record audit records: %d, %v", n, err)
		}
	})
}

func TestPaymentKey(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "btc:BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
		"username:Telegram:Alex_Example": "username:telegram:alex_example", "phone:+1 (202) 555-0143": "phone:+12025550143",
	} {
		if got, err := investigation.PaymentKey(in); err != nil || got != want {
			t.Errorf("PaymentKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"btc", "nope:x", "phone:12", "username:telegram:"} {
		if _, err := investigation.PaymentKey(in); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("PaymentKey(%q): want ErrInvalid, got %v", in, err)
		}
	}
}
