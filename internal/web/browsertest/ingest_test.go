package browsertest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/browsertest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestIngestFromTheBrowser starts an ingest from the server's evidence
// root on the case's import page, follows the job's page until it is done
// (htmx polls the progress), and finds the new exhibit's files in the
// files table.
func TestIngestFromTheBrowser(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "seized-laptop", "home")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("note-%02d.txt", i)), []byte(fmt.Sprintf("synthetic note %d\n", i)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h := webtest.New(t, storetest.OpenSQLite, webtest.WithEvidenceRoots(root))
	serve, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Jobs.Serve(serve) }()
	t.Cleanup(func() { stop(); <-done })

	site := browsertest.Serve(t, h)
	tab := site.NewTab(t)
	tab.Login(webtest.AnalystNL, webtest.Password(webtest.AnalystNL))
	tab.Open("/cases/" + webtest.CaseNL + "/import")
	tab.Do("fill the ingest form",
		chromedp.SendKeys(chromedp.ID("ingest-exhibit"), "laptop-2"),
		chromedp.SendKeys(chromedp.ID("ingest-paths"), "seized-laptop"))
	tab.Submit("start the ingest", chromedp.CSS("#ingest-submit"))
	if p := tab.Path(); !strings.HasPrefix(p, "/jobs/") {
		t.Fatalf("after starting the ingest: %s", p)
	}
	state := ""
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		state = browsertest.Run(tab, "job state", chromedp.Evaluate[string](`(document.getElementById('job-state') || {}).dataset?.state || ''`))
		if state == "done" || state == "failed" || state == "cancelled" {
			break
		}
	}
	if state != "done" {
		t.Fatalf("the ingest job ended %q: %s", state, tab.Text("#job-progress"))
	}
	page, err := h.Service.FilePage(h.Seed, webtest.CaseNL, investigation.FileQuery{Exhibit: "laptop-2"}, 0, 100)
	if err != nil || len(page.Files) != 12 {
		t.Fatalf("files of the new exhibit: %d, %v", len(page.Files), err)
	}
	tab.Open("/cases/" + webtest.CaseNL + "/files?exhibit=laptop-2")
	if n := tab.Count("#file-table tbody tr"); n != 12 {
		t.Errorf("files table of the new exhibit: %d rows", n)
	}
	if got := tab.Text("#file-table"); !strings.Contains(got, "note-07.txt") {
		t.Errorf("files table: %q", got)
	}
	clean(t, tab)
}
