package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// hostileName is a chat member's name that is markup: every page must
// show it as text.
const hostileName = `<img src=x onerror=alert(1)><script>alert(2)</script>`

// seedGraph fills case alpha with the demo's evidence, chat and stealer
// logs, and a chat whose member's name and message are script payloads.
func seedGraph(t *testing.T, h *webtest.Hub) {
	t.Helper()
	l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range l.Banks {
		if _, err := h.Service.ImportBank(h.Seed, b.Path, investigation.BankImportOptions{Name: "demo-" + b.Name, Kind: b.Kind}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Service.Ingest(h.Seed, webtest.CaseNL, investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Service.ImportChat(h.Seed, webtest.CaseNL, l.Chat, investigation.ChatImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Service.ScanStealer(h.Seed, webtest.CaseNL, investigation.StealerScanOptions{Watchlist: l.Watchlist, Paths: []string{l.Stealer}}); err != nil {
		t.Fatal(err)
	}
	hostile := filepath.Join(t.TempDir(), "WhatsApp Chat with Hostile Group.txt")
	text := "1/15/24, 9:00 AM - " + hostileName + " created group \"Hostile Group\"\n" +
		"1/15/24, 9:05 AM - " + hostileName + ": <script>alert(3)</script> +1 202-555-0172\n" +
		"1/15/24, 9:06 AM - +1 202-555-0173: <img src=x onerror=alert(4)>\n"
	if err := os.WriteFile(hostile, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Service.ImportChat(h.Seed, webtest.CaseNL, hostile, investigation.ChatImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

// chromium starts a headless Chromium for the test, or skips (fails under
// CI) when there is none.
func chromium(t *testing.T) context.Context {
	t.Helper()
	const exe = "/usr/bin/chromium"
	if _, err := os.Stat(exe); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is required under CI: %v", err)
		}
		t.Skipf("no %s: browser tests skipped (apt-get install chromium)", exe)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// A payload that ran would call one of these: record it.
	trap := `window.__xss = 0; for (const f of ["alert", "confirm", "prompt"]) { window[f] = function () { window.__xss++; }; }`
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: trap}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// screenshotOnFailure saves the page when the test failed.
func screenshotOnFailure(t *testing.T, ctx context.Context, name string) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		dir := os.Getenv("VIBORA_TEST_ARTEFACTS")
		if dir == "" {
			dir = t.TempDir()
		}
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)) // 100: PNG
		if err != nil {
			t.Logf("screenshot: %v", err)
			return
		}
		p := filepath.Join(dir, name+".png")
		if err := os.WriteFile(p, png, 0o600); err == nil {
			t.Logf("screenshot of the failed page: %s", p)
		}
	})
}

func attrInt(t *testing.T, ctx context.Context, sel, name string) int {
	t.Helper()
	a, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil || !a.Exists {
		t.Fatalf("%s %s: %+v %v", sel, name, a, err)
	}
	n, err := strconv.Atoi(a.Value)
	if err != nil {
		t.Fatalf("%s %s = %q", sel, name, a.Value)
	}
	return n
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// assertInert checks that no payload ran and no element of one reached
// the page: no img, iframe, object or embed, and only our own scripts.
func assertInert(t *testing.T, ctx context.Context) {
	t.Helper()
	if n := eval[int](t, ctx, `window.__xss`); n != 0 {
		t.Errorf("a payload ran: %d dialog call(s)", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("img, iframe, object, embed").length`); n != 0 {
		t.Errorf("%d injected element(s)", n)
	}
	if n := eval[int](t, ctx, `[...document.scripts].filter(s => !s.src.startsWith(location.origin + "/static/")).length`); n != 0 {
		t.Errorf("%d script element(s) not ours", n)
	}
}

// TestGraphAndTimelineInBrowser: on the demo case the graph draws its
// nodes, filters change the node count, the timeline shows its events, and
// names and messages carrying script stay text everywhere.
func TestGraphAndTimelineInBrowser(t *testing.T) {
	ctx := chromium(t)
	h := webtest.New(t, storetest.OpenSQLite)
	seedGraph(t, h)
	b := newBrowser(t, h)
	base := b.srv.URL
	screenshotOnFailure(t, ctx, t.Name())
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	run(chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), webtest.AnalystNL),
		chromedp.SendKeys(chromedp.CSS("#password"), webtest.Password(webtest.AnalystNL)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#me-name")))

	want, err := h.Service.CaseGraph(h.Seed, webtest.CaseNL, investigation.GraphOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run(chromedp.Navigate(base+"/cases/"+webtest.CaseNL+"/graph"), chromedp.WaitVisible(chromedp.CSS("#graph[data-nodes]")))
	all := attrInt(t, ctx, "#graph", "data-nodes")
	if all != len(want.Nodes) || all < 10 {
		t.Fatalf("graph drew %d nodes, the API has %d", all, len(want.Nodes))
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#graph-canvas canvas").length`); n == 0 {
		t.Error("no canvas in the graph")
	}
	// Untick identifiers: fewer nodes.
	run(chromedp.Click(chromedp.CSS(`input[name=kind][value=identifier]`)),
		chromedp.WaitVisible(chromedp.CSS(`#graph[data-nodes]:not([data-nodes="`+strconv.Itoa(all)+`"])`)))
	fewer := attrInt(t, ctx, "#graph", "data-nodes")
	if fewer >= all || fewer != want.Total[investigation.NodePerson]+want.Total[investigation.NodeChat]+want.Total[investigation.NodeStealerLog]+want.Total[investigation.NodeCluster] {
		t.Errorf("without identifiers %d nodes, with %d; totals %v", fewer, all, want.Total)
	}
	// Choose the hostile person in the keyboard's node list: the panel
	// shows their name as text.
	var hostileID string
	for _, n := range want.Nodes {
		if n.Kind == investigation.NodePerson && strings.Contains(n.Label, "<img") {
			hostileID = n.ID
		}
	}
	if hostileID == "" {
		t.Fatalf("no hostile person in %+v", want.Nodes)
	}
	run(chromedp.SetValue(chromedp.CSS("#graph-node"), hostileID))
	eval[bool](t, ctx, `document.getElementById("graph-node").dispatchEvent(new Event("change", {bubbles: true}))`)
	panel := eval[string](t, ctx, `document.getElementById("graph-panel").textContent`)
	if !strings.Contains(panel, hostileName) {
		t.Errorf("panel %q does not show the name as text", panel)
	}
	person := strings.TrimPrefix(hostileID, "person:")
	if href := eval[string](t, ctx, `document.querySelector("#graph-panel a").getAttribute("href")`); href != "/cases/alpha/timeline?person="+person {
		t.Errorf("the panel's timeline link is %q", href)
	}
	if opt := eval[string](t, ctx, `document.querySelector("#graph-node option[value='`+hostileID+`']").textContent`); !strings.Contains(opt, hostileName) {
		t.Errorf("node list entry %q", opt)
	}
	assertInert(t, ctx)

	// The case's timeline, then the hostile person's.
	run(chromedp.Navigate(base+"/cases/"+webtest.CaseNL+"/timeline"), chromedp.WaitVisible(chromedp.CSS("#timeline[data-events]")))
	events := attrInt(t, ctx, "#timeline", "data-events")
	if items := eval[int](t, ctx, `document.querySelectorAll("#timeline-list li").length`); events < 5 || items != events {
		t.Errorf("timeline: %d events, %d listed", events, items)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#timeline-chart canvas").length`); n == 0 {
		t.Error("no canvas in the timeline")
	}
	run(chromedp.Navigate(base+"/cases/"+webtest.CaseNL+"/timeline?person="+person), chromedp.WaitVisible(chromedp.CSS("#timeline[data-events]")))
	list := eval[string](t, ctx, `document.getElementById("timeline-list").textContent`)
	if !strings.Contains(list, "<script>alert(3)</script>") || !strings.Contains(list, hostileName) {
		t.Errorf("person timeline %q does not show the payloads as text", list)
	}
	assertInert(t, ctx)
}

// TestGraphPages: the graph and timeline pages name the API routes their
// scripts read and load only our files; another agency's analyst gets the
// not-found page.
func TestGraphPages(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	b := newBrowser(t, h)
	b.login(webtest.AnalystNL)
	for path, want := range map[string]string{
		"/cases/alpha/graph":                        `data-src="/api/v1/cases/alpha/graph"`,
		"/cases/alpha/timeline":                     `data-src="/api/v1/cases/alpha/timeline"`,
		"/cases/alpha/timeline?person=P1&from=2024": `data-src="/api/v1/cases/alpha/timeline?from=2024&amp;person=P1"`,
	} {
		res, body := b.get(path)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, `src="/static/`) || strings.Contains(body, "<script>") {
			t.Errorf("%s: %d, want %s and only external scripts:\n%s", path, res.StatusCode, want, body)
		}
	}
	if res, _ := b.get("/cases/alpha/timeline?person=" + strings.Repeat("P", 65)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a long person: %d", res.StatusCode)
	}
	de := newBrowser(t, h)
	de.login(webtest.AnalystDE)
	for _, path := range []string{"/cases/alpha/graph", "/cases/alpha/timeline", "/cases/alpha/timeline?person=P1", "/cases/nonexistent/graph"} {
		if res, body := de.get(path); res.StatusCode != http.StatusNotFound || strings.Contains(body, "data-src") {
			t.Errorf("%s for another agency: %d", path, res.StatusCode)
		}
	}
}
