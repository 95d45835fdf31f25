package investigation_test

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestMatcherCache: a second service on the same store and cache directory
// loads the index the first one built and finds the same records; a
// damaged ordinal table makes it rebuild instead.
func TestMatcherCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		cache := t.TempDir()
		s := investigation.New(db, "owner", investigation.WithCacheDir(cache))
		var lines []string
		for i := range 300 {
			lines = append(lines, strings.Repeat(hex.EncodeToString([]byte{byte(i), byte(i >> 8)}), 8))
		}
		list := filepath.Join(t.TempDir(), "list.txt")
		if err := os.WriteFile(list, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportBank(ctx, list, investigation.BankImportOptions{Name: "local"}); err != nil {
			t.Fatal(err)
		}
		match := func(s *investigation.Service, want string) []int64 {
			t.Helper()
			m, err := s.Matcher(ctx, investigation.MatchOptions{})
			if err != nil || m.Source != want || m.Records() != len(lines) {
				t.Fatalf("matcher: %v, source %q (want %q), %d records", err, m.Source, want, m.Records())
			}
			var recs []int64
			for _, l := range lines {
				d, _ := hex.DecodeString(l)
				ms, err := m.MatchDigest(ctx, "md5", d)
				if err != nil || len(ms) != 1 || ms[0].Hash != l {
					t.Fatalf("match %s: %v, %v", l, ms, err)
				}
				recs = append(recs, ms[0].Record)
			}
			return recs
		}
		built := match(s, "built")
		loaded := match(investigation.New(db, "owner", investigation.WithCacheDir(cache)), "cache")
		if !slices.Equal(built, loaded) {
			t.Fatalf("records from the cache %v, built %v", loaded, built)
		}
		ords, _ := filepath.Glob(filepath.Join(cache, "*.ords"))
		if len(ords) != 1 {
			t.Fatalf("ords files %v", ords)
		}
		b, err := os.ReadFile(ords[0])
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 1
		if err := os.WriteFile(ords[0], b, 0o600); err != nil {
			t.Fatal(err)
		}
		match(investigation.New(db, "owner", investigation.WithCacheDir(cache)), "built")
	})
}
