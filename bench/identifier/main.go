// Command identifier measures identifier extraction throughput on one core
// over generated text: sparse (chat/stealer-log-like lines with about one
// identifier per 2,000 words) and dense (one word in four is an
// identifier). Run: go run ./bench/identifier [-mb 64] [-runs 3]
//
// It prints wall-clock MiB/s and CPU-time MiB/s (user+system time of the
// process, GOMAXPROCS=1): on a shared machine the CPU-time figure is the
// one that says what one core does.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/identifier/identifiertest"
)

func main() {
	mb := flag.Int("mb", 64, "size of the sparse text in MiB (dense uses a quarter)")
	runs := flag.Int("runs", 3, "runs per case; the best is reported")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	fmt.Printf("identifier extraction, 1 core (GOMAXPROCS=1), %s %s/%s, best of %d\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, *runs)
	cases := []struct {
		name string
		text []byte
		opt  identifier.ExtractOptions
	}{
		{"sparse", identifiertest.Sparse(*mb<<20, 1), identifier.ExtractOptions{}},
		{"sparse --region US", identifiertest.Sparse(*mb<<20, 1), identifier.ExtractOptions{DefaultRegion: "US"}},
		{"dense", identifiertest.Dense(*mb<<18, 2), identifier.ExtractOptions{}},
	}
	for _, c := range cases {
		best, bestCPU := time.Duration(1<<62), time.Duration(1<<62)
		found := 0
		for r := 0; r < *runs; r++ {
			runtime.GC()
			start, cpu0 := time.Now(), cputime.Process()
			n := 0
			err := identifier.ExtractReader(bytes.NewReader(c.text), c.opt, func(identifier.Identifier) error {
				n++
				return nil
			})
			d, dc := time.Since(start), cputime.Process()-cpu0
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench:", err)
				os.Exit(1)
			}
			best, bestCPU = min(best, d), min(bestCPU, dc)
			found = n
		}
		size := float64(len(c.text)) / (1 << 20)
		fmt.Printf("%-20s %6.1f MiB %8d identifiers  wall %7.1f MiB/s  cpu %7.1f MiB/s\n",
			c.name, size, found, size/best.Seconds(), size/bestCPU.Seconds())
	}
}
