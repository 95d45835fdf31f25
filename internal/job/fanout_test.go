package job_test

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// addArchive writes a zip of synthetic members (two with one name) under
// the evidence root's phone folder.
func addArchive(t *testing.T, root, name string, members int) {
	t.Helper()
	f, err := os.Create(filepath.Join(root, "phone", name))
	must(t, err)
	zw := zip.NewWriter(f)
	for i := range members {
		w, err := zw.Create(fmt.Sprintf("chats/msg-%02d.txt", i%(members-1)))
		must(t, err)
		fmt.Fprintf(w, "synthetic message %d to +1 202 555 01%02d\n", i, i%100)
	}
	must(t, zw.Close())
	must(t, f.Close())
}

// rowsOf returns an exhibit's file rows and matches as a comparable
// value: what the rows say, without the ids that differ between stores.
func rowsOf(t *testing.T, svc *investigation.Service, caseName, exhibit string) []investigation.FileView {
	t.Helper()
	var out []investigation.FileView
	must(t, svc.Files(as(nlAnalyst), caseName, investigation.FileQuery{Exhibit: exhibit}, func(f investigation.FileView) error {
		f.ID, f.ExhibitID, f.IngestID, f.Batch, f.Case = 0, 0, 0, 0, ""
		for i := range f.Matches {
			f.Matches[i].FileID = 0
		}
		out = append(out, f)
		return nil
	}))
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Root != b.Root {
			return a.Root < b.Root
		}
		if a.Member != b.Member {
			return a.Member < b.Member
		}
		return a.Seq < b.Seq
	})
	return out
}

// TestFanOutEqualsOneProcess: an ingest fanned out in parts over two
// workers stores the same rows, the same manifest and the same counts as
// one process ingesting the same evidence, and seals every batch.
func TestFanOutEqualsOneProcess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		parts := func(c *job.Config) { c.PartFiles, c.Workers = 4, -1 }
		e := newEnv(t, open, 21, parts)
		addArchive(t, e.root, "backup.zip", 9)
		addArchive(t, e.root, "older.zip", 5)
		_, err := e.svc.CreateCase(as(nlAnalyst), investigation.Case{Name: "op-ref"})
		must(t, err)
		one, err := e.svc.Ingest(as(nlAnalyst), "op-ref", investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{filepath.Join(e.root, "phone")}, CryptoOnly: true, Workers: 1})
		must(t, err)

		serve(t, e.m)
		for range 2 {
			serve(t, e.manager(t, func(c *job.Config) { c.PartFiles = 4 }))
		}
		j, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		j = wait(t, e.m, j.ID, "the end", ended)
		var rep investigation.IngestReport
		must(t, json.Unmarshal(j.Result, &rep))
		if j.State != store.JobDone {
			t.Fatalf("job = %+v", j)
		}
		if rep.Manifest != one.Manifest || rep.ManifestFiles != one.ManifestFiles || rep.Files != one.Files || rep.Bytes != one.Bytes ||
			!reflect.DeepEqual(rep.ByStatus, one.ByStatus) || rep.ExhibitProblems != one.ExhibitProblems {
			t.Errorf("fanned-out report %+v\none process %+v", rep, one)
		}
		if want := int64(21 + 2 + 9 + 5); rep.Files != want {
			t.Errorf("stored %d files, want %d", rep.Files, want)
		}
		got, want := rowsOf(t, e.svc, "op-nl", "PHONE-01"), rowsOf(t, e.svc, "op-ref", "PHONE-01")
		if len(got) != len(want) {
			t.Errorf("fanned out: %d rows, one process: %d", len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("row %d differs:\n%+v\n%+v", i, got[i], want[i])
			}
		}
		if j.Progress == nil || j.Progress.Files != rep.Files || j.Progress.FilesTotal < 23 {
			t.Errorf("progress = %+v", j.Progress)
		}
		// The ingest's batches came from several parts, all sealed.
		var batches int
		must(t, e.db.SQL().QueryRow("SELECT COUNT(DISTINCT batch) FROM files WHERE ingest_id = "+itoa(rep.Ingest)).Scan(&batches))
		if batches < 6 {
			t.Errorf("%d batches: the ingest did not fan out", batches)
		}
		st, err := e.svc.VerifyStore(as(owner))
		must(t, err)
		if !st.Intact {
			t.Errorf("store verify: %+v", st)
		}
	})
}
