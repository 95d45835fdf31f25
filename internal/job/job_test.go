package job_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

var (
	nlAnalyst = access.Principal{ID: "user:1", Name: "Ivo", Agency: "NL-POL", Roles: []access.Role{access.Analyst}, Method: access.Token, RequestID: "req-42"}
	nlViewer  = access.Principal{ID: "user:2", Name: "Vera", Agency: "NL-POL", Roles: []access.Role{access.Viewer}, Method: access.Password}
	beAnalyst = access.Principal{ID: "user:3", Name: "Bram", Agency: "BE-FCCU", Roles: []access.Role{access.Analyst}, Method: access.Token}
	hubAdmin  = access.Principal{ID: "user:4", Name: "Hub", Agency: "HUB", Roles: []access.Role{access.HubAdmin}, Method: access.Password}
	owner     = access.LocalPrincipal("alex", "alex")
)

func as(p access.Principal) context.Context { return access.NewContext(context.Background(), p) }

// env is a store with a case of NL-POL, an evidence root with a folder of
// files, and a job manager on them.
type env struct {
	db    *store.DB
	svc   *investigation.Service
	m     *job.Manager
	root  string
	spool string
	cache string
	files []string // under root/phone
}

func newEnv(t *testing.T, open storetest.Opener, files int, tune func(*job.Config)) *env {
	t.Helper()
	e := &env{db: open(t, -1), root: filepath.Join(t.TempDir(), "evidence"), spool: t.TempDir(), cache: t.TempDir()}
	e.svc = investigation.New(e.db, "", investigation.WithCacheDir(e.cache))
	if _, err := e.svc.CreateCase(as(nlAnalyst), investigation.Case{Name: "op-nl"}); err != nil {
		t.Fatal(err)
	}
	must(t, os.MkdirAll(filepath.Join(e.root, "phone", "DCIM"), 0o755))
	for i := range files {
		p := filepath.Join("phone", "DCIM", fmt.Sprintf("note-%03d.txt", i))
		must(t, os.WriteFile(filepath.Join(e.root, p), []byte(fmt.Sprintf("synthetic note %d for example.org\n", i)), 0o644))
		e.files = append(e.files, p)
	}
	e.m = e.manager(t, tune)
	return e
}

func (e *env) manager(t *testing.T, tune func(*job.Config)) *job.Manager {
	t.Helper()
	cfg := job.Config{EvidenceRoots: []string{e.root}, SpoolDir: e.spool, HeartbeatEvery: 50 * time.Millisecond, ReconcileEvery: 200 * time.Millisecond,
		Ingest: func(o *investigation.IngestOptions) { o.CryptoOnly, o.Workers = true, 1 }}
	if tune != nil {
		tune(&cfg)
	}
	m, err := job.New(context.Background(), e.svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// serve runs m until the test ends (or stop is called).
func serve(t *testing.T, m *job.Manager) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// wait polls a job until cond holds.
func wait(t *testing.T, m *job.Manager, id int64, what string, cond func(investigation.Job) bool) investigation.Job {
	t.Helper()
	return waitFor(t, m, nlAnalyst, id, what, cond)
}

func waitFor(t *testing.T, m *job.Manager, p access.Principal, id int64, what string, cond func(investigation.Job) bool) investigation.Job {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		j, err := m.Get(as(p), id)
		if err != nil {
			t.Fatalf("get job %d: %v", id, err)
		}
		if cond(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d: waited 60s for %s; it is %+v", id, what, j)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ended(j investigation.Job) bool {
	return j.State == store.JobDone || j.State == store.JobFailed || j.State == store.JobCancelled
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func countFiles(t *testing.T, db *store.DB) (rows, distinct int) {
	t.Helper()
	must(t, db.SQL().QueryRow("SELECT COUNT(*), COUNT(DISTINCT path) FROM files").Scan(&rows, &distinct))
	return rows, distinct
}

func TestIngestJobLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 12, nil)
		serve(t, e.m)
		j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		if err != nil {
			t.Fatal(err)
		}
		if j.State != store.JobQueued || j.Case != "op-nl" || j.Kind != investigation.JobIngest || j.SubmittedBy != "Ivo" {
			t.Errorf("submitted job = %+v", j)
		}
		j = wait(t, e.m, j.ID, "the end", ended)
		if j.State != store.JobDone || j.Error != "" || j.StartedAt == "" || j.FinishedAt == "" || j.Attempts != 1 {
			t.Fatalf("job = %+v", j)
		}
		var rep investigation.IngestReport
		must(t, json.Unmarshal(j.Result, &rep))
		if rep.Files != 12 || rep.Exhibit != "PHONE-01" || rep.Case != "op-nl" {
			t.Errorf("result = %+v", rep)
		}
		if j.Progress == nil || j.Progress.Files != 12 || j.Progress.FilesTotal != 12 || j.Progress.Bytes == 0 {
			t.Errorf("progress = %+v", j.Progress)
		}
		if rows, distinct := countFiles(t, e.db); rows != 12 || distinct != 12 {
			t.Errorf("stored %d files (%d distinct), want 12", rows, distinct)
		}
		// The job acted as its submitter: the audit trail names them.
		var actors []string
		must(t, e.svc.AuditLog(as(owner), "", func(r audit.Record) error {
			if r.Action == "job.submit" || r.Object == "exhibit:op-nl/PHONE-01" {
				actors = append(actors, r.Action+" "+r.ActorID+" "+r.RequestID)
			}
			return nil
		}))
		if len(actors) < 4 {
			t.Fatalf("audit records of the job: %v", actors)
		}
		for _, a := range actors {
			if !slices.Contains([]string{"job.submit user:1 req-42", "exhibit.add user:1 req-42", "ingest.start user:1 req-42", "ingest.batch user:1 req-42", "ingest.finish user:1 req-42"}, a) {
				t.Errorf("audit record %q does not name the submitter", a)
			}
		}
		// Running it again is idempotent: nothing is stored twice.
		again, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		again = wait(t, e.m, again.ID, "the end", ended)
		must(t, json.Unmarshal(again.Result, &rep))
		if again.State != store.JobDone || rep.Files != 0 || rep.Skipped != 12 {
			t.Errorf("second ingest: %+v, files %d", again, rep.Files)
		}
	})
}

func TestJobAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 1, nil)
		if _, err := e.svc.CreateCase(as(beAnalyst), investigation.Case{Name: "op-be"}); err != nil {
			t.Fatal(err)
		}
		nlJob, err := e.m.SubmitVerify(as(nlAnalyst), "op-nl", "PHONE-01")
		must(t, err)
		beJob, err := e.m.SubmitVerify(as(beAnalyst), "op-be", "LAPTOP-01")
		must(t, err)
		// Another agency's job is not found, worded as one that does not exist.
		if _, err := e.m.Get(as(beAnalyst), nlJob.ID); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("another agency's job: %v, want not found", err)
		}
		if _, err := e.m.Get(as(beAnalyst), 999999); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("a missing job: %v, want not found", err)
		}
		if _, err := e.m.Cancel(as(beAnalyst), nlJob.ID); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("cancel another agency's job: %v, want not found", err)
		}
		if _, err := e.m.Get(as(hubAdmin), nlJob.ID); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("hub admin reads an agency's job: %v, want not found", err)
		}
		// A viewer of the case sees the job and may not cancel it.
		if j, err := e.m.Get(as(nlViewer), nlJob.ID); err != nil || j.ID != nlJob.ID {
			t.Errorf("viewer: %+v %v", j, err)
		}
		if _, err := e.m.Cancel(as(nlViewer), nlJob.ID); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("viewer cancels: %v, want forbidden", err)
		}
		if _, err := e.m.SubmitVerify(as(nlViewer), "op-nl", "PHONE-01"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("viewer submits: %v, want forbidden", err)
		}
		if _, err := e.m.SubmitIngest(as(beAnalyst), "op-nl", "PHONE-01", []string{"phone"}); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("ingest into another agency's case: %v, want not found", err)
		}
		ids := func(p access.Principal, f investigation.JobFilter) []int64 {
			t.Helper()
			js, err := e.m.List(as(p), f)
			must(t, err)
			var out []int64
			for _, j := range js {
				out = append(out, j.ID)
			}
			return out
		}
		if got := ids(nlViewer, investigation.JobFilter{}); !slices.Equal(got, []int64{nlJob.ID}) {
			t.Errorf("NL viewer lists %v, want [%d]", got, nlJob.ID)
		}
		if got := ids(beAnalyst, investigation.JobFilter{}); !slices.Equal(got, []int64{beJob.ID}) {
			t.Errorf("BE analyst lists %v, want [%d]", got, beJob.ID)
		}
		if got := ids(hubAdmin, investigation.JobFilter{}); len(got) != 0 {
			t.Errorf("hub admin lists %v, want none", got)
		}
		if got := ids(owner, investigation.JobFilter{}); !slices.Equal(got, []int64{beJob.ID, nlJob.ID}) {
			t.Errorf("owner lists %v", got)
		}
		if _, err := e.m.List(as(beAnalyst), investigation.JobFilter{Case: "op-nl"}); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("BE lists op-nl's jobs: %v, want not found", err)
		}
		if _, err := e.m.List(as(nlAnalyst), investigation.JobFilter{State: "' OR 1=1 --"}); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("hostile state filter: %v, want invalid", err)
		}
		// A shared case's jobs are seen by the agency it is shared with.
		must(t, e.db.InTx(context.Background(), func(tx *store.Tx) error {
			be := store.Agency{Name: "BE-FCCU", Country: "BE", CreatedAt: "t", CreatedBy: "alex"}
			if err := tx.InsertAgency(context.Background(), &be); err != nil {
				return err
			}
			c, err := tx.CaseByName(context.Background(), "op-nl")
			if err != nil {
				return err
			}
			return tx.PutCaseShare(context.Background(), store.CaseShare{CaseID: c.ID, AgencyID: be.ID, Role: "viewer", CreatedAt: "t", CreatedBy: "alex"})
		}))
		if got := ids(beAnalyst, investigation.JobFilter{}); !slices.Equal(got, []int64{beJob.ID, nlJob.ID}) {
			t.Errorf("BE analyst after the share lists %v", got)
		}
		if _, err := e.m.Get(as(beAnalyst), nlJob.ID); err != nil {
			t.Errorf("BE reads a shared case's job: %v", err)
		}
		// Bank jobs are for those who may change banks.
		bank, err := e.m.SubmitBankImport(as(hubAdmin), job.BankImportParams{Name: "known"},
			upload(t, e.m, hubAdmin, "", "file", "known.txt", stringsReader("d41d8cd98f00b204e9800998ecf8427e\n")))
		must(t, err)
		if _, err := e.m.Get(as(nlAnalyst), bank.ID); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("analyst reads a bank job: %v, want not found", err)
		}
		if got := ids(hubAdmin, investigation.JobFilter{}); !slices.Equal(got, []int64{bank.ID}) {
			t.Errorf("hub admin lists %v, want the bank job", got)
		}
		if _, err := e.m.NewUpload(as(nlAnalyst), ""); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("analyst imports a bank: %v, want forbidden", err)
		}
	})
}
