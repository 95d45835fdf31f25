// Command pdqindex measures the PDQ near-duplicate index.
//
//	go run ./bench/pdqindex -gen DIR             # writes DIR/bank.txt, DIR/queries.txt
//	go run ./bench/pdqindex [-d 31] [-m M] [-brute] [-sample N] [-save FILE] BANK QUERIES
//
// BANK and QUERIES hold one 64-hex PDQ hash per line. The index is built
// from BANK on all cores, then every query is searched at distance <= d on
// one core (GOMAXPROCS(1) during the query phase). It prints
//
//	build_ms=... query_ms=... qps=... hits=... queries_with_hits=... [more]
//
// -brute checks every result (or a sample of -sample queries) against a
// linear scan and prints recall=...; -save writes the index to FILE, reads
// it back and prints write_ms and load_ms.
//
// The standard data (-gen, seeded and deterministic): BANK is 10,000,000
// hashes; entry 0 is random and every later entry is, with probability
// 1/10, a copy of a uniformly chosen earlier entry with 0..20 distinct
// random bits flipped, else random. QUERIES is 2,000 hashes: even-numbered
// ones a uniformly chosen BANK entry with 0..40 bits flipped, odd-numbered
// ones random.
//
// The FAISS anchor runs on the same files in the same session:
// faiss_anchor.py (Debian's python3-faiss, IndexBinaryMultiHash(256, 16,
// 16) with nflip 1, one thread) prints the same figures.
package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchindex"
)

func main() {
	gen := flag.String("gen", "", "write the standard BANK and QUERIES into this directory and exit")
	n := flag.Int("n", 10_000_000, "with -gen: bank size")
	nq := flag.Int("q", 2000, "with -gen: query count")
	dist := flag.Int("d", 31, "search distance")
	tables := flag.Int("m", 0, "substring tables (0: index default)")
	bruteCheck := flag.Bool("brute", false, "check results against a linear scan and print recall")
	sample := flag.Int("sample", 0, "with -brute: check only this many queries (0: all)")
	save := flag.String("save", "", "write the index to this file, read it back, print write_ms and load_ms")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of build and queries to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pdqindex:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var err error
	if *gen != "" {
		err = generate(*gen, *n, *nq)
	} else if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	} else {
		err = run(flag.Arg(0), flag.Arg(1), *dist, *tables, *bruteCheck, *sample, *save)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "pdqindex:", err)
		os.Exit(1)
	}
}

// rng is splitmix64: tiny, fast and fixed forever, so -gen output never
// depends on the Go version.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intn is uniform in [0, n) (Lemire's multiply-shift; the bias is below
// 2^-32 for the sizes used here).
func (r *rng) intn(n int) int { return int((r.next() >> 32) * uint64(n) >> 32) }

func (r *rng) hash() pdq.Hash {
	var h pdq.Hash
	for i := 0; i < 32; i += 8 {
		v := r.next()
		for j := 0; j < 8; j++ {
			h[i+j] = byte(v >> (56 - 8*j))
		}
	}
	return h
}

// flip flips k distinct random bits of h.
func (r *rng) flip(h pdq.Hash, k int) pdq.Hash {
	var done [4]uint64
	for k > 0 {
		b := r.intn(256)
		if done[b/64]&(1<<(b%64)) != 0 {
			continue
		}
		done[b/64] |= 1 << (b % 64)
		h[b/8] ^= 0x80 >> (b % 8)
		k--
	}
	return h
}

func generate(dir string, n, nq int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r := rng(20261129)
	bank := make([]pdq.Hash, n)
	for i := range bank {
		if i > 0 && r.intn(10) == 0 {
			bank[i] = r.flip(bank[r.intn(i)], r.intn(21))
		} else {
			bank[i] = r.hash()
		}
	}
	queries := make([]pdq.Hash, nq)
	for i := range queries {
		if i%2 == 0 {
			queries[i] = r.flip(bank[r.intn(n)], r.intn(41))
		} else {
			queries[i] = r.hash()
		}
	}
	if err := writeHashes(filepath.Join(dir, "bank.txt"), bank); err != nil {
		return err
	}
	return writeHashes(filepath.Join(dir, "queries.txt"), queries)
}

func writeHashes(path string, hs []pdq.Hash) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var line [65]byte
	line[64] = '\n'
	for _, h := range hs {
		hex.Encode(line[:64], h[:])
		w.Write(line[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readHashes(path string) ([]pdq.Hash, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []pdq.Hash
	if fi, err := f.Stat(); err == nil {
		out = make([]pdq.Hash, 0, fi.Size()/65+1)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<16)
	for ln := 1; sc.Scan(); ln++ {
		s := bytes.TrimSpace(sc.Bytes())
		if len(s) == 0 {
			continue
		}
		var h pdq.Hash
		if len(s) != 64 {
			return nil, fmt.Errorf("%s line %d: want 64 hex characters, got %d", path, ln, len(s))
		}
		if _, err := hex.Decode(h[:], s); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, ln, err)
		}
		out = append(out, h)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

func run(bankPath, queryPath string, dist, tables int, bruteCheck bool, sample int, save string) error {
	bank, err := readHashes(bankPath)
	if err != nil {
		return err
	}
	queries, err := readHashes(queryPath)
	if err != nil {
		return err
	}
	runtime.GC()
	t0, c0 := time.Now(), cputime.Process()
	x, err := matchindex.NewPDQWith(bank, nil, matchindex.PDQOptions{Tables: tables})
	if err != nil {
		return err
	}
	buildMS, buildCPU := time.Since(t0).Milliseconds(), cputime.Process()-c0
	cores := runtime.GOMAXPROCS(0)
	if !bruteCheck {
		bank = nil // the index does not need the input
	}
	runtime.GC()
	debug.FreeOSMemory()
	rssBuilt := statusMB("VmRSS:")

	if save != "" {
		t1 := time.Now()
		if err := matchindex.WriteFile(save, x); err != nil {
			return err
		}
		writeMS := time.Since(t1).Milliseconds()
		t2, c2 := time.Now(), cputime.Process()
		f, err := os.Open(save)
		if err != nil {
			return err
		}
		y, err := matchindex.ReadPDQ(f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Printf("write_ms=%d load_ms=%d load_cpu_ms=%d file_mb=%.0f\n", writeMS, time.Since(t2).Milliseconds(), (cputime.Process() - c2).Milliseconds(), fileMB(save))
		x = y // search the loaded copy
		runtime.GC()
	}

	prev := runtime.GOMAXPROCS(1)
	results := make([][]matchindex.PDQMatch, len(queries))
	hits, withHits := 0, 0
	t3, c3 := time.Now(), cputime.Process()
	for i, q := range queries {
		results[i] = x.AppendMatches(results[i][:0], q, dist)
	}
	queryDur, queryCPU := time.Since(t3), cputime.Process()-c3
	runtime.GOMAXPROCS(prev)
	for _, r := range results {
		hits += len(r)
		if len(r) > 0 {
			withHits++
		}
	}
	fmt.Printf("build_ms=%d query_ms=%.1f qps=%.0f hits=%d queries_with_hits=%d tables=%d distinct=%d index_mb=%.0f rss_after_build_mb=%.0f peak_rss_mb=%.0f build_cores=%d build_cpu_ms=%d query_cpu_ms=%d qps_cpu=%.0f d=%d\n",
		buildMS, float64(queryDur.Microseconds())/1000, float64(len(queries))/queryDur.Seconds(),
		hits, withHits, x.Tables(), x.Distinct(), float64(x.Bytes())/(1<<20), rssBuilt, statusMB("VmHWM:"), cores,
		buildCPU.Milliseconds(), queryCPU.Milliseconds(), float64(len(queries))/queryCPU.Seconds(), dist)

	if bruteCheck {
		return checkBrute(bank, queries, results, dist, sample)
	}
	return nil
}

func checkBrute(bank, queries []pdq.Hash, results [][]matchindex.PDQMatch, dist, sample int) error {
	idx := make([]int, 0, len(queries))
	step := 1
	if sample > 0 && sample < len(queries) {
		step = len(queries) / sample
	}
	for i := 0; i < len(queries); i += step {
		idx = append(idx, i)
	}
	var mu sync.Mutex
	want, found, extra := 0, 0, 0
	var firstErr string
	work := make(chan int)
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for qi := range work {
				exp := map[uint32]int{}
				for i, h := range bank {
					if d := pdq.Distance(h, queries[qi]); d <= dist {
						exp[uint32(i)] = d
					}
				}
				f, e := 0, 0
				for _, m := range results[qi] {
					if d, ok := exp[m.ID]; ok && d == m.Distance {
						f++
					} else {
						e++
					}
				}
				mu.Lock()
				want += len(exp)
				found += f
				extra += e
				if firstErr == "" && (f != len(exp) || e != 0) {
					firstErr = fmt.Sprintf("query %d: %d of %d found, %d wrong", qi, f, len(exp), e)
				}
				mu.Unlock()
			}
		}()
	}
	for _, qi := range idx {
		work <- qi
	}
	close(work)
	wg.Wait()
	recall := 1.0
	if want > 0 {
		recall = float64(found) / float64(want)
	}
	fmt.Printf("recall=%.6f checked_queries=%d expected_hits=%d found=%d wrong=%d brute_ms_per_query=%.1f\n",
		recall, len(idx), want, found, extra, float64(time.Since(t0).Milliseconds())*float64(runtime.GOMAXPROCS(0))/float64(len(idx)))
	if firstErr != "" {
		return fmt.Errorf("recall check failed: %s", firstErr)
	}
	return nil
}

func fileMB(path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return float64(fi.Size()) / (1 << 20)
}

// statusMB reads a kB field of /proc/self/status (Linux) in MiB: VmHWM
// is the peak resident set, VmRSS the current one.
func statusMB(field string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, ln := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(ln, field) {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(ln, field)), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
