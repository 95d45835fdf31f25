package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Job states. A job is queued until a runner claims it, running until it
// ends, and then done, failed or cancelled for good.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobDone      = "done"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// Job is one background job: what to do (kind, params), for whom (the
// principal that submitted it, as JSON) and how far it got.
type Job struct {
	ID              int64
	Kind            string
	CaseID          int64  // 0: a job of no case (a bank import)
	Case            string // the case's name (read only)
	Agency          string // the case's agency (read only)
	Params          string // JSON, the kind's parameters
	Principal       string // JSON access.Principal of the submitter
	SubmittedBy     string // the submitter's displayed name
	State           string
	CancelRequested bool
	Progress        string // JSON, "" before the first report
	Result          string // JSON, the use case's report
	Error           string
	Upload          string // spool directory of the job's uploaded files ("" for none)
	Ticket          int64  // the job engine's id of the ticket that runs it (0: none yet)
	Runner          string // the runner working it while running
	Attempts        int
	CreatedAt       string
	StartedAt       string
	FinishedAt      string
	HeartbeatAt     string
}

// Final reports whether the job has ended for good.
func (j Job) Final() bool {
	return j.State == JobDone || j.State == JobFailed || j.State == JobCancelled
}

const jobCols = `j.id, j.kind, COALESCE(j.case_id, 0), COALESCE(c.name, ''), COALESCE(c.agency, ''), j.params, j.principal, j.submitted_by,
	j.state, j.cancel_requested, j.progress, j.result, j.error, j.upload, COALESCE(j.ticket, 0), j.runner, j.attempts,
	j.created_at, j.started_at, j.finished_at, j.heartbeat_at`

const jobFrom = " FROM jobs j LEFT JOIN cases c ON c.id = j.case_id"

func scanJob(s interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var cancel int64
	err := s.Scan(&j.ID, &j.Kind, &j.CaseID, &j.Case, &j.Agency, &j.Params, &j.Principal, &j.SubmittedBy,
		&j.State, &cancel, &j.Progress, &j.Result, &j.Error, &j.Upload, &j.Ticket, &j.Runner, &j.Attempts,
		&j.CreatedAt, &j.StartedAt, &j.FinishedAt, &j.HeartbeatAt)
	j.CancelRequested = cancel != 0
	return j, err
}

// InsertJob stores a new queued job and sets its ID.
func (tx *Tx) InsertJob(ctx context.Context, j *Job) error {
	var caseID any
	if j.CaseID != 0 {
		caseID = j.CaseID
	}
	id, err := tx.insertID(ctx, "INSERT INTO jobs (kind, case_id, params, principal, submitted_by, state, upload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		j.Kind, caseID, j.Params, j.Principal, j.SubmittedBy, JobQueued, j.Upload, j.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert job: %w", err)
	}
	j.ID, j.State = id, JobQueued
	return nil
}

// JobByID returns a job, or ErrNotFound.
func (q q) JobByID(ctx context.Context, id int64) (Job, error) {
	j, err := scanJob(q.queryRow(ctx, "SELECT "+jobCols+jobFrom+" WHERE j.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("job %d: %w", id, ErrNotFound)
	}
	return j, err
}

// JobFilter selects jobs. Cases and NoCase say which jobs the caller may
// see; the rest narrow the list.
type JobFilter struct {
	// Cases admits the jobs of the cases it selects.
	Cases CaseVisibility
	// NoCase admits the jobs of no case (bank imports).
	NoCase bool
	CaseID int64    // one case only (0: any)
	States []string // these states only (none: any)
	Kind   string
	Before int64 // ids below this one (cursor; 0: from the newest)
	Limit  int   // at most this many (0: 100)
}

// Jobs lists jobs newest first, filtered in SQL by f.
func (q q) Jobs(ctx context.Context, f JobFilter) ([]Job, error) {
	cond, args := f.Cases.where("c")
	scope := "(j.case_id IS NOT NULL AND " + cond + ")"
	if f.NoCase {
		scope += " OR j.case_id IS NULL"
	}
	where := []string{"(" + scope + ")"}
	if f.CaseID != 0 {
		where = append(where, "j.case_id = ?")
		args = append(args, f.CaseID)
	}
	if len(f.States) > 0 {
		where = append(where, "j.state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			args = append(args, s)
		}
	}
	if f.Kind != "" {
		where = append(where, "j.kind = ?")
		args = append(args, f.Kind)
	}
	if f.Before > 0 {
		where = append(where, "j.id < ?")
		args = append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := q.query(ctx, "SELECT "+jobCols+jobFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY j.id DESC LIMIT ?", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// UnfinishedJobs lists the jobs that are queued or running, oldest first:
// what a job engine must make sure gets run.
func (q q) UnfinishedJobs(ctx context.Context) ([]Job, error) {
	rows, err := q.query(ctx, "SELECT "+jobCols+jobFrom+" WHERE j.state IN (?, ?) ORDER BY j.id", JobQueued, JobRunning)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// UploadInUse reports whether a job other than except that has not ended
// uses the upload.
func (q q) UploadInUse(ctx context.Context, upload string, except int64) (bool, error) {
	var n int
	err := q.queryRow(ctx, "SELECT COUNT(*) FROM jobs WHERE upload = ? AND id <> ? AND state IN (?, ?)", upload, except, JobQueued, JobRunning).Scan(&n)
	return n > 0, err
}

// Uploads lists the uploads of jobs that have not ended.
func (q q) Uploads(ctx context.Context) (map[string]bool, error) {
	rows, err := q.query(ctx, "SELECT DISTINCT upload FROM jobs WHERE upload <> '' AND state IN (?, ?)", JobQueued, JobRunning)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out[u] = true
	}
	return out, rows.Err()
}

// SetJobTicket records the ticket that will run a queued job.
func (q q) SetJobTicket(ctx context.Context, id, ticket int64) error {
	_, err := q.exec(ctx, "UPDATE jobs SET ticket = ? WHERE id = ? AND state = ?", ticket, id, JobQueued)
	return err
}

// ClaimJob makes runner the one working a queued job. It reports false
// when the job is not queued (another runner has it, or it ended).
func (q q) ClaimJob(ctx context.Context, id int64, runner, at string) (bool, error) {
	res, err := q.exec(ctx, `UPDATE jobs SET state = ?, runner = ?, heartbeat_at = ?, attempts = attempts + 1,
		started_at = CASE WHEN started_at = '' THEN ? ELSE started_at END
		WHERE id = ? AND state = ? AND cancel_requested = 0`, JobRunning, runner, at, at, id, JobQueued)
	return affected(res, err)
}

// HeartbeatJob records that runner still works the job, with its progress
// ("" keeps the last). It reports whether the runner still holds the job
// and whether a cancel was requested.
func (q q) HeartbeatJob(ctx context.Context, id int64, runner, at, progress string) (held, cancel bool, err error) {
	res, err := q.exec(ctx, "UPDATE jobs SET heartbeat_at = ?, progress = CASE WHEN ? = '' THEN progress ELSE ? END WHERE id = ? AND state = ? AND runner = ?",
		at, progress, progress, id, JobRunning, runner)
	if held, err = affected(res, err); err != nil || !held {
		return held, false, err
	}
	var c int64
	err = q.queryRow(ctx, "SELECT cancel_requested FROM jobs WHERE id = ?", id).Scan(&c)
	return true, c != 0, err
}

// FinishJob ends a job runner holds: done, failed or cancelled, with its
// result and error. It reports false when runner no longer held it.
func (q q) FinishJob(ctx context.Context, id int64, runner, state, progress, result, errMsg, at string) (bool, error) {
	res, err := q.exec(ctx, `UPDATE jobs SET state = ?, progress = CASE WHEN ? = '' THEN progress ELSE ? END, result = ?, error = ?, finished_at = ?, heartbeat_at = ?
		WHERE id = ? AND state = ? AND runner = ?`, state, progress, progress, result, errMsg, at, at, id, JobRunning, runner)
	return affected(res, err)
}

// RequeueJob puts a running job back in the queue: its runner stopped (the
// server shut down) or is gone (killed) while it held the job. It reports
// false when runner no longer held it.
func (q q) RequeueJob(ctx context.Context, id int64, runner string) (bool, error) {
	res, err := q.exec(ctx, "UPDATE jobs SET state = ?, runner = '', ticket = NULL WHERE id = ? AND state = ? AND runner = ?",
		JobQueued, id, JobRunning, runner)
	return affected(res, err)
}

// RequestJobCancel asks for a job to be cancelled: a queued job is
// cancelled at once, a running one is flagged for its runner. It reports
// the job's state after the request.
func (tx *Tx) RequestJobCancel(ctx context.Context, id int64, at string) (string, error) {
	if _, err := tx.exec(ctx, "UPDATE jobs SET state = ?, cancel_requested = 1, finished_at = ? WHERE id = ? AND state = ?", JobCancelled, at, id, JobQueued); err != nil {
		return "", err
	}
	if _, err := tx.exec(ctx, "UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = ?", id, JobRunning); err != nil {
		return "", err
	}
	var state string
	err := tx.queryRow(ctx, "SELECT state FROM jobs WHERE id = ?", id).Scan(&state)
	return state, err
}

func affected(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// HandOffJob passes a running job from its runner to another (a job the
// engine carries on in parts). It reports false when from no longer held
// it.
func (tx *Tx) HandOffJob(ctx context.Context, id int64, from, to, at string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE jobs SET runner = ?, heartbeat_at = ? WHERE id = ? AND state = ? AND runner = ?", to, at, id, JobRunning, from)
	return affected(res, err)
}

// RetryJob puts a job that failed or was cancelled back in the queue,
// with its error, result and cancel request cleared. It reports false when
// the job had not ended so.
func (tx *Tx) RetryJob(ctx context.Context, id int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE jobs SET state = ?, error = '', result = '', cancel_requested = 0, finished_at = '', runner = '', ticket = NULL
		WHERE id = ? AND state IN (?, ?)`, JobQueued, id, JobFailed, JobCancelled)
	return affected(res, err)
}
