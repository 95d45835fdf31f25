package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
)

type loadConfig struct {
	url, token, mode, client, queries, hit string
	clients, batch, pid                    int
	dur                                    time.Duration
	rate                                   float64
}

// checkEvery: one request in this many is the known hit, checked.
const checkEvery = 512

// request is one request body, prepared before the clock starts.
type request struct {
	body   []byte // the JSON body
	wire   []byte // the whole HTTP/1.1 request (lean client)
	hashes int
	// hit is the hash value a checked request's answer must match at
	// distance 0 ("": not checked).
	hit string
}

// sender sends requests over one connection (or client) at a time.
type sender interface {
	// do sends r and reads its answer; an error is a failed request.
	do(r *request) error
	close()
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

// knownHit is the hash checked every checkEvery requests: cfg.hit, or the
// generator's first bank record (its MD5; its PDQ hash, the first line of
// bank.txt beside the queries), or "" when there is none.
func knownHit(cfg loadConfig) (string, error) {
	switch {
	case cfg.hit == "none":
		return "", nil
	case cfg.hit != "":
		return strings.ToLower(cfg.hit), nil
	case cfg.mode == "md5":
		return md5Of(0), nil
	}
	f, err := os.Open(filepath.Join(filepath.Dir(cfg.queries), "bank.txt"))
	if err != nil {
		return "", fmt.Errorf("known hit (give -hit HASH or -hit none): %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return "", fmt.Errorf("known hit: %s is empty", f.Name())
	}
	return strings.ToLower(strings.TrimSpace(sc.Text())), nil
}

func matchBody(hashes []string) []byte {
	b, _ := json.Marshal(map[string]any{"hashes": hashes})
	return b
}

func load(cfg loadConfig) error {
	qs, err := readLines(cfg.queries)
	if err != nil {
		return err
	}
	prefix, per := "", 1
	switch cfg.mode {
	case "md5":
		prefix = "md5:"
	case "pdq":
		prefix = "pdq:"
	case "pdq-batch":
		prefix, per = "pdq:", cfg.batch
	default:
		return fmt.Errorf("mode %q: want md5, pdq or pdq-batch", cfg.mode)
	}
	hit, err := knownHit(cfg)
	if err != nil {
		return err
	}
	var reqs []request
	for i := 0; i < len(qs); i += per {
		var hs []string
		for j := 0; j < per; j++ {
			hs = append(hs, prefix+qs[(i+j)%len(qs)])
		}
		reqs = append(reqs, request{body: matchBody(hs), hashes: per})
	}
	var check *request
	if hit != "" {
		check = &request{body: matchBody([]string{prefix + hit}), hashes: 1, hit: hit}
	}
	newSender, err := senderFor(cfg, reqs, check)
	if err != nil {
		return err
	}

	var next, errs, checks atomic.Int64
	var firstErr atomic.Value
	hists := make([]histogram, cfg.clients)
	deadline := time.Now().Add(cfg.dur)
	srv0 := procCPU(cfg.pid)
	c0, t0 := cputime.Process(), time.Now()
	var wg sync.WaitGroup
	for c := 0; c < cfg.clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snd := newSender()
			defer snd.close()
			h := &hists[c]
			// With a rate, client c sends at t0 + (c + k*clients)/rate.
			var every time.Duration
			sched := t0
			if cfg.rate > 0 {
				every = time.Duration(float64(cfg.clients) / cfg.rate * float64(time.Second))
				sched = t0.Add(time.Duration(float64(c) / cfg.rate * float64(time.Second)))
			}
			now := time.Now()
			for now.Before(deadline) {
				if every > 0 {
					if d := sched.Sub(now); d > 0 {
						time.Sleep(d)
					}
				}
				n := next.Add(1) - 1
				r := &reqs[int(n)%len(reqs)]
				if check != nil && n%checkEvery == checkEvery-1 {
					r = check
				}
				s := time.Now()
				if every > 0 {
					s = sched
					sched = sched.Add(every)
				}
				err := snd.do(r)
				now = time.Now()
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				if r == check {
					checks.Add(1)
				}
				h.add(now.Sub(s), r.hashes)
			}
		}()
	}
	wg.Wait()
	wall, cpu := time.Since(t0), cputime.Process()-c0
	srv := procCPU(cfg.pid) - srv0
	var all histogram
	for i := range hists {
		all.merge(&hists[i])
	}
	n := float64(all.count)
	fmt.Printf("client=%s mode=%s clients=%d requests=%d errors=%d checks=%d req_per_s=%.0f hashes_per_s=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f client_cpu_s=%.1f client_cpu_us_per_req=%.1f",
		cfg.client, cfg.mode, cfg.clients, all.count, errs.Load(), checks.Load(), n/wall.Seconds(), float64(all.hashes)/wall.Seconds(),
		all.quantile(0.50), all.quantile(0.99), all.quantile(0.999), float64(all.max.Microseconds())/1000, cpu.Seconds(), perReq(cpu, n))
	if cfg.rate > 0 {
		fmt.Printf(" rate=%.0f", cfg.rate)
	}
	if cfg.pid > 0 {
		fmt.Printf(" server_cpu_s=%.1f server_req_per_cpu_s=%.0f server_hashes_per_cpu_s=%.0f", srv.Seconds(), n/srv.Seconds(), float64(all.hashes)/srv.Seconds())
	}
	fmt.Println()
	if e := firstErr.Load(); e != nil {
		fmt.Fprintln(os.Stderr, "serve: first error:", e)
	}
	return nil
}

func perReq(d time.Duration, n float64) float64 {
	if n == 0 {
		return 0
	}
	return float64(d.Microseconds()) / n
}

func senderFor(cfg loadConfig, reqs []request, check *request) (func() sender, error) {
	switch cfg.client {
	case "lean":
		return leanSenders(cfg, reqs, check)
	case "nethttp":
		return netHTTPSenders(cfg), nil
	}
	return nil, fmt.Errorf("client %q: want lean or nethttp", cfg.client)
}

// matchStart is how every 200 answer of the match endpoint starts.
const matchStart = `{"results":[`

var matchPrefix = []byte(matchStart)

// checkAnswer checks the answer to a request for the known hit: one
// result, matched at distance 0 by a record with that hash.
func checkAnswer(body []byte, hit string) error {
	var a struct {
		Results []struct {
			Matches []struct {
				Hash     string `json:"hash"`
				Distance int    `json:"distance"`
			} `json:"matches"`
		} `json:"results"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return fmt.Errorf("known hit: the answer is not JSON: %w", err)
	}
	if len(a.Results) != 1 {
		return fmt.Errorf("known hit: %d results, want 1", len(a.Results))
	}
	for _, m := range a.Results[0].Matches {
		if strings.EqualFold(m.Hash, hit) && m.Distance == 0 {
			return nil
		}
	}
	return fmt.Errorf("known hit %s: not matched (%d matches)", hit, len(a.Results[0].Matches))
}

var errNotMatchAnswer = errors.New("the answer does not start like a match answer")

// statusError is a status other than 200, with the start of the body.
func statusError(code int, body []byte) error {
	if len(body) > 200 {
		body = body[:200]
	}
	return fmt.Errorf("status %d: %s", code, bytes.TrimSpace(body))
}

// histogram counts latencies in microseconds: exactly below 2*histSub,
// then histSub buckets per power of two (resolution 1/histSub).
type histogram struct {
	n      [histBuckets]uint64
	count  int64
	hashes int64
	max    time.Duration
}

const (
	histSub     = 64
	histBuckets = 2*histSub + 40*histSub
)

func histBucket(us uint64) int {
	if us < 2*histSub {
		return int(us)
	}
	shift := bits.Len64(us) - 7 // us>>shift is in [histSub, 2*histSub)
	return min(histBuckets-1, 2*histSub+(shift-1)*histSub+int(us>>shift)-histSub)
}

// histRange is bucket i's lowest value and width, in microseconds.
func histRange(i int) (low, width uint64) {
	if i < 2*histSub {
		return uint64(i), 1
	}
	k := i - 2*histSub
	shift := k/histSub + 1
	return uint64(k%histSub+histSub) << shift, 1 << shift
}

func (h *histogram) add(d time.Duration, hashes int) {
	h.n[histBucket(uint64(max(d, 0)/time.Microsecond))]++
	h.count++
	h.hashes += int64(hashes)
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, v := range o.n {
		h.n[i] += v
	}
	h.count += o.count
	h.hashes += o.hashes
	h.max = max(h.max, o.max)
}

// quantile is the q-quantile in milliseconds (nearest rank; the middle of
// its bucket).
func (h *histogram) quantile(q float64) float64 {
	if h.count == 0 {
		return 0
	}
	rank := uint64(q*float64(h.count)) + 1
	var seen uint64
	for i, v := range h.n {
		if seen += v; seen >= rank {
			low, w := histRange(i)
			return (float64(low) + float64(w-1)/2) / 1000
		}
	}
	return float64(h.max.Microseconds()) / 1000
}
