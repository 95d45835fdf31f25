package job

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
)

// An ingest fans out when its evidence has more than one part: the job's
// runner plans the parts (a walk that reads no file), then, in one
// transaction, records the ingest, queues a part job per part (QueueHash)
// and a finish job (QueueIngest), and hands the job row to the finish job
// (runner "river:ID"). Any worker runs any part: it reads the part's
// files from the shared evidence root and stores them under the ingest,
// idempotently (a file already stored for the exhibit, by any attempt, is
// skipped), so a part retried after its worker died stores nothing twice.
// The finish job waits (snoozing) until every part is done, reporting the
// job's progress, then completes the exhibit: counts, manifest, custody.

// partArgs is a part job: one part of a job's ingest.
type partArgs struct {
	Job  int64                    `json:"job"`
	Part investigation.IngestPart `json:"part"`
}

func (partArgs) Kind() string { return "vibora.ingest_part" }

// finishArgs is the job that completes a fanned-out ingest.
type finishArgs struct {
	Job    int64   `json:"job"`
	Ingest int64   `json:"ingest"`
	Parts  []int64 `json:"parts"` // the part jobs' engine ids
	Files  int64   `json:"files"` // files on disk planned
	Bytes  int64   `json:"bytes"`
}

func (finishArgs) Kind() string { return "vibora.ingest_finish" }

// errHandedOff ends a ticket whose job goes on in part jobs.
var errHandedOff = errors.New("job handed to its parts")

// riverRunner names the engine job that carries a job row.
const riverRunner = "river:"

// fanOut plans the ingest's parts and, when there is more than one,
// starts them and hands the job over (errHandedOff).
func (m *Manager) fanOut(ctx context.Context, rec investigation.JobRecord, opt investigation.IngestOptions, pr *progress) error {
	parts, err := investigation.PlanIngest(ctx, opt.Paths, m.cfg.PartFiles, m.cfg.PartBytes)
	if err != nil || len(parts) <= 1 {
		return err
	}
	var files, bytes int64
	for _, p := range parts {
		files += int64(p.Files)
		bytes += p.Bytes
	}
	pr.filesTotal.Store(files)
	_, err = m.runner.StartIngest(ctx, rec, m.id, opt, len(parts), func(ctx context.Context, tx *sql.Tx, ingest int64) (string, error) {
		ps := make([]river.InsertManyParams, len(parts))
		for i := range parts {
			parts[i].Ingest = ingest
			ps[i] = river.InsertManyParams{Args: partArgs{Job: rec.ID, Part: parts[i]},
				InsertOpts: &river.InsertOpts{Queue: QueueHash, MaxAttempts: 5}}
		}
		res, err := m.eng.insertManyTx(ctx, tx, ps)
		if err != nil {
			return "", err
		}
		fin := finishArgs{Job: rec.ID, Ingest: ingest, Files: files, Bytes: bytes}
		for _, r := range res {
			fin.Parts = append(fin.Parts, r.Job.ID)
		}
		f, err := m.eng.insertTx(ctx, tx, fin, &river.InsertOpts{Queue: QueueIngest, MaxAttempts: 5})
		if err != nil {
			return "", err
		}
		return riverRunner + strconv.FormatInt(f.Job.ID, 10), nil
	})
	if err != nil {
		return err
	}
	m.log.Info("ingest fanned out", "job", rec.ID, "parts", len(parts), "files", files, "bytes", bytes)
	return errHandedOff
}

// ingestOptions are the options of an ingest job's runs, with the
// manager's adjustments.
func (m *Manager) ingestOptions(rec investigation.JobRecord) (investigation.IngestOptions, IngestParams, error) {
	var p IngestParams
	if err := json.Unmarshal(rec.Params, &p); err != nil {
		return investigation.IngestOptions{}, p, fmt.Errorf("ingest parameters: %w", err)
	}
	abs := make([]string, len(p.Paths))
	for i, path := range p.Paths {
		a, err := m.roots.Resolve(path)
		if err != nil {
			return investigation.IngestOptions{}, p, err
		}
		abs[i] = a
	}
	opt := investigation.IngestOptions{Exhibit: p.Exhibit, Paths: abs,
		Reason: fmt.Sprintf("job %d: ingested %s", rec.ID, strings.Join(p.Paths, ", "))}
	if m.cfg.Ingest != nil {
		m.cfg.Ingest(&opt)
	}
	return opt, p, nil
}

// partWorker runs one part of an ingest.
type partWorker struct {
	river.WorkerDefaults[partArgs]
	m *Manager
}

// Timeout bounds a part's run: past it, the engine's rescuer takes the
// part's worker for dead (killed, cut off) and gives the part to another.
func (w *partWorker) Timeout(*river.Job[partArgs]) time.Duration { return w.m.cfg.RescueAfter }

func (w *partWorker) Work(ctx context.Context, t *river.Job[partArgs]) error {
	m := w.m
	rec, err := m.runner.Load(ctx, t.Args.Job)
	if err != nil {
		return fmt.Errorf("load job %d: %w", t.Args.Job, err)
	}
	if rec.State != store.JobRunning || rec.CancelRequested {
		return nil // cancelled or ended: the finish job accounts for it
	}
	opt, _, err := m.ingestOptions(rec)
	if err != nil {
		return err
	}
	part := t.Args.Part
	if !slices.Contains(opt.Paths, part.Root) {
		return fmt.Errorf("ingest part %d: root %s is not one of the job's paths", part.Index, part.Root)
	}
	opt.Paths, opt.Part, opt.Attempt = []string{part.Root}, &part, t.Attempt
	workCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	go m.watchCancel(workCtx, rec.ID, stop)
	_, err = m.svc.Ingest(access.NewContext(workCtx, rec.Principal), rec.Case, opt)
	if errors.Is(context.Cause(workCtx), errCancelRequested) {
		return nil
	}
	if err != nil {
		m.log.Warn("ingest part failed", "job", rec.ID, "part", part.Index, "attempt", t.Attempt, "err", err)
	}
	return err
}

// watchCancel stops a part when its job is cancelled or ends.
func (m *Manager) watchCancel(ctx context.Context, id int64, stop context.CancelCauseFunc) {
	t := time.NewTicker(m.cfg.HeartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rec, err := m.runner.Load(ctx, id)
		if err == nil && (rec.CancelRequested || rec.State != store.JobRunning) {
			stop(errCancelRequested)
			return
		}
	}
}

// finishWorker completes a fanned-out ingest once its parts are done.
type finishWorker struct {
	river.WorkerDefaults[finishArgs]
	m *Manager
}

// Timeout: see partWorker.Timeout.
func (w *finishWorker) Timeout(*river.Job[finishArgs]) time.Duration { return w.m.cfg.RescueAfter }

func (w *finishWorker) Work(ctx context.Context, t *river.Job[finishArgs]) error {
	m := w.m
	a := t.Args
	runner := riverRunner + strconv.FormatInt(t.ID, 10)
	rec, err := m.runner.Load(ctx, a.Job)
	if err != nil {
		return fmt.Errorf("load job %d: %w", a.Job, err)
	}
	if rec.State != store.JobRunning || rec.Runner != runner {
		return nil // ended, or no longer ours
	}
	opt, p, err := m.ingestOptions(rec)
	if err != nil {
		return m.endFanOut(ctx, rec, runner, p.Exhibit, a, store.JobFailed, err.Error())
	}
	as := access.NewContext(ctx, rec.Principal)
	if rec.CancelRequested {
		for _, id := range a.Parts {
			if _, err := m.eng.JobCancel(ctx, id); err != nil && !errors.Is(err, river.ErrNotFound) {
				m.log.Warn("cancel ingest part", "job", a.Job, "part", id, "err", err)
			}
		}
		return m.endFanOut(as, rec, runner, p.Exhibit, a, store.JobCancelled, "cancelled")
	}
	done, failed, err := m.partStates(ctx, a.Parts)
	if err != nil {
		return err
	}
	files, bytes, err := m.runner.IngestStored(ctx, a.Ingest)
	if err != nil {
		return err
	}
	pr := fanProgress(rec, files, bytes, a)
	if failed != "" {
		return m.endFanOut(as, rec, runner, p.Exhibit, a, store.JobFailed, failed)
	}
	if done < len(a.Parts) {
		if _, _, err := m.runner.Heartbeat(ctx, a.Job, runner, pr); err != nil {
			return err
		}
		return river.JobSnooze(m.cfg.HeartbeatEvery)
	}
	rep, err := m.svc.CompleteIngest(as, rec.Case, opt, a.Ingest)
	if err != nil {
		return err // retried
	}
	if ok, err := m.runner.Finish(ctx, a.Job, runner, store.JobDone, pr, rep, ""); err != nil {
		return err
	} else if ok {
		m.log.Info("job ended", "job", a.Job, "kind", rec.Kind, "state", store.JobDone, "parts", len(a.Parts))
	}
	return nil
}

// endFanOut ends a fanned-out ingest that will not complete.
func (m *Manager) endFanOut(ctx context.Context, rec investigation.JobRecord, runner, exhibit string, a finishArgs, state, msg string) error {
	status := "failed"
	if state == store.JobCancelled {
		status = "cancelled"
	}
	if err := m.svc.StopIngest(ctx, rec.Case, exhibit, a.Ingest, status); err != nil {
		m.log.Warn("stop ingest", "job", a.Job, "err", err)
	}
	files, bytes, _ := m.runner.IngestStored(ctx, a.Ingest)
	_, err := m.runner.Finish(context.WithoutCancel(ctx), a.Job, runner, state, fanProgress(rec, files, bytes, a), nil, msg)
	m.log.Info("job ended", "job", a.Job, "kind", rec.Kind, "state", state)
	return err
}

// partStates counts the parts done and returns the error of a part that
// failed for good ("" when none has).
func (m *Manager) partStates(ctx context.Context, ids []int64) (done int, failed string, err error) {
	for chunk := range slices.Chunk(ids, 1000) {
		res, err := m.eng.JobList(ctx, river.NewJobListParams().IDs(chunk...).First(len(chunk)))
		if err != nil {
			return 0, "", err
		}
		if len(res.Jobs) != len(chunk) {
			return 0, "", fmt.Errorf("ingest parts: %d of %d found in the queue", len(res.Jobs), len(chunk))
		}
		for _, j := range res.Jobs {
			switch j.State {
			case rivertype.JobStateCompleted:
				done++
			case rivertype.JobStateDiscarded, rivertype.JobStateCancelled:
				msg := string(j.State)
				if n := len(j.Errors); n > 0 {
					msg = j.Errors[n-1].Error
				}
				return done, fmt.Sprintf("ingest part (engine job %d) %s after %d attempts: %s", j.ID, j.State, j.Attempt, msg), nil
			}
		}
	}
	return done, "", nil
}

func fanProgress(rec investigation.JobRecord, files, bytes int64, a finishArgs) *investigation.JobProgress {
	p := &progress{start: time.Now()}
	if t, err := time.Parse(audit.TimeFormat, rec.StartedAt); err == nil {
		p.start = t
	}
	p.files.Store(files)
	p.bytes.Store(bytes)
	p.filesTotal.Store(max(a.Files, files))
	p.bytesTotal.Store(max(a.Bytes, bytes))
	return p.snapshot()
}
