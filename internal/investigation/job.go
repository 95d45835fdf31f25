package investigation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/store"
)

// Job kinds: the long use cases a server runs in the background
// (internal/job runs them).
const (
	JobIngest      = "ingest"       // Ingest of paths under an evidence root
	JobBankImport  = "bank_import"  // ImportBank of an uploaded list
	JobChatImport  = "chat_import"  // ImportChat of an uploaded export
	JobStealerScan = "stealer_scan" // ScanStealer of uploaded logs
	JobVerify      = "verify"       // Verify of an exhibit's sources
)

// JobKinds lists every job kind.
var JobKinds = []string{JobIngest, JobBankImport, JobChatImport, JobStealerScan, JobVerify}

// JobStates lists the states a job shows, in the order it goes through them.
var JobStates = []string{store.JobQueued, store.JobRunning, store.JobDone, store.JobFailed, store.JobCancelled}

// Job is a background job as the API shows it.
type Job struct {
	ID     int64           `json:"id"`
	Kind   string          `json:"kind"`
	Case   string          `json:"case,omitempty"`
	State  string          `json:"state"`
	Params json.RawMessage `json:"params"`
	// Progress is the last report of a running (or ended) job: nil
	// before the first.
	Progress *JobProgress `json:"progress,omitempty"`
	// Result is the use case's report, as its command prints it with
	// --json (IngestReport, BankImportResult, ChatImportReport,
	// StealerScanReport, VerifyReport).
	Result          json.RawMessage `json:"result,omitempty"`
	Error           string          `json:"error,omitempty"`
	SubmittedBy     string          `json:"submitted_by"`
	CancelRequested bool            `json:"cancel_requested,omitempty"`
	Attempts        int             `json:"attempts"`
	CreatedAt       string          `json:"created_at"`
	StartedAt       string          `json:"started_at,omitempty"`
	FinishedAt      string          `json:"finished_at,omitempty"`
}

// JobProgress is how far a job got. Totals are known only for some kinds
// (ingest counts the files on disk, growing as archives are opened; a bank
// import knows the file size); the ETA is estimated from them.
type JobProgress struct {
	Files          int64    `json:"files"`
	FilesTotal     int64    `json:"files_total,omitempty"`
	Bytes          int64    `json:"bytes"`
	BytesTotal     int64    `json:"bytes_total,omitempty"`
	FilesPerSecond float64  `json:"files_per_second"`
	BytesPerSecond float64  `json:"bytes_per_second"`
	ElapsedSeconds float64  `json:"elapsed_seconds"`
	ETASeconds     *float64 `json:"eta_seconds,omitempty"`
}

// JobSubmission is a job to queue.
type JobSubmission struct {
	Kind   string
	Case   string // the case it works on ("" for a bank import)
	Params any    // the kind's parameters, stored as JSON
	Upload string // the spool directory of its uploaded files, if any
	// Enqueue, when set, hands the job to a job engine inside the
	// transaction that records it (the engine's row and ours commit
	// together, or neither does) and returns the engine's ticket.
	Enqueue func(ctx context.Context, tx *sql.Tx, job int64) (ticket int64, err error)
}

func jobView(j store.Job) Job {
	v := Job{ID: j.ID, Kind: j.Kind, Case: j.Case, State: j.State, Params: json.RawMessage(j.Params), Error: j.Error,
		SubmittedBy: j.SubmittedBy, CancelRequested: j.CancelRequested && !j.Final(), Attempts: j.Attempts,
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, FinishedAt: j.FinishedAt}
	if j.Progress != "" {
		var p JobProgress
		if json.Unmarshal([]byte(j.Progress), &p) == nil {
			v.Progress = &p
		}
	}
	if j.Result != "" {
		v.Result = json.RawMessage(j.Result)
	}
	return v
}

// SubmitJob queues a job that will act as the call's principal. The
// principal needs write access to the job's case (or to banks, for a job
// of no case). The job row and its audit record are one transaction; a job
// engine picks the row up (internal/job).
func (s *Service) SubmitJob(ctx context.Context, sub JobSubmission) (Job, error) {
	if !slices.Contains(JobKinds, sub.Kind) {
		return Job{}, fmt.Errorf("job kind %q: %w", sub.Kind, ErrInvalid)
	}
	p, err := s.principal(ctx)
	if err != nil {
		return Job{}, err
	}
	j := store.Job{Kind: sub.Kind, SubmittedBy: p.Name, Upload: sub.Upload, CreatedAt: s.timestamp()}
	if sub.Case != "" {
		c, err := s.caseFor(ctx, sub.Case, access.Write)
		if err != nil {
			return Job{}, err
		}
		j.CaseID, j.Case, j.Agency = c.ID, c.Name, c.Agency
	} else if err := s.check(ctx, access.Bank, access.Write); err != nil {
		return Job{}, err
	}
	params, err := json.Marshal(sub.Params)
	if err != nil {
		return Job{}, fmt.Errorf("job parameters: %w", err)
	}
	principal, err := json.Marshal(p)
	if err != nil {
		return Job{}, err
	}
	j.Params, j.Principal = string(params), string(principal)
	ch := &change{action: "job.submit", detail: map[string]any{"kind": j.Kind, "case": j.Case, "params": json.RawMessage(params)}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertJob(ctx, &j); err != nil {
			return err
		}
		ch.object = fmt.Sprintf("job:%d", j.ID)
		if sub.Enqueue == nil {
			return nil
		}
		ticket, err := sub.Enqueue(ctx, tx.SQL(), j.ID)
		if err != nil {
			return fmt.Errorf("queue job %d: %w", j.ID, err)
		}
		j.Ticket = ticket
		return tx.SetJobTicket(ctx, j.ID, ticket)
	})
	return jobView(j), err
}

// jobFor loads a job the call's principal may see (read) or act on
// (write): a job of a case goes with the case, through caseFor; a job of no
// case (a bank import) is for those who may change banks. A job the
// principal may not see is not found.
func (s *Service) jobFor(ctx context.Context, id int64, perm access.Permission) (store.Job, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return store.Job{}, err
	}
	j, err := s.db.JobByID(ctx, id)
	if err != nil {
		return j, err
	}
	if j.CaseID != 0 {
		if _, err := s.caseFor(ctx, j.Case, perm); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return j, fmt.Errorf("job %d: %w", id, store.ErrNotFound)
			}
			return j, fmt.Errorf("job %d: %w", id, err)
		}
		return j, nil
	}
	if !p.Allows(access.Bank, access.Write, "") {
		return j, fmt.Errorf("job %d: %w", id, store.ErrNotFound)
	}
	return j, nil
}

// Job returns a job the principal may see.
func (s *Service) Job(ctx context.Context, id int64) (Job, error) {
	j, err := s.jobFor(ctx, id, access.Read)
	if err != nil {
		return Job{}, err
	}
	return jobView(j), nil
}

// JobFilter narrows a job list.
type JobFilter struct {
	Case   string // one case ("": every case the principal may read)
	State  string // one state ("": any)
	Kind   string // one kind ("": any)
	Before int64  // jobs with smaller ids (the cursor; 0: newest first)
	Limit  int    // at most this many (0: 100)
}

// Jobs lists the jobs the principal may see, newest first. The list is
// filtered in SQL: jobs of the cases the principal may read (as Cases
// selects them: its agency's, shared with it, or of which it is a member)
// and, for those who may change banks, jobs of no case.
func (s *Service) Jobs(ctx context.Context, f JobFilter) ([]Job, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	if f.State != "" && !slices.Contains(JobStates, f.State) {
		return nil, fmt.Errorf("job state %q: %w", f.State, ErrInvalid)
	}
	if f.Kind != "" && !slices.Contains(JobKinds, f.Kind) {
		return nil, fmt.Errorf("job kind %q: %w", f.Kind, ErrInvalid)
	}
	sf := store.JobFilter{Cases: caseVisibility(p), Kind: f.Kind, Before: f.Before, Limit: f.Limit}
	if f.State != "" {
		sf.States = []string{f.State}
	}
	if f.Case != "" {
		c, err := s.caseFor(ctx, f.Case, access.Read)
		if err != nil {
			return nil, err
		}
		sf.CaseID = c.ID
	} else {
		sf.NoCase = p.Allows(access.Bank, access.Write, "")
	}
	rows, err := s.db.Jobs(ctx, sf)
	if err != nil {
		return nil, err
	}
	out := make([]Job, len(rows))
	for i, j := range rows {
		out[i] = jobView(j)
	}
	return out, nil
}

// CancelJob asks for a job to stop: a queued job is cancelled at once; a
// running one is flagged, and its runner stops it (through its context)
// and marks it cancelled. Cancelling a job that has ended changes nothing.
func (s *Service) CancelJob(ctx context.Context, id int64) (Job, error) {
	j, err := s.jobFor(ctx, id, access.Write)
	if err != nil {
		return Job{}, err
	}
	if j.Final() {
		return jobView(j), nil
	}
	ch := &change{action: "job.cancel", object: fmt.Sprintf("job:%d", id), before: j.State}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		state, err := tx.RequestJobCancel(ctx, id, s.timestamp())
		ch.after, ch.detail = state, map[string]any{"kind": j.Kind, "case": j.Case, "was": j.State}
		return err
	})
	if err != nil {
		return Job{}, err
	}
	j, err = s.db.JobByID(ctx, id)
	return jobView(j), err
}

// RetryJob puts a job that failed or was cancelled back in the queue, to
// run again as its submitter; enqueue hands it to the job engine in the
// same transaction (see JobSubmission.Enqueue). The principal needs write
// access to the job. A job of uploaded files cannot run again (its files
// are removed when it ends): it is submitted again instead.
func (s *Service) RetryJob(ctx context.Context, id int64, enqueue func(ctx context.Context, tx *sql.Tx, job int64) (int64, error)) (Job, error) {
	j, err := s.jobFor(ctx, id, access.Write)
	if err != nil {
		return Job{}, err
	}
	if j.State != store.JobFailed && j.State != store.JobCancelled {
		return Job{}, fmt.Errorf("job %d is %s: only a failed or cancelled job is retried: %w", id, j.State, ErrInvalid)
	}
	if j.Upload != "" {
		return Job{}, fmt.Errorf("job %d: its uploaded files were removed when it ended; submit them again: %w", id, ErrInvalid)
	}
	ch := &change{action: "job.retry", object: fmt.Sprintf("job:%d", id), before: j.State, after: store.JobQueued,
		detail: map[string]any{"kind": j.Kind, "case": j.Case, "was": j.State, "error": j.Error}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		ok, err := tx.RetryJob(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("job %d changed meanwhile: %w", id, ErrInvalid)
		}
		ticket, err := enqueue(ctx, tx.SQL(), id)
		if err != nil {
			return fmt.Errorf("queue job %d: %w", id, err)
		}
		return tx.SetJobTicket(ctx, id, ticket)
	})
	if err != nil {
		return Job{}, err
	}
	j, err = s.db.JobByID(ctx, id)
	return jobView(j), err
}

// JobRecord is a job as its runner needs it.
type JobRecord struct {
	Job
	Principal access.Principal
	Upload    string
	Ticket    int64
	Runner    string
	// Heartbeat is when the runner last said it was alive (zero: never).
	Heartbeat time.Time
}

// JobRunner is the job engine's side of the jobs: it claims, reports on
// and ends jobs on behalf of the principals that submitted them. It makes
// no access checks (the submission did) and is for internal/job only.
type JobRunner struct{ s *Service }

// JobRunner returns the job engine's side of the jobs.
func (s *Service) JobRunner() JobRunner { return JobRunner{s} }

func jobRecord(j store.Job) (JobRecord, error) {
	r := JobRecord{Job: jobView(j), Upload: j.Upload, Ticket: j.Ticket, Runner: j.Runner}
	r.CancelRequested = j.CancelRequested
	if err := json.Unmarshal([]byte(j.Principal), &r.Principal); err != nil {
		return r, fmt.Errorf("job %d: principal: %w", j.ID, err)
	}
	if j.HeartbeatAt != "" {
		r.Heartbeat, _ = time.Parse(audit.TimeFormat, j.HeartbeatAt)
	}
	return r, nil
}

// Load returns a job.
func (r JobRunner) Load(ctx context.Context, id int64) (JobRecord, error) {
	j, err := r.s.db.JobByID(ctx, id)
	if err != nil {
		return JobRecord{}, err
	}
	return jobRecord(j)
}

// Unfinished lists the queued and running jobs, oldest first.
func (r JobRunner) Unfinished(ctx context.Context) ([]JobRecord, error) {
	rows, err := r.s.db.UnfinishedJobs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]JobRecord, 0, len(rows))
	for _, j := range rows {
		rec, err := jobRecord(j)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// SetTicket records the engine ticket that will run a queued job.
func (r JobRunner) SetTicket(ctx context.Context, id, ticket int64) error {
	return r.s.db.SetJobTicket(ctx, id, ticket)
}

// Claim makes runner the one working a queued job; false when the job is
// not queued (another runner has it, it ended, or a cancel was asked).
func (r JobRunner) Claim(ctx context.Context, id int64, runner string) (bool, error) {
	return r.s.db.ClaimJob(ctx, id, runner, r.s.timestamp())
}

// Heartbeat records that runner still works the job and its progress (nil
// keeps the last). It reports whether runner still holds the job and
// whether a cancel was asked.
func (r JobRunner) Heartbeat(ctx context.Context, id int64, runner string, p *JobProgress) (held, cancel bool, err error) {
	return r.s.db.HeartbeatJob(ctx, id, runner, r.s.timestamp(), progressJSON(p))
}

// Finish ends a job runner holds: state is done, failed or cancelled;
// result is the use case's report (nil for none). It reports false when
// runner no longer held the job.
func (r JobRunner) Finish(ctx context.Context, id int64, runner, state string, p *JobProgress, result any, errMsg string) (bool, error) {
	if !slices.Contains([]string{store.JobDone, store.JobFailed, store.JobCancelled}, state) {
		return false, fmt.Errorf("finish job %d as %q: %w", id, state, ErrInvalid)
	}
	var res string
	if result != nil {
		b, err := json.Marshal(result)
		if err != nil {
			return false, fmt.Errorf("job %d result: %w", id, err)
		}
		res = string(b)
	}
	return r.s.db.FinishJob(ctx, id, runner, state, progressJSON(p), res, errMsg, r.s.timestamp())
}

// Requeue puts a job runner held back in the queue (its runner stopped or
// died before it ended).
func (r JobRunner) Requeue(ctx context.Context, id int64, runner string) (bool, error) {
	return r.s.db.RequeueJob(ctx, id, runner)
}

// UploadInUse reports whether a job other than except that has not ended
// uses the upload.
func (r JobRunner) UploadInUse(ctx context.Context, upload string, except int64) (bool, error) {
	return r.s.db.UploadInUse(ctx, upload, except)
}

// Uploads lists the uploads of the jobs that have not ended.
func (r JobRunner) Uploads(ctx context.Context) (map[string]bool, error) {
	return r.s.db.Uploads(ctx)
}

func progressJSON(p *JobProgress) string {
	if p == nil {
		return ""
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// CheckJobSubmission reports whether the call's principal may submit a job
// on the case ("" for a job of no case, a bank import), before anything is
// uploaded for it.
func (s *Service) CheckJobSubmission(ctx context.Context, caseName string) error {
	if caseName != "" {
		_, err := s.caseFor(ctx, caseName, access.Write)
		return err
	}
	return s.check(ctx, access.Bank, access.Write)
}

// DSN is the DSN of the service's store: the job engine keeps its queue
// in the same database.
func (s *Service) DSN() string { return s.db.DSN() }

// CheckQueues reports whether the call's principal may see the job
// engine's queues: they hold every agency's jobs, so they are for those
// who may read the store-wide audit trail (the hub's administrators).
func (s *Service) CheckQueues(ctx context.Context) error {
	return s.check(ctx, access.Audit, access.Read)
}
