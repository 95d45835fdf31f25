package web

import (
	"net/http"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

// clusterView is one cluster: its members with exhibit, path and PDQ
// distance to the first image, its review and the form that marks it.
// Never an image.
type clusterView struct {
	Case    string
	Anchor  int64 // the file id the page's address names
	Cluster investigation.Cluster
}

// fileIDParam reads a positive file id from the path.
func fileIDParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || id < 1 {
		return 0, badRequestf("the file id is not a positive whole number")
	}
	return id, nil
}

// clusterShow shows the cluster of a case that holds a file: the address
// stays valid as evidence arrives (cluster numbers are ranks).
func (u *UI) clusterShow(w http.ResponseWriter, r *http.Request) error {
	id, err := fileIDParam(r)
	if err != nil {
		return err
	}
	caseName := r.PathValue("case")
	c, err := u.svc.ClusterOf(r.Context(), caseName, id, investigation.ClusterOptions{})
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "cluster_show", "Cluster of "+caseName, "cases", clusterView{Case: caseName, Anchor: id, Cluster: c})
}
