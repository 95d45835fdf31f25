// Command platform measures seized-platform imports: it writes a
// synthetic platform dump (internal/platform/synth) at two sizes, ten times
// apart, and either reads each with one core (the dump readers alone;
// with -map also every row through the mapping Suggest proposes, as the
// import does) or, with -import, imports each into a store through
// 'vibora platform import' (investigation.ImportPlatform, with that
// mapping), printing the rate per CPU second and the memory held.
//
//	go run ./bench/platform                     # readers: 1/100 and 1/10 of the full scale
//	go run ./bench/platform -map                # readers and mapping (Mapping.Record)
//	go run ./bench/platform -div 10 -format postgres
//	go run ./bench/platform -div 1 -keep        # the full 1M users, 20M logins, 5M uploads
//	go run ./bench/platform -import -div 100    # whole import into a new SQLite store, 1/100 and 1/10
//	go run ./bench/platform -import -db 'postgres://...' -div 100
//	go run ./bench/platform -import -div 10 -readers=false  # the imports alone
//	go run ./bench/platform -import -div 2 -readers=false   # half the full scale, then five times it
//
// Everything is generated in a temporary folder (removed unless -keep);
// every value is synthetic.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/platform"
	"github.com/vibora-project/vibora/internal/platform/dump"
	"github.com/vibora-project/vibora/internal/platform/synth"
)

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "platform bench: error:", err)
		os.Exit(1)
	}
}

func run() error {
	div := flag.Int("div", 100, "the smaller dump is the full scale divided by this; the larger one is ten times it")
	format := flag.String("format", "mysql", "mysql or postgres")
	dir := flag.String("dir", "", "work folder (default: a new temporary folder)")
	keep := flag.Bool("keep", false, "keep the generated files")
	imp := flag.Bool("import", false, "run the whole import into a store instead of the readers alone")
	mapped := flag.Bool("map", false, "read every row through the mapping too (CheckColumns once per table, Record per row)")
	dsn := flag.String("db", "", "with -import: the store, a SQLite file or a postgres:// DSN (default: a new SQLite file in the work folder)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	allocprofile := flag.String("allocprofile", "", "write a profile of the run's allocations (pprof allocs: bytes and objects allocated, by where) to this file at the end")
	memlog := flag.String("memlog", "", "with -import: sample the process's memory every 250 ms during each import into this file (TSV, MB: scale, s, RSS, anon, file, Go heap objects, Go held, Go live at the last GC, the next GC's goal)")
	exclusive := flag.Bool("exclusive", false, "with -import: each import has the store to itself, as 'vibora platform import --exclusive' (a SQLite store is written through a rollback journal)")
	readers := flag.Bool("readers", true, "with -import: time the readers after each import (-readers=false: the imports alone)")
	heapprofile := flag.String("heapprofile", "", "with -memlog: write the heap profile taken at each import's largest live heap to this path with .0, .1 appended")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *allocprofile != "" {
		defer func() {
			f, err := os.Create(*allocprofile)
			if err == nil {
				err = errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "error:", err)
			}
		}()
	}
	work := *dir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "vibora-platform-bench-"); err != nil {
			return err
		}
		if !*keep {
			defer os.RemoveAll(work)
		}
	}
	write := synth.WriteMySQL
	if *format == "postgres" {
		write = synth.WritePostgres
	} else if *format != "mysql" {
		return errors.New("-format must be mysql or postgres")
	}
	if *imp {
		var paths, labels []string
		// The full scale divided by div, then ten times that: with a div
		// under 10, the larger dump is past the full scale (-div 2: half
		// and five times), to show what memory does beyond it.
		g := gcd(10, *div)
		for _, sc := range []struct {
			s        synth.Scale
			num, den int
		}{{synth.Full.Div(*div), 1, *div}, {synth.Full.Mul(10 / g).Div(*div / g), 10 / g, *div / g}} {
			path := filepath.Join(work, fmt.Sprintf("platform-%d-%d.sql", sc.num, sc.den))
			if err := generate(path, sc.s, write); err != nil {
				return err
			}
			paths, labels = append(paths, path), append(labels, fmt.Sprintf("%d/%d", sc.num, sc.den))
		}
		fmt.Printf("work folder: %s\ncpus: %d; GOMAXPROCS %d; %s %s/%s\n", work, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		var ml io.Writer
		if *memlog != "" {
			f, err := os.Create(*memlog)
			if err != nil {
				return err
			}
			defer f.Close()
			ml = f
		}
		return importRun(context.Background(), work, *dsn, paths, labels, write, ml, *heapprofile, *readers, *exclusive)
	}
	var m *platform.Mapping
	if *mapped {
		path, err := benchMapping(work, write)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		m, err = platform.ParseMapping(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	fmt.Printf("work folder: %s\nGOMAXPROCS for the read: 1; cpus: %d; %s %s/%s; mapped: %v\n", work, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, *mapped)
	fmt.Printf("%-10s %12s %12s %9s %9s %11s %12s %12s\n", "scale", "bytes", "rows", "MB/s-cpu", "MB/s-wall", "ns-cpu/row", "heap-peak", "alloc/row")
	for _, d := range []int{*div, max(1, *div/10)} {
		sc := synth.Full.Div(d)
		path := filepath.Join(work, fmt.Sprintf("platform-%d.sql", d))
		if err := generate(path, sc, write); err != nil {
			return err
		}
		if err := measure(path, fmt.Sprintf("1/%d", d), m); err != nil {
			return err
		}
	}
	fmt.Println("MB/s-cpu divides by user+system CPU time (robust on a shared machine); heap-peak is the largest live heap sampled during the read.")
	return nil
}

func generate(path string, sc synth.Scale, write func(io.Writer, synth.Scale) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f, sc); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// measure reads the dump at path with one core and, when m is not nil,
// reads every row through m as the import does.
func measure(path, label string, m *platform.Mapping) error {
	// Warm the page cache.
	if f, err := os.Open(path); err == nil {
		io.Copy(io.Discard, f)
		f.Close()
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	runtime.GC()
	debug.FreeOSMemory()
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	alloc0 := ms.TotalAlloc
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	c0, t0 := cputime.Process(), time.Now()
	r, err := dump.Open(path, f, "", dump.Limits{})
	if err != nil {
		return err
	}
	var rows, bad int64
	var peak uint64
	checked := map[string]bool{}
	var row dump.Row
	for {
		row, err = r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			bad++
			continue
		}
		rows++
		if m != nil {
			if !checked[row.Table] {
				if err := m.CheckColumns(row.Table, row.Columns); err != nil {
					return err
				}
				checked[row.Table] = true
			}
			if _, problems, err := m.Record(&row); err != nil || len(problems) > 0 {
				bad++
			}
		}
		if rows%1_000_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	cpu, wall := cputime.Process()-c0, time.Since(t0)
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapInuse)
	if bad > 0 {
		return fmt.Errorf("%s: %d rows could not be read or mapped", path, bad)
	}
	mb := float64(st.Size()) / 1e6
	fmt.Printf("%-10s %12d %12d %9.1f %9.1f %11.1f %10.1fMB %12.1f\n", label, st.Size(), rows, mb/cpu.Seconds(), mb/wall.Seconds(),
		float64(cpu.Nanoseconds())/float64(max(rows, 1)), float64(peak)/1e6, float64(ms.TotalAlloc-alloc0)/float64(max(rows, 1)))
	return nil
}
