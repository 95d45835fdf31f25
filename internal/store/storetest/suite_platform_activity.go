package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// activityFixture is a platform's activity as the importer hands it to
// the store, by users' ext ids: every field a row can carry, every file
// status (a bank's three, none, and another text), times in the
// importer's form, in another RFC 3339 form and missing, hashes in
// lowercase hex and not.
type activityFixture struct {
	ext, other string
	table      string
	a          store.PlatformActivity
}

func activityFixtures() []activityFixture {
	sha := strings.Repeat("ab", 32)
	return []activityFixture{
		{"anna", "", "uploads", store.PlatformActivity{Ref: "uploads 1", Kind: "upload", At: "2024-03-02T10:00:00Z", SHA256: sha, MD5: strings.Repeat("cd", 16), Name: "holiday.jpg", Size: 2048, Status: "unknown"}},
		{"anna", "", "uploads", store.PlatformActivity{Ref: "uploads 2", Kind: "upload", At: "2024-03-05T10:00:00Z", SHA1: strings.Repeat("0f", 20), Name: "clip.mp4", Size: -1, Status: "matched", Matched: "example-bank: A1 / (no series)"}},
		{"anna", "", "uploads", store.PlatformActivity{Ref: "uploads 3", Kind: "upload", SHA256: "NOT-HEX", Status: "ignorable"}},
		{"bert", "", "uploads", store.PlatformActivity{Ref: "uploads 4", Kind: "upload", At: "2024-03-01T10:00:00+02:00", MD5: strings.Repeat("AB", 16), Status: "unknown"}},
		{"bert", "", "views", store.PlatformActivity{Ref: "views 1", Kind: "view", At: "2024-03-06T00:00:00Z", UploadRef: "1"}},
		{"bert", "", "views", store.PlatformActivity{Ref: "views 2", Kind: "view", UploadRef: "2"}},
		{"anna", "bert", "messages", store.PlatformActivity{Ref: "messages line 40 offset 9000", Kind: "message", At: "2024-03-07T08:30:00Z"}},
		{"carl", "", "payments", store.PlatformActivity{Ref: "payments 7", Kind: "payment", At: "2024-03-03T11:00:00Z", Address: "eth:0x00000000000000000000000000000000000000aa", Amount: "0.010000", TxID: "0x" + strings.Repeat("ef", 32), Status: "paid"}},
		{"carl", "", "deposits", store.PlatformActivity{Ref: "deposits 3", Kind: "deposit_address", Address: "eth:0x00000000000000000000000000000000000000aa"}},
	}
}

// bulkActivity stores the fixtures with the bulk writer, each with its
// dump row (a source per table; offsets and lines from the fixture's
// place) unless rows is set; change edits a fixture first.
func bulkActivity(t *testing.T, db *store.DB, p *store.Platform, rows bool, change func(i int, a *store.PlatformActivity)) {
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.UpsertPlatform(ctx, p); err != nil {
			return err
		}
		b, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		for i, f := range activityFixtures() {
			a := f.a
			if !rows {
				if a.SourceID, _, err = tx.PlatformSourceOf(ctx, p.ID, "/dumps/examplevid.sql", f.table); err != nil {
					return err
				}
				a.Offset, a.Line = int64(1000*(i+1)), int64(10*(i+1))
			}
			if change != nil {
				change(i, &a)
			}
			if err := b.Activity(ctx, f.ext, f.other, a); err != nil {
				return err
			}
		}
		if err := b.Pack(ctx); err != nil {
			return err
		}
		return b.Close(ctx)
	})
}

// activityByExt is a platform's activity with users named by ext id and
// neither the platform nor the dump row, to compare two platforms.
func activityByExt(t *testing.T, db *store.DB, platformID int64) (acts []string, counts []string) {
	t.Helper()
	ctx := context.Background()
	users, err := db.PlatformUsers(ctx, platformID)
	if err != nil {
		t.Fatal(err)
	}
	ext := map[int64]string{0: ""}
	for _, u := range users {
		ext[u.ID] = u.ExtID
	}
	got, err := db.PlatformActivityOf(ctx, platformID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		user, other := ext[a.UserID], ext[a.OtherID]
		a.PlatformID, a.UserID, a.OtherID, a.SourceID, a.Offset, a.Line = 0, 0, 0, 0, 0, 0
		acts = append(acts, fmt.Sprintf("%s->%s %+v", user, other, a))
	}
	cs, err := db.PlatformActivityCounts(ctx, platformID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		counts = append(counts, fmt.Sprintf("%s %s/%s %d", ext[c.UserID], c.Kind, c.Status, c.Count))
	}
	slices.Sort(counts) // ext ids, not row ids
	return acts, counts
}

// testPlatformActivityPacks: activity the bulk writer packs (rows with a
// source) reads back through every reader as the same activity stored
// row by row does, with its dump row; a rerun of a source replaces its
// packs (a changed bank match shows, nothing is stored twice); counts
// are read from the packs' columns, the newest time per user and kind.
func testPlatformActivityPacks(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-activity-packs")
	byRow := store.Platform{CaseID: c.ID, Name: "examplevid-rows", CreatedAt: "2024-02-01T00:00:00Z"}
	packed := store.Platform{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}
	bulkActivity(t, db, &byRow, true, nil)
	bulkActivity(t, db, &packed, false, nil)
	wantActs, wantCounts := activityByExt(t, db, byRow.ID)
	if len(wantActs) != len(activityFixtures()) {
		t.Fatalf("%d rows stored one by one, want %d", len(wantActs), len(activityFixtures()))
	}
	gotActs, gotCounts := activityByExt(t, db, packed.ID)
	if strings.Join(gotActs, "\n") != strings.Join(wantActs, "\n") {
		t.Errorf("packed activity:\n%s\nwant (rows):\n%s", strings.Join(gotActs, "\n"), strings.Join(wantActs, "\n"))
	}
	if strings.Join(gotCounts, "\n") != strings.Join(wantCounts, "\n") {
		t.Errorf("packed counts:\n%s\nwant (rows):\n%s", strings.Join(gotCounts, "\n"), strings.Join(wantCounts, "\n"))
	}
	var n, rows int
	if err := db.SQL().QueryRowContext(ctx, rebind(db, "SELECT COUNT(*) FROM platform_activity_packs p JOIN platform_sources s ON s.id = p.source_id WHERE s.platform_id = ?"), packed.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRowContext(ctx, rebind(db, "SELECT COUNT(*) FROM platform_activity WHERE platform_id = ?"), packed.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if n != 6 || rows != 0 { // anna's uploads and messages, bert's uploads and views, carl's payments and deposits
		t.Errorf("%d packs and %d rows, want one pack per source, user and kind (6) and no row", n, rows)
	}

	// The dump row behind each row.
	acts, err := db.PlatformActivityOf(ctx, packed.ID, "upload", "message")
	if err != nil || len(acts) != 5 {
		t.Fatalf("uploads and messages = %d, %v", len(acts), err)
	}
	for _, a := range acts {
		i := slices.IndexFunc(activityFixtures(), func(f activityFixture) bool { return f.a.Ref == a.Ref })
		if a.SourceID == 0 || a.Offset != int64(1000*(i+1)) || a.Line != int64(10*(i+1)) || a.PlatformID != packed.ID {
			t.Errorf("%s: source %d offset %d line %d platform %d", a.Ref, a.SourceID, a.Offset, a.Line, a.PlatformID)
		}
	}

	// Counts: the newest time of a user's rows of a kind.
	counts, err := db.PlatformActivityCounts(ctx, packed.ID)
	if err != nil {
		t.Fatal(err)
	}
	anna := acts[0].UserID
	for _, c := range counts {
		if c.UserID == anna && c.Kind == "upload" && c.Last != "2024-03-05T10:00:00Z" {
			t.Errorf("anna's uploads (%s) last %q, want 2024-03-05T10:00:00Z", c.Status, c.Last)
		}
	}
	sum, err := db.PlatformUserSummaryOf(ctx, c.ID, anna)
	if err != nil || sum.Counts["upload"] != 3 || sum.Counts["upload/matched"] != 1 || sum.Counts["upload/unknown"] != 1 ||
		sum.Counts["upload/ignorable"] != 1 || sum.Counts["message"] != 1 || sum.Last != "2024-03-07T08:30:00Z" {
		t.Errorf("anna's summary = %+v, %v", sum, err)
	}

	// A rerun after a bank learnt upload 1 replaces the packs.
	learnt := func(i int, a *store.PlatformActivity) {
		if a.Ref == "uploads 1" {
			a.Status, a.Matched = "matched", "example-bank: A2 / (no series)"
		}
	}
	bulkActivity(t, db, &packed, false, learnt)
	bulkActivity(t, db, &byRow, true, learnt)
	wantActs, wantCounts = activityByExt(t, db, byRow.ID)
	gotActs, gotCounts = activityByExt(t, db, packed.ID)
	if strings.Join(gotActs, "\n") != strings.Join(wantActs, "\n") || strings.Join(gotCounts, "\n") != strings.Join(wantCounts, "\n") {
		t.Errorf("after a rerun, packed:\n%s\n%s\nwant (rows):\n%s\n%s", strings.Join(gotActs, "\n"), strings.Join(gotCounts, "\n"),
			strings.Join(wantActs, "\n"), strings.Join(wantCounts, "\n"))
	}
	if !slices.Contains(gotCounts, "anna upload/matched 2") || len(gotActs) != len(activityFixtures()) {
		t.Errorf("after a rerun: %d rows, counts %v; want upload 1 matched and nothing twice", len(gotActs), gotCounts)
	}
}
