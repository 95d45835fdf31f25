package api_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// The graph in the permission matrix: another agency's case is not found.
func init() {
	matrix = append(matrix,
		matrixRow{"GET", "/api/v1/cases/alpha/graph", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
		matrixRow{"GET", "/api/v1/cases/alpha/graph?kinds=person,chat&max_nodes=10", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
		matrixRow{"GET", "/api/v1/cases/beta/graph", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
		matrixRow{"GET", "/api/v1/cases/nonexistent/graph", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
	)
}

// TestCaseGraphRoute: the route returns the service's graph (decoded
// strictly), filters kinds, caps nodes and refuses bad parameters.
func TestCaseGraphRoute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		var g investigation.Graph
		res, b := h.do(analystNL, "GET", "/api/v1/cases/alpha/graph", nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("graph: %d %s", res.StatusCode, b)
		}
		decodeStrictly(t, b, &g)
		want, err := h.svc.CaseGraph(h.seedCtx, "alpha", investigation.GraphOptions{})
		if err != nil || len(want.Nodes) < 3 || len(want.Edges) == 0 || !reflect.DeepEqual(g, want) {
			t.Fatalf("graph %+v, want %+v (%v)", g, want, err)
		}
		var people investigation.Graph
		_, b = h.do(analystNL, "GET", "/api/v1/cases/alpha/graph?kinds=person&max_nodes=1", nil)
		decodeStrictly(t, b, &people)
		if len(people.Nodes) != 1 || people.Nodes[0].Kind != investigation.NodePerson || !people.Truncated == (want.Total[investigation.NodePerson] > 1) {
			t.Errorf("one person: %+v", people)
		}
		for path, status := range map[string]int{
			"/api/v1/cases/alpha/graph?max_nodes=0":     http.StatusBadRequest,
			"/api/v1/cases/alpha/graph?max_nodes=20001": http.StatusBadRequest,
			"/api/v1/cases/alpha/graph?max_nodes=x":     http.StatusBadRequest,
			"/api/v1/cases/alpha/graph?kinds=files":     http.StatusUnprocessableEntity,
		} {
			if res, b := h.do(analystNL, "GET", path, nil); res.StatusCode != status {
				t.Errorf("%s: %d %s, want %d", path, res.StatusCode, b, status)
			}
		}
	})
}

// The timeline in the permission matrix.
func init() {
	matrix = append(matrix,
		matrixRow{"GET", "/api/v1/cases/alpha/timeline", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
		matrixRow{"GET", "/api/v1/cases/alpha/timeline?from=2024-01-15&limit=5", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
		matrixRow{"GET", "/api/v1/cases/beta/timeline", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
		matrixRow{"GET", "/api/v1/cases/alpha/timeline?person=P999999", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
	)
}

// TestCaseTimelineRoute: the route returns the service's timeline of the
// case and of a person, and refuses bad parameters.
func TestCaseTimelineRoute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		var tl investigation.Timeline
		_, b := h.do(analystNL, "GET", "/api/v1/cases/alpha/timeline", nil)
		decodeStrictly(t, b, &tl)
		want, err := h.svc.CaseTimeline(h.seedCtx, "alpha", investigation.TimelineOptions{})
		if err != nil || len(want.Events) == 0 || !reflect.DeepEqual(tl, want) {
			t.Fatalf("timeline %+v, want %+v (%v)", tl, want, err)
		}
		people, err := h.svc.Suspects(h.seedCtx, "alpha")
		if err != nil || len(people) == 0 {
			t.Fatal(people, err)
		}
		var ptl investigation.Timeline
		_, b = h.do(analystNL, "GET", "/api/v1/cases/alpha/timeline?limit=1&person="+people[0].ID, nil)
		decodeStrictly(t, b, &ptl)
		if ptl.Person != people[0].ID || len(ptl.Events) != 1 {
			t.Errorf("person timeline: %+v", ptl)
		}
		for path, status := range map[string]int{
			"/api/v1/cases/alpha/timeline?limit=0":                 http.StatusBadRequest,
			"/api/v1/cases/alpha/timeline?limit=20001":             http.StatusBadRequest,
			"/api/v1/cases/alpha/timeline?from=2024-02&to=2024-01": http.StatusUnprocessableEntity,
		} {
			if res, b := h.do(analystNL, "GET", path, nil); res.StatusCode != status {
				t.Errorf("%s: %d %s, want %d", path, res.StatusCode, b, status)
			}
		}
	})
}
