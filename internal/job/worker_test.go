package job_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestServerWithoutWorkers: a server that runs no jobs itself records each
// job with its ticket; a worker (another manager, as vibora worker runs
// one) that works the job's queue runs it, and one that works other
// queues does not.
func TestServerWithoutWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 9, func(c *job.Config) { c.Workers = -1 })
		serve(t, e.m)
		j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		var ticket sql.NullInt64
		var queue string
		must(t, e.db.SQL().QueryRow("SELECT ticket FROM jobs WHERE id = "+itoa(j.ID)).Scan(&ticket))
		if !ticket.Valid || ticket.Int64 == 0 {
			t.Fatalf("job %d recorded without its ticket", j.ID)
		}
		must(t, e.db.SQL().QueryRow("SELECT queue FROM river_job WHERE id = "+itoa(ticket.Int64)).Scan(&queue))
		if queue != job.QueueIngest {
			t.Errorf("ticket in queue %q, want %q", queue, job.QueueIngest)
		}
		imports := e.manager(t, func(c *job.Config) { c.Queues = []string{job.QueueImport} })
		stopImports := serve(t, imports)
		time.Sleep(300 * time.Millisecond) // a few polls of its queue
		if got, _ := e.m.Get(as(nlAnalyst), j.ID); got.State != store.JobQueued {
			t.Fatalf("a worker of the import queue took the ingest: %+v", got)
		}
		stopImports()
		worker := e.manager(t, func(c *job.Config) { c.Queues = []string{job.QueueIngest, job.QueueHash} })
		serve(t, worker)
		j = wait(t, e.m, j.ID, "the end", ended)
		var rep investigation.IngestReport
		must(t, json.Unmarshal(j.Result, &rep))
		if j.State != store.JobDone || rep.Files != 9 {
			t.Fatalf("job = %+v", j)
		}
	})
}

// TestSubmitIsOneTransaction: when the engine cannot take the ticket, the
// job is not recorded either (nor audited).
func TestSubmitIsOneTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 1, nil)
		var before, after int
		must(t, e.db.SQL().QueryRow("SELECT COUNT(*) FROM audit").Scan(&before))
		refused := errors.New("engine refused the ticket")
		_, err := e.svc.SubmitJob(as(nlAnalyst), investigation.JobSubmission{Kind: investigation.JobVerify, Case: "op-nl", Params: map[string]string{},
			Enqueue: func(context.Context, *sql.Tx, int64) (int64, error) { return 0, refused }})
		if !errors.Is(err, refused) {
			t.Fatalf("submit = %v", err)
		}
		var jobs int
		must(t, e.db.SQL().QueryRow("SELECT COUNT(*) FROM jobs").Scan(&jobs))
		must(t, e.db.SQL().QueryRow("SELECT COUNT(*) FROM audit").Scan(&after))
		if jobs != 0 || after != before {
			t.Errorf("a refused submission left %d jobs and %d audit records", jobs, after-before)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRetryAndQueues: a job that failed shows in the queues' overview
// and, retried, runs again from its queue and ends done.
func TestRetryAndQueues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 5, nil)
		serve(t, e.m)
		gone := filepath.Join(e.root, "phone")
		j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		must(t, os.Rename(gone, gone+".away")) // before the job runs, most likely; either way it ends
		j = wait(t, e.m, j.ID, "the end", ended)
		if j.State == store.JobDone {
			t.Skip("the job ran before its evidence was moved away")
		}
		if j.State != store.JobFailed || j.Error == "" {
			t.Fatalf("job = %+v", j)
		}
		if _, err := e.m.Queues(as(nlAnalyst)); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("an analyst sees the queues: %v", err)
		}
		// The engine records its ticket's end a moment after ours.
		var ingest job.QueueStats
		var ov job.Overview
		for deadline := time.Now().Add(10 * time.Second); ingest.Completed != 1 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			ov, err = e.m.Queues(as(owner))
			must(t, err)
			for _, q := range ov.Queues {
				if q.Queue == job.QueueIngest {
					ingest = q
				}
			}
		}
		if ingest.Completed != 1 || ingest.CompletedLastMinute != 1 || ingest.Running != 0 {
			t.Errorf("queues = %+v", ov.Queues)
		}
		if _, err := e.m.Retry(as(nlViewer), j.ID); err == nil {
			t.Errorf("a viewer retried a job")
		}
		must(t, os.Rename(gone+".away", gone))
		r, err := e.m.Retry(as(nlAnalyst), j.ID)
		must(t, err)
		// Read back after the retry's commit: a worker may have taken it
		// up, or even finished it, already.
		if !slices.Contains([]string{store.JobQueued, store.JobRunning, store.JobDone}, r.State) || r.Error != "" {
			t.Errorf("retried job = %+v", r)
		}
		r = wait(t, e.m, j.ID, "the end", ended)
		if r.State != store.JobDone || r.Attempts != 2 {
			t.Errorf("retried job ended %+v", r)
		}
		if _, err := e.m.Retry(as(nlAnalyst), j.ID); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("retry of a done job: %v", err)
		}
	})
}
