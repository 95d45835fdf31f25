package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/store"
)

// buildBinary compiles cmd/vibora once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vibora")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/vibora")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestIngestSurvivesKill9 kills a real ingest process with SIGKILL at
// several moments, then runs the same command to the end: every file must
// be stored exactly once.
func TestIngestSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it: skipped with -short")
	}
	bin := buildBinary(t)
	evidence := t.TempDir()
	const n = 6000
	for i := 0; i < n; i++ {
		d := filepath.Join(evidence, fmt.Sprintf("d%02d", i%30))
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, fmt.Sprintf("f%05d.txt", i)), []byte(fmt.Sprintf("synthetic file %d\n", i)), 0o644)
	}
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			if _, e, code := run(t, db, "case", "create", "op-kill"); code != 0 {
				t.Fatal(e)
			}
			args := []string{"--db", db, "ingest", "--case", "op-kill", "--exhibit", "E1", evidence}
			count := func() int {
				s, err := store.Open(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				var k int
				s.SQL().QueryRow("SELECT COUNT(*) FROM files").Scan(&k)
				return k
			}
			// Each round kills the process as soon as it has committed
			// more rows than the round before: mid-run, mid-batch.
			killed, prev := 0, 0
			for round := 0; round < 3; round++ {
				cmd := exec.Command(bin, args...)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				deadline := time.Now().Add(30 * time.Second)
				for count() <= prev && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
				if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
					killed++
				}
				cmd.Wait()
				prev = count()
				t.Logf("round %d: killed with %d rows stored", round, prev)
			}
			if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
				t.Fatalf("final run: %v\n%s", err, out)
			}
			if got := count(); got != n {
				t.Fatalf("after %d kills and a final run: %d file rows, want %d", killed, got, n)
			}
			s, _ := store.Open(context.Background(), db)
			defer s.Close()
			var distinct int
			s.SQL().QueryRow("SELECT COUNT(DISTINCT path) FROM files").Scan(&distinct)
			if distinct != n {
				t.Fatalf("%d distinct paths, want %d", distinct, n)
			}
			var dupMatches sql.NullInt64
			s.SQL().QueryRow("SELECT COUNT(*) FROM (SELECT file_id FROM file_matches GROUP BY file_id, bank, record_id, kind HAVING COUNT(*) > 1) x").Scan(&dupMatches)
			if dupMatches.Int64 != 0 {
				t.Fatal("duplicate match rows")
			}
			if _, _, code := run(t, db, "audit", "verify"); code != 0 {
				t.Fatal("audit chain broken by the kills")
			}
			// A killed run is marked interrupted by the next (a run may
			// also have finished before its kill landed).
			var all, running, interrupted int
			s.SQL().QueryRow("SELECT COUNT(*) FROM ingests").Scan(&all)
			s.SQL().QueryRow("SELECT COUNT(*) FROM ingests WHERE status = 'running'").Scan(&running)
			s.SQL().QueryRow("SELECT COUNT(*) FROM ingests WHERE status = 'interrupted'").Scan(&interrupted)
			if running != 0 || interrupted > all-1 {
				t.Fatalf("after %d kills: %d ingests, %d running, %d interrupted", killed, all, running, interrupted)
			}
			if _, _, code := run(t, db, "verify", "--store"); code != 0 {
				t.Fatal("stored results do not match their audit records after the kills")
			}
			if ents, _ := os.ReadDir(filepath.Join(cacheDir(db), "spill")); len(ents) != 0 {
				t.Fatalf("spill directories left: %v", ents)
			}
		})
	}
}
