package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
)

// errNoJobs answers the pages that start or show jobs on a server that
// runs none.
var errNoJobs = fmt.Errorf("this server runs no background jobs: %w", investigation.ErrInvalid)

// jobs is the job manager, or errNoJobs.
func (u *UI) jobs() (*job.Manager, error) {
	if u.cfg.Jobs == nil {
		return nil, errNoJobs
	}
	return u.cfg.Jobs, nil
}

// jobView is a job with its progress worked out for a progress bar.
type jobView struct {
	investigation.Job
	Final bool
	// Bar: Max > 0 draws a determinate bar (bytes when their total is
	// known, else files), otherwise an indeterminate one while running.
	Max, Value int64
	Percent    int
	Unit       string // what the bar counts: "bytes" or "files"
	Files      string // files done (and of how many)
	Bytes      string // bytes done (and of how many)
	Rate       string // e.g. "12.5 files/s, 3.1 MB/s"
	ETA        string // "" when unknown
	Elapsed    string
	Params     string // the parameters, indented JSON (text)
	Result     string // the report, indented JSON (text)
}

func newJobView(j investigation.Job) jobView {
	v := jobView{Job: j, Final: j.State == "done" || j.State == "failed" || j.State == "cancelled", Params: indentJSON(j.Params), Result: indentJSON(j.Result)}
	if p := j.Progress; p != nil {
		switch {
		case p.BytesTotal > 0:
			v.Max, v.Value, v.Unit = p.BytesTotal, min(p.Bytes, p.BytesTotal), "bytes"
		case p.FilesTotal > 0:
			v.Max, v.Value, v.Unit = p.FilesTotal, min(p.Files, p.FilesTotal), "files"
		}
		v.Files, v.Bytes = strconv.FormatInt(p.Files, 10), byteSize(p.Bytes)
		if p.FilesTotal > 0 {
			v.Files += " of " + strconv.FormatInt(p.FilesTotal, 10)
		}
		if p.BytesTotal > 0 {
			v.Bytes += " of " + byteSize(p.BytesTotal)
		}
		v.Rate = fmt.Sprintf("%.1f files/s, %s/s", p.FilesPerSecond, byteSize(int64(p.BytesPerSecond)))
		v.Elapsed = duration(p.ElapsedSeconds)
		if p.ETASeconds != nil && !v.Final {
			v.ETA = duration(*p.ETASeconds)
		}
	}
	if j.State == "done" && v.Max > 0 {
		v.Value = v.Max
	}
	if v.Max > 0 {
		v.Percent = int(v.Value * 100 / v.Max)
	}
	return v
}

func indentJSON(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}

// byteSize writes n bytes in decimal units.
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

func duration(seconds float64) string {
	return (time.Duration(seconds) * time.Second).Round(time.Second).String()
}

// jobID reads the job id from the path.
func jobID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil || id < 1 {
		return 0, badRequestf("the job id is not a positive whole number")
	}
	return id, nil
}

// loadJob loads the job the path names (404 for one the user may not see).
func (u *UI) loadJob(r *http.Request) (jobView, error) {
	m, err := u.jobs()
	if err != nil {
		return jobView{}, err
	}
	id, err := jobID(r)
	if err != nil {
		return jobView{}, err
	}
	j, err := m.Get(r.Context(), id)
	if err != nil {
		return jobView{}, err
	}
	return newJobView(j), nil
}

// jobShow is a job's page: what it does, a live progress bar until it
// ends (the fragment below, polled by htmx), its report, and cancel.
func (u *UI) jobShow(w http.ResponseWriter, r *http.Request) error {
	v, err := u.loadJob(r)
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "job_show", fmt.Sprintf("Job %d", v.ID), "jobs", v)
}

// jobProgress is the job page's progress fragment alone: htmx replaces
// the fragment with it every second until the job ends (the fragment of
// an ended job asks for no more).
func (u *UI) jobProgress(w http.ResponseWriter, r *http.Request) error {
	v, err := u.loadJob(r)
	if err != nil {
		return err
	}
	return u.renderFragment(w, "job_show", "job-progress", v)
}

// jobCancel stops a job (a queued one at once, a running one shortly)
// and goes back to its page.
func (u *UI) jobCancel(w http.ResponseWriter, r *http.Request) error {
	m, err := u.jobs()
	if err != nil {
		return err
	}
	id, err := jobID(r)
	if err != nil {
		return err
	}
	if _, err := m.Cancel(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, queueBack(r, "/jobs/"+strconv.FormatInt(id, 10)), http.StatusSeeOther)
	return nil
}

// jobListView is the jobs the user may see, newest first.
type jobListView struct {
	Jobs   []jobView
	Case   string
	State  string
	States []string
	Paging pageLinks
}

// pageLinks are the addresses of the neighbouring pages of a list, as
// the paging template reads them ("" when none).
type pageLinks struct{ Prev, Next string }

// jobList lists jobs, filtered by case and state.
func (u *UI) jobList(w http.ResponseWriter, r *http.Request) error {
	m, err := u.jobs()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var before int64
	if s := q.Get("before"); s != "" {
		if before, err = strconv.ParseInt(s, 10, 64); err != nil || before < 1 {
			return badRequestf("before: want a positive whole number")
		}
	}
	const limit = 50
	v := jobListView{Case: q.Get("case"), State: q.Get("state"), States: investigation.JobStates}
	list, err := m.List(r.Context(), investigation.JobFilter{Case: v.Case, State: v.State, Before: before, Limit: limit + 1})
	if err != nil {
		return err
	}
	if len(list) > limit {
		list = list[:limit]
		next := r.URL.Query()
		next.Set("before", strconv.FormatInt(list[limit-1].ID, 10))
		v.Paging = pageLinks{Prev: "/jobs", Next: "/jobs?" + next.Encode()}
	}
	for _, j := range list {
		v.Jobs = append(v.Jobs, newJobView(j))
	}
	return u.render(w, r, http.StatusOK, "job_list", "Jobs", "jobs", v)
}
