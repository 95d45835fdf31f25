// Package job runs Vibora's long use cases in the background for a
// server: ingest of evidence under the configured evidence roots, bank
// import, chat import and stealer scan of uploaded files, and verification
// of an exhibit. One file per kind holds what the kind does.
//
// A job is a row of the store (investigation.Job: kind, case, state,
// progress, result, error, who submitted it), written and read through
// internal/investigation, which checks access: a job goes with its case.
// The engine is River (riverqueue/river) on the store's own database,
// SQLite or PostgreSQL; a River job is only a ticket naming our row. The
// worker claims the row (queued -> running, one runner only), runs the use
// case acting as the principal that submitted the job, reports progress
// and a heartbeat, and ends the row as done, failed or cancelled.
//
// Nothing is lost or done twice when a process dies: a running row whose
// runner is gone (its process no longer exists on this host, or its
// heartbeat is stale) is put back in the queue and run again; the use
// cases are idempotent (ingest skips the files already stored). A server
// that shuts down puts its running jobs back in the queue the same way.
package job

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
)

// The queues jobs wait in, by what they need: QueueIngest for ingests
// (the evidence roots), QueueHash for the chunks an ingest fans out into
// and for verification (evidence roots and CPU), QueueMatch for matching
// work, QueueImport for the imports of uploads (the server's spool
// directory).
const (
	QueueIngest = "ingest"
	QueueHash   = "hash"
	QueueMatch  = "match"
	QueueImport = "import"
)

// Queues lists every queue.
var Queues = []string{QueueIngest, QueueHash, QueueMatch, QueueImport}

// QueueOf is the queue of a job kind.
func QueueOf(kind string) string {
	switch kind {
	case investigation.JobIngest:
		return QueueIngest
	case investigation.JobVerify:
		return QueueHash
	}
	return QueueImport
}

// Config configures a Manager.
type Config struct {
	// DSN names the store (a SQLite path or a postgres:// DSN); the
	// engine's queue lives in the same database. Empty: the service's.
	DSN string
	// EvidenceRoots are the directories ingest jobs may read.
	EvidenceRoots []string
	// SpoolDir keeps uploaded files until their job ends.
	SpoolDir string
	// ReceivedDir keeps the uploaded files that become evidence (chat
	// exports), read-only and named by the upload's digest, so that a later
	// verify re-reads what was imported. Empty: "received" next to SpoolDir.
	// It belongs with the evidence: on a durable, backed-up disk.
	ReceivedDir string
	// MaxUpload caps the bytes of one job's uploads (0: DefaultMaxUpload).
	MaxUpload int64
	// Workers is how many jobs of each queue run at once in this process
	// (0: 2; negative: none, the jobs run in worker processes: vibora
	// worker).
	Workers int
	// Queues are the queues this process works (nil: every queue; see
	// Queues). A worker that cannot see the server's spool directory
	// leaves out QueueImport.
	Queues []string
	// RescueAfter is how long a chunk of an ingest may run before the
	// engine takes its worker for dead and gives the chunk to another
	// (0: 1 h).
	RescueAfter time.Duration
	// PartFiles and PartBytes bound the parts an ingest fans out into
	// (files on disk, bytes), so that any number of workers share it.
	// 0: 2,000 files and 4 GiB on PostgreSQL; no fan-out on SQLite, whose
	// single writer gains nothing from it.
	PartFiles int
	PartBytes int64
	// Ingest adjusts the options of every ingest a job runs (workers,
	// memory budget); nil keeps the defaults.
	Ingest func(*investigation.IngestOptions)
	Logger *slog.Logger

	// HeartbeatEvery is how often a running job records its progress and
	// that it is alive (0: 5 s); StaleAfter is how old a heartbeat may get
	// before its runner is taken for dead (0: 2 min); ReconcileEvery is how
	// often unfinished jobs are checked (0: 30 s).
	HeartbeatEvery time.Duration
	StaleAfter     time.Duration
	ReconcileEvery time.Duration
}

// Manager submits, runs, shows and cancels jobs.
type Manager struct {
	svc    *investigation.Service
	runner investigation.JobRunner
	cfg    Config
	log    *slog.Logger
	roots  *Roots
	spool  *spool
	eng    queue
	close  func()
	id     string // this runner: host:pid:token
	token  string
	kinds  map[string]runFunc
}

// runFunc does one kind of job: ctx carries the submitter's principal.
type runFunc func(ctx context.Context, m *Manager, rec investigation.JobRecord, pr *progress) (result any, err error)

// live holds the tokens of this process's running managers: a runner of
// this process whose token is not here is gone.
var live sync.Map

// New opens the job engine on the service's store (migrating River's
// tables) and returns a manager. Serve runs the jobs; a manager that is not
// serving can still submit, show and cancel them. Close releases it.
func New(ctx context.Context, svc *investigation.Service, cfg Config) (*Manager, error) {
	if cfg.DSN == "" {
		cfg.DSN = svc.DSN()
	}
	if cfg.Workers == 0 {
		cfg.Workers = 2
	}
	if cfg.Queues == nil {
		cfg.Queues = Queues
	}
	for _, q := range cfg.Queues {
		if !slices.Contains(Queues, q) {
			return nil, fmt.Errorf("job queue %q: not one of %s: %w", q, strings.Join(Queues, ", "), investigation.ErrInvalid)
		}
	}
	cfg.HeartbeatEvery = orDuration(cfg.HeartbeatEvery, 5*time.Second)
	cfg.StaleAfter = orDuration(cfg.StaleAfter, 2*time.Minute)
	cfg.ReconcileEvery = orDuration(cfg.ReconcileEvery, 30*time.Second)
	cfg.RescueAfter = orDuration(cfg.RescueAfter, time.Hour)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.SpoolDir == "" {
		return nil, errors.New("job engine: no spool directory")
	}
	if cfg.ReceivedDir == "" {
		cfg.ReceivedDir = filepath.Join(filepath.Dir(filepath.Clean(cfg.SpoolDir)), "received")
	}
	m := &Manager{svc: svc, runner: svc.JobRunner(), cfg: cfg, log: cfg.Logger, kinds: map[string]runFunc{
		investigation.JobIngest:      runIngest,
		investigation.JobBankImport:  runBankImport,
		investigation.JobChatImport:  runChatImport,
		investigation.JobStealerScan: runStealerScan,
		investigation.JobVerify:      runVerify,
	}}
	var b [8]byte
	rand.Read(b[:])
	m.token = hex.EncodeToString(b[:])
	host, _ := os.Hostname()
	m.id = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), m.token)
	var err error
	if m.roots, err = OpenRoots(cfg.EvidenceRoots); err != nil {
		return nil, err
	}
	if m.spool, err = newSpool(cfg.SpoolDir, cfg.MaxUpload); err != nil {
		m.roots.Close()
		return nil, err
	}
	if investigation.IsPostgres(cfg.DSN) || cfg.PartFiles > 0 || cfg.PartBytes > 0 {
		m.cfg.PartFiles, m.cfg.PartBytes = cmp.Or(cfg.PartFiles, 2000), cmp.Or(cfg.PartBytes, 4<<30)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &ticketWorker{m: m})
	river.AddWorker(workers, &partWorker{m: m})
	river.AddWorker(workers, &finishWorker{m: m})
	rcfg := &river.Config{
		Workers:              workers,
		JobTimeout:           -1, // an ingest takes as long as the evidence takes
		MaxAttempts:          1,  // a failure is the job's result; a dead runner is handled by reconcile
		RescueStuckJobsAfter: cfg.RescueAfter,
		Logger:               quiet(cfg.Logger),
	}
	if cfg.Workers > 0 {
		// Tickets queued by earlier versions are in River's default queue.
		rcfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
		for _, q := range cfg.Queues {
			rcfg.Queues[q] = river.QueueConfig{MaxWorkers: cfg.Workers}
		}
	}
	if m.eng, m.close, err = openEngine(ctx, cfg.DSN, rcfg); err != nil {
		m.roots.Close()
		return nil, err
	}
	return m, nil
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Close releases the engine's connections and the evidence roots.
func (m *Manager) Close() error {
	m.close()
	return m.roots.Close()
}

// Roots are the evidence roots jobs may read.
func (m *Manager) Roots() *Roots { return m.roots }

// Serve runs jobs until ctx ends (a manager with no workers runs none:
// it only keeps the queue in order, and worker processes run the jobs). It first puts back in the queue the jobs
// whose runner died and makes sure every queued job has a ticket, and does
// so again every ReconcileEvery. When ctx ends, the running jobs are
// stopped and put back in the queue, to resume when a server serves again.
func (m *Manager) Serve(ctx context.Context) error {
	live.Store(m.token, true)
	defer live.Delete(m.token)
	if inUse, err := m.runner.Uploads(ctx); err == nil {
		m.spool.sweep(inUse)
	}
	if err := m.reconcile(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	working := m.cfg.Workers > 0
	if working {
		if err := m.eng.Start(ctx); err != nil {
			return fmt.Errorf("job engine: %w", err)
		}
	}
	t := time.NewTicker(m.cfg.ReconcileEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if !working {
				return nil
			}
			stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if err := m.eng.StopAndCancel(stop); err != nil {
				return fmt.Errorf("job engine stop: %w", err)
			}
			return nil
		case <-t.C:
			if err := m.reconcile(ctx); err != nil && ctx.Err() == nil {
				m.log.Warn("job reconcile", "err", err)
			}
		}
	}
}

// reconcile makes sure every unfinished job will run: a running job whose
// runner is gone is put back in the queue, and a queued job without a
// live ticket gets one.
func (m *Manager) reconcile(ctx context.Context) error {
	recs, err := m.runner.Unfinished(ctx)
	if err != nil {
		return fmt.Errorf("unfinished jobs: %w", err)
	}
	for _, rec := range recs {
		if rec.State == store.JobRunning {
			if rec.Runner == m.id || !m.gone(ctx, rec) {
				continue
			}
			ok, err := m.runner.Requeue(ctx, rec.ID, rec.Runner)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			m.log.Info("job requeued: its runner is gone", "job", rec.ID, "runner", rec.Runner)
			rec.Ticket = 0
		}
		if rec.Ticket != 0 {
			row, err := m.eng.JobGet(ctx, rec.Ticket)
			if err == nil && !finalized(row.State) {
				continue
			}
		}
		if err := m.dispatch(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

func finalized(s rivertype.JobState) bool {
	return s == rivertype.JobStateCompleted || s == rivertype.JobStateCancelled || s == rivertype.JobStateDiscarded
}

// gone reports whether the runner of a running job is dead: a process of
// this host that no longer exists (or a manager of this process that
// stopped), a heartbeat older than StaleAfter, or an engine job that
// carried it and ended.
func (m *Manager) gone(ctx context.Context, rec investigation.JobRecord) bool {
	if id, ok := strings.CutPrefix(rec.Runner, riverRunner); ok {
		// Carried by an engine job (a fanned-out ingest's finish job):
		// gone once that job has ended without ending ours.
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return true
		}
		row, err := m.eng.JobGet(ctx, n)
		if errors.Is(err, river.ErrNotFound) {
			return true
		}
		return err == nil && finalized(row.State)
	}
	if !rec.Heartbeat.IsZero() && time.Since(rec.Heartbeat) > m.cfg.StaleAfter {
		return true
	}
	parts := strings.Split(rec.Runner, ":")
	if len(parts) != 3 {
		return rec.Heartbeat.IsZero()
	}
	host, _ := os.Hostname()
	pid, err := strconv.Atoi(parts[1])
	if parts[0] != host || err != nil {
		return false
	}
	if pid == os.Getpid() {
		_, ok := live.Load(parts[2])
		return !ok
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err != nil && err != syscall.EPERM
}

// dispatch gives a queued job without a live ticket a new one.
func (m *Manager) dispatch(ctx context.Context, rec investigation.JobRecord) error {
	res, err := m.eng.Insert(ctx, ticket{Job: rec.ID}, &river.InsertOpts{Queue: QueueOf(rec.Kind)})
	if err != nil {
		return fmt.Errorf("queue job %d: %w", rec.ID, err)
	}
	return m.runner.SetTicket(ctx, rec.ID, res.Job.ID)
}

// submit records a job and its ticket in one transaction: a job is never
// recorded without the ticket that runs it, nor a ticket queued for a job
// that was not recorded.
func (m *Manager) submit(ctx context.Context, sub investigation.JobSubmission) (investigation.Job, error) {
	sub.Enqueue = m.enqueue(sub.Kind)
	return m.svc.SubmitJob(ctx, sub)
}

// enqueue inserts a job's ticket inside the store's transaction.
func (m *Manager) enqueue(kind string) func(ctx context.Context, tx *sql.Tx, id int64) (int64, error) {
	opts := &river.InsertOpts{Queue: QueueOf(kind)}
	return func(ctx context.Context, tx *sql.Tx, id int64) (int64, error) {
		res, err := m.eng.insertTx(ctx, tx, ticket{Job: id}, opts)
		if err != nil {
			return 0, err
		}
		return res.Job.ID, nil
	}
}

// Retry puts a failed or cancelled job back in the queue, with a new
// ticket, in one transaction.
func (m *Manager) Retry(ctx context.Context, id int64) (investigation.Job, error) {
	j, err := m.svc.Job(ctx, id)
	if err != nil {
		return j, err
	}
	return m.svc.RetryJob(ctx, id, m.enqueue(j.Kind))
}

// Get returns a job the call's principal may see (investigation.ErrNotFound
// otherwise).
func (m *Manager) Get(ctx context.Context, id int64) (investigation.Job, error) {
	return m.svc.Job(ctx, id)
}

// List lists the jobs the call's principal may see, newest first.
func (m *Manager) List(ctx context.Context, f investigation.JobFilter) ([]investigation.Job, error) {
	return m.svc.Jobs(ctx, f)
}

// Cancel stops a job: a queued one at once, a running one through its
// context (wherever it runs: the engine tells its runner). Cancelling a job
// that has ended changes nothing.
func (m *Manager) Cancel(ctx context.Context, id int64) (investigation.Job, error) {
	j, err := m.svc.CancelJob(ctx, id)
	if err != nil {
		return j, err
	}
	rec, err := m.runner.Load(ctx, id)
	if err != nil {
		return j, err
	}
	if rec.Ticket != 0 && j.CancelRequested {
		if _, err := m.eng.JobCancel(ctx, rec.Ticket); err != nil && !errors.Is(err, river.ErrNotFound) {
			m.log.Warn("job cancel: engine", "job", id, "err", err)
		}
	}
	if j.State == store.JobCancelled && rec.Upload != "" {
		m.releaseUpload(ctx, rec.Upload, id)
	}
	return j, nil
}

// releaseUpload removes an upload no other unfinished job uses.
func (m *Manager) releaseUpload(ctx context.Context, upload string, job int64) {
	inUse, err := m.runner.UploadInUse(ctx, upload, job)
	if err != nil || inUse {
		return
	}
	if err := m.spool.remove(upload); err != nil {
		m.log.Warn("remove upload", "job", job, "err", err)
	}
}
