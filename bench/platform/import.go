package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/platform"
	"github.com/vibora-project/vibora/internal/platform/dump"
	"github.com/vibora-project/vibora/internal/platform/synth"
	"github.com/vibora-project/vibora/internal/store"
)

// importRun imports the dumps at paths, one case each, into the store
// named by dsn (a new SQLite file in work when empty) and prints the
// import's rate per CPU second of this process and its peak resident
// memory.
func importRun(ctx context.Context, work, dsn string, paths, labels []string, write func(io.Writer, synth.Scale) error, memlog io.Writer, heapPrefix string, readers, exclusive bool) error {
	if dsn == "" {
		dsn = filepath.Join(work, "store.db")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	s := investigation.New(db, "bench", investigation.WithCacheDir(filepath.Join(work, "cache")))
	defer s.Close()
	mapPath, err := benchMapping(work, write)
	if err != nil {
		return err
	}
	fmt.Printf("store: %s (%s)\n", store.Redact(dsn), db.Dialect())
	fmt.Printf("%-10s %12s %12s %9s %9s %10s %10s %9s %10s\n", "scale", "bytes", "rows", "MB/s-cpu", "MB/s-wall", "cpu-s", "peak-rss", "errors", "store-MB")
	stamp := time.Now().UTC().Format("150405")
	var reads, peaks, gcs []string
	for i, path := range paths {
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("bench-%s-%d", stamp, i)
		if _, err := s.CreateCase(ctx, investigation.Case{Name: name}); err != nil {
			return err
		}
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		size0 := storeSize(dsn)
		var ml *memLog
		if memlog != nil {
			ml = startMemLog(memlog, labels[i], 250*time.Millisecond, heapPrefix != "")
		}
		g0 := readGC()
		f0, c0, s0, t0 := minorFaults(), cputime.Process(), cputime.System(), time.Now()
		rep, err := s.ImportPlatform(ctx, name, investigation.PlatformImportOptions{Mapping: mapPath, Dumps: []string{path}, Exclusive: exclusive})
		if err != nil {
			return err
		}
		if exclusive && !rep.Exclusive {
			fmt.Fprintf(os.Stderr, "warning: %s: the store was not the import's alone (write-ahead log)\n", labels[i])
		}
		cpu, sys, wall, faults := cputime.Process()-c0, cputime.System()-s0, time.Since(t0), minorFaults()-f0
		g := readGC().minus(g0)
		gcs = append(gcs, fmt.Sprintf("%-10s GC %.2f CPU-s of %.2f (%.0f%%; mark: assist %.2f, dedicated %.2f, idle %.2f), %d cycles, %.2f GB allocated; in the kernel %.2f CPU-s",
			labels[i], g.total, cpu.Seconds(), 100*g.total/cpu.Seconds(), g.assist, g.dedicated, g.idle, g.cycles, float64(g.allocs)/1e9, sys.Seconds()))
		if ml != nil {
			p := ml.Stop()
			if heapPrefix != "" {
				if err := os.WriteFile(fmt.Sprintf("%s.%d", heapPrefix, i), ml.heap.Bytes(), 0o644); err != nil {
					return err
				}
			}
			peaks = append(peaks, fmt.Sprintf("%-10s at %.1f s: RSS %d MB (anon %d, file %d); Go heap objects %d, Go held %d, outside Go %d; %d minor page faults in the import",
				labels[i], p.at.Seconds(), p.rss>>20, p.anon>>20, p.file>>20, p.goObjects>>20, p.goHeld>>20, (p.rss-p.goHeld)>>20, faults))
		}
		mb := float64(st.Size()) / 1e6
		grown := "-"
		if size0 >= 0 {
			grown = fmt.Sprintf("%.1f", float64(storeSize(dsn)-size0)/1e6)
		}
		fmt.Printf("%-10s %12d %12d %9.1f %9.1f %10.2f %8.1fMB %9d %10s\n", labels[i], st.Size(), rep.Rows, mb/cpu.Seconds(), mb/wall.Seconds(),
			cpu.Seconds(), float64(peakRSS())/1e6, rep.SkippedRows+rep.ValueErrors, grown)
		if !readers {
			continue
		}
		r, err := timeReaders(ctx, s, name)
		if err != nil {
			return err
		}
		reads = append(reads, fmt.Sprintf("%-10s %s", labels[i], r))
	}
	if readers {
		fmt.Println("readers after each import (wall ms): the platform's first 100 logins by time; the logins of the user of the first; every user ranked")
		for _, r := range reads {
			fmt.Println(r)
		}
	}
	fmt.Println("the Go runtime's garbage collection during each import (runtime/metrics, the runtime's own estimates of CPU time), and the import's CPU time in the kernel (getrusage):")
	for _, g := range gcs {
		fmt.Println(g)
	}
	if memlog != nil {
		fmt.Println("memory at each import's largest RSS sample:")
		for _, p := range peaks {
			fmt.Println(p)
		}
	}
	fmt.Println("MB/s-cpu divides the dump's size by this process's user+system CPU time (SQLite runs in the process; PostgreSQL's own work is not counted);")
	fmt.Println("peak-rss is the process's resident set high-water mark during that import; store-MB is how much the SQLite store's files grew (- on PostgreSQL).")
	return nil
}

// benchMapping writes the mapping Suggest proposes for a small dump of
// the same generator.
func benchMapping(work string, write func(io.Writer, synth.Scale) error) (string, error) {
	var buf bytes.Buffer
	if err := write(&buf, synth.Full.Div(10_000)); err != nil {
		return "", err
	}
	r, err := dump.Open("sample.sql", bytes.NewReader(buf.Bytes()), "", dump.Limits{})
	if err != nil {
		return "", err
	}
	y, err := platform.Suggest("benchvid", []dump.Reader{r})
	if err != nil {
		return "", err
	}
	path := filepath.Join(work, "map.yaml")
	return path, os.WriteFile(path, y, 0o600)
}

// storeSize is the bytes of a SQLite store's file and its write-ahead
// log, -1 for PostgreSQL.
func storeSize(dsn string) int64 {
	if store.IsPostgres(dsn) {
		return -1
	}
	var n int64
	for _, f := range []string{dsn, dsn + "-wal"} {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}

// timeReaders times what a user of the imported case reads: the
// platform's first logins by time, one user's logins (a user with a
// median count), and the ranked users, in wall milliseconds.
func timeReaders(ctx context.Context, s *investigation.Service, name string) (string, error) {
	t0 := time.Now()
	all, err := s.PlatformLogins(ctx, name, investigation.PlatformLoginsOptions{Limit: 100})
	if err != nil {
		return "", err
	}
	first := time.Since(t0)
	if len(all.Logins) == 0 {
		return "", fmt.Errorf("no logins")
	}
	t0 = time.Now()
	one, err := s.PlatformLogins(ctx, name, investigation.PlatformLoginsOptions{User: all.Logins[0].User, Limit: 1000})
	if err != nil {
		return "", err
	}
	user := time.Since(t0)
	t0 = time.Now()
	users, err := s.PlatformUsers(ctx, name, investigation.PlatformUsersOptions{})
	if err != nil {
		return "", err
	}
	ranked := time.Since(t0)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return fmt.Sprintf("first-100 %.1f  user(%d logins) %.1f  ranked(%d users) %.1f", ms(first), one.Total, ms(user), len(users.Users), ms(ranked)), nil
}

// gcCounters are the runtime's cumulative garbage-collection figures.
type gcCounters struct {
	total, assist, dedicated, idle float64 // CPU seconds
	cycles, allocs                 uint64  // GC cycles; bytes allocated on the heap
}

var gcMetrics = []string{"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/dedicated:cpu-seconds", "/cpu/classes/gc/mark/idle:cpu-seconds", "/gc/cycles/total:gc-cycles", "/gc/heap/allocs:bytes"}

func readGC() gcCounters {
	samples := make([]metrics.Sample, len(gcMetrics))
	for i, name := range gcMetrics {
		samples[i].Name = name
	}
	metrics.Read(samples)
	f := func(i int) float64 {
		if samples[i].Value.Kind() != metrics.KindFloat64 {
			return 0
		}
		return samples[i].Value.Float64()
	}
	u := func(i int) uint64 {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return samples[i].Value.Uint64()
	}
	return gcCounters{total: f(0), assist: f(1), dedicated: f(2), idle: f(3), cycles: u(4), allocs: u(5)}
}

func (c gcCounters) minus(d gcCounters) gcCounters {
	return gcCounters{total: c.total - d.total, assist: c.assist - d.assist, dedicated: c.dedicated - d.dedicated, idle: c.idle - d.idle,
		cycles: c.cycles - d.cycles, allocs: c.allocs - d.allocs}
}
