package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/store"
)

// testPlatformSharedLinks: the identifiers two platform users of a case
// share (on two seized platforms, or one) are listed for both, of the
// kinds asked for only; another case's users never count.
func testPlatformSharedLinks(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-two-platforms")
	other := mustCase(t, db, "op-elsewhere")
	users := map[string]int64{}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, pl := range []struct {
			caseID     int64
			name, user string
			keys       []string
		}{
			{c.ID, "alphavid", "anna", []string{"email:shared@example.org", "ipv4:192.0.2.7"}},
			{c.ID, "alphavid", "carl", []string{"email:carl@example.org"}},
			{c.ID, "betavid", "anna_b", []string{"email:shared@example.org", "ipv4:192.0.2.7", "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}},
			{c.ID, "betavid", "bert", []string{"btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}},
			{other.ID, "gammavid", "carl_elsewhere", []string{"email:carl@example.org"}},
		} {
			p := store.Platform{CaseID: pl.caseID, Name: pl.name, MappingSHA256: "aa", CreatedAt: "2024-02-01T00:00:00Z"}
			if err := tx.UpsertPlatform(ctx, &p); err != nil {
				return err
			}
			id, err := tx.UpsertPlatformUser(ctx, store.PlatformUser{PlatformID: p.ID, ExtID: pl.user, Username: pl.user})
			if err != nil {
				return err
			}
			users[pl.user] = id
			for _, k := range pl.keys {
				if err := tx.AddPlatformIdentifier(ctx, id, k, time.Time{}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	links, err := db.PlatformSharedLinks(ctx, c.ID, []string{"btc", "email"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, l := range links {
		if l.SubjectType != "platform_user" {
			t.Errorf("link %+v", l)
		}
		got[l.Source+" "+l.Key] = true
	}
	for _, want := range []string{"alphavid user anna email:shared@example.org", "betavid user anna_b email:shared@example.org",
		"betavid user anna_b btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "betavid user bert btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"} {
		if !got[want] {
			t.Errorf("shared links lack %q: %v", want, got)
		}
	}
	if len(links) != 4 {
		t.Errorf("shared links = %v, want 4 (no IP, no other case's user)", got)
	}
	if none, err := db.PlatformSharedLinks(ctx, c.ID, nil); err != nil || len(none) != 0 {
		t.Errorf("no kinds: %+v, %v", none, err)
	}
}
