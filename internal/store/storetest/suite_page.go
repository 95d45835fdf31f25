package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/store"
)

// testCasePages pages the visible cases by name in SQL: every visible case
// once, in order, none of another agency, and a case created between pages
// seen when its name sorts after the cursor.
func testCasePages(t *testing.T, db *store.DB) {
	ctx := context.Background()
	nl := mustAgency(t, db, "NL-POL", "NL")
	mustAgency(t, db, "BE-FCCU", "BE")
	addCase := func(name, agency string) store.Case {
		t.Helper()
		c := store.Case{Name: name, Agency: agency, CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertCase(ctx, &c) })
		return c
	}
	for _, n := range []string{"n02", "n04", "n06", "n08"} {
		addCase(n, "NL-POL")
	}
	addCase("n03", "BE-FCCU")
	shared := addCase("n05", "BE-FCCU")
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.PutCaseShare(ctx, store.CaseShare{CaseID: shared.ID, AgencyID: nl.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"})
	})
	v := store.CaseVisibility{Agency: "NL-POL", Own: true, Shared: true}

	var got []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatalf("paging does not end: %v", got)
		}
		page, err := db.CasePage(ctx, v, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 2 {
			t.Fatalf("page of %d cases, limit 2", len(page))
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			got = append(got, c.Name)
		}
		after = page[len(page)-1].Name
		if pages == 0 {
			// Created after the first page: n07 sorts after the cursor
			// and is seen; n01 sorts before it and is not; n09 belongs
			// to another agency and is never seen.
			addCase("n07", "NL-POL")
			addCase("n01", "NL-POL")
			addCase("n09", "BE-FCCU")
		}
	}
	if want := "[n02 n04 n05 n06 n07 n08]"; fmt.Sprint(got) != want {
		t.Errorf("paged cases = %v, want %s", got, want)
	}
	all, err := db.CasePage(ctx, v, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range all {
		names = append(names, c.Name)
	}
	if want := "[n01 n02 n04 n05 n06 n07 n08]"; fmt.Sprint(names) != want {
		t.Errorf("CasePage with no limit = %v, want %s", names, want)
	}
	for _, after := range []string{"n08", "zzz", "~' OR 1=1 --"} {
		if page, err := db.CasePage(ctx, v, after, 5); err != nil || len(page) != 0 {
			t.Errorf("CasePage after %q = %v, %v; want nothing", after, page, err)
		}
	}
	if page, err := db.CasePage(ctx, store.CaseVisibility{}, "", 5); err != nil || len(page) != 0 {
		t.Errorf("CasePage with no visibility = %v, %v; want nothing", page, err)
	}
}

// testAuditPages pages the audit trail by sequence number in SQL, with and
// without an object prefix, while records are appended between pages.
func testAuditPages(t *testing.T, db *store.DB) {
	ctx := context.Background()
	appendRec := func(obj string) int64 {
		t.Helper()
		r := audit.Record{At: "2024-01-20T10:00:00.000000000Z", Actor: "alex", Action: "test", Object: obj}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &r) }); err != nil {
			t.Fatal(err)
		}
		return r.Seq
	}
	var wantCase []int64
	for i := range 7 {
		obj := "bank:x"
		if i%3 != 2 {
			obj = fmt.Sprintf("case:c%d", i)
		}
		seq := appendRec(obj)
		if obj != "bank:x" {
			wantCase = append(wantCase, seq)
		}
	}
	var got []int64
	after := int64(0)
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatalf("paging does not end: %v", got)
		}
		var page []int64
		if err := db.AuditPage(ctx, "case:", after, 2, func(r audit.Record) error { page = append(page, r.Seq); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(page) > 2 {
			t.Fatalf("page of %d records, limit 2", len(page))
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		after = page[len(page)-1]
		if pages == 1 {
			wantCase = append(wantCase, appendRec("case:late"))
			appendRec("bank:late")
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(wantCase) {
		t.Errorf("paged case records = %v, want %v", got, wantCase)
	}
	var all []int64
	if err := db.AuditPage(ctx, "", 0, 0, func(r audit.Record) error { all = append(all, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != 9 || !slices.IsSorted(all) || all[0] != 1 {
		t.Errorf("AuditPage with no limit = %v, want seq 1..9", all)
	}
	var tail []int64
	if err := db.AuditPage(ctx, "", 7, 5, func(r audit.Record) error { tail = append(tail, r.Seq); return nil }); err != nil || fmt.Sprint(tail) != "[8 9]" {
		t.Errorf("AuditPage after 7 = %v, %v; want [8 9]", tail, err)
	}
}

// testNamePages pages banks, agencies and users by name in SQL; rows added
// between pages are seen when they sort after the cursor.
func testNamePages(t *testing.T, db *store.DB) {
	ctx := context.Background()
	addBank := func(name, stagedFor string) {
		t.Helper()
		b := store.Bank{Name: name, Kind: "known", Format: "vics", Version: 1, ImportedAt: "2024-01-20T10:00:00Z", ImportedBy: "alex", StagedFor: stagedFor}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertBank(ctx, &b) })
	}
	for _, n := range []string{"b1", "b3", "b5"} {
		addBank(n, "")
	}
	addBank("b4", "b3") // staged: never listed
	nl := mustAgency(t, db, "a1", "NL")
	be := mustAgency(t, db, "a3", "BE")
	mustAgency(t, db, "a5", "DE")
	for _, n := range []string{"u1", "u3", "u5"} {
		mustUser(t, db, n, nl, "analyst")
	}
	mustUser(t, db, "u4", be, "analyst")

	walk := func(what string, page func(after string) ([]string, error), between func()) []string {
		t.Helper()
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("%s: paging does not end: %v", what, got)
			}
			names, err := page(after)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if len(names) > 2 {
				t.Fatalf("%s: page of %d, limit 2", what, len(names))
			}
			if len(names) == 0 {
				return got
			}
			got = append(got, names...)
			after = names[len(names)-1]
			if pages == 0 {
				between()
			}
		}
	}
	banks := walk("banks", func(after string) ([]string, error) {
		list, err := db.BankPage(ctx, after, 2)
		var out []string
		for _, b := range list {
			out = append(out, b.Name)
		}
		return out, err
	}, func() { addBank("b2", ""); addBank("b6", "") }) // b2 sorts before the cursor b3: not seen
	if want := "[b1 b3 b5 b6]"; fmt.Sprint(banks) != want {
		t.Errorf("paged banks = %v, want %s", banks, want)
	}
	agencies := walk("agencies", func(after string) ([]string, error) {
		list, err := db.AgencyPage(ctx, after, 2)
		var out []string
		for _, a := range list {
			out = append(out, a.Name)
		}
		return out, err
	}, func() { mustAgency(t, db, "a4", "FR"); mustAgency(t, db, "a0", "FR") })
	if want := "[a1 a3 a4 a5]"; fmt.Sprint(agencies) != want {
		t.Errorf("paged agencies = %v, want %s", agencies, want)
	}
	users := walk("users of a1", func(after string) ([]string, error) {
		list, err := db.UserPage(ctx, nl.ID, after, 2)
		var out []string
		for _, u := range list {
			out = append(out, u.Name)
		}
		return out, err
	}, func() {
		mustUser(t, db, "u6", nl, "viewer")
		mustUser(t, db, "u7", be, "viewer")
		mustUser(t, db, "u0", nl, "viewer")
	})
	if want := "[u1 u3 u5 u6]"; fmt.Sprint(users) != want {
		t.Errorf("paged users of a1 = %v, want %s", users, want)
	}
	all, err := db.UserPage(ctx, 0, "u3", 0)
	if err != nil || len(all) != 4 || all[0].Name != "u4" || all[3].Name != "u7" {
		t.Errorf("every user after u3 = %+v, %v; want u4 u5 u6 u7", all, err)
	}

	k := store.Case{Name: "k", Agency: "a1", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertCase(ctx, &k) })
	other := mustCase(t, db, "other")
	agencies2, err := db.AgencyPage(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	users2, err := db.UserPage(ctx, 0, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, a := range agencies2 {
			if a.Name == "a0" || a.Name == "a1" {
				continue
			}
			if err := tx.PutCaseShare(ctx, store.CaseShare{CaseID: k.ID, AgencyID: a.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"}); err != nil {
				return err
			}
		}
		for _, u := range users2 {
			if u.Name == "u0" {
				if err := tx.PutCaseMember(ctx, store.CaseMember{CaseID: other.ID, UserID: u.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"}); err != nil {
					return err
				}
				continue
			}
			if u.Name == "u1" || u.Name == "u3" || u.Name == "u6" {
				if err := tx.PutCaseMember(ctx, store.CaseMember{CaseID: k.ID, UserID: u.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	shares := walk("shares of k", func(after string) ([]string, error) {
		list, err := db.CaseSharePage(ctx, k.ID, after, 2)
		var out []string
		for _, sh := range list {
			out = append(out, sh.Agency)
		}
		return out, err
	}, func() {})
	if want := "[a3 a4 a5]"; fmt.Sprint(shares) != want {
		t.Errorf("paged shares = %v, want %s", shares, want)
	}
	members := walk("members of k", func(after string) ([]string, error) {
		list, err := db.CaseMemberPage(ctx, k.ID, after, 2)
		var out []string
		for _, m := range list {
			out = append(out, m.User)
		}
		return out, err
	}, func() {})
	if want := "[u1 u3 u6]"; fmt.Sprint(members) != want {
		t.Errorf("paged members = %v, want %s", members, want)
	}

	// Tokens page by id, of one agency's users.
	var want []int64
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for i, u := range users2 {
			tok := store.Token{UserID: u.ID, Name: "t", SecretSHA256: fmt.Sprintf("%064x", i+1), CreatedAt: "t1", CreatedBy: "alex"}
			if err := tx.InsertToken(ctx, &tok); err != nil {
				return err
			}
			if u.Agency == "a1" {
				want = append(want, tok.ID)
			}
		}
		return nil
	})
	var got []int64
	for after, pages := int64(0), 0; ; pages++ {
		if pages > 10 {
			t.Fatalf("token paging does not end: %v", got)
		}
		list, err := db.TokenPage(ctx, 0, nl.ID, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		if len(list) > 2 {
			t.Fatalf("page of %d tokens, limit 2", len(list))
		}
		for _, tok := range list {
			got = append(got, tok.ID)
		}
		after = list[len(list)-1].ID
	}
	if len(want) < 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paged tokens of a1 = %v, want %v", got, want)
	}
}
