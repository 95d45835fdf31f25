package investigation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestPersonDetailAuditsTheRead: a person is found by ID, name or
// identifier; each read leaves an audit record naming the principal, how
// it authenticated and the request; a principal who may not read the case
// finds nothing and leaves no record.
func TestPersonDetailAuditsTheRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "nl-case", Agency: "NL-POL"}); err != nil {
			t.Fatal(err)
		}
		wa := writeWhatsAppChat(t, "Side Group",
			"1/15/24, 9:05 AM - +1 202-555-0170: hi from the other app",
			"1/15/24, 9:06 AM - Alex Example: welcome")
		if _, err := s.ImportChat(ctx, "nl-case", wa, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		suspects, err := s.Suspects(as(nlViewer), "nl-case")
		if err != nil || len(suspects) == 0 {
			t.Fatalf("suspects: %+v %v", suspects, err)
		}
		reads := func() []audit.Record {
			var out []audit.Record
			err := s.AuditLog(ctx, "case:nl-case/person:", func(r audit.Record) error {
				if r.Action == "person.read" {
					out = append(out, r)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}

		for _, ref := range []string{"+12025550170", "phone:+12025550170", "+1 202-555-0170"} {
			found, err := s.PersonDetail(as(nlViewer), "nl-case", ref)
			if err != nil || len(found) != 1 {
				t.Fatalf("%s: %+v %v", ref, found, err)
			}
			byID, err := s.PersonDetail(as(nlViewer), "nl-case", found[0].ID)
			if err != nil || len(byID) != 1 || byID[0].ID != found[0].ID {
				t.Fatalf("by id %s: %+v %v", found[0].ID, byID, err)
			}
			if v := found[0].View(); v.ID != found[0].ID || v.Links == nil || v.Roles == nil {
				t.Errorf("view %+v: links and roles are lists, never null", v)
			}
		}
		rs := reads()
		if len(rs) != 6 {
			t.Fatalf("%d person.read records, want 6: %+v", len(rs), rs)
		}
		r := rs[0]
		if r.ActorID != nlViewer.ID || r.AuthMethod != string(nlViewer.Method) || r.RequestID != nlViewer.RequestID || r.Agency != "NL-POL" {
			t.Errorf("read record %+v does not name the principal", r)
		}

		if _, err := s.PersonDetail(as(nlViewer), "nl-case", "nobody@example.org"); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("unknown person: %v", err)
		}
		if _, err := s.PersonDetail(as(beInv), "nl-case", "+12025550170"); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("another agency's case: %v", err)
		}
		if _, err := s.Suspects(as(beInv), "nl-case"); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("suspects of another agency's case: %v", err)
		}
		if n := len(reads()); n != 6 {
			t.Errorf("%d person.read records after refused reads, want 6", n)
		}
		if rep, err := s.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("audit chain: %+v %v", rep, err)
		}
	})
}
