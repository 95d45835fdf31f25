package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

// caseShow is a case's dashboard: exhibits, triage summary, new material,
// chain of custody and the jobs at work on it. Its counts are the store's
// kept counts; the clusters of new material load on their own
// (case_clusters.go), since they are computed.
func (u *UI) caseShow(w http.ResponseWriter, r *http.Request) error {
	d, err := u.svc.CaseDashboard(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	v := caseShowView{Dashboard: d, Labels: map[int64]string{}}
	for _, e := range d.Exhibits {
		v.Labels[e.ID] = e.Label
	}
	return u.render(w, r, http.StatusOK, "case", d.Case.Name, "cases", v)
}

// caseShowView is the dashboard's view.
type caseShowView struct {
	investigation.Dashboard
	Labels map[int64]string // exhibit labels by id (custody events name ids)
}

// caseClustersView is the new-material part of a dashboard.
type caseClustersView struct {
	Case     string
	Clusters []investigation.Cluster // of two images or more, largest first
	Singles  int                     // unknown images like no other
	More     int                     // clusters not listed
}

// dashboardClusters is how many clusters a dashboard lists.
const dashboardClusters = 10

// caseClusters is the dashboard's new-material clusters, as a fragment
// (htmx loads it into the dashboard) or, without JavaScript, a page.
func (u *UI) caseClusters(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("case")
	clusters, err := u.svc.Clusters(r.Context(), name, investigation.ClusterOptions{})
	if err != nil {
		return err
	}
	v := caseClustersView{Case: name, Clusters: []investigation.Cluster{}}
	for _, c := range clusters {
		switch {
		case c.Size < 2:
			v.Singles++
		case len(v.Clusters) < dashboardClusters:
			v.Clusters = append(v.Clusters, c)
		default:
			v.More++
		}
	}
	if r.Header.Get("HX-Request") == "true" {
		return u.renderFragment(w, "case_clusters", "clusters", v)
	}
	return u.render(w, r, http.StatusOK, "case_clusters", "New material of "+name, "cases", v)
}
