package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPayments: a chat import finds payment events; `vibora payments`
// lists them (table and JSON lines), `payments scan` finds nothing new.
func TestPayments(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	if _, e, code := run(t, db, "case", "create", "op-pay"); code != 0 {
		t.Fatalf("case create: %d %s", code, e)
	}
	chat := "3/2/24, 10:00 AM - Casey Placeholder: pay 150 EUR to IBAN GB82 WEST 1234 5698 7654 32\n" +
		"3/2/24, 10:05 AM - Rowan Example: sent €150 to GB82WEST12345698765432\n" +
		"3/2/24, 10:06 AM - Rowan Example: my card 4111 1111 1111 1111 for 20 EUR\n"
	p := filepath.Join(t.TempDir(), "WhatsApp Chat with Example Market.txt")
	if err := os.WriteFile(p, []byte(chat), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, e, code := run(t, db, "chat", "import", "--case", "op-pay", p); code != 0 {
		t.Fatalf("chat import: %d %s%s", code, out, e)
	}
	out, e, code := run(t, db, "payments", "--case", "op-pay")
	if code != 0 || !strings.Contains(out, "Casey Placeholder") || !strings.Contains(out, "iban:GB82WEST12345698765432 [GB]") ||
		!strings.Contains(out, "150 EUR") || !strings.Contains(out, "card:visa:1111") || strings.Contains(out, "4111 1111") {
		t.Fatalf("payments: %d\n%s%s", code, out, e)
	}
	out, _, code = run(t, db, "--json", "payments", "--case", "op-pay")
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(rows) != 3 {
		t.Fatalf("payments --json: %d\n%s", code, out)
	}
	var v struct {
		Source, Amount, Currency, Method, Message string
		Payee                                     struct{ Identifier, Country string }
	}
	if err := json.Unmarshal([]byte(rows[0]), &v); err != nil || v.Source != "chat" || v.Amount != "150" || v.Currency != "EUR" || v.Method != "iban" ||
		v.Payee.Identifier != "iban:GB82WEST12345698765432" || v.Payee.Country != "GB" {
		t.Fatalf("payments --json first line %s: %+v %v", rows[0], v, err)
	}
	out, e, code = run(t, db, "payments", "scan", "--case", "op-pay")
	if code != 0 || !strings.Contains(out, "3 payment event(s) found, 0 new, 3 already recorded") {
		t.Fatalf("payments scan: %d %s%s", code, out, e)
	}
	if _, e, code := run(t, db, "payments", "--case", "nope"); code == 0 || !strings.Contains(e, "not found") {
		t.Fatalf("unknown case: %d %s", code, e)
	}
}
