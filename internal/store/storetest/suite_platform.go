package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/store"
)

// testPlatforms: a platform is one per case and name; users are stored
// once per platform id and keep fields a later row leaves empty;
// identifiers widen their first and last times; activity and errors are
// stored once (a rerun refreshes only a file's bank match); platform users
// link to the case's people only through identifiers other sources carry.
func testPlatforms(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-platform")
	p := store.Platform{CaseID: c.ID, Name: "examplevid", MappingSHA256: "aa", CreatedAt: "2024-02-01T00:00:00Z"}
	var alice, bob int64
	load := func() {
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.UpsertPlatform(ctx, &p); err != nil {
				return err
			}
			var err error
			if alice, err = tx.UpsertPlatformUser(ctx, store.PlatformUser{PlatformID: p.ID, ExtID: "1"}); err != nil { // a login before the users table
				return err
			}
			if _, err = tx.UpsertPlatformUser(ctx, store.PlatformUser{PlatformID: p.ID, ExtID: "1", Username: "alice", Role: "admin"}); err != nil {
				return err
			}
			if bob, err = tx.UpsertPlatformUser(ctx, store.PlatformUser{PlatformID: p.ID, ExtID: "2", Username: "bob"}); err != nil {
				return err
			}
			for _, at := range []string{"2024-03-02T00:00:00Z", "2024-01-02T00:00:00Z", "", "2024-02-02T00:00:00Z"} {
				if err := tx.AddPlatformIdentifier(ctx, alice, "ipv4:192.0.2.1", rfc3339(t, at)); err != nil {
					return err
				}
			}
			if err := tx.AddPlatformIdentifier(ctx, alice, "email:alice@example.org", time.Time{}); err != nil {
				return err
			}
			if err := tx.AddPlatformIdentifier(ctx, bob, "email:bob@example.org", time.Time{}); err != nil {
				return err
			}
			for _, a := range []store.PlatformActivity{
				{PlatformID: p.ID, Ref: "uploads id=1", Kind: "upload", UserID: alice, At: "2024-01-03T00:00:00Z", SHA256: "ab", Status: "unknown"},
				{PlatformID: p.ID, Ref: "uploads id=2", Kind: "upload", UserID: alice, At: "2024-01-04T00:00:00Z", MD5: "cd", Status: "matched", Matched: "bank"},
				{PlatformID: p.ID, Ref: "messages line 9", Kind: "message", UserID: bob, OtherID: alice},
			} {
				if err := tx.UpsertPlatformActivity(ctx, a); err != nil {
					return err
				}
			}
			for i := 0; i < 2; i++ {
				if err := tx.AddPlatformError(ctx, store.PlatformError{PlatformID: p.ID, File: "d.sql", Table: "users", Line: 4, Message: "bad", Skipped: true}); err != nil {
					return err
				}
			}
			return tx.AddPlatformError(ctx, store.PlatformError{PlatformID: p.ID, File: "d.sql", Table: "users", Line: 5, Column: "email", Message: "bad e-mail"})
		})
	}
	load()
	load() // a rerun stores nothing twice
	ps, err := db.Platforms(ctx, c.ID)
	if err != nil || len(ps) != 1 || ps[0].ID != p.ID {
		t.Fatalf("Platforms = %+v, %v", ps, err)
	}
	users, err := db.PlatformUsers(ctx, p.ID)
	if err != nil || len(users) != 2 || users[0].Username != "alice" || users[0].Role != "admin" || users[0].ID != alice {
		t.Fatalf("PlatformUsers = %+v, %v", users, err)
	}
	ids, err := db.PlatformIdentifiers(ctx, p.ID)
	if err != nil || len(ids) != 3 {
		t.Fatalf("PlatformIdentifiers = %+v, %v", ids, err)
	}
	if ip := ids[1]; ip.Key != "ipv4:192.0.2.1" || ip.FirstSeen != "2024-01-02T00:00:00Z" || ip.LastSeen != "2024-03-02T00:00:00Z" {
		t.Errorf("IP seen %+v, want first 2024-01-02 and last 2024-03-02", ip)
	}
	counts, err := db.PlatformActivityCounts(ctx, p.ID)
	if err != nil || len(counts) != 3 {
		t.Fatalf("PlatformActivityCounts = %+v, %v", counts, err)
	}
	acts, err := db.PlatformActivityOf(ctx, p.ID, "message")
	if err != nil || len(acts) != 1 || acts[0].OtherID != alice || acts[0].UserID != bob {
		t.Fatalf("PlatformActivityOf = %+v, %v", acts, err)
	}
	skipped, values, err := db.PlatformErrorCounts(ctx, p.ID)
	if err != nil || skipped != 1 || values != 1 {
		t.Fatalf("PlatformErrorCounts = %d, %d, %v", skipped, values, err)
	}
	links, err := db.PlatformLinks(ctx, c.ID)
	if err != nil || len(links) != 0 {
		t.Fatalf("PlatformLinks before any other source = %+v, %v", links, err)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.LinkIdentifier(ctx, c.ID, "email", "bob@example.org", "email:bob@example.org", "participant", 7, "profile", "bob@example.org")
	})
	links, err = db.PlatformLinks(ctx, c.ID)
	if err != nil || len(links) != 1 || links[0].SubjectType != "platform_user" || links[0].SubjectID != bob || links[0].Key != "email:bob@example.org" ||
		links[0].Source != "examplevid user bob" {
		t.Fatalf("PlatformLinks = %+v, %v", links, err)
	}
}

// rfc3339 reads an RFC 3339 time, "" the zero time (unknown).
func rfc3339(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
