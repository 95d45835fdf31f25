package investigation_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestIngestAfterACrash: an ingest row left running by a process that is
// gone is marked interrupted, and the spill files that process left in
// the cache directory are removed; the new run's spill directory is
// private to its owner and removed when it ends.
func TestIngestAfterACrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		cache := t.TempDir()
		s := investigation.New(db, "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(cache))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op"}); err != nil {
			t.Fatal(err)
		}
		roots, _ := collisionEvidence(t, t.TempDir())
		if _, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: roots[:1]}); err != nil {
			t.Fatal(err)
		}
		// What a killed ingest leaves: a running row and a spill file.
		host, _ := os.Hostname()
		pid := deadPID(t)
		_, err := db.SQL().ExecContext(ctx, fmt.Sprintf("INSERT INTO ingests (exhibit_id, roots, started_at, actor, status, owner) SELECT exhibit_id, roots, 't', 'alex', 'running', '%s:%d' FROM ingests", host, pid))
		if err != nil {
			t.Fatal(err)
		}
		// A row running in a live process (this one, as another ingest) is not touched.
		_, err = db.SQL().ExecContext(ctx, fmt.Sprintf("INSERT INTO ingests (exhibit_id, roots, started_at, actor, status, owner) SELECT exhibit_id, roots, 't', 'alex', 'running', '%s:%d' FROM ingests WHERE status = 'done'", host, os.Getppid()))
		if err != nil {
			t.Fatal(err)
		}
		left := filepath.Join(cache, "spill", fmt.Sprint(pid))
		os.MkdirAll(left, 0o700)
		os.WriteFile(filepath.Join(left, "vibora-spill-1"), []byte("decrypted member"), 0o600)

		rep, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: roots})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Interrupted) != 1 || rep.Files != 15 {
			t.Fatalf("interrupted %v, files %d", rep.Interrupted, rep.Files)
		}
		statuses := map[string]int{}
		rows, err := db.SQL().QueryContext(ctx, "SELECT status FROM ingests")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var st string
			rows.Scan(&st)
			statuses[st]++
		}
		rows.Close()
		if statuses["interrupted"] != 1 || statuses["running"] != 1 || statuses["done"] != 2 {
			t.Fatalf("ingest statuses %v", statuses)
		}
		if _, err := os.Stat(left); !os.IsNotExist(err) {
			t.Errorf("spill files of a dead process left behind: %v", err)
		}
		st, err := os.Stat(filepath.Join(cache, "spill"))
		if err != nil || st.Mode().Perm() != 0o700 {
			t.Fatalf("spill directory: %v %v", st.Mode(), err)
		}
		if ents, _ := os.ReadDir(filepath.Join(cache, "spill")); len(ents) != 0 {
			t.Errorf("spill directory not empty after the ingest: %v", ents)
		}
	})
}
