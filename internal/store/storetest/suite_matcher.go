package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testMatcherFeeds: what a sharded matcher reads (live banks in one
// snapshot, PDQ hashes past a watermark, tombstones past a sequence
// number) and its registry.
func testMatcherFeeds(t *testing.T, db *store.DB) {
	ctx := context.Background()
	live := store.Bank{Name: "m", Kind: "known", Version: 1, ImportedAt: "x", ImportedBy: "y", ContentDigest: "d1"}
	stage := store.Bank{Name: store.StagingName("m", "staging", 2, "ab"), StagedFor: "m", Kind: "known", Version: 2, ImportedAt: "x", ImportedBy: "y"}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertBank(ctx, &live); err != nil {
			return err
		}
		if err := tx.InsertBank(ctx, &stage); err != nil {
			return err
		}
		var recs []store.BankRecord
		for i := range 6 {
			r := store.BankRecord{BankID: live.ID, MD5: fmt.Sprintf("%032x", i), PDQ: fmt.Sprintf("%064x", i), PDQQuality: 90 + i}
			if i == 2 {
				r.PDQ = "" // no PDQ hash: not fed
			}
			recs = append(recs, r)
		}
		recs = append(recs, store.BankRecord{BankID: stage.ID, PDQ: fmt.Sprintf("%064x", 99)})
		recs = append(recs, store.BankRecord{BankID: live.ID, VPDQ: fmt.Sprintf("0,100,%064x,0.000\n", 7)}) // a video
		return tx.InsertBankRecords(ctx, recs)
	})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := db.LiveBanks(ctx)
	if err != nil || len(lb) != 1 || lb[0].ID != live.ID || lb[0].ContentDigest != "d1" || lb[0].Version != 1 {
		t.Fatalf("LiveBanks = %+v, %v", lb, err)
	}
	var ids []int64
	var quals []int
	feed := func(after int64) {
		ids, quals = nil, nil
		err := db.BankPDQAfter(ctx, live.ID, after, func(id int64, h string, q int) error {
			if len(h) != 64 {
				t.Errorf("record %d: pdq %q", id, h)
			}
			ids, quals = append(ids, id), append(quals, q)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	feed(0)
	if len(ids) != 5 || !slices.IsSorted(ids) || quals[0] != 90 || quals[2] != 93 {
		t.Fatalf("BankPDQAfter(0): ids %v quals %v", ids, quals)
	}
	all := ids
	feed(all[2])
	if !slices.Equal(ids, all[3:]) {
		t.Fatalf("BankPDQAfter(%d) = %v, want %v", all[2], ids, all[3:])
	}
	// With video frames: the PDQ records and the video, in ID order.
	var mids []int64
	var video string
	err = db.BankMatchHashesAfter(ctx, live.ID, all[2], func(id int64, h string, q int, vp string) error {
		mids = append(mids, id)
		if vp != "" {
			video = vp
			if h != "" {
				t.Errorf("video record %d: pdq %q", id, h)
			}
		}
		return nil
	})
	if err != nil || len(mids) != 3 || !slices.IsSorted(mids) || !slices.Equal(mids[:2], all[3:]) || video == "" {
		t.Fatalf("BankMatchHashesAfter(%d) = %v (video %q), %v; want %v and the video", all[2], mids, video, err, all[3:])
	}

	if mark, err := db.BankRemovalMark(ctx); err != nil || mark != 0 {
		t.Fatalf("BankRemovalMark on none = %d, %v", mark, err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		// all[0] twice and a record of another bank: one tombstone each
		// for records that were there.
		return tx.RemoveBankRecords(ctx, live.ID, []int64{all[0], all[0], all[3], 1 << 40}, "t")
	})
	if err != nil {
		t.Fatal(err)
	}
	rm, err := db.BankRemovalsAfter(ctx, 0, 10)
	if err != nil || len(rm) != 2 || rm[0].RecordID != all[0] || rm[1].RecordID != all[3] || rm[0].BankID != live.ID || rm[1].Seq <= rm[0].Seq {
		t.Fatalf("BankRemovalsAfter = %+v, %v", rm, err)
	}
	if mark, _ := db.BankRemovalMark(ctx); mark != rm[1].Seq {
		t.Fatalf("BankRemovalMark = %d, want %d", mark, rm[1].Seq)
	}
	if rest, _ := db.BankRemovalsAfter(ctx, rm[0].Seq, 10); len(rest) != 1 || rest[0].Seq != rm[1].Seq {
		t.Fatalf("BankRemovalsAfter(first) = %+v", rest)
	}
	feed(0)
	if len(ids) != 3 {
		t.Fatalf("after removal: %v", ids)
	}

	// Registry: insert, refresh, list, delete.
	a := store.MatcherNode{Name: "a", Addr: "127.0.0.1:1", Partitions: []int{0, 1, 2}, Of: 4, StartedAt: "s", HeartbeatMS: 10}
	b := store.MatcherNode{Name: "b", Addr: "127.0.0.1:2", Partitions: []int{3}, Of: 4, StartedAt: "s", HeartbeatMS: 11}
	put := func(m store.MatcherNode) {
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.PutMatcher(ctx, m) }); err != nil {
			t.Fatal(err)
		}
	}
	put(a)
	put(b)
	a.HeartbeatMS, a.Partitions = 20, []int{0, 1}
	put(a)
	ms, err := db.Matchers(ctx)
	if err != nil || len(ms) != 2 || ms[0].Name != "a" || ms[0].HeartbeatMS != 20 || !slices.Equal(ms[0].Partitions, []int{0, 1}) ||
		ms[1].Addr != "127.0.0.1:2" || ms[1].Of != 4 || !slices.Equal(ms[1].Partitions, []int{3}) {
		t.Fatalf("Matchers = %+v, %v", ms, err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteMatcher(ctx, "a") }); err != nil {
		t.Fatal(err)
	}
	if ms, _ := db.Matchers(ctx); len(ms) != 1 || ms[0].Name != "b" {
		t.Fatalf("after delete: %+v", ms)
	}
}
