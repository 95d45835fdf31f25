package operation

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Event is one recorded status change of a suspect, as the report needs
// it.
type Event struct {
	Status  Status
	Date    string // the day it happened, YYYY-MM-DD
	Country string // attributed: the country
	Package string // the referral package it came with, if any
}

// Suspect is one suspect of an operation with its status history in the
// order it was recorded.
type Suspect struct {
	Key    string // CASE/PERSON
	Role   string // uploader, distributor, admin, payer, viewer; "" unknown
	Events []Event
}

// Tally is a count recorded against an operation and, when Suspect is not
// "", one of its suspects.
type Tally struct {
	Suspect string
	Devices int64 // devices seized
	Victims int64 // victims safeguarded
	Date    string
}

// Input is what a report is computed from.
type Input struct {
	Operation string
	// AsOf leaves out what happened after that day (YYYY-MM-DD; "" for
	// everything recorded).
	AsOf string
	// Countries are those of the participating agencies (lead, partners,
	// coordinators that have one).
	Countries []string
	Suspects  []Suspect
	Tallies   []Tally
}

// Unattributed is how the report's rows name the suspects (and tallies)
// that no country has been attributed to.
const Unattributed = ""

// Report is the operation report as of a day: "so far", because
// operations keep reporting for months.
type Report struct {
	Operation string `json:"operation"`
	AsOf      string `json:"as_of"`
	// ParticipatingCountries are the participating agencies' countries;
	// ReferralCountries those a suspect was referred to.
	ParticipatingCountries []string        `json:"participating_countries"`
	ReferralCountries      []string        `json:"referral_countries"`
	Totals                 Totals          `json:"totals"`
	Statuses               []StatusCount   `json:"statuses"`
	ByCountry              []CountryCounts `json:"by_country"`
	ByRole                 []RoleCounts    `json:"by_role"`
	ByWeek                 []WeekCounts    `json:"by_week"`
	Funnel                 []FunnelRow     `json:"funnel"`
}

// Totals are the operation's counters.
type Totals struct {
	Suspects     int `json:"suspects"`
	Identified   int `json:"identified"`
	Referred     int `json:"referred"`
	Acknowledged int `json:"acknowledged"`
	// InvestigationsOpened counts the suspects a recipient country
	// investigates: under national investigation, or any action or
	// charge that implies one.
	InvestigationsOpened int   `json:"investigations_opened"`
	Searched             int   `json:"searched"`
	Arrested             int   `json:"arrested"`
	Charged              int   `json:"charged"`
	Convicted            int   `json:"convicted"`
	DevicesSeized        int64 `json:"devices_seized"`
	VictimsSafeguarded   int64 `json:"victims_safeguarded"`
	PackagesSent         int   `json:"packages_sent"`
	PackagesAcknowledged int   `json:"packages_acknowledged"`
}

// StatusCount is how many suspects stand in a status.
type StatusCount struct {
	Status Status `json:"status"`
	Count  int    `json:"count"`
}

// Counts are the people counters of one row of a breakdown.
type Counts struct {
	Identified int `json:"identified"`
	Referred   int `json:"referred"`
	Arrested   int `json:"arrested"`
}

// CountryCounts is one country's row ("" for suspects not attributed).
type CountryCounts struct {
	Country string `json:"country"`
	Counts
	InvestigationsOpened int   `json:"investigations_opened"`
	DevicesSeized        int64 `json:"devices_seized"`
	VictimsSafeguarded   int64 `json:"victims_safeguarded"`
}

// RoleCounts is one role's row ("" for suspects of no known role).
type RoleCounts struct {
	Role string `json:"role"`
	Counts
}

// WeekCounts counts what happened in one ISO week (2025-W11): suspects
// identified, referred and arrested that week.
type WeekCounts struct {
	Week string `json:"week"`
	Counts
}

// FunnelRow is one country's funnel: how many suspects reached each stage,
// how many wait in each main-line stage now, and the stage where most
// wait (where referrals stall; "" when none wait).
type FunnelRow struct {
	Country      string         `json:"country"`
	Identified   int            `json:"identified"`
	Attributed   int            `json:"attributed"`
	Referred     int            `json:"referred"`
	Acknowledged int            `json:"acknowledged"`
	Arrested     int            `json:"arrested"`
	Exited       int            `json:"exited"`
	Waiting      map[Status]int `json:"waiting"`
	StalledAt    Status         `json:"stalled_at"`
}

// ranks are the statuses' main-line ranks, from Table.
var ranks = func() map[Status]int {
	m := make(map[Status]int, len(Table))
	for _, r := range Table {
		m[r.Status] = r.Rank
	}
	return m
}()

// rankOf is a status's main-line rank (0 for exits and unknowns).
func rankOf(s Status) int { return ranks[s] }

// ISOWeek formats the ISO week of a YYYY-MM-DD day ("" when malformed).
func ISOWeek(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// standing is one suspect as of the report's day.
type standing struct {
	role, country                  string
	current                        Status
	maxRank                        int
	identified, referred, arrested string // the day each was first reached ("" never)
	searched, charged, convicted   bool
	investigated                   bool     // under national investigation, or an action or charge
	sent, acked                    []string // packages
}

func stand(s Suspect, asOf string) (standing, bool) {
	st := standing{role: s.Role}
	seen := false
	for _, e := range s.Events {
		if asOf != "" && e.Date > asOf {
			continue
		}
		seen = true
		st.current = e.Status
		rank := rankOf(e.Status)
		st.maxRank = max(st.maxRank, rank)
		if e.Country != "" && (e.Status == Attributed || st.country == "") {
			st.country = e.Country
		}
		if rank >= rankOf(Identified) && st.identified == "" {
			st.identified = e.Date
		}
		if rank >= rankOf(Referred) && st.referred == "" {
			st.referred = e.Date
		}
		switch e.Status {
		case UnderInvestigation, Searched, Arrested, Charged, Convicted:
			st.investigated = true
		}
		switch e.Status {
		case Arrested:
			if st.arrested == "" {
				st.arrested = e.Date
			}
		case Searched:
			st.searched = true
		case Charged:
			st.charged = true
		case Convicted:
			st.convicted = true
		}
		if e.Package != "" {
			if e.Status == Referred {
				st.sent = append(st.sent, e.Package)
			} else if rank >= rankOf(Acknowledged) || e.Status == Declined {
				st.acked = append(st.acked, e.Package)
			}
		}
	}
	return st, seen
}

func (c *Counts) add(st standing) {
	if st.identified != "" {
		c.Identified++
	}
	if st.referred != "" {
		c.Referred++
	}
	if st.arrested != "" {
		c.Arrested++
	}
}

// Compute computes the report of in. It is deterministic: rows are sorted
// by their key, with the unattributed row last.
func Compute(in Input) Report {
	rep := Report{Operation: in.Operation, AsOf: in.AsOf}
	byCountry := map[string]*CountryCounts{}
	byRole := map[string]*RoleCounts{}
	byWeek := map[string]*WeekCounts{}
	funnel := map[string]*FunnelRow{}
	statuses := map[Status]int{}
	sent, acked := map[string]bool{}, map[string]bool{}
	referralCountries := map[string]bool{}
	countryOf := map[string]string{}
	country := func(cc string) *CountryCounts {
		if byCountry[cc] == nil {
			byCountry[cc] = &CountryCounts{Country: cc}
		}
		return byCountry[cc]
	}
	weekOf := map[string]string{} // day -> ISO week: few days, many suspects
	week := func(day string) *WeekCounts {
		w, ok := weekOf[day]
		if !ok {
			w = ISOWeek(day)
			weekOf[day] = w
		}
		if byWeek[w] == nil {
			byWeek[w] = &WeekCounts{Week: w}
		}
		return byWeek[w]
	}
	for _, s := range in.Suspects {
		st, ok := stand(s, in.AsOf)
		if !ok {
			continue
		}
		countryOf[s.Key] = st.country
		rep.Totals.Suspects++
		statuses[st.current]++
		country(st.country).add(st)
		if byRole[st.role] == nil {
			byRole[st.role] = &RoleCounts{Role: st.role}
		}
		byRole[st.role].add(st)
		if st.identified != "" {
			week(st.identified).Identified++
			rep.Totals.Identified++
		}
		if st.referred != "" {
			week(st.referred).Referred++
			rep.Totals.Referred++
			if st.country != "" {
				referralCountries[st.country] = true
			}
		}
		if st.arrested != "" {
			week(st.arrested).Arrested++
			rep.Totals.Arrested++
		}
		if st.maxRank >= rankOf(Acknowledged) {
			rep.Totals.Acknowledged++
		}
		rep.Totals.InvestigationsOpened += boolInt(st.investigated)
		country(st.country).InvestigationsOpened += boolInt(st.investigated)
		rep.Totals.Searched += boolInt(st.searched)
		rep.Totals.Charged += boolInt(st.charged)
		rep.Totals.Convicted += boolInt(st.convicted)
		for _, p := range st.sent {
			sent[p] = true
		}
		for _, p := range st.acked {
			acked[p] = true
		}
		f := funnel[st.country]
		if f == nil {
			f = &FunnelRow{Country: st.country, Waiting: map[Status]int{}}
			funnel[st.country] = f
		}
		f.Identified += boolInt(st.identified != "")
		f.Attributed += boolInt(st.maxRank >= rankOf(Attributed))
		f.Referred += boolInt(st.referred != "")
		f.Acknowledged += boolInt(st.maxRank >= rankOf(Acknowledged))
		f.Arrested += boolInt(st.arrested != "")
		switch r := rankOf(st.current); {
		case r == 0:
			f.Exited++
		case r >= rankOf(Identified) && r <= rankOf(UnderInvestigation):
			f.Waiting[st.current]++
		}
	}
	for _, t := range in.Tallies {
		if in.AsOf != "" && t.Date > in.AsOf {
			continue
		}
		c := country(countryOf[t.Suspect])
		c.DevicesSeized += t.Devices
		c.VictimsSafeguarded += t.Victims
		rep.Totals.DevicesSeized += t.Devices
		rep.Totals.VictimsSafeguarded += t.Victims
	}
	for p := range sent {
		rep.Totals.PackagesSent++
		if acked[p] {
			rep.Totals.PackagesAcknowledged++
		}
	}
	for _, r := range Table {
		if n := statuses[r.Status]; n > 0 {
			rep.Statuses = append(rep.Statuses, StatusCount{r.Status, n})
		}
	}
	rep.ParticipatingCountries = sortedSet(in.Countries)
	rep.ReferralCountries = sortedKeys(referralCountries)
	rep.ByCountry = rows(byCountry, func(c CountryCounts) string { return c.Country })
	rep.ByRole = rows(byRole, func(r RoleCounts) string { return r.Role })
	rep.ByWeek = rows(byWeek, func(w WeekCounts) string { return w.Week })
	rep.Funnel = rows(funnel, func(f FunnelRow) string { return f.Country })
	for i := range rep.Funnel {
		rep.Funnel[i].StalledAt = stalledAt(rep.Funnel[i].Waiting)
	}
	if rep.Statuses == nil {
		rep.Statuses = []StatusCount{}
	}
	return rep
}

// stalledAt is the main-line status most suspects wait in (the earliest on
// a tie), or "".
func stalledAt(waiting map[Status]int) Status {
	var best Status
	for _, r := range Table {
		if n := waiting[r.Status]; n > 0 && n > waiting[best] {
			best = r.Status
		}
	}
	return best
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sortedSet(list []string) []string {
	set := map[string]bool{}
	for _, s := range list {
		if s != "" {
			set[s] = true
		}
	}
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// rows flattens a map of rows, sorted by key with "" last.
func rows[T any](m map[string]*T, key func(T) string) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, *v)
	}
	slices.SortFunc(out, func(a, b T) int {
		ka, kb := key(a), key(b)
		if (ka == "") != (kb == "") {
			return boolInt(ka == "") - boolInt(kb == "")
		}
		return cmp.Compare(ka, kb)
	})
	return out
}
