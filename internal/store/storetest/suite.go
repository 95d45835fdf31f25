package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/store"
)

// Run is the conformance suite: every dialect must pass it.
func Run(t *testing.T, open Opener) {
	t.Run("Migrations", func(t *testing.T) { testMigrations(t, open) })
	t.Run("Cases", func(t *testing.T) { testCases(t, open(t, -1)) })
	t.Run("Exhibits", func(t *testing.T) { testExhibits(t, open(t, -1)) })
	t.Run("Custody", func(t *testing.T) { testCustody(t, open(t, -1)) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open(t, -1)) })
	t.Run("Rollback", func(t *testing.T) { testRollback(t, open(t, -1)) })
	t.Run("Files", func(t *testing.T) { testFiles(t, open(t, -1)) })
	t.Run("FilePages", func(t *testing.T) { testFilePages(t, open(t, -1)) })
	t.Run("FileCounts", func(t *testing.T) { testFileCounts(t, open(t, -1)) })
	t.Run("FilePageOrders", func(t *testing.T) { testFilePageOrders(t, open(t, -1)) })
	t.Run("FileCountsUpgrade", func(t *testing.T) { testFileCountsUpgrade(t, open) })
	t.Run("Banks", func(t *testing.T) { testBanks(t, open(t, -1)) })
	t.Run("BankDedup", func(t *testing.T) { testBankDedup(t, open(t, -1)) })
	t.Run("BankStaging", func(t *testing.T) { testBankStaging(t, open(t, -1)) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open(t, -1)) })
	t.Run("Credentials", func(t *testing.T) { testCredentials(t, open(t, -1)) })
	t.Run("AuthEpoch", func(t *testing.T) { testAuthEpoch(t, open(t, -1)) })
	t.Run("CommitMark", func(t *testing.T) { testCommitMark(t, open(t, -1)) })
	t.Run("CaseVisibility", func(t *testing.T) { testCaseVisibility(t, open(t, -1)) })
	t.Run("CasePages", func(t *testing.T) { testCasePages(t, open(t, -1)) })
	t.Run("AuditPages", func(t *testing.T) { testAuditPages(t, open(t, -1)) })
	t.Run("AuditSearch", func(t *testing.T) { testAuditSearch(t, open(t, -1)) })
	t.Run("NamePages", func(t *testing.T) { testNamePages(t, open(t, -1)) })
	t.Run("Jobs", func(t *testing.T) { testJobs(t, open(t, -1)) })
	t.Run("Messages", func(t *testing.T) { testMessages(t, open(t, -1)) })
	t.Run("Operations", func(t *testing.T) { testOperations(t, open(t, -1)) })
	t.Run("MessagePage", func(t *testing.T) { testMessagePage(t, open(t, -1)) })
	t.Run("Videos", func(t *testing.T) { testVideos(t, open(t, -1)) })
	t.Run("CaseVideos", func(t *testing.T) { testCaseVideos(t, open(t, -1)) })
	t.Run("AIGeneration", func(t *testing.T) { testAIGeneration(t, open(t, -1)) })
	t.Run("Timeline", func(t *testing.T) { testTimeline(t, open(t, -1)) })
	t.Run("ClusterReviews", func(t *testing.T) { testClusterReviews(t, open(t, -1)) })
	t.Run("SigningKeys", func(t *testing.T) { testSigningKeys(t, open(t, -1)) })
	t.Run("Deconfliction", func(t *testing.T) { testDeconfliction(t, open(t, -1)) })
	t.Run("Series", func(t *testing.T) { testSeries(t, open(t, -1)) })
	t.Run("Payments", func(t *testing.T) { testPayments(t, open(t, -1)) })
	t.Run("MatcherFeeds", func(t *testing.T) { testMatcherFeeds(t, open(t, -1)) })
	t.Run("Platforms", func(t *testing.T) { testPlatforms(t, open(t, -1)) })
	t.Run("PlatformBulk", func(t *testing.T) { testPlatformBulk(t, open(t, -1)) })
	t.Run("PlatformBulkUserIDs", func(t *testing.T) { testPlatformBulkUserIDs(t, open(t, -1)) })
	t.Run("PlatformActivityPacks", func(t *testing.T) { testPlatformActivityPacks(t, open(t, -1)) })
	t.Run("PlatformSharedLinks", func(t *testing.T) { testPlatformSharedLinks(t, open(t, -1)) })
	t.Run("PlatformLogins", func(t *testing.T) { testPlatformLogins(t, open(t, -1)) })
	t.Run("PlatformLoginsUpgrade", func(t *testing.T) { testPlatformLoginsUpgrade(t, open) })
	t.Run("PlatformActivityUpgrade", func(t *testing.T) { testPlatformActivityUpgrade(t, open) })
	t.Run("PlatformIdentifiersUpgrade", func(t *testing.T) { testPlatformIdentifiersUpgrade(t, open) })
	t.Run("PlatformPacksUpgrade", func(t *testing.T) { testPlatformPacksUpgrade(t, open) })
}

// testMigrations builds a database at every earlier version, puts data in
// it, and upgrades it to the newest: the data must survive.
func testMigrations(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t, -1)
	ms, err := store.Migrations(db.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := db.SchemaVersion(ctx); v != len(ms) {
		t.Fatalf("new store at version %d, want %d", v, len(ms))
	}
	for from := 1; from < len(ms); from++ {
		old := open(t, from)
		if v, _ := old.SchemaVersion(ctx); v != from {
			t.Fatalf("OpenAt(%d) gave version %d", from, v)
		}
		mustCase(t, old, "upgrade-case")
		// An audit record as stores before version 8 wrote it (no record
		// version, no principal fields) must still verify after the upgrade,
		// chained with a record of the newest version.
		v1 := audit.Record{At: "2024-01-20T10:00:00.000000000Z", Actor: "alex", Action: "case.create", Object: "case:upgrade-case"}
		v1.Seal(nil)
		v1.Version = 0 // as read back from an old store: hashed as version 1
		v1.Hash = v1.ComputeHash()
		for _, q := range []string{"DELETE FROM audit_head",
			"INSERT INTO audit (seq, at, actor, action, object, before_digest, after_digest, detail, prev_hash, hash) VALUES (1, '" + v1.At + "', 'alex', 'case.create', 'case:upgrade-case', '', '', '', '" + v1.PrevHash + "', '" + v1.Hash + "')",
			"INSERT INTO audit_head (id, seq, hash) VALUES (1, 1, '" + v1.Hash + "')"} {
			if _, err := old.SQL().ExecContext(ctx, q); err != nil {
				t.Fatalf("version %d: write an old audit record: %v", from, err)
			}
		}
		up, err := store.Open(ctx, old.DSN())
		if err != nil {
			t.Fatalf("upgrade from %d: %v", from, err)
		}
		if v, _ := up.SchemaVersion(ctx); v != len(ms) {
			t.Fatalf("upgrade from %d reached %d, want %d", from, v, len(ms))
		}
		if _, err := up.CaseByName(ctx, "upgrade-case"); err != nil {
			t.Fatalf("data lost upgrading from %d: %v", from, err)
		}
		r := audit.Record{At: "2024-01-21T10:00:00.000000000Z", Actor: "alex", ActorID: "local:alex", Roles: "owner", AuthMethod: "local", Action: "test", Object: "case:upgrade-case"}
		if err := up.InTx(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &r) }); err != nil {
			t.Fatalf("append audit after upgrade from %d: %v", from, err)
		}
		var v audit.Verifier
		var versions []int
		if err := up.AuditRecords(ctx, "", func(r audit.Record) error { v.Add(r); versions = append(versions, r.Version); return nil }); err != nil {
			t.Fatal(err)
		}
		head, err := up.AuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p := v.Finish(head); len(p) != 0 || fmt.Sprint(versions) != fmt.Sprint([]int{1, audit.Current}) {
			t.Fatalf("audit chain after upgrade from %d: problems %v, record versions %v (want 1 and the current)", from, p, versions)
		}
		up.Close()
	}
	testIdentityMigration(t, open)
	// Opening again is a no-op.
	again, err := store.Open(ctx, db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
}

func mustCase(t *testing.T, db *store.DB, name string) store.Case {
	t.Helper()
	c := store.Case{Name: name, Agency: "Example Unit", Country: "NL", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	if err := db.InTx(context.Background(), func(tx *store.Tx) error { return tx.InsertCase(context.Background(), &c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustExhibit(t *testing.T, db *store.DB, caseID int64, label string) store.Exhibit {
	t.Helper()
	e := store.Exhibit{CaseID: caseID, Label: label, Type: "phone", IMEI: "490154203237518", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	if err := db.InTx(context.Background(), func(tx *store.Tx) error { return tx.InsertExhibit(context.Background(), &e) }); err != nil {
		t.Fatal(err)
	}
	return e
}

func testCases(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-tidewater")
	if c.ID == 0 {
		t.Fatal("no id assigned")
	}
	got, err := db.CaseByName(ctx, "op-tidewater")
	if err != nil || got != c {
		t.Fatalf("CaseByName = %+v, %v; want %+v", got, err, c)
	}
	if _, err := db.CaseByName(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing case: err = %v, want ErrNotFound", err)
	}
	dup := store.Case{Name: "op-tidewater", CreatedAt: "x", CreatedBy: "y"}
	err = db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertCase(ctx, &dup) })
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate case: err = %v, want ErrExists", err)
	}
	mustCase(t, db, "a-first")
	all, err := db.Cases(ctx, store.CaseVisibility{All: true})
	if err != nil || len(all) != 2 || all[0].Name != "a-first" {
		t.Fatalf("Cases = %+v, %v", all, err)
	}
}

func testExhibits(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "c")
	e := mustExhibit(t, db, c.ID, "PHONE-01")
	got, err := db.ExhibitByLabel(ctx, c.ID, "PHONE-01")
	if err != nil || got != e {
		t.Fatalf("ExhibitByLabel = %+v, %v; want %+v", got, err, e)
	}
	dup := store.Exhibit{CaseID: c.ID, Label: "PHONE-01", CreatedAt: "x", CreatedBy: "y"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertExhibit(ctx, &dup) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate exhibit: %v", err)
	}
	other := mustCase(t, db, "other")
	mustExhibit(t, db, other.ID, "PHONE-01") // labels are per case
	list, err := db.Exhibits(ctx, c.ID)
	if err != nil || len(list) != 1 || list[0].Owner != "" {
		t.Fatalf("Exhibits = %+v, %v", list, err)
	}

	// An owner is set, read back by label and in the list, and cleared;
	// the other case's exhibit of the same label keeps none.
	setOwner := func(id int64, owner string) error {
		return db.InTx(ctx, func(tx *store.Tx) error { return tx.SetExhibitOwner(ctx, id, owner) })
	}
	if err := setOwner(e.ID, "P12"); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ExhibitByLabel(ctx, c.ID, "PHONE-01"); err != nil || got.Owner != "P12" {
		t.Fatalf("owner after set: %+v, %v", got, err)
	}
	if list, err := db.Exhibits(ctx, c.ID); err != nil || len(list) != 1 || list[0].Owner != "P12" {
		t.Fatalf("Exhibits after set: %+v, %v", list, err)
	}
	if got, err := db.ExhibitByLabel(ctx, other.ID, "PHONE-01"); err != nil || got.Owner != "" {
		t.Fatalf("other case's exhibit: %+v, %v", got, err)
	}
	if err := setOwner(e.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ExhibitByLabel(ctx, c.ID, "PHONE-01"); err != nil || got.Owner != "" {
		t.Fatalf("owner after clear: %+v, %v", got, err)
	}
	if err := setOwner(e.ID+1000, "P1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("owner of a missing exhibit: %v", err)
	}
	// A new exhibit has no owner, whatever the value says.
	owned := store.Exhibit{CaseID: c.ID, Label: "PC-02", Owner: "L3", CreatedAt: "x", CreatedBy: "y"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertExhibit(ctx, &owned) }); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ExhibitByLabel(ctx, c.ID, "PC-02"); err != nil || got.Owner != "" {
		t.Fatalf("a new exhibit's owner: %+v, %v", got, err)
	}
}

func testCustody(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "c")
	e := mustExhibit(t, db, c.ID, "E1")
	for _, ev := range []string{"acquired", "ingested", "verified"} {
		ce := store.CustodyEvent{CaseID: c.ID, ExhibitID: e.ID, Event: ev, Actor: "alex", At: "2024-01-20T10:00:00Z", Digests: "sha256=00"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertCustodyEvent(ctx, &ce) }); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := db.CustodyEvents(ctx, c.ID, e.ID)
	if err != nil || len(evs) != 3 || evs[0].Event != "acquired" || evs[2].Event != "verified" || evs[1].ExhibitID != e.ID {
		t.Fatalf("CustodyEvents = %+v, %v", evs, err)
	}
}

func testAudit(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for i, obj := range []string{"case:a", "case:b", "bank:x"} {
		r := audit.Record{At: "2024-01-20T10:00:00.000000000Z", Actor: "alex", Action: "test", Object: obj}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &r) }); err != nil {
			t.Fatal(err)
		}
		if r.Seq != int64(i+1) {
			t.Fatalf("seq = %d, want %d", r.Seq, i+1)
		}
	}
	var v audit.Verifier
	if err := db.AuditRecords(ctx, "", func(r audit.Record) error { v.Add(r); return nil }); err != nil {
		t.Fatal(err)
	}
	head, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := v.Finish(head); len(p) != 0 || v.Count() != 3 {
		t.Fatalf("chain problems %v, count %d", p, v.Count())
	}
	n := 0
	db.AuditRecords(ctx, "case:", func(audit.Record) error { n++; return nil })
	if n != 2 {
		t.Fatalf("prefix filter returned %d records, want 2", n)
	}
}

// testRollback checks that a failed transaction leaves neither the change
// nor its audit record behind.
func testRollback(t *testing.T, db *store.DB) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.InTx(ctx, func(tx *store.Tx) error {
		c := store.Case{Name: "ghost", CreatedAt: "x", CreatedBy: "y"}
		if err := tx.InsertCase(ctx, &c); err != nil {
			return err
		}
		r := audit.Record{At: "x", Actor: "y", Action: "case.create", Object: "case:ghost"}
		if err := tx.AppendAudit(ctx, &r); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if _, err := db.CaseByName(ctx, "ghost"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("rolled-back case is visible")
	}
	if h, _ := db.AuditHead(ctx); h.Seq != 0 {
		t.Fatal("rolled-back audit record is visible")
	}
}

// testIdentityMigration: files stored before version 9 get an identity
// (the ingested root whose base name starts their path, the path as member)
// and stay unique.
func testIdentityMigration(t *testing.T, open Opener) {
	ctx := context.Background()
	old := open(t, 8)
	c := mustCase(t, old, "c")
	e := mustExhibit(t, old, c.ID, "E")
	_, err := old.SQL().ExecContext(ctx, rebind(old, `INSERT INTO ingests (exhibit_id, roots, started_at, actor, status) VALUES (?, '["/ev/sd1/DCIM","/ev/card.zip"]', 't', 'a', 'done')`), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"DCIM/a.jpg", "DCIM", "card.zip!/x.jpg", "card.zip", "other/y.jpg"} {
		if _, err := old.SQL().ExecContext(ctx, rebind(old, "INSERT INTO files (exhibit_id, path) VALUES (?, ?)"), e.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	up, err := store.Open(ctx, old.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	got := map[string]string{}
	up.Files(ctx, store.FileFilter{ExhibitID: e.ID}, func(f store.File) error { got[f.Path] = f.Root + "|" + f.Member; return nil })
	want := map[string]string{"DCIM/a.jpg": "/ev/sd1/DCIM|DCIM/a.jpg", "DCIM": "/ev/sd1/DCIM|DCIM", "card.zip!/x.jpg": "/ev/card.zip|card.zip!/x.jpg",
		"card.zip": "/ev/card.zip|card.zip", "other/y.jpg": "|other/y.jpg"}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: identity %q, want %q", p, got[p], w)
		}
	}
}

// rebind writes '?' placeholders as the dialect wants them.
func rebind(db *store.DB, query string) string {
	if db.Dialect() != store.Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
