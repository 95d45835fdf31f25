package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/matchshard"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

const testMatcherSecret = "test-matcher-secret"

// matcherHub is a store with a PDQ bank, the brute-force answer key and a
// client over the registry.
type matcherHub struct {
	db     string
	st     *store.DB
	ids    []int64
	hashes []pdq.Hash
	client *matchshard.Client
}

func newMatcherHub(t *testing.T, db string, r *rand.Rand, n int, qs []pdq.Hash) *matcherHub {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The bank is written straight into the store (an import of 200,000
	// lines would cost the test seconds; on PostgreSQL its records with
	// one COPY, see insertBankRecords): random hashes, then
	// near-duplicates of half the queries at known distances 0..39.
	var recs []store.BankRecord
	add := func(h pdq.Hash) {
		recs = append(recs, store.BankRecord{PDQ: fmt.Sprintf("%x", h[:]), PDQQuality: 90, Category: "c"})
	}
	for range n {
		var h pdq.Hash
		for i := range h {
			h[i] = byte(r.Uint32())
		}
		add(h)
	}
	for i, q := range qs {
		if i%2 == 0 {
			h := q
			for _, bit := range r.Perm(256)[:(i/2)%40] {
				h[bit/8] ^= 1 << (bit % 8)
			}
			add(h)
		}
	}
	bank := store.Bank{Name: "b", Kind: "known", Version: 1, ImportedAt: "2026-12-04T00:00:00Z", ImportedBy: "test", RecordCount: int64(len(recs)), ContentDigest: "generated"}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertBank(ctx, &bank) }); err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		recs[i].BankID = bank.ID
	}
	insertBankRecords(t, db, st, recs)
	h := &matcherHub{db: db, st: st}
	h.reload(t)
	h.client = &matchshard.Client{Secret: testMatcherSecret, Settle: 10 * time.Second, Nodes: func(ctx context.Context) ([]matchshard.Node, error) {
		ms, err := st.Matchers(ctx)
		var out []matchshard.Node
		for _, m := range ms {
			out = append(out, matchshard.Node{Name: m.Name, Addr: m.Addr, Partitions: m.Partitions, Of: m.Of, Heartbeat: time.UnixMilli(m.HeartbeatMS)})
		}
		return out, err
	}}
	return h
}

// insertBankRecords writes the records of a new bank that no matcher
// reads yet. On PostgreSQL it uses one COPY (200,000 rows in about a
// second, where InsertBankRecords' statements of 500 rows took 34 s on
// the loaded CI machine): what the tests check is the matchers' answers,
// not the store's row-by-row insert, which the store conformance suite
// covers. The columns the records set are the ones InsertBankRecords
// writes for them; the others keep their defaults, as there.
func insertBankRecords(t *testing.T, db string, st *store.DB, recs []store.BankRecord) {
	t.Helper()
	ctx := context.Background()
	if !store.IsPostgres(db) {
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertBankRecords(ctx, recs) }); err != nil {
			t.Fatal(err)
		}
		return
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows := make([][]any, len(recs))
	for i, r := range recs {
		if r != (store.BankRecord{BankID: r.BankID, PDQ: r.PDQ, PDQQuality: r.PDQQuality, Category: r.Category}) {
			t.Fatalf("insertBankRecords copies bank, PDQ, quality and category only, not %+v", r)
		}
		rows[i] = []any{r.BankID, r.PDQ, int64(r.PDQQuality), r.Category}
	}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"bank_records"}, []string{"bank_id", "pdq", "pdq_quality", "category"}, pgx.CopyFromRows(rows))
	if err != nil || n != int64(len(recs)) {
		t.Fatalf("copy %d bank records: %d copied, %v", len(recs), n, err)
	}
}

// reload reads the live PDQ records back: the brute force's input.
func (h *matcherHub) reload(t *testing.T) {
	ctx := context.Background()
	h.ids, h.hashes = nil, nil
	banks, err := h.st.LiveBanks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range banks {
		err := h.st.BankPDQAfter(ctx, b.ID, 0, func(id int64, s string, _ int) error {
			p, err := pdq.ParseHex(s)
			h.ids, h.hashes = append(h.ids, id), append(h.hashes, p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

type qrec struct {
	q   int
	rec int64
}

func (h *matcherHub) brute(qs []pdq.Hash, maxDist int) map[qrec]int {
	words := func(x *pdq.Hash) [4]uint64 {
		return [4]uint64{binary.LittleEndian.Uint64(x[0:]), binary.LittleEndian.Uint64(x[8:]), binary.LittleEndian.Uint64(x[16:]), binary.LittleEndian.Uint64(x[24:])}
	}
	qw := make([][4]uint64, len(qs))
	for i := range qs {
		qw[i] = words(&qs[i])
	}
	out := map[qrec]int{}
	for i := range h.hashes {
		x := words(&h.hashes[i])
		for qi, q := range qw {
			// Half the words first: a pair already past maxDist (nearly
			// all of them) costs two popcounts, not four.
			d := bits.OnesCount64(q[0]^x[0]) + bits.OnesCount64(q[1]^x[1])
			if d > maxDist {
				continue
			}
			if d += bits.OnesCount64(q[2]^x[2]) + bits.OnesCount64(q[3]^x[3]); d <= maxDist {
				out[qrec{qi, h.ids[i]}] = d
			}
		}
	}
	return out
}

// check compares the matchers' answer to the batch of n queries from
// offset with the brute force.
func check(hits []matchshard.Hit, want map[qrec]int, offset, n int) error {
	got := map[qrec]int{}
	for _, h := range hits {
		k := qrec{h.Query + offset, h.Record}
		if _, dup := got[k]; dup {
			return fmt.Errorf("query %d record %d answered twice", k.q, k.rec)
		}
		got[k] = h.Distance
	}
	expected := 0
	for k, d := range want {
		if k.q < offset || k.q >= offset+n {
			continue
		}
		expected++
		if gd, ok := got[k]; !ok || gd != d {
			return fmt.Errorf("query %d record %d: distance %d found %v, want %d", k.q, k.rec, gd, ok, d)
		}
	}
	if expected != len(got) {
		return fmt.Errorf("%d hits, want %d", len(got), expected)
	}
	return nil
}

// matcherProc is one `vibora matcher` process.
type matcherProc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
}

func startMatcher(t *testing.T, bin, db, name, parts string, of int) *matcherProc {
	t.Helper()
	cmd := exec.Command(bin, "--db", db, "--json", "matcher", "--name", name, "--partitions", parts, "--partition-count", fmt.Sprint(of))
	cmd.Env = append(os.Environ(), "VIBORA_MATCHER_SECRET="+testMatcherSecret, "VIBORA_LOG=warn")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &matcherProc{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	var ready struct{ Addr string }
	if err != nil || json.Unmarshal([]byte(line), &ready) != nil || ready.Addr == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("matcher %s did not get ready: %q %v\n%s", name, line, err, p.stderr)
	}
	p.addr = ready.Addr
	return p
}

func matcherDB(t *testing.T) string {
	if storetest.PostgresDSN(t) != "" {
		return storetest.NewPostgresDatabase(t)
	}
	return filepath.Join(t.TempDir(), "v.db")
}

func randomQueries(r *rand.Rand, n int) []pdq.Hash {
	qs := make([]pdq.Hash, n)
	for i := range qs {
		for j := range qs[i] {
			qs[i][j] = byte(r.Uint32())
		}
	}
	return qs
}

// TestMatcherProcesses runs real `vibora matcher` processes on loopback.
func TestMatcherProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs matcher processes: skipped with -short")
	}
	bin := buildBinary(t)

	// Recall equal to brute force on 200,000 hashes and 1,000 queries over
	// three matchers (every partition on two of them), one killed with
	// SIGKILL mid-run.
	t.Run("RecallWithOneKilled", func(t *testing.T) {
		r := rand.New(rand.NewPCG(21, 22))
		qs := randomQueries(r, 1000)
		hub := newMatcherHub(t, matcherDB(t), r, 200_000, qs)
		want := hub.brute(qs, 31)
		if len(want) < 300 {
			t.Fatalf("only %d expected matches", len(want))
		}
		ms := []*matcherProc{
			startMatcher(t, bin, hub.db, "a", "0-3", 6),
			startMatcher(t, bin, hub.db, "b", "2-5", 6),
			startMatcher(t, bin, hub.db, "c", "4-5,0-1", 6),
		}
		const batch = 100
		for off := 0; off < len(qs); off += batch {
			if off == 400 {
				ms[1].cmd.Process.Signal(syscall.SIGKILL)
				ms[1].cmd.Wait()
			}
			hits, err := hub.client.SearchPDQ(context.Background(), qs[off:off+batch], 31)
			if err != nil {
				t.Fatalf("batch at %d: %v", off, err)
			}
			if err := check(hits, want, off, batch); err != nil {
				t.Fatalf("batch at %d: %v", off, err)
			}
		}
	})

	// New records, removals and a replaced bank reach the matchers within
	// seconds.
	t.Run("BankUpdateVisible", func(t *testing.T) {
		r := rand.New(rand.NewPCG(23, 24))
		qs := randomQueries(r, 100)
		hub := newMatcherHub(t, matcherDB(t), r, 20_000, qs)
		startMatcher(t, bin, hub.db, "a", "0-3", 4)
		ctx := context.Background()
		waitFor := func(what string) {
			t.Helper()
			hub.reload(t)
			want := hub.brute(qs, 31)
			t0 := time.Now()
			for {
				hits, err := hub.client.SearchPDQ(ctx, qs, 31)
				if err == nil {
					err = check(hits, want, 0, len(qs))
				}
				if err == nil {
					t.Logf("%s: visible after %v", what, time.Since(t0).Round(time.Millisecond))
					return
				}
				if time.Since(t0) > 10*time.Second {
					t.Fatalf("%s: not visible after 10 s: %v", what, err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		waitFor("loaded")
		b, err := hub.st.BankByName(ctx, "b")
		if err != nil {
			t.Fatal(err)
		}
		// Records appended to the live bank (the tail) ...
		var recs []store.BankRecord
		for i := 1; i < 40; i += 2 {
			recs = append(recs, store.BankRecord{BankID: b.ID, PDQ: fmt.Sprintf("%x", qs[i][:]), PDQQuality: 90})
		}
		if err := hub.st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertBankRecords(ctx, recs) }); err != nil {
			t.Fatal(err)
		}
		waitFor("appended")
		// ... removed with tombstones ...
		hub.reload(t)
		if err := hub.st.InTx(ctx, func(tx *store.Tx) error {
			return tx.RemoveBankRecords(ctx, b.ID, hub.ids[len(hub.ids)-10:], "t")
		}); err != nil {
			t.Fatal(err)
		}
		waitFor("removed")
		// ... and the bank replaced by another version.
		path := filepath.Join(t.TempDir(), "v2.csv")
		var csv strings.Builder
		csv.WriteString("pdq,pdq_quality\n")
		for _, q := range qs[50:] {
			fmt.Fprintf(&csv, "%x,80\n", q[:])
		}
		os.WriteFile(path, []byte(csv.String()), 0o600)
		if _, err := investigation.New(hub.st, "alex").ImportBank(ctx, path, investigation.BankImportOptions{Name: "b", Format: "plain"}); err != nil {
			t.Fatal(err)
		}
		waitFor("replaced")
	})

	// A matcher added and the old ones stopped while a client queries
	// without pause: no wrong or missing answer during the move.
	t.Run("PartitionMove", func(t *testing.T) {
		r := rand.New(rand.NewPCG(25, 26))
		qs := randomQueries(r, 200)
		hub := newMatcherHub(t, matcherDB(t), r, 50_000, qs)
		want := hub.brute(qs, 31)
		a := startMatcher(t, bin, hub.db, "a", "0-2", 6)
		b := startMatcher(t, bin, hub.db, "b", "3-5", 6)
		var stop atomic.Bool
		var wg sync.WaitGroup
		var queries atomic.Int64
		errs := make(chan error, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				hits, err := hub.client.SearchPDQ(context.Background(), qs, 31)
				if err == nil {
					err = check(hits, want, 0, len(qs))
				}
				if err != nil {
					errs <- err
					return
				}
				queries.Add(1)
			}
		}()
		time.Sleep(200 * time.Millisecond)
		startMatcher(t, bin, hub.db, "c", "0-5", 6)
		for _, m := range []*matcherProc{a, b} {
			time.Sleep(200 * time.Millisecond)
			m.cmd.Process.Signal(syscall.SIGTERM)
			if err := m.cmd.Wait(); err != nil {
				t.Fatalf("matcher stopped with %v\n%s", err, m.stderr)
			}
		}
		time.Sleep(200 * time.Millisecond)
		stop.Store(true)
		wg.Wait()
		select {
		case err := <-errs:
			t.Fatalf("during the move: %v", err)
		default:
		}
		if ns, _ := hub.st.Matchers(context.Background()); len(ns) != 1 || ns[0].Name != "c" {
			t.Fatalf("registry after the move: %+v", ns)
		}
		t.Logf("%d batches answered during the move", queries.Load())
	})
}
