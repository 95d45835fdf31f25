package investigation_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

const testPassword = "synthetic-pass-0001"

// hubFixture is a hub with three agencies, a user of each role, and cases
// of two agencies.
type hubFixture struct {
	db *store.DB
	s  *investigation.Service
	p  map[string]access.Principal // by user name
}

func newHubFixture(t *testing.T, open storetest.Opener) hubFixture {
	t.Helper()
	db := open(t, -1)
	s := investigation.New(db, "owner", investigation.WithClock(fixedClock()),
		investigation.WithPasswordParams(secret.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}))
	ctx := context.Background()
	for _, a := range [][2]string{{"NL-POL", "nl"}, {"BE-FCCU", "be"}, {"HUB", "fr"}} {
		if _, err := s.AddAgency(ctx, a[0], a[1]); err != nil {
			t.Fatal(err)
		}
	}
	f := hubFixture{db: db, s: s, p: map[string]access.Principal{}}
	for _, u := range [][3]string{
		{"nl-admin", "NL-POL", "agency-admin"}, {"nl-analyst", "NL-POL", "analyst"}, {"nl-viewer", "NL-POL", "viewer"},
		{"be-admin", "BE-FCCU", "agency-admin"}, {"be-analyst", "BE-FCCU", "analyst"}, {"be-viewer", "BE-FCCU", "viewer"},
		{"hub", "HUB", "hub-admin"},
	} {
		got, err := s.AddUser(ctx, investigation.NewUser{Name: u[0], Agency: u[1], Role: u[2], Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		f.p[u[0]] = access.Principal{ID: access.UserPrincipalID(got.ID), Name: got.Name, Agency: got.Agency, Roles: []access.Role{access.Role(got.Role)}, Method: access.Password}
	}
	for _, c := range [][2]string{{"nl-1", "NL-POL"}, {"nl-2", "NL-POL"}, {"be-1", "BE-FCCU"}} {
		if _, err := s.CreateCase(ctx, investigation.Case{Name: c[0], Agency: c[1]}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f hubFixture) as(user string) context.Context { return as(f.p[user]) }

// caseList is the names of the cases user lists.
func (f hubFixture) caseList(t *testing.T, user string) string {
	t.Helper()
	cases, err := f.s.Cases(f.as(user))
	if err != nil {
		t.Fatalf("cases of %s: %v", user, err)
	}
	var names []string
	for _, c := range cases {
		names = append(names, c.Name)
	}
	return strings.Join(names, " ")
}

// canRead and canWrite try a read and a write use case on a case.
func (f hubFixture) canRead(user, c string) error {
	_, err := f.s.CaseDetail(f.as(user), c)
	return err
}

func (f hubFixture) canWrite(user, c string) error {
	_, err := f.s.AddExhibit(f.as(user), c, investigation.Exhibit{Label: fmt.Sprintf("E-%s-%d", user, time.Now().UnixNano())})
	return err
}

// TestCaseAccessAcrossAgencies: who sees which case, not found against
// forbidden, shares and memberships and their withdrawal, effective on the
// next call.
func TestCaseAccessAcrossAgencies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		ctx := context.Background()
		lists := map[string]string{
			"nl-admin": "nl-1 nl-2", "nl-analyst": "nl-1 nl-2", "nl-viewer": "nl-1 nl-2",
			"be-admin": "be-1", "be-analyst": "be-1", "be-viewer": "be-1", "hub": "",
		}
		check := func(stage string) {
			t.Helper()
			for u, want := range lists {
				if got := f.caseList(t, u); got != want {
					t.Errorf("%s: %s lists %q, want %q", stage, u, got, want)
				}
			}
		}
		check("unshared")
		if all, err := f.s.Cases(ctx); err != nil || len(all) != 3 {
			t.Errorf("the local owner lists %+v, %v; want every case", all, err)
		}
		notFound := func(user, c string) {
			t.Helper()
			if err := f.canRead(user, c); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s reads %s: %v, want not found", user, c, err)
			}
			if err := f.canWrite(user, c); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s writes %s: %v, want not found", user, c, err)
			}
		}
		readOnly := func(user, c string) {
			t.Helper()
			if err := f.canRead(user, c); err != nil {
				t.Errorf("%s reads %s: %v", user, c, err)
			}
			if err := f.canWrite(user, c); !errors.Is(err, access.ErrForbidden) {
				t.Errorf("%s writes %s: %v, want permission denied", user, c, err)
			}
		}
		readWrite := func(user, c string) {
			t.Helper()
			if err := f.canRead(user, c); err != nil {
				t.Errorf("%s reads %s: %v", user, c, err)
			}
			if err := f.canWrite(user, c); err != nil {
				t.Errorf("%s writes %s: %v", user, c, err)
			}
		}
		readWrite("nl-analyst", "nl-1")
		readWrite("nl-admin", "nl-1")
		readOnly("nl-viewer", "nl-1")
		notFound("be-analyst", "nl-1")
		notFound("be-admin", "nl-1")
		notFound("hub", "nl-1")
		notFound("hub", "be-1")

		// Sharing: only an administrator of the case.
		for _, u := range []string{"nl-analyst", "nl-viewer"} {
			if _, err := f.s.ShareCase(f.as(u), "nl-1", "BE-FCCU", "viewer"); !errors.Is(err, access.ErrForbidden) {
				t.Errorf("share by %s: %v, want permission denied", u, err)
			}
		}
		for _, u := range []string{"be-admin", "hub"} {
			if _, err := f.s.ShareCase(f.as(u), "nl-1", "BE-FCCU", "viewer"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("share by %s: %v, want not found", u, err)
			}
		}
		if _, err := f.s.ShareCase(f.as("nl-admin"), "nl-1", "BE-FCCU", "admin"); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("share as admin: %v, want invalid", err)
		}
		if _, err := f.s.ShareCase(f.as("nl-admin"), "nl-1", "NL-POL", "viewer"); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("share with the owning agency: %v, want invalid", err)
		}
		if _, err := f.s.ShareCase(f.as("nl-admin"), "nl-1", "XX-NONE", "viewer"); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("share with an unknown agency: %v, want invalid", err)
		}
		if _, err := f.s.ShareCase(f.as("nl-admin"), "nl-1", "BE-FCCU", "viewer"); err != nil {
			t.Fatal(err)
		}
		lists["be-admin"], lists["be-analyst"], lists["be-viewer"] = "be-1 nl-1", "be-1 nl-1", "be-1 nl-1"
		check("shared as viewer")
		readOnly("be-analyst", "nl-1")
		readOnly("be-admin", "nl-1") // a share gives no admin right
		if _, err := f.s.ShareCase(f.as("be-admin"), "nl-1", "HUB", "viewer"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("re-share by the receiving agency's admin: %v, want permission denied", err)
		}
		notFound("be-analyst", "nl-2")

		// As analyst: the analyst writes, the viewer stays read-only.
		if _, err := f.s.ShareCase(f.as("nl-admin"), "nl-1", "BE-FCCU", "analyst"); err != nil {
			t.Fatal(err)
		}
		readWrite("be-analyst", "nl-1")
		readOnly("be-viewer", "nl-1")
		if sh, err := f.s.CaseShares(f.as("be-viewer"), "nl-1"); err != nil || len(sh) != 1 || sh[0].Role != "analyst" {
			t.Errorf("shares of nl-1 seen by be-viewer: %+v, %v", sh, err)
		}

		// Withdrawing: effective on the next call.
		if err := f.s.UnshareCase(f.as("nl-admin"), "nl-1", "BE-FCCU"); err != nil {
			t.Fatal(err)
		}
		lists["be-admin"], lists["be-analyst"], lists["be-viewer"] = "be-1", "be-1", "be-1"
		check("unshared again")
		notFound("be-analyst", "nl-1")
		if err := f.s.UnshareCase(f.as("nl-admin"), "nl-1", "BE-FCCU"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("withdrawing a missing share: %v", err)
		}

		// Membership: the hub admin as viewer, a BE analyst as case admin.
		if _, err := f.s.AddCaseMember(f.as("nl-admin"), "nl-2", "hub", "viewer"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddCaseMember(f.as("nl-admin"), "nl-2", "be-viewer", "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddCaseMember(ctx, "nl-2", "be-analyst", "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddCaseMember(f.as("nl-admin"), "nl-2", "no-such-user", "viewer"); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("member that does not exist: %v", err)
		}
		lists["hub"], lists["be-analyst"], lists["be-viewer"] = "nl-2", "be-1 nl-2", "be-1 nl-2"
		check("members")
		readOnly("hub", "nl-2")
		readOnly("be-viewer", "nl-2") // a viewer stays read-only as case admin
		readWrite("be-analyst", "nl-2")
		if _, err := f.s.ShareCase(f.as("be-analyst"), "nl-2", "HUB", "viewer"); err != nil {
			t.Errorf("share by a case admin member: %v", err)
		}
		if _, err := f.s.ShareCase(f.as("be-viewer"), "nl-2", "HUB", "viewer"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("share by a viewer who is case admin: %v, want permission denied", err)
		}
		if ms, err := f.s.CaseMembers(f.as("hub"), "nl-2"); err != nil || len(ms) != 3 {
			t.Errorf("members of nl-2: %+v, %v", ms, err)
		}
		if err := f.s.RemoveCaseMember(f.as("nl-admin"), "nl-2", "be-analyst"); err != nil {
			t.Fatal(err)
		}
		notFound("be-analyst", "nl-2")
		if err := f.s.RemoveCaseMember(f.as("nl-admin"), "nl-2", "be-analyst"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("removing a member twice: %v", err)
		}

		// Cases are created for one's own agency, and name a known agency.
		if c, err := f.s.CreateCase(f.as("be-analyst"), investigation.Case{Name: "be-2"}); err != nil || c.Agency != "BE-FCCU" {
			t.Errorf("case by be-analyst: %+v, %v", c, err)
		}
		if _, err := f.s.CreateCase(f.as("hub"), investigation.Case{Name: "hub-1"}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("case by the hub admin: %v, want permission denied", err)
		}
		if _, err := f.s.CreateCase(ctx, investigation.Case{Name: "x-1", Agency: "XX-NONE"}); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("case of an unregistered agency: %v, want invalid", err)
		}

		// Every change is audited under its principal.
		var actions []string
		f.s.AuditLog(ctx, "case:nl-", func(r audit.Record) error {
			if strings.HasPrefix(r.Action, "case.share") || strings.HasPrefix(r.Action, "case.unshare") || strings.HasPrefix(r.Action, "case.member") {
				actions = append(actions, r.Action+"/"+r.Actor)
			}
			return nil
		})
		want := "case.share/nl-admin case.share/nl-admin case.unshare/nl-admin case.member.add/nl-admin case.member.add/nl-admin case.member.add/owner case.share/be-analyst case.member.remove/nl-admin"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("audit:\n got %s\nwant %s", got, want)
		}
	})
}

// TestClustersNameSharedCases: a case shared with an agency is named among
// the other cases of a cluster; once withdrawn it is only counted.
func TestClustersNameSharedCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		ctx := context.Background()
		base := strings.Repeat("f0", 32)
		for i, c := range []string{"be-1", "nl-1"} {
			e, err := f.s.AddExhibit(ctx, c, investigation.Exhibit{Label: "PHONE-1"})
			if err != nil {
				t.Fatal(err)
			}
			file := store.File{ExhibitID: e.ID, Path: c + "/img.jpg", Size: int64(100 + i), MediaType: "image/jpeg",
				SHA256: strings.Repeat(string(rune('a'+i)), 64), PDQ: base, PDQQuality: 100, Status: "unknown"}
			if err := f.db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertFile(ctx, &file, nil); return err }); err != nil {
				t.Fatal(err)
			}
		}
		other := func() string {
			cl, err := f.s.Clusters(f.as("be-analyst"), "be-1", investigation.ClusterOptions{})
			if err != nil || len(cl) != 1 {
				t.Fatalf("clusters: %+v, %v", cl, err)
			}
			return fmt.Sprintf("%v+%d", cl[0].OtherCases, cl[0].OtherCasesUnnamed)
		}
		if got := other(); got != "[]+1" {
			t.Errorf("before sharing: %s, want one unnamed case", got)
		}
		if _, err := f.s.ShareCase(f.as("nl-admin"), "nl-1", "BE-FCCU", "viewer"); err != nil {
			t.Fatal(err)
		}
		if got := other(); got != "[nl-1]+0" {
			t.Errorf("shared: %s, want nl-1 named", got)
		}
		if err := f.s.UnshareCase(f.as("nl-admin"), "nl-1", "BE-FCCU"); err != nil {
			t.Fatal(err)
		}
		if got := other(); got != "[]+1" {
			t.Errorf("withdrawn: %s, want one unnamed case", got)
		}
	})
}

// TestAccountManagement: who may add agencies and users, list users, set
// passwords, disable users and manage tokens.
func TestAccountManagement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		ctx := context.Background()
		nu := func(name, agency, role string) investigation.NewUser {
			return investigation.NewUser{Name: name, Agency: agency, Role: role, Password: testPassword}
		}
		// Agencies: the hub admin adds them; everyone lists them.
		if _, err := f.s.AddAgency(f.as("nl-admin"), "DE-BKA", "DE"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("agency add by an agency admin: %v", err)
		}
		if _, err := f.s.AddAgency(f.as("hub"), "DE-BKA", "DE"); err != nil {
			t.Errorf("agency add by the hub admin: %v", err)
		}
		if _, err := f.s.AddAgency(f.as("hub"), "DE-BKA", "DE"); !errors.Is(err, store.ErrExists) {
			t.Errorf("agency added twice: %v", err)
		}
		for _, bad := range [][2]string{{"", "DE"}, {"X Y", "DE"}, {"-x", "DE"}, {strings.Repeat("a", 65), "DE"}, {"OK", "DEU"}, {"OK", "1A"}, {"OK", ""}} {
			if _, err := f.s.AddAgency(ctx, bad[0], bad[1]); !errors.Is(err, investigation.ErrInvalid) {
				t.Errorf("agency %q %q: %v, want invalid", bad[0], bad[1], err)
			}
		}
		if list, err := f.s.Agencies(f.as("be-viewer")); err != nil || len(list) != 4 {
			t.Errorf("agencies seen by a viewer: %+v, %v", list, err)
		}

		// Users: an agency admin adds to its agency only and makes no hub admin.
		if _, err := f.s.AddUser(f.as("nl-admin"), nu("nl-new", "NL-POL", "analyst")); err != nil {
			t.Errorf("user add by its agency admin: %v", err)
		}
		if _, err := f.s.AddUser(f.as("nl-admin"), nu("be-new", "BE-FCCU", "analyst")); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("user add to another agency: %v", err)
		}
		if _, err := f.s.AddUser(f.as("nl-admin"), nu("nl-hub", "NL-POL", "hub-admin")); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("hub admin made by an agency admin: %v", err)
		}
		if _, err := f.s.AddUser(f.as("nl-analyst"), nu("nl-x", "NL-POL", "viewer")); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("user add by an analyst: %v", err)
		}
		if _, err := f.s.AddUser(f.as("hub"), nu("de-one", "DE-BKA", "investigator")); err != nil {
			t.Errorf("user add by the hub admin (old role name): %v", err)
		}
		weak := nu("weak", "NL-POL", "viewer")
		weak.Password = "short"
		if _, err := f.s.AddUser(ctx, weak); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("short password: %v, want invalid", err)
		}
		for _, bad := range []investigation.NewUser{nu("x", "NL-POL", "owner"), nu("x", "NO-SUCH", "viewer"), nu("a b", "NL-POL", "viewer")} {
			if _, err := f.s.AddUser(ctx, bad); !errors.Is(err, investigation.ErrInvalid) {
				t.Errorf("user %+v: %v, want invalid", bad, err)
			}
		}
		names := func(user string) string {
			list, err := f.s.Users(f.as(user))
			if err != nil {
				return err.Error()
			}
			var out []string
			for _, u := range list {
				out = append(out, u.Name)
			}
			return strings.Join(out, " ")
		}
		if got := names("nl-admin"); got != "nl-admin nl-analyst nl-new nl-viewer" {
			t.Errorf("users seen by nl-admin: %q", got)
		}
		if got := names("hub"); strings.Count(got, " ") != 8 {
			t.Errorf("users seen by the hub admin: %q", got)
		}
		if got := names("nl-analyst"); !strings.Contains(got, "permission denied") {
			t.Errorf("users seen by an analyst: %q", got)
		}

		// Passwords: one's own, or as an administrator of the user's agency.
		if _, err := f.s.SetPassword(f.as("nl-analyst"), "nl-analyst", "synthetic-pass-0002"); err != nil {
			t.Errorf("own password: %v", err)
		}
		if _, err := f.s.SetPassword(f.as("nl-analyst"), "nl-viewer", "synthetic-pass-0002"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another user's password by an analyst: %v, want not found", err)
		}
		if _, err := f.s.SetPassword(f.as("be-admin"), "nl-viewer", "synthetic-pass-0002"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("password of another agency's user: %v, want not found", err)
		}
		if _, err := f.s.SetPassword(f.as("nl-admin"), "nl-viewer", "synthetic-pass-0002"); err != nil {
			t.Errorf("password set by the agency admin: %v", err)
		}
		if _, err := f.s.DisableUser(f.as("be-admin"), "nl-viewer"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("disable another agency's user: %v", err)
		}
		if _, err := f.s.DisableUser(f.as("nl-analyst"), "nl-analyst"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an analyst disables itself: %v, want not found (it manages no users)", err)
		}
		if u, err := f.s.DisableUser(f.as("nl-admin"), "nl-viewer"); err != nil || !u.Disabled {
			t.Errorf("disable by the agency admin: %+v, %v", u, err)
		}
		if _, err := f.s.EnableUser(f.as("be-admin"), "nl-viewer"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("enable another agency's user: %v, want not found", err)
		}
		if u, err := f.s.EnableUser(f.as("nl-admin"), "nl-viewer"); err != nil || u.Disabled {
			t.Errorf("enable by the agency admin: %+v, %v", u, err)
		}

		// Roles: an agency admin changes its users' roles but never makes a
		// hub admin, and nobody changes its own role.
		if _, err := f.s.SetRole(f.as("nl-analyst"), "nl-viewer", "analyst"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("role change by an analyst: %v, want not found", err)
		}
		if _, err := f.s.SetRole(f.as("nl-admin"), "nl-viewer", "hub-admin"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("an agency admin makes a hub admin: %v, want forbidden", err)
		}
		if _, err := f.s.SetRole(f.as("nl-admin"), "nl-admin", "viewer"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("own role change: %v, want forbidden", err)
		}
		if _, err := f.s.SetRole(f.as("nl-admin"), "nl-viewer", "chief"); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("unknown role: %v, want invalid", err)
		}
		if u, err := f.s.SetRole(f.as("nl-admin"), "nl-viewer", "analyst"); err != nil || u.Role != "analyst" {
			t.Errorf("role change by the agency admin: %+v, %v", u, err)
		}
		if u, err := f.s.SetRole(f.as("nl-admin"), "nl-viewer", "viewer"); err != nil || u.Role != "viewer" {
			t.Errorf("role change back: %+v, %v", u, err)
		}
		if _, err := f.s.DisableUser(f.as("nl-admin"), "nl-viewer"); err != nil {
			t.Fatal(err)
		}

		// Tokens: one's own; administrators see and revoke their agency's.
		own, err := f.s.CreateToken(f.as("nl-analyst"), "nl-analyst", "laptop", 90*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.CreateToken(f.as("nl-analyst"), "nl-admin", "", time.Hour); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token for another user by an analyst: %v", err)
		}
		beTok, err := f.s.CreateToken(f.as("be-admin"), "be-analyst", "ci", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []time.Duration{-time.Hour, 6 * 365 * 24 * time.Hour} {
			if _, err := f.s.CreateToken(ctx, "nl-analyst", "", bad); !errors.Is(err, investigation.ErrInvalid) {
				t.Errorf("lifetime %s: %v", bad, err)
			}
		}
		ids := func(user string) []int64 {
			list, err := f.s.Tokens(f.as(user))
			if err != nil {
				t.Fatalf("tokens of %s: %v", user, err)
			}
			var out []int64
			for _, x := range list {
				out = append(out, x.ID)
			}
			return out
		}
		if got := ids("nl-analyst"); !slices.Equal(got, []int64{own.ID}) {
			t.Errorf("tokens seen by nl-analyst: %v", got)
		}
		if got := ids("nl-admin"); !slices.Equal(got, []int64{own.ID}) {
			t.Errorf("tokens seen by nl-admin: %v", got)
		}
		if got := ids("hub"); !slices.Equal(got, []int64{own.ID, beTok.ID}) {
			t.Errorf("tokens seen by the hub admin: %v", got)
		}
		if _, err := f.s.RevokeToken(f.as("nl-admin"), beTok.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke another agency's token: %v, want not found", err)
		}
		if _, err := f.s.RevokeToken(f.as("be-analyst"), own.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke another user's token: %v, want not found", err)
		}
		if tk, err := f.s.RevokeToken(f.as("be-analyst"), beTok.ID); err != nil || tk.RevokedAt == "" {
			t.Errorf("revoke own token: %+v, %v", tk, err)
		}
		if tk, err := f.s.RevokeToken(f.as("nl-admin"), own.ID); err != nil || tk.RevokedAt == "" {
			t.Errorf("revoke by the agency admin: %+v, %v", tk, err)
		}
		if rep, err := f.s.VerifyAudit(f.as("hub")); err != nil || !rep.OK() {
			t.Errorf("audit: %+v, %v", rep, err)
		}
		if err := f.s.AuditLog(f.as("nl-admin"), "", func(audit.Record) error { return nil }); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("audit log by an agency admin: %v", err)
		}
	})
}

// TestHostileAccountNames: names no store could hold are not found or
// invalid, never a store error, on both dialects.
func TestHostileAccountNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		ctx := context.Background()
		for _, v := range []string{"\xff\xfe", "a\x00b", strings.Repeat("x", 300), "' OR 1=1 --"} {
			isClean := func(op string, err error) {
				t.Helper()
				if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, investigation.ErrInvalid) {
					t.Errorf("%s with %.20q: %v, want not found or invalid", op, v, err)
				}
			}
			_, err := f.s.Case(ctx, v)
			isClean("case", err)
			_, err = f.s.ShareCase(ctx, "nl-1", v, "viewer")
			isClean("share", err)
			isClean("unshare", f.s.UnshareCase(ctx, "nl-1", v))
			_, err = f.s.AddCaseMember(ctx, "nl-1", v, "viewer")
			isClean("member add", err)
			isClean("member remove", f.s.RemoveCaseMember(ctx, "nl-1", v))
			_, err = f.s.SetPassword(ctx, v, testPassword)
			isClean("passwd", err)
			_, err = f.s.DisableUser(ctx, v)
			isClean("disable", err)
			_, err = f.s.CreateToken(ctx, v, "", time.Hour)
			isClean("token create", err)
			_, err = f.s.AddUser(ctx, investigation.NewUser{Name: v, Agency: "NL-POL", Role: "viewer", Password: testPassword})
			isClean("user add", err)
			_, err = f.s.AddUser(ctx, investigation.NewUser{Name: "okname", Agency: v, Role: "viewer", Password: testPassword})
			isClean("user add to agency", err)
			_, err = f.s.AddAgency(ctx, v, "NL")
			isClean("agency add", err)
			_, err = f.s.CreateCase(ctx, investigation.Case{Name: "c-hostile", Agency: v})
			isClean("case create", err)
		}
		if rep, err := f.s.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("audit: %+v, %v", rep, err)
		}
	})
}
