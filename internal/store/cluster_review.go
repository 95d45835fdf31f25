package store

import (
	"context"
	"fmt"
)

// Cluster review states.
const (
	ClusterReviewed = "reviewed"  // looked at; nothing more to do
	ClusterVictimID = "victim-id" // flagged for victim identification
)

// ClusterReview is an analyst's verdict on a cluster of new material.
// Clusters are computed, not stored: a review is keyed by its case and its
// anchor, the file that was the cluster's first member when it was marked
// (see migration 0017).
type ClusterReview struct {
	ID        int64
	CaseID    int64
	FileID    int64 // the anchor
	State     string
	Note      string
	CreatedAt string
	CreatedBy string
}

// PutClusterReview stores the review of an anchor, replacing an earlier
// one of the same anchor; r.ID is set.
func (tx *Tx) PutClusterReview(ctx context.Context, r *ClusterReview) error {
	err := tx.queryRow(ctx, "INSERT INTO cluster_reviews (case_id, file_id, state, note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)"+
		" ON CONFLICT (case_id, file_id) DO UPDATE SET state = excluded.state, note = excluded.note, created_at = excluded.created_at, created_by = excluded.created_by"+
		" RETURNING id", r.CaseID, r.FileID, r.State, r.Note, r.CreatedAt, r.CreatedBy).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("put cluster review: %w", err)
	}
	return nil
}

// ClusterReviews lists the reviews of a case's clusters, keyed by anchor
// file id.
func (q q) ClusterReviews(ctx context.Context, caseID int64) (map[int64]ClusterReview, error) {
	rows, err := q.query(ctx, "SELECT id, case_id, file_id, state, note, created_at, created_by FROM cluster_reviews WHERE case_id = ? ORDER BY id", caseID)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, func(s interface{ Scan(...any) error }) (ClusterReview, error) {
		var r ClusterReview
		err := s.Scan(&r.ID, &r.CaseID, &r.FileID, &r.State, &r.Note, &r.CreatedAt, &r.CreatedBy)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("cluster reviews: %w", err)
	}
	out := make(map[int64]ClusterReview, len(list))
	for _, r := range list {
		out[r.FileID] = r
	}
	return out, nil
}
