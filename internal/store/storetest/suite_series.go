package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

func testSeries(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c1 := mustCase(t, db, "series-case-1")
	c2 := mustCase(t, db, "series-case-2")
	a := store.Series{CaseID: c1.ID, Name: "Garden", VictimIdentified: true, Country: "ES", Contact: "vid@example.org", CreatedAt: "x", CreatedBy: "alex"}
	b := store.Series{CaseID: c2.ID, Name: "Garden", Baseline: true, CreatedAt: "y", CreatedBy: "bea"}
	members := []store.SeriesMember{
		{SHA256: "bb", MD5: "b5", SHA1: "b1", PDQ: "ff00", PDQQuality: 90, Exhibit: "PHONE-01"},
		{SHA256: "aa", MD5: "a5", SHA1: "a1", PDQ: "00ff", PDQQuality: 80, Exhibit: "PHONE-01"},
		{SHA256: "aa", MD5: "a5", SHA1: "a1", PDQ: "00ff", PDQQuality: 80, Exhibit: "PHONE-02"}, // the same image again
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.InsertSeries(ctx, &a, members); err != nil {
			return err
		}
		if err := tx.InsertSeries(ctx, &b, members[:1]); err != nil {
			return err
		}
		return tx.PutSeriesLink(ctx, b.ID, a.ID, 1, 0, "z")
	})
	dup := store.Series{CaseID: c1.ID, Name: "Garden", CreatedAt: "x", CreatedBy: "alex"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertSeries(ctx, &dup, nil) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate series: %v, want ErrExists", err)
	}
	got, err := db.SeriesByName(ctx, c1.ID, "Garden")
	if err != nil || got.ID != a.ID || !got.VictimIdentified || got.Baseline || got.Members != 2 || got.Case != "series-case-1" || got.Agency != "Example Unit" {
		t.Fatalf("SeriesByName = %+v, %v", got, err)
	}
	if _, err := db.SeriesByName(ctx, c1.ID, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing series: %v", err)
	}
	all, err := db.AllSeries(ctx)
	if err != nil || len(all) != 2 || all[1].Case != "series-case-2" || !all[1].Baseline {
		t.Fatalf("AllSeries = %+v, %v", all, err)
	}
	ms, err := db.SeriesMembers(ctx, a.ID)
	if err != nil || len(ms) != 2 || ms[0].SHA256 != "aa" || ms[1].PDQ != "ff00" || ms[0].PDQQuality != 80 {
		t.Fatalf("SeriesMembers = %+v, %v", ms, err)
	}
	if every, _ := db.SeriesMembers(ctx, 0); len(every) != 3 {
		t.Fatalf("every member: %+v", every)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, ag := range []string{"VID-DESK", "VID-DESK", "AR-PFA"} {
			if err := tx.PutSeriesShare(ctx, a.ID, ag, "x", "alex"); err != nil {
				return err
			}
		}
		return tx.PutSeriesLink(ctx, a.ID, b.ID, 2, 3, "w") // refreshes the link
	})
	shares, err := db.SeriesShares(ctx)
	if err != nil || len(shares[a.ID]) != 2 || shares[a.ID][0] != "AR-PFA" || len(shares[b.ID]) != 0 {
		t.Fatalf("SeriesShares = %v, %v", shares, err)
	}
	for _, side := range []struct {
		id    int64
		other string
	}{{a.ID, "series-case-2"}, {b.ID, "series-case-1"}} {
		links, err := db.SeriesLinks(ctx, side.id)
		if err != nil || len(links) != 1 || links[0].Other.Case != side.other || links[0].Matches != 2 || links[0].MinDistance != 3 || links[0].CreatedAt != "z" {
			t.Fatalf("SeriesLinks(%d) = %+v, %v", side.id, links, err)
		}
	}
}
