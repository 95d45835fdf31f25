package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestQueuePage: the queue overview is the hub administrator's (an
// analyst gets 403); it counts jobs per queue and state, shows a failed
// job with its error, and retries it with a POST that the origin check
// guards; the retried job runs again and ends done.
func TestQueuePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		root := t.TempDir()
		h := webtest.New(t, open, webtest.WithEvidenceRoots(root))
		phone := filepath.Join(root, "phone")
		if err := os.MkdirAll(phone, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(phone, "note.txt"), []byte("synthetic note for example.org\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// The hub administrator is made a member of case alpha, so that
		// its jobs are theirs to retry.
		if _, err := h.Service.AddCaseMember(h.Seed, webtest.CaseNL, webtest.HubAdmin, "analyst"); err != nil {
			t.Fatal(err)
		}
		// The evidence is gone when the job runs: it fails.
		j, err := h.Jobs.SubmitIngest(h.Seed, webtest.CaseNL, "PHONE-9", []string{"phone"})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(phone, phone+".away"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- h.Jobs.Serve(ctx) }()
		defer func() { cancel(); <-done }()
		admin := newBrowser(t, h)
		admin.login(webtest.HubAdmin)
		page := "/jobs/" + strconv.FormatInt(j.ID, 10)
		waitState := func(state string) {
			t.Helper()
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				_, body := admin.get(page + "/progress")
				if strings.Contains(body, `data-state="`+state+`"`) {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("job not %s: %s", state, body)
				}
			}
		}
		waitState("failed")

		analyst := newBrowser(t, h)
		analyst.login(webtest.AnalystNL)
		if res, _ := analyst.get("/queues"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an analyst sees the queues: %d", res.StatusCode)
		}
		if _, body := analyst.get("/"); strings.Contains(body, `href="/queues"`) {
			t.Errorf("an analyst's menu links the queues")
		}
		var body string
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			var res *http.Response
			res, body = admin.get("/queues")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("queues: %d %s", res.StatusCode, body)
			}
			// The engine records its ticket's end a moment after the job's.
			if strings.Contains(body, `<tr id="queue-ingest">`+"\n"+`<th scope="row">ingest</th><td>0</td><td>0</td><td>0</td><td>1</td>`) || time.Now().After(deadline) {
				break
			}
		}
		for _, want := range []string{`<tr id="queue-ingest">` + "\n" + `<th scope="row">ingest</th><td>0</td><td>0</td><td>0</td><td>1</td>`,
			`id="queue-import"`, `id="queue-throughput"`, `<a href="/jobs/` + strconv.FormatInt(j.ID, 10) + `">`, `id="retry-job-` + strconv.FormatInt(j.ID, 10) + `"`,
			`href="/queues" aria-current="page"`} {
			if !strings.Contains(body, want) {
				t.Errorf("queue page lacks %q:\n%s", want, body)
			}
		}
		jv, err := h.Jobs.Get(h.Seed, j.ID)
		if err != nil || jv.Error == "" || !strings.Contains(body, jv.Error) && !strings.Contains(body, htmlEscape(jv.Error)) {
			t.Errorf("queue page lacks the job's error %q (%v)", jv.Error, err)
		}
		// A POST from another origin is refused.
		req, _ := http.NewRequest("POST", admin.srv.URL+page+"/retry", strings.NewReader(url.Values{"return": {"/queues"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://attacker.example.org")
		res, err := admin.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		webtest.Drain(res.Body)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin retry: %d, want 403", res.StatusCode)
		}
		other := newBrowser(t, h)
		other.login(webtest.AnalystDE)
		if res, _ := other.post(page+"/retry", url.Values{"return": {"/queues"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another agency's analyst retries: %d, want 404", res.StatusCode)
		}
		if err := os.Rename(phone+".away", phone); err != nil {
			t.Fatal(err)
		}
		res, _ = admin.post(page+"/retry", url.Values{"return": {"/queues"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/queues" {
			t.Fatalf("retry: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		waitState("done")
	})
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
