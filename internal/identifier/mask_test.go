package identifier

import (
	"strings"
	"testing"
)

func TestMaskCards(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"card 4111 1111 1111 1111 thanks", "card **** **** **** 1111 thanks"},
		{"4111111111111111", "************1111"},
		{"use 4111-1111-1111-1111.", "use ****-****-****-1111."},
		{"4111 1111 1111 1111 123", "**** **** **** 1111 123"}, // a CVV after it
		{"amex 3782 822463 10005", "amex **** ****** *0005"},
		{"two: 5555555555554444 and 4000 0000 0000 0002", "two: ************4444 and **** **** **** 0002"},
		{"ref 12 4111 1111 1111 1111", "ref 12 **** **** **** 1111"},
		// Not cards: Luhn failures, no brand, phones, IMEIs, runs in words.
		{"4111 1111 1111 1112", "4111 1111 1111 1112"},
		{"order 1234567890123456", "order 1234567890123456"},
		{"+1 202 555 0143", "+1 202 555 0143"},
		{"IMEI 490154203237518", "IMEI 490154203237518"},
		{"id A4111111111111111", "id A4111111111111111"},
		{"41111111111111111", "41111111111111111"},
		{"GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"},
		{"", ""},
	} {
		if got := MaskCards(c.in); got != c.want {
			t.Errorf("MaskCards(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzMaskCards: masking keeps the length and every non-digit byte, is
// idempotent, and what it leaves holds no card that extraction finds.
func FuzzMaskCards(f *testing.F) {
	for _, s := range []string{"card 4111 1111 1111 1111", "5555555555554444", "4111-1111-1111-1111 99", "3782 822463 10005", "x1 2 3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := MaskCards(s)
		if len(m) != len(s) {
			t.Fatalf("length %d -> %d", len(s), len(m))
		}
		for i := 0; i < len(s); i++ {
			if m[i] != s[i] && (m[i] != '*' || !isDigit(s[i])) {
				t.Fatalf("byte %d changed %q -> %q", i, s[i], m[i])
			}
		}
		if MaskCards(m) != m {
			t.Fatalf("not idempotent on %q", s)
		}
		for _, id := range Extract([]byte("card "+m), ExtractOptions{}) {
			if id.Kind == KindCard && strings.Count(id.Value, "*") == 0 {
				t.Fatalf("a card remains in %q: %+v", m, id)
			}
		}
	})
}
