package job_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// BenchmarkJobBurst submits b.N small jobs (a verify of a one-file
// exhibit) at once to a serving manager and waits for them all: jobs per
// second, and the time from submission to start (p50, p99), queueing
// included. BenchmarkJobRoundTrip submits one at a time and waits for each:
// the time an idle engine takes to start a job.
func BenchmarkJobBurst(b *testing.B) { benchJobs(b, false) }

func BenchmarkJobRoundTrip(b *testing.B) { benchJobs(b, true) }

func benchJobs(b *testing.B, oneByOne bool) {
	for name, open := range storetest.Dialects(b) {
		b.Run(name, func(b *testing.B) {
			e := benchEnv(b, open, 1)
			ctx := as(nlAnalyst)
			in, err := e.m.SubmitIngest(ctx, "op-nl", "PHONE-01", []string{"phone"})
			if err != nil {
				b.Fatal(err)
			}
			stop := benchServe(b, e.m)
			defer stop()
			benchWait(b, e.m, []int64{in.ID})
			b.ResetTimer()
			start := time.Now()
			ids := make([]int64, b.N)
			for i := range ids {
				j, err := e.m.SubmitVerify(ctx, "op-nl", "PHONE-01")
				if err != nil {
					b.Fatal(err)
				}
				ids[i] = j.ID
				if oneByOne {
					benchWait(b, e.m, ids[i:i+1])
				}
			}
			jobs := benchWait(b, e.m, ids)
			el := time.Since(start)
			b.StopTimer()
			var lat []float64
			for _, j := range jobs {
				if j.State != store.JobDone {
					b.Fatalf("job %d: %s %s", j.ID, j.State, j.Error)
				}
				c, _ := time.Parse(audit.TimeFormat, j.CreatedAt)
				s, _ := time.Parse(audit.TimeFormat, j.StartedAt)
				lat = append(lat, float64(s.Sub(c).Microseconds())/1000)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/el.Seconds(), "jobs/s")
			b.ReportMetric(lat[len(lat)/2], "p50-start-ms")
			b.ReportMetric(lat[len(lat)*99/100], "p99-start-ms")
		})
	}
}

// BenchmarkIngestBesideEngine times an ingest of 2,000 small files by the
// use case directly, with no job engine (idle) and with one serving on the
// same store (River's pollers write to it): the difference is the
// engine's contention with ingest writes.
func BenchmarkIngestBesideEngine(b *testing.B) {
	for name, open := range storetest.Dialects(b) {
		for _, serving := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/engine=%v", name, serving), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					e := benchEnv(b, open, 2000)
					stop := func() {}
					if serving {
						stop = benchServe(b, e.m)
					}
					time.Sleep(200 * time.Millisecond)
					b.StartTimer()
					rep, err := e.svc.Ingest(as(nlAnalyst), "op-nl", investigation.IngestOptions{Exhibit: "PHONE-01",
						Paths: []string{filepath.Join(e.root, "phone")}, CryptoOnly: true, Workers: 1})
					b.StopTimer()
					stop()
					if err != nil || rep.Files != 2000 {
						b.Fatalf("ingest: %+v %v", rep, err)
					}
				}
			})
		}
	}
}

func benchEnv(b *testing.B, open storetest.Opener, files int) *env {
	e := &env{db: open(b, -1), root: filepath.Join(b.TempDir(), "evidence"), spool: b.TempDir(), cache: b.TempDir()}
	e.svc = investigation.New(e.db, "", investigation.WithCacheDir(e.cache))
	if _, err := e.svc.CreateCase(as(nlAnalyst), investigation.Case{Name: "op-nl"}); err != nil {
		b.Fatal(err)
	}
	os.MkdirAll(filepath.Join(e.root, "phone"), 0o755)
	for i := range files {
		os.WriteFile(filepath.Join(e.root, "phone", fmt.Sprintf("n%05d.txt", i)), []byte(fmt.Sprintf("synthetic note %d", i)), 0o644)
	}
	m, err := job.New(context.Background(), e.svc, job.Config{EvidenceRoots: []string{e.root}, SpoolDir: e.spool, Workers: 2,
		Ingest: func(o *investigation.IngestOptions) { o.CryptoOnly, o.Workers = true, 1 }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	e.m = m
	return e
}

func benchServe(b *testing.B, m *job.Manager) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}
}

func benchWait(b *testing.B, m *job.Manager, ids []int64) []investigation.Job {
	out := make([]investigation.Job, 0, len(ids))
	deadline := time.Now().Add(10 * time.Minute)
	for _, id := range ids {
		for {
			j, err := m.Get(as(nlAnalyst), id)
			if err != nil {
				b.Fatal(err)
			}
			if ended(j) {
				out = append(out, j)
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("job %d did not end: %+v", id, j)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return out
}
