package investigation

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestResidentIndex: a service made WithResidentIndex that loads its
// index from the cache swaps in a copy of the PDQ index of its own (not
// the mapping) and answers the same matches before and after; a service
// without the option keeps the loaded index.
func TestResidentIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		cache := t.TempDir()
		var lines, queries []string
		for i := range 400 {
			h := fmt.Sprintf("%016x%016x%016x%016x", uint64(i)*0x9e3779b97f4a7c15, uint64(i)*0xc2b2ae3d27d4eb4f, uint64(i)*0x165667b19e3779f9, uint64(i)*0x27d4eb2f165667c5)
			lines = append(lines, h)
			q := []byte(h)
			q[0] = "0123456789abcdef"[(strings.IndexByte("0123456789abcdef", q[0])+1)%16] // a few bits off
			queries = append(queries, "pdq:"+string(q))
		}
		list := filepath.Join(t.TempDir(), "list.txt")
		if err := os.WriteFile(list, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := New(db, "owner", WithCacheDir(cache)).ImportBank(ctx, list, BankImportOptions{Name: "local", Hash64: "pdq"}); err != nil {
			t.Fatal(err)
		}
		records := func(s *Service) []int64 {
			t.Helper()
			res, err := s.MatchHashes(ctx, queries, MatchOptions{MaxDistance: 31})
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for i, r := range res {
				if len(r.Matches) == 0 {
					t.Fatalf("query %d (%s) found nothing", i, queries[i])
				}
				for _, m := range r.Matches {
					out = append(out, m.Record)
				}
			}
			return out
		}
		if _, err := New(db, "owner", WithCacheDir(cache)).Matcher(ctx, MatchOptions{}); err != nil {
			t.Fatal(err) // builds the index and writes the cache
		}
		plain := New(db, "owner", WithCacheDir(cache))
		want := records(plain)
		s := New(db, "owner", WithCacheDir(cache), WithResidentIndex())
		m, err := s.Matcher(ctx, MatchOptions{})
		if err != nil || m.Source != "cache" {
			t.Fatalf("matcher: %v, source %q", err, m.Source)
		}
		loaded := m.matchIndex
		if got := records(s); !slices.Equal(got, want) {
			t.Fatalf("before the copy: %v, want %v", got, want)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			s.index.Lock()
			idx := s.index.idx
			s.index.Unlock()
			if idx != loaded {
				if idx.pdq == loaded.pdq || idx.key != loaded.key || idx.search == nil {
					t.Fatalf("swapped index: same PDQ %v, key %q (was %q)", idx.pdq == loaded.pdq, idx.key, loaded.key)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the resident copy was not swapped in within 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if l := s.live.Load(); l == nil || l.idx == loaded {
			t.Fatal("MatchHashes still uses the mapped index")
		}
		if got := records(s); !slices.Equal(got, want) {
			t.Fatalf("after the copy: %v, want %v", got, want)
		}
		plain.index.Lock()
		kept := plain.index.idx
		plain.index.Unlock()
		if kept == nil || kept.pdq == nil {
			t.Fatal("the plain service lost its index")
		}
	})
}
