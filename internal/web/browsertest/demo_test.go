package browsertest_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/cli"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/web/browsertest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestDemoPages builds the demo store as `vibora demo` does, then opens
// every page its analyst reaches by links from the home page in the
// browser: each answers 200, breaks no rule of the CSP, throws nothing,
// shows no media element, and passes the accessibility audit.
func TestDemoPages(t *testing.T) {
	dir := t.TempDir()
	var out, errs bytes.Buffer
	if code := cli.Run(context.Background(), []string{"demo", "--dir", filepath.Join(dir, "demo")}, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errs}); code != 0 {
		t.Fatalf("demo exited %d:\n%s\n%s", code, out.String(), errs.String())
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "demo", "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := webtest.Compose(t, investigation.New(db, "", investigation.WithCacheDir(t.TempDir()),
		investigation.WithPasswordParams(secret.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})))
	const user, password = "ana", "demo-browser-password-long-enough"
	if _, err := h.Service.SetPassword(h.Seed, user, password); err != nil {
		t.Fatal(err)
	}
	if err := h.Service.LoadMatchIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	site := browsertest.Serve(t, h)
	tab := site.NewTab(t)
	tab.Login(user, password)
	pages := crawl(t, tab, "/", 150, func(p string) {
		for _, f := range browsertest.Run(tab, "audit "+p, chromedp.Evaluate[[]string](audit)) {
			t.Errorf("%s: %s", p, f)
		}
		// The graph and the timeline draw on canvases (shapes and text);
		// a picture of the evidence would need one of these.
		if n := tab.Count("img, video, audio, object, embed, picture, iframe"); n != 0 {
			t.Errorf("%s: %d media elements", p, n)
		}
		clean(t, tab)
	})
	var kinds []string
	for _, want := range []string{"/files", "/chats/", "/people/", "/graph", "/timeline", "/clusters", "/leads", "/suspects", "/jobs", "/banks/", "/operations/"} {
		found := false
		for _, p := range pages {
			found = found || strings.Contains(p, want)
		}
		if !found {
			kinds = append(kinds, want)
		}
	}
	if len(kinds) > 0 {
		t.Errorf("the crawl of the demo reached no page of %q; it opened %q", kinds, pages)
	}
	t.Logf("opened %d pages of the demo", len(pages))
}
