package investigation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/operation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// personIDs imports a synthetic chat into a case and returns the IDs of its
// persons.
func personIDs(t *testing.T, s *investigation.Service, caseName string, id int64, names ...string) []string {
	t.Helper()
	var msgs []tgMessage
	for i, n := range names {
		msgs = append(msgs, tgMessage{n, "user" + string(rune('1'+i)) + "000000" + caseName[:2], "hello from " + n})
	}
	ctx := context.Background()
	if _, err := s.ImportChat(ctx, caseName, writeTelegramChat(t, caseName+" group", id, msgs), investigation.ChatImportOptions{}); err != nil {
		t.Fatal(err)
	}
	people, err := s.People(ctx, caseName)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range names {
		ids = append(ids, personNamed(t, people, n).ID)
	}
	return ids
}

func suspectNames(o investigation.Operation) string {
	var out []string
	for _, x := range o.Suspects {
		out = append(out, x.Suspect)
	}
	return strings.Join(out, " ")
}

// TestOperationAcrossAgencies: who may create, see and change an
// operation, add cases and partners, and whose suspects each sees.
func TestOperationAcrossAgencies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		s := f.s
		nl := personIDs(t, s, "nl-1", 3100000001, "Ash Example", "Bo Sample")
		be := personIDs(t, s, "be-1", 3100000002, "Cy Test")

		if _, err := s.CreateOperation(f.as("nl-analyst"), "VIBORA", "", ""); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("an analyst creates an operation: %v, want forbidden", err)
		}
		if _, err := s.CreateOperation(f.as("be-admin"), "VIBORA", "NL-POL", ""); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("another agency's admin creates an operation led by NL-POL: %v, want forbidden", err)
		}
		o, err := s.CreateOperation(f.as("nl-admin"), "VIBORA", "", "nl-desk@example.org")
		if err != nil || o.LeadAgency != "NL-POL" || len(o.Agencies) != 1 || o.Agencies[0].Role != "lead" || o.Agencies[0].Country != "NL" {
			t.Fatalf("create: %+v, %v", o, err)
		}
		if _, err := s.CreateOperation(f.as("nl-admin"), "VIBORA", "", ""); !errors.Is(err, store.ErrExists) {
			t.Fatalf("created twice: %v", err)
		}
		if _, err := s.Operation(f.as("be-analyst"), "VIBORA"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a stranger reads the operation: %v, want not found", err)
		}
		if list, _ := s.Operations(f.as("be-analyst")); len(list) != 0 {
			t.Fatalf("a stranger lists %+v", list)
		}

		// Partners.
		if _, err := s.AddOperationPartner(f.as("nl-analyst"), "VIBORA", "BE-FCCU", "partner", ""); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("an analyst adds a partner: %v, want forbidden", err)
		}
		if _, err := s.AddOperationPartner(f.as("nl-admin"), "VIBORA", "XX-NONE", "partner", ""); !errors.Is(err, investigation.ErrUnknownAgency) {
			t.Fatalf("unknown agency: %v", err)
		}
		if _, err := s.AddOperationPartner(f.as("nl-admin"), "VIBORA", "BE-FCCU", "observer", ""); !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("bad role: %v", err)
		}
		if _, err := s.AddOperationPartner(f.as("nl-admin"), "VIBORA", "NL-POL", "partner", ""); !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("the lead as partner: %v", err)
		}
		p, err := s.AddOperationPartner(f.as("nl-admin"), "VIBORA", "BE-FCCU", "partner", "+1 202 555 0101")
		if err != nil || p.Country != "BE" || p.Contact != "+1 202 555 0101" {
			t.Fatalf("add partner: %+v, %v", p, err)
		}
		if list, _ := s.Operations(f.as("be-viewer")); len(list) != 1 || list[0].Name != "VIBORA" {
			t.Fatalf("a partner's viewer lists %+v", list)
		}
		if _, err := s.AddOperationPartner(f.as("be-admin"), "VIBORA", "HUB", "coordinator", ""); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("a partner's admin adds a coordinator: %v, want forbidden", err)
		}

		// Cases: only one who may administer the case adds it.
		if _, err := s.AddOperationCase(f.as("nl-analyst"), "VIBORA", "nl-1"); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("an analyst adds a case: %v, want forbidden", err)
		}
		if _, err := s.AddOperationCase(f.as("nl-admin"), "VIBORA", "be-1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another agency's case: %v, want not found", err)
		}
		if _, err := s.AddOperationCase(f.as("be-viewer"), "VIBORA", "be-1"); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("a partner's viewer adds a case: %v, want forbidden", err)
		}
		for _, add := range [][2]string{{"nl-admin", "nl-1"}, {"be-admin", "be-1"}} {
			if _, err := s.AddOperationCase(f.as(add[0]), "VIBORA", add[1]); err != nil {
				t.Fatalf("%s adds %s: %v", add[0], add[1], err)
			}
		}
		if _, err := s.AddOperationCase(f.as("nl-admin"), "VIBORA", "nl-1"); !errors.Is(err, store.ErrExists) {
			t.Fatalf("case added twice: %v", err)
		}

		// Statuses.
		set := func(user, ref string, c operation.Change) (investigation.OperationSuspect, error) {
			return s.SetSuspectStatus(f.as(user), "VIBORA", ref, investigation.StatusRequest{Change: c})
		}
		ash, bo, cy := "nl-1/"+nl[0], "nl-1/"+nl[1], "be-1/"+be[0]
		steps := []struct {
			user, ref string
			c         operation.Change
		}{
			{"nl-analyst", ash, operation.Change{Status: operation.Identified, Why: "named in the group", Date: "2023-03-03"}},
			{"nl-analyst", ash, operation.Change{Status: operation.Attributed, Why: "phone +34", Country: "es", Evidence: "PHONE-01", Date: "2023-03-04"}},
			{"nl-analyst", ash, operation.Change{Status: operation.Deconflicted, Why: "no other holder", Date: "2023-03-05"}},
			{"nl-analyst", ash, operation.Change{Status: operation.ReferralPrepared, Why: "package built", Date: "2023-03-06"}},
			{"nl-analyst", ash, operation.Change{Status: operation.Referred, Why: "sent", Channel: "SIENA", Package: "VIB-ES-1", Date: "2023-03-07"}},
			{"nl-analyst", ash, operation.Change{Status: operation.Arrested, Why: "ES reported the arrest", Date: "2023-03-20"}},
			{"nl-analyst", bo, operation.Change{Status: operation.Candidate, Why: "member of the group", Date: "2023-03-03"}},
			{"be-analyst", cy, operation.Change{Status: operation.Identified, Why: "payment", Date: "2023-03-04"}},
		}
		for _, st := range steps {
			if _, err := set(st.user, st.ref, st.c); err != nil {
				t.Fatalf("%s sets %s %s: %v", st.user, st.ref, st.c.Status, err)
			}
		}
		if _, err := set("nl-analyst", bo, operation.Change{Status: operation.Arrested, Why: "x"}); !errors.Is(err, operation.ErrTransition) || !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("candidate -> arrested: %v, want a refused transition", err)
		}
		if _, err := set("nl-analyst", "nl-1/P999999", operation.Change{Status: operation.Identified, Why: "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a person not in the case: %v, want not found", err)
		}
		if _, err := set("nl-analyst", cy, operation.Change{Status: operation.Attributed, Why: "x", Country: "BE"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a suspect of a case NL may not read: %v, want not found", err)
		}
		if _, err := set("nl-viewer", bo, operation.Change{Status: operation.Identified, Why: "x"}); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("a viewer sets a status: %v, want forbidden", err)
		}
		if _, err := set("nl-analyst", "nl-2/P1", operation.Change{Status: operation.Identified, Why: "x"}); !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("a case outside the operation: %v, want invalid", err)
		}
		if _, err := s.RecordTally(f.as("nl-analyst"), "VIBORA", ash, 3, 0, "2023-03-20", "phone, laptop, USB"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordTally(f.as("be-analyst"), "VIBORA", "", 0, 2, "2023-03-21", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordTally(f.as("nl-analyst"), "VIBORA", bo, 0, 0, "", ""); !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("a tally of nothing: %v", err)
		}

		// Who sees which suspects.
		for user, want := range map[string]struct {
			suspects string
			hidden   int
		}{
			"nl-viewer": {ash + " " + bo, 1}, "be-viewer": {cy, 1}, "hub": {"", 2},
		} {
			o, err := s.Operation(f.as(user), "VIBORA")
			if err != nil || suspectNames(o) != want.suspects || o.HiddenCases != want.hidden || len(o.Cases) != 2-want.hidden {
				t.Errorf("%s sees %q (hidden %d, cases %+v), %v; want %q, %d hidden", user, suspectNames(o), o.HiddenCases, o.Cases, err, want.suspects, want.hidden)
			}
		}
		if _, err := s.ShareCase(f.as("be-admin"), "be-1", "NL-POL", "viewer"); err != nil {
			t.Fatal(err)
		}
		o, err = s.Operation(f.as("nl-viewer"), "VIBORA")
		if err != nil || suspectNames(o) != cy+" "+ash+" "+bo || o.HiddenCases != 0 {
			t.Fatalf("after the share NL sees %q, hidden %d, %v", suspectNames(o), o.HiddenCases, err)
		}
		a := o.Suspects[1]
		if a.Status != "arrested" || a.Country != "ES" || len(a.History) != 6 || a.History[1].Evidence != "PHONE-01" || a.History[4].Channel != "SIENA" || a.History[0].RecordedBy != "nl-analyst" {
			t.Fatalf("suspect %+v", a)
		}

		// The report, as NL sees it now, and as of before the arrest.
		rep, err := s.OperationReport(f.as("nl-viewer"), "VIBORA", "")
		if err != nil {
			t.Fatal(err)
		}
		want := operation.Totals{Suspects: 3, Identified: 2, Referred: 1, Arrested: 1, Acknowledged: 1, InvestigationsOpened: 1, DevicesSeized: 3, VictimsSafeguarded: 2, PackagesSent: 1}
		if rep.Totals != want || strings.Join(rep.ParticipatingCountries, ",") != "BE,NL" || strings.Join(rep.ReferralCountries, ",") != "ES" {
			t.Fatalf("report totals %+v, countries %v %v", rep.Totals, rep.ParticipatingCountries, rep.ReferralCountries)
		}
		early, err := s.OperationReport(f.as("nl-viewer"), "VIBORA", "2023-03-10")
		if err != nil || early.Totals.Arrested != 0 || early.Totals.Referred != 1 || early.Funnel[0].StalledAt != operation.Referred {
			t.Fatalf("as of 2025-03-10: %+v, %v", early, err)
		}
		if _, err := s.OperationReport(f.as("nl-viewer"), "VIBORA", "10/03/2025"); !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("bad as-of: %v", err)
		}
		if _, err := s.OperationReport(f.as("be-analyst"), "NOPE", ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing operation: %v", err)
		}

		// Every change is in the audit trail, which verifies.
		ctx := context.Background()
		counts := map[string]int{}
		err = f.db.AuditRecords(ctx, "operation:VIBORA", func(r audit.Record) error { counts[r.Action]++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if counts["operation.create"] != 1 || counts["operation.partner.add"] != 1 || counts["operation.case.add"] != 2 || counts["operation.status"] != len(steps) ||
			counts["operation.seized"] != 1 || counts["operation.safeguarded"] != 1 {
			t.Fatalf("audit records %v", counts)
		}
		v, err := s.VerifyAudit(ctx)
		if err != nil || !v.OK() {
			t.Fatalf("audit verify: %+v, %v", v, err)
		}
	})
}
