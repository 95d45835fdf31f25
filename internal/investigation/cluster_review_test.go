package investigation_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestClusterReview marks clusters of the demo's new material and checks
// that a review is audited, shown on its cluster, kept when the cluster
// gains a member that sorts first, refused to a viewer and hidden from
// another agency.
func TestClusterReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range l.Banks {
			if _, err := s.ImportBank(ctx, b.Path, investigation.BankImportOptions{Name: b.Name, Kind: b.Kind}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op", Agency: "NL-POL"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}, Workers: 1}); err != nil {
			t.Fatal(err)
		}
		clusters := func(ctx context.Context) []investigation.Cluster {
			t.Helper()
			cl, err := s.Clusters(ctx, "op", investigation.ClusterOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return cl
		}
		cl := clusters(ctx)
		if len(cl) < 2 || cl[0].Size < 2 || cl[0].Review != nil {
			t.Fatalf("clusters before any review: %+v", cl)
		}
		first, second := cl[0], cl[1]
		anchor := first.Members[0].FileID
		if anchor == 0 {
			t.Fatal("cluster members carry no file id")
		}

		// An analyst of the case's agency marks; a viewer may not; another
		// agency does not see the case.
		if _, err := s.MarkCluster(as(nlViewer), "op", anchor, "reviewed", ""); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("viewer marks: %v, want ErrForbidden", err)
		}
		if _, err := s.MarkCluster(as(beInv), "op", anchor, "reviewed", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other agency marks: %v, want ErrNotFound", err)
		}
		r, err := s.MarkCluster(as(nlInv), "op", anchor, "reviewed", "same scene,\r\nthree exhibits")
		if err != nil {
			t.Fatal(err)
		}
		if r.State != investigation.ClusterReviewed || r.Note != "same scene,\nthree exhibits" || r.By != "Ivo" || r.FileID != anchor {
			t.Errorf("review = %+v", r)
		}
		if _, err := s.MarkCluster(as(nlInv), "op", second.Members[0].FileID, "flag-victim-id", "school logo visible"); err != nil {
			t.Fatal(err)
		}
		cl = clusters(as(nlViewer))
		if got := cl[0].Review; got == nil || *got != r {
			t.Errorf("first cluster's review = %+v, want %+v", got, r)
		}
		if got := cl[1].Review; got == nil || got.State != investigation.ClusterVictimID || got.Note != "school logo visible" {
			t.Errorf("second cluster's review = %+v", got)
		}

		// Marking again replaces the review; both marks are audited.
		if r, err = s.MarkCluster(as(nlInv), "op", anchor, "victim-id", "on second look"); err != nil {
			t.Fatal(err)
		}
		if got := clusters(ctx)[0].Review; got == nil || got.State != investigation.ClusterVictimID || got.Note != "on second look" {
			t.Errorf("review after marking again = %+v", got)
		}
		var marks []string
		err = s.AuditLog(ctx, "", func(rec audit.Record) error {
			if rec.Action == "cluster.review" {
				marks = append(marks, rec.Actor+" "+rec.Object+" "+rec.Detail)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(marks) != 3 || !strings.Contains(marks[0], "Ivo case:op/cluster:") || !strings.Contains(marks[2], `"state":"victim-id"`) {
			t.Errorf("audit records of the marks: %q", marks)
		}

		// A copy of the first image in a new exhibit sorting before
		// PHONE-01 becomes the cluster's first member: the review stays.
		dir := t.TempDir()
		data, err := os.ReadFile(filepath.Join(filepath.Dir(l.Evidence), first.Members[0].Path))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "copy.png"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "CAMERA-01", Paths: []string{dir}, Workers: 1}); err != nil {
			t.Fatal(err)
		}
		cl = clusters(ctx)
		if cl[0].Size != first.Size+1 || cl[0].Members[0].Exhibit != "CAMERA-01" {
			t.Fatalf("cluster after the new exhibit: size %d, first %+v", cl[0].Size, cl[0].Members[0])
		}
		if got := cl[0].Review; got == nil || *got != r {
			t.Errorf("review after re-clustering = %+v, want %+v", got, r)
		}
		// The old anchor still finds its cluster, now headed by the copy.
		if got, err := s.ClusterOf(as(nlViewer), "op", anchor, investigation.ClusterOptions{}); err != nil || got.Members[0].Exhibit != "CAMERA-01" || got.Review == nil {
			t.Errorf("ClusterOf(old anchor) = %+v, %v", got, err)
		}
		if _, err := s.ClusterOf(as(beInv), "op", anchor, investigation.ClusterOptions{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ClusterOf as another agency: %v, want ErrNotFound", err)
		}

		// Refused: a file that heads no cluster, a file of no case, a bad
		// state, a note with control characters.
		var matched int64
		s.Files(ctx, "op", investigation.FileQuery{Status: "matched"}, func(f investigation.FileView) error { matched = f.ID; return nil })
		for name, call := range map[string]func() error{
			"matched file": func() error { _, err := s.MarkCluster(ctx, "op", matched, "reviewed", ""); return err },
			"bad state":    func() error { _, err := s.MarkCluster(ctx, "op", anchor, "done", ""); return err },
			"control note": func() error { _, err := s.MarkCluster(ctx, "op", anchor, "reviewed", "a\x1b[2Jb"); return err },
			"long note": func() error {
				_, err := s.MarkCluster(ctx, "op", anchor, "reviewed", strings.Repeat("n", 5000))
				return err
			},
		} {
			if err := call(); !errors.Is(err, investigation.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		if _, err := s.MarkCluster(ctx, "op", 999999, "reviewed", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no such file: %v, want ErrNotFound", err)
		}
		if ar, _ := s.VerifyAudit(ctx); !ar.OK() {
			t.Fatalf("audit: %+v", ar.Problems)
		}
	})
}
