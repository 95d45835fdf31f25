package investigation

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// Cluster review states (store.ClusterReviewed, store.ClusterVictimID).
const (
	ClusterReviewed = store.ClusterReviewed
	ClusterVictimID = store.ClusterVictimID
)

// MaxNoteLen bounds a review's note, in bytes.
const MaxNoteLen = 4096

// ClusterReview is an analyst's verdict on a cluster: reviewed, or
// flagged for victim identification, with a note.
//
// Clusters are computed on every call (their numbers are ranks and change
// as evidence arrives), so a review is kept against its anchor: the file
// that was the cluster's first member when it was marked, a file of the
// case. A cluster shows the newest review of the case whose anchor is
// among its members: the review stays with the picture when new copies
// join the cluster, when its first member changes or when clusters merge,
// and is lost only if the anchor itself leaves the cluster (a stricter
// distance or quality gate). Files are never deleted, so the anchor's id
// is stable.
type ClusterReview struct {
	FileID int64  `json:"file_id"` // the anchor
	State  string `json:"state"`   // reviewed, victim-id
	Note   string `json:"note"`
	By     string `json:"by"`
	At     string `json:"at"`
}

func clusterReviewView(r store.ClusterReview) ClusterReview {
	return ClusterReview{FileID: r.FileID, State: r.State, Note: r.Note, By: r.CreatedBy, At: r.CreatedAt}
}

// reviewOf is the newest review (by time, then row) whose anchor is a
// member of the case in members.
func reviewOf(members []ClusterMember, caseName string, reviews map[int64]store.ClusterReview) *ClusterReview {
	var best *store.ClusterReview
	for _, m := range members {
		if m.Case != caseName {
			continue
		}
		r, ok := reviews[m.FileID]
		if !ok {
			continue
		}
		if best == nil || r.CreatedAt > best.CreatedAt || (r.CreatedAt == best.CreatedAt && r.ID > best.ID) {
			best = &r
		}
	}
	if best == nil {
		return nil
	}
	v := clusterReviewView(*best)
	return &v
}

// ParseClusterState reads a review state: reviewed, or victim-id
// (flag-victim-id and victim_id are accepted).
func ParseClusterState(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case ClusterReviewed:
		return ClusterReviewed, nil
	case ClusterVictimID, "flag-victim-id", "victim_id":
		return ClusterVictimID, nil
	}
	return "", fmt.Errorf("cluster state %q: want %s or %s: %w", s, ClusterReviewed, ClusterVictimID, ErrInvalid)
}

// checkNote refuses a note that is too long, not UTF-8, or holds control
// characters other than line breaks and tabs; \r\n becomes \n.
func checkNote(note string) (string, error) {
	note = strings.ReplaceAll(note, "\r\n", "\n")
	if err := checkText("note", strings.NewReplacer("\n", " ", "\t", " ").Replace(note), MaxNoteLen); err != nil {
		return "", err
	}
	return note, nil
}

// MarkCluster records a review of the cluster whose first member is the
// file anchor of the case (Cluster.Members[0].FileID): reviewed, or
// flagged for victim identification, with a note. Marking the same anchor
// again replaces its review; the audit trail (cluster.review) keeps each.
// It needs write access to the case; the anchor must be an unknown image
// of the case with a PDQ hash (what clusters are made of).
func (s *Service) MarkCluster(ctx context.Context, caseName string, anchor int64, state, note string) (ClusterReview, error) {
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return ClusterReview{}, err
	}
	if state, err = ParseClusterState(state); err != nil {
		return ClusterReview{}, err
	}
	if note, err = checkNote(note); err != nil {
		return ClusterReview{}, err
	}
	var f *store.File
	if anchor > 0 {
		err = s.db.Files(ctx, store.FileFilter{CaseID: c.ID, AfterID: anchor - 1, Limit: 1}, func(got store.File) error {
			if got.ID == anchor {
				f = &got
			}
			return nil
		})
		if err != nil {
			return ClusterReview{}, err
		}
	}
	if f == nil {
		return ClusterReview{}, fmt.Errorf("file %d of case %q: %w", anchor, c.Name, store.ErrNotFound)
	}
	if f.Status != "unknown" || f.PDQ == "" {
		return ClusterReview{}, fmt.Errorf("file %d (%s:%s) is not an unknown image with a PDQ hash, so it heads no cluster: %w", f.ID, f.Exhibit, f.Path, ErrInvalid)
	}
	r := store.ClusterReview{CaseID: c.ID, FileID: f.ID, State: state, Note: note, CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	ch := &change{action: "cluster.review", object: "case:" + c.Name + "/cluster:" + strconv.FormatInt(f.ID, 10), after: clusterReviewView(r),
		detail: map[string]string{"state": state, "anchor": f.Exhibit + ":" + f.Path, "sha256": f.SHA256}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		before, err := tx.ClusterReviews(ctx, c.ID)
		if err != nil {
			return err
		}
		if old, ok := before[f.ID]; ok {
			ch.before = clusterReviewView(old)
		}
		return tx.PutClusterReview(ctx, &r)
	})
	return clusterReviewView(r), err
}

// ClusterOf returns the cluster of the case that holds the file anchor
// (any member of the case, usually Members[0].FileID, which stays a member
// as evidence arrives, unlike the cluster's number). A file in no cluster
// (matched, not an image, below the quality gate) is not found.
func (s *Service) ClusterOf(ctx context.Context, caseName string, anchor int64, opt ClusterOptions) (Cluster, error) {
	cs, err := s.Clusters(ctx, caseName, opt)
	if err != nil {
		return Cluster{}, err
	}
	for _, c := range cs {
		for _, m := range c.Members {
			if m.FileID == anchor && m.Case == caseName {
				return c, nil
			}
		}
	}
	return Cluster{}, fmt.Errorf("cluster of file %d in case %q: %w", anchor, caseName, store.ErrNotFound)
}
