// Command serve generates a synthetic bank for `vibora serve` and measures
// POST /api/v1/match over loopback with many concurrent clients.
//
//	go run ./bench/pdqindex -gen DIR          # DIR/bank.txt (PDQ), DIR/queries.txt
//	go run ./bench/serve -gen DIR             # DIR/bank.json (VICS), DIR/md5-queries.txt
//	go run ./bench/serve -url URL -token T -mode md5|pdq|pdq-batch [-c 64] [-for 20s] [-batch 1000] QUERIES
//
// -gen writes a VICS JSON bank with one record per line of DIR/bank.txt:
// a random MD5 (seeded, so reproducible) and that PDQ hash; and
// DIR/md5-queries.txt, 10,000 MD5 queries, half of them bank records'.
// Every hash is random bytes: no real hash is involved.
//
// The load mode sends, from c clients at once for the given time, one hash
// a request (md5, pdq) or batch hashes a request (pdq-batch), cycling
// through QUERIES, and prints one line:
//
//	mode=... clients=... requests=... errors=... req_per_s=... hashes_per_s=... p50_ms=... p99_ms=... max_ms=... client_cpu_s=...
//
// Requests that fail (a status other than 200, or a transport error) are
// counted as errors and left out of the latencies. -pid names the server
// process, whose CPU seconds during the run (from /proc) are printed as
// server_cpu_s, with the server's hashes per CPU-second.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	gen := flag.String("gen", "", "write DIR/bank.json and DIR/md5-queries.txt from DIR/bank.txt and exit")
	url := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	token := flag.String("token", os.Getenv("VIBORA_TOKEN"), "API token (env VIBORA_TOKEN)")
	mode := flag.String("mode", "md5", "md5, pdq or pdq-batch")
	clients := flag.Int("c", 64, "concurrent clients")
	dur := flag.Duration("for", 20*time.Second, "how long to send")
	batch := flag.Int("batch", 1000, "hashes per request in pdq-batch mode")
	pid := flag.Int("pid", 0, "server process id, to report its CPU time")
	rate := flag.Float64("rate", 0, "requests per second across all clients, paced (open loop: each latency counts from the request's scheduled time, so a slow answer delays nothing unseen); 0: every client as fast as it can")
	flag.Parse()
	var err error
	switch {
	case *gen != "":
		err = generate(*gen)
	case flag.NArg() != 1:
		flag.Usage()
		os.Exit(2)
	default:
		err = load(*url, *token, *mode, flag.Arg(0), *clients, *batch, *dur, *pid, *rate)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// md5Of is record i's synthetic MD5: 16 random bytes from a counter.
func md5Of(i uint64) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:], mix(0x5eed+2*i))
	binary.LittleEndian.PutUint64(b[8:], mix(0x5eed+2*i+1))
	return hex.EncodeToString(b[:])
}

func generate(dir string) error {
	in, err := os.Open(filepath.Join(dir, "bank.txt"))
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(dir, "bank.json"))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	w.WriteString(`{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media","value":[` + "\n")
	sc := bufio.NewScanner(in)
	n := uint64(0)
	for sc.Scan() {
		p := strings.TrimSpace(sc.Text())
		if p == "" {
			continue
		}
		if n > 0 {
			w.WriteString(",\n")
		}
		fmt.Fprintf(w, `{"MediaID":%d,"Category":1,"MD5":"%s","PDQ":"%s"}`, n+1, md5Of(n), p)
		n++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	var q strings.Builder
	for i := uint64(0); i < 10000; i++ {
		if i%2 == 0 {
			q.WriteString(md5Of(mix(i) % n))
		} else {
			q.WriteString(md5Of(n + mix(i)%n)) // past the bank: absent
		}
		q.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "md5-queries.txt"), []byte(q.String()), 0o644); err != nil {
		return err
	}
	fmt.Printf("records=%d bank=%s\n", n, filepath.Join(dir, "bank.json"))
	return nil
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no queries", path)
	}
	return out, nil
}

func load(url, token, mode, queries string, clients, batch int, dur time.Duration, pid int, rate float64) error {
	qs, err := readLines(queries)
	if err != nil {
		return err
	}
	prefix, per := "", 1
	switch mode {
	case "md5":
		prefix = "md5:"
	case "pdq":
		prefix = "pdq:"
	case "pdq-batch":
		prefix, per = "pdq:", batch
	default:
		return fmt.Errorf("mode %q: want md5, pdq or pdq-batch", mode)
	}
	// Request bodies, built before the clock starts.
	var bodies [][]byte
	for i := 0; i < len(qs); i += per {
		var hs []string
		for j := 0; j < per; j++ {
			hs = append(hs, prefix+qs[(i+j)%len(qs)])
		}
		b, _ := json.Marshal(map[string]any{"hashes": hs})
		bodies = append(bodies, b)
	}
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	var next, errs atomic.Int64
	var firstErr atomic.Value
	lat := make([][]time.Duration, clients)
	deadline := time.Now().Add(dur)
	srv0 := procCPU(pid)
	c0, t0 := cpuTime(), time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// With a rate, client c sends at t0 + (c + k*clients)/rate.
			var every time.Duration
			sched := t0
			if rate > 0 {
				every = time.Duration(float64(clients) / rate * float64(time.Second))
				sched = t0.Add(time.Duration(float64(c) / rate * float64(time.Second)))
			}
			for time.Now().Before(deadline) {
				if every > 0 {
					if d := time.Until(sched); d > 0 {
						time.Sleep(d)
					}
				}
				body := bodies[int(next.Add(1)-1)%len(bodies)]
				req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/match", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				s := time.Now()
				if every > 0 {
					s = sched
					sched = sched.Add(every)
				}
				resp, err := hc.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				lat[c] = append(lat[c], time.Since(s))
			}
		}()
	}
	wg.Wait()
	wall, cpu := time.Since(t0), cpuTime()-c0
	srv := procCPU(pid) - srv0
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	n := float64(len(all))
	fmt.Printf("mode=%s clients=%d requests=%d errors=%d req_per_s=%.0f hashes_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f client_cpu_s=%.1f",
		mode, clients, len(all), errs.Load(), n/wall.Seconds(), n*float64(per)/wall.Seconds(), pct(0.50), pct(0.99), pct(1), cpu.Seconds())
	if pid > 0 {
		fmt.Printf(" server_cpu_s=%.1f server_hashes_per_cpu_s=%.0f", srv.Seconds(), n*float64(per)/srv.Seconds())
	}
	fmt.Println()
	if e := firstErr.Load(); e != nil {
		fmt.Fprintln(os.Stderr, "serve: first error:", e)
	}
	return nil
}

// procCPU is the user+system CPU time of process pid (Linux /proc), or 0.
func procCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // clock ticks (USER_HZ 100)
}
