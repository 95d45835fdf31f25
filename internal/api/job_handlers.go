package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
)

type jobResponse struct {
	Job investigation.Job `json:"job"`
}

type jobsResponse struct {
	Jobs       []investigation.Job `json:"jobs"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

// jobManager is the job manager, or an error when the server runs none.
func (a *API) jobManager() (*job.Manager, error) {
	if a.jobs == nil {
		return nil, errNoJobs
	}
	return a.jobs, nil
}

var errNoJobs = errors.New("this server runs no background jobs")

// accepted answers 202 with the queued job.
func accepted(w http.ResponseWriter, j investigation.Job, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, jobResponse{j})
}

type ingestRequest struct {
	Exhibit string   `json:"exhibit"`
	Paths   []string `json:"paths"`
}

// ingest queues an ingest of paths under the server's evidence roots.
func (a *API) ingest(w http.ResponseWriter, r *http.Request) error {
	m, err := a.jobManager()
	if err != nil {
		return err
	}
	var req ingestRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	j, err := m.SubmitIngest(r.Context(), r.PathValue("case"), req.Exhibit, req.Paths)
	return accepted(w, j, err)
}

type verifyRequest struct {
	Exhibit string `json:"exhibit"`
}

// verify queues a verification of an exhibit's sources (vibora verify).
func (a *API) verify(w http.ResponseWriter, r *http.Request) error {
	m, err := a.jobManager()
	if err != nil {
		return err
	}
	var req verifyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	j, err := m.SubmitVerify(r.Context(), r.PathValue("case"), req.Exhibit)
	return accepted(w, j, err)
}

// importChat queues the import of a chat export sent as multipart form
// data: the export in field "file", and optional fields exhibit and region.
func (a *API) importChat(w http.ResponseWriter, r *http.Request) error {
	m, err := a.jobManager()
	if err != nil {
		return err
	}
	u, fields, err := a.receive(r, m, r.PathValue("case"), "exhibit", "region")
	if err != nil {
		return err
	}
	defer u.Discard()
	j, err := m.SubmitChatImport(r.Context(), r.PathValue("case"), job.ChatImportParams{Exhibit: fields["exhibit"], Region: fields["region"]}, u)
	return accepted(w, j, err)
}

// scanStealer queues a scan of stealer logs sent as multipart form data:
// the logs (an archive of victim folders, or a ULP file) in field "logs",
// the watchlist in field "watchlist", and keep_passwords=true to keep
// passwords in clear.
func (a *API) scanStealer(w http.ResponseWriter, r *http.Request) error {
	m, err := a.jobManager()
	if err != nil {
		return err
	}
	u, fields, err := a.receive(r, m, r.PathValue("case"), "keep_passwords")
	if err != nil {
		return err
	}
	defer u.Discard()
	keep, err := boolField(fields, "keep_passwords")
	if err != nil {
		return err
	}
	j, err := m.SubmitStealerScan(r.Context(), r.PathValue("case"), job.StealerScanParams{KeepPasswords: keep}, u)
	return accepted(w, j, err)
}

// importBank queues the import of a hash list sent as multipart form data:
// the list in field "file", the bank in field name, and the options of
// vibora bank import as fields kind, format, source, profile, hash_kind and
// allow_partial.
func (a *API) importBank(w http.ResponseWriter, r *http.Request) error {
	m, err := a.jobManager()
	if err != nil {
		return err
	}
	u, f, err := a.receive(r, m, "", "name", "kind", "format", "source", "profile", "hash_kind", "allow_partial")
	if err != nil {
		return err
	}
	defer u.Discard()
	partial, err := boolField(f, "allow_partial")
	if err != nil {
		return err
	}
	p := job.BankImportParams{Name: f["name"], Kind: f["kind"], Format: f["format"], Source: f["source"], Profile: f["profile"],
		HashKind: f["hash_kind"], AllowPartial: partial}
	j, err := m.SubmitBankImport(r.Context(), p, u)
	return accepted(w, j, err)
}

// maxField caps a text field of a multipart upload.
const maxField = 4 << 10

// receive reads a multipart/form-data body as a stream: each file part
// goes into the spool as it arrives (once the principal may submit a job
// on the case), and the text fields named by allowed are returned.
func (a *API) receive(r *http.Request, m *job.Manager, caseName string, allowed ...string) (*job.Upload, map[string]string, error) {
	u, err := m.NewUpload(r.Context(), caseName)
	if err != nil {
		return nil, nil, err
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		u.Discard()
		return nil, nil, badRequestf("the request body must be multipart/form-data")
	}
	fields := map[string]string{}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			u.Discard()
			if server.IsTooLarge(err) {
				return nil, nil, err
			}
			return nil, nil, badRequestf("read the multipart body: %v", err)
		}
		name := part.FormName()
		if part.FileName() != "" {
			if !cleanText(name) || !cleanText(part.FileName()) {
				u.Discard()
				return nil, nil, badRequestf("a file part's name is not valid UTF-8 text")
			}
			err = u.Add(name, part.FileName(), part)
		} else {
			err = textField(part, name, allowed, fields)
		}
		part.Close()
		if err != nil {
			u.Discard()
			return nil, nil, err
		}
	}
	return u, fields, nil
}

func textField(part *multipart.Part, name string, allowed []string, fields map[string]string) error {
	ok := false
	for _, a := range allowed {
		ok = ok || a == name
	}
	if !ok {
		return badRequestf("unknown form field %q", name)
	}
	if _, dup := fields[name]; dup {
		return badRequestf("form field %q given twice", name)
	}
	b, err := io.ReadAll(io.LimitReader(part, maxField+1))
	if err != nil {
		return badRequestf("read form field %q: %v", name, err)
	}
	if len(b) > maxField {
		return badRequestf("form field %q: longer than %d bytes", name, maxField)
	}
	if !cleanText(string(b)) {
		return badRequestf("form field %q is not valid UTF-8 text", name)
	}
	fields[name] = string(b)
	return nil
}

func boolField(fields map[string]string, name string) (bool, error) {
	s, ok := fields[name]
	if !ok || s == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return false, badRequestf("form field %q: want true or false", name)
	}
	return v, nil
}

// listJobs lists the jobs the caller may see, newest first, filtered by
// case, state and kind, paged by cursor.
func (a *API) listJobs(w http.ResponseWriter, r *http.Request) error {
	m, err := a.jobManager()
	if err != nil {
		return err
	}
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	before, err := intCursorParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	jobs, err := m.List(r.Context(), investigation.JobFilter{Case: q.Get("case"), State: q.Get("state"), Kind: q.Get("kind"), Before: before, Limit: limit + 1})
	if err != nil {
		return err
	}
	next := ""
	if len(jobs) > limit {
		jobs = jobs[:limit]
		next = intCursor(jobs[limit-1].ID)
	}
	return writeJSON(w, http.StatusOK, jobsResponse{Jobs: jobs, NextCursor: next})
}

func jobID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil || id < 1 {
		return 0, badRequestf("job: want a positive whole number")
	}
	return id, nil
}

// showJob shows a job: state, progress, result, error.
func (a *API) showJob(w http.ResponseWriter, r *http.Request) error {
	m, err := a.jobManager()
	if err != nil {
		return err
	}
	id, err := jobID(r)
	if err != nil {
		return err
	}
	j, err := m.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jobResponse{j})
}

// cancelJob stops a job: a queued one at once, a running one shortly (the
// answer shows it running with cancel_requested until it stops).
func (a *API) cancelJob(w http.ResponseWriter, r *http.Request) error {
	m, err := a.jobManager()
	if err != nil {
		return err
	}
	id, err := jobID(r)
	if err != nil {
		return err
	}
	j, err := m.Cancel(r.Context(), id)
	if err != nil {
		return fmt.Errorf("cancel job %d: %w", id, err)
	}
	return writeJSON(w, http.StatusOK, jobResponse{j})
}
