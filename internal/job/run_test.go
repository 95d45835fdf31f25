package job_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// slow makes an ingest store one file per batch and pause after each.
func slow(pause time.Duration) func(*job.Config) {
	return func(c *job.Config) {
		c.Ingest = func(o *investigation.IngestOptions) {
			o.CryptoOnly, o.Workers, o.BatchSize = true, 1, 1
			o.Progress = func(int64, int64) { time.Sleep(pause) }
		}
	}
}

func TestCancelJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 200, slow(30*time.Millisecond))
		// A queued job is cancelled at once (no engine is serving yet).
		q, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		q, err = e.m.Cancel(as(nlAnalyst), q.ID)
		if err != nil || q.State != store.JobCancelled {
			t.Fatalf("cancel queued: %+v %v", q, err)
		}
		serve(t, e.m)
		// A running job stops through its context.
		j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		wait(t, e.m, j.ID, "some progress", func(j investigation.Job) bool { return j.Progress != nil && j.Progress.Files >= 3 })
		c, err := e.m.Cancel(as(nlAnalyst), j.ID)
		if err != nil || c.State != store.JobRunning || !c.CancelRequested {
			t.Fatalf("cancel running: %+v %v", c, err)
		}
		j = wait(t, e.m, j.ID, "the end", ended)
		if j.State != store.JobCancelled {
			t.Fatalf("job = %+v", j)
		}
		rows, _ := countFiles(t, e.db)
		if rows == 0 || rows >= 200 {
			t.Errorf("cancelled ingest stored %d of 200 files", rows)
		}
		// The queued job that was cancelled never ran.
		if q, _ = e.m.Get(as(nlAnalyst), q.ID); q.State != store.JobCancelled || q.StartedAt != "" {
			t.Errorf("cancelled queued job = %+v", q)
		}
		// Cancelling an ended job changes nothing.
		if again, err := e.m.Cancel(as(nlAnalyst), j.ID); err != nil || again.State != store.JobCancelled {
			t.Errorf("cancel again: %+v %v", again, err)
		}
	})
}

// TestRestartAfterShutdown: a server that stops while a job runs puts it
// back in the queue, and the next server completes it with nothing stored
// twice.
func TestRestartAfterShutdown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 150, slow(20*time.Millisecond))
		stop := serve(t, e.m)
		j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		wait(t, e.m, j.ID, "some progress", func(j investigation.Job) bool { return j.Progress != nil && j.Progress.Files >= 5 })
		stop()
		if j, _ = e.m.Get(as(nlAnalyst), j.ID); j.State != store.JobQueued {
			t.Fatalf("after shutdown the job is %s, want queued", j.State)
		}
		m2 := e.manager(t, nil)
		serve(t, m2)
		j = wait(t, m2, j.ID, "the end", ended)
		checkResumed(t, e, j, 150)
	})
}

// checkResumed: the job ended done in its second attempt and every file
// is stored exactly once.
func checkResumed(t *testing.T, e *env, j investigation.Job, n int) {
	t.Helper()
	if j.State != store.JobDone || j.Attempts != 2 {
		t.Fatalf("resumed job = %+v", j)
	}
	var rep investigation.IngestReport
	must(t, json.Unmarshal(j.Result, &rep))
	if rep.Files == 0 || rep.Files+rep.Skipped != int64(n) {
		t.Errorf("second run stored %d and skipped %d, want %d in all", rep.Files, rep.Skipped, n)
	}
	if rows, distinct := countFiles(t, e.db); rows != n || distinct != n {
		t.Errorf("stored %d rows (%d distinct paths), want %d", rows, distinct, n)
	}
}

// TestRestartAfterKill: a process killed (SIGKILL) while it runs a job
// leaves it running with a dead runner; the next server sees that, puts
// the job back in the queue and completes it with no duplicates.
func TestRestartAfterKill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 150, nil)
		j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "VIBORA_JOB_HELPER=1", "VIBORA_JOB_DSN="+e.db.DSN(), "VIBORA_JOB_ROOT="+e.root,
			"VIBORA_JOB_SPOOL="+e.spool, "VIBORA_JOB_CACHE="+e.cache)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		must(t, cmd.Start())
		defer cmd.Process.Kill()
		wait(t, e.m, j.ID, "progress in the other process", func(j investigation.Job) bool {
			return j.State == store.JobRunning && j.Progress != nil && j.Progress.Files >= 5
		})
		must(t, cmd.Process.Signal(syscall.SIGKILL))
		cmd.Wait()
		if j, _ = e.m.Get(as(nlAnalyst), j.ID); j.State != store.JobRunning {
			t.Fatalf("after the kill the job is %s (helper: %s)", j.State, out)
		}
		serve(t, e.m)
		j = wait(t, e.m, j.ID, "the end", ended)
		checkResumed(t, e, j, 150)
	})
}

// TestHelperProcess is the server TestRestartAfterKill kills.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("VIBORA_JOB_HELPER") != "1" {
		t.Skip("run by TestRestartAfterKill")
	}
	ctx := context.Background()
	svc, err := investigation.Open(ctx, os.Getenv("VIBORA_JOB_DSN"), "", investigation.WithCacheDir(os.Getenv("VIBORA_JOB_CACHE")))
	must(t, err)
	cfg := job.Config{EvidenceRoots: []string{os.Getenv("VIBORA_JOB_ROOT")}, SpoolDir: os.Getenv("VIBORA_JOB_SPOOL"),
		HeartbeatEvery: 50 * time.Millisecond, ReconcileEvery: 100 * time.Millisecond}
	slow(50 * time.Millisecond)(&cfg)
	m, err := job.New(ctx, svc, cfg)
	must(t, err)
	m.Serve(ctx) // until killed
}

func TestEvidenceRootEscapes(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "evidence")
	must(t, os.MkdirAll(filepath.Join(root, "phone", "DCIM"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "phone", "DCIM", "a.txt"), []byte("a"), 0o644))
	must(t, os.WriteFile(filepath.Join(base, "secret.txt"), []byte("outside"), 0o644))
	must(t, os.Symlink("../secret.txt", filepath.Join(root, "up")))
	must(t, os.Symlink("/etc", filepath.Join(root, "etc")))
	must(t, os.Symlink("phone/DCIM", filepath.Join(root, "camera")))
	must(t, os.Symlink(base, filepath.Join(root, "phone", "base")))
	rs, err := job.OpenRoots([]string{root})
	must(t, err)
	defer rs.Close()
	for _, p := range []string{"..", "../secret.txt", "phone/../../secret.txt", "/etc/passwd", root + "/phone", "up", "etc/passwd", "phone/base/secret.txt", "phone/base"} {
		_, err := rs.Resolve(p)
		if !errors.Is(err, job.ErrOutsideRoot) || !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("Resolve(%q) = %v, want refused as outside the evidence roots", p, err)
		}
	}
	for p, want := range map[string]string{"phone": "phone", ".": "", "phone/DCIM/a.txt": "phone/DCIM/a.txt", "camera": "phone/DCIM", "./phone//DCIM/": "phone/DCIM"} {
		got, err := rs.Resolve(p)
		if err != nil || got != filepath.Join(root, want) {
			t.Errorf("Resolve(%q) = %q, %v; want %s", p, got, err, filepath.Join(root, want))
		}
	}
	if _, err := rs.Resolve("nothing-here"); err == nil || errors.Is(err, job.ErrOutsideRoot) {
		t.Errorf("missing path: %v", err)
	}
	// With several roots, paths start with the root's folder name.
	other := filepath.Join(base, "sd-card")
	must(t, os.MkdirAll(other, 0o755))
	two, err := job.OpenRoots([]string{root, other})
	must(t, err)
	defer two.Close()
	if got, err := two.Resolve("sd-card"); err != nil || got != other {
		t.Errorf("Resolve(sd-card) = %q %v", got, err)
	}
	if got, err := two.Resolve("evidence/phone"); err != nil || got != filepath.Join(root, "phone") {
		t.Errorf("Resolve(evidence/phone) = %q %v", got, err)
	}
	if _, err := two.Resolve("phone"); err == nil || !strings.Contains(err.Error(), "evidence, sd-card") {
		t.Errorf("path without a root name: %v", err)
	}
	if _, err := two.Resolve("sd-card/../evidence/up"); !errors.Is(err, job.ErrOutsideRoot) {
		t.Errorf("climbing from one root to another: %v", err)
	}
	if _, err := job.OpenRoots([]string{root, filepath.Join(other, "..", "evidence")}); err == nil {
		t.Error("two roots with one folder name were accepted")
	}
}

func TestIngestJobRefusesEscapes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 1, nil)
		must(t, os.Symlink("/etc", filepath.Join(e.root, "etc")))
		for _, p := range []string{"../", "/etc", "etc/passwd", "phone/../../x"} {
			_, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone", p})
			if !errors.Is(err, job.ErrOutsideRoot) {
				t.Errorf("ingest of %q: %v, want refused", p, err)
			}
		}
		if js, err := e.m.List(as(nlAnalyst), investigation.JobFilter{}); err != nil || len(js) != 0 {
			t.Errorf("refused submissions left jobs: %+v %v", js, err)
		}
	})
}
