package investigation_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestConcurrentWritersKeepOneChain has several analysts (separate
// connections to one store) make changes at the same time: every change
// must land, and the audit chain must stay one unbroken line.
func TestConcurrentWritersKeepOneChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		first := open(t, -1)
		const writers, each = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := 0; w < writers; w++ {
			db, err := store.Open(ctx, first.DSN())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			s := investigation.New(db, fmt.Sprintf("analyst-%d", w))
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					if _, err := s.CreateCase(ctx, investigation.Case{Name: fmt.Sprintf("case-%d-%d", w, i)}); err != nil {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		rep, err := investigation.New(first, "auditor").VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Records != writers*each {
			t.Fatalf("audit after concurrent writers: %d records, problems %v", rep.Records, rep.Problems)
		}
	})
}

// TestOneServiceManyCalls uses one service as a server would: calls of
// several principals at once (run with -race). The match index is built
// once and then reused from memory until a bank changes.
func TestOneServiceManyCalls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "owner", investigation.WithCacheDir(t.TempDir()))
		for _, c := range []investigation.Case{{Name: "nl-a", Agency: "NL-POL"}, {Name: "be-c", Agency: "BE-FCCU"}} {
			if _, err := s.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		list := filepath.Join(t.TempDir(), "list.txt")
		if err := os.WriteFile(list, []byte(strings.Repeat("ab", 16)+"\n"+strings.Repeat("cd", 16)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportBank(ctx, list, investigation.BankImportOptions{Name: "local"}); err != nil {
			t.Fatal(err)
		}
		m, err := s.Matcher(ctx, investigation.MatchOptions{})
		if err != nil || m.Source != "built" {
			t.Fatalf("first matcher: %v, source %q", err, m.Source)
		}

		const workers = 8
		var wg sync.WaitGroup
		errs := make(chan error, workers*8)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := []access.Principal{nlInv, beInv, nlViewer, hubAdmin}[w%4]
				ctx := as(p)
				m, err := s.Matcher(ctx, investigation.MatchOptions{MaxDistance: 1 + w})
				if err != nil {
					errs <- err
					return
				}
				if m.Source != "memory" {
					errs <- fmt.Errorf("worker %d: match index from %q, want memory", w, m.Source)
				}
				d, _ := hex.DecodeString(strings.Repeat("ab", 16))
				if ms, err := m.MatchDigest(ctx, "md5", d); err != nil || len(ms) != 1 {
					errs <- fmt.Errorf("worker %d: match %v, %v", w, ms, err)
				}
				cases, err := s.Cases(ctx)
				if err != nil || len(cases) != map[bool]int{true: 0, false: 1}[p.ID == hubAdmin.ID] {
					errs <- fmt.Errorf("worker %d as %s: cases %v, %v", w, p.ID, cases, err)
				}
				if p.Agency == "NL-POL" && p.Allows(access.Case, access.Write, "NL-POL") {
					if _, err := s.AddExhibit(ctx, "nl-a", investigation.Exhibit{Label: fmt.Sprintf("E-%d", w)}); err != nil {
						errs <- err
					}
				}
				if _, err := s.Clusters(ctx, "nl-a", investigation.ClusterOptions{}); err != nil && p.Agency == "NL-POL" {
					errs <- err
				}
				if _, err := s.Report(ctx, "nl-a"); err != nil && p.Agency == "NL-POL" {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		// A bank change makes the next call rebuild.
		if err := s.RemoveBank(ctx, "local"); err != nil {
			t.Fatal(err)
		}
		if m, err := s.Matcher(ctx, investigation.MatchOptions{}); err != nil || m.Source == "memory" {
			t.Fatalf("matcher after a bank change: %v, source %q", err, m.Source)
		}
		if rep, err := s.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Fatalf("audit after concurrent calls: %+v, %v", rep, err)
		}
	})
}
