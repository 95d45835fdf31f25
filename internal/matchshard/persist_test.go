package matchshard

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// countingSource counts the records a Source hands out.
type countingSource struct {
	*memSource
	fed int
}

func (c *countingSource) PDQAfter(ctx context.Context, bank, after int64, fn func(int64, pdq.Hash, int) error) error {
	return c.memSource.PDQAfter(ctx, bank, after, func(id int64, h pdq.Hash, q int) error {
		c.fed++
		return fn(id, h, q)
	})
}

// TestSaveLoad: a shard saved to disk loads in a new process's shard
// with the same answers (tombstones included), and its first Refresh
// reads only the records added since, not the banks again.
func TestSaveLoad(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(51, 52))
	src := newMemSource()
	qs := fixture(r, src, 4, 5000, 100)
	src.setLive(Bank{ID: 4, Digest: "a"})
	held := []int{1, 3, 4}
	s, _ := NewShard(6, held)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Refresh(ctx, src))
	src.add(4, near(r, qs[1], 2), near(r, qs[3], 5)) // a tail segment
	for _, rec := range src.recs[4][:40] {
		src.remove(4, rec.id) // tombstones
	}
	must(s.Refresh(ctx, src))
	dir := filepath.Join(t.TempDir(), "shard")
	must(s.Save(dir))
	// want: brute force restricted to the held partitions.
	want := func() map[key]int {
		out := map[key]int{}
		for k, d := range brute(src, qs, 31) {
			if p := Partition(k.rec, 6); p == 1 || p == 3 || p == 4 {
				out[k] = d
			}
		}
		return out
	}
	search := func(s *Shard) []Hit {
		t.Helper()
		_, hits, err := s.Search(ctx, qs, 31, nil)
		must(err)
		return hits
	}

	loaded, _ := NewShard(6, held)
	must(loaded.Load(dir))
	if loaded.View() != s.View() {
		t.Fatalf("view %q after load, want %q", loaded.View(), s.View())
	}
	sameHits(t, search(loaded), want())
	// Records added since the save: the first Refresh reads those only.
	src.add(4, near(r, qs[5], 1), near(r, qs[7], 3), randomHash(r))
	src.remove(4, src.recs[4][50].id)
	cs := &countingSource{memSource: src}
	must(loaded.Refresh(ctx, cs))
	if cs.fed != 3 {
		t.Fatalf("the refresh after a load read %d records, want the 3 added", cs.fed)
	}
	sameHits(t, search(loaded), want())
	must(loaded.Save(dir))
	again, _ := NewShard(6, held)
	must(again.Load(dir))
	sameHits(t, search(again), want())

	// Other partitions, a damaged file: refused, the state kept.
	other, _ := NewShard(6, []int{0, 1})
	if err := other.Load(dir); err == nil {
		t.Fatal("a shard of other partitions loaded the save")
	}
	recs, _ := filepath.Glob(filepath.Join(dir, "*.rec"))
	if len(recs) == 0 {
		t.Fatal("no segment files")
	}
	data, err := os.ReadFile(recs[0])
	must(err)
	data[20] ^= 1
	must(os.WriteFile(recs[0], data, 0o600))
	before := again.View()
	if err := again.Load(dir); err == nil {
		t.Fatal("a damaged segment loaded")
	}
	if again.View() != before {
		t.Fatal("a failed load changed the state")
	}
	sameHits(t, search(again), want())
	// A state given directly is not saved.
	set, _ := NewShard(2, []int{0, 1})
	must(set.SetPartition(0, 5, []pdq.Hash{randomHash(r)}, []int64{2}))
	if err := set.Save(t.TempDir()); err == nil {
		t.Fatal("a state given by SetPartition was saved")
	}
}
