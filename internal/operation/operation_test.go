package operation

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

func TestTableIsClosed(t *testing.T) {
	seen := map[Status]bool{}
	for _, r := range Table {
		if seen[r.Status] {
			t.Errorf("%s listed twice", r.Status)
		}
		seen[r.Status] = true
		if (r.Stage == StageExit) != (r.Rank == 0) {
			t.Errorf("%s: exits and only exits have rank 0 (rank %d, stage %s)", r.Status, r.Rank, r.Stage)
		}
		for _, n := range r.Next {
			if _, ok := RuleOf(n); !ok {
				t.Errorf("%s -> %s: no such status", r.Status, n)
			}
			// The main line never goes back, except re-attribution to
			// another country and the reopening of exits.
			if nr := rankOf(n); r.Rank > 0 && nr > 0 && nr < r.Rank && n != Attributed {
				t.Errorf("%s -> %s goes back on the main line", r.Status, n)
			}
		}
	}
	// Every status is reachable from a start.
	reach := map[Status]bool{}
	queue := slices.Clone(Start)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if reach[s] {
			continue
		}
		reach[s] = true
		r, _ := RuleOf(s)
		queue = append(queue, r.Next...)
	}
	for _, r := range Table {
		if !reach[r.Status] {
			t.Errorf("%s cannot be reached", r.Status)
		}
	}
}

func TestTransitions(t *testing.T) {
	for _, c := range []struct {
		from, to Status
		ok       bool
	}{
		{"", Candidate, true},
		{"", Identified, true},
		{"", Referred, false},
		{Candidate, Identified, true},
		{Candidate, Referred, false},
		{Identified, Attributed, true},
		{Identified, Deconflicted, false},
		{Attributed, Attributed, true},
		{Attributed, Deconflicted, true},
		{Deconflicted, ReferralPrepared, true},
		{ReferralPrepared, Referred, true},
		{Referred, Acknowledged, true},
		{Referred, Arrested, true}, // a country reports the arrest without acknowledging first
		{Referred, Charged, false},
		{Acknowledged, Referred, false},
		{Arrested, Charged, true},
		{Arrested, Searched, false},
		{Charged, Convicted, true},
		{Convicted, NoFurtherAction, false},
		{Identified, AlreadyKnown, true},
		{AlreadyKnown, Identified, false},
		{Insufficient, Identified, true},
		{Declined, Attributed, true},
		{Arrested, OutOfReach, false},
	} {
		if got := Allowed(c.from, c.to); got != c.ok {
			t.Errorf("Allowed(%q, %q) = %v, want %v", c.from, c.to, got, c.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	if _, err := Check(Identified, Change{Status: Attributed, Why: "phone +34"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("attributed without a country: %v, want ErrInvalid", err)
	}
	c, err := Check(Identified, Change{Status: Attributed, Why: "phone +34", Country: "es"})
	if err != nil || c.Country != "ES" {
		t.Errorf("attributed to es: %+v, %v", c, err)
	}
	if _, err := Check(Identified, Change{Status: Attributed, Why: "x", Country: "Spain"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("country name instead of a code: %v, want ErrInvalid", err)
	}
	if _, err := Check(Identified, Change{Status: Attributed, Why: "x", Country: "XX"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown country: %v, want ErrInvalid", err)
	}
	if _, err := Check(ReferralPrepared, Change{Status: Referred, Why: "sent"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("referred without a channel: %v, want ErrInvalid", err)
	}
	if _, err := Check(ReferralPrepared, Change{Status: Referred, Why: "sent", Channel: "SIENA", Date: "2025-13-01"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad date: %v, want ErrInvalid", err)
	}
	if _, err := Check(Candidate, Change{Status: Identified, Why: "  "}); !errors.Is(err, ErrInvalid) {
		t.Errorf("blank reason: %v, want ErrInvalid", err)
	}
	if _, err := Check(Candidate, Change{Status: Arrested, Why: "x"}); !errors.Is(err, ErrTransition) {
		t.Errorf("candidate -> arrested: %v, want ErrTransition", err)
	}
	if s, err := ParseStatus("No-Further-Action"); err != nil || s != NoFurtherAction {
		t.Errorf("ParseStatus = %q, %v", s, err)
	}
	if _, err := ParseStatus("released"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown status: %v", err)
	}
}

// ev builds an event.
func ev(s Status, day string, more ...string) Event {
	e := Event{Status: s, Date: day}
	if len(more) > 0 {
		e.Country = more[0]
	}
	if len(more) > 1 {
		e.Package = more[1]
	}
	return e
}

func sampleInput() Input {
	path := func(country, pkg string, arrestDay string) []Event {
		es := []Event{
			ev(Candidate, "2025-03-03"), ev(Identified, "2025-03-04"), ev(Attributed, "2025-03-05", country),
			ev(Deconflicted, "2025-03-06"), ev(ReferralPrepared, "2025-03-07"), ev(Referred, "2025-03-10", "", pkg),
		}
		if arrestDay != "" {
			es = append(es, ev(Acknowledged, "2025-03-12", "", pkg), ev(Arrested, arrestDay))
		}
		return es
	}
	return Input{
		Operation: "VIBORA",
		Countries: []string{"ES", "AR", "ES", ""},
		Suspects: []Suspect{
			{Key: "c1/P1", Role: "admin", Events: path("ES", "VIB-ES-1", "2025-03-17")},
			{Key: "c1/P2", Role: "uploader", Events: path("ES", "VIB-ES-1", "2025-05-02")},
			{Key: "c1/P3", Role: "viewer", Events: path("AR", "VIB-AR-1", "")},
			{Key: "c2/P1", Role: "viewer", Events: path("AR", "VIB-AR-1", "")},
			{Key: "c2/P2", Role: "payer", Events: []Event{ev(Identified, "2025-03-04"), ev(Attributed, "2025-03-05", "BR")}},
			{Key: "c2/P3", Events: []Event{ev(Candidate, "2025-03-03"), ev(Insufficient, "2025-03-08")}},
			{Key: "c2/P4", Events: []Event{ev(Identified, "2025-06-01")}}, // after the as-of day
		},
		Tallies: []Tally{
			{Suspect: "c1/P1", Devices: 4, Date: "2025-03-17"},
			{Suspect: "c1/P2", Devices: 2, Victims: 1, Date: "2025-05-02"},
			{Victims: 3, Date: "2025-04-01"},
			{Suspect: "c1/P1", Devices: 9, Date: "2025-07-01"}, // after the as-of day
		},
	}
}

// TestInvestigationsOpened: a suspect counts as an investigation opened
// once the recipient reports it under national investigation, or an
// action or charge that implies one; an acknowledgement followed by no
// further action, or a refusal, does not.
func TestInvestigationsOpened(t *testing.T) {
	referred := []Event{ev(Identified, "2025-03-04"), ev(Attributed, "2025-03-05", "PT"), ev(Deconflicted, "2025-03-06"),
		ev(ReferralPrepared, "2025-03-07"), ev(Referred, "2025-03-10", "", "VIB-PT-1")}
	then := func(more ...Event) []Event { return append(slices.Clone(referred), more...) }
	in := Input{Operation: "VIBORA", Suspects: []Suspect{
		{Key: "c/P1", Events: then(ev(Acknowledged, "2025-03-11"), ev(UnderInvestigation, "2025-03-20"), ev(NoFurtherAction, "2025-04-01"))},
		{Key: "c/P2", Events: then(ev(Searched, "2025-03-25"))},
		{Key: "c/P3", Events: then(ev(Acknowledged, "2025-03-11"), ev(NoFurtherAction, "2025-03-12"))},
		{Key: "c/P4", Events: then(ev(Declined, "2025-03-12"))},
		{Key: "c/P5", Events: then(ev(Acknowledged, "2025-03-11"), ev(UnderInvestigation, "2025-06-01"))}, // after the as-of day
	}, AsOf: "2025-05-31"}
	r := Compute(in)
	if r.Totals.InvestigationsOpened != 2 || len(r.ByCountry) != 1 || r.ByCountry[0].InvestigationsOpened != 2 {
		t.Errorf("investigations opened: totals %d, by country %+v", r.Totals.InvestigationsOpened, r.ByCountry)
	}
}

func TestReport(t *testing.T) {
	in := sampleInput()
	in.AsOf = "2025-05-31"
	r := Compute(in)
	want := Totals{Suspects: 6, Identified: 5, Referred: 4, Acknowledged: 2, InvestigationsOpened: 2, Arrested: 2, DevicesSeized: 6, VictimsSafeguarded: 4, PackagesSent: 2, PackagesAcknowledged: 1}
	if r.Totals != want {
		t.Errorf("totals = %+v\nwant     %+v", r.Totals, want)
	}
	if !reflect.DeepEqual(r.ParticipatingCountries, []string{"AR", "ES"}) || !reflect.DeepEqual(r.ReferralCountries, []string{"AR", "ES"}) {
		t.Errorf("countries = %v, referral countries = %v", r.ParticipatingCountries, r.ReferralCountries)
	}
	wantCountries := []CountryCounts{
		{Country: "AR", Counts: Counts{Identified: 2, Referred: 2}},
		{Country: "BR", Counts: Counts{Identified: 1}},
		{Country: "ES", Counts: Counts{Identified: 2, Referred: 2, Arrested: 2}, InvestigationsOpened: 2, DevicesSeized: 6, VictimsSafeguarded: 1},
		{Country: Unattributed, VictimsSafeguarded: 3},
	}
	if !reflect.DeepEqual(r.ByCountry, wantCountries) {
		t.Errorf("by country = %+v\nwant         %+v", r.ByCountry, wantCountries)
	}
	wantWeeks := []WeekCounts{
		{Week: "2025-W10", Counts: Counts{Identified: 5}},
		{Week: "2025-W11", Counts: Counts{Referred: 4}},
		{Week: "2025-W12", Counts: Counts{Arrested: 1}},
		{Week: "2025-W18", Counts: Counts{Arrested: 1}},
	}
	if !reflect.DeepEqual(r.ByWeek, wantWeeks) {
		t.Errorf("by week = %+v\nwant      %+v", r.ByWeek, wantWeeks)
	}
	wantRoles := []RoleCounts{
		{Role: "admin", Counts: Counts{1, 1, 1}}, {Role: "payer", Counts: Counts{1, 0, 0}},
		{Role: "uploader", Counts: Counts{1, 1, 1}}, {Role: "viewer", Counts: Counts{2, 2, 0}},
		{Role: "", Counts: Counts{}},
	}
	if !reflect.DeepEqual(r.ByRole, wantRoles) {
		t.Errorf("by role = %+v\nwant      %+v", r.ByRole, wantRoles)
	}
	ar := r.Funnel[0]
	if ar.Country != "AR" || ar.Identified != 2 || ar.Referred != 2 || ar.Acknowledged != 0 || ar.Arrested != 0 || ar.StalledAt != Referred {
		t.Errorf("AR funnel = %+v: the referrals wait for an acknowledgement", ar)
	}
	br := r.Funnel[1]
	if br.Country != "BR" || br.Attributed != 1 || br.Referred != 0 || br.StalledAt != Attributed {
		t.Errorf("BR funnel = %+v", br)
	}
	none := r.Funnel[3]
	if none.Country != Unattributed || none.Exited != 1 || none.StalledAt != "" {
		t.Errorf("unattributed funnel = %+v", none)
	}
	wantStatuses := []StatusCount{{Attributed, 1}, {Referred, 2}, {Arrested, 2}, {Insufficient, 1}}
	if !reflect.DeepEqual(r.Statuses, wantStatuses) {
		t.Errorf("statuses = %+v, want %+v", r.Statuses, wantStatuses)
	}
}

func TestReportAsOf(t *testing.T) {
	in := sampleInput()
	in.AsOf = "2025-03-09" // before any referral
	r := Compute(in)
	if r.Totals.Referred != 0 || r.Totals.Arrested != 0 || r.Totals.PackagesSent != 0 || r.Totals.VictimsSafeguarded != 0 {
		t.Errorf("as of 2025-03-09: %+v", r.Totals)
	}
	if r.Funnel[0].StalledAt != ReferralPrepared {
		t.Errorf("AR stalls at %q, want referral_prepared", r.Funnel[0].StalledAt)
	}
	in.AsOf = ""
	all := Compute(in)
	if all.Totals.Suspects != 7 || all.Totals.DevicesSeized != 15 {
		t.Errorf("everything: %+v", all.Totals)
	}
	// Deterministic: the same input gives the same report.
	if !reflect.DeepEqual(all, Compute(in)) {
		t.Error("two computations differ")
	}
}

func TestISOWeek(t *testing.T) {
	for day, want := range map[string]string{"2025-01-01": "2025-W01", "2024-12-30": "2025-W01", "2021-01-03": "2020-W53", "x": ""} {
		if got := ISOWeek(day); got != want {
			t.Errorf("ISOWeek(%s) = %s, want %s", day, got, want)
		}
	}
}
