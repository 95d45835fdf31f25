// Command graphlayout measures how long the UI's link graph takes to lay
// out in a real browser: it generates a synthetic case graph (invented
// people, chats, identifiers, stealer logs and clusters; no real data),
// serves it on loopback with the UI's own graph.js and vendored libraries,
// opens it in headless Chromium, and prints the layout time graph.js
// reports (from handing cytoscape the elements to fCoSE's layoutstop).
//
//	go run ./bench/graphlayout [-nodes 5000] [-runs 3] [-chromium /usr/bin/chromium]
//
// One line per run, then the median:
//
//	run=1 nodes=5000 edges=... layout_ms=... wall_ms=...
//
// Run it from the repository root (it reads internal/web/static).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

func main() {
	nodes := flag.Int("nodes", 5000, "nodes in the generated graph")
	runs := flag.Int("runs", 3, "layouts to measure")
	chromium := flag.String("chromium", "/usr/bin/chromium", "the browser")
	flag.BoolVar(&profile, "profile", false, "print the page's JavaScript functions that took most samples while drawing the graph")
	flag.Parse()
	if err := run(*nodes, *runs, *chromium); err != nil {
		fmt.Fprintln(os.Stderr, "graphlayout:", err)
		os.Exit(1)
	}
}

// page is the graph page's markup as the UI renders it, reduced to what
// graph.js needs.
const page = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>graph layout bench</title>
<link id="__________cytoscape_stylesheet" rel="stylesheet" href="/static/graph.css"></head><body>
<form id="graph-filters"><fieldset class="filters"><legend>Show</legend>
<label><input type="checkbox" name="kind" value="person" checked> People</label>
<label><input type="checkbox" name="kind" value="chat" checked> Chats</label>
<label><input type="checkbox" name="kind" value="stealer_log" checked> Stealer logs</label>
<label><input type="checkbox" name="kind" value="cluster" checked> Clusters</label>
<label><input type="checkbox" name="kind" value="identifier" checked> Identifiers</label>
<label for="graph-node">Go to</label> <select id="graph-node"></select></fieldset></form>
<p id="graph-status" role="status"></p>
<div class="island" id="graph" data-src="/graph.json"><div class="island-canvas" id="graph-canvas"></div><aside class="island-panel" id="graph-panel"></aside></div>
<script src="/static/vendor/cytoscape.min.js"></script><script src="/static/vendor/layout-base.js"></script>
<script src="/static/vendor/cose-base.js"></script><script src="/static/vendor/cytoscape-fcose.js"></script>
<script src="/bench.js"></script><script src="/static/graph.js"></script></body></html>`

// benchJS tells the bench when the layout starts and stops, by a
// synchronous request: the bench reads the renderer's main-thread CPU time
// while the page waits for the answer.
const benchJS = `(function () {
  var g = document.getElementById("graph");
  function mark(p) { var x = new XMLHttpRequest(); x.open("GET", "/mark?p=" + p, false); x.send(); }
  g.addEventListener("graph:buildstart", function () { mark("build"); });
  g.addEventListener("graph:layoutstart", function () { mark("start"); });
  g.addEventListener("graph:layoutstop", function () { mark("stop"); });
})();`

var profile bool

func run(nodes, runs int, chromium string) error {
	if _, err := os.Stat(chromium); err != nil {
		return fmt.Errorf("no browser: %w", err)
	}
	graph, err := json.Marshal(generate(nodes))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "graphlayout-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServer(http.Dir("internal/web/static"))))
	// The graph is held back until the bench has read the renderer's CPU
	// time: the difference after layoutstop is the CPU the page spent on
	// the graph (parse, build, layout, first paint), whatever the load.
	release := make(chan chan struct{})
	mux.HandleFunc("GET /graph.json", func(w http.ResponseWriter, r *http.Request) {
		ch := make(chan struct{})
		select {
		case release <- ch:
		case <-r.Context().Done():
			return
		}
		<-ch
		w.Header().Set("Content-Type", "application/json")
		w.Write(graph)
	})
	var marks struct {
		sync.Mutex
		build, start, stop time.Duration
	}
	mux.HandleFunc("GET /bench.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(benchJS))
	})
	mux.HandleFunc("GET /mark", func(w http.ResponseWriter, r *http.Request) {
		c := rendererMainCPU(dir)
		marks.Lock()
		switch r.URL.Query().Get("p") {
		case "build":
			marks.build = c
		case "start":
			marks.start = c
		default:
			marks.stop = c
		}
		marks.Unlock()
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir), chromedp.WindowSize(1400, 1000),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	url := "http://" + ln.Addr().String() + "/"
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil { // starts the browser: a run's timeout must not own it
		return err
	}
	var layouts, layoutCPUs []int
	for i := 1; i <= runs; i++ {
		ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
		start, cpu0, rcpu0 := time.Now(), browserCPU(dir), rendererCPU(dir)
		var attrs [4]chromedp.AttributeResult
		var graphCPU time.Duration
		err := chromedp.Do(ctx, chromedp.Navigate(url))
		if err == nil {
			if profile {
				_, err = chromedp.Call(ctx, profiler.Enable, cdp.Empty{})
				if err == nil {
					_, err = chromedp.Call(ctx, profiler.Start, cdp.Empty{})
				}
			}
			ch := <-release
			c0 := rendererCPU(dir)
			close(ch)
			if err == nil {
				err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#graph[data-layout-ms]`)))
			}
			graphCPU = rendererCPU(dir) - c0
			if profile && err == nil {
				var res profiler.StopResult
				if res, err = chromedp.Call(ctx, profiler.Stop, cdp.Empty{}); err == nil {
					printProfile(res.Profile)
				}
			}
		}
		for j, name := range []string{"data-layout-ms", "data-nodes", "data-edges", "data-build-ms"} {
			if err == nil {
				attrs[j], err = chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#graph`), name))
			}
		}
		wall, cpu, rcpu := time.Since(start), browserCPU(dir)-cpu0, rendererCPU(dir)-rcpu0
		cancel()
		if err != nil {
			return fmt.Errorf("run %d: %w", i, err)
		}
		ms, n, e, build := attrs[0].Value, attrs[1].Value, attrs[2].Value, attrs[3].Value
		v, err := strconv.Atoi(ms)
		if err != nil {
			return fmt.Errorf("run %d: layout time %q", i, ms)
		}
		layouts = append(layouts, v)
		marks.Lock()
		buildCPU, layoutCPU := marks.start-marks.build, marks.stop-marks.start
		marks.Unlock()
		fmt.Printf("run=%d nodes=%s edges=%s build_ms=%s layout_ms=%d wall_ms=%d browser_cpu_ms=%d renderer_cpu_ms=%d graph_cpu_ms=%d build_cpu_ms=%d layout_cpu_ms=%d\n",
			i, n, e, build, v, wall.Milliseconds(), cpu.Milliseconds(), rcpu.Milliseconds(), graphCPU.Milliseconds(), buildCPU.Milliseconds(), layoutCPU.Milliseconds())
		layoutCPUs = append(layoutCPUs, int(layoutCPU.Milliseconds()))
	}
	slices.Sort(layouts)
	slices.Sort(layoutCPUs)
	fmt.Printf("median layout_ms=%d layout_cpu_ms=%d over %d run(s)\n", layouts[len(layouts)/2], layoutCPUs[len(layoutCPUs)/2], len(layouts))
	return nil
}

// printProfile prints the 15 functions with the most samples on top of
// the stack (self time).
func printProfile(p *profiler.Profile) {
	self := map[string]int64{}
	var total int64
	for _, n := range p.Nodes {
		f := n.CallFrame
		key := fmt.Sprintf("%s %s:%d", cmpOr(f.FunctionName, "(anonymous)"), filepath.Base(f.URL), f.LineNumber)
		self[key] += n.HitCount
		total += n.HitCount
	}
	keys := make([]string, 0, len(self))
	for k := range self {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return int(self[b] - self[a]) })
	for _, k := range keys[:min(15, len(keys))] {
		fmt.Printf("  %5.1f%% %s\n", 100*float64(self[k])/float64(max(total, 1)), k)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// browserCPU is the user+system CPU time used so far by the browser's
// processes (those started with the profile directory dir), from
// /proc/PID/stat; 0 where there is no /proc. On a loaded machine the
// layout's wall time stretches with the load, its CPU time does not.
func browserCPU(dir string) time.Duration { return procCPU(dir, "") }

// rendererCPU is browserCPU of the renderer processes only (the page's
// JavaScript and painting).
func rendererCPU(dir string) time.Duration { return procCPU(dir, "--type=renderer") }

// rendererMainCPU is the CPU time of the renderers' main threads (where
// the page's JavaScript runs), from /proc/PID/task/PID/stat.
func rendererMainCPU(dir string) time.Duration { return procCPUFile(dir, "--type=renderer", true) }

func procCPU(dir, kind string) time.Duration { return procCPUFile(dir, kind, false) }

func procCPUFile(dir, kind string, mainThread bool) time.Duration {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	var ticks int64
	for _, p := range procs {
		cmd, err := os.ReadFile(filepath.Join(p, "cmdline"))
		if err != nil || !bytes.Contains(cmd, []byte(dir)) || !bytes.Contains(cmd, []byte(kind)) {
			continue
		}
		statFile := filepath.Join(p, "stat")
		if mainThread {
			statFile = filepath.Join(p, "task", filepath.Base(p), "stat")
		}
		stat, err := os.ReadFile(statFile)
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: utime and stime
		// are the 12th and 13th.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			ticks += u + s
		}
	}
	return time.Duration(ticks) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// The graph document of the API, as the bench needs it.
type node struct {
	ID     string   `json:"id"`
	Kind   string   `json:"kind"`
	Label  string   `json:"label"`
	Detail []string `json:"detail"`
}

type edge struct {
	Source   string   `json:"source"`
	Target   string   `json:"target"`
	Kind     string   `json:"kind"`
	Evidence []string `json:"evidence"`
}

type graphDoc struct {
	Case      string         `json:"case"`
	Kinds     []string       `json:"kinds"`
	Totals    map[string]int `json:"totals"`
	Truncated bool           `json:"truncated"`
	Nodes     []node         `json:"nodes"`
	Edges     []edge         `json:"edges"`
}

// generate makes a case-shaped graph of n nodes (seeded, so every run
// draws the same): 40% people, 2% chats, 3% stealer logs, 5% clusters and
// 50% identifiers. Each person is in one to three chats and carries one
// to three identifiers (some shared); stealer logs and clusters link to a
// few people.
func generate(n int) graphDoc {
	rng := rand.New(rand.NewPCG(5000, 3))
	g := graphDoc{Case: "bench", Kinds: []string{"person", "chat", "stealer_log", "cluster", "identifier"}, Totals: map[string]int{}}
	count := func(share float64) int { return max(1, int(float64(n)*share)) }
	ids := map[string][]string{}
	add := func(kind string, k int) {
		for i := range k {
			id := fmt.Sprintf("%s:%d", kind, i+1)
			g.Nodes = append(g.Nodes, node{ID: id, Kind: kind, Label: fmt.Sprintf("%s %d", kind, i+1), Detail: []string{"synthetic"}})
			ids[kind] = append(ids[kind], id)
			g.Totals[kind]++
		}
	}
	add("person", count(0.40))
	add("chat", count(0.02))
	add("stealer_log", count(0.03))
	add("cluster", count(0.05))
	add("identifier", n-len(g.Nodes))
	link := func(a, b, kind string) {
		g.Edges = append(g.Edges, edge{Source: a, Target: b, Kind: kind, Evidence: []string{"synthetic link"}})
	}
	pick := func(kind string) string { return ids[kind][rng.IntN(len(ids[kind]))] }
	next := 0
	for _, p := range ids["person"] {
		for range 1 + rng.IntN(3) {
			link(p, pick("chat"), "member")
		}
		for range 1 + rng.IntN(3) {
			var id string
			if next < len(ids["identifier"]) {
				id = ids["identifier"][next]
				next++
			} else {
				id = pick("identifier")
			}
			link(p, id, "identifier")
		}
	}
	for ; next < len(ids["identifier"]); next++ {
		link(pick("person"), ids["identifier"][next], "identifier")
	}
	for _, l := range ids["stealer_log"] {
		link(pick("person"), l, "source")
	}
	for _, c := range ids["cluster"] {
		for range 1 + rng.IntN(3) {
			link(pick("person"), c, "shared")
		}
	}
	return g
}
