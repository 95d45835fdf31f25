package api_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

func init() {
	// The seeded files are text, which heads no cluster: those who may
	// change case alpha get 422, the others what the case's access gives.
	matrix = append(matrix,
		matrixRow{"POST", "/api/v1/cases/alpha/clusters/{fileAlpha}/review", `{"state":"reviewed","note":"by {persona}"}`,
			want(unauth, forbidden, http.StatusUnprocessableEntity, forbidden, notFound, http.StatusUnprocessableEntity, notFound)},
		matrixRow{"POST", "/api/v1/cases/alpha/clusters/{fileBeta}/review", `{"state":"reviewed"}`,
			want(unauth, forbidden, notFound, forbidden, notFound, notFound, notFound)},
	)
}

// TestClusterReviewRoute marks a cluster of the demo's new material
// through the API and reads the review back in the cluster list.
func TestClusterReviewRoute(t *testing.T) {
	h := newHub(t, storetest.OpenSQLite)
	l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Ingest(h.seedCtx, "alpha", investigation.IngestOptions{Exhibit: "PHONE-02", Paths: []string{l.Evidence}, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Clusters []investigation.Cluster `json:"clusters"`
	}
	res, body := h.do(analystNL, "GET", "/api/v1/cases/alpha/clusters", nil)
	decode(t, body, &list)
	if res.StatusCode != http.StatusOK || len(list.Clusters) == 0 || list.Clusters[0].Size < 2 || list.Clusters[0].Review != nil {
		t.Fatalf("clusters: %d %s", res.StatusCode, body)
	}
	anchor := list.Clusters[0].Members[0].FileID
	path := fmt.Sprintf("/api/v1/cases/alpha/clusters/%d/review", anchor)
	if res, body := h.do(viewerNL, "POST", path, `{"state":"reviewed"}`); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer: %d %s", res.StatusCode, body)
	}
	for body, want := range map[string]int{`{"state":"done"}`: 422, `{"state":"reviewed","extra":1}`: 400, `{"state":"reviewed","note":"\u001b[2J"}`: 422} {
		if res, got := h.do(analystNL, "POST", path, body); res.StatusCode != want {
			t.Errorf("%s: %d %s, want %d", body, res.StatusCode, got, want)
		}
	}
	res, body = h.do(analystNL, "POST", path, `{"state":"victim-id","note":"logo on a wall"}`)
	var got struct {
		Review investigation.ClusterReview `json:"review"`
	}
	decode(t, body, &got)
	if res.StatusCode != http.StatusOK || got.Review.State != "victim-id" || got.Review.FileID != anchor || got.Review.By != analystNL {
		t.Fatalf("mark: %d %s", res.StatusCode, body)
	}
	_, body = h.do(viewerNL, "GET", "/api/v1/cases/alpha/clusters", nil)
	decode(t, body, &list)
	if r := list.Clusters[0].Review; r == nil || *r != got.Review {
		t.Errorf("review in the list = %+v, want %+v", r, got.Review)
	}
	// The mark is in the audit trail, found by action and actor.
	var audit struct {
		Records []struct{ Action, Actor, Object string } `json:"records"`
	}
	res, body = h.do(hubAdmin, "GET", "/api/v1/audit?action=cluster.&actor="+analystNL, nil)
	decode(t, body, &audit)
	if res.StatusCode != http.StatusOK || len(audit.Records) != 1 || audit.Records[0].Object != fmt.Sprintf("case:alpha/cluster:%d", anchor) {
		t.Errorf("audit of the mark: %d %s", res.StatusCode, body)
	}
	h.chainIntact()
}
