package investigation_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestDashboardCounts: the case list's and the dashboard's kept counts
// equal what the case report counts by scanning the files; a file's
// sightings in a case the caller may not read are counted, not named,
// until the case is shared.
func TestDashboardCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		ctx := context.Background()
		dir := t.TempDir()
		contents := []string{"synthetic one\n", "synthetic two\n", "synthetic three\n", "synthetic four\n", "synthetic five\n"}
		sum := md5.Sum([]byte(contents[0]))
		bank := filepath.Join(dir, "bank.txt")
		if err := os.WriteFile(bank, []byte(hex.EncodeToString(sum[:])+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ImportBank(ctx, bank, investigation.BankImportOptions{Name: "known", Kind: "known"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"nl-1", "be-1"} {
			for _, ex := range []string{"phone", "laptop"} {
				ev := filepath.Join(dir, c, ex)
				if err := os.MkdirAll(ev, 0o700); err != nil {
					t.Fatal(err)
				}
				for i, s := range contents {
					if err := os.WriteFile(filepath.Join(ev, fmt.Sprintf("%s-%d.txt", ex, i)), []byte(s+ex), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				// The matched content, the same in every exhibit and case.
				if err := os.WriteFile(filepath.Join(ev, "known.txt"), []byte(contents[0]), 0o600); err != nil {
					t.Fatal(err)
				}
				if _, err := f.s.Ingest(ctx, c, investigation.IngestOptions{Exhibit: ex, Paths: []string{ev}, CryptoOnly: true, Workers: 1}); err != nil {
					t.Fatal(err)
				}
			}
		}
		nl := f.as("nl-analyst")
		page, err := f.s.CaseSummaryPage(nl, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range page.Items {
			names = append(names, c.Name)
			if c.Name == "nl-1" && (c.Exhibits != 2 || c.Files != 12 || c.Matched != 2 || c.Unknown != 10) {
				t.Errorf("summary of nl-1: %+v", c)
			}
			if c.Name == "nl-2" && (c.Exhibits != 0 || c.Files != 0) {
				t.Errorf("summary of nl-2: %+v", c)
			}
		}
		if !slices.Equal(names, []string{"nl-1", "nl-2"}) {
			t.Errorf("case summaries of nl-analyst: %q", names)
		}
		d, err := f.s.CaseDashboard(nl, "nl-1")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.s.Report(nl, "nl-1")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d.ByStatus, rep.ByStatus) || !reflect.DeepEqual(d.Matches, rep.Matches) || d.Warnings != rep.Warnings {
			t.Errorf("dashboard %+v %+v, report %+v %+v", d.ByStatus, d.Matches, rep.ByStatus, rep.Matches)
		}
		for i, e := range d.Exhibits {
			if e.Files != rep.Exhibits[i].Files || e.Bytes != rep.Exhibits[i].Bytes || e.Label != rep.Exhibits[i].Label {
				t.Errorf("exhibit %d: dashboard %+v, report %+v", i, e, rep.Exhibits[i])
			}
		}
		if len(d.Custody) == 0 || d.CustodyTotal != len(d.Custody) || len(d.Jobs) != 0 {
			t.Errorf("custody %d of %d, jobs %d", len(d.Custody), d.CustodyTotal, len(d.Jobs))
		}
		if _, err := f.s.CaseDashboard(f.as("be-analyst"), "nl-1"); !isNotFound(err) {
			t.Errorf("dashboard of another agency's case: %v", err)
		}
		matched, err := f.s.FilePage(nl, "nl-1", investigation.FileQuery{Status: "matched", Order: "size", Desc: true}, 0, 10)
		if err != nil || len(matched.Files) != 2 {
			t.Fatalf("matched files: %+v %v", matched, err)
		}
		fd, err := f.s.FileDetail(nl, "nl-1", matched.Files[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(fd.Seen) != 0 || fd.SeenUnnamed != 1 || len(fd.Matches) != 1 {
			t.Errorf("file detail before the share: seen %+v unnamed %d matches %d", fd.Seen, fd.SeenUnnamed, len(fd.Matches))
		}
		if _, err := f.s.ShareCase(f.as("be-admin"), "be-1", "NL-POL", "viewer"); err != nil {
			t.Fatal(err)
		}
		fd, err = f.s.FileDetail(nl, "nl-1", matched.Files[0].ID)
		if err != nil || len(fd.Seen) != 1 || fd.Seen[0].Case != "be-1" || fd.Seen[0].Files != 2 || fd.SeenUnnamed != 0 {
			t.Errorf("file detail after the share: %+v %d %v", fd.Seen, fd.SeenUnnamed, err)
		}
		if _, err := f.s.FileDetail(nl, "nl-2", matched.Files[0].ID); !isNotFound(err) {
			t.Errorf("a file under another case's name: %v", err)
		}
		for user, want := range map[string][]string{"nl-analyst": {"NL-POL"}, "nl-viewer": {}, "hub": {}} {
			got, err := f.s.CaseAgencies(f.as(user))
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("case agencies of %s: %q %v", user, got, err)
			}
		}
	})
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
