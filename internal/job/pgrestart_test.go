package job_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store"
)

// throwawayPostgres starts a PostgreSQL server of the test's own under
// t.TempDir(), as .ci/run starts CI's (as the unprivileged user vibora-ci
// when the test runs as root, which initdb refuses), and returns its DSN
// and a function that restarts it (pg_ctl restart -m fast: every
// connection is cut, the server is down for a moment). Outside CI the
// test skips when initdb is missing; under CI it fails.
func throwawayPostgres(t *testing.T) (dsn string, restart func()) {
	t.Helper()
	pgbin := ""
	if ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(ms) > 0 {
		pgbin = filepath.Dir(ms[len(ms)-1])
	} else if p, err := exec.LookPath("initdb"); err == nil {
		pgbin = filepath.Dir(p)
	}
	if pgbin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("initdb not found: CI installs postgresql (.ci/run)")
		}
		t.Skip("initdb not found: install postgresql to run the PostgreSQL restart test")
	}
	dir := t.TempDir()
	var runas []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("vibora-ci")
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("running as root and no user vibora-ci to run PostgreSQL as (.ci/run creates it): %v", err)
			}
			t.Skip("running as root and no user vibora-ci to run PostgreSQL as (.ci/run creates it)")
		}
		var uid, gid int
		fmt.Sscan(u.Uid, &uid)
		fmt.Sscan(u.Gid, &gid)
		must(t, os.Chmod(filepath.Dir(dir), 0o711))
		must(t, os.Chown(dir, uid, gid))
		runas = []string{"runuser", "-u", "vibora-ci", "--"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	data := filepath.Join(dir, "data")
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(pgbin, name), args...)
		if runas != nil {
			cmd = exec.Command(runas[0], append(append(runas[1:], filepath.Join(pgbin, name)), args...)...)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", name, err, out)
		}
		return nil
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", port, dir)
	must(t, run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"))
	must(t, run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-o", opts, "start"))
	t.Cleanup(func() { run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop") })
	restart = func() {
		t.Helper()
		must(t, run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-m", "fast", "-o", opts, "restart"))
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), restart
}

// TestPostgresRestart restarts the hub's PostgreSQL in the middle of an
// ingest fanned out over two worker processes, with a matcher serving
// the banks: the ingest ends with every file stored once, the audit
// chain intact and the job's progress at the total, and the matcher's
// heartbeat and answers resume.
func TestPostgresRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("about 30 s (-short)")
	}
	dsn, restart := throwawayPostgres(t)
	open := func(t testing.TB, version int) *store.DB {
		db, err := store.OpenAt(context.Background(), dsn, version)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	e := newEnv(t, open, 80, func(c *job.Config) { c.Workers = -1; c.PartFiles = 10 })
	serve(t, e.m)

	// A matcher over a small PDQ bank, in this process.
	r := rand.New(rand.NewPCG(41, 42))
	var bank strings.Builder
	bank.WriteString("pdq,pdq_quality,category\n")
	var queries []string
	for i := range 500 {
		h := fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64())
		fmt.Fprintf(&bank, "%s,90,cat\n", h)
		if i%25 == 0 {
			queries = append(queries, "pdq:"+h)
		}
	}
	bankFile := filepath.Join(t.TempDir(), "bank.csv")
	must(t, os.WriteFile(bankFile, []byte(bank.String()), 0o600))
	_, err := e.svc.ImportBank(as(owner), bankFile, investigation.BankImportOptions{Name: "b", Kind: "known", Format: "plain"})
	must(t, err)
	mctx, stopMatcher := context.WithCancel(as(owner))
	defer stopMatcher()
	matcherDone := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		matcherDone <- e.svc.ServeMatcher(mctx, investigation.MatcherConfig{Name: "m1", Of: 4, Partitions: []int{0, 1, 2, 3}, Secret: "k",
			Poll: 200 * time.Millisecond, Ready: func(string) { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-matcherDone:
		t.Fatal(err)
	}
	remote := investigation.New(e.db, "", investigation.WithMatchers("k"))
	want, err := e.svc.MatchHashes(as(owner), queries, investigation.MatchOptions{})
	must(t, err)

	j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
	must(t, err)
	_, aout := startWorker(t, e, "vibora-worker-a")
	_, bout := startWorker(t, e, "vibora-worker-b")
	stored := func() int {
		var n int
		if err := e.db.SQL().QueryRow("SELECT COUNT(*) FROM files").Scan(&n); err != nil {
			return -1 // the server is restarting
		}
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for stored() < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("the workers stored nothing:\n%s\n%s", aout, bout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	restart()
	restarted := time.Now()
	atRestart := stored()
	if atRestart >= 80 {
		t.Fatalf("the ingest ended before the restart")
	}
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
	t.Logf("restarted with %d of 80 files stored; %d parts ran again", atRestart, retried)
	st, err := e.svc.VerifyStore(as(owner))
	must(t, err)
	if !st.Intact || st.Files != 80 {
		t.Errorf("store verify: %+v", st)
	}
	// The matcher beats again after the restart, and answers as before.
	for {
		ns, err := e.svc.MatcherNodes(as(owner))
		if err == nil && len(ns) == 1 && ns[0].Live {
			if hb, _ := time.Parse(time.RFC3339Nano, ns[0].Heartbeat); hb.After(restarted) {
				break
			}
		}
		if time.Since(restarted) > 30*time.Second {
			t.Fatalf("no matcher heartbeat since the restart: %+v %v", ns, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	got, err := remote.MatchHashes(as(owner), queries, investigation.MatchOptions{})
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("through the matcher after the restart:\n%+v\nwant\n%+v", got, want)
	}
	stopMatcher()
	must(t, <-matcherDone)
}
