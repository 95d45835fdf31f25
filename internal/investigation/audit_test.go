package investigation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// fixedClock returns a clock that advances one second per call.
func fixedClock() func() time.Time {
	t := time.Date(2024, 1, 20, 10, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func newService(t *testing.T, open storetest.Opener) *investigation.Service {
	return investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()))
}

// populate makes five audited changes.
func populate(t *testing.T, s *investigation.Service) {
	ctx := context.Background()
	if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-tidewater", Country: "nl"}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"PHONE-1", "LAPTOP-1", "USB-1", "CLOUD-1"} {
		if _, err := s.AddExhibit(ctx, "op-tidewater", investigation.Exhibit{Label: l}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		tampers := []struct {
			name string
			sql  []string
			want string
		}{
			{"none", nil, ""},
			{"edit actor", []string{"UPDATE audit SET actor = 'mallory' WHERE seq = 2"}, "record 2: content does not match"},
			{"edit detail", []string{"UPDATE audit SET after_digest = 'ff' WHERE seq = 4"}, "record 4: content does not match"},
			{"edit agency", []string{"UPDATE audit SET agency = 'XX' WHERE seq = 2"}, "record 2: content does not match"},
			{"edit request id", []string{"UPDATE audit SET request_id = 'other' WHERE seq = 3"}, "record 3: content does not match"},
			{"downgrade record version", []string{"UPDATE audit SET version = 1 WHERE seq = 2"}, "record 2: content does not match"},
			{"delete middle", []string{"DELETE FROM audit WHERE seq = 3"}, "record 4: follows record 2"},
			{"delete last", []string{"DELETE FROM audit WHERE seq = 5"}, "newest records deleted"},
			{"reorder", []string{
				"UPDATE audit SET seq = 100 WHERE seq = 2",
				"UPDATE audit SET seq = 2 WHERE seq = 3",
				"UPDATE audit SET seq = 3 WHERE seq = 100",
			}, "does not link to record"},
		}
		for _, tc := range tampers {
			t.Run(tc.name, func(t *testing.T) {
				db := open(t, -1)
				s := investigation.New(db, "alex", investigation.WithClock(fixedClock()))
				populate(t, s)
				for _, q := range tc.sql {
					if _, err := db.SQL().Exec(q); err != nil {
						t.Fatal(err)
					}
				}
				rep, err := s.VerifyAudit(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if tc.want == "" {
					if !rep.OK() || rep.Records != 5 {
						t.Fatalf("untouched chain: %+v", rep)
					}
					return
				}
				if rep.OK() {
					t.Fatal("tampering not detected")
				}
				var all []string
				for _, p := range rep.Problems {
					all = append(all, p.String())
				}
				if !strings.Contains(strings.Join(all, "\n"), tc.want) {
					t.Fatalf("problems %q do not mention %q", all, tc.want)
				}
			})
		}
	})
}

func TestMutationsAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := newService(t, open)
		populate(t, s)
		var actions []string
		s.AuditLog(ctx, "", func(r auditRecord) error { actions = append(actions, r.Action+" "+r.Object+" "+r.Actor); return nil })
		want := "case.create case:op-tidewater alex|exhibit.add exhibit:op-tidewater/PHONE-1 alex"
		if got := strings.Join(actions[:2], "|"); got != want {
			t.Fatalf("audit = %q, want prefix %q", got, want)
		}
		// A refused change leaves no record.
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-tidewater"}); err == nil {
			t.Fatal("duplicate case accepted")
		}
		if _, err := s.AddExhibit(ctx, "op-tidewater", investigation.Exhibit{Label: "X", Type: "toaster"}); err == nil {
			t.Fatal("unknown exhibit type accepted")
		}
		rep, _ := s.VerifyAudit(ctx)
		if rep.Records != 5 || !rep.OK() {
			t.Fatalf("after refused changes: %+v", rep)
		}
		d, err := s.CaseDetail(ctx, "op-tidewater")
		if err != nil || len(d.Custody) != 4 || d.Custody[0].Event != "acquired" || len(d.Exhibits) != 4 {
			t.Fatalf("case detail = %+v, %v", d, err)
		}
	})
}
