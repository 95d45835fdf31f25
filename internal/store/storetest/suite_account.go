package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

func inTx(t *testing.T, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

func mustAgency(t *testing.T, db *store.DB, name, country string) store.Agency {
	t.Helper()
	a := store.Agency{Name: name, Country: country, CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertAgency(ctx, &a) })
	return a
}

func mustUser(t *testing.T, db *store.DB, name string, agency store.Agency, role string) store.User {
	t.Helper()
	u := store.User{Name: name, AgencyID: agency.ID, Role: role, PasswordHash: "$argon2id$example", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertUser(ctx, &u) })
	u.Agency = agency.Name
	return u
}

func testAccounts(t *testing.T, db *store.DB) {
	ctx := context.Background()
	if has, err := db.HasAgencies(ctx); err != nil || has {
		t.Fatalf("HasAgencies on a new store = %v, %v", has, err)
	}
	nl := mustAgency(t, db, "NL-POL", "NL")
	be := mustAgency(t, db, "BE-FCCU", "BE")
	if has, err := db.HasAgencies(ctx); err != nil || !has {
		t.Fatalf("HasAgencies = %v, %v", has, err)
	}
	dup := store.Agency{Name: "NL-POL", CreatedAt: "x", CreatedBy: "y"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertAgency(ctx, &dup) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate agency: %v, want ErrExists", err)
	}
	if got, err := db.AgencyByName(ctx, "NL-POL"); err != nil || got != nl {
		t.Fatalf("AgencyByName = %+v, %v; want %+v", got, err, nl)
	}
	if _, err := db.AgencyByName(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing agency: %v", err)
	}
	if list, err := db.Agencies(ctx); err != nil || len(list) != 2 || list[0] != be || list[1] != nl {
		t.Fatalf("Agencies = %+v, %v", list, err)
	}

	vera := mustUser(t, db, "vera", nl, "viewer")
	bram := mustUser(t, db, "bram", be, "analyst")
	dupU := store.User{Name: "vera", AgencyID: be.ID, Role: "viewer", CreatedAt: "x", CreatedBy: "y"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertUser(ctx, &dupU) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate user: %v, want ErrExists", err)
	}
	if got, err := db.UserByName(ctx, "vera"); err != nil || got != vera {
		t.Fatalf("UserByName = %+v, %v; want %+v", got, err, vera)
	}
	if got, err := db.UserByID(ctx, bram.ID); err != nil || got != bram {
		t.Fatalf("UserByID = %+v, %v; want %+v", got, err, bram)
	}
	if _, err := db.UserByID(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing user: %v", err)
	}
	if list, err := db.Users(ctx, 0); err != nil || len(list) != 2 || list[0].Name != "bram" {
		t.Fatalf("Users(all) = %+v, %v", list, err)
	}
	if list, err := db.Users(ctx, nl.ID); err != nil || len(list) != 1 || list[0].Name != "vera" {
		t.Fatalf("Users(NL) = %+v, %v", list, err)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.SetUserPassword(ctx, vera.ID, "$argon2id$new"); err != nil {
			return err
		}
		if err := tx.SetUserDisabled(ctx, vera.ID, true); err != nil {
			return err
		}
		return tx.SetLoginFailures(ctx, vera.ID, 3, "2024-01-20T10:15:00Z")
	})
	got, err := db.UserByName(ctx, "vera")
	if err != nil || got.PasswordHash != "$argon2id$new" || !got.Disabled || got.FailedLogins != 3 || got.LockedUntil != "2024-01-20T10:15:00Z" {
		t.Fatalf("user after updates: %+v, %v", got, err)
	}
	// OIDC identities: one user each, looked up by issuer and subject.
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.SetUserOIDC(ctx, bram.ID, "https://idp.example.org", "sub-1")
	})
	err = db.InTx(ctx, func(tx *store.Tx) error { return tx.SetUserOIDC(ctx, vera.ID, "https://idp.example.org", "sub-1") })
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("second user with one identity: %v, want ErrExists", err)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.SetUserOIDC(ctx, vera.ID, "https://other.example.org", "sub-1")
	})
	if got, err := db.UserByOIDC(ctx, "https://idp.example.org", "sub-1"); err != nil || got.Name != "bram" || got.OIDCSubject != "sub-1" {
		t.Fatalf("UserByOIDC = %+v, %v", got, err)
	}
	for _, id := range [][2]string{{"https://idp.example.org", "sub-2"}, {"https://idp.example.org", ""}, {"", ""}} {
		if _, err := db.UserByOIDC(ctx, id[0], id[1]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UserByOIDC(%q, %q): %v, want ErrNotFound", id[0], id[1], err)
		}
	}
	err = db.InTx(ctx, func(tx *store.Tx) error { return tx.SetUserDisabled(ctx, 9999, true) })
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("disable a missing user: %v, want ErrNotFound", err)
	}
}

func testCredentials(t *testing.T, db *store.DB) {
	ctx := context.Background()
	nl := mustAgency(t, db, "NL-POL", "NL")
	be := mustAgency(t, db, "BE-FCCU", "BE")
	vera := mustUser(t, db, "vera", nl, "viewer")
	bram := mustUser(t, db, "bram", be, "analyst")

	tok := store.Token{UserID: vera.ID, Name: "ci", SecretSHA256: "aa11", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex", ExpiresAt: "2024-04-19T10:00:00Z"}
	other := store.Token{UserID: bram.ID, SecretSHA256: "bb22", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.InsertToken(ctx, &tok); err != nil {
			return err
		}
		return tx.InsertToken(ctx, &other)
	})
	same := store.Token{UserID: bram.ID, SecretSHA256: "aa11", CreatedAt: "x", CreatedBy: "y"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertToken(ctx, &same) }); err == nil {
		t.Fatal("a second token with the same secret hash was stored")
	}
	gt, gu, err := db.TokenAccount(ctx, "aa11")
	if err != nil || gt.ID != tok.ID || gt.ExpiresAt != tok.ExpiresAt || gt.RevokedAt != "" || gu.ID != vera.ID || gu.Name != "vera" ||
		gu.Agency != "NL-POL" || gu.Role != "viewer" || gu.Disabled || gt.User != "vera" || gt.Agency != "NL-POL" {
		t.Fatalf("TokenAccount = %+v, %+v, %v", gt, gu, err)
	}
	if _, _, err := db.TokenAccount(ctx, "cc33"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if err := db.TouchToken(ctx, tok.ID, "2024-01-21T10:00:00Z"); err != nil {
		t.Fatal(err)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.RevokeToken(ctx, tok.ID, "2024-01-22T10:00:00Z")
	})
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.RevokeToken(ctx, tok.ID, "2024-01-23T10:00:00Z")
	})
	gt, err = db.TokenByID(ctx, tok.ID)
	if err != nil || gt.RevokedAt != "2024-01-22T10:00:00Z" || gt.LastUsedAt != "2024-01-21T10:00:00Z" || gt.SecretSHA256 != "aa11" {
		t.Fatalf("token after use and revocation: %+v, %v (revoked once, at the first time)", gt, err)
	}
	if _, err := db.TokenByID(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing token: %v", err)
	}
	for _, tc := range []struct {
		user, agency int64
		want         []int64
	}{{0, 0, []int64{tok.ID, other.ID}}, {vera.ID, 0, []int64{tok.ID}}, {0, be.ID, []int64{other.ID}}, {vera.ID, be.ID, nil}} {
		list, err := db.Tokens(ctx, tc.user, tc.agency)
		var ids []int64
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		if err != nil || !slices.Equal(ids, tc.want) {
			t.Errorf("Tokens(%d, %d) = %v, %v; want %v", tc.user, tc.agency, ids, err, tc.want)
		}
	}

	s := store.Session{IDSHA256: "5e55", UserID: vera.ID, CreatedAt: "2024-01-20T10:00:00Z", LastSeenAt: "2024-01-20T10:00:00Z", RemoteAddr: "192.0.2.10", Method: "oidc"}
	s2 := store.Session{IDSHA256: "5e56", UserID: vera.ID, CreatedAt: "2024-01-20T11:00:00Z", LastSeenAt: "2024-01-20T11:00:00Z"}
	s3 := store.Session{IDSHA256: "5e57", UserID: bram.ID, CreatedAt: "2024-01-20T11:00:00Z", LastSeenAt: "2024-01-20T11:00:00Z"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, x := range []store.Session{s, s2, s3} {
			if err := tx.InsertSession(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.TouchSession(ctx, "5e55", "2024-01-20T10:05:00Z"); err != nil {
		t.Fatal(err)
	}
	gs, gu, err := db.SessionAccount(ctx, "5e55")
	if err != nil || gs.LastSeenAt != "2024-01-20T10:05:00Z" || gs.CreatedAt != s.CreatedAt || gs.RemoteAddr != "192.0.2.10" || gs.Method != "oidc" || gu != vera {
		t.Fatalf("SessionAccount = %+v, %+v, %v", gs, gu, err)
	}
	if n, err := db.DeleteSessionsBefore(ctx, "2024-01-20T10:30:00Z", "2024-01-19T00:00:00Z"); err != nil || n != 1 {
		t.Fatalf("DeleteSessionsBefore = %d, %v; want the one idle session", n, err)
	}
	if err := db.DeleteSession(ctx, "5e56"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"5e55", "5e56"} {
		if _, _, err := db.SessionAccount(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session %s after deletion: %v", id, err)
		}
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteUserSessions(ctx, bram.ID) })
	if _, _, err := db.SessionAccount(ctx, "5e57"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of a user whose sessions were ended: %v", err)
	}
}

// testCaseVisibility: the SQL filter selects exactly the cases of the
// agency, shared with it, and of which the user is a member; shares and
// memberships can be changed and withdrawn.
func testCaseVisibility(t *testing.T, db *store.DB) {
	ctx := context.Background()
	nl := mustAgency(t, db, "NL-POL", "NL")
	be := mustAgency(t, db, "BE-FCCU", "BE")
	mustAgency(t, db, "DE-BKA", "DE")
	bram := mustUser(t, db, "bram", be, "analyst")
	vera := mustUser(t, db, "vera", nl, "viewer")
	cases := map[string]store.Case{}
	for _, n := range []string{"nl-1", "nl-2", "nl-3"} {
		c := store.Case{Name: n, Agency: "NL-POL", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertCase(ctx, &c) })
		cases[n] = c
	}
	be1 := store.Case{Name: "be-1", Agency: "BE-FCCU", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	local := store.Case{Name: "local", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.InsertCase(ctx, &be1); err != nil {
			return err
		}
		if err := tx.InsertCase(ctx, &local); err != nil {
			return err
		}
		if err := tx.PutCaseShare(ctx, store.CaseShare{CaseID: cases["nl-1"].ID, AgencyID: be.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"}); err != nil {
			return err
		}
		// Changing the role keeps one share.
		if err := tx.PutCaseShare(ctx, store.CaseShare{CaseID: cases["nl-1"].ID, AgencyID: be.ID, Role: "analyst", CreatedAt: "t2", CreatedBy: "alex"}); err != nil {
			return err
		}
		if err := tx.PutCaseMember(ctx, store.CaseMember{CaseID: cases["nl-2"].ID, UserID: bram.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"}); err != nil {
			return err
		}
		return tx.PutCaseMember(ctx, store.CaseMember{CaseID: cases["nl-2"].ID, UserID: bram.ID, Role: "admin", CreatedAt: "t2", CreatedBy: "alex"})
	})
	names := func(v store.CaseVisibility) string {
		t.Helper()
		list, err := db.Cases(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range list {
			out = append(out, c.Name)
		}
		return fmt.Sprint(out)
	}
	for _, tc := range []struct {
		name string
		v    store.CaseVisibility
		want string
	}{
		{"nothing", store.CaseVisibility{Agency: "NL-POL"}, "[]"},
		{"all", store.CaseVisibility{All: true}, "[be-1 local nl-1 nl-2 nl-3]"},
		{"own agency", store.CaseVisibility{Agency: "NL-POL", Own: true}, "[nl-1 nl-2 nl-3]"},
		{"no agency: the local cases", store.CaseVisibility{Own: true}, "[local]"},
		{"own, shared and member", store.CaseVisibility{Agency: "BE-FCCU", Own: true, Shared: true, UserID: bram.ID}, "[be-1 nl-1 nl-2]"},
		{"shared only", store.CaseVisibility{Agency: "BE-FCCU", Shared: true}, "[nl-1]"},
		{"member only", store.CaseVisibility{UserID: bram.ID}, "[nl-2]"},
		{"another agency, nothing shared", store.CaseVisibility{Agency: "DE-BKA", Own: true, Shared: true}, "[]"},
		{"hostile agency name", store.CaseVisibility{Agency: "' OR 1=1 --", Own: true, Shared: true}, "[]"},
	} {
		if got := names(tc.v); got != tc.want {
			t.Errorf("%s: Cases = %s, want %s", tc.name, got, tc.want)
		}
	}
	share, member, err := db.CaseGrants(ctx, cases["nl-1"].ID, "BE-FCCU", bram.ID)
	if err != nil || share != "analyst" || member != "" {
		t.Errorf("CaseGrants(nl-1) = %q, %q, %v; want analyst, none", share, member, err)
	}
	share, member, err = db.CaseGrants(ctx, cases["nl-2"].ID, "BE-FCCU", bram.ID)
	if err != nil || share != "" || member != "admin" {
		t.Errorf("CaseGrants(nl-2) = %q, %q, %v; want none, admin", share, member, err)
	}
	if sh, err := db.CaseShares(ctx, cases["nl-1"].ID); err != nil || len(sh) != 1 || sh[0].Agency != "BE-FCCU" || sh[0].Role != "analyst" || sh[0].CreatedAt != "t2" {
		t.Errorf("CaseShares = %+v, %v", sh, err)
	}
	if ms, err := db.CaseMembers(ctx, cases["nl-2"].ID); err != nil || len(ms) != 1 || ms[0].User != "bram" || ms[0].Agency != "BE-FCCU" || ms[0].Role != "admin" {
		t.Errorf("CaseMembers = %+v, %v", ms, err)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.DeleteCaseShare(ctx, cases["nl-1"].ID, be.ID); err != nil {
			return err
		}
		return tx.DeleteCaseMember(ctx, cases["nl-2"].ID, bram.ID)
	})
	if got := names(store.CaseVisibility{Agency: "BE-FCCU", Own: true, Shared: true, UserID: bram.ID}); got != "[be-1]" {
		t.Errorf("after withdrawing the share and the membership: %s, want [be-1]", got)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteCaseShare(ctx, cases["nl-1"].ID, be.ID) })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("withdrawing a missing share: %v, want ErrNotFound", err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteCaseMember(ctx, cases["nl-2"].ID, vera.ID) })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing a missing member: %v, want ErrNotFound", err)
	}
}
