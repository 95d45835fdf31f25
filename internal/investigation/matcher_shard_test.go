package investigation_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// writePDQBank writes a plain CSV bank of n random PDQ hashes (quality
// 90) plus, for every query, one near-duplicate d bits away, d = 2*i mod
// 40, so some are inside the default distance and some outside.
func writePDQBank(t *testing.T, path string, r *rand.Rand, n int, queries []pdq.Hash) {
	t.Helper()
	var b strings.Builder
	b.WriteString("pdq,pdq_quality,category\n")
	row := func(h pdq.Hash) { fmt.Fprintf(&b, "%x,90,cat\n", h[:]) }
	for range n {
		var h pdq.Hash
		for i := range h {
			h[i] = byte(r.Uint32())
		}
		row(h)
	}
	for i, q := range queries {
		h := q
		for _, bit := range r.Perm(256)[:(2*i)%40] {
			h[bit/8] ^= 1 << (bit % 8)
		}
		row(h)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestMatchersAnswerAsTheEmbeddedIndex: a service matching through two
// matcher processes' worth of ServeMatcher (each half of the partitions)
// gives the same matches as the embedded index, and a bank replaced in
// the store reaches it within seconds.
func TestMatchersAnswerAsTheEmbeddedIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		db := open(t, -1)
		r := rand.New(rand.NewPCG(11, 12))
		qs := make([]pdq.Hash, 30)
		for i := range qs {
			for j := range qs[i] {
				qs[i][j] = byte(r.Uint32())
			}
		}
		dir := t.TempDir()
		writePDQBank(t, filepath.Join(dir, "v1.csv"), r, 3000, qs)
		writePDQBank(t, filepath.Join(dir, "v2.csv"), r, 3000, qs[:15])
		local := investigation.New(db, "alex")
		if _, err := local.ImportBank(ctx, filepath.Join(dir, "v1.csv"), investigation.BankImportOptions{Name: "b", Kind: "known", Format: "plain"}); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 2)
		for i, parts := range [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}} {
			ready := make(chan struct{})
			go func() {
				done <- local.ServeMatcher(ctx, investigation.MatcherConfig{Name: fmt.Sprint("m", i), Of: 8, Partitions: parts, Secret: "k",
					Poll: 100 * time.Millisecond, Ready: func(string) { close(ready) }})
			}()
			select {
			case <-ready:
			case err := <-done:
				t.Fatal(err)
			}
		}
		remote := investigation.New(db, "alex", investigation.WithMatchers("k"))
		if ns, err := remote.MatcherNodes(ctx); err != nil || len(ns) != 2 || !ns[0].Live {
			t.Fatalf("registry: %+v %v", ns, err)
		}
		answers := func(s *investigation.Service) [][]investigation.Match {
			m, err := s.Matcher(ctx, investigation.MatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			out := make([][]investigation.Match, len(qs))
			for i, q := range qs {
				if out[i], err = m.MatchPDQ(ctx, q, 100, nil); err != nil {
					t.Fatal(err)
				}
			}
			return out
		}
		want := answers(local)
		n := 0
		for _, ms := range want {
			n += len(ms)
		}
		if n < 10 {
			t.Fatalf("only %d matches in the fixture", n)
		}
		if got := answers(remote); !reflect.DeepEqual(got, want) {
			t.Fatalf("through the matchers:\n%v\nembedded:\n%v", got, want)
		}
		// Replace the bank; the matchers see it within seconds.
		t0 := time.Now()
		if _, err := local.ImportBank(ctx, filepath.Join(dir, "v2.csv"), investigation.BankImportOptions{Name: "b", Format: "plain"}); err != nil {
			t.Fatal(err)
		}
		want = answers(local)
		for {
			got := answers(remote)
			if reflect.DeepEqual(got, want) {
				break
			}
			if time.Since(t0) > 10*time.Second {
				t.Fatalf("bank replacement not visible after 10 s:\n%v\nwant\n%v", got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("replacement visible after %v", time.Since(t0))
		cancel()
		for range 2 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		if ns, _ := local.MatcherNodes(context.Background()); len(ns) != 0 {
			t.Fatalf("stopped matchers still registered: %+v", ns)
		}
	})
}

// TestMatcherRestartsFromDisk: a matcher given a directory keeps its
// partitions there; started again on it, it loads them from disk (its
// log says so), tails what the banks gained meanwhile, and answers as
// the embedded index.
func TestMatcherRestartsFromDisk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		db := open(t, -1)
		r := rand.New(rand.NewPCG(61, 62))
		qs := make([]pdq.Hash, 20)
		for i := range qs {
			for j := range qs[i] {
				qs[i][j] = byte(r.Uint32())
			}
		}
		dir := t.TempDir()
		writePDQBank(t, filepath.Join(dir, "b.csv"), r, 2000, qs)
		writePDQBank(t, filepath.Join(dir, "c.csv"), r, 500, qs[:10])
		local := investigation.New(db, "alex")
		if _, err := local.ImportBank(context.Background(), filepath.Join(dir, "b.csv"), investigation.BankImportOptions{Name: "b", Kind: "known", Format: "plain"}); err != nil {
			t.Fatal(err)
		}
		shardDir := filepath.Join(dir, "shard")
		run := func() (stop func(), log *strings.Builder) {
			ctx, cancel := context.WithCancel(context.Background())
			log = &strings.Builder{}
			done := make(chan error, 1)
			ready := make(chan struct{})
			go func() {
				done <- local.ServeMatcher(ctx, investigation.MatcherConfig{Name: "m", Of: 4, Partitions: []int{0, 1, 2, 3}, Secret: "k", Dir: shardDir,
					Poll: 100 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(log, nil)), Ready: func(string) { close(ready) }})
			}()
			select {
			case <-ready:
			case err := <-done:
				t.Fatal(err)
			}
			return func() {
				cancel()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}, log
		}
		stop, log := run()
		stop()
		if !strings.Contains(log.String(), "from=store") {
			t.Fatalf("first start: %s", log)
		}
		// A bank added while no matcher runs.
		if _, err := local.ImportBank(context.Background(), filepath.Join(dir, "c.csv"), investigation.BankImportOptions{Name: "c", Kind: "known", Format: "plain"}); err != nil {
			t.Fatal(err)
		}
		stop, log = run()
		defer stop()
		if !strings.Contains(log.String(), "from=disk") {
			t.Fatalf("restart: %s", log)
		}
		ctx := context.Background()
		answers := func(s *investigation.Service) []investigation.QueryMatches {
			hs := make([]string, len(qs))
			for i, q := range qs {
				hs[i] = "pdq:" + q.String()
			}
			out, err := s.MatchHashes(ctx, hs, investigation.MatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		want := answers(local)
		n := 0
		for _, q := range want {
			n += len(q.Matches)
		}
		if n < 10 {
			t.Fatalf("only %d matches in the fixture", n)
		}
		if got := answers(investigation.New(db, "alex", investigation.WithMatchers("k"))); !reflect.DeepEqual(got, want) {
			t.Fatalf("restarted matcher:\n%v\nembedded:\n%v", got, want)
		}
	})
}
