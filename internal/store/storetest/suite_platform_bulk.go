package storetest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/store"
)

// testPlatformBulk: the bulk writer stores what the row-at-a-time calls
// do: users named by other rows before the users table, fields a later
// row leaves empty kept, identifier times widened within and across
// batches, activity once per ref with its users resolved (sender and
// recipient), across statements and automatic flushes; a rerun stores
// nothing twice.
func testPlatformBulk(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-bulk")
	p := store.Platform{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}
	const users = 700
	load := func() {
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.UpsertPlatform(ctx, &p); err != nil {
				return err
			}
			b, err := tx.PlatformBulk(ctx, p.ID)
			if err != nil {
				return err
			}
			// Logins and messages first, as mysqldump orders tables.
			for i := 1; i <= users; i++ {
				ext := fmt.Sprint(i)
				for _, at := range []string{"2024-03-02T00:00:00Z", "2024-01-02T00:00:00Z", ""} {
					if err := b.Identifier(ctx, ext, fmt.Sprintf("ipv4:192.0.2.%d", i%200+1), rfc3339(t, at)); err != nil {
						return err
					}
				}
				a := store.PlatformActivity{Ref: fmt.Sprintf("messages id=%d", i), Kind: "message", At: "2024-01-05T00:00:00Z"}
				if err := b.Activity(ctx, ext, fmt.Sprint(i%users+1), a); err != nil {
					return err
				}
				if i == 5 {
					if err := b.Flush(ctx); err != nil {
						return err
					}
				}
			}
			for i := 1; i <= users; i++ {
				u := store.PlatformUser{ExtID: fmt.Sprint(i), Username: fmt.Sprintf("user%d", i), Role: "member"}
				if i == 1 {
					u.Role = "admin"
				}
				if err := b.User(ctx, u); err != nil {
					return err
				}
				if err := b.User(ctx, store.PlatformUser{ExtID: fmt.Sprint(i), Country: "NL"}); err != nil { // the same user again, other fields
					return err
				}
				if err := b.Identifier(ctx, fmt.Sprint(i), fmt.Sprintf("ipv4:192.0.2.%d", i%200+1), rfc3339(t, "2024-04-01T00:00:00Z")); err != nil {
					return err
				}
			}
			id, err := b.UserID(ctx, "9999") // a payer the users table lacks
			if err != nil || id == 0 {
				return fmt.Errorf("UserID = %d, %v", id, err)
			}
			return b.Close(ctx)
		})
	}
	load()
	load()
	us, err := db.PlatformUsers(ctx, p.ID)
	if err != nil || len(us) != users+1 {
		t.Fatalf("PlatformUsers = %d, %v", len(us), err)
	}
	byExt := map[string]store.PlatformUser{}
	for _, u := range us {
		byExt[u.ExtID] = u
	}
	if u := byExt["1"]; u.Username != "user1" || u.Role != "admin" || u.Country != "NL" {
		t.Errorf("user 1 = %+v", u)
	}
	if n, err := db.PlatformUserCount(ctx, p.ID); err != nil || n != users+1 {
		t.Errorf("PlatformUserCount = %d, %v", n, err)
	}
	ids, err := db.PlatformIdentifiers(ctx, p.ID)
	if err != nil || len(ids) != users {
		t.Fatalf("PlatformIdentifiers = %d, %v", len(ids), err)
	}
	for _, i := range ids {
		if i.FirstSeen != "2024-01-02T00:00:00Z" || i.LastSeen != "2024-04-01T00:00:00Z" {
			t.Fatalf("identifier %+v: want first 2024-01-02, last 2024-04-01", i)
		}
	}
	acts, err := db.PlatformActivityOf(ctx, p.ID, "message")
	if err != nil || len(acts) != users {
		t.Fatalf("PlatformActivityOf = %d, %v", len(acts), err)
	}
	for _, a := range acts {
		if a.Ref == "messages id=3" && (a.UserID != byExt["3"].ID || a.OtherID != byExt["4"].ID) {
			t.Errorf("message 3 = %+v, want from %d to %d", a, byExt["3"].ID, byExt["4"].ID)
		}
	}
}

// testPlatformBulkUserIDs: each row names the user it was queued for,
// whether the users of a statement are all new, all stored or some of
// each, and while another platform's users take row ids in between.
func testPlatformBulkUserIDs(t *testing.T, db *store.DB) {
	c := mustCase(t, db, "op-bulk-ids")
	ps := []store.Platform{{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}, {CaseID: c.ID, Name: "examplechat", CreatedAt: "2024-02-01T00:00:00Z"}}
	const users = 3000 // three statements of users and more
	load := func(p *store.Platform, from, to int, stored []int) {
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.UpsertPlatform(ctx, p); err != nil {
				return err
			}
			b, err := tx.PlatformBulk(ctx, p.ID)
			if err != nil {
				return err
			}
			for _, i := range stored { // stored before the users table: ext id only
				if _, err := b.UserID(ctx, fmt.Sprint(i)); err != nil {
					return err
				}
			}
			for i := from; i <= to; i++ {
				ext := fmt.Sprint(i)
				u := store.PlatformUser{ExtID: ext, Username: p.Name + ext}
				if i%7 == 0 { // fields only some users of a statement have
					u.DisplayName, u.Created = "Example "+ext, "2024-01-02T00:00:00Z"
				}
				if err := b.User(ctx, u); err != nil {
					return err
				}
				if err := b.Identifier(ctx, ext, "email:"+p.Name+ext+"@example.org", time.Time{}); err != nil {
					return err
				}
				if i%1000 == 1 { // a second identifier of another kind
					if err := b.Identifier(ctx, ext, fmt.Sprintf("eth:0x%040x", i), time.Time{}); err != nil {
						return err
					}
				}
			}
			return b.Close(ctx)
		})
	}
	load(&ps[0], 1, 1000, nil)               // all new
	load(&ps[1], 1, 500, nil)                // another platform's, after them
	load(&ps[0], 900, users, []int{1500})    // stored, new, and one stored in the middle of a statement
	load(&ps[1], 400, users, []int{2999, 7}) // the same, the other platform
	for _, p := range ps {
		us, err := db.PlatformUsers(context.Background(), p.ID)
		if err != nil || len(us) != users {
			t.Fatalf("%s: PlatformUsers = %d, %v", p.Name, len(us), err)
		}
		ext := map[int64]store.PlatformUser{}
		for _, u := range us {
			ext[u.ID] = u
			want := store.PlatformUser{ID: u.ID, PlatformID: p.ID, ExtID: u.ExtID, Username: p.Name + u.ExtID}
			if n, _ := strconv.Atoi(u.ExtID); n%7 == 0 {
				want.DisplayName, want.Created = "Example "+u.ExtID, "2024-01-02T00:00:00Z"
			}
			if u != want {
				t.Fatalf("%s: user %+v, want %+v", p.Name, u, want)
			}
		}
		ids, err := db.PlatformIdentifiers(context.Background(), p.ID)
		if err != nil || len(ids) != users+3 {
			t.Fatalf("%s: PlatformIdentifiers = %d, %v", p.Name, len(ids), err)
		}
		for _, i := range ids {
			u, ok := ext[i.UserID]
			want, kind := "email:"+p.Name+u.ExtID+"@example.org", "email"
			if strings.HasPrefix(i.Key, "eth:") {
				n, _ := strconv.Atoi(u.ExtID)
				want, kind = fmt.Sprintf("eth:0x%040x", n), "eth"
			}
			if !ok || i.Key != want || i.Kind != kind {
				t.Fatalf("%s: identifier %s (%s) names user %d (%+v), want %s (%s)", p.Name, i.Key, i.Kind, i.UserID, u, want, kind)
			}
		}
	}
}
