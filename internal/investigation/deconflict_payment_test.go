package investigation_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestDeconflictionPaymentIdentifiers: two agencies' chats name the same
// bank account and the same payment handles, written differently (spaces
// in the IBAN, a PayPal.me link in another case, a cashtag after "Cash
// App"); both sides are told, on the normalised keys, and a card's last
// four digits raise nothing.
func TestDeconflictionPaymentIdentifiers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		for _, a := range [][2]string{{"NL-POL", "NL"}, {"BE-FCCU", "BE"}} {
			if _, err := s.AddAgency(ctx, a[0], a[1]); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []investigation.Case{{Name: "nl-case", Agency: "NL-POL"}, {Name: "be-case", Agency: "BE-FCCU"}} {
			if _, err := s.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		chat := func(name string, lines ...string) string {
			p := filepath.Join(dir, "WhatsApp Chat with "+name+".txt")
			text := ""
			for _, l := range lines {
				text += l + "\n"
			}
			if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		nl := chat("Seller NL",
			"3/1/24, 10:00 AM - +1 202-555-0181: IBAN GB82 WEST 1234 5698 7654 32 or paypal.me/AlexExample",
			"3/1/24, 10:01 AM - +1 202-555-0181: Cash App $alexpays, card 4111 1111 1111 1111")
		be := chat("Seller BE",
			"3/2/24, 11:00 AM - +1 202-555-0182: pay to GB82WEST12345698765432",
			"3/2/24, 11:01 AM - +1 202-555-0182: https://www.paypal.com/paypalme/alexexample or cash app $AlexPays",
			"3/2/24, 11:02 AM - +1 202-555-0182: my Visa 4000 0000 0000 1111 ends like theirs")
		if _, err := s.ImportChat(as(nlInv), "nl-case", nl, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportChat(as(beInv), "be-case", be, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		ns, err := s.Notices(as(nlInv), "nl-case", false)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, n := range ns {
			if n.Agency != "BE-FCCU" {
				t.Errorf("notice from %s", n.Agency)
			}
			keys = append(keys, n.Keys...)
		}
		slices.Sort(keys)
		want := []string{"cashapp:alexpays", "iban:GB82WEST12345698765432", "paypal:alexexample"}
		if !slices.Equal(keys, want) {
			t.Fatalf("nl-case is told about %q, want %q", keys, want)
		}
		if be, err := s.Notices(as(beInv), "be-case", false); err != nil || len(be) != len(ns) {
			t.Fatalf("be-case notices: %d, %v; want %d", len(be), err, len(ns))
		}
	})
}
