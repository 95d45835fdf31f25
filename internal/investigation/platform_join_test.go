package investigation_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// writeUsersDump writes a platform's users as a CSV dump with its mapping.
func writeUsersDump(t *testing.T, platform, rows string) (dumpPath, mapPath string) {
	t.Helper()
	dir := t.TempDir()
	dumpPath = filepath.Join(dir, "users.csv")
	if err := os.WriteFile(dumpPath, []byte("id,username,email,wallet\n"+rows), 0o600); err != nil {
		t.Fatal(err)
	}
	mapPath = filepath.Join(dir, "map.yaml")
	m := "mapping_version: 1\nplatform: " + platform + "\ntables:\n  users:\n    entity: user\n    properties:\n      id: {column: id}\n      username: {column: username}\n      email: {column: email}\n      wallet: {column: wallet}\n"
	if err := os.WriteFile(mapPath, []byte(m), 0o600); err != nil {
		t.Fatal(err)
	}
	return dumpPath, mapPath
}

// TestTwoPlatformsJoined: two seized platforms in one case whose users
// share an e-mail address and a wallet are one person each, joined to a
// chat member who posted the address; a wallet on the operator's
// exchange list places its holder in the exchange's country, on the
// suspects list and the platform users list.
func TestTwoPlatformsJoined(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		const wallet = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
		book, err := identifier.ReadExchangeBook("exchanges.csv", strings.NewReader("chain,address,exchange,country\nbtc,"+wallet+",Example Exchange,DE\n"))
		if err != nil {
			t.Fatal(err)
		}
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()), investigation.WithExchanges(book))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-two"}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct{ name, rows string }{
			{"alphavid", "1,anna_a,shared@example.org,\n2,bob_a,bob@example.org," + wallet + "\n3,carl_a,carl@example.org,\n"},
			{"betavid", "10,anna_b,Shared@Example.org,\n11,bob_b,bob.b@example.org," + wallet + "\n"},
		} {
			d, m := writeUsersDump(t, p.name, p.rows)
			rep, err := s.ImportPlatform(ctx, "op-two", investigation.PlatformImportOptions{Name: p.name, Mapping: m, Dumps: []string{d}})
			if err != nil || rep.Incomplete() {
				t.Fatalf("import %s: %+v, %v", p.name, rep, err)
			}
		}
		chat := writeWhatsAppChat(t, "Side Group", "1/15/24, 9:05 AM - +1 202 555 0191: write me at shared@example.org")
		if _, err := s.ImportChat(ctx, "op-two", chat, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		people, err := s.People(ctx, "op-two")
		if err != nil {
			t.Fatal(err)
		}
		find := func(key string) *investigation.Person {
			for i, p := range people {
				if slices.Contains(p.Identifiers, key) {
					return &people[i]
				}
			}
			t.Fatalf("no person carries %s", key)
			return nil
		}
		anna := find("email:shared@example.org")
		if !slices.Contains(anna.Conversations, "platform: alphavid") || !slices.Contains(anna.Conversations, "platform: betavid") ||
			!slices.Contains(anna.Identifiers, "phone:+12025550191") {
			t.Errorf("anna is not joined across both platforms and the chat: %+v", anna)
		}
		bob := find("btc:" + wallet)
		links := ""
		for _, l := range bob.Links {
			links += l.String() + "\n"
		}
		if !slices.Contains(bob.Conversations, "platform: alphavid") || !slices.Contains(bob.Conversations, "platform: betavid") ||
			!strings.Contains(links, "bob_a on alphavid") && !strings.Contains(links, "alphavid user bob_a") {
			t.Errorf("bob is not joined across both platforms by the wallet: %+v\n%s", bob, links)
		}
		if len(bob.Countries) == 0 || bob.Countries[0].Country != "DE" || !strings.Contains(bob.Countries[0].Evidence[0].Reason, "Example Exchange") {
			t.Errorf("bob's countries: %+v", bob.Countries)
		}
		for _, p := range people {
			if slices.Contains(p.Identifiers, "email:carl@example.org") {
				t.Errorf("carl shares nothing with another source, yet is joined: %+v", p)
			}
		}
		users, err := s.PlatformUsers(ctx, "op-two", investigation.PlatformUsersOptions{Country: "DE"})
		if err != nil || len(users.Users) != 2 {
			t.Fatalf("users placed in DE: %+v, %v", users.Users, err)
		}
		for _, u := range users.Users {
			if !strings.Contains(u.Countries[0].Evidence[0].Reason, "exchange Example Exchange") {
				t.Errorf("%s: %+v", u.Username, u.Countries)
			}
		}
	})
}

// TestPlatformPaymentPayee: a payment table that names the user paid
// (payee) records a payment between two platform users, the payee that
// user; one without records the address paid to. The payment's activity
// row names the payee as its other user.
func TestPlatformPaymentPayee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		s := investigation.New(db, "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-tips"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		files := map[string]string{
			"users.csv":    "id,username\n1,anna_t\n2,bob_t\n",
			"payments.csv": "id,user,payee,amount,currency,address\n7,1,2,25.00,EUR,\n8,2,,0.5,,0x52908400098527886E0F7030069857D2E4169EE7\n",
			"map.yaml": "mapping_version: 1\nplatform: tipvid\ntables:\n  users:\n    entity: user\n    properties: {id: id, username: username}\n" +
				"  payments:\n    entity: payment\n    properties: {user: user, payee: payee, amount: amount, currency: currency, address: address, chain: {literal: ETH}}\n",
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := s.ImportPlatform(ctx, "op-tips", investigation.PlatformImportOptions{Mapping: filepath.Join(dir, "map.yaml"),
			Dumps: []string{filepath.Join(dir, "users.csv"), filepath.Join(dir, "payments.csv")}})
		if err != nil || rep.Records["payment"] != 2 {
			t.Fatalf("import %+v, %v", rep, err)
		}
		pays, err := s.Payments(ctx, "op-tips")
		if err != nil || len(pays) != 2 {
			t.Fatalf("payments %+v, %v", pays, err)
		}
		slices.SortFunc(pays, func(a, b investigation.PaymentView) int { return strings.Compare(a.SourceRef, b.SourceRef) })
		if p := pays[0]; p.Payer.Name != "tipvid user 1" || p.Payee.Name != "tipvid user 2" || p.Payee.Identifier != "" || p.Amount != "25.00" || p.Currency != "EUR" {
			t.Errorf("payment between users: %+v", p)
		}
		if p := pays[1]; p.Payer.Name != "tipvid user 2" || p.Payee.Name != "tipvid deposit address" || !strings.HasPrefix(p.Payee.Identifier, "eth:0x") {
			t.Errorf("payment to an address: %+v", p)
		}
		var pid int64
		if err := db.SQL().QueryRowContext(ctx, "SELECT id FROM platforms WHERE name = 'tipvid'").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		users, err := db.PlatformUsers(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		ext := map[int64]string{}
		for _, u := range users {
			ext[u.ID] = u.ExtID
		}
		acts, err := db.PlatformActivityOf(ctx, pid, "payment")
		if err != nil || len(acts) != 2 {
			t.Fatalf("payment rows %+v, %v", acts, err)
		}
		for _, a := range acts {
			if want := map[int64]string{2: "2", 3: ""}[a.Line]; ext[a.OtherID] != want || a.Line < 2 || a.Line > 3 {
				t.Errorf("payment row %s: other user %q, want %q", a.Ref, ext[a.OtherID], want)
			}
		}
	})
}
