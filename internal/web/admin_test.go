package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// postMultipart posts a multipart form: fields, then files (field ->
// name and content).
func (b *browser) postMultipart(path string, fields map[string]string, files map[string][2]string) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for k, f := range files {
		w, err := mw.CreateFormFile(k, f[0])
		if err != nil {
			b.t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.srv.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.srv.URL)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, webtest.Drain(res.Body)
}

// ingestDemo ingests the demo's evidence (with its clusters of new
// material) into case alpha.
func ingestDemo(t *testing.T, h *webtest.Hub) {
	t.Helper()
	l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Service.Ingest(h.Seed, webtest.CaseNL, investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}, Workers: 1}); err != nil {
		t.Fatal(err)
	}
}

var clusterLink = regexp.MustCompile(`href="/cases/alpha/clusters/([0-9]+)"`)

// TestClusterPages: the clusters of a case list new material first; a
// cluster's page lists its members (never an image) and marks it; the
// note is shown inert; a viewer may not mark; another agency sees nothing.
func TestClusterPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		ingestDemo(t, h)
		b := newBrowser(t, h)
		b.login(webtest.AnalystNL)
		res, body := b.get("/cases/alpha/clusters")
		m := clusterLink.FindStringSubmatch(body)
		if res.StatusCode != http.StatusOK || m == nil || !strings.Contains(body, "to review") {
			t.Fatalf("cluster list: %d %s", res.StatusCode, body)
		}
		page := "/cases/alpha/clusters/" + m[1]
		res, body = b.get(page)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="members"`) || strings.Contains(body, "<img") {
			t.Fatalf("cluster page: %d %s", res.StatusCode, body)
		}
		payload := `<script>alert("x")</script>`
		res, _ = b.post(page+"/review", url.Values{"state": {"victim-id"}, "note": {payload}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark: %d", res.StatusCode)
		}
		_, body = b.get(page)
		if !strings.Contains(body, "victim identification") || !strings.Contains(body, "&lt;script&gt;") || strings.Contains(body, payload) {
			t.Errorf("marked cluster page does not show the review inert: %s", body)
		}
		if _, body = b.get("/cases/alpha/clusters"); !strings.Contains(body, "victim identification") {
			t.Errorf("cluster list without the review")
		}

		viewer := newBrowser(t, h)
		viewer.login(webtest.ViewerNL)
		if res, _ := viewer.get(page); res.StatusCode != http.StatusOK {
			t.Errorf("viewer reads the cluster: %d", res.StatusCode)
		}
		if res, _ := viewer.post(page+"/review", url.Values{"state": {"reviewed"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer marks: %d, want 403", res.StatusCode)
		}
		other := newBrowser(t, h)
		other.login(webtest.AnalystDE)
		for _, p := range []string{"/cases/alpha/clusters", page} {
			if res, _ := other.get(p); res.StatusCode != http.StatusNotFound {
				t.Errorf("another agency GET %s: %d, want 404", p, res.StatusCode)
			}
		}
		if res, _ := other.post(page+"/review", url.Values{"state": {"reviewed"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another agency marks: %d, want 404", res.StatusCode)
		}
	})
}

var jobLocation = regexp.MustCompile(`^/jobs/([0-9]+)$`)

// TestBankUploadJob: an administrator uploads a small synthetic bank; the
// job page's progress fragment polls until the job is done; a queued job
// is cancelled from its page; an analyst may not upload.
func TestBankUploadJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		admin := newBrowser(t, h)
		admin.login(webtest.HubAdmin)
		var list strings.Builder
		for i := range 50 {
			fmt.Fprintf(&list, "%032x\n", i+1000)
		}
		upload := func(name string) string {
			t.Helper()
			res, body := admin.postMultipart("/banks", map[string]string{"name": name, "kind": "known", "format": "plain"}, map[string][2]string{"file": {"synthetic.txt", list.String()}})
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !jobLocation.MatchString(loc) {
				t.Fatalf("bank upload: %d %q %s", res.StatusCode, loc, body)
			}
			return loc
		}
		// Not served yet: the job waits in the queue and is cancelled.
		first := upload("synthetic-cancelled")
		res, body := admin.get(first)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `data-state="queued"`) || !strings.Contains(body, `hx-get="`+first+`/progress"`) {
			t.Fatalf("queued job page: %d %s", res.StatusCode, body)
		}
		if res, _ := admin.post(first+"/cancel", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", res.StatusCode)
		}
		if _, body := admin.get(first + "/progress"); !strings.Contains(body, `data-state="cancelled"`) || strings.Contains(body, "hx-get") {
			t.Errorf("cancelled job's fragment: %s", body)
		}

		analyst := newBrowser(t, h)
		analyst.login(webtest.AnalystNL)
		if res, _ := analyst.postMultipart("/banks", map[string]string{"name": "mine"}, map[string][2]string{"file": {"x.txt", list.String()}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("analyst uploads a bank: %d, want 403", res.StatusCode)
		}

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- h.Jobs.Serve(ctx) }()
		defer func() { cancel(); <-done }()
		second := upload("synthetic")
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, body = admin.get(second + "/progress")
			if strings.Contains(body, `data-state="done"`) {
				break
			}
			if strings.Contains(body, `data-state="failed"`) || time.Now().After(deadline) {
				t.Fatalf("bank job did not finish: %s", body)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if strings.Contains(body, "hx-get") || !strings.Contains(body, `id="job-result"`) {
			t.Errorf("done job's fragment still polls or has no report: %s", body)
		}
		if _, body = admin.get("/banks/synthetic"); !strings.Contains(body, `<dd id="bank-records">50</dd>`) {
			t.Errorf("bank page after the import: %s", body)
		}
		res, body = admin.get("/banks/synthetic/export?format=csv")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, fmt.Sprintf("%032x", 1000)) {
			t.Errorf("export: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res, _ := admin.post("/banks/synthetic/remove", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("remove: %d", res.StatusCode)
		}
		if res, _ := admin.get("/banks/synthetic"); res.StatusCode != http.StatusNotFound {
			t.Errorf("removed bank: %d", res.StatusCode)
		}
	})
}

// TestAdminPages: accounts and the audit trail refuse a non-administrator
// with a 403 page; the hub administrator verifies the audit chain; a new
// token's secret is shown once.
func TestAdminPages(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	analyst := newBrowser(t, h)
	analyst.login(webtest.AnalystNL)
	for _, p := range []string{"/admin/accounts", "/audit", "/audit/verify"} {
		res, body := analyst.get(p)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Permission denied") {
			t.Errorf("analyst GET %s: %d, want the 403 page", p, res.StatusCode)
		}
	}
	if res, _ := analyst.post("/admin/agencies", url.Values{"name": {"XX"}, "country": {"NL"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("analyst adds an agency: %d", res.StatusCode)
	}

	admin := newBrowser(t, h)
	admin.login(webtest.HubAdmin)
	res, body := admin.get("/admin/accounts")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, webtest.AnalystDE) {
		t.Fatalf("accounts: %d %s", res.StatusCode, body)
	}
	if res, _ := admin.post("/admin/agencies", url.Values{"name": {"BE-TEST"}, "country": {"BE"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("add agency: %d", res.StatusCode)
	}
	if res, _ := admin.post("/admin/users", url.Values{"name": {"bram"}, "agency": {"BE-TEST"}, "role": {"analyst"}, "password": {"a-long-enough-password"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("add user: %d", res.StatusCode)
	}
	if _, body = admin.get("/admin/accounts"); !strings.Contains(body, "bram") || !strings.Contains(body, "BE-TEST") {
		t.Errorf("accounts after the changes: %s", body)
	}
	res, body = admin.get("/audit?object=user:&action=user.&actor=" + webtest.HubAdmin)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "user.add") {
		t.Errorf("audit filtered: %d %s", res.StatusCode, body)
	}
	res, body = admin.get("/audit/verify")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `data-ok="true"`) {
		t.Errorf("audit verify: %d %s", res.StatusCode, body)
	}

	res, body = analyst.post("/tokens", url.Values{"user": {webtest.AnalystNL}, "name": {"script"}, "days": {"30"}})
	secret := regexp.MustCompile(`id="token-secret" type="text" readonly value="([^"]+)"`).FindStringSubmatch(body)
	if res.StatusCode != http.StatusCreated || secret == nil {
		t.Fatalf("create token: %d %s", res.StatusCode, body)
	}
	if _, body = analyst.get("/tokens"); strings.Contains(body, secret[1]) || !strings.Contains(body, "script") {
		t.Errorf("token list shows the secret again, or not the token")
	}
}

// TestCaseAccessPage: a case administrator shares a case and adds a
// member; another agency's analyst gets 404.
func TestCaseAccessPage(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	if _, err := h.Service.AddUser(h.Seed, investigation.NewUser{Name: "admin-nl", Agency: "NL-TEST", Role: "agency-admin", Password: webtest.Password("admin-nl")}); err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(t, h)
	admin.login("admin-nl")
	if res, _ := admin.post("/cases/alpha/shares", url.Values{"agency": {"DE-TEST"}, "role": {"viewer"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("share: %d", res.StatusCode)
	}
	if res, _ := admin.post("/cases/alpha/members", url.Values{"user": {webtest.ViewerNL}, "role": {"viewer"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add member: %d", res.StatusCode)
	}
	res, body := admin.get("/cases/alpha/access")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "DE-TEST") || !strings.Contains(body, webtest.ViewerNL) {
		t.Fatalf("access page: %d %s", res.StatusCode, body)
	}
	analyst := newBrowser(t, h)
	analyst.login(webtest.AnalystNL)
	if res, _ := analyst.post("/cases/alpha/shares/DE-TEST/remove", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("analyst withdraws a share: %d, want 403", res.StatusCode)
	}
	if res, _ := admin.post("/cases/alpha/shares/DE-TEST/remove", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("withdraw: %d", res.StatusCode)
	}
	other := newBrowser(t, h)
	other.login(webtest.AnalystDE)
	if res, _ := other.get("/cases/alpha/access"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agency: %d, want 404", res.StatusCode)
	}
}

// TestImportForms: the import page offers the forms; a chat export and
// stealer logs uploaded by an analyst become queued jobs of the case,
// which the jobs list shows; a viewer may not start one, another agency
// gets 404.
func TestImportForms(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	b := newBrowser(t, h)
	b.login(webtest.AnalystNL)
	res, body := b.get("/cases/alpha/import")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="chat-form"`) || !strings.Contains(body, `id="stealer-form"`) {
		t.Fatalf("import page: %d %s", res.StatusCode, body)
	}
	export := `{"name":"Synthetic group","type":"private_group","id":7700000009,"messages":[]}`
	res, body = b.postMultipart("/cases/alpha/chats/import", map[string]string{"exhibit": "CHAT-09"}, map[string][2]string{"file": {"result.json", export}})
	if res.StatusCode != http.StatusSeeOther || !jobLocation.MatchString(res.Header.Get("Location")) {
		t.Fatalf("chat upload: %d %s", res.StatusCode, body)
	}
	chatJob := res.Header.Get("Location")
	res, body = b.postMultipart("/cases/alpha/stealer/scan", map[string]string{"keep_passwords": "on"},
		map[string][2]string{"logs": {"ulp.txt", "https://login.example.org:jdoe@example.org:pw1\n"}, "watchlist": {"watch.txt", "example.org\n"}})
	if res.StatusCode != http.StatusSeeOther || !jobLocation.MatchString(res.Header.Get("Location")) {
		t.Fatalf("stealer upload: %d %s", res.StatusCode, body)
	}
	res, body = b.get("/jobs?case=alpha")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "chat_import") || !strings.Contains(body, "stealer_scan") {
		t.Errorf("jobs of alpha: %d %s", res.StatusCode, body)
	}
	if res, body := b.get(chatJob); res.StatusCode != http.StatusOK || !strings.Contains(body, "CHAT-09") {
		t.Errorf("chat job page: %d %s", res.StatusCode, body)
	}

	// This hub has no evidence root: an ingest is refused, saying why.
	if res, body := b.post("/cases/alpha/ingest", url.Values{"exhibit": {"PHONE-09"}, "paths": {"phone\n"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "root") {
		t.Errorf("ingest without roots: %d %s", res.StatusCode, body)
	}
	viewer := newBrowser(t, h)
	viewer.login(webtest.ViewerNL)
	if res, _ := viewer.postMultipart("/cases/alpha/chats/import", nil, map[string][2]string{"file": {"result.json", export}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer uploads: %d, want 403", res.StatusCode)
	}
	other := newBrowser(t, h)
	other.login(webtest.AnalystDE)
	for _, p := range []string{"/cases/alpha/import", chatJob} {
		if res, _ := other.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("another agency GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	if res, _ := other.post(chatJob+"/cancel", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another agency cancels: %d, want 404", res.StatusCode)
	}
}
