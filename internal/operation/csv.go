package operation

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVHeader is the header of the report's CSV export: one row per country
// (the funnel, the counters and where referrals stall), then the totals.
var CSVHeader = []string{"as_of", "country", "identified", "attributed", "referred", "acknowledged", "arrested", "exited", "stalled_at", "devices_seized", "victims_safeguarded"}

// Row names of the CSV export that are no country code.
const (
	CSVUnattributed = "unattributed"
	CSVTotal        = "total"
)

// WriteCSV writes the per-country table of r as CSV (RFC 4180).
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	seized := map[string]CountryCounts{}
	for _, c := range r.ByCountry {
		seized[c.Country] = c
	}
	itoa := strconv.Itoa
	var total FunnelRow
	for _, f := range r.Funnel {
		name := f.Country
		if name == Unattributed {
			name = CSVUnattributed
		}
		c := seized[f.Country]
		delete(seized, f.Country)
		cw.Write([]string{r.AsOf, name, itoa(f.Identified), itoa(f.Attributed), itoa(f.Referred), itoa(f.Acknowledged), itoa(f.Arrested),
			itoa(f.Exited), string(f.StalledAt), i64(c.DevicesSeized), i64(c.VictimsSafeguarded)})
		total.Identified += f.Identified
		total.Attributed += f.Attributed
		total.Referred += f.Referred
		total.Acknowledged += f.Acknowledged
		total.Arrested += f.Arrested
		total.Exited += f.Exited
	}
	// Tallies recorded against the operation alone have a country row
	// without suspects.
	for _, c := range r.ByCountry {
		if _, ok := seized[c.Country]; !ok {
			continue
		}
		name := c.Country
		if name == Unattributed {
			name = CSVUnattributed
		}
		cw.Write([]string{r.AsOf, name, "0", "0", "0", "0", "0", "0", "", i64(c.DevicesSeized), i64(c.VictimsSafeguarded)})
	}
	cw.Write([]string{r.AsOf, CSVTotal, itoa(total.Identified), itoa(total.Attributed), itoa(total.Referred), itoa(total.Acknowledged),
		itoa(total.Arrested), itoa(total.Exited), "", i64(r.Totals.DevicesSeized), i64(r.Totals.VictimsSafeguarded)})
	cw.Flush()
	return cw.Error()
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }
