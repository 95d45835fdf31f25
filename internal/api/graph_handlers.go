package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/investigation"
)

// caseGraph is a case's link graph (the UI's graph page reads it):
// ?kinds=person,chat,... chooses the node kinds (absent: all),
// ?max_nodes=1..20000 caps the nodes (absent: 5,000).
func (a *API) caseGraph(w http.ResponseWriter, r *http.Request) error {
	var opt investigation.GraphOptions
	q := r.URL.Query()
	if s := q.Get("kinds"); s != "" {
		opt.Kinds = strings.Split(s, ",")
	}
	if s := q.Get("max_nodes"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > investigation.MaxGraphNodes {
			return badRequestf("max_nodes: want a whole number from 1 to %d", investigation.MaxGraphNodes)
		}
		opt.MaxNodes = n
	}
	g, err := a.svc.CaseGraph(r.Context(), r.PathValue("case"), opt)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, g)
}
