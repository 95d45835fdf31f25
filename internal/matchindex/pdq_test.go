package matchindex

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

func randHash(r *rand.Rand) pdq.Hash {
	var h pdq.Hash
	for i := 0; i < 32; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			h[i+j] = byte(v >> (8 * j))
		}
	}
	return h
}

// flip returns h with k distinct random bits flipped.
func flip(r *rand.Rand, h pdq.Hash, k int) pdq.Hash {
	for _, b := range r.Perm(256)[:k] {
		h[b/8] ^= 1 << (b % 8)
	}
	return h
}

// clustered makes n hashes in clusters of near-copies (0..40 flipped bits
// from a random centre), with some exact duplicates.
func clustered(r *rand.Rand, n int) []pdq.Hash {
	out := make([]pdq.Hash, 0, n)
	for len(out) < n {
		c := randHash(r)
		size := 1 + r.IntN(12)
		for i := 0; i < size && len(out) < n; i++ {
			out = append(out, flip(r, c, r.IntN(41)))
		}
	}
	return out
}

func brute(hashes []pdq.Hash, ids []uint32, q pdq.Hash, maxDist int) []PDQMatch {
	type pair struct {
		h  pdq.Hash
		id uint32
	}
	seen := map[pair]bool{} // the index stores a (hash, id) pair once
	var out []PDQMatch
	for i, h := range hashes {
		if d := pdq.Distance(h, q); d <= maxDist {
			id := uint32(i)
			if ids != nil {
				id = ids[i]
			}
			if !seen[pair{h, id}] {
				seen[pair{h, id}] = true
				out = append(out, PDQMatch{id, d})
			}
		}
	}
	slices.SortFunc(out, func(a, b PDQMatch) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return int(a.ID) - int(b.ID)
	})
	return out
}

func TestPDQMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]pdq.Hash, 3000)
	for i := range random {
		random[i] = randHash(r)
	}
	clus := clustered(r, 3000)
	// Duplicated hashes with repeated and distinct ids.
	dups := append(slices.Clone(clus[:1500]), clus[:400]...)
	dupIDs := make([]uint32, len(dups))
	for i := range dupIDs {
		dupIDs[i] = uint32(i % 1600)
	}
	sets := []struct {
		name   string
		hashes []pdq.Hash
		ids    []uint32
	}{
		{"random", random, nil},
		{"clustered", clus, nil},
		{"duplicates", dups, dupIDs},
		{"single", clus[:1], nil},
		{"empty", nil, nil},
	}
	dists := []int{0, 1, 10, 31, 32, 40, 64, 256}
	for _, set := range sets {
		queries := make([]pdq.Hash, 0, 40)
		for i := 0; i < 25 && len(set.hashes) > 0; i++ {
			queries = append(queries, flip(r, set.hashes[r.IntN(len(set.hashes))], r.IntN(41)))
		}
		for i := 0; i < 15; i++ {
			queries = append(queries, randHash(r))
		}
		// want[q][d]: brute force, computed once per query.
		want := make([][][]PDQMatch, len(queries))
		for qi, q := range queries {
			all := brute(set.hashes, set.ids, q, 256)
			for _, d := range dists {
				n := 0
				for n < len(all) && all[n].Distance <= d {
					n++
				}
				want[qi] = append(want[qi], all[:n])
			}
		}
		for _, m := range []int{0, 11, 12, 16, 32} {
			if (m == 11 || m == 12) && set.name != "clustered" {
				continue // 2^22..2^24-bucket tables: slow to build for tiny sets
			}
			x, err := NewPDQWith(set.hashes, set.ids, PDQOptions{Tables: m})
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s/m=%d", set.name, x.Tables())
			if x.Len() != len(brute(set.hashes, set.ids, pdq.Hash{}, 256)) {
				t.Errorf("%s: Len %d", name, x.Len())
			}
			var got []PDQMatch
			for qi, q := range queries {
				for di, d := range dists {
					got = x.AppendMatches(got[:0], q, d)
					if w := want[qi][di]; !slices.Equal(got, w) {
						t.Fatalf("%s: query %d at distance %d: got %d matches, want %d (first difference at %d)", name, qi, d, len(got), len(w), firstDiff(got, w))
					}
				}
			}
		}
	}
}

func TestPDQNegativeDistance(t *testing.T) {
	h := []pdq.Hash{{1}}
	x, err := NewPDQ(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.AppendMatches(nil, h[0], -1); len(got) != 0 {
		t.Errorf("distance -1: %v", got)
	}
	if got := x.AppendMatches(nil, h[0], 0); len(got) != 1 || got[0] != (PDQMatch{0, 0}) {
		t.Errorf("distance 0: %v", got)
	}
}

func TestPDQOptionsErrors(t *testing.T) {
	for _, tt := range []struct {
		hashes []pdq.Hash
		ids    []uint32
		m      int
	}{
		{make([]pdq.Hash, 2), []uint32{1}, 0},
		{nil, nil, 10},
		{nil, nil, 33},
		{nil, nil, -1},
	} {
		if _, err := NewPDQWith(tt.hashes, tt.ids, PDQOptions{Tables: tt.m}); err == nil {
			t.Errorf("NewPDQWith(%d hashes, %d ids, m=%d): no error", len(tt.hashes), len(tt.ids), tt.m)
		}
	}
}

func TestNeighbours(t *testing.T) {
	for _, nb := range []uint{8, 13, 21} {
		for r := 0; r <= 4; r++ {
			k := uint32(0x5a5a5a) & (1<<nb - 1)
			got := neighbours(nil, k, nb, r)
			seen := map[uint32]bool{}
			for _, v := range got {
				if seen[v] {
					t.Fatalf("nb=%d r=%d: %x twice", nb, r, v)
				}
				seen[v] = true
				if v >= 1<<nb {
					t.Fatalf("nb=%d r=%d: %x out of range", nb, r, v)
				}
				if d := popcount32(v ^ k); d > r {
					t.Fatalf("nb=%d r=%d: %x at distance %d", nb, r, v, d)
				}
			}
			if want := ball(nb, r); float64(len(got)) != want {
				t.Fatalf("nb=%d r=%d: %d keys, want %v", nb, r, len(got), want)
			}
		}
	}
}

func popcount32(v uint32) int {
	n := 0
	for ; v != 0; v &= v - 1 {
		n++
	}
	return n
}

func TestPDQDefaultTables(t *testing.T) {
	for _, tt := range []struct{ n, m int }{{0, 32}, {1, 32}, {1000, 26}, {1 << 20, 13}, {10_000_000, 11}, {1 << 30, 11}} {
		if got := defaultPDQTables(tt.n); got != tt.m {
			t.Errorf("defaultPDQTables(%d) = %d, want %d", tt.n, got, tt.m)
		}
	}
}

func TestPDQConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	hs := clustered(r, 3000)
	x, err := NewPDQ(hs, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := g; i < len(hs); i += 37 {
				got := x.AppendMatches(nil, hs[i], 31)
				if want := brute(hs, nil, hs[i], 31); !slices.Equal(got, want) {
					done <- fmt.Errorf("hash %d: got %v want %v", i, got, want)
					return
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func firstDiff(a, b []PDQMatch) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestNoAllocations(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	hs := clustered(r, 2000)
	x, err := NewPDQ(hs, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := flip(r, hs[5], 8)
	x.Search(q, 31, func(uint32, int) {}) // warm the scratch pool
	n := 0
	// < 1: a GC emptying the scratch pool mid-run may cost one allocation.
	if a := testing.AllocsPerRun(50, func() { x.Search(q, 31, func(uint32, int) { n++ }) }); a >= 1 {
		t.Errorf("PDQ Search: %v allocations per call", a)
	}
	var b ExactBuilder
	d := randDigests(r, 1, 16)
	b.Add(MD5, d, 7)
	e := b.Build()
	miss := randDigests(r, 1, 16)
	dst := make([]uint32, 0, 4)
	if a := testing.AllocsPerRun(50, func() {
		e.Lookup(MD5, miss, func(uint32) { n++ })
		dst = e.AppendIDs(dst[:0], MD5, d)
		e.LookupBatch(MD5, d, func(int, uint32) { n++ })
	}); a > 0 {
		t.Errorf("Exact lookups: %v allocations per call", a)
	}
}
