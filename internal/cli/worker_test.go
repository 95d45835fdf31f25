package cli

import (
	"path/filepath"
	"strings"
	"testing"

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
