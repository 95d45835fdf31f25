// Command serve generates a synthetic bank for `vibora serve` and measures
// POST /api/v1/match over loopback with many concurrent clients.
//
//	go run ./bench/pdqindex -gen DIR          # DIR/bank.txt (PDQ), DIR/queries.txt
//	go run ./bench/serve -gen DIR             # DIR/bank.json (VICS), DIR/md5-queries.txt
//	go run ./bench/serve -url URL -token T -mode md5|pdq|pdq-batch [-c 64] [-for 20s] [-rate R] [-batch 1000] [-client lean|nethttp] QUERIES
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
//	client=... mode=... clients=... requests=... errors=... checks=... req_per_s=... hashes_per_s=... p50_ms=... p99_ms=... p999_ms=... max_ms=... client_cpu_s=... client_cpu_us_per_req=...
//
// Two clients send the requests. lean (the default) keeps one HTTP/1.1
// keep-alive connection per client over a raw net.Conn, writes requests
// encoded before the clock starts, and reads each answer's status line and
// headers, then skips its body after checking that it starts like a match
// answer: its own CPU per request is a few microseconds, so the server gets
// the machine. nethttp uses net/http's client (about one core of the two at
// 25,000 requests a second), kept for comparison.
//
// Every 512th request is the known hit (-hit; by default the generator's
// first bank record, its MD5 in md5 mode and the first line of bank.txt
// beside QUERIES in the pdq modes): its answer is decoded and must match it
// at distance 0 (checks= counts them). A status other than 200, a
// malformed answer, a failed check or a transport error counts as an error
// and is left out of the latencies; the lean client then dials again.
// Latencies go into a histogram of 64 buckets per power of two of
// microseconds (1.6% resolution), one per client, with no allocation per
// request. -rate paces the requests across all clients (open loop: each
// latency counts from the request's scheduled time). -pid names the server
// process, whose CPU seconds during the run (from /proc) are printed as
// server_cpu_s, with the server's requests and hashes per CPU-second.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	gen := flag.String("gen", "", "write DIR/bank.json and DIR/md5-queries.txt from DIR/bank.txt and exit")
	var cfg loadConfig
	flag.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "server base URL")
	flag.StringVar(&cfg.token, "token", os.Getenv("VIBORA_TOKEN"), "API token (env VIBORA_TOKEN)")
	flag.StringVar(&cfg.mode, "mode", "md5", "md5, pdq or pdq-batch")
	flag.StringVar(&cfg.client, "client", "lean", "lean (raw keep-alive connections) or nethttp (net/http's client)")
	flag.IntVar(&cfg.clients, "c", 64, "concurrent clients")
	flag.DurationVar(&cfg.dur, "for", 20*time.Second, "how long to send")
	flag.IntVar(&cfg.batch, "batch", 1000, "hashes per request in pdq-batch mode")
	flag.IntVar(&cfg.pid, "pid", 0, "server process id, to report its CPU time")
	flag.Float64Var(&cfg.rate, "rate", 0, "requests per second across all clients, paced (open loop: each latency counts from the request's scheduled time, so a slow answer delays nothing unseen); 0: every client as fast as it can")
	flag.StringVar(&cfg.hit, "hit", "", "a hash the bank holds, checked every 512th request (default: the generator's first record; \"none\": no checks)")
	flag.Parse()
	var err error
	switch {
	case *gen != "":
		err = generate(*gen)
	case flag.NArg() != 1:
		flag.Usage()
		os.Exit(2)
	default:
		cfg.queries = flag.Arg(0)
		err = load(cfg)
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
