// Command exactindex measures the exact digest index.
//
//	go run ./bench/exactindex [-n 100000000] [-kind md5] [-lookups 20000000] [-save FILE | -load FILE]
//
// It builds an index of n random digests (record ids 0..n-1) on all cores,
// then looks up random present digests and random absent ones on one core
// (GOMAXPROCS(1)) and prints one line:
//
//	n=... build_ms=... bytes_per_record=... hit_lookups_per_s=... miss_lookups_per_s=... peak_rss_mb=...
//
// -save writes the index to FILE, reads it back and prints write_ms and
// load_ms. -load reads an index that -save wrote (same -n and -kind)
// instead of building one, so runs that compare lookup code need not
// build (build_ms and peak_rss_mb then describe the read). Digest i is a
// pure function of i (splitmix64 of a counter), so present digests are
// regenerated rather than kept in memory. loop_ns is the cost of the
// lookup loop without the lookup (making each digest, the callback
// variable), included in the lookup rates.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/matchindex"
)

func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

const gamma = 0x9e3779b97f4a7c15

// digest writes digest number i of stream seed into d (16, 20 or 32
// bytes): little-endian words of splitmix64, the last one cut to 4 bytes
// for SHA-1.
func digest(d []byte, seed, i uint64) {
	w := 0
	for ; w+8 <= len(d); w += 8 {
		binary.LittleEndian.PutUint64(d[w:], mix(seed+(i*4+uint64(w/8))*gamma))
	}
	if w+4 <= len(d) {
		binary.LittleEndian.PutUint32(d[w:], uint32(mix(seed+(i*4+uint64(w/8))*gamma)))
	}
}

// present draws the number of a present digest (0..n-1) from the
// stream r.
func present(r *uint64, n int) uint64 {
	*r += gamma
	return (mix(*r) >> 32) * uint64(n) >> 32
}

// singles looks up lookups digests one at a time, as a caller matching
// files would: present ones drawn from r, or (hits false) digests of
// another stream, none of them present. It returns the ids found and the
// CPU and wall time. With lookup false it only makes the digests and
// calls the callback once each: the cost of the loop itself.
func singles(x *matchindex.Exact, kind matchindex.Kind, n, lookups int, r uint64, hits, lookup bool) (int, time.Duration, time.Duration) {
	d := make([]byte, kind.Size())
	found := 0
	count := func(uint32) { found++ }
	t0, c0 := time.Now(), cputime.Process()
	for j := 0; j < lookups; j++ {
		if hits {
			digest(d, seed, present(&r, n))
		} else {
			digest(d, seed+1, uint64(j))
		}
		if lookup {
			x.Lookup(kind, d, count)
		} else {
			count(uint32(d[0]))
		}
	}
	return found, cputime.Process() - c0, time.Since(t0)
}

const seed = 20261129

func main() {
	n := flag.Int("n", 100_000_000, "records")
	kindName := flag.String("kind", "md5", "md5, sha1 or sha256")
	lookups := flag.Int("lookups", 20_000_000, "lookups of each sort (hits, misses)")
	save := flag.String("save", "", "write the index to this file, read it back, print write_ms and load_ms")
	load := flag.String("load", "", "read the index from this file (written by -save with the same -n and -kind) instead of building it")
	flag.Parse()
	if err := run(*n, *kindName, *lookups, *save, *load); err != nil {
		fmt.Fprintln(os.Stderr, "exactindex:", err)
		os.Exit(1)
	}
}

func run(n int, kindName string, lookups int, save, load string) error {
	var kind matchindex.Kind
	switch kindName {
	case "md5":
		kind = matchindex.MD5
	case "sha1":
		kind = matchindex.SHA1
	case "sha256":
		kind = matchindex.SHA256
	default:
		return fmt.Errorf("unknown kind %q", kindName)
	}
	x, buildWall, buildCPU, err := buildOrLoad(n, kind, seed, load)
	if err != nil {
		return err
	}
	buildMS := buildWall.Milliseconds()
	runtime.GC()
	debug.FreeOSMemory()
	rss := peakRSSMB()

	if save != "" {
		t1 := time.Now()
		if err := matchindex.WriteFile(save, x); err != nil {
			return err
		}
		writeMS := time.Since(t1).Milliseconds()
		x = nil
		runtime.GC()
		t2, c2 := time.Now(), cputime.Process()
		f, err := os.Open(save)
		if err != nil {
			return err
		}
		x, err = matchindex.ReadExact(f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Printf("write_ms=%d load_ms=%d load_cpu_ms=%d file_mb=%.0f\n", writeMS, time.Since(t2).Milliseconds(), (cputime.Process() - c2).Milliseconds(), fileMB(save))
	}

	prev := runtime.GOMAXPROCS(1)
	r := uint64(12345)
	_, loopCPU, _ := singles(x, kind, n, lookups, r, true, false)
	found, hitCPU, hitDur := singles(x, kind, n, lookups, r, true, true)
	if found != lookups {
		return fmt.Errorf("%d of %d present digests found", found, lookups)
	}
	falseHits, missCPU, missDur := singles(x, kind, n, lookups, r, false, true)
	r += uint64(lookups) * gamma // the stream past the hits
	// Batched: 256 random present digests per LookupBatch call.
	batch := make([]byte, 256*kind.Size())
	found = 0
	var batchDur, batchCPU time.Duration
	for j := 0; j < lookups; j += 256 {
		for k := 0; k < 256; k++ {
			digest(batch[k*kind.Size():(k+1)*kind.Size()], seed, present(&r, n))
		}
		t5, c5 := time.Now(), cputime.Process()
		found += x.LookupBatch(kind, batch, func(int, uint32) {})
		batchDur += time.Since(t5)
		batchCPU += cputime.Process() - c5
	}
	batched := (lookups + 255) / 256 * 256
	if found != batched {
		return fmt.Errorf("batch: %d of %d present digests found", found, batched)
	}
	runtime.GOMAXPROCS(prev)
	// The loops include generating the digest (loop_ns); it is not removed.
	fmt.Printf("n=%d kind=%s build_ms=%d build_cpu_ms=%d bytes_per_record=%.2f loop_ns=%.1f hit_lookups_per_s=%.0f hit_lookups_per_cpu_s=%.0f miss_lookups_per_s=%.0f miss_lookups_per_cpu_s=%.0f batch_hit_lookups_per_s=%.0f batch_hit_lookups_per_cpu_s=%.0f false_hits=%d peak_rss_mb=%.0f huge_mb=%.0f\n",
		n, kind, buildMS, buildCPU.Milliseconds(), float64(x.Bytes())/float64(n), float64(loopCPU.Nanoseconds())/float64(lookups),
		float64(lookups)/hitDur.Seconds(), float64(lookups)/hitCPU.Seconds(),
		float64(lookups)/missDur.Seconds(), float64(lookups)/missCPU.Seconds(),
		float64(batched)/batchDur.Seconds(), float64(batched)/batchCPU.Seconds(), falseHits, rss, hugeMB())
	return nil
}

// buildOrLoad builds the index of n digests, or reads it from load, and
// says how long the Build call (or the read) took.
func buildOrLoad(n int, kind matchindex.Kind, seed uint64, load string) (*matchindex.Exact, time.Duration, time.Duration, error) {
	t0, c0 := time.Now(), cputime.Process()
	if load != "" {
		f, err := os.Open(load)
		if err != nil {
			return nil, 0, 0, err
		}
		defer f.Close()
		x, err := matchindex.ReadExact(f)
		if err != nil {
			return nil, 0, 0, err
		}
		if x.Len(kind) != n {
			return nil, 0, 0, fmt.Errorf("%s holds %d %s records, not -n %d", load, x.Len(kind), kind, n)
		}
		return x, time.Since(t0), cputime.Process() - c0, nil
	}
	var b matchindex.ExactBuilder
	b.Grow(kind, n)
	d := make([]byte, kind.Size())
	for i := 0; i < n; i++ {
		digest(d, seed, uint64(i))
		if err := b.Add(kind, d, uint32(i)); err != nil {
			return nil, 0, 0, err
		}
	}
	t0, c0 = time.Now(), cputime.Process()
	x := b.Build()
	return x, time.Since(t0), cputime.Process() - c0, nil
}

func fileMB(path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return float64(fi.Size()) / (1 << 20)
}

// hugeMB is the transparent huge page memory of the process (Linux).
func hugeMB() float64 {
	b, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return 0
	}
	for _, ln := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(ln, "AnonHugePages:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(ln, "AnonHugePages:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// peakRSSMB is VmHWM from /proc/self/status (Linux), in MiB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, ln := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(ln, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(ln, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
