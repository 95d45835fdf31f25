package matchshard

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// Search finds every live record within maxDist of each query in the
// given partitions (nil: all held), from one state; it returns that
// state's view. A partition not held is ErrNotHeld. Queries are searched
// on all cores.
func (s *Shard) Search(ctx context.Context, qs []pdq.Hash, maxDist int, parts []int) (string, []Hit, error) {
	st := s.st.Load()
	if st == nil {
		return "", nil, fmt.Errorf("shard not loaded yet: %w", ErrNotHeld)
	}
	if parts == nil {
		parts = s.held
	}
	for _, p := range parts {
		if p < 0 || p >= s.p || !s.isHeld[p] {
			return "", nil, fmt.Errorf("partition %d: %w", p, ErrNotHeld)
		}
	}
	type work struct {
		g    *segment
		bank int64
	}
	var segs []work
	for _, b := range st.banks {
		for _, p := range parts {
			for _, g := range b.parts[p] {
				segs = append(segs, work{g, b.id})
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, len(qs)/64))
	// search appends the hits of queries w, w+workers, ... to hits.
	search := func(w int, hits []Hit) []Hit {
		for qi := w; qi < len(qs); qi += workers {
			if qi%256 == w && ctx.Err() != nil {
				return hits
			}
			for _, sg := range segs {
				g := sg.g
				g.idx.Search(qs[qi], maxDist, func(ord uint32, d int) {
					if int(ord) >= len(g.rec) || g.dead[ord] {
						return
					}
					bank := sg.bank
					if g.banks != nil {
						bank = g.banks[g.bankOf[ord]]
					}
					hits = append(hits, Hit{Query: qi, Record: g.rec[ord], Bank: bank, Distance: d, Quality: int(g.qual[ord])})
				})
			}
		}
		return hits
	}
	if workers == 1 {
		// A small batch (one file's queries) is searched here: no
		// goroutine to start and wait for.
		hits := search(0, nil)
		if err := ctx.Err(); err != nil {
			return "", nil, err
		}
		return st.view, hits, nil
	}
	out := make([][]Hit, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[w] = search(w, nil)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	var all []Hit
	for _, h := range out {
		all = append(all, h...)
	}
	return st.view, all, nil
}

// Searcher answers a batch of PDQ queries over every partition: Local in
// process, Client over the network.
type Searcher interface {
	SearchPDQ(ctx context.Context, qs []pdq.Hash, maxDist int) ([]Hit, error)
}

// Local is a Shard holding every partition, searched in process.
type Local struct{ *Shard }

// SearchPDQ searches every partition.
func (l Local) SearchPDQ(ctx context.Context, qs []pdq.Hash, maxDist int) ([]Hit, error) {
	if len(l.held) != l.p {
		return nil, fmt.Errorf("local shard holds %d of %d partitions", len(l.held), l.p)
	}
	_, hits, err := l.Search(ctx, qs, maxDist, nil)
	return hits, err
}
