package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testAuthEpoch: every change to what a credential grants bumps the auth
// epoch in its own transaction (a rolled-back change does not), and the
// writes of the hot path (a token's or session's last use, failed-login
// counts) leave it alone, so that a server's cache of token principals
// survives them.
func testAuthEpoch(t *testing.T, db *store.DB) {
	ctx := context.Background()
	nl := mustAgency(t, db, "NL-POL", "NL")
	be := mustAgency(t, db, "BE-FCCU", "BE")
	vera := mustUser(t, db, "vera", nl, "analyst")
	c := store.Case{Name: "nl-1", Agency: "NL-POL", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	tok := store.Token{UserID: vera.ID, SecretSHA256: "70c0", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.InsertCase(ctx, &c); err != nil {
			return err
		}
		if err := tx.InsertToken(ctx, &tok); err != nil {
			return err
		}
		return tx.InsertSession(ctx, store.Session{IDSHA256: "5e55", UserID: vera.ID, CreatedAt: "2024-01-20T10:00:00Z", LastSeenAt: "2024-01-20T10:00:00Z"})
	})
	epoch := func() int64 {
		t.Helper()
		n, err := db.AuthEpoch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	type step struct {
		name  string
		bumps bool
		fn    func(tx *store.Tx) error
	}
	for _, s := range []step{
		// The hot path writes last uses outside a transaction.
		{"token last use", false, func(*store.Tx) error { return db.TouchToken(ctx, tok.ID, "2024-01-20T10:01:00Z") }},
		{"session last use", false, func(*store.Tx) error { return db.TouchSession(ctx, "5e55", "2024-01-20T10:01:00Z") }},
		{"failed login", false, func(tx *store.Tx) error { _, err := tx.AddLoginFailure(ctx, vera.ID); return err }},
		{"login failures reset", false, func(tx *store.Tx) error { return tx.SetLoginFailures(ctx, vera.ID, 0, "") }},
		{"role", true, func(tx *store.Tx) error { return tx.SetUserRole(ctx, vera.ID, "viewer") }},
		{"password", true, func(tx *store.Tx) error { return tx.SetUserPassword(ctx, vera.ID, "$argon2id$other") }},
		{"oidc identity", true, func(tx *store.Tx) error { return tx.SetUserOIDC(ctx, vera.ID, "https://idp.example.org", "sub-1") }},
		{"share", true, func(tx *store.Tx) error {
			return tx.PutCaseShare(ctx, store.CaseShare{CaseID: c.ID, AgencyID: be.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"})
		}},
		{"share role", true, func(tx *store.Tx) error {
			return tx.PutCaseShare(ctx, store.CaseShare{CaseID: c.ID, AgencyID: be.ID, Role: "analyst", CreatedAt: "t2", CreatedBy: "alex"})
		}},
		{"unshare", true, func(tx *store.Tx) error { return tx.DeleteCaseShare(ctx, c.ID, be.ID) }},
		{"member", true, func(tx *store.Tx) error {
			return tx.PutCaseMember(ctx, store.CaseMember{CaseID: c.ID, UserID: vera.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"})
		}},
		{"member removed", true, func(tx *store.Tx) error { return tx.DeleteCaseMember(ctx, c.ID, vera.ID) }},
		{"session ended", true, func(tx *store.Tx) error { return tx.DeleteUserSessions(ctx, vera.ID) }},
		{"no session to end", false, func(tx *store.Tx) error { return tx.DeleteUserSessions(ctx, vera.ID) }},
		{"token revoked", true, func(tx *store.Tx) error { return tx.RevokeToken(ctx, tok.ID, "2024-01-20T10:02:00Z") }},
		{"user disabled", true, func(tx *store.Tx) error { return tx.SetUserDisabled(ctx, vera.ID, true) }},
	} {
		before := epoch()
		var err error
		if strings.HasSuffix(s.name, "last use") {
			err = s.fn(nil)
		} else {
			err = db.InTx(ctx, s.fn)
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if after := epoch(); (after > before) != s.bumps {
			t.Errorf("%s: epoch %d -> %d; want a bump: %v", s.name, before, after, s.bumps)
		}
	}
	// A change rolled back leaves the epoch as it was.
	before := epoch()
	errUndo := context.Canceled
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetUserDisabled(ctx, vera.ID, false); err != nil {
			return err
		}
		return errUndo
	}); err != errUndo {
		t.Fatalf("rolled-back change: %v", err)
	}
	if after := epoch(); after != before {
		t.Errorf("a rolled-back change moved the epoch %d -> %d", before, after)
	}
}

// testCommitMark: a SQLite store's commit mark stays put across reads and
// moves with every commit, including one by another handle on the file (as
// the command line is while a server runs); PostgreSQL has none.
func testCommitMark(t *testing.T, db *store.DB) {
	ctx := context.Background()
	m0, ok := db.CommitMark()
	if db.Dialect() == store.Postgres {
		if ok {
			t.Error("PostgreSQL store offers a commit mark")
		}
		return
	}
	if !ok {
		t.Fatal("no commit mark on a writable SQLite store")
	}
	if _, err := db.AuthEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Agencies(ctx); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.CommitMark(); m != m0 {
		t.Error("reads moved the commit mark")
	}
	other, err := store.Open(ctx, db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	prev := m0
	for i, name := range []string{"NL-POL", "BE-FCCU"} {
		mustAgency(t, other, name, "NL")
		m, ok := db.CommitMark()
		if !ok || m == prev {
			t.Errorf("commit %d by another handle: mark moved %v", i, ok && m != prev)
		}
		prev = m
	}
}
