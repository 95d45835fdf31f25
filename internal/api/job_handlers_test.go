package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

const (
	acceptedStatus = http.StatusAccepted
	badReq         = http.StatusBadRequest
)

// The job routes' rows of the permission matrix. Personas: anonymous,
// viewer-nl, analyst-nl, analyst-be (a viewer share of alpha), analyst-de
// (owner of beta), agency-admin-nl, hub-admin. The multipart routes are
// sent without a multipart body: those who may submit get 400.
func init() {
	matrix = append(matrix,
		matrixRow{"POST", "/api/v1/cases/alpha/ingest", `{"exhibit":"job-{persona}","paths":["phone"]}`,
			want(unauth, forbidden, acceptedStatus, forbidden, notFound, acceptedStatus, notFound)},
		matrixRow{"POST", "/api/v1/cases/beta/ingest", `{"exhibit":"job-{persona}","paths":["phone"]}`,
			want(unauth, notFound, notFound, notFound, acceptedStatus, notFound, notFound)},
		matrixRow{"POST", "/api/v1/cases/alpha/verify", `{"exhibit":"phone-1"}`,
			want(unauth, forbidden, acceptedStatus, forbidden, notFound, acceptedStatus, notFound)},
		matrixRow{"POST", "/api/v1/cases/alpha/chats/import", "",
			want(unauth, forbidden, badReq, forbidden, notFound, badReq, notFound)},
		matrixRow{"POST", "/api/v1/cases/alpha/stealer/scan", "",
			want(unauth, forbidden, badReq, forbidden, notFound, badReq, notFound)},
		matrixRow{"POST", "/api/v1/banks", "",
			want(unauth, forbidden, forbidden, forbidden, forbidden, badReq, badReq)},
		matrixRow{"GET", "/api/v1/jobs", "", want(unauth, ok, ok, ok, ok, ok, ok)},
		matrixRow{"GET", "/api/v1/jobs?case=alpha&state=queued", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
		matrixRow{"GET", "/api/v1/jobs/{jobAlpha}", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
		matrixRow{"GET", "/api/v1/jobs/{jobBeta}", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
		matrixRow{"GET", "/api/v1/jobs/999999", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
		matrixRow{"POST", "/api/v1/jobs/{jobBeta}/cancel", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
		matrixRow{"POST", "/api/v1/jobs/{jobAlpha}/cancel", "", want(unauth, forbidden, ok, forbidden, notFound, ok, notFound)},
	)
}

type jobBody struct {
	Job investigation.Job `json:"job"`
}

// multipartBody builds a multipart/form-data body of files (field ->
// name, content) and text fields.
func multipartBody(t *testing.T, files map[string][2]string, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		must(t, mw.WriteField(k, v))
	}
	for field, f := range files {
		w, err := mw.CreateFormFile(field, f[0])
		must(t, err)
		w.Write([]byte(f[1]))
	}
	must(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

func (h *hub) send(persona, method, path, contentType string, body *bytes.Buffer) (*http.Response, []byte) {
	h.t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Authorization", "Bearer "+h.tokens[persona])
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return rec.Result(), rec.Body.Bytes()
}

// TestJobsOverHTTP: jobs submitted over the API run on a serving manager
// and are followed to their end; uploads are multipart streams.
func TestJobsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		ctx, cancel := contextWithCancel()
		done := make(chan error, 1)
		go func() { done <- h.jobs.Serve(ctx) }()
		defer func() { cancel(); <-done }()
		follow := func(persona string, id int64) investigation.Job {
			t.Helper()
			deadline := time.Now().Add(60 * time.Second)
			for {
				res, b := h.do(persona, "GET", fmt.Sprintf("/api/v1/jobs/%d", id), nil)
				var jb jobBody
				decode(t, b, &jb)
				if res.StatusCode != ok {
					t.Fatalf("job %d: %d %s", id, res.StatusCode, b)
				}
				if s := jb.Job.State; s == "done" || s == "failed" || s == "cancelled" {
					return jb.Job
				}
				if time.Now().After(deadline) {
					t.Fatalf("job %d did not end: %s", id, b)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}

		res, b := h.do(analystNL, "POST", "/api/v1/cases/alpha/ingest", `{"exhibit":"PHONE-2","paths":["phone"]}`)
		var jb jobBody
		decode(t, b, &jb)
		if res.StatusCode != acceptedStatus || jb.Job.State != "queued" || jb.Job.ID == 0 {
			t.Fatalf("ingest: %d %s", res.StatusCode, b)
		}
		j := follow(analystNL, jb.Job.ID)
		var rep investigation.IngestReport
		decode(t, j.Result, &rep)
		if j.State != "done" || rep.Files != 1 {
			t.Errorf("ingest job: %+v %s", j, j.Result)
		}
		// Paths outside the evidence root are refused before anything runs.
		for _, p := range []string{"../", "/etc", "phone/../../x"} {
			body, _ := json.Marshal(map[string]any{"exhibit": "X", "paths": []string{p}})
			res, b := h.do(analystNL, "POST", "/api/v1/cases/alpha/ingest", string(body))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "evidence root") {
				t.Errorf("ingest of %q: %d %s", p, res.StatusCode, b)
			}
		}

		body, ct := multipartBody(t, map[string][2]string{"file": {"known.txt", strings.Repeat("0", 31) + "2\n"}}, map[string]string{"name": "uploaded", "kind": "known"})
		res, b = h.send(hubAdmin, "POST", "/api/v1/banks", ct, body)
		decode(t, b, &jb)
		if res.StatusCode != acceptedStatus {
			t.Fatalf("bank upload: %d %s", res.StatusCode, b)
		}
		if j := follow(hubAdmin, jb.Job.ID); j.State != "done" {
			t.Errorf("bank import job: %+v", j)
		}
		res, b = h.do(hubAdmin, "GET", "/api/v1/banks/uploaded", nil)
		if res.StatusCode != ok {
			t.Errorf("the uploaded bank: %d %s", res.StatusCode, b)
		}

		chat := "1/15/24, 9:00 AM - Bob Example: hello from example.org\n1/15/24, 9:01 AM - Alex Example: bye\n"
		body, ct = multipartBody(t, map[string][2]string{"file": {"WhatsApp Chat with Bob.txt", chat}}, map[string]string{"exhibit": "CHAT-1"})
		res, b = h.send(analystNL, "POST", "/api/v1/cases/alpha/chats/import", ct, body)
		decode(t, b, &jb)
		if res.StatusCode != acceptedStatus {
			t.Fatalf("chat upload: %d %s", res.StatusCode, b)
		}
		if j := follow(analystNL, jb.Job.ID); j.State != "done" {
			t.Errorf("chat import job: %+v", j)
		}
		// Unknown fields and a missing file are refused.
		body, ct = multipartBody(t, map[string][2]string{"file": {"chat.txt", chat}}, map[string]string{"evil": "x"})
		if res, b := h.send(analystNL, "POST", "/api/v1/cases/alpha/chats/import", ct, body); res.StatusCode != badReq {
			t.Errorf("unknown field: %d %s", res.StatusCode, b)
		}
		body, ct = multipartBody(t, map[string][2]string{"logs": {"ulp.txt", "https://example.org/login:alex@example.org:pw\n"}}, nil)
		if res, b := h.send(analystNL, "POST", "/api/v1/cases/alpha/stealer/scan", ct, body); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("stealer scan without a watchlist: %d %s", res.StatusCode, b)
		}

		// The list shows the caller's visible jobs, paged by cursor.
		res, b = h.do(analystNL, "GET", "/api/v1/jobs?case=alpha&limit=1", nil)
		var page struct {
			Jobs       []investigation.Job `json:"jobs"`
			NextCursor string              `json:"next_cursor"`
		}
		decode(t, b, &page)
		if res.StatusCode != ok || len(page.Jobs) != 1 || page.NextCursor == "" {
			t.Fatalf("page 1: %d %s", res.StatusCode, b)
		}
		res, b = h.do(analystNL, "GET", "/api/v1/jobs?case=alpha&limit=1&cursor="+page.NextCursor, nil)
		var page2 struct {
			Jobs []investigation.Job `json:"jobs"`
		}
		decode(t, b, &page2)
		if res.StatusCode != ok || len(page2.Jobs) != 1 || page2.Jobs[0].ID >= page.Jobs[0].ID {
			t.Errorf("page 2: %d %s", res.StatusCode, b)
		}
		if _, err := os.Stat(filepath.Join(h.evidence, "phone", "note.txt")); err != nil {
			t.Errorf("evidence changed: %v", err)
		}
		h.chainIntact()
	})
}

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
