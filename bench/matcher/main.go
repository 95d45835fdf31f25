// Command matcher measures the sharded PDQ matcher (internal/matchshard)
// with real processes on loopback.
//
//	go run ./bench/matcher [-n 100000000] [-procs 4] [-p 16] [-ref 10000000] [-ref-partitions 1,16] [-q 1000] [-batch 1000] [-rounds 3]
//
// It runs several configurations in one invocation, so that their ratios
// are measured on the same machine at the same time: "refK", one process
// holding -ref hashes in K partitions for each K of -ref-partitions (K = 1
// is the embedded index: one table set over everything), then "main", -n
// hashes in -p partitions spread over -procs processes. Each process is this
// program re-executed as a child: it generates its partitions (record IDs
// 1..n, a record's partition its ID modulo p, its hash a fixed function
// of the ID; plus, for every even query j, a near-duplicate at j/2 mod 40
// bits), builds each partition's index, and serves it with
// matchshard.Handler; children start one after another so that only one
// builds at a time. Partitions are generated, not loaded through the
// store: the store's load rate is a separate figure (docs/scale.md).
//
// It prints, per partition, records, generation and build CPU time and
// index bytes; per process its resident memory; then batched queries per
// second (wall) and the matchers' CPU time per query over -rounds batches
// of -batch queries, and recall against a linear scan of every partition
// (each child scans its own) for all -q queries.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/bits"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchshard"
)

const secret = "bench-secret"

func main() {
	child := flag.Bool("child", false, "run as a matcher child (internal)")
	n := flag.Int64("n", 100_000_000, "records of the main configuration")
	procs := flag.Int("procs", 4, "matcher processes of the main configuration")
	p := flag.Int("p", 16, "virtual partitions")
	ref := flag.Int64("ref", 10_000_000, "records of the reference configurations (one process each; 0: skip)")
	refParts := flag.String("ref-partitions", "1,16", "the partition counts of the reference configurations")
	nq := flag.Int("q", 1000, "queries (recall is checked on all of them)")
	batch := flag.Int("batch", 1000, "queries per batch")
	rounds := flag.Int("rounds", 3, "timed batches")
	parts := flag.String("parts", "", "child: the partitions to hold, comma-separated")
	flag.Parse()
	if *child {
		if err := runChild(*n, *p, *parts, *nq); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		return
	}
	qs := queries(*nq)
	for _, rp := range strings.Split(*refParts, ",") {
		k, err := strconv.Atoi(rp)
		if *ref == 0 || err != nil {
			continue
		}
		if err := runConfig(fmt.Sprintf("ref%d", k), *ref, 1, k, qs, *batch, *rounds); err != nil {
			fmt.Fprintln(os.Stderr, "ref:", err)
			os.Exit(1)
		}
	}
	if err := runConfig("main", *n, *procs, *p, qs, *batch, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "main:", err)
		os.Exit(1)
	}
}

// splitmix64 is the generator of every synthetic hash.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func hashOf(stream, id uint64) pdq.Hash {
	var h pdq.Hash
	for k := uint64(0); k < 4; k++ {
		binary.BigEndian.PutUint64(h[8*k:], splitmix64(stream<<56^id<<2|k))
	}
	return h
}

func queries(nq int) []pdq.Hash {
	qs := make([]pdq.Hash, nq)
	for j := range qs {
		qs[j] = hashOf(2, uint64(j))
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

func words(h *pdq.Hash) [4]uint64 {
	return [4]uint64{binary.BigEndian.Uint64(h[0:]), binary.BigEndian.Uint64(h[8:]), binary.BigEndian.Uint64(h[16:]), binary.BigEndian.Uint64(h[24:])}
}

// records calls fn for every record of partition part: IDs 1..n, then
// the planted near-duplicates n+1+j.
func records(n int64, p, part int, qs []pdq.Hash, fn func(id int64, h pdq.Hash)) {
	first := int64(part)
	if first == 0 {
		first = int64(p)
	}
	for id := first; id <= n; id += int64(p) {
		fn(id, hashOf(1, uint64(id)))
	}
	for j := 0; j < len(qs); j += 2 {
		id := n + 1 + int64(j)
		if matchshard.Partition(id, p) == part {
			fn(id, planted(qs[j], j))
		}
	}
}

type partStat struct {
	Part     int     `json:"part"`
	Records  int     `json:"records"`
	GenCPU   float64 `json:"gen_cpu_s"`
	BuildCPU float64 `json:"build_cpu_s"`
	Bytes    int64   `json:"bytes"`
}

type ready struct {
	Addr  string     `json:"addr"`
	Parts []partStat `json:"parts"`
	RSS   int64      `json:"rss_bytes"`
}

func runChild(n int64, p int, spec string, nq int) error {
	var held []int
	for _, s := range strings.Split(spec, ",") {
		v, err := strconv.Atoi(s)
		if err != nil {
			return err
		}
		held = append(held, v)
	}
	qs := queries(nq)
	shard, err := matchshard.NewShard(p, held)
	if err != nil {
		return err
	}
	var out ready
	for _, part := range held {
		c0 := cpuTime()
		var hs []pdq.Hash
		var ids []int64
		records(n, p, part, qs, func(id int64, h pdq.Hash) { hs, ids = append(hs, h), append(ids, id) })
		c1 := cpuTime()
		if err := shard.SetPartition(part, 1, hs, ids); err != nil {
			return err
		}
		c2 := cpuTime()
		out.Parts = append(out.Parts, partStat{Part: part, Records: len(ids), GenCPU: (c1 - c0).Seconds(), BuildCPU: (c2 - c1).Seconds(), Bytes: shard.Bytes()[part]})
		hs, ids = nil, nil
		debug.FreeOSMemory() // the input and build scratch: not part of the resident figure
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", matchshard.Handler(shard, secret, slog.New(slog.NewTextHandler(io.Discard, nil))))
	// /bench/scan: the brute force over this child's partitions, as
	// "query record distance" lines.
	mux.HandleFunc("GET /bench/scan", func(w http.ResponseWriter, r *http.Request) {
		qw := make([][4]uint64, len(qs))
		for j := range qs {
			qw[j] = words(&qs[j])
		}
		bw := bufio.NewWriter(w)
		for _, part := range held {
			records(n, p, part, qs, func(id int64, h pdq.Hash) {
				x := words(&h)
				for j, q := range qw {
					if bits.OnesCount64(q[0]^x[0])+bits.OnesCount64(q[1]^x[1])+bits.OnesCount64(q[2]^x[2])+bits.OnesCount64(q[3]^x[3]) <= 31 {
						d := bits.OnesCount64(q[0]^x[0]) + bits.OnesCount64(q[1]^x[1]) + bits.OnesCount64(q[2]^x[2]) + bits.OnesCount64(q[3]^x[3])
						fmt.Fprintf(bw, "%d %d %d\n", j, id, d)
					}
				}
			})
		}
		bw.Flush()
	})
	out.Addr = ln.Addr().String()
	out.RSS = rss()
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		return err
	}
	return http.Serve(ln, mux)
}

type proc struct {
	cmd   *exec.Cmd
	ready ready
	parts []int
}

func runConfig(name string, n int64, procs, p int, qs []pdq.Hash, batch, rounds int) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var ps []*proc
	defer func() {
		for _, c := range ps {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	}()
	fmt.Printf("config=%s records=%d processes=%d partitions=%d\n", name, n, procs, p)
	for i := range procs {
		var held []string
		c := &proc{}
		for part := i; part < p; part += procs {
			held = append(held, strconv.Itoa(part))
			c.parts = append(c.parts, part)
		}
		c.cmd = exec.Command(exe, "-child", "-n", fmt.Sprint(n), "-p", fmt.Sprint(p), "-q", fmt.Sprint(len(qs)), "-parts", strings.Join(held, ","))
		c.cmd.Stderr = os.Stderr
		stdout, err := c.cmd.StdoutPipe()
		if err != nil {
			return err
		}
		t0 := time.Now()
		if err := c.cmd.Start(); err != nil {
			return err
		}
		ps = append(ps, c)
		line, err := bufio.NewReader(stdout).ReadBytes('\n')
		if err != nil {
			return fmt.Errorf("process %d: %w", i, err)
		}
		if err := json.Unmarshal(line, &c.ready); err != nil {
			return err
		}
		for _, s := range c.ready.Parts {
			fmt.Printf("  %s proc=%d part=%d records=%d gen_cpu_s=%.2f build_cpu_s=%.2f index_bytes=%d bytes_per_record=%.1f\n",
				name, i, s.Part, s.Records, s.GenCPU, s.BuildCPU, s.Bytes, float64(s.Bytes)/float64(s.Records))
		}
		fmt.Printf("  %s proc=%d ready_wall_s=%.1f rss_bytes=%d\n", name, i, time.Since(t0).Seconds(), c.ready.RSS)
	}
	nodes := make([]matchshard.Node, len(ps))
	for i, c := range ps {
		nodes[i] = matchshard.Node{Name: fmt.Sprint(i), Addr: c.ready.Addr, Partitions: c.parts, Of: p}
	}
	cl := &matchshard.Client{Secret: secret, Nodes: func(context.Context) ([]matchshard.Node, error) {
		for i := range nodes {
			nodes[i].Heartbeat = time.Now()
		}
		return nodes, nil
	}}
	ctx := context.Background()
	// Every query once, for recall; then the timed rounds.
	got := map[[2]int64]int{}
	for off := 0; off < len(qs); off += batch {
		hits, err := cl.SearchPDQ(ctx, qs[off:min(off+batch, len(qs))], 31)
		if err != nil {
			return err
		}
		for _, h := range hits {
			got[[2]int64{int64(off + h.Query), h.Record}] = h.Distance
		}
	}
	cpu0 := childCPU(ps)
	t0 := time.Now()
	done := 0
	for r := range rounds {
		off := (r * batch) % len(qs)
		b := qs[off:min(off+batch, len(qs))]
		if _, err := cl.SearchPDQ(ctx, b, 31); err != nil {
			return err
		}
		done += len(b)
	}
	wall := time.Since(t0)
	cpu := childCPU(ps) - cpu0
	fmt.Printf("  %s batched_qps_wall=%.0f matcher_cpu_us_per_query=%.0f (%d queries in batches of %d)\n",
		name, float64(done)/wall.Seconds(), float64(cpu.Microseconds())/float64(done), done, batch)
	// Brute force, each child over its own partitions, concurrently.
	want := map[[2]int64]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, len(ps))
	t1 := time.Now()
	for _, c := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get("http://" + c.ready.Addr + "/bench/scan")
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				var j, id int64
				var d int
				fmt.Sscan(sc.Text(), &j, &id, &d)
				mu.Lock()
				want[[2]int64{j, id}] = d
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	found, wrong := 0, 0
	for k, d := range want {
		if gd, ok := got[k]; ok && gd == d {
			found++
		}
	}
	for k, d := range got {
		if wd, ok := want[k]; !ok || wd != d {
			wrong++
		}
	}
	fmt.Printf("  %s recall=%.6f (%d of %d brute-force matches, %d not in the brute force) scan_wall_s=%.0f\n",
		name, float64(found)/float64(max(1, len(want))), found, len(want), wrong, time.Since(t1).Seconds())
	return nil
}

// childCPU sums the children's user+system CPU time from /proc.
func childCPU(ps []*proc) time.Duration {
	var total time.Duration
	for _, c := range ps {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * time.Second / 100 // USER_HZ
	}
	return total
}

// rss is this process's resident memory from /proc (0 elsewhere).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
