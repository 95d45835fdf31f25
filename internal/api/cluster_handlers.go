package api

import (
	"net/http"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

type clustersResponse struct {
	Clusters   []investigation.Cluster `json:"clusters"`
	NextCursor string                  `json:"next_cursor,omitempty"`
}

// listClusters pages the near-duplicate clusters of a case's unknown
// images, largest first (clusters --json): ?max_distance=0..31 (0:
// identical images only; absent: the default), ?min_quality=0..100.
func (a *API) listClusters(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	offset, err := intCursorParam(r)
	if err != nil {
		return err
	}
	var opt investigation.ClusterOptions
	q := r.URL.Query()
	if s := q.Get("max_distance"); s != "" {
		d, err := strconv.Atoi(s)
		if err != nil || d < 0 || d > 31 {
			return badRequestf("max_distance: want a whole number from 0 to 31")
		}
		opt.MaxDistance = d
		if d == 0 {
			opt.MaxDistance = -1 // identical only
		}
	}
	if s := q.Get("min_quality"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100 {
			return badRequestf("min_quality: want a whole number from 0 to 100")
		}
		opt.MinQuality = n
		if n == 0 {
			opt.MinQuality = -1 // no gate
		}
	}
	list, err := a.svc.Clusters(r.Context(), r.PathValue("case"), opt)
	if err != nil {
		return err
	}
	page, next := pageAt(list, offset, limit)
	return writeJSON(w, http.StatusOK, clustersResponse{Clusters: page, NextCursor: next})
}

// pageAt pages a ranked list (no key orders it): the items from offset,
// at most limit, and the cursor of the next page ("" at the end).
func pageAt[T any](items []T, offset int64, limit int) ([]T, string) {
	if items == nil {
		items = []T{} // JSON [] not null
	}
	if offset > int64(len(items)) {
		offset = int64(len(items))
	}
	items = items[offset:]
	if len(items) <= limit {
		return items, ""
	}
	return items[:limit], intCursor(offset + int64(limit))
}

type clusterReviewRequest struct {
	State string `json:"state"`
	Note  string `json:"note"`
}

type clusterReviewResponse struct {
	Review investigation.ClusterReview `json:"review"`
}

// reviewCluster marks the cluster whose first member is {file} reviewed
// or flagged for victim identification, with a note.
func (a *API) reviewCluster(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || id < 1 {
		return badRequestf("file: want a positive whole number")
	}
	var req clusterReviewRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	rev, err := a.svc.MarkCluster(r.Context(), r.PathValue("case"), id, req.State, req.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, clusterReviewResponse{rev})
}
