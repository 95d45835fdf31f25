// Command hashset measures hash-list import speed and memory: it generates
// synthetic VICS 2.0 hash sets and an NSRL RDSv3-shaped database, reads
// them through the same path an import uses (format.Open: detection,
// streaming reader, file SHA-256), and prints records per second and heap
// figures. Generated files go to a temporary directory that is removed at
// the end.
//
//	go run ./bench/hashset                       # 1M and 5M VICS records, 1M NSRL rows
//	go run ./bench/hashset -vics 100000 -nsrl 100000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/format"
	"github.com/vibora-project/vibora/internal/hashset/hashsettest"
	"github.com/vibora-project/vibora/internal/hashset/nsrl/nsrltest"
	"github.com/vibora-project/vibora/internal/hashset/vics"
)

func main() {
	vicsSizes := flag.String("vics", "1000000,5000000", "comma-separated VICS record counts")
	nsrlRows := flag.Int("nsrl", 1000000, "distinct NSRL hashes (0 skips)")
	dir := flag.String("dir", "", "directory for generated files (default: a new temporary directory)")
	flag.Parse()
	if err := run(*vicsSizes, *nsrlRows, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench/hashset:", err)
		os.Exit(1)
	}
}

func run(vicsSizes string, nsrlRows int, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "vibora-bench-hashset-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	fmt.Printf("go %s, GOMAXPROCS %d, %s/%s\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Println("records/CPU-s divides by the process's user+system CPU time: it is the figure to compare on a busy machine.")
	fmt.Printf("%-6s %10s %10s %9s %12s %14s %9s %14s %14s\n", "format", "records", "file MB", "read s", "records/s", "records/CPU-s", "MB/s", "peak heap MB", "live heap MB")
	for _, s := range strings.Split(vicsSizes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("-vics %q: %w", s, err)
		}
		path := filepath.Join(dir, "vics-"+s+".json")
		if err := writeVICS(path, n); err != nil {
			return err
		}
		if err := measure(path, n); err != nil {
			return err
		}
		os.Remove(path)
	}
	if nsrlRows > 0 {
		path := filepath.Join(dir, "rds.db")
		if err := nsrltest.Build(context.Background(), path, nsrlRows, "bench"); err != nil {
			return err
		}
		if err := measure(path, nsrlRows); err != nil {
			return err
		}
	}
	return nil
}

func writeVICS(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := vics.NewWriter(f)
	for i := 0; i < n; i++ {
		r := hashsettest.Record(i)
		if err := w.Write(&r); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// measure imports path and prints one line of figures. Peak heap is
// sampled every 20 ms (HeapInuse: live data plus not-yet-collected
// garbage); live heap is HeapAlloc after a forced GC at the end, with the
// reader still open.
func measure(path string, want int) error {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start, cpu0 := time.Now(), cputime.Process()
	f, err := format.Open(context.Background(), path, format.Options{})
	if err != nil {
		return err
	}
	defer f.Close()
	var n, rej int
	for {
		_, err := f.Next()
		if err == io.EOF {
			break
		}
		if hashset.IsReject(err) {
			rej++
			continue
		}
		if err != nil {
			return err
		}
		n++
	}
	readTime, cpu := time.Since(start), cputime.Process()-cpu0
	if _, err := f.SHA256(); err != nil {
		return err
	}
	close(stop)
	<-done
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if n != want || rej != 0 {
		return fmt.Errorf("%s: %d records, %d rejected; want %d", path, n, rej, want)
	}
	mb := float64(f.Size) / 1e6
	fmt.Printf("%-6s %10d %10.1f %9.2f %12.0f %14.0f %9.1f %14.1f %14.1f\n", f.Format, n, mb, readTime.Seconds(),
		float64(n)/readTime.Seconds(), float64(n)/cpu.Seconds(), mb/readTime.Seconds(), float64(peak.Load())/1e6, float64(ms.HeapAlloc)/1e6)
	return nil
}
