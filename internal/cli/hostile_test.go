package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/hostile"
)

// runCtx is run with a caller's context, guarded so that a command that
// blocks fails the test instead of hanging it (the guard is not a timing
// assertion: it only turns "never returns" into a failure).
func runCtx(t *testing.T, ctx context.Context, db string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--db", db, "--actor", "alex"}, args...)
	done := make(chan int, 1)
	go func() { done <- Run(ctx, full, Streams{In: strings.NewReader(""), Out: &out, Err: &errb}) }()
	select {
	case code = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%v: still running after 2 minutes: blocked", args)
	}
	return out.String(), errb.String(), code
}

// Every command that reads a user-given input refuses a FIFO at once, with
// an error naming it, instead of blocking on an open that never returns.
func TestInputsRefuseFIFOs(t *testing.T) {
	dir := t.TempDir()
	fifo, err := hostile.FIFO(dir, "never-written")
	if err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	db := filepath.Join(dir, "v.db")
	if _, e, code := run(t, db, "case", "create", "op-fifo"); code != 0 {
		t.Fatalf("case create: %d %s", code, e)
	}
	wl := filepath.Join(dir, "watch.txt")
	ev := filepath.Join(dir, "evidence")
	os.Mkdir(ev, 0o755)
	if err := os.WriteFile(wl, []byte("example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"ingest", "--case", "op-fifo", "--exhibit", "E1", fifo},
		{"ingest", "--case", "op-fifo", "--exhibit", "E1", "--passwords-file", fifo, ev},
		{"chat", "import", "--case", "op-fifo", fifo},
		{"bank", "import", "--name", "fifo-bank", fifo},
		{"stealer", "scan", "--case", "op-fifo", "--watchlist", fifo, ev},
		{"stealer", "scan", "--case", "op-fifo", "--watchlist", wl, fifo},
		{"stealer", "scan", "--case", "op-fifo", "--watchlist", wl, "--passwords-file", fifo, ev},
		{"match", "--hashes-file", fifo},
		{"id", "extract", fifo},
	} {
		_, stderr, code := runCtx(t, context.Background(), db, args...)
		if code == 0 || !strings.Contains(stderr, fifo) || !strings.Contains(stderr, "named pipe") {
			t.Errorf("%v: exit %d, stderr %q; want a refusal naming %s as a named pipe", args, code, stderr, fifo)
		}
	}
}

// A cancelled context (Ctrl-C) stops every long-running command: it
// returns with an error, and no command reports success.
func TestCancelledContextStopsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	if _, e, code := run(t, db, "case", "create", "op-cancel"); code != 0 {
		t.Fatalf("case create: %d %s", code, e)
	}
	ev := filepath.Join(dir, "evidence")
	os.Mkdir(ev, 0o755)
	for i := range 50 {
		os.WriteFile(filepath.Join(ev, "f"+string(rune('a'+i%26))+string(rune('a'+i/26))+".txt"), bytes.Repeat([]byte{byte(i)}, 4096), 0o644)
	}
	wl := filepath.Join(dir, "watch.txt")
	os.WriteFile(wl, []byte("example.org\n"), 0o644)
	list := filepath.Join(dir, "list.txt")
	os.WriteFile(list, []byte(strings.Repeat("d41d8cd98f00b204e9800998ecf8427e\n", 100)), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"ingest", "--case", "op-cancel", "--exhibit", "E1", ev},
		{"bank", "import", "--name", "cancelled", list},
		{"stealer", "scan", "--case", "op-cancel", "--watchlist", wl, ev},
		{"hash", ev},
	} {
		_, stderr, code := runCtx(t, ctx, db, args...)
		if code == 0 {
			t.Errorf("%v with a cancelled context: exit 0 (stderr %q)", args, stderr)
		}
	}
	// Nothing was recorded as done: the bank does not exist.
	if out, _, _ := run(t, db, "bank", "list"); strings.Contains(out, "cancelled") {
		t.Errorf("a cancelled bank import left a bank: %s", out)
	}
}

// --db naming a seized app database is refused (exit 2) and the file and
// its directory stay as they were.
func TestDBRefusesForeignDatabase(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "msgstore.db")
	if err := hostile.AppDatabase(context.Background(), p, 10, true); err != nil {
		t.Fatal(err)
	}
	before, _ := hostile.Snapshot(dir)
	for _, args := range [][]string{{"case", "create", "op-foreign"}, {"case", "list"}, {"audit", "verify"}} {
		_, stderr, code := run(t, p, args...)
		if code != ExitUsage || !strings.Contains(stderr, "not a Vibora store") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if after, _ := hostile.Snapshot(dir); after != before {
		t.Errorf("changed:\n%s\n---\n%s", before, after)
	}
}

// A write-protected store can still be read and verified.
func TestWriteProtectedStoreReadsAndVerifies(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	os.Mkdir(dir, 0o755)
	db := filepath.Join(dir, "v.db")
	ev := filepath.Join(t.TempDir(), "ev")
	os.Mkdir(ev, 0o755)
	os.WriteFile(filepath.Join(ev, "a.txt"), []byte("synthetic"), 0o644)
	for _, args := range [][]string{{"case", "create", "op-ro"}, {"ingest", "--case", "op-ro", "--exhibit", "E1", ev}} {
		if _, e, code := run(t, db, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, e)
		}
	}
	os.Chmod(db, 0o444)
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	before, _ := hostile.Snapshot(dir)
	for _, args := range [][]string{{"audit", "verify"}, {"case", "list"}, {"exhibit", "list", "--case", "op-ro"},
		{"files", "--case", "op-ro"}, {"audit", "log"}, {"bank", "list"}} {
		if out, e, code := run(t, db, args...); code != 0 {
			t.Errorf("%v on a write-protected store: exit %d\n%s%s", args, code, out, e)
		}
	}
	if _, _, code := run(t, db, "case", "create", "op-new"); code == 0 {
		t.Error("case create on a write-protected store succeeded")
	}
	if after, _ := hostile.Snapshot(dir); after != before {
		t.Errorf("changed:\n%s\n---\n%s", before, after)
	}
}

// An NSRL database holding each hash twice (upper and lower case) imports
// each once and counts the repeats; the database is not changed.
func TestBankImportCountsNSRLDuplicates(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "RDS_dups.db")
	if err := hostile.NSRL(context.Background(), p, hostile.NSRLDuplicates, 40); err != nil {
		t.Fatal(err)
	}
	before, _ := hostile.Snapshot(dir)
	out, stderr, code := run(t, filepath.Join(t.TempDir(), "v.db"), "--json", "bank", "import", "--name", "nsrl", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Stats struct{ Read, Imported, Duplicate, Rejected int64 }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Stats.Read != 80 || res.Stats.Imported != 40 || res.Stats.Duplicate != 40 {
		t.Errorf("stats %+v: want read 80, imported 40, duplicate 40", res.Stats)
	}
	if after, _ := hostile.Snapshot(dir); after != before {
		t.Errorf("changed:\n%s\n---\n%s", before, after)
	}
}

// An image that declares more pixels than the memory budget allows is a
// finding: recorded on its file as a limit, counted, exit 1; the summary
// reports the peak memory and the budget.
func TestIngestImageBombIsAFinding(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "ev")
	os.Mkdir(ev, 0o755)
	os.WriteFile(filepath.Join(ev, "bomb.tif"), hostile.TIFFBomb(2000, 2000), 0o644)
	os.WriteFile(filepath.Join(ev, "ok.png"), hostile.PNGBomb(64, 64), 0o644)
	db := filepath.Join(dir, "v.db")
	if _, e, code := run(t, db, "case", "create", "op-bomb"); code != 0 {
		t.Fatalf("case create: %d %s", code, e)
	}
	out, stderr, code := run(t, db, "--json", "ingest", "--case", "op-bomb", "--exhibit", "E1", "--memory-limit", "64MiB", ev)
	if code != ExitFailure {
		t.Fatalf("exit %d, want %d (a finding): %s %s", code, ExitFailure, out, stderr)
	}
	var rep struct {
		Files       int64            `json:"files"`
		Problems    map[string]int64 `json:"problems"`
		MemoryLimit int64            `json:"memory_limit_bytes"`
		PeakMemory  int64            `json:"peak_memory_bytes"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if rep.Files != 2 || rep.Problems["limit"] != 1 || rep.MemoryLimit != 64<<20 || rep.PeakMemory <= 0 {
		t.Errorf("report %+v: want 2 files, 1 limit problem, the 64 MiB budget and a peak", rep)
	}
	out, _, _ = run(t, db, "files", "--case", "op-bomb", "--errors")
	if !strings.Contains(out, "bomb.tif") || strings.Contains(out, "ok.png") {
		t.Errorf("files --errors:\n%s", out)
	}
	if _, stderr, code := run(t, db, "ingest", "--case", "op-bomb", "--exhibit", "E2", "--memory-limit", "lots", ev); code != ExitUsage {
		t.Errorf("--memory-limit lots: exit %d %s", code, stderr)
	}
	out, _, _ = run(t, db, "ingest", "--case", "op-bomb", "--exhibit", "E3", "--memory-limit", "1GiB", ev)
	if !strings.Contains(out, "peak memory") || !strings.Contains(out, "budget 1GiB") {
		t.Errorf("summary lacks the peak memory line:\n%s", out)
	}
}
