// Command queue measures the hub's job queue and its workers on a
// PostgreSQL server (a fresh database on it, dropped at the end).
//
//	go run ./bench/queue -dsn postgres://... [-jobs 100000] [-workers 2] [-concurrency 50]
//	go run ./bench/queue -dsn postgres://... -ingest [-files 2000] [-size 65536] [-workers 1]
//
// The first enqueues -jobs no-op jobs in River (batches of 1,000) and has
// -workers worker processes complete them; the second ingests -files
// generated files of -size bytes through vibora's job engine (a server
// that runs no job itself and -workers worker processes, each running two
// jobs of each queue). Each prints one line: wall time, the rates, and
// CPU time of the worker processes and of the database's server
// processes that served this database (read from /proc; a backend that
// closed before the end is missed), since the machine is shared.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
)

type noop struct{}

func (noop) Kind() string { return "bench.noop" }

type noopWorker struct{ river.WorkerDefaults[noop] }

func (noopWorker) Work(context.Context, *river.Job[noop]) error { return nil }

func main() {
	dsn := flag.String("dsn", os.Getenv("VIBORA_TEST_POSTGRES"), "PostgreSQL server (a database is created on it and dropped)")
	jobs := flag.Int("jobs", 100_000, "no-op jobs")
	workers := flag.Int("workers", 2, "worker processes")
	conc := flag.Int("concurrency", 50, "jobs at once per worker process (no-op jobs)")
	ingest := flag.Bool("ingest", false, "measure an ingest instead of no-op jobs")
	files := flag.Int("files", 2000, "files to ingest")
	size := flag.Int("size", 64<<10, "bytes per file")
	role := flag.String("role", "", "internal: noop-worker or ingest-worker")
	root := flag.String("root", "", "internal: evidence root")
	flag.Parse()
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	switch *role {
	case "noop-worker":
		runNoopWorker(ctx, *dsn, *conc)
		return
	case "ingest-worker":
		runIngestWorker(ctx, *dsn, *root)
		return
	}
	if *dsn == "" {
		log.Fatal("queue: give -dsn (or VIBORA_TEST_POSTGRES)")
	}
	db, drop := freshDatabase(*dsn)
	defer drop()
	if *ingest {
		benchIngest(db, *files, *size, *workers)
	} else {
		benchNoop(db, *jobs, *workers, *conc)
	}
}

// freshDatabase creates a database for the run on the server.
func freshDatabase(dsn string) (string, func()) {
	ctx := context.Background()
	name := fmt.Sprintf("bench_queue_%d", os.Getpid())
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		log.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		log.Fatal(err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
		conn.Close(ctx)
	}
}

func benchNoop(dsn string, n, workers, conc int) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	drv := riverpgxv5.New(pool)
	mig, err := rivermigrate.New(drv, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		log.Fatal(err)
	}
	c, err := river.NewClient(drv, &river.Config{})
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	batch := make([]river.InsertManyParams, 0, 1000)
	for i := 0; i < n; i += len(batch) {
		batch = batch[:0]
		for j := i; j < min(n, i+1000); j++ {
			batch = append(batch, river.InsertManyParams{Args: noop{}})
		}
		if _, err := c.InsertManyFast(ctx, batch); err != nil {
			log.Fatal(err)
		}
	}
	enqueue := time.Since(start)
	procs := startWorkers(dsn, workers, "noop-worker", fmt.Sprintf("-concurrency=%d", conc))
	start = time.Now()
	waitFor(func() bool {
		var done int
		pool.QueryRow(ctx, "SELECT COUNT(*) FROM river_job WHERE state = 'completed'").Scan(&done)
		return done >= n
	})
	complete := time.Since(start)
	pg := serverCPU(pool, dsn)
	wcpu := stopWorkers(procs)
	fmt.Printf("jobs=%d workers=%d concurrency=%d enqueue_s=%.2f enqueue_jobs_per_s=%.0f complete_s=%.2f complete_jobs_per_s=%.0f worker_cpu_s=%.2f worker_cpu_us_per_job=%.0f pg_cpu_s=%.2f pg_cpu_us_per_job=%.0f\n",
		n, workers, conc, enqueue.Seconds(), float64(n)/enqueue.Seconds(), complete.Seconds(), float64(n)/complete.Seconds(),
		wcpu.Seconds(), float64(wcpu.Microseconds())/float64(n), pg.Seconds(), float64(pg.Microseconds())/float64(n))
}

func runNoopWorker(ctx context.Context, dsn string, conc int) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	ws := river.NewWorkers()
	river.AddWorker(ws, noopWorker{})
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: conc}}, Workers: ws})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		log.Fatal(err)
	}
	<-ctx.Done()
	c.Stop(context.Background())
}

func benchIngest(dsn string, files, size, workers int) {
	ctx := access.NewContext(context.Background(), access.LocalPrincipal("bench", "bench"))
	dir, err := os.MkdirTemp("", "bench-queue-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	buf := make([]byte, size)
	for i := range files {
		p := filepath.Join(dir, "phone", fmt.Sprintf("d%02d", i%50), fmt.Sprintf("f%05d.bin", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		rand.Read(buf)
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	svc, err := investigation.Open(ctx, dsn, "", investigation.WithCacheDir(filepath.Join(dir, "cache")))
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	if _, err := svc.CreateCase(ctx, investigation.Case{Name: "bench"}); err != nil {
		log.Fatal(err)
	}
	m, err := job.New(ctx, svc, job.Config{EvidenceRoots: []string{dir}, SpoolDir: filepath.Join(dir, "spool"), Workers: -1,
		PartFiles: 200, HeartbeatEvery: 200 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	procs := startWorkers(dsn, workers, "ingest-worker", "-root="+dir)
	start := time.Now()
	j, err := m.SubmitIngest(ctx, "bench", "PHONE-01", []string{"phone"})
	if err != nil {
		log.Fatal(err)
	}
	waitFor(func() bool {
		j, err = m.Get(ctx, j.ID)
		return err != nil || j.State != "queued" && j.State != "running"
	})
	wall := time.Since(start)
	if err != nil || j.State != "done" {
		log.Fatalf("ingest job: %+v %v", j, err)
	}
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		log.Fatal(err)
	}
	pg := serverCPU(pool, dsn)
	pool.Close()
	wcpu := stopWorkers(procs)
	mb := float64(files) * float64(size) / 1e6
	fmt.Printf("files=%d mb=%.0f workers=%d wall_s=%.2f files_per_s=%.0f mb_per_s=%.1f worker_cpu_s=%.2f files_per_worker_cpu_s=%.0f pg_cpu_s=%.2f pg_share=%.2f\n",
		files, mb, workers, wall.Seconds(), float64(files)/wall.Seconds(), mb/wall.Seconds(), wcpu.Seconds(), float64(files)/wcpu.Seconds(),
		pg.Seconds(), pg.Seconds()/(pg.Seconds()+wcpu.Seconds()))
}

func runIngestWorker(ctx context.Context, dsn, root string) {
	ctx = access.NewContext(ctx, access.LocalPrincipal("bench", "bench"))
	svc, err := investigation.Open(ctx, dsn, "", investigation.WithCacheDir(filepath.Join(root, "cache")))
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	m, err := job.New(ctx, svc, job.Config{EvidenceRoots: []string{root}, SpoolDir: filepath.Join(root, "spool"), Workers: 2, PartFiles: 200,
		Ingest: func(o *investigation.IngestOptions) { o.CryptoOnly = true; o.Workers = 1 }})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	m.Serve(ctx)
}

func startWorkers(dsn string, n int, role string, args ...string) []*exec.Cmd {
	var out []*exec.Cmd
	for i := range n {
		u, _ := url.Parse(dsn)
		q := u.Query()
		q.Set("application_name", fmt.Sprintf("bench-worker-%d", i))
		u.RawQuery = q.Encode()
		cmd := exec.Command(os.Args[0], append([]string{"-role=" + role, "-dsn=" + u.String()}, args...)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		out = append(out, cmd)
	}
	return out
}

// stopWorkers stops the worker processes and returns their CPU time.
func stopWorkers(procs []*exec.Cmd) time.Duration {
	var cpu time.Duration
	for _, p := range procs {
		p.Process.Signal(syscall.SIGTERM)
		p.Wait()
		cpu += p.ProcessState.UserTime() + p.ProcessState.SystemTime()
	}
	return cpu
}

func waitFor(cond func() bool) {
	for !cond() {
		time.Sleep(100 * time.Millisecond)
	}
}

// serverCPU sums the CPU time of the database's server processes that
// serve the run's database now (from /proc: the server must run on this
// machine).
func serverCPU(pool *pgxpool.Pool, dsn string) time.Duration {
	u, _ := url.Parse(dsn)
	rows, err := pool.Query(context.Background(), "SELECT pid FROM pg_stat_activity WHERE datname = $1", strings.TrimPrefix(u.Path, "/"))
	if err != nil {
		return 0
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var pid int
		rows.Scan(&pid)
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * time.Second / 100 // clock ticks (USER_HZ 100)
	}
	return total
}
