// Package browsertest runs the browser workspace in a real browser: Debian's
// headless Chromium driven by chromedp, against the site vibora serve
// composes (webtest.Hub, served on a loopback port behind the server's
// middleware).
//
// One browser serves every test of a test binary (start it in TestMain
// with Main); each Tab is a fresh browser context (its own cookies) in it.
// When a test fails, a tab saves a screenshot of its page under
// $VIBORA_TEST_ARTEFACTS (or the test's temporary directory) and logs the
// path.
//
// Chromium is /usr/bin/chromium (or $VIBORA_CHROMIUM). When it is missing,
// tests skip with a message, except under CI=1, where they fail.
package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/web/webtest"
)

// DefaultChromium is where Debian installs Chromium.
const DefaultChromium = "/usr/bin/chromium"

// ActionTimeout bounds one step of a test in the browser.
const ActionTimeout = 20 * time.Second

// browser is the test binary's one browser.
var browser struct {
	once    sync.Once
	ctx     context.Context // a chromedp context holding the browser
	cancel  []context.CancelFunc
	dataDir string
	err     error
	missing string // why there is no browser to run (skip outside CI)
}

// Main runs a test binary's tests (call it from TestMain) and stops the
// browser they shared.
func Main(m *testing.M) {
	code := m.Run()
	stop()
	os.Exit(code)
}

func stop() {
	for i := len(browser.cancel) - 1; i >= 0; i-- {
		browser.cancel[i]()
	}
	if browser.dataDir != "" {
		// Chromium's helpers may still write there for a moment.
		for range 50 {
			if os.RemoveAll(browser.dataDir) == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// chromiumPath is the browser binary, or why there is none.
func chromiumPath() (string, string) {
	p := os.Getenv("VIBORA_CHROMIUM")
	if p == "" {
		p = DefaultChromium
	}
	if _, err := exec.LookPath(p); err != nil {
		return "", fmt.Sprintf("no Chromium at %s (install Debian's chromium, or set VIBORA_CHROMIUM)", p)
	}
	return p, ""
}

func start() {
	path, missing := chromiumPath()
	if missing != "" {
		browser.missing = missing
		return
	}
	dir, err := os.MkdirTemp("", "vibora-chromium-")
	if err != nil {
		browser.err = err
		return
	}
	browser.dataDir = dir
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	browser.cancel = []context.CancelFunc{acancel, bcancel}
	// The first run starts the browser; no timeout on it (it would end
	// the browser with it).
	if err := chromedp.Do(bctx); err != nil {
		browser.err = fmt.Errorf("start Chromium %s: %w", path, err)
		return
	}
	browser.ctx = bctx
}

// need returns the shared browser's context, skipping the test (failing it
// under CI=1) when there is no browser.
func need(t testing.TB) context.Context {
	t.Helper()
	browser.once.Do(start)
	if browser.missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser tests need Chromium under CI: %s", browser.missing)
		}
		t.Skipf("browser test skipped: %s", browser.missing)
	}
	if browser.err != nil {
		t.Fatal(browser.err)
	}
	return browser.ctx
}

// Site is a seeded hub served on a loopback port.
type Site struct {
	Hub *webtest.Hub
	URL string // http://127.0.0.1:PORT
}

// Serve serves h (its whole site, behind the server's middleware) on a
// loopback port until the test ends.
func Serve(t testing.TB, h *webtest.Hub) *Site {
	t.Helper()
	return ServeOn(t, h, Listen(t))
}

// Listen opens a loopback port for ServeOn, for a test that must know the
// site's URL before it composes the hub (an OpenID Connect callback).
func Listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// ServeOn serves h on ln (from Listen) until the test ends.
func ServeOn(t testing.TB, h *webtest.Hub, ln net.Listener) *Site {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Server.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &Site{Hub: h, URL: "http://" + ln.Addr().String()}
}

// Tab is one browser tab in a browser context of its own (its own
// cookies), on a site.
type Tab struct {
	t    testing.TB
	site *Site
	ctx  context.Context
	// Errors collects the page's uncaught JavaScript exceptions and
	// Content-Security-Policy violations reported on the console.
	mu     sync.Mutex
	errors []string
}

// NewTab opens a tab on site; it closes when the test ends, after saving
// a screenshot of its page if the test failed.
func (s *Site) NewTab(t testing.TB) *Tab {
	t.Helper()
	bctx := need(t)
	tab := &Tab{t: t, site: s}
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(tab.listen))
	tab.ctx = ctx
	// Every page of the tab counts the Content-Security-Policy violations
	// and the calls of alert, confirm and prompt (what an injected script
	// would call): a script the test adds through the protocol, which the
	// page's CSP does not govern.
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchScript})
	if err != nil {
		cancel()
		t.Fatalf("open a tab: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			tab.screenshot()
		}
		cancel()
	})
	return tab
}

// watchScript runs first in every document of a tab.
const watchScript = `(() => {
  window.__vibora = {violations: [], dialogs: 0};
  document.addEventListener('securitypolicyviolation', e => window.__vibora.violations.push(e.violatedDirective + ' ' + e.blockedURI));
  for (const f of ['alert', 'confirm', 'prompt']) window[f] = () => { window.__vibora.dialogs++; };
})();`

// Hazards reports what the tab's current page did that no page of ours
// does: CSP violations and dialogs (an injected script's alert).
func (tab *Tab) Hazards() (violations []string, dialogs int) {
	tab.t.Helper()
	v := Run(tab, "read the page's hazards", chromedp.Evaluate[*struct {
		Violations []string `json:"violations"`
		Dialogs    int      `json:"dialogs"`
	}]("window.__vibora || null"))
	if v == nil {
		tab.t.Fatalf("%s: the watch script did not run", tab.location())
	}
	return v.Violations, v.Dialogs
}

// listen collects the uncaught exceptions and console errors of the tab.
func (tab *Tab) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tab.addError(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
			tab.addError("console error: " + strings.Join(parts, " "))
		}
	}
}

func (tab *Tab) addError(s string) {
	tab.mu.Lock()
	tab.errors = append(tab.errors, s)
	tab.mu.Unlock()
}

// PageErrors returns the JavaScript exceptions and console errors the
// tab's pages reported so far (a CSP violation is one).
func (tab *Tab) PageErrors() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return append([]string(nil), tab.errors...)
}

// Context is the tab's chromedp context, for actions of a test's own; bound
// it with ActionTimeout (Run does).
func (tab *Tab) Context() context.Context { return tab.ctx }

// Do runs actions in the tab, failing the test on an error.
func (tab *Tab) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, ActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tab.t.Fatalf("%s: %v (at %s)", what, err, tab.location())
	}
}

// Run runs one action that returns a value, failing the test on an error.
func Run[T any](tab *Tab, what string, a chromedp.Action[T]) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, ActionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tab.t.Fatalf("%s: %v (at %s)", what, err, tab.location())
	}
	return v
}

// Open navigates to a path of the site and returns the response's status.
func (tab *Tab) Open(path string) int {
	tab.t.Helper()
	res := Run(tab, "open "+path, chromedp.NavigateResponse(tab.site.URL+path))
	return int(res.Status)
}

// Path is the path (and query) of the tab's page.
func (tab *Tab) Path() string {
	return strings.TrimPrefix(tab.location(), tab.site.URL)
}

func (tab *Tab) location() string {
	ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page)"
	}
	return loc
}

// Login logs user in through the login form, as a person would: type the
// name and password, press the button, and wait for the page it leads to.
func (tab *Tab) Login(user, password string) {
	tab.t.Helper()
	if status := tab.Open("/login"); status != http.StatusOK {
		tab.t.Fatalf("login page: %d", status)
	}
	tab.Do("log in as "+user,
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	tab.Submit("log in as "+user, chromedp.CSS(`form[action="/login"] button[type="submit"]`))
}

// Submit clicks a button (or link) and waits for the page it loads.
func (tab *Tab) Submit(what string, sel chromedp.CSS) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, ActionTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(sel, chromedp.NodeVisible)); err != nil {
		tab.t.Fatalf("%s: %v (at %s)", what, err, tab.location())
	}
}

// Text is the visible text of the first element sel selects.
func (tab *Tab) Text(sel string) string {
	tab.t.Helper()
	return Run(tab, "text of "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady))
}

// Count is how many elements sel selects on the page now (no waiting).
func (tab *Tab) Count(sel string) int {
	tab.t.Helper()
	return Run(tab, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// screenshot saves the tab's page as a PNG test artefact and logs where.
func (tab *Tab) screenshot() {
	ctx, cancel := context.WithTimeout(tab.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		tab.t.Logf("no screenshot: %v", err)
		return
	}
	dir := os.Getenv("VIBORA_TEST_ARTEFACTS")
	if dir == "" {
		dir = tab.t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tab.t.Logf("no screenshot: %v", err)
		return
	}
	name := filepath.Join(dir, unsafeName.ReplaceAllString(tab.t.Name(), "_")+"-"+time.Now().UTC().Format("150405.000")+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		tab.t.Logf("no screenshot: %v", err)
		return
	}
	tab.t.Logf("screenshot of %s: %s", tab.location(), name)
}
