package storetest

import (
	"context"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testClusterReviews: a review is stored per case and anchor file; marking
// the anchor again replaces it; another case's reviews are apart.
func testClusterReviews(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c1, c2 := mustCase(t, db, "c1"), mustCase(t, db, "c2")
	e1, e2 := mustExhibit(t, db, c1.ID, "E1"), mustExhibit(t, db, c2.ID, "E1")
	f1 := store.File{ExhibitID: e1.ID, Path: "a.png", Status: "unknown", PDQ: "ff", PDQQuality: 90, Root: "/r", Member: "a.png"}
	f2 := store.File{ExhibitID: e2.ID, Path: "a.png", Status: "unknown", PDQ: "ff", PDQQuality: 90, Root: "/r", Member: "a.png"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, f := range []*store.File{&f1, &f2} {
			if _, err := tx.InsertFile(ctx, f, nil); err != nil {
				return err
			}
		}
		return nil
	})
	first := store.ClusterReview{CaseID: c1.ID, FileID: f1.ID, State: store.ClusterReviewed, Note: "seen", CreatedAt: "t1", CreatedBy: "alex"}
	other := store.ClusterReview{CaseID: c2.ID, FileID: f2.ID, State: store.ClusterVictimID, CreatedAt: "t1", CreatedBy: "bram"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.PutClusterReview(ctx, &first); err != nil {
			return err
		}
		return tx.PutClusterReview(ctx, &other)
	})
	if first.ID == 0 || other.ID == 0 || first.ID == other.ID {
		t.Fatalf("ids %d and %d", first.ID, other.ID)
	}
	again := store.ClusterReview{CaseID: c1.ID, FileID: f1.ID, State: store.ClusterVictimID, Note: "victim: school uniform", CreatedAt: "t2", CreatedBy: "bram"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.PutClusterReview(ctx, &again) })
	if again.ID != first.ID {
		t.Errorf("marking the anchor again gave id %d, want the row %d replaced", again.ID, first.ID)
	}
	got, err := db.ClusterReviews(ctx, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[f1.ID] != again {
		t.Errorf("reviews of c1 = %+v, want only %+v", got, again)
	}
	got, err = db.ClusterReviews(ctx, c2.ID)
	if err != nil || len(got) != 1 || got[f2.ID] != other {
		t.Errorf("reviews of c2 = %+v, %v; want only %+v", got, err, other)
	}
	if got, err := db.ClusterReviews(ctx, 99999); err != nil || len(got) != 0 {
		t.Errorf("reviews of no case = %+v, %v", got, err)
	}
}
