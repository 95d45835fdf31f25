package investigation_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

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
					if _, err := s.CreateCase(ctx, store.Case{Name: fmt.Sprintf("case-%d-%d", w, i)}); err != nil {
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
