package job

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
)

// ticketWorker is River's worker: it runs the job a ticket names.
type ticketWorker struct {
	river.WorkerDefaults[ticket]
	m *Manager
}

var (
	errCancelRequested = errors.New("cancel requested")
	errLost            = errors.New("job taken over by another runner")
)

// Work claims the job, runs it as its submitter with a heartbeat, and ends
// it. It returns nil whatever the job's outcome: the outcome is the job
// row's; the ticket is done once it has been handled.
func (w *ticketWorker) Work(ctx context.Context, t *river.Job[ticket]) error {
	m := w.m
	id := t.Args.Job
	ok, err := m.runner.Claim(ctx, id, m.id)
	if err != nil {
		return fmt.Errorf("claim job %d: %w", id, err)
	}
	if !ok {
		return nil // cancelled, ended, or another runner has it
	}
	rec, err := m.runner.Load(ctx, id)
	if err != nil {
		return fmt.Errorf("load job %d: %w", id, err)
	}
	run := m.kinds[rec.Kind]
	pr := newProgress()
	workCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var wg sync.WaitGroup
	wg.Go(func() { m.heartbeat(workCtx, id, pr, stop) })

	var result any
	if run == nil {
		err = fmt.Errorf("job kind %q: this vibora cannot run it", rec.Kind)
	} else {
		m.log.Info("job started", "job", id, "kind", rec.Kind, "case", rec.Case, "principal", rec.Principal.ID)
		result, err = run(access.NewContext(workCtx, rec.Principal), m, rec, pr)
	}
	cause := context.Cause(workCtx)
	stop(nil)
	wg.Wait()

	// Ending the job must happen even when the engine is stopping.
	end := context.WithoutCancel(ctx)
	state, msg := store.JobDone, ""
	switch {
	case errors.Is(err, errHandedOff):
		return nil
	case errors.Is(cause, errLost):
		m.log.Warn("job lost to another runner", "job", id)
		return nil
	case err == nil:
	case errors.Is(cause, errCancelRequested) || m.cancelRequested(end, id):
		state, msg = store.JobCancelled, "cancelled"
	case ctx.Err() != nil:
		// The engine is stopping (the server shuts down): the job goes
		// back to the queue and resumes when a server serves again.
		if ok, rerr := m.runner.Requeue(end, id, m.id); rerr != nil || !ok {
			m.log.Warn("job requeue at shutdown", "job", id, "err", rerr)
		} else {
			m.log.Info("job requeued at shutdown", "job", id)
		}
		return nil
	default:
		state, msg = store.JobFailed, err.Error()
	}
	if ok, ferr := m.runner.Finish(end, id, m.id, state, pr.snapshot(), result, msg); ferr != nil {
		return fmt.Errorf("finish job %d: %w", id, ferr)
	} else if !ok {
		m.log.Warn("job ended after another runner took it over", "job", id)
		return nil
	}
	m.log.Info("job ended", "job", id, "kind", rec.Kind, "state", state)
	if rec.Upload != "" {
		m.releaseUpload(end, rec.Upload, id)
	}
	return nil
}

func (m *Manager) cancelRequested(ctx context.Context, id int64) bool {
	rec, err := m.runner.Load(ctx, id)
	return err == nil && rec.CancelRequested
}

// heartbeat records the job's progress and that its runner is alive,
// every HeartbeatEvery, until ctx ends; it stops the job when a cancel is
// requested or another runner took the job over.
func (m *Manager) heartbeat(ctx context.Context, id int64, pr *progress, stop context.CancelCauseFunc) {
	t := time.NewTicker(m.cfg.HeartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		held, cancel, err := m.runner.Heartbeat(ctx, id, m.id, pr.snapshot())
		switch {
		case err != nil:
			if ctx.Err() == nil {
				m.log.Warn("job heartbeat", "job", id, "err", err)
			}
		case !held:
			stop(errLost)
			return
		case cancel:
			stop(errCancelRequested)
			return
		}
	}
}

// progress counts a running job's work for its reports.
type progress struct {
	start                  time.Time
	files, bytes           atomic.Int64
	filesTotal, bytesTotal atomic.Int64
}

func newProgress() *progress { return &progress{start: time.Now()} }

// snapshot is the report: counts, rates and, when a total is known, the
// time left at the rate so far.
func (p *progress) snapshot() *investigation.JobProgress {
	el := time.Since(p.start).Seconds()
	s := &investigation.JobProgress{Files: p.files.Load(), Bytes: p.bytes.Load(), FilesTotal: p.filesTotal.Load(),
		BytesTotal: p.bytesTotal.Load(), ElapsedSeconds: round(el)}
	if el > 0 {
		s.FilesPerSecond, s.BytesPerSecond = round(float64(s.Files)/el), round(float64(s.Bytes)/el)
	}
	var eta float64
	switch {
	case s.BytesTotal > 0 && s.BytesPerSecond > 0:
		eta = float64(max(s.BytesTotal-s.Bytes, 0)) / s.BytesPerSecond
	case s.FilesTotal > 0 && s.FilesPerSecond > 0:
		eta = float64(max(s.FilesTotal-s.Files, 0)) / s.FilesPerSecond
	default:
		return s
	}
	eta = round(eta)
	s.ETASeconds = &eta
	return s
}

func round(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
