// Command matcher measures the sharded PDQ matcher with real `vibora
// matcher --dir` processes on loopback, queried through matchshard.Client
// over the store's registry.
//
//	go run ./bench/matcher -dsn postgres://... [-n 100000000] [-procs 4] [-p 16] [-ref 10000000] [-ref-p 1] [-q 1000] [-batch 1000] [-rounds 5] [-dir /tmp/vibora-bench-matcher] [-vibora BIN] [-skip-truth]
//	go run ./bench/matcher -local [-n 10000000] [-local-p 1,4,16] [-q 1000] [-batch 1000] [-rounds 3]
//
// The first runs two configurations in one invocation, so that their
// figures come from the same machine at the same time: "ref", -ref hashes
// in -ref-p partitions held by one process, and "main", -n hashes in -p
// partitions spread over -procs processes (contiguous ranges, as
// --partitions 0-3). Both stay up, and their timed batches alternate.
// The second (-local, no database, no network) measures P partitions in
// one process against one: see runLocal.
//
// A configuration's bank is one row in a fresh database on the server
// -dsn names, with no record rows: 100 million rows would take the shared
// PostgreSQL more than a day to take in (docs/scale.md, the store side).
// Its records are generated (IDs 1..n, a record's hash a fixed function
// of its ID, plus for every even query j a near-duplicate at j/2 mod 40
// bits, ID n+1+j) and fed to matchshard.Shard.Refresh through a Source,
// exactly as a matcher reads a bank from the store, and each process's
// partitions are written with Shard.Save into -dir/CONFIG/I, one process
// at a time (only one build's scratch in memory). A directory saved
// earlier for the same figures is reused (-regen rebuilds it). Then
// `vibora matcher --dir -dir/CONFIG/I` processes start one after another:
// each loads its partitions from disk (Shard.Load, the index files
// mapped), finds the bank row with the digest it saved, tails nothing
// past its watermark, and registers.
//
// It prints, per process: build CPU and wall time, index bytes on disk;
// load wall and CPU time to ready, resident memory (anonymous and
// file-backed) after the load and after the queries. Then batched queries
// per second (wall) and the matchers' CPU time per query over -rounds
// batches of -batch queries (alternated between the configurations), and
// recall against a brute force: a linear
// scan of every generated record against every query, run once in this
// process on all cores and kept in -dir (its wall and CPU time are
// printed when it runs).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/bits"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchshard"
	"github.com/vibora-project/vibora/internal/store"
)

const secret = "bench-secret"

type config struct {
	name     string
	n        int64
	procs, p int
}

func main() {
	// A failure exits 1 once the matchers are stopped and the databases
	// dropped (deferred below).
	failed := false
	defer func() {
		if failed {
			os.Exit(1)
		}
	}()
	dsn := flag.String("dsn", os.Getenv("VIBORA_TEST_POSTGRES"), "PostgreSQL server (a fresh database on it per configuration, dropped at the end)")
	n := flag.Int64("n", 100_000_000, "records of the main configuration")
	procs := flag.Int("procs", 4, "matcher processes of the main configuration")
	p := flag.Int("p", 16, "virtual partitions of the main configuration")
	ref := flag.Int64("ref", 10_000_000, "records of the reference configuration, one process (0: skip)")
	refP := flag.Int("ref-p", 1, "virtual partitions of the reference configuration")
	nq := flag.Int("q", 1000, "queries (recall is checked on all of them)")
	batch := flag.Int("batch", 1000, "queries per batch")
	rounds := flag.Int("rounds", 5, "timed batches")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "vibora-bench-matcher"), "where the partitions and the brute force are kept between runs")
	bin := flag.String("vibora", "", "the vibora binary (default: built from this tree)")
	regen := flag.Bool("regen", false, "rebuild saved partitions")
	skipTruth := flag.Bool("skip-truth", false, "skip the brute force and the recall (queries per second only)")
	local := flag.Bool("local", false, "measure P partitions in one process against one (the embedded matcher's question), -n records, no network and no database")
	localP := flag.String("local-p", "1,4,16", "with -local: the partition counts")
	flag.Parse()
	if *local {
		var ps []int
		for _, s := range strings.Split(*localP, ",") {
			v, err := strconv.Atoi(s)
			if err != nil || v < 1 {
				log.Fatalf("-local-p %q: want partition counts", *localP)
			}
			ps = append(ps, v)
		}
		if err := runLocal(*n, ps, queries(*nq), *batch, *rounds, *dir); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *dsn == "" {
		log.Fatal("-dsn (or VIBORA_TEST_POSTGRES) is required")
	}
	if *bin == "" {
		*bin = filepath.Join(os.TempDir(), fmt.Sprintf("vibora-bench-matcher-%d", os.Getpid()))
		if out, err := exec.Command("go", "build", "-o", *bin, "./cmd/vibora").CombinedOutput(); err != nil {
			log.Fatalf("build vibora: %v\n%s", err, out)
		}
		defer os.Remove(*bin)
	}
	qs := queries(*nq)
	var cs []config
	if *ref > 0 {
		cs = append(cs, config{"ref", *ref, 1, *refP})
	}
	cs = append(cs, config{"main", *n, *procs, *p})
	// Every configuration is set up and stays up; the timed rounds then
	// alternate between them, so that their ratio is measured under the
	// same load.
	var lives []*live
	defer func() {
		for _, l := range lives {
			l.close()
		}
	}()
	for _, c := range cs {
		l, err := setup(c, *dsn, *bin, *dir, qs, *batch, *regen)
		if l != nil {
			lives = append(lives, l)
		}
		if err != nil {
			log.Printf("%s: %v", c.name, err)
			failed = true
			return
		}
	}
	for r := range *rounds {
		for _, l := range lives {
			if err := l.timed(r, qs, *batch); err != nil {
				log.Printf("%s: %v", l.c.name, err)
				failed = true
				return
			}
		}
	}
	for _, l := range lives {
		l.report()
		if *skipTruth {
			continue
		}
		if err := l.recall(*dir, qs); err != nil {
			log.Printf("%s: %v", l.c.name, err)
			failed = true
			return
		}
	}
}

// splitmix64 is the generator of every synthetic hash.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// words is the hash of record (or query) id of stream: four words, the
// hash's bytes in big-endian order.
func words(stream, id uint64) [4]uint64 {
	var w [4]uint64
	for k := uint64(0); k < 4; k++ {
		w[k] = splitmix64(stream<<56 ^ id<<2 | k)
	}
	return w
}

func hashOf(w [4]uint64) pdq.Hash {
	var h pdq.Hash
	for k := range w {
		binary.BigEndian.PutUint64(h[8*k:], w[k])
	}
	return h
}

func wordsOf(h *pdq.Hash) [4]uint64 {
	return [4]uint64{binary.BigEndian.Uint64(h[0:]), binary.BigEndian.Uint64(h[8:]), binary.BigEndian.Uint64(h[16:]), binary.BigEndian.Uint64(h[24:])}
}

func queries(nq int) []pdq.Hash {
	qs := make([]pdq.Hash, nq)
	for j := range qs {
		qs[j] = hashOf(words(2, uint64(j)))
	}
	return qs
}

// planted is the near-duplicate of query j (even j): j/2 mod 40 bits
// flipped, at distinct positions chosen by the generator.
func planted(q pdq.Hash, j int) pdq.Hash {
	d := (j / 2) % 40
	flipped := map[int]bool{}
	for k := uint64(0); len(flipped) < d; k++ {
		b := int(splitmix64(3<<56^uint64(j)<<8^k) % 256)
		if !flipped[b] {
			flipped[b] = true
			q[b/8] ^= 1 << (b % 8)
		}
	}
	return q
}

// source is a bank of generated records, read as a matcher reads the
// store: one live bank, records in ID order, no tombstones.
type source struct {
	bank   matchshard.Bank
	n      int64
	qs     []pdq.Hash
	p      int
	isHeld map[int]bool
}

func (s source) LiveBanks(context.Context) ([]matchshard.Bank, error) {
	return []matchshard.Bank{s.bank}, nil
}

func (s source) RemovalsAfter(context.Context, int64, int) ([]matchshard.Removal, error) {
	return nil, nil
}

// PDQAfter yields every record past after. The hashes of partitions the
// shard does not hold are not computed (the shard skips them: a store
// would read their rows anyway).
func (s source) PDQAfter(ctx context.Context, bank, after int64, fn func(int64, pdq.Hash, int) error) error {
	var zero pdq.Hash
	for id := after + 1; id <= s.n; id++ {
		h := zero
		if s.isHeld[matchshard.Partition(id, s.p)] {
			h = hashOf(words(1, uint64(id)))
		}
		if err := fn(id, h, 90); err != nil {
			return err
		}
	}
	for j := 0; j < len(s.qs); j += 2 {
		if id := s.n + 1 + int64(j); id > after {
			if err := fn(id, planted(s.qs[j], j), 90); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// held is process i's contiguous range of the p partitions.
func held(i, procs, p int) []int {
	var out []int
	for part := i * p / procs; part < (i+1)*p/procs; part++ {
		out = append(out, part)
	}
	return out
}

func spec(parts []int) string {
	return fmt.Sprintf("%d-%d", parts[0], parts[len(parts)-1])
}

// live is a configuration's database, matcher processes and client.
type live struct {
	c     config
	ms    []*matcher
	cl    *matchshard.Client
	st    *store.DB
	drop  func()
	got   map[[2]int64]int // the matchers' answers to every query
	cpu   time.Duration    // of the timed rounds, all processes
	wall  time.Duration
	done  int
	loads []string
}

func (l *live) close() {
	for _, m := range l.ms {
		m.stop()
	}
	if l.st != nil {
		l.st.Close()
	}
	l.drop()
}

// setup builds and saves the configuration's partitions (or reuses those
// saved earlier), starts its matchers, and asks them every query once.
func setup(c config, dsn, bin, base string, qs []pdq.Hash, batch int, regen bool) (*live, error) {
	ctx := context.Background()
	db, drop, err := freshDatabase(ctx, dsn, c.name)
	if err != nil {
		return nil, err
	}
	l := &live{c: c, drop: drop, got: map[[2]int64]int{}}
	st, err := store.Open(ctx, db)
	if err != nil {
		return l, err
	}
	l.st = st
	records := c.n + int64((len(qs)+1)/2)
	digest := fmt.Sprintf("bench-matcher-n%d-q%d", c.n, len(qs))
	bank := store.Bank{Name: "generated", Kind: "known", Version: 1, ImportedAt: time.Now().UTC().Format(time.RFC3339), ImportedBy: "bench", RecordCount: records, ContentDigest: digest}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertBank(ctx, &bank) }); err != nil {
		return l, err
	}
	src := source{bank: matchshard.Bank{ID: bank.ID, Digest: fmt.Sprintf("%d:%s", bank.Version, digest)}, n: c.n, qs: qs, p: c.p}
	fmt.Printf("config=%s records=%d processes=%d partitions=%d loadavg=%q\n", c.name, records, c.procs, c.p, loadavg())

	// Build and save each process's partitions, one process at a time.
	dirs := make([]string, c.procs)
	for i := range c.procs {
		parts := held(i, c.procs, c.p)
		dirs[i] = filepath.Join(base, fmt.Sprintf("%s-n%d-p%d-q%d-b%d", c.name, c.n, c.p, len(qs), bank.ID), fmt.Sprint(i))
		if _, err := os.Stat(filepath.Join(dirs[i], "state.json")); err == nil && !regen {
			fmt.Printf("  %s proc=%d partitions=%s saved earlier in %s\n", c.name, i, spec(parts), dirs[i])
			continue
		}
		os.RemoveAll(dirs[i])
		shard, err := matchshard.NewShard(c.p, parts)
		if err != nil {
			return l, err
		}
		src.isHeld = map[int]bool{}
		for _, part := range parts {
			src.isHeld[part] = true
		}
		c0, t0 := cputime.Process(), time.Now()
		if err := shard.Refresh(ctx, src); err != nil {
			return l, err
		}
		c1, t1 := cputime.Process(), time.Now()
		heap := heapInUse()
		if err := shard.Save(dirs[i]); err != nil {
			return l, err
		}
		c2, t2 := cputime.Process(), time.Now()
		var recs int
		var bytes int64
		for _, part := range parts {
			recs += shard.Records()[part]
			bytes += shard.Bytes()[part]
		}
		fmt.Printf("  %s proc=%d partitions=%s records=%d build_cpu_s=%.1f build_wall_s=%.1f (per partition %.1f CPU-s) heap_after_build=%d save_cpu_s=%.1f save_wall_s=%.1f index_bytes=%d bytes_per_record=%.1f loadavg=%q\n",
			c.name, i, spec(parts), recs, (c1 - c0).Seconds(), t1.Sub(t0).Seconds(), (c1-c0).Seconds()/float64(len(parts)), heap,
			(c2 - c1).Seconds(), t2.Sub(t1).Seconds(), bytes, float64(bytes)/float64(recs), loadavg())
		shard = nil
		runtime.GC()
		debug.FreeOSMemory()
	}

	// The matcher processes, one after another.
	for i := range c.procs {
		parts := held(i, c.procs, c.p)
		m, err := startMatcher(bin, db, dirs[i], fmt.Sprintf("%s-%d", c.name, i), spec(parts), c.p)
		if err != nil {
			return l, err
		}
		l.ms = append(l.ms, m)
		anon, file := m.rss()
		fmt.Printf("  %s proc=%d partitions=%s load_wall_s=%.2f load_cpu_s=%.2f rss_anon=%d rss_file=%d on_disk=%d loadavg=%q\n",
			c.name, i, spec(parts), m.readyAfter.Seconds(), m.cpu().Seconds(), anon, file, dirSize(dirs[i]), loadavg())
	}
	l.cl = &matchshard.Client{Secret: secret, Nodes: func(ctx context.Context) ([]matchshard.Node, error) {
		ns, err := st.Matchers(ctx)
		out := make([]matchshard.Node, len(ns))
		for i, m := range ns {
			out[i] = matchshard.Node{Name: m.Name, Addr: m.Addr, Partitions: m.Partitions, Of: m.Of, Heartbeat: time.UnixMilli(m.HeartbeatMS)}
		}
		return out, err
	}}

	// Every query once, for recall (and to touch the mapped index).
	for off := 0; off < len(qs); off += batch {
		hits, err := l.cl.SearchPDQ(ctx, qs[off:min(off+batch, len(qs))], 31)
		if err != nil {
			return l, err
		}
		for _, h := range hits {
			l.got[[2]int64{int64(off + h.Query), h.Record}] = h.Distance
		}
	}
	return l, nil
}

// timed is round r: one batch, its wall time and the matchers' CPU time.
func (l *live) timed(r int, qs []pdq.Hash, batch int) error {
	off := (r * batch) % len(qs)
	b := qs[off:min(off+batch, len(qs))]
	cpu0, t0 := totalCPU(l.ms), time.Now()
	if _, err := l.cl.SearchPDQ(context.Background(), b, 31); err != nil {
		return err
	}
	if l.loads == nil {
		l.loads = []string{loadavg()}
	}
	l.wall += time.Since(t0)
	l.cpu += totalCPU(l.ms) - cpu0
	l.done += len(b)
	l.loads = append(l.loads[:1], loadavg())
	return nil
}

func (l *live) report() {
	fmt.Printf("  %s batched_qps_wall=%.0f matcher_cpu_us_per_query=%.0f (%d queries in batches, rounds alternated with the other configurations) loadavg=%q\n",
		l.c.name, float64(l.done)/l.wall.Seconds(), float64(l.cpu.Microseconds())/float64(max(1, l.done)), l.done, l.loads[0]+" .. "+l.loads[len(l.loads)-1])
	for i, m := range l.ms {
		anon, file := m.rss()
		fmt.Printf("  %s proc=%d after_queries rss_anon=%d rss_file=%d\n", l.c.name, i, anon, file)
	}
}

// recall compares the matchers' answers with the brute force.
func (l *live) recall(base string, qs []pdq.Hash) error {
	want, err := truth(base, l.c.n, qs)
	if err != nil {
		return err
	}
	found, wrong, plantedFound, plantedWant := 0, 0, 0, 0
	for k, d := range want {
		gd, ok := l.got[k]
		if ok && gd == d {
			found++
		}
		if k[1] > l.c.n {
			plantedWant++
			if ok && gd == d {
				plantedFound++
			}
		}
	}
	for k, d := range l.got {
		if wd, ok := want[k]; !ok || wd != d {
			wrong++
		}
	}
	fmt.Printf("  %s recall=%.6f (%d of %d brute-force matches, %d of %d planted; %d answers not in the brute force)\n",
		l.c.name, float64(found)/float64(max(1, len(want))), found, len(want), plantedFound, plantedWant, wrong)
	return nil
}

// truth is the brute force: every (query, record) pair within distance 31,
// from a linear scan of records 1..n and the planted near-duplicates,
// computed once and kept in dir.
func truth(dir string, n int64, qs []pdq.Hash) (map[[2]int64]int, error) {
	path := filepath.Join(dir, fmt.Sprintf("truth-n%d-q%d.txt", n, len(qs)))
	want := map[[2]int64]int{}
	if data, err := os.ReadFile(path); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var j, id int64
			var d int
			if _, err := fmt.Sscan(l, &j, &id, &d); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			want[[2]int64{j, id}] = d
		}
		fmt.Printf("  brute force over %d records read from %s: %d matches\n", n, path, len(want))
		return want, nil
	}
	qw := make([][4]uint64, len(qs))
	for j := range qs {
		qw[j] = wordsOf(&qs[j])
	}
	scan := func(id int64, x [4]uint64, out map[[2]int64]int) {
		for j := range qw {
			q := &qw[j]
			d := bits.OnesCount64(q[0]^x[0]) + bits.OnesCount64(q[1]^x[1])
			if d > 31 {
				continue
			}
			if d += bits.OnesCount64(q[2]^x[2]) + bits.OnesCount64(q[3]^x[3]); d <= 31 {
				out[[2]int64{int64(j), id}] = d
			}
		}
	}
	workers := runtime.GOMAXPROCS(0)
	c0, t0 := cputime.Process(), time.Now()
	parts := make([]map[[2]int64]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		parts[w] = map[[2]int64]int{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := int64(w) + 1; id <= n; id += int64(workers) {
				scan(id, words(1, uint64(id)), parts[w])
			}
		}()
	}
	wg.Wait()
	for j := 0; j < len(qs); j += 2 {
		h := planted(qs[j], j)
		scan(n+1+int64(j), wordsOf(&h), want)
	}
	var buf bytes.Buffer
	for _, part := range parts {
		for k, d := range part {
			want[k] = d
		}
	}
	for k, d := range want {
		fmt.Fprintf(&buf, "%d %d %d\n", k[0], k[1], d)
	}
	fmt.Printf("  brute force over %d records x %d queries: %d matches, wall_s=%.0f cpu_s=%.0f on %d threads loadavg=%q\n",
		n, len(qs), len(want), time.Since(t0).Seconds(), (cputime.Process() - c0).Seconds(), workers, loadavg())
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return want, os.WriteFile(path, buf.Bytes(), 0o600)
}

// matcher is one `vibora matcher` process.
type matcher struct {
	cmd        *exec.Cmd
	readyAfter time.Duration
}

func startMatcher(bin, db, dir, name, parts string, of int) (*matcher, error) {
	cmd := exec.Command(bin, "--db", db, "--json", "matcher", "--name", name, "--dir", dir, "--partitions", parts, "--partition-count", fmt.Sprint(of))
	cmd.Env = append(os.Environ(), "VIBORA_MATCHER_SECRET="+secret)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	// The matcher's log goes to a file (the child writes it directly), read
	// once it is ready.
	logf, err := os.CreateTemp("", "vibora-bench-matcher-*.log")
	if err != nil {
		return nil, err
	}
	defer os.Remove(logf.Name())
	defer logf.Close()
	m := &matcher{cmd: cmd}
	cmd.Stderr = logf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	m.readyAfter = time.Since(t0)
	var ready struct{ Addr string }
	if err != nil || json.Unmarshal([]byte(line), &ready) != nil || ready.Addr == "" {
		m.stop()
		logs, _ := os.ReadFile(logf.Name())
		return nil, fmt.Errorf("matcher %s did not get ready: %q %v\n%s", name, line, err, logs)
	}
	if logs, _ := os.ReadFile(logf.Name()); !bytes.Contains(logs, []byte("from=disk")) {
		m.stop()
		return nil, fmt.Errorf("matcher %s did not load its partitions from disk:\n%s", name, logs)
	}
	return m, nil
}

func (m *matcher) stop() {
	m.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		m.cmd.Process.Kill()
		<-done
	}
}

// cpu is the process's user+system CPU time from /proc.
func (m *matcher) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", m.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// rss is the process's resident memory, anonymous and file-backed (the
// mapped index files), from /proc.
func (m *matcher) rss() (anon, file int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(l, ":")
		kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		switch k {
		case "RssAnon":
			anon = kb << 10
		case "RssFile":
			file = kb << 10
		}
	}
	return anon, file
}

func totalCPU(ms []*matcher) time.Duration {
	var t time.Duration
	for _, m := range ms {
		t += m.cpu()
	}
	return t
}

func dirSize(dir string) int64 {
	var total int64
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil {
			total += fi.Size()
		}
	}
	return total
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// freshDatabase creates a database for one configuration on the server.
func freshDatabase(ctx context.Context, dsn, name string) (string, func(), error) {
	name = fmt.Sprintf("bench_matcher_%s_%d", name, os.Getpid())
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, errors.Join(err, conn.Close(ctx))
	}
	u.Path = "/" + name
	return u.String(), func() {
		conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
		conn.Close(ctx)
	}, nil
}
