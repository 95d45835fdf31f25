package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchshard"
)

// runLocal measures the question of the embedded matcher: what holding
// the index as P partitions in one process (matchshard.Local over a Shard
// of every partition, no network) costs against one partition, the
// embedded default. For each P it builds the partitions from the
// generated bank (Shard.Refresh), saves them (Shard.Save) and loads them
// back (Shard.Load: the index files mapped, as the embedded index is);
// then, alternately for each P in each of rounds, it times with one core
// (GOMAXPROCS 1) every query alone and all of them in batches of batch.
// Times are the process's CPU time; the hits of every P are checked equal
// to those of the first.
func runLocal(n int64, ps []int, qs []pdq.Hash, batch, rounds int, base string) error {
	ctx := context.Background()
	fmt.Printf("config=local records=%d partitions=%v queries=%d loadavg=%q\n", n+int64((len(qs)+1)/2), ps, len(qs), loadavg())
	locals := make([]matchshard.Local, len(ps))
	for i, p := range ps {
		all := make([]int, p)
		src := source{bank: matchshard.Bank{ID: 1, Digest: "1:local"}, n: n, qs: qs, p: p, isHeld: map[int]bool{}}
		for part := range all {
			all[part] = part
			src.isHeld[part] = true
		}
		dir := filepath.Join(base, fmt.Sprintf("local-n%d-p%d-q%d", n, p, len(qs)))
		shard, err := matchshard.NewShard(p, all)
		if err != nil {
			return err
		}
		if err := shard.Load(dir); err != nil {
			c0, t0 := cputime.Process(), time.Now()
			if err := shard.Refresh(ctx, src); err != nil {
				return err
			}
			fmt.Printf("  local p=%d build_cpu_s=%.1f build_wall_s=%.1f\n", p, (cputime.Process() - c0).Seconds(), time.Since(t0).Seconds())
			os.RemoveAll(dir)
			if err := shard.Save(dir); err != nil {
				return err
			}
		}
		shard = nil
		runtime.GC()
		debug.FreeOSMemory()
		loaded, err := matchshard.NewShard(p, all)
		if err != nil {
			return err
		}
		c0, t0 := cputime.Process(), time.Now()
		if err := loaded.Load(dir); err != nil {
			return err
		}
		var bytes int64
		for _, b := range loaded.Bytes() {
			bytes += b
		}
		fmt.Printf("  local p=%d load_cpu_s=%.2f load_wall_s=%.2f index_bytes=%d bytes_per_record=%.1f loadavg=%q\n",
			p, (cputime.Process() - c0).Seconds(), time.Since(t0).Seconds(), bytes, float64(bytes)/float64(n+int64((len(qs)+1)/2)), loadavg())
		locals[i] = matchshard.Local{Shard: loaded}
	}
	// Every query once per P (touches the mapped pages), checked equal.
	var first []matchshard.Hit
	for i, l := range locals {
		hits, err := l.SearchPDQ(ctx, qs, 31)
		if err != nil {
			return err
		}
		slices.SortFunc(hits, func(a, b matchshard.Hit) int {
			if a.Query != b.Query {
				return a.Query - b.Query
			}
			return int(a.Record - b.Record)
		})
		if i == 0 {
			first = hits
		} else if !slices.Equal(hits, first) {
			return fmt.Errorf("p=%d: %d hits differ from p=%d's %d", ps[i], len(hits), ps[0], len(first))
		}
	}
	fmt.Printf("  local hits=%d, the same for every P\n", len(first))
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	for r := range rounds {
		for i, l := range locals {
			c0 := cputime.Process()
			for j := range qs {
				if _, err := l.SearchPDQ(ctx, qs[j:j+1], 31); err != nil {
					return err
				}
			}
			single := cputime.Process() - c0
			c0 = cputime.Process()
			for off := 0; off < len(qs); off += batch {
				if _, err := l.SearchPDQ(ctx, qs[off:min(off+batch, len(qs))], 31); err != nil {
					return err
				}
			}
			batched := cputime.Process() - c0
			fmt.Printf("  local round=%d p=%d single_cpu_us_per_query=%.0f batched_cpu_us_per_query=%.0f loadavg=%q\n",
				r, ps[i], float64(single.Microseconds())/float64(len(qs)), float64(batched.Microseconds())/float64(len(qs)), loadavg())
		}
	}
	return nil
}
