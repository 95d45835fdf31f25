package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

// clusterListView is a case's clusters of unknown images: clusters of two
// or more (new-material candidates) first, largest first; single images
// only when asked for.
type clusterListView struct {
	Case     string
	Clusters []investigation.Cluster
	Singles  int  // single images not listed
	All      bool // single images listed too
}

// clusterList lists a case's clusters with their review state.
func (u *UI) clusterList(w http.ResponseWriter, r *http.Request) error {
	caseName := r.PathValue("case")
	cs, err := u.svc.Clusters(r.Context(), caseName, investigation.ClusterOptions{})
	if err != nil {
		return err
	}
	v := clusterListView{Case: caseName, All: r.URL.Query().Get("all") == "1"}
	for _, c := range cs {
		if c.Size < 2 && !v.All {
			v.Singles++
			continue
		}
		v.Clusters = append(v.Clusters, c)
	}
	return u.render(w, r, http.StatusOK, "cluster_list", "Clusters of "+caseName, "cases", v)
}
