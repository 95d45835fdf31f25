package matchshard

import (
	"context"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchindex"
)

// memSource is a hand-written in-memory Source: banks of records with
// increasing IDs, a live list and a tombstone log.
type memSource struct {
	mu       sync.Mutex
	live     []Bank
	recs     map[int64][]memRec // bank -> records by ID
	removals []Removal
	nextID   int64
}

type memRec struct {
	id int64
	h  pdq.Hash
	q  int
}

func newMemSource() *memSource { return &memSource{recs: map[int64][]memRec{}, nextID: 1} }

func (m *memSource) add(bank int64, hs ...pdq.Hash) []int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []int64
	for _, h := range hs {
		m.recs[bank] = append(m.recs[bank], memRec{m.nextID, h, 80})
		ids = append(ids, m.nextID)
		m.nextID++
	}
	return ids
}

func (m *memSource) setLive(bs ...Bank) {
	m.mu.Lock()
	m.live = bs
	m.mu.Unlock()
}

func (m *memSource) remove(bank, id int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs[bank] = slices.DeleteFunc(m.recs[bank], func(r memRec) bool { return r.id == id })
	m.removals = append(m.removals, Removal{Seq: int64(len(m.removals) + 1), Bank: bank, Record: id})
}

func (m *memSource) LiveBanks(context.Context) ([]Bank, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.live), nil
}

func (m *memSource) PDQAfter(_ context.Context, bank, after int64, fn func(int64, pdq.Hash, int) error) error {
	m.mu.Lock()
	recs := slices.Clone(m.recs[bank])
	m.mu.Unlock()
	for _, r := range recs {
		if r.id > after {
			if err := fn(r.id, r.h, r.q); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *memSource) RemovalsAfter(_ context.Context, seq int64, limit int) ([]Removal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Removal
	for _, r := range m.removals {
		if r.Seq > seq && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

func randomHash(r *rand.Rand) pdq.Hash {
	var h pdq.Hash
	for i := range h {
		h[i] = byte(r.Uint32())
	}
	return h
}

// near flips d distinct bits of h.
func near(r *rand.Rand, h pdq.Hash, d int) pdq.Hash {
	for _, b := range r.Perm(256)[:d] {
		h[b/8] ^= 1 << (b % 8)
	}
	return h
}

func dist(a, b pdq.Hash) int {
	n := 0
	for i := range a {
		n += bits.OnesCount8(a[i] ^ b[i])
	}
	return n
}

type key struct {
	q   int
	rec int64
}

// brute is the expected answer: every live record of src within maxDist.
func brute(src *memSource, qs []pdq.Hash, maxDist int) map[key]int {
	out := map[key]int{}
	for _, b := range src.live {
		for _, r := range src.recs[b.ID] {
			for qi, q := range qs {
				if d := dist(q, r.h); d <= maxDist {
					out[key{qi, r.rec()}] = d
				}
			}
		}
	}
	return out
}

func (r memRec) rec() int64 { return r.id }

func asMap(t *testing.T, hits []Hit) map[key]int {
	t.Helper()
	out := map[key]int{}
	for _, h := range hits {
		k := key{h.Query, h.Record}
		if _, dup := out[k]; dup {
			t.Fatalf("hit %+v reported twice", h)
		}
		out[k] = h.Distance
	}
	return out
}

func sameHits(t *testing.T, got []Hit, want map[key]int) {
	t.Helper()
	g := asMap(t, got)
	if len(g) != len(want) {
		t.Fatalf("%d hits, want %d", len(g), len(want))
	}
	for k, d := range want {
		if gd, ok := g[k]; !ok || gd != d {
			t.Fatalf("query %d record %d: got distance %d (found %v), want %d", k.q, k.rec, gd, ok, d)
		}
	}
}

// fixture: a bank of n random hashes plus near-duplicates of the queries
// at known distances.
func fixture(r *rand.Rand, src *memSource, bank int64, n, nq int) []pdq.Hash {
	hs := make([]pdq.Hash, n)
	for i := range hs {
		hs[i] = randomHash(r)
	}
	qs := make([]pdq.Hash, nq)
	for i := range qs {
		qs[i] = randomHash(r)
		if i%2 == 0 {
			hs = append(hs, near(r, qs[i], i%40)) // 0..39: some in, some out of range
		}
	}
	src.add(bank, hs...)
	return qs
}

func TestShardRecallAndPartitions(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	src := newMemSource()
	qs := fixture(r, src, 7, 20000, 200)
	src.setLive(Bank{ID: 7, Digest: "a"})
	want := brute(src, qs, 31)
	if len(want) < 50 {
		t.Fatalf("fixture has only %d near-duplicates", len(want))
	}
	all, err := NewShard(8, []int{0, 1, 2, 3, 4, 5, 6, 7})
	if err != nil {
		t.Fatal(err)
	}
	if err := all.Refresh(ctx, src); err != nil {
		t.Fatal(err)
	}
	hits, err := Local{all}.SearchPDQ(ctx, qs, 31)
	if err != nil {
		t.Fatal(err)
	}
	sameHits(t, hits, want)
	for _, h := range hits {
		if h.Bank != 7 || h.Quality != 80 {
			t.Fatalf("hit %+v: bank or quality wrong", h)
		}
	}
	// Load is even: every partition holds about 1/8.
	for p, n := range all.Records() {
		if n < 20000/8*9/10 || n > 20000/8*11/10+200 {
			t.Errorf("partition %d holds %d records", p, n)
		}
	}
	// Two shards holding halves answer the union.
	a, _ := NewShard(8, []int{0, 1, 2, 3})
	b, _ := NewShard(8, []int{4, 5, 6, 7})
	var got []Hit
	for _, s := range []*Shard{a, b} {
		if err := s.Refresh(ctx, src); err != nil {
			t.Fatal(err)
		}
		_, h, err := s.Search(ctx, qs, 31, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range h {
			if p := Partition(x.Record, 8); p > 3 != (s == b) {
				t.Fatalf("record %d of partition %d answered by the wrong shard", x.Record, p)
			}
		}
		got = append(got, h...)
	}
	sameHits(t, got, want)
	if _, _, err := a.Search(ctx, qs, 31, []int{5}); err == nil {
		t.Fatal("a searched partition 5, which it does not hold")
	}
}

func TestShardTailRemovalsAndReplacement(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	src := newMemSource()
	qs := fixture(r, src, 1, 3000, 50)
	src.setLive(Bank{ID: 1, Digest: "v1"})
	s, _ := NewShard(4, []int{0, 1, 2, 3})
	s.maxSegments = 2
	check := func(what string) {
		t.Helper()
		if err := s.Refresh(ctx, src); err != nil {
			t.Fatal(err)
		}
		hits, err := Local{s}.SearchPDQ(ctx, qs, 31)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(what, func(t *testing.T) { sameHits(t, hits, brute(src, qs, 31)) })
	}
	check("loaded")
	v1 := s.View()
	// Records appended to the live bank: tailed, no reload.
	src.add(1, near(r, qs[1], 3), near(r, qs[3], 10))
	check("tailed")
	for range 4 { // more tail segments than maxSegments: reloaded whole
		src.add(1, near(r, qs[5], 2))
		check("tailed again")
	}
	for _, segs := range s.st.Load().banks[0].parts {
		if len(segs) > 2 {
			t.Fatalf("%d segments in a partition, want a reload past 2", len(segs))
		}
	}
	// Tombstones hide records.
	for _, rec := range src.recs[1][len(src.recs[1])-6:] {
		src.remove(1, rec.id)
	}
	check("removed")
	if s.View() != v1 {
		t.Fatal("the view changed without a bank change")
	}
	// A replacement: bank 2 goes live and bank 1 goes in one snapshot.
	fixture(r, src, 2, 2000, 0)
	src.add(2, near(r, qs[7], 4))
	src.setLive(Bank{ID: 2, Digest: "v2"})
	check("replaced")
	if s.View() == v1 {
		t.Fatal("the view did not change with the live banks")
	}
	for _, b := range s.st.Load().banks {
		if b.id != 2 {
			t.Fatalf("bank %d still held after it was replaced", b.id)
		}
	}
}

func TestNewShardRejects(t *testing.T) {
	for _, c := range []struct {
		p    int
		held []int
	}{{0, []int{0}}, {MaxPartitions + 1, []int{0}}, {4, nil}, {4, []int{4}}, {4, []int{-1}}} {
		if _, err := NewShard(c.p, c.held); err == nil {
			t.Errorf("NewShard(%d, %v) accepted", c.p, c.held)
		}
	}
}

func TestSetPartition(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(13, 14))
	s, _ := NewShard(2, []int{0, 1})
	var hs []pdq.Hash
	var ids []int64
	q := randomHash(r)
	for id := int64(2); id < 2000; id += 2 { // partition 0 of 2
		hs, ids = append(hs, randomHash(r)), append(ids, id)
	}
	hs[10] = near(r, q, 7)
	if err := s.SetPartition(0, 5, hs, ids); err != nil {
		t.Fatal(err)
	}
	_, hits, err := s.Search(ctx, []pdq.Hash{q}, 31, []int{0})
	if err != nil || len(hits) != 1 || hits[0].Record != ids[10] || hits[0].Distance != 7 || hits[0].Bank != 5 || hits[0].Quality != -1 {
		t.Fatalf("Search after SetPartition = %+v, %v", hits, err)
	}
	if s.Records()[0] != len(ids) || s.Bytes()[0] <= 0 {
		t.Fatalf("Records %v Bytes %v", s.Records(), s.Bytes())
	}
	if err := s.SetPartition(3, 5, hs, ids); err == nil {
		t.Fatal("SetPartition of a partition not held accepted")
	}
	if err := s.SetPartition(1, 5, hs[:2], []int64{9, 3}); err == nil {
		t.Fatal("SetPartition with unsorted IDs accepted")
	}
}

// TestLocalIndexEqualsPartitions: the embedded matcher's shape (one
// partition wrapping an index over several banks, video frames under IDs
// past the records) answers as P partitions loaded from the Source and
// as brute force, bank and quality included, for a one-query batch (searched
// inline) and a large one (on all cores).
func TestLocalIndexEqualsPartitions(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(21, 22))
	src := newMemSource()
	qs := fixture(r, src, 3, 4000, 150)
	qs = append(qs, fixture(r, src, 9, 3000, 150)...)
	for bank, recs := range src.recs {
		for i := range recs {
			recs[i].q = int(bank) + i%60 // qualities differ per record
		}
	}
	src.setLive(Bank{ID: 3, Digest: "a"}, Bank{ID: 9, Digest: "b"})
	want := brute(src, qs, 31)

	// The wrapped index: bank 9 first (its own bank order), then bank 3,
	// then frames near every query that must never hit.
	var hashes []pdq.Hash
	var ids []uint32
	tbl := Table{Banks: []int64{9, 3}}
	for bi, bank := range tbl.Banks {
		for _, rec := range src.recs[bank] {
			ids = append(ids, uint32(len(tbl.Record)))
			hashes = append(hashes, rec.h)
			tbl.Record, tbl.BankOf, tbl.Quality = append(tbl.Record, rec.id), append(tbl.BankOf, uint16(bi)), append(tbl.Quality, int8(rec.q))
		}
	}
	for f, q := range qs {
		hashes, ids = append(hashes, near(r, q, 1)), append(ids, 1<<31|uint32(f))
	}
	idx, err := matchindex.NewPDQ(hashes, ids)
	if err != nil {
		t.Fatal(err)
	}
	local, err := NewLocal(idx, tbl)
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := NewShard(16, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	if err := parts.Refresh(ctx, src); err != nil {
		t.Fatal(err)
	}
	quality := map[int64]int{}
	for bank, recs := range src.recs {
		for _, rec := range recs {
			quality[rec.id] = rec.q + int(bank)<<16
		}
	}
	for _, batch := range [][]pdq.Hash{qs[:1], qs} {
		var got [2][]Hit
		for i, s := range []Searcher{local, Local{parts}} {
			hits, err := s.SearchPDQ(ctx, batch, 31)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				if quality[h.Record] != h.Quality+int(h.Bank)<<16 {
					t.Fatalf("searcher %d: hit %+v: wrong bank or quality", i, h)
				}
			}
			got[i] = hits
		}
		w := want
		if len(batch) == 1 {
			w = map[key]int{}
			for k, d := range want {
				if k.q == 0 {
					w[k] = d
				}
			}
		}
		sameHits(t, got[0], w)
		sameHits(t, got[1], w)
	}
}

func TestSetIndexRejects(t *testing.T) {
	idx, err := matchindex.NewPDQ([]pdq.Hash{{1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tbl := range []Table{
		{Record: []int64{1}, Banks: []int64{4}, BankOf: []uint16{1}, Quality: []int8{-1}}, // bank out of range
		{Record: []int64{1}, Banks: []int64{4}, BankOf: []uint16{0}},                      // no quality
		{Record: []int64{1, 2}, Banks: []int64{4}, BankOf: []uint16{0}, Quality: []int8{-1}},
	} {
		if _, err := NewLocal(idx, tbl); err == nil {
			t.Errorf("NewLocal accepted %+v", tbl)
		}
	}
	s, _ := NewShard(2, []int{1})
	if err := s.SetIndex(0, idx, Table{Record: []int64{1}, Banks: []int64{4}, BankOf: []uint16{0}, Quality: []int8{-1}}); err == nil {
		t.Error("SetIndex of a partition not held accepted")
	}
}
