package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// The browser tests of the administration pages drive Debian's headless
// Chromium with chromedp: one browser for the test binary, a fresh
// browser context (cookies, storage) per test.

const chromiumPath = "/usr/bin/chromium"

var headless struct {
	once sync.Once
	ctx  context.Context // a started browser
	err  error
}

// browserContext returns a tab in a new browser context of the shared
// browser, or skips the test (fails it under CI=1) without Chromium.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser test: %s missing under CI (.ci/run installs it): %v", chromiumPath, err)
		}
		t.Skipf("browser test skipped: %s not installed (apt-get install chromium)", chromiumPath)
	}
	headless.once.Do(func() {
		dir, err := os.MkdirTemp("", "vibora-chromium-")
		if err != nil {
			headless.err = err
			return
		}
		alloc, _ := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(dir))
		ctx, _ := chromedp.NewContext(alloc)
		headless.ctx, headless.err = ctx, chromedp.Do(ctx) // starts the browser
	})
	if headless.err != nil {
		t.Fatalf("start %s: %v", chromiumPath, headless.err)
	}
	ctx, cancel := chromedp.NewContext(headless.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return ctx
}

// run runs steps; on failure it saves a screenshot of the page as a test
// artefact (under $VIBORA_TEST_ARTEFACTS, else the test's temporary
// directory), logs its path and fails the test.
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	err := chromedp.Do(ctx, steps...)
	if err == nil {
		return
	}
	dir := os.Getenv("VIBORA_TEST_ARTEFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	name := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".png")
	shot, cctx := context.WithTimeout(ctx, 10*time.Second)
	defer cctx()
	if png, serr := chromedp.Run(shot, chromedp.FullScreenshot(80)); serr == nil && os.WriteFile(name, png, 0o600) == nil {
		t.Logf("screenshot of the page: %s", name)
	}
	t.Fatalf("%s: %v", what, err)
}

// text reads the text of the first element sel matches.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// logIn logs user in through the login form.
func logIn(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	run(t, ctx, "log in "+user,
		chromedp.Navigate(base+"/login"),
		chromedp.SetValue(chromedp.CSS("#username"), user),
		chromedp.SetValue(chromedp.CSS("#password"), webtest.Password(user)),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("#me-name")))
}

// waitState waits until the job page's progress fragment (replaced by
// htmx polling) shows state.
func waitState(t *testing.T, ctx context.Context, state string) {
	t.Helper()
	run(t, ctx, "job state "+state, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#job-state[data-state=%q]`, state))))
}

// TestBrowserMarkCluster: an analyst opens the clusters of a case, opens
// the first, writes a note and flags it for victim identification; the
// page then shows the review, the note inert.
func TestBrowserMarkCluster(t *testing.T) {
	ctx := browserContext(t)
	h := webtest.New(t, storetest.OpenSQLite)
	ingestDemo(t, h)
	srv := httptest.NewServer(h.Handler)
	defer srv.Close()
	logIn(t, ctx, srv.URL, webtest.AnalystNL)
	note := `<img src=x onerror="document.title='pwned'">second look`
	run(t, ctx, "mark the first cluster",
		chromedp.Navigate(srv.URL+"/cases/alpha/clusters"),
		chromedp.Click(chromedp.CSS("#clusters tbody a")),
		chromedp.WaitVisible(chromedp.CSS("#mark-form")),
		chromedp.SetValue(chromedp.CSS("#note"), note),
		chromedp.Click(chromedp.CSS("#mark-victim-id")),
		chromedp.WaitVisible(chromedp.CSS("#cluster-note")))
	if got := text(t, ctx, "#cluster-review"); !strings.Contains(got, "victim identification") || !strings.Contains(got, webtest.AnalystNL) {
		t.Errorf("review shown as %q", got)
	}
	if got := text(t, ctx, "#cluster-note"); got != note {
		t.Errorf("note shown as %q, want the text %q", got, note)
	}
	imgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.images.length`))
	if err != nil || imgs != 0 {
		t.Errorf("the cluster page holds %d image elements (%v), want none", imgs, err)
	}
	if title, _ := chromedp.Run(ctx, chromedp.Title()); title == "pwned" {
		t.Error("the note's markup ran")
	}
}

// TestBrowserBankJob: a hub administrator uploads a small synthetic bank
// while no job runner serves: the job page shows it queued, and cancel
// stops it; once the runner serves, a second upload's page follows the
// job through htmx polling until it is done.
func TestBrowserBankJob(t *testing.T) {
	ctx := browserContext(t)
	h := webtest.New(t, storetest.OpenSQLite)
	srv := httptest.NewServer(h.Handler)
	defer srv.Close()
	list := filepath.Join(t.TempDir(), "synthetic-bank.txt")
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "%032x\n", 0xbeef00+i)
	}
	if err := os.WriteFile(list, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	logIn(t, ctx, srv.URL, webtest.HubAdmin)
	upload := func(name string) {
		t.Helper()
		run(t, ctx, "upload bank "+name,
			chromedp.Navigate(srv.URL+"/banks"),
			chromedp.SetValue(chromedp.CSS("#bank-name"), name),
			chromedp.SetValue(chromedp.CSS("#bank-format"), "plain"),
			chromedp.SetUploadFiles(chromedp.CSS("#bank-file"), []string{list}),
			chromedp.Click(chromedp.CSS("#bank-submit")),
			chromedp.WaitVisible(chromedp.CSS("#job-state")))
	}
	upload("synthetic-cancelled")
	waitState(t, ctx, "queued")
	run(t, ctx, "cancel", chromedp.Click(chromedp.CSS("#job-cancel")))
	waitState(t, ctx, "cancelled")

	serve, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Jobs.Serve(serve) }()
	defer func() { stop(); <-done }()
	upload("synthetic")
	waitState(t, ctx, "done")
	if got := text(t, ctx, "#job-result"); !strings.Contains(got, `"records": 200`) {
		t.Errorf("report of the done job: %q", got)
	}
	run(t, ctx, "open the bank", chromedp.Navigate(srv.URL+"/banks/synthetic"), chromedp.WaitVisible(chromedp.CSS("#bank-records")))
	if got := text(t, ctx, "#bank-records"); got != "200" {
		t.Errorf("bank records %q, want 200", got)
	}
}

// TestBrowserAdminPages: an analyst is refused the administrators' pages
// (403 page); the hub administrator's verify button reports the audit
// chain intact.
func TestBrowserAdminPages(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	srv := httptest.NewServer(h.Handler)
	defer srv.Close()

	ctx := browserContext(t)
	logIn(t, ctx, srv.URL, webtest.AnalystNL)
	for _, p := range []string{"/admin/accounts", "/audit"} {
		run(t, ctx, "open "+p, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if got := text(t, ctx, "main h1"); got != "Permission denied" {
			t.Errorf("analyst opens %s: heading %q, want the 403 page", p, got)
		}
	}

	admin := browserContext(t)
	logIn(t, admin, srv.URL, webtest.HubAdmin)
	run(t, admin, "verify the audit chain",
		chromedp.Navigate(srv.URL+"/audit"),
		chromedp.Click(chromedp.CSS("#audit-verify")),
		chromedp.WaitVisible(chromedp.CSS("#audit-result")))
	ok, err := chromedp.Run(admin, chromedp.AttributeValue(chromedp.CSS("#audit-result"), "data-ok"))
	if err != nil || ok.Value != "true" {
		t.Errorf("audit verify: data-ok %q (%v): %s", ok.Value, err, text(t, admin, "#audit-result"))
	}
}
