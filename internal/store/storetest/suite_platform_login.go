package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/store"
)

// testPlatformLogins: logins written by the bulk writer read back as
// written (IP, time, user agent, source row), by time with unknown times
// first, of one user or all, within a limit; folding them records each
// user's IPs with the first and last login time, merged with the same IP
// from a user row, linked to the case's other sources and shared between
// users; a rerun past the stored offset adds only the new logins and
// widens the times.
func testPlatformLogins(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-logins")
	p := store.Platform{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}
	type login struct {
		user, ip, at, agent string
	}
	first := []login{
		{"anna", "192.0.2.7", "2024-03-02T10:00:00Z", "Mozilla/5.0"},
		{"anna", "2001:db8::1", "2024-03-01T09:00:00Z", ""},
		{"anna", "192.0.2.7", "2024-03-05T08:30:00Z", "Mozilla/5.0"},
		{"bert", "192.0.2.7", "", "curl/8.0"},
		{"bert", "", "2024-02-28T23:59:59Z", ""},
		{"carl", "198.51.100.9", "1969-12-31T23:59:00Z", ""},
	}
	var srcID int64
	load := func(logins []login, from int64) {
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.UpsertPlatform(ctx, &p); err != nil {
				return err
			}
			id, stored, err := tx.PlatformSourceOf(ctx, p.ID, "/dumps/examplevid.sql", "logins")
			if err != nil {
				return err
			}
			srcID = id
			b, err := tx.PlatformBulk(ctx, p.ID)
			if err != nil {
				return err
			}
			// anna's user row names the IP her logins show, later.
			if err := b.Identifier(ctx, "anna", "ipv4:192.0.2.7", rfc3339(t, "2024-03-10T00:00:00Z")); err != nil {
				return err
			}
			for i, l := range logins {
				off := from + int64(i)*100
				if off <= stored {
					continue
				}
				if err := b.Login(ctx, l.user, store.PlatformLogin{SourceID: id, Offset: off, Line: off/100 + 1, IP: l.ip, At: l.at, Agent: l.agent}); err != nil {
					return err
				}
			}
			if err := b.Pack(ctx); err != nil {
				return err
			}
			return b.Close(ctx)
		})
	}
	load(first, 0)
	logins, total, err := db.PlatformLogins(ctx, p.ID, 0, 100)
	if err != nil || total != 6 || len(logins) != 6 {
		t.Fatalf("PlatformLogins = %d of %d, %v", len(logins), total, err)
	}
	var got []string
	for _, l := range logins {
		if l.SourceID != srcID || l.File != "/dumps/examplevid.sql" || l.Table != "logins" || l.Line != l.Offset/100+1 {
			t.Errorf("login %+v: source row", l)
		}
		got = append(got, fmt.Sprintf("%s %s %s %s @%d", l.UserExt, l.IP, l.At, l.Agent, l.Offset))
	}
	want := []string{
		"bert 192.0.2.7  curl/8.0 @300",
		"carl 198.51.100.9 1969-12-31T23:59:00Z  @500",
		"bert  2024-02-28T23:59:59Z  @400",
		"anna 2001:db8::1 2024-03-01T09:00:00Z  @100",
		"anna 192.0.2.7 2024-03-02T10:00:00Z Mozilla/5.0 @0",
		"anna 192.0.2.7 2024-03-05T08:30:00Z Mozilla/5.0 @200",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("PlatformLogins =\n%q\nwant\n%q", got, want)
	}
	anna, err := db.PlatformUserByExt(ctx, p.ID, "anna")
	if err != nil {
		t.Fatal(err)
	}
	some, total, err := db.PlatformLogins(ctx, p.ID, anna.ID, 2)
	if err != nil || total != 3 || len(some) != 2 || some[0].At != "2024-03-01T09:00:00Z" || some[0].UserID != anna.ID {
		t.Errorf("PlatformLogins of anna, limit 2 = %+v of %d, %v", some, total, err)
	}
	stats := func() map[string]string {
		t.Helper()
		ss, err := db.PlatformLoginStats(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		users, err := db.PlatformUsers(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		ext := map[int64]string{}
		for _, u := range users {
			ext[u.ID] = u.ExtID
		}
		out := map[string]string{}
		for _, s := range ss {
			out[ext[s.UserID]] = fmt.Sprintf("%d %s %s", s.Count, s.First, s.Last)
		}
		return out
	}
	if s := stats(); s["anna"] != "3 2024-03-01T09:00:00Z 2024-03-05T08:30:00Z" || s["bert"] != "2 2024-02-28T23:59:59Z 2024-02-28T23:59:59Z" ||
		s["carl"] != "1 1969-12-31T23:59:00Z 1969-12-31T23:59:00Z" || len(s) != 3 {
		t.Errorf("PlatformLoginStats = %v", s)
	}
	idents := func() []string {
		t.Helper()
		is, err := db.PlatformIdentifiers(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		users, err := db.PlatformUsers(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		ext := map[int64]string{}
		for _, u := range users {
			ext[u.ID] = u.ExtID
		}
		var out []string
		for _, i := range is {
			out = append(out, fmt.Sprintf("%s %s %s %s..%s", ext[i.UserID], i.Kind, i.Key, i.FirstSeen, i.LastSeen))
		}
		return out
	}
	wantIdents := []string{
		"anna ipv4 ipv4:192.0.2.7 2024-03-02T10:00:00Z..2024-03-10T00:00:00Z",
		"anna ipv6 ipv6:2001:db8::1 2024-03-01T09:00:00Z..2024-03-01T09:00:00Z",
		"bert ipv4 ipv4:192.0.2.7 ..",
		"carl ipv4 ipv4:198.51.100.9 1969-12-31T23:59:00Z..1969-12-31T23:59:00Z",
	}
	if got := idents(); fmt.Sprint(got) != fmt.Sprint(wantIdents) {
		t.Errorf("PlatformIdentifiers =\n%q\nwant\n%q", got, wantIdents)
	}

	// A rerun of a longer dump: the stored logins are not stored again,
	// the new ones widen the times.
	load(append(first, login{"bert", "192.0.2.7", "2024-04-01T00:00:00Z", ""}, login{"anna", "2001:db8::1", "2024-02-01T00:00:00Z", ""}), 0)
	if _, total, err := db.PlatformLogins(ctx, p.ID, 0, 1); err != nil || total != 8 {
		t.Errorf("logins after a rerun = %d, %v; want 8", total, err)
	}
	wantIdents[1] = "anna ipv6 ipv6:2001:db8::1 2024-02-01T00:00:00Z..2024-03-01T09:00:00Z"
	wantIdents[2] = "bert ipv4 ipv4:192.0.2.7 2024-04-01T00:00:00Z..2024-04-01T00:00:00Z"
	if got := idents(); fmt.Sprint(got) != fmt.Sprint(wantIdents) {
		t.Errorf("PlatformIdentifiers after a rerun =\n%q\nwant\n%q", got, wantIdents)
	}
	if s := stats(); s["bert"] != "3 2024-02-28T23:59:59Z 2024-04-01T00:00:00Z" {
		t.Errorf("PlatformLoginStats after a rerun = %v", s)
	}
	// The keys alone, per user, are those of the identifiers.
	sameKeys(t, db, p.ID)

	// An IP only logins show links the user to the case's other sources,
	// and two users who logged in from one IP share it.
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.LinkIdentifier(ctx, c.ID, "ipv4", "198.51.100.9", "ipv4:198.51.100.9", "participant", 7, "profile", "198.51.100.9")
	})
	links, err := db.PlatformLinks(ctx, c.ID)
	if err != nil || len(links) != 1 || links[0].Key != "ipv4:198.51.100.9" || links[0].Source != "examplevid user #carl" || links[0].SubjectType != "platform_user" {
		t.Errorf("PlatformLinks = %+v, %v", links, err)
	}
	shared, err := db.PlatformSharedLinks(ctx, c.ID, []string{"ipv4", "ipv6"})
	got = got[:0]
	for _, l := range shared {
		got = append(got, l.Source+" "+l.Key)
	}
	if err != nil || fmt.Sprint(got) != fmt.Sprint([]string{"examplevid user #anna ipv4:192.0.2.7", "examplevid user #bert ipv4:192.0.2.7"}) {
		t.Errorf("PlatformSharedLinks = %q, %v", got, err)
	}
}

// testPlatformLoginsUpgrade: logins stored before version 32 (IP and
// time as text) read back the same after the upgrade, and their IPs are
// the users' identifiers; a rerun after version 34 adds packs past them,
// and every reader reads both.
func testPlatformLoginsUpgrade(t *testing.T, open Opener) {
	ctx := context.Background()
	old := open(t, 31)
	c := mustCase(t, old, "op-old-logins")
	var pid, uid int64
	err := old.InTx(ctx, func(tx *store.Tx) error {
		p := store.Platform{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}
		if err := tx.UpsertPlatform(ctx, &p); err != nil {
			return err
		}
		pid = p.ID
		var err error
		uid, err = tx.UpsertPlatformUser(ctx, store.PlatformUser{PlatformID: p.ID, ExtID: "anna"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO platform_sources (id, platform_id, file, tbl) VALUES (41, ?, '/dumps/old.sql', 'logins')",
		"INSERT INTO platform_agents (id, platform_id, agent) VALUES (5, ?, 'Mozilla/5.0')",
	} {
		if _, err := old.SQL().ExecContext(ctx, rebind(old, q), pid); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range [][]any{{0, uid, "192.0.2.7", "2024-03-02T10:00:00Z", 5}, {90, uid, "192.0.2.7", "", 0}, {180, uid, "", "2024-01-01T00:00:00Z", 0}} {
		if _, err := old.SQL().ExecContext(ctx, rebind(old, "INSERT INTO platform_logins (source_id, off, line, user_id, ip, at, agent_id) VALUES (41, ?, 1, ?, ?, ?, ?)"), l...); err != nil {
			t.Fatal(err)
		}
	}
	up, err := store.Open(ctx, old.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	logins, total, err := up.PlatformLogins(ctx, pid, uid, 10)
	var got []string
	for _, l := range logins {
		got = append(got, fmt.Sprintf("%d %s %s %s", l.Offset, l.IP, l.At, l.Agent))
	}
	if want := []string{"90 192.0.2.7  ", "180  2024-01-01T00:00:00Z ", "0 192.0.2.7 2024-03-02T10:00:00Z Mozilla/5.0"}; err != nil || total != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("logins after the upgrade = %q of %d, %v; want %q", got, total, err, want)
	}
	ids, err := up.PlatformIdentifiers(ctx, pid)
	if err != nil || len(ids) != 1 || ids[0].Key != "ipv4:192.0.2.7" || ids[0].FirstSeen != "2024-03-02T10:00:00Z" || ids[0].LastSeen != "2024-03-02T10:00:00Z" {
		t.Errorf("identifiers after the upgrade = %+v, %v", ids, err)
	}

	// A rerun of the grown dump after version 34 stores the new logins in
	// packs, past the rows' last offset, and readers read both.
	err = up.InTx(ctx, func(tx *store.Tx) error {
		src, stored, err := tx.PlatformSourceOf(ctx, pid, "/dumps/old.sql", "logins")
		if err != nil || src != 41 || stored != 180 {
			return fmt.Errorf("source after the upgrade = %d, stored to %d, %v; want 41, 180", src, stored, err)
		}
		b, err := tx.PlatformBulk(ctx, pid)
		if err != nil {
			return err
		}
		for _, l := range []struct {
			user string
			off  int64
			at   string
		}{{"anna", 0, "2030-01-01T00:00:00Z"}, {"anna", 270, "2024-04-01T00:00:00Z"}, {"bert", 360, "2024-05-01T00:00:00Z"}} {
			if l.off <= stored {
				continue
			}
			if err := b.Login(ctx, l.user, store.PlatformLogin{SourceID: src, Offset: l.off, Line: 2, IP: "192.0.2.7", At: l.at, Agent: "Mozilla/5.0"}); err != nil {
				return err
			}
		}
		if err := b.Pack(ctx); err != nil {
			return err
		}
		return b.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	logins, total, err = up.PlatformLogins(ctx, pid, uid, 10)
	got = got[:0]
	for _, l := range logins {
		got = append(got, fmt.Sprintf("%d %s %s %s", l.Offset, l.IP, l.At, l.Agent))
	}
	if want := []string{"90 192.0.2.7  ", "180  2024-01-01T00:00:00Z ", "0 192.0.2.7 2024-03-02T10:00:00Z Mozilla/5.0", "270 192.0.2.7 2024-04-01T00:00:00Z Mozilla/5.0"}; err != nil || total != 4 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("logins after a rerun = %q of %d, %v; want %q", got, total, err, want)
	}
	stats, err := up.PlatformLoginStats(ctx, pid)
	if err != nil || len(stats) != 2 || stats[0].UserID != uid || stats[0].Count != 4 || stats[0].First != "2024-01-01T00:00:00Z" || stats[0].Last != "2024-04-01T00:00:00Z" ||
		stats[1].Count != 1 || stats[1].First != "2024-05-01T00:00:00Z" {
		t.Errorf("login stats after a rerun = %+v, %v", stats, err)
	}
	sameKeys(t, up, pid)
	ids, err = up.PlatformIdentifiers(ctx, pid)
	if err != nil || len(ids) != 2 || ids[0].UserID != uid || ids[0].FirstSeen != "2024-03-02T10:00:00Z" || ids[0].LastSeen != "2024-04-01T00:00:00Z" || ids[1].FirstSeen != "2024-05-01T00:00:00Z" {
		t.Errorf("identifiers after a rerun = %+v, %v", ids, err)
	}
	shared, err := up.PlatformSharedLinks(ctx, c.ID, []string{"email", "ipv4"})
	got = got[:0]
	for _, l := range shared {
		got = append(got, l.Source+" "+l.Key)
	}
	if err != nil || fmt.Sprint(got) != fmt.Sprint([]string{"examplevid user #anna ipv4:192.0.2.7", "examplevid user #bert ipv4:192.0.2.7"}) {
		t.Errorf("shared IPs after a rerun = %q, %v", got, err)
	}
	err = up.InTx(ctx, func(tx *store.Tx) error {
		_, stored, err := tx.PlatformSourceOf(ctx, pid, "/dumps/old.sql", "logins")
		if err == nil && stored != 360 {
			err = fmt.Errorf("stored to %d after the rerun, want 360", stored)
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
}

// testPlatformActivityUpgrade: activity rows stored before version 33
// (when SQLite copies the table to drop the user's foreign key) read back
// the same after the upgrade, and a rerun still
// updates a row in place.
func testPlatformActivityUpgrade(t *testing.T, open Opener) {
	ctx := context.Background()
	old := open(t, 32)
	c := mustCase(t, old, "op-old-activity")
	var pid int64
	want := []store.PlatformActivity{
		{Ref: "uploads:1", Kind: "upload", At: "2024-03-02T10:00:00Z", SHA256: strings.Repeat("ab", 32), MD5: strings.Repeat("cd", 16), Name: "holiday.jpg", Size: 2048},
		{Ref: "payments:7", Kind: "payment", At: "2024-03-03T11:00:00Z", Address: "bc1qexampleaddress0000000000000000000000", Amount: "0.01 BTC", TxID: strings.Repeat("ef", 32), Status: "paid"},
		{Ref: "views:3", Kind: "view", UploadRef: "uploads:1"},
	}
	err := old.InTx(ctx, func(tx *store.Tx) error {
		p := store.Platform{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}
		if err := tx.UpsertPlatform(ctx, &p); err != nil {
			return err
		}
		pid = p.ID
		anna, err := tx.UpsertPlatformUser(ctx, store.PlatformUser{PlatformID: p.ID, ExtID: "anna"})
		if err != nil {
			return err
		}
		bert, err := tx.UpsertPlatformUser(ctx, store.PlatformUser{PlatformID: p.ID, ExtID: "bert"})
		if err != nil {
			return err
		}
		for i := range want {
			want[i].PlatformID, want[i].UserID = p.ID, anna
			if want[i].Kind == "view" {
				want[i].UserID = bert
			}
			if err := tx.UpsertPlatformActivity(ctx, want[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	up, err := store.Open(ctx, old.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	got, err := up.PlatformActivityOf(ctx, pid)
	slices.SortFunc(want, func(a, b store.PlatformActivity) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), strings.Compare(a.Ref, b.Ref))
	})
	if err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Fatalf("activity after the upgrade = %+v, %v; want %+v", got, err, want)
	}
	again := want[0]
	again.Matched = "bank:example"
	if err := up.InTx(ctx, func(tx *store.Tx) error { return tx.UpsertPlatformActivity(ctx, again) }); err != nil {
		t.Fatal(err)
	}
	if got, err := up.PlatformActivityOf(ctx, pid, want[0].Kind); err != nil || len(got) != 1 || got[0].Matched != "bank:example" {
		t.Errorf("rerun after the upgrade = %+v, %v", got, err)
	}
	// An import of the same dump after version 35, its rows now with a
	// source, keeps the platform's activity in rows (each once per ref):
	// it would otherwise store every row a second time, in a pack.
	err = up.InTx(ctx, func(tx *store.Tx) error {
		src, _, err := tx.PlatformSourceOf(ctx, pid, "/dumps/old.sql", "uploads")
		if err != nil {
			return err
		}
		b, err := tx.PlatformBulk(ctx, pid)
		if err != nil {
			return err
		}
		for i, a := range []store.PlatformActivity{
			{Ref: "uploads:1", Kind: "upload", Status: "matched", Matched: "bank:again"},
			{Ref: "uploads:2", Kind: "upload", At: "2024-03-04T10:00:00Z", Status: "unknown"},
		} {
			a.SourceID, a.Offset, a.Line = src, int64(100*i), int64(i+1)
			if err := b.Activity(ctx, "anna", "", a); err != nil {
				return err
			}
		}
		if err := b.Pack(ctx); err != nil {
			return err
		}
		return b.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err = up.PlatformActivityOf(ctx, pid, "upload")
	if err != nil || len(got) != 2 || got[0].Matched != "bank:again" || got[1].Ref != "uploads:2" || got[1].SourceID != 0 {
		t.Errorf("uploads after an import on version 35 = %+v, %v; want uploads:1 once (its match refreshed) and uploads:2, in rows", got, err)
	}
	counts, err := up.PlatformActivityCounts(ctx, pid)
	if err != nil || fmt.Sprint(counts) != fmt.Sprintf("[{%[1]d payment paid 1 2024-03-03T11:00:00Z} {%[1]d upload matched 1 2024-03-02T10:00:00Z} {%[1]d upload unknown 1 2024-03-04T10:00:00Z} {%[2]d view  1 }]",
		want[0].UserID, want[2].UserID) {
		t.Errorf("counts = %v, %v", counts, err)
	}
}

// sameKeys checks that PlatformUserKeys lists, per user, the keys of
// PlatformIdentifiers, in order.
func sameKeys(t *testing.T, db *store.DB, platformID int64) {
	t.Helper()
	ctx := context.Background()
	ids, err := db.PlatformIdentifiers(ctx, platformID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]string{}
	for _, i := range ids {
		want[i.UserID] = append(want[i.UserID], i.Key)
	}
	got, err := db.PlatformUserKeys(ctx, platformID)
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) || len(got) == 0 {
		t.Errorf("PlatformUserKeys = %v, %v; want %v", got, err, want)
	}
}

// testPlatformIdentifiersUpgrade: identifiers stored before version 36
// (SQLite: a rowid table, rebuilt without one) and 38 (times as text, a
// kind of their own) read back after the upgrade with the same times,
// and the kind their key names; a time not in the form imports wrote
// becomes unknown; storing one again still widens its times.
func testPlatformIdentifiersUpgrade(t *testing.T, open Opener) {
	ctx := context.Background()
	old := open(t, 35)
	c := mustCase(t, old, "op-old-identifiers")
	var pid int64
	uids := map[string]int64{}
	err := old.InTx(ctx, func(tx *store.Tx) error {
		p := store.Platform{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}
		if err := tx.UpsertPlatform(ctx, &p); err != nil {
			return err
		}
		pid = p.ID
		for _, ext := range []string{"anna", "bob"} {
			uid, err := tx.UpsertPlatformUser(ctx, store.PlatformUser{PlatformID: p.ID, ExtID: ext})
			if err != nil {
				return err
			}
			uids[ext] = uid
			for _, id := range [][4]string{
				{"email", "email:" + ext + "@example.org", "2024-01-05T00:00:00Z", "2024-03-02T10:00:00Z"},
				{"ipv4", "ipv4:192.0.2.7", "", ""},
				{"wallet", "eth:0x" + strings.Repeat("ab", 20), "+10000-01-01T00:00:00Z", "2024-03-02T10:00:00Z"},
			} {
				if _, err := tx.SQL().ExecContext(ctx, rebind(old, "INSERT INTO platform_identifiers (user_id, kind, key, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"),
					uid, id[0], id[1], id[2], id[3]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	up, err := store.Open(ctx, old.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	var want []store.PlatformIdentifier
	for _, ext := range []string{"anna", "bob"} {
		want = append(want,
			store.PlatformIdentifier{UserID: uids[ext], Kind: "email", Key: "email:" + ext + "@example.org", FirstSeen: "2024-01-05T00:00:00Z", LastSeen: "2024-03-02T10:00:00Z"},
			store.PlatformIdentifier{UserID: uids[ext], Kind: "eth", Key: "eth:0x" + strings.Repeat("ab", 20), LastSeen: "2024-03-02T10:00:00Z"},
			store.PlatformIdentifier{UserID: uids[ext], Kind: "ipv4", Key: "ipv4:192.0.2.7"})
	}
	after, err := up.PlatformIdentifiers(ctx, pid)
	if err != nil || fmt.Sprint(after) != fmt.Sprint(want) {
		t.Errorf("identifiers after the upgrade = %v, %v; want %v", after, err, want)
	}
	if up.Dialect() == store.SQLite {
		if _, err := up.SQL().ExecContext(ctx, "SELECT rowid FROM platform_identifiers"); err == nil {
			t.Error("platform_identifiers still has a rowid after the upgrade")
		}
	}
	if err := up.InTx(ctx, func(tx *store.Tx) error {
		for _, i := range []store.PlatformIdentifier{want[0], want[2]} {
			if err := tx.AddPlatformIdentifier(ctx, i.UserID, i.Key, rfc3339(t, "2024-01-01T00:00:00Z")); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want[0].FirstSeen = "2024-01-01T00:00:00Z"
	want[2].FirstSeen, want[2].LastSeen = "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"
	again, err := up.PlatformIdentifiers(ctx, pid)
	if err != nil || fmt.Sprint(again) != fmt.Sprint(want) {
		t.Errorf("after storing two again = %v, %v; want %v", again, err, want)
	}
	// A key that does not name its kind is refused.
	if err := up.InTx(ctx, func(tx *store.Tx) error { return tx.AddPlatformIdentifier(ctx, uids["anna"], "no-kind", time.Time{}) }); err == nil {
		t.Error("AddPlatformIdentifier stored a key without a kind")
	}
}

// testPlatformPacksUpgrade: login and activity packs stored before
// version 37 (with a foreign key on their source; SQLite rebuilds both
// tables without it) read back the same after the upgrade, the key is
// gone, and an import after it adds its packs beside them.
func testPlatformPacksUpgrade(t *testing.T, open Opener) {
	ctx := context.Background()
	old := open(t, 36)
	c := mustCase(t, old, "op-old-packs")
	var pid int64
	write := func(db *store.DB, file string, first int) {
		t.Helper()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if pid == 0 {
				p := store.Platform{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}
				if err := tx.UpsertPlatform(ctx, &p); err != nil {
					return err
				}
				pid = p.ID
			}
			logins, _, err := tx.PlatformSourceOf(ctx, pid, file, "logins")
			if err != nil {
				return err
			}
			uploads, _, err := tx.PlatformSourceOf(ctx, pid, file, "uploads")
			if err != nil {
				return err
			}
			b, err := tx.PlatformBulk(ctx, pid)
			if err != nil {
				return err
			}
			for i := first; i < first+6; i++ {
				user := []string{"anna", "bert"}[i%2]
				if err := b.Login(ctx, user, store.PlatformLogin{SourceID: logins, Offset: int64(40 * i), Line: int64(i + 1), IP: "192.0.2.7",
					Time: time.Date(2024, 3, 1, i, 0, 0, 0, time.UTC), Agent: "ExampleBrowser/1.0"}); err != nil {
					return err
				}
				if err := b.Activity(ctx, user, "", store.PlatformActivity{Ref: fmt.Sprintf("uploads:%d", i), Kind: "upload", SourceID: uploads,
					Offset: int64(40 * i), Line: int64(i + 1), Time: time.Date(2024, 3, 2, i, 0, 0, 0, time.UTC), SHA256: strings.Repeat(fmt.Sprintf("%02x", i), 32), Status: "unknown"}); err != nil {
					return err
				}
			}
			if err := b.Pack(ctx); err != nil {
				return err
			}
			return b.Close(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	read := func(db *store.DB) string {
		t.Helper()
		logins, total, err := db.PlatformLogins(ctx, pid, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		acts, err := db.PlatformActivityOf(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := db.PlatformActivityCounts(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%d %+v\n%+v\n%+v", total, logins, acts, counts)
	}
	write(old, "/dumps/old.sql", 0)
	before := read(old)
	if !strings.HasPrefix(before, "6 ") {
		t.Fatalf("before the upgrade: %s", before)
	}
	up, err := store.Open(ctx, old.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	if after := read(up); after != before {
		t.Errorf("after the upgrade:\n%s\nwant\n%s", after, before)
	}
	keys := "SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_schema = current_schema() AND constraint_type = 'FOREIGN KEY' AND table_name IN ('platform_login_packs', 'platform_activity_packs')"
	if up.Dialect() == store.SQLite {
		keys = "SELECT (SELECT COUNT(*) FROM pragma_foreign_key_list('platform_login_packs')) + (SELECT COUNT(*) FROM pragma_foreign_key_list('platform_activity_packs'))"
	}
	var n int
	if err := up.SQL().QueryRowContext(ctx, keys).Scan(&n); err != nil || n != 0 {
		t.Errorf("foreign keys on the packs after the upgrade: %d, %v", n, err)
	}
	write(up, "/dumps/new.sql", 6)
	if got := read(up); !strings.HasPrefix(got, "12 ") || strings.Count(got, "uploads:") != 12 {
		t.Errorf("after an import on version 37: %s", got)
	}
}
