package investigation_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestCaseTimeline: the demo case's timeline dates its messages (per day
// and chat), membership events, files and stealer logs in time order; a
// person's timeline lists their own messages and is audited; windows and
// caps cut it, and another agency sees nothing.
func TestCaseTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		demoCase(t, s, "NL-POL")

		tl, err := s.CaseTimeline(as(nlViewer), "op", investigation.TimelineOptions{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for i, e := range tl.Events {
			kinds[e.Kind]++
			if e.At == "" || e.Label == "" {
				t.Errorf("event %+v: no time or label", e)
			}
			if i > 0 && e.At < tl.Events[i-1].At {
				t.Errorf("event %d (%s) before event %d (%s)", i, e.At, i-1, tl.Events[i-1].At)
			}
		}
		for _, k := range []string{investigation.EventMessageDay, investigation.EventMembership, investigation.EventFileDay, investigation.EventStealerLog} {
			if kinds[k] == 0 {
				t.Errorf("no %s event in the case timeline: %v", k, kinds)
			}
		}
		if kinds[investigation.EventMessage] != 0 || tl.Truncated {
			t.Errorf("case timeline lists single messages (%d) or is truncated (%v)", kinds[investigation.EventMessage], tl.Truncated)
		}

		people, err := s.People(ctx, "op")
		if err != nil {
			t.Fatal(err)
		}
		rowan := people[0]
		ptl, err := s.CaseTimeline(as(nlViewer), "op", investigation.TimelineOptions{Person: strings.ToLower(rowan.ID)})
		if err != nil {
			t.Fatal(err)
		}
		msgs := 0
		for _, e := range ptl.Events {
			if e.Kind == investigation.EventMessage {
				msgs++
				if !strings.HasPrefix(e.Label, rowan.Name+" in ") {
					t.Errorf("message event %+v is not Rowan's", e)
				}
			}
		}
		if int64(msgs) < rowan.Messages || !slices.ContainsFunc(ptl.Events, func(e investigation.TimelineEvent) bool {
			return e.Kind == investigation.EventStealerLog
		}) || !slices.ContainsFunc(ptl.Events, func(e investigation.TimelineEvent) bool {
			return e.Kind == investigation.EventMembership && strings.HasPrefix(e.Label, "create")
		}) {
			t.Errorf("Rowan's timeline: %d message(s) of %d, or no stealer log or creation: %+v", msgs, rowan.Messages, ptl.Events)
		}

		// A cap keeps the first events and says where the rest start; a
		// window from there continues.
		capped, err := s.CaseTimeline(ctx, "op", investigation.TimelineOptions{Person: rowan.ID, Limit: 2})
		if err != nil || len(capped.Events) != 2 || !capped.Truncated || capped.Next == "" || capped.Events[0] != ptl.Events[0] {
			t.Fatalf("capped: %+v %v", capped, err)
		}
		rest, err := s.CaseTimeline(ctx, "op", investigation.TimelineOptions{Person: rowan.ID, From: capped.Next})
		if err != nil || len(rest.Events) == 0 || rest.Events[0].At != capped.Next {
			t.Fatalf("rest from %s: %+v %v", capped.Next, rest, err)
		}
		for _, bad := range []investigation.TimelineOptions{{Limit: -1}, {Limit: investigation.MaxTimelineEvents + 1}, {From: "2024-03", To: "2024-03"}} {
			if _, err := s.CaseTimeline(ctx, "op", bad); !errors.Is(err, investigation.ErrInvalid) {
				t.Errorf("%+v: %v, want ErrInvalid", bad, err)
			}
		}
		if _, err := s.CaseTimeline(ctx, "op", investigation.TimelineOptions{Person: "P999999"}); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("unknown person: %v", err)
		}
		if _, err := s.CaseTimeline(as(beInv), "op", investigation.TimelineOptions{Person: rowan.ID}); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("another agency: %v", err)
		}
		reads := 0
		err = s.AuditLog(ctx, "case:op/person:", func(r audit.Record) error {
			if r.Action == "person.timeline.read" {
				reads++
			}
			return nil
		})
		if err != nil || reads != 3 {
			t.Errorf("%d person.timeline.read records, want 3 (%v)", reads, err)
		}
	})
}
