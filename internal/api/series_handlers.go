package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

type seriesListResponse struct {
	Series []investigation.SeriesSummary `json:"series"`
}

type seriesResponse struct {
	Series investigation.SeriesView `json:"series"`
}

type seriesSummaryResponse struct {
	Series investigation.SeriesSummary `json:"series"`
}

// listSeries lists the victim-identification series the caller may read:
// those of its cases and those shared with its agency.
func (a *API) listSeries(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.SeriesList(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, seriesListResponse{Series: list})
}

type createSeriesRequest struct {
	Name               string `json:"name"`
	Cluster            int    `json:"cluster"`
	VictimIdentified   bool   `json:"victim_identified"`
	OffenderIdentified bool   `json:"offender_identified"`
	Baseline           bool   `json:"baseline"`
	Country            string `json:"country"`
	Contact            string `json:"contact"`
}

// createSeries turns a new-material cluster of a case into a series.
func (a *API) createSeries(w http.ResponseWriter, r *http.Request) error {
	var req createSeriesRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.svc.CreateSeries(r.Context(), r.PathValue("case"), req.Name, req.Cluster, investigation.SeriesFlags{
		VictimIdentified: req.VictimIdentified, OffenderIdentified: req.OffenderIdentified, Baseline: req.Baseline, Country: req.Country, Contact: req.Contact})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, seriesResponse{v})
}

// showSeries shows a series with its member hashes and its links to other
// agencies' series.
func (a *API) showSeries(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.Series(r.Context(), r.PathValue("case"), r.PathValue("series"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, seriesResponse{v})
}

type shareSeriesRequest struct {
	Agency string `json:"agency"`
}

// shareSeries shares a series (hashes, flags, contact) with an agency,
// such as the hub's victim-identification desk.
func (a *API) shareSeries(w http.ResponseWriter, r *http.Request) error {
	var req shareSeriesRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.svc.ShareSeries(r.Context(), r.PathValue("case"), r.PathValue("series"), req.Agency)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, seriesSummaryResponse{v})
}

// exportSeries writes a series as an ICSE CSV (format=icse) or a VICS 2.0
// hash list (format=vics); the export is audited.
func (a *API) exportSeries(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	var buf bytes.Buffer
	if _, err := a.svc.ExportSeries(r.Context(), r.PathValue("case"), r.PathValue("series"), format, &buf); err != nil {
		return err
	}
	ctype, ext := "text/csv; charset=utf-8", "csv"
	if format == investigation.ExportVICS {
		ctype, ext = "application/json", "json"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="series.`+format+`.`+ext+`"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h["Cache-Control"] = noStore
	_, err := w.Write(buf.Bytes())
	return err
}
