package web

import (
	"net/http"
	"net/url"

	"github.com/vibora-project/vibora/internal/investigation"
)

// islandKind is one node kind a graph page offers as a filter.
type islandKind struct{ Value, Label string }

// graphKinds are the graph page's filters, in the API's kind order.
var graphKinds = []islandKind{
	{investigation.NodePerson, "People"},
	{investigation.NodeChat, "Chats"},
	{investigation.NodeStealerLog, "Stealer logs"},
	{investigation.NodeCluster, "New-material clusters"},
	{investigation.NodeIdentifier, "Identifiers"},
}

// caseGraphView is the link graph page: the case, the filters and the API
// route graph.js reads the graph from.
type caseGraphView struct {
	Case  investigation.Case
	Kinds []islandKind
	Src   string
}

// caseGraphShow is a case's link graph page. The page itself holds no
// evidence: graph.js reads the graph from the API (which checks access and
// audits the read) and draws it.
func (u *UI) caseGraphShow(w http.ResponseWriter, r *http.Request) error {
	c, err := u.svc.Case(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	v := caseGraphView{Case: c, Kinds: graphKinds, Src: "/api/v1/cases/" + url.PathEscape(c.Name) + "/graph"}
	return u.render(w, r, http.StatusOK, "case_graph", "Link graph · "+c.Name, "cases", v)
}
