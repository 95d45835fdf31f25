package deconflict

import (
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/identifier"
)

// TestKindsNormalised: the kinds are sorted identifier kinds, and a
// payment identifier written in different ways by two hubs gives one key,
// hence one token.
func TestKindsNormalised(t *testing.T) {
	if !slices.IsSorted(Kinds) {
		t.Fatalf("Kinds not sorted: %q", Kinds)
	}
	for _, k := range Kinds {
		if !identifier.IsKind(identifier.Kind(k)) {
			t.Errorf("%q is not an identifier kind", k)
		}
		if k == string(identifier.KindCard) || k == string(identifier.KindBIC) {
			t.Errorf("%q names no one person and must not be matched", k)
		}
	}
	tok := NewTokenizer(make([]byte, 32))
	for kind, forms := range map[identifier.Kind][]string{
		identifier.KindIBAN:    {"GB82 WEST 1234 5698 7654 32", "gb82west12345698765432", "GB82WEST12345698765432"},
		identifier.KindPayPal:  {"paypal.me/AlexExample", "https://www.paypal.com/paypalme/alexexample", "AlexExample"},
		identifier.KindCashApp: {"$AlexPays", "alexpays", "https://cash.app/$alexpays"},
		identifier.KindRevolut: {"@alex_ex", "revolut.me/Alex_Ex"},
		identifier.KindVenmo:   {"@Alex-Example", "venmo.com/u/alex-example"},
	} {
		var first Token
		for i, f := range forms {
			n, err := identifier.Normalize(kind, f, identifier.NormalizeOptions{})
			if err != nil {
				t.Errorf("%s %q: %v", kind, f, err)
				continue
			}
			tk := tok.Token(identifier.Key(kind, n))
			if i == 0 {
				first = tk
			} else if tk != first {
				t.Errorf("%s %q gives another token than %q (key %s)", kind, f, forms[0], identifier.Key(kind, n))
			}
		}
	}
}
