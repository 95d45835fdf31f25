package web

import (
	"net/http"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
)

// queueListView is the engine's queues for operators: jobs per queue and
// state, throughput, the latest failed attempts with their errors, and
// the failed jobs.
type queueListView struct {
	Queues   []job.QueueStats
	Failures []failureView
	// Done is the number of jobs completed in the last minute, over all
	// queues.
	Done int64
	// Failed are the latest failed jobs the user may see (retry).
	Failed []jobView
}

// failureView is a failed attempt; Act says whether the user may retry or
// cancel the job it worked for (the service found it for them).
type failureView struct {
	job.Failure
	Act bool
}

// queueList is the queue overview (the hub administrator's: the service
// checks who may see it). A job the user may act on can be retried (once
// it has failed) or cancelled (while an attempt will run again) from here.
func (u *UI) queueList(w http.ResponseWriter, r *http.Request) error {
	m, err := u.jobs()
	if err != nil {
		return err
	}
	ov, err := m.Queues(r.Context())
	if err != nil {
		return err
	}
	v := queueListView{Queues: ov.Queues}
	for _, q := range ov.Queues {
		v.Done += q.CompletedLastMinute
	}
	for _, f := range ov.Failures {
		fv := failureView{Failure: f}
		if f.Job != 0 {
			_, err := m.Get(r.Context(), f.Job)
			fv.Act = err == nil
		}
		v.Failures = append(v.Failures, fv)
	}
	failed, err := m.List(r.Context(), investigation.JobFilter{State: "failed", Limit: 20})
	if err != nil {
		return err
	}
	for _, j := range failed {
		v.Failed = append(v.Failed, newJobView(j))
	}
	return u.render(w, r, http.StatusOK, "queue_list", "Queues", "queues", v)
}

// jobRetry puts a failed or cancelled job back in its queue and goes back
// to where the form was (the queue overview or the job's page).
func (u *UI) jobRetry(w http.ResponseWriter, r *http.Request) error {
	m, err := u.jobs()
	if err != nil {
		return err
	}
	id, err := jobID(r)
	if err != nil {
		return err
	}
	if _, err := m.Retry(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, queueBack(r, "/jobs/"+strconv.FormatInt(id, 10)), http.StatusSeeOther)
	return nil
}

// queueBack is where a job's form returns to: the queue overview when it
// was sent from there, else fallback (the job's page).
func queueBack(r *http.Request, fallback string) string {
	if r.FormValue("return") == "/queues" {
		return "/queues"
	}
	return fallback
}
