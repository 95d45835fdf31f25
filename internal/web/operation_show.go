package web

import (
	"net/http"
	"slices"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/operation"
)

// operationView is an operation's page: its agencies, cases and suspects
// with their status histories, and the report as of a day with the
// funnel and the per-country table.
type operationView struct {
	investigation.Operation
	Report operation.Report
	AsOf   string // the as-of day asked for ("" for everything recorded)
	// Funnel are the report's funnel rows with each stage as a share of
	// the row's identified suspects.
	Funnel []funnelView
	// Countries is the per-country table: the funnel's counts next to
	// the devices seized and victims safeguarded.
	Countries []countryView
}

// funnelStage is one stage of a country's funnel.
type funnelStage struct {
	Name  string
	Count int
	Max   int // the row's identified suspects (the meter's maximum)
}

// funnelView is one country's funnel.
type funnelView struct {
	Country   string // "" for suspects not attributed to a country
	Stages    []funnelStage
	Exited    int
	StalledAt string
}

// countryView is one row of the per-country table.
type countryView struct {
	Country                                      string
	Identified, Referred, Acknowledged, Arrested int
	InvestigationsOpened                         int
	DevicesSeized, VictimsSafeguarded            int64
}

// operationShow is an operation as the user may see it: suspects of the
// cases it may not read are left out (and the cases counted).
func (u *UI) operationShow(w http.ResponseWriter, r *http.Request) error {
	name, asOf := r.PathValue("operation"), r.URL.Query().Get("as_of")
	o, err := u.svc.Operation(r.Context(), name)
	if err != nil {
		return err
	}
	rep, err := u.svc.OperationReport(r.Context(), name, asOf)
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "operation", o.Name, "operations", newOperationView(o, rep, asOf))
}

func newOperationView(o investigation.Operation, rep operation.Report, asOf string) operationView {
	v := operationView{Operation: o, Report: rep, AsOf: asOf}
	byCountry := map[string]*countryView{}
	row := func(cc string) *countryView {
		if byCountry[cc] == nil {
			byCountry[cc] = &countryView{Country: cc}
		}
		return byCountry[cc]
	}
	for _, f := range rep.Funnel {
		n := max(f.Identified, 1)
		v.Funnel = append(v.Funnel, funnelView{Country: f.Country, Exited: f.Exited, StalledAt: string(f.StalledAt), Stages: []funnelStage{
			{"identified", f.Identified, n}, {"attributed", f.Attributed, n}, {"referred", f.Referred, n},
			{"acknowledged", f.Acknowledged, n}, {"arrested", f.Arrested, n},
		}})
		c := row(f.Country)
		c.Identified, c.Referred, c.Acknowledged, c.Arrested = f.Identified, f.Referred, f.Acknowledged, f.Arrested
	}
	for _, c := range rep.ByCountry {
		x := row(c.Country)
		x.DevicesSeized, x.VictimsSafeguarded = c.DevicesSeized, c.VictimsSafeguarded
		x.InvestigationsOpened = c.InvestigationsOpened
	}
	for _, c := range byCountry {
		v.Countries = append(v.Countries, *c)
	}
	// Countries by code, the unattributed row last, as the report orders
	// its rows.
	slices.SortFunc(v.Countries, func(a, b countryView) int {
		switch {
		case a.Country == b.Country:
			return 0
		case a.Country == operation.Unattributed:
			return 1
		case b.Country == operation.Unattributed:
			return -1
		case a.Country < b.Country:
			return -1
		}
		return 1
	})
	return v
}
