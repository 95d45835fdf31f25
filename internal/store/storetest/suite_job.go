package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

func testJobs(t *testing.T, db *store.DB) {
	ctx := context.Background()
	be := mustAgency(t, db, "BE-FCCU", "BE")
	mustAgency(t, db, "NL-POL", "NL")
	bram := mustUser(t, db, "bram", be, "analyst")
	nl := store.Case{Name: "nl-1", Agency: "NL-POL", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	nl2 := store.Case{Name: "nl-2", Agency: "NL-POL", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	beCase := store.Case{Name: "be-1", Agency: "BE-FCCU", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	jobs := map[string]*store.Job{}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, c := range []*store.Case{&nl, &nl2, &beCase} {
			if err := tx.InsertCase(ctx, c); err != nil {
				return err
			}
		}
		for _, x := range []struct {
			name   string
			caseID int64
		}{{"nl", nl.ID}, {"nl2", nl2.ID}, {"be", beCase.ID}, {"bank", 0}} {
			name, caseID := x.name, x.caseID
			j := &store.Job{Kind: "ingest", CaseID: caseID, Params: `{"exhibit":"E1"}`, Principal: `{"id":"user:1"}`, SubmittedBy: "alex",
				CreatedAt: "2024-01-20T10:00:00Z", Upload: name + "-upload"}
			if err := tx.InsertJob(ctx, j); err != nil {
				return err
			}
			jobs[name] = j
		}
		return tx.PutCaseMember(ctx, store.CaseMember{CaseID: nl2.ID, UserID: bram.ID, Role: "viewer", CreatedAt: "t1", CreatedBy: "alex"})
	})
	got, err := db.JobByID(ctx, jobs["nl"].ID)
	if err != nil || got.Case != "nl-1" || got.Agency != "NL-POL" || got.State != store.JobQueued || got.Params != `{"exhibit":"E1"}` || got.Ticket != 0 {
		t.Fatalf("JobByID = %+v, %v", got, err)
	}
	if bank, err := db.JobByID(ctx, jobs["bank"].ID); err != nil || bank.CaseID != 0 || bank.Case != "" {
		t.Errorf("job of no case = %+v, %v", bank, err)
	}
	if _, err := db.JobByID(ctx, 99999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing job: %v, want ErrNotFound", err)
	}

	// Lists are filtered in SQL by the cases the caller may see.
	list := func(f store.JobFilter) string {
		t.Helper()
		js, err := db.Jobs(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, j := range js {
			out = append(out, fmt.Sprintf("%s/%s", j.Case, j.State))
		}
		return fmt.Sprint(out)
	}
	for _, tc := range []struct {
		name string
		f    store.JobFilter
		want string
	}{
		{"nothing", store.JobFilter{}, "[]"},
		{"every case", store.JobFilter{Cases: store.CaseVisibility{All: true}}, "[be-1/queued nl-2/queued nl-1/queued]"},
		{"every case and banks", store.JobFilter{Cases: store.CaseVisibility{All: true}, NoCase: true}, "[/queued be-1/queued nl-2/queued nl-1/queued]"},
		{"own agency", store.JobFilter{Cases: store.CaseVisibility{Agency: "NL-POL", Own: true}}, "[nl-2/queued nl-1/queued]"},
		{"own and member", store.JobFilter{Cases: store.CaseVisibility{Agency: "BE-FCCU", Own: true, Shared: true, UserID: bram.ID}}, "[be-1/queued nl-2/queued]"},
		{"one case", store.JobFilter{Cases: store.CaseVisibility{All: true}, CaseID: nl.ID}, "[nl-1/queued]"},
		{"hostile agency", store.JobFilter{Cases: store.CaseVisibility{Agency: "' OR 1=1 --", Own: true, Shared: true}}, "[]"},
		{"page", store.JobFilter{Cases: store.CaseVisibility{All: true}, Before: jobs["be"].ID, Limit: 1}, "[nl-2/queued]"},
		{"state", store.JobFilter{Cases: store.CaseVisibility{All: true}, States: []string{store.JobRunning}}, "[]"},
	} {
		if got := list(tc.f); got != tc.want {
			t.Errorf("%s: Jobs = %s, want %s", tc.name, got, tc.want)
		}
	}

	// One runner claims a queued job; the heartbeat and the end need it.
	id := jobs["nl"].ID
	if err := db.SetJobTicket(ctx, id, 41); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.ClaimJob(ctx, id, "host:1:a", "2024-01-20T10:01:00Z"); err != nil || !ok {
		t.Fatalf("first claim: %v, %v", ok, err)
	}
	if ok, err := db.ClaimJob(ctx, id, "host:2:b", "2024-01-20T10:01:00Z"); err != nil || ok {
		t.Fatalf("second claim of a running job: %v, %v; want refused", ok, err)
	}
	if held, cancel, err := db.HeartbeatJob(ctx, id, "host:1:a", "2024-01-20T10:01:05Z", `{"files":3}`); err != nil || !held || cancel {
		t.Fatalf("heartbeat = %v %v %v", held, cancel, err)
	}
	if held, _, err := db.HeartbeatJob(ctx, id, "host:2:b", "2024-01-20T10:01:05Z", ""); err != nil || held {
		t.Fatalf("heartbeat of a runner that does not hold the job = %v %v", held, err)
	}
	if inUse, err := db.UploadInUse(ctx, "nl-upload", 0); err != nil || !inUse {
		t.Errorf("UploadInUse of a running job's upload = %v, %v", inUse, err)
	}
	if inUse, err := db.UploadInUse(ctx, "nl-upload", id); err != nil || inUse {
		t.Errorf("UploadInUse except its own job = %v, %v", inUse, err)
	}
	// A runner that stopped gives the job back to the queue; another runner
	// may then claim it, and it counts two attempts.
	if ok, err := db.RequeueJob(ctx, id, "host:2:b"); err != nil || ok {
		t.Fatalf("requeue by a runner that does not hold it: %v %v", ok, err)
	}
	if ok, err := db.RequeueJob(ctx, id, "host:1:a"); err != nil || !ok {
		t.Fatalf("requeue: %v %v", ok, err)
	}
	if j, _ := db.JobByID(ctx, id); j.State != store.JobQueued || j.Ticket != 0 || j.Progress != `{"files":3}` || j.StartedAt != "2024-01-20T10:01:00Z" {
		t.Fatalf("after requeue: %+v", j)
	}
	if ok, err := db.ClaimJob(ctx, id, "host:2:b", "2024-01-20T10:02:00Z"); err != nil || !ok {
		t.Fatalf("claim after requeue: %v, %v", ok, err)
	}
	// A cancel of a running job is a flag its runner sees.
	var state string
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		var err error
		state, err = tx.RequestJobCancel(ctx, id, "2024-01-20T10:02:30Z")
		return err
	})
	if state != store.JobRunning {
		t.Errorf("cancel of a running job left it %s, want running until its runner stops", state)
	}
	if held, cancel, err := db.HeartbeatJob(ctx, id, "host:2:b", "2024-01-20T10:02:31Z", ""); err != nil || !held || !cancel {
		t.Fatalf("heartbeat after cancel = %v %v %v; want held, cancel", held, cancel, err)
	}
	if ok, err := db.FinishJob(ctx, id, "host:1:a", store.JobDone, "", "{}", "", "2024-01-20T10:03:00Z"); err != nil || ok {
		t.Fatalf("finish by a runner that lost the job: %v %v", ok, err)
	}
	if ok, err := db.FinishJob(ctx, id, "host:2:b", store.JobCancelled, `{"files":5}`, `{"files":5}`, "cancelled", "2024-01-20T10:03:00Z"); err != nil || !ok {
		t.Fatalf("finish: %v %v", ok, err)
	}
	j, _ := db.JobByID(ctx, id)
	if j.State != store.JobCancelled || j.Attempts != 2 || j.Result != `{"files":5}` || j.Error != "cancelled" || j.FinishedAt == "" || !j.Final() {
		t.Errorf("ended job = %+v", j)
	}
	// A queued job is cancelled at once, and no runner can claim it.
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		var err error
		state, err = tx.RequestJobCancel(ctx, jobs["be"].ID, "2024-01-20T10:04:00Z")
		return err
	})
	if state != store.JobCancelled {
		t.Errorf("cancel of a queued job: %s", state)
	}
	if ok, _ := db.ClaimJob(ctx, jobs["be"].ID, "host:1:a", "2024-01-20T10:05:00Z"); ok {
		t.Error("a cancelled job was claimed")
	}
	un, err := db.UnfinishedJobs(ctx)
	if err != nil || len(un) != 2 || un[0].ID != jobs["nl2"].ID || un[1].ID != jobs["bank"].ID {
		t.Errorf("UnfinishedJobs = %+v, %v", un, err)
	}
	if ups, err := db.Uploads(ctx); err != nil || !ups["nl2-upload"] || !ups["bank-upload"] || ups["nl-upload"] || ups["be-upload"] {
		t.Errorf("Uploads = %v, %v", ups, err)
	}
}
