package investigation_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// Principals of a hub with two agencies.
var (
	nlViewer = access.Principal{ID: "u-viewer", Name: "Vera", Agency: "NL-POL", Roles: []access.Role{access.Viewer}, Method: access.Password, RequestID: "req-v"}
	nlInv    = access.Principal{ID: "u-inv", Name: "Ivo", Agency: "NL-POL", Roles: []access.Role{access.Analyst}, Method: access.Token, RequestID: "req-42"}
	beInv    = access.Principal{ID: "u-be", Name: "Bram", Agency: "BE-FCCU", Roles: []access.Role{access.Analyst}, Method: access.OIDC}
	hubAdmin = access.Principal{ID: "u-hub", Name: "Hub", Agency: "HUB", Roles: []access.Role{access.HubAdmin}, Method: access.Password}
	noRoles  = access.Principal{ID: "u-none", Name: "Nobody", Agency: "NL-POL", Method: access.Password}
)

func as(p access.Principal) context.Context { return access.NewContext(context.Background(), p) }

func who(ctx context.Context) string { p, _ := access.FromContext(ctx); return p.Name }

// TestAccessPerUseCase runs every use case family that starts from a case
// as principals that may and may not use it: another agency's case is not
// found (exactly as a case that does not exist), a viewer may read but not
// change, an analyst of the case's agency may do both.
func TestAccessPerUseCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "nl-case", Agency: "NL-POL"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddExhibit(ctx, "nl-case", investigation.Exhibit{Label: "PHONE-1"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "note.txt"), []byte("synthetic evidence"), 0o600); err != nil {
			t.Fatal(err)
		}

		type useCase struct {
			name string
			perm access.Permission
			run  func(ctx context.Context, caseName string) error
		}
		uses := []useCase{
			{"case show", access.Read, func(ctx context.Context, c string) error { _, err := s.Case(ctx, c); return err }},
			{"report", access.Read, func(ctx context.Context, c string) error { _, err := s.Report(ctx, c); return err }},
			{"files", access.Read, func(ctx context.Context, c string) error {
				return s.Files(ctx, c, investigation.FileQuery{}, func(investigation.FileView) error { return nil })
			}},
			{"clusters", access.Read, func(ctx context.Context, c string) error {
				_, err := s.Clusters(ctx, c, investigation.ClusterOptions{})
				return err
			}},
			{"duplicates", access.Read, func(ctx context.Context, c string) error { _, err := s.Duplicates(ctx, c); return err }},
			{"people", access.Read, func(ctx context.Context, c string) error { _, err := s.People(ctx, c); return err }},
			{"leads", access.Read, func(ctx context.Context, c string) error { _, err := s.Leads(ctx, c); return err }},
			{"conversation", access.Read, func(ctx context.Context, c string) error {
				_, err := s.ConversationView(ctx, c, "no-such-chat")
				if err != nil && !isAccess(err, c) { // the case was allowed; the chat does not exist
					return nil
				}
				return err
			}},
			{"exhibit add", access.Write, func(ctx context.Context, c string) error {
				_, err := s.AddExhibit(ctx, c, investigation.Exhibit{Label: "USB-" + who(ctx)})
				return err
			}},
			{"ingest", access.Write, func(ctx context.Context, c string) error {
				_, err := s.Ingest(ctx, c, investigation.IngestOptions{Exhibit: "DISK-" + who(ctx), Paths: []string{dir}, Workers: 1, CryptoOnly: true})
				return err
			}},
			{"chat import", access.Write, func(ctx context.Context, c string) error {
				_, err := s.ImportChat(ctx, c, dir, investigation.ChatImportOptions{})
				if err != nil && !isAccess(err, c) { // allowed; the folder is no chat export
					return nil
				}
				return err
			}},
			{"stealer scan", access.Write, func(ctx context.Context, c string) error {
				_, err := s.ScanStealer(ctx, c, investigation.StealerScanOptions{Paths: []string{dir}})
				if err != nil && !isAccess(err, c) {
					return nil
				}
				return err
			}},
			{"verify", access.Write, func(ctx context.Context, c string) error {
				_, err := s.Verify(ctx, c, "PHONE-1", 1)
				if err != nil && !isAccess(err, c) { // allowed; the exhibit was never ingested
					return nil
				}
				return err
			}},
		}
		for _, u := range uses {
			// Another agency: not found, worded as for a case that does not exist.
			err := u.run(as(beInv), "nl-case")
			missing := u.run(as(beInv), "no-such-case")
			if !errors.Is(err, store.ErrNotFound) || !errors.Is(missing, store.ErrNotFound) ||
				strings.ReplaceAll(err.Error(), "nl-case", "X") != strings.ReplaceAll(missing.Error(), "no-such-case", "X") {
				t.Errorf("%s by another agency: %v; on a missing case: %v; want the same not-found error", u.name, err, missing)
			}
			// No roles: nothing is visible.
			if err := u.run(as(noRoles), "nl-case"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s without roles: %v, want not found", u.name, err)
			}
			// Viewer: reads, may not change.
			err = u.run(as(nlViewer), "nl-case")
			switch {
			case u.perm == access.Read && err != nil:
				t.Errorf("%s by a viewer: %v, want allowed", u.name, err)
			case u.perm != access.Read && !errors.Is(err, access.ErrForbidden):
				t.Errorf("%s by a viewer: %v, want permission denied", u.name, err)
			}
			// Analyst of the agency: everything.
			if err := u.run(as(nlInv), "nl-case"); err != nil {
				t.Errorf("%s by an analyst of the agency: %v", u.name, err)
			}
			// The hub administrator reads no agency's case.
			if err := u.run(as(hubAdmin), "nl-case"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s by the hub admin: %v, want not found", u.name, err)
			}
		}

		// Creating cases: for one's own agency only.
		c, err := s.CreateCase(as(nlInv), investigation.Case{Name: "nl-new"})
		if err != nil || c.Agency != "NL-POL" || c.CreatedBy != "Ivo" {
			t.Errorf("analyst creates a case: %+v, %v; want agency NL-POL, created by Ivo", c, err)
		}
		if _, err := s.CreateCase(as(nlInv), investigation.Case{Name: "be-new", Agency: "BE-FCCU"}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("case for another agency: %v, want permission denied", err)
		}
		if _, err := s.CreateCase(as(nlViewer), investigation.Case{Name: "v-new"}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("case by a viewer: %v, want permission denied", err)
		}

		// The audit trail names the principal of every change.
		var last audit.Record
		if err := s.AuditLog(ctx, "exhibit:nl-case/USB-Ivo", func(r audit.Record) error { last = r; return nil }); err != nil {
			t.Fatal(err)
		}
		want := audit.Record{Version: audit.Current, Actor: "Ivo", ActorID: "u-inv", Agency: "NL-POL", Roles: "analyst", AuthMethod: "token", RequestID: "req-42"}
		if last.Version != want.Version || last.Actor != want.Actor || last.ActorID != want.ActorID || last.Agency != want.Agency ||
			last.Roles != want.Roles || last.AuthMethod != want.AuthMethod || last.RequestID != want.RequestID {
			t.Errorf("audit record of the analyst's change: %+v", last)
		}
		if rep, err := s.VerifyAudit(as(hubAdmin)); err != nil || !rep.OK() {
			t.Errorf("audit verify by the hub admin: %+v, %v", rep, err)
		}
	})
}

// isAccess reports whether err is the access point's refusal for case c.
func isAccess(err error, c string) bool {
	return errors.Is(err, access.ErrForbidden) || errors.Is(err, access.ErrNoPrincipal) ||
		(errors.Is(err, store.ErrNotFound) && strings.Contains(err.Error(), `case "`+c+`"`))
}

// TestAccessBanksAndAudit: banks and the audit trail have checks of their
// own, and a service without a local actor refuses calls without a principal.
func TestAccessBanksAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		db := open(t, -1)
		s := investigation.New(db, "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		list := filepath.Join(t.TempDir(), "list.txt")
		if err := os.WriteFile(list, []byte(strings.Repeat("a", 32)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportBank(context.Background(), list, investigation.BankImportOptions{Name: "local"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportBank(as(nlInv), list, investigation.BankImportOptions{Name: "mine"}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("bank import by an analyst: %v, want permission denied", err)
		}
		if err := s.RemoveBank(as(nlViewer), "local"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("bank remove by a viewer: %v, want permission denied", err)
		}
		if _, err := s.ExportBank(as(nlViewer), "local", "csv", io.Discard); err != nil {
			t.Errorf("bank export by a viewer: %v", err)
		}
		if _, err := s.BankSummary(as(nlViewer), "local"); err != nil {
			t.Errorf("bank summary by a viewer: %v", err)
		}
		if _, err := s.Matcher(as(nlViewer), investigation.MatchOptions{}); err != nil {
			t.Errorf("matcher for a viewer: %v", err)
		}
		if _, err := s.Matcher(as(noRoles), investigation.MatchOptions{}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("matcher without roles: %v, want permission denied", err)
		}
		if _, err := s.VerifyAudit(as(nlInv)); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("audit verify by an analyst: %v, want permission denied", err)
		}
		if err := s.AuditLog(as(nlViewer), "", func(audit.Record) error { return nil }); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("audit log by a viewer: %v, want permission denied", err)
		}
		hub := investigation.New(db, "")
		if _, err := hub.Case(context.Background(), "any"); !errors.Is(err, access.ErrNoPrincipal) {
			t.Errorf("call without a principal: %v, want %v", err, access.ErrNoPrincipal)
		}
		if _, err := hub.VerifyAudit(context.Background()); !errors.Is(err, access.ErrNoPrincipal) {
			t.Errorf("audit verify without a principal: %v, want %v", err, access.ErrNoPrincipal)
		}
	})
}

// TestClustersAcrossCasesRespectAccess: a cluster that touches cases of
// another agency names only the cases the principal may read and counts
// the others; their images are not listed.
func TestClustersAcrossCasesRespectAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		db := open(t, -1)
		s := investigation.New(db, "owner", investigation.WithClock(fixedClock()))
		ctx := context.Background()
		// Three near-duplicate PDQ hashes (a few bits apart), one per case.
		base := strings.Repeat("f0", 32)
		for i, c := range []struct{ name, agency, pdq string }{
			{"nl-a", "NL-POL", base},
			{"nl-b", "NL-POL", "f1" + base[2:]},
			{"be-c", "BE-FCCU", "f3" + base[2:]},
		} {
			if _, err := s.CreateCase(ctx, investigation.Case{Name: c.name, Agency: c.agency}); err != nil {
				t.Fatal(err)
			}
			e, err := s.AddExhibit(ctx, c.name, investigation.Exhibit{Label: "PHONE-1"})
			if err != nil {
				t.Fatal(err)
			}
			f := store.File{ExhibitID: e.ID, Path: c.name + "/img.jpg", Size: int64(100 + i), MediaType: "image/jpeg",
				SHA256: strings.Repeat(string(rune('a'+i)), 64), PDQ: c.pdq, PDQQuality: 100, Status: "unknown"}
			if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertFile(ctx, &f, nil); return err }); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Files(ctx, store.FileFilter{}, func(store.File) error { return nil }); err == nil {
			t.Error("a file filter naming no case read every case")
		}

		cl, err := s.Clusters(ctx, "nl-a", investigation.ClusterOptions{})
		if err != nil || len(cl) != 1 {
			t.Fatalf("owner's clusters: %+v, %v", cl, err)
		}
		if got := strings.Join(cl[0].OtherCases, ","); got != "be-c,nl-b" || cl[0].OtherCasesUnnamed != 0 || cl[0].Size != 3 {
			t.Errorf("owner sees other cases %q, %d unnamed, size %d; want be-c,nl-b, 0, 3", got, cl[0].OtherCasesUnnamed, cl[0].Size)
		}

		cl, err = s.Clusters(as(nlInv), "nl-a", investigation.ClusterOptions{})
		if err != nil || len(cl) != 1 {
			t.Fatalf("analyst's clusters: %+v, %v", cl, err)
		}
		c := cl[0]
		if got := strings.Join(c.OtherCases, ","); got != "nl-b" || c.OtherCasesUnnamed != 1 || c.Size != 2 || len(c.Members) != 2 {
			t.Errorf("analyst sees other cases %q, %d unnamed, size %d; want nl-b, 1, 2", got, c.OtherCasesUnnamed, c.Size)
		}
		for _, m := range c.Members {
			if m.Case == "be-c" || strings.Contains(m.Path, "be-c") {
				t.Errorf("a member of another agency's case is listed: %+v", m)
			}
		}
		for _, e := range c.Exhibits {
			if strings.HasPrefix(e, "be-c/") {
				t.Errorf("an exhibit of another agency's case is named: %s", e)
			}
		}
	})
}
