package matchshard

import (
	"context"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// addVideo adds one record holding several hashes (a video's frames,
// under one ID, as the store's source feeds them).
func (m *memSource) addVideo(bank int64, frames ...pdq.Hash) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := m.nextID
	m.nextID++
	for _, h := range frames {
		m.recs[bank] = append(m.recs[bank], memRec{id, h, -1})
	}
	return id
}

// TestShardVideoFrames: a record with several hashes (a video's frames)
// is found through any of them, tailed like any record, and a tombstone
// hides every one of its frames.
func TestShardVideoFrames(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	src := newMemSource()
	fixture(r, src, 1, 2000, 0)
	src.setLive(Bank{ID: 1, Digest: "v1"})
	s, _ := NewShard(3, []int{0, 1, 2})
	var qs []pdq.Hash
	video := func() int64 {
		var frames []pdq.Hash
		for range 8 {
			h := randomHash(r)
			frames = append(frames, h)
			qs = append(qs, near(r, h, 5))
		}
		return src.addVideo(1, frames...)
	}
	v1 := video()
	check := func(what string) map[int]int64 {
		t.Helper()
		if err := s.Refresh(ctx, src); err != nil {
			t.Fatal(err)
		}
		hits, err := Local{s}.SearchPDQ(ctx, qs, 31)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int]int64{}
		for _, h := range hits {
			got[h.Query] = h.Record
		}
		want := map[int]int64{}
		for k := range brute(src, qs, 31) {
			want[k.q] = k.rec
		}
		if !maps.Equal(got, want) {
			t.Fatalf("%s: query -> record %v, want %v", what, got, want)
		}
		return got
	}
	if got := check("loaded"); len(got) != 8 || got[0] != v1 || got[7] != v1 {
		t.Fatalf("video %d: %v", v1, got)
	}
	v2 := video()
	if got := check("tailed"); len(got) != 16 || got[8] != v2 {
		t.Fatalf("video %d: %v", v2, got)
	}
	src.remove(1, v1)
	if got := check("removed"); len(got) != 8 {
		t.Fatalf("video %d removed: %v", v1, got)
	}
}
