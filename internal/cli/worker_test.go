package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

func TestWorkerUsage(t *testing.T) {
	_, stderr, code := run(t, filepath.Join(t.TempDir(), "v.db"), "worker", "--evidence-root", t.TempDir())
	if code != ExitUsage || !strings.Contains(stderr, "postgres://") {
		t.Errorf("worker on SQLite: code %d, %q", code, stderr)
	}
	if storetest.PostgresDSN(t) == "" {
		return
	}
	dsn := storetest.NewPostgresDatabase(t)
	for _, args := range [][]string{{"--queues", "ingest,bogus"}, {"--concurrency", "0"}} {
		_, stderr, code := run(t, dsn, append([]string{"worker", "--evidence-root", t.TempDir()}, args...)...)
		if code != ExitUsage {
			t.Errorf("worker %v: code %d, %q", args, code, stderr)
		}
	}
	if _, stderr, code := run(t, dsn, "serve", "--job-workers", "-1"); code != ExitUsage {
		t.Errorf("serve --job-workers -1: code %d, %q", code, stderr)
	}
}

// TestJobsCommands: jobs list shows a queued job and the queues; cancel
// stops it, retry puts it back, show shows it (text and --json).
func TestJobsCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	if _, stderr, code := run(t, db, "case", "create", "op-nl"); code != 0 {
		t.Fatalf("case create: %s", stderr)
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "phone"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := access.NewContext(context.Background(), access.LocalPrincipal("alex", "alex"))
	s, err := investigation.Open(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := job.New(ctx, s, job.Config{EvidenceRoots: []string{root}, SpoolDir: t.TempDir(), Workers: -1})
	if err != nil {
		t.Fatal(err)
	}
	j, err := m.SubmitIngest(ctx, "op-nl", "PHONE-01", []string{"phone"})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	s.Close()
	id := strconv.FormatInt(j.ID, 10)

	out, stderr, code := run(t, db, "--json", "jobs", "list")
	var list JobList
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list.Jobs) != 1 || list.Jobs[0].State != "queued" {
		t.Fatalf("jobs list: %d %q %q", code, out, stderr)
	}
	if len(list.Queues.Queues) == 0 || list.Queues.Queues[1].Queue != job.QueueIngest || list.Queues.Queues[1].Available != 1 {
		t.Errorf("queues = %+v", list.Queues)
	}
	var got investigation.Job
	out, _, code = run(t, db, "--json", "jobs", "cancel", id)
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.State != "cancelled" {
		t.Errorf("jobs cancel: %d %q", code, out)
	}
	out, _, code = run(t, db, "--json", "jobs", "retry", id)
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.State != "queued" {
		t.Errorf("jobs retry: %d %q", code, out)
	}
	out, _, code = run(t, db, "jobs", "show", id)
	if code != 0 || !strings.Contains(out, "queued") || !strings.Contains(out, `"exhibit":"PHONE-01"`) {
		t.Errorf("jobs show: %d %q", code, out)
	}
	if _, _, code = run(t, db, "jobs", "retry", id); code != ExitUsage {
		t.Errorf("retry of a queued job: code %d", code)
	}
	if _, _, code = run(t, db, "jobs", "show", "999"); code != ExitUsage {
		t.Errorf("show of no job: code %d", code)
	}
	out, _, code = run(t, db, "jobs", "list")
	if code != 0 || !strings.Contains(out, "QUEUE") || !strings.Contains(out, "ingest") {
		t.Errorf("jobs list: %d %q", code, out)
	}
}
