package job_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// startWorker starts this test binary as a worker process (TestWorkerProcess)
// on e's store, named name in PostgreSQL's application_name.
func startWorker(t *testing.T, e *env, name string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	dsn := e.db.DSN()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWorkerProcess$")
	cmd.Env = append(os.Environ(), "VIBORA_WORKER_HELPER=1", "VIBORA_JOB_DSN="+dsn+sep+"application_name="+name, "VIBORA_JOB_ROOT="+e.root,
		"VIBORA_JOB_SPOOL="+e.spool, "VIBORA_JOB_CACHE="+e.cache)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	must(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, out
}

// workerConfig is the configuration of the worker processes: parts of
// 10 files, each file stored in its own batch after a pause, and a short
// rescue time so that a part whose worker died is given to another soon.
func workerConfig(c *job.Config) {
	slow(40 * time.Millisecond)(c)
	c.PartFiles, c.RescueAfter = 10, 3*time.Second
}

// TestWorkerFaults runs an ingest fanned out over worker processes and
// breaks them: one is killed (SIGKILL) in the middle of a part, and the
// other loses its database connections in the middle of another. The
// broken parts run again (the killed one after River's rescuer gives it
// up: another worker may then hold a part a live one still runs); the
// ingest ends with every file stored once, every batch sealed, the audit
// chain intact and the job's progress at the total. About 30 s: River's
// leader election and rescuer run on fixed intervals.
func TestWorkerFaults(t *testing.T) {
	if storetest.PostgresDSN(t) == "" {
		t.Skip("worker processes need PostgreSQL")
	}
	if testing.Short() {
		t.Skip("about 30 s (-short)")
	}
	e := newEnv(t, storetest.OpenPostgres, 80, func(c *job.Config) { c.Workers = -1; c.PartFiles = 10 })
	serve(t, e.m)
	j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
	must(t, err)
	a, aout := startWorker(t, e, "vibora-worker-a")
	stored := func() int {
		var n int
		must(t, e.db.SQL().QueryRow("SELECT COUNT(*) FROM files").Scan(&n))
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	for stored() < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("worker a stored nothing: %s", aout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	must(t, a.Process.Signal(syscall.SIGKILL))
	a.Wait()
	killedAt := stored()
	if killedAt >= 80 {
		t.Fatalf("worker a finished before it was killed")
	}
	_, bout := startWorker(t, e, "vibora-worker-b")
	for stored() < killedAt+5 {
		if time.Now().After(deadline) {
			t.Fatalf("worker b stored nothing: %s", bout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Cut worker b off from the database in the middle of a part.
	var cut int
	must(t, e.db.SQL().QueryRow("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'vibora-worker-b'").Scan(&cut))
	if cut == 0 {
		t.Fatalf("no connection of worker b to cut")
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		rows, err := e.db.SQL().Query("SELECT id, kind, state, attempt, errors::text FROM river_job ORDER BY id")
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
			var id, attempt int
			var kind, state string
			var errs *string
			rows.Scan(&id, &kind, &state, &attempt, &errs)
			t.Logf("engine job %d %s %s attempt %d errors %v", id, kind, state, attempt, errs)
		}
		t.Logf("worker a: %s\nworker b: %s", aout, bout)
	})
	j = waitFor(t, e.m, nlAnalyst, j.ID, "the end", ended)
	if j.State != store.JobDone {
		t.Fatalf("job = %+v\nworker a: %s\nworker b: %s", j, aout, bout)
	}
	var rep investigation.IngestReport
	must(t, json.Unmarshal(j.Result, &rep))
	rows, distinct := countFiles(t, e.db)
	if rows != 80 || distinct != 80 || rep.Files != 80 || rep.ManifestFiles != 80 {
		t.Errorf("stored %d rows (%d distinct), report %d files, manifest %d: want 80", rows, distinct, rep.Files, rep.ManifestFiles)
	}
	if j.Progress == nil || j.Progress.Files != 80 || j.Progress.FilesTotal != 80 {
		t.Errorf("progress = %+v", j.Progress)
	}
	var retried int
	must(t, e.db.SQL().QueryRow("SELECT COUNT(*) FROM river_job WHERE kind = 'vibora.ingest_part' AND attempt > 1").Scan(&retried))
	if retried < 1 {
		t.Errorf("no part ran twice: the faults hit nothing")
	}
	st, err := e.svc.VerifyStore(as(owner))
	must(t, err)
	if !st.Intact || st.Files != 80 {
		t.Errorf("store verify: %+v", st)
	}
}

// TestWorkerProcess is the worker TestWorkerFaults starts (and kills).
func TestWorkerProcess(t *testing.T) {
	if os.Getenv("VIBORA_WORKER_HELPER") != "1" {
		t.Skip("run by TestWorkerFaults")
	}
	ctx := context.Background()
	svc, err := investigation.Open(ctx, os.Getenv("VIBORA_JOB_DSN"), "", investigation.WithCacheDir(os.Getenv("VIBORA_JOB_CACHE")))
	must(t, err)
	cfg := job.Config{EvidenceRoots: []string{os.Getenv("VIBORA_JOB_ROOT")}, SpoolDir: os.Getenv("VIBORA_JOB_SPOOL"),
		HeartbeatEvery: 50 * time.Millisecond, ReconcileEvery: 100 * time.Millisecond, Workers: 1}
	workerConfig(&cfg)
	m, err := job.New(ctx, svc, cfg)
	must(t, err)
	m.Serve(ctx) // until killed
}
