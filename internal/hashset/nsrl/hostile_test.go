package nsrl_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/nsrl"
	"github.com/vibora-project/vibora/internal/hostile"
)

// Hostile "NSRL databases" are refused before a single row is read (a view
// or generated column would otherwise run without end, or fill memory), or
// read exactly; the file and its directory never change.
func TestHostileDatabases(t *testing.T) {
	ctx := context.Background()
	want := map[string]string{
		hostile.NSRLRecursiveView:   "DISTINCT_HASH",
		hostile.NSRLCountingView:    "DISTINCT_HASH",
		hostile.NSRLZeroblobView:    "DISTINCT_HASH",
		hostile.NSRLVersionView:     "VERSION",
		hostile.NSRLGeneratedColumn: "generated",
		hostile.NSRLTrigger:         "trigger",
		hostile.NSRLWAL:             "write-ahead log",
	}
	for _, kind := range hostile.NSRLCases {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "RDS_hostile.db")
			if err := hostile.NSRL(ctx, path, kind, 50); err != nil {
				t.Fatal(err)
			}
			before, err := hostile.Snapshot(dir)
			if err != nil {
				t.Fatal(err)
			}
			r, err := nsrl.Open(ctx, path, hashset.Options{})
			if frag, refuse := want[kind]; refuse {
				if err == nil {
					r.Close()
					t.Fatalf("opened; want a refusal mentioning %q", frag)
				}
				if !strings.Contains(err.Error(), frag) || !strings.Contains(err.Error(), path) {
					t.Errorf("error %q: want it to name %s and mention %q", err, path, frag)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				recs, rejs, err := hashset.ReadAll(r)
				r.Close()
				if err != nil || len(rejs) != 0 || len(recs) != 100 {
					t.Fatalf("%d records, %d rejections, %v; want the 100 rows (50 distinct hashes twice)", len(recs), len(rejs), err)
				}
				var d hashset.Deduper
				dups := 0
				for i := range recs {
					if d.Seen(&recs[i]) {
						dups++
					}
				}
				if dups != 50 {
					t.Errorf("%d duplicates, want 50", dups)
				}
			}
			after, err := hostile.Snapshot(dir)
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Errorf("the database or its directory changed:\n%s\n---\n%s", before, after)
			}
		})
	}
}
