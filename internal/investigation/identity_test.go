package investigation_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// collisionEvidence writes sd1/DCIM and sd2/DCIM (same base name), each
// with a zip and a tar whose member names collide, every member with its
// own content; known holds one content that is in the bank, stored under
// every colliding name.
func collisionEvidence(t *testing.T, dir string) (roots []string, known []byte) {
	t.Helper()
	known = []byte("synthetic known file")
	for _, sd := range []string{"sd1", "sd2"} {
		root := filepath.Join(dir, sd, "DCIM")
		os.MkdirAll(root, 0o755)
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		for i, n := range []string{"DCIM/b.jpg", "DCIM/./b.jpg", "c.jpg", "../c.jpg", "d.jpg", "/d.jpg", "e/f.jpg", `e\f.jpg`, "g.jpg", "g.jpg"} {
			w, _ := zw.Create(n)
			if i%2 == 1 {
				w.Write(known) // the second of each colliding pair is known
			} else {
				w.Write([]byte(sd + " member " + n))
			}
		}
		zw.Close()
		os.WriteFile(filepath.Join(root, "a.zip"), zb.Bytes(), 0o644)
		var tb bytes.Buffer
		tw := tar.NewWriter(&tb)
		for _, n := range []string{"x/y.jpg", "./x/y.jpg"} {
			tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(known)), Typeflag: tar.TypeReg})
			tw.Write(known)
		}
		tw.Close()
		os.WriteFile(filepath.Join(root, "t.tar"), tb.Bytes(), 0o644)
		os.WriteFile(filepath.Join(root, "IMG_0001.jpg"), []byte(sd+" photo"), 0o644)
		roots = append(roots, root)
	}
	return roots, known
}

func knownBank(t *testing.T, s *investigation.Service, known []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "known.txt")
	os.WriteFile(p, []byte(hexSum(known)+"\n"), 0o644)
	if _, err := s.ImportBank(context.Background(), p, investigation.BankImportOptions{Name: "known", Kind: "known"}); err != nil {
		t.Fatal(err)
	}
}

// filesByStatus counts the stored files of an exhibit as `vibora files`
// lists them.
func filesByStatus(t *testing.T, s *investigation.Service, exhibit string) (map[string]int64, map[string]investigation.FileView) {
	t.Helper()
	ctx := context.Background()
	by, all := map[string]int64{}, map[string]investigation.FileView{}
	err := s.Files(ctx, "op", investigation.FileQuery{Exhibit: exhibit}, func(f investigation.FileView) error {
		if _, dup := all[f.Path]; dup {
			t.Errorf("two files shown as %q", f.Path)
		}
		all[f.Path] = f
		by[f.Status]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return by, all
}

func TestIngestEveryEntryIsAFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op"}); err != nil {
			t.Fatal(err)
		}
		roots, known := collisionEvidence(t, t.TempDir())
		knownBank(t, s, known)

		// Both roots in one ingest: 2 x (10 zip members + zip + 2 tar
		// members + tar + photo) = 30 files, 14 of them known.
		rep, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: roots, BatchSize: 4})
		if err != nil {
			t.Fatal(err)
		}
		by, all := filesByStatus(t, s, "E1")
		if rep.Files != 30 || int64(len(all)) != rep.Files || rep.ByStatus["matched"] != 14 || by["matched"] != 14 {
			t.Fatalf("report: %d files, %v; stored %d, %v", rep.Files, rep.ByStatus, len(all), by)
		}
		for _, p := range []string{"sd1/DCIM/a.zip!/g.jpg", "sd1/DCIM/a.zip!/g.jpg [2]", "sd2/DCIM/a.zip!/DCIM/b.jpg [2]", "sd2/DCIM/t.tar!/x/y.jpg [2]", "sd1/DCIM/IMG_0001.jpg"} {
			if _, ok := all[p]; !ok {
				t.Errorf("no file shown as %q", p)
			}
		}
		if f := all["sd1/DCIM/a.zip!/c.jpg [2]"]; f.Status != "matched" || !strings.Contains(f.Warnings, `"a.zip!/../c.jpg"`) && !strings.Contains(f.Warnings, "../c.jpg") {
			t.Errorf("traversal twin: %+v", f.File)
		}
		if rep.ManifestFiles != 6 {
			t.Errorf("manifest lists %d files on disk, want 6", rep.ManifestFiles)
		}
		// The case report counts what 'vibora files' lists.
		cr, err := s.Report(ctx, "op")
		if err != nil || cr.ByStatus["matched"] != by["matched"] || len(cr.Exhibits) != 1 || cr.Exhibits[0].Files != rep.Files || cr.Exhibits[0].Bytes != rep.Bytes {
			t.Fatalf("case report %v %+v (%v), files %v, ingest bytes %d", cr.ByStatus, cr.Exhibits, err, by, rep.Bytes)
		}

		// The same again: nothing new, nothing counted twice; the same
		// display paths whatever order the workers finished in.
		rep2, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: roots, Workers: 1})
		if err != nil || rep2.Files != 0 || rep2.Skipped != 30 {
			t.Fatalf("repeat: %+v %v", rep2, err)
		}

		// A later ingest of another root with the same base name into the
		// same exhibit: its own files, and verify knows both roots.
		third := filepath.Join(filepath.Dir(filepath.Dir(roots[0])), "sd3", "DCIM")
		os.MkdirAll(third, 0o755)
		os.WriteFile(filepath.Join(third, "IMG_0001.jpg"), known, 0o644)
		rep3, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: []string{third}})
		if err != nil || rep3.Files != 1 || rep3.ByStatus["matched"] != 1 {
			t.Fatalf("third root: %+v %v", rep3, err)
		}
		by, all = filesByStatus(t, s, "E1")
		if len(all) != 31 || by["matched"] != 15 {
			t.Fatalf("after third root: %d files, %v", len(all), by)
		}
		if _, ok := all["sd3/DCIM/IMG_0001.jpg"]; !ok {
			t.Errorf("third root not shown under its own label")
		}
		if rep3.ManifestFiles != 7 {
			t.Errorf("manifest lists %d files on disk, want 7", rep3.ManifestFiles)
		}
		v, err := s.Verify(ctx, "op", "E1", 0)
		if err != nil || !v.OK() || v.Matched != 7 || len(v.Roots) != 3 {
			t.Fatalf("verify after a second ingest: %+v %v", v, err)
		}
		if ar, _ := s.VerifyAudit(ctx); !ar.OK() {
			t.Fatalf("audit: %+v", ar.Problems)
		}
	})
}

// TestConcurrentIngestsCountOnce runs two ingests of one exhibit at once:
// every file is stored once and counted once, in the reports and in the
// audit trail.
func TestConcurrentIngestsCountOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		s := investigation.New(db, "alex", investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op"}); err != nil {
			t.Fatal(err)
		}
		roots, _ := collisionEvidence(t, t.TempDir())
		if _, err := s.AddExhibit(ctx, "op", investigation.Exhibit{Label: "E1"}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		reps := make([]investigation.IngestReport, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s2 := investigation.New(db, "alex", investigation.WithCacheDir(t.TempDir()))
				reps[i], errs[i] = s2.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: roots, BatchSize: 3, Workers: 1})
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		if n := reps[0].Files + reps[1].Files; n != 30 {
			t.Fatalf("reports count %d + %d files, want 30", reps[0].Files, reps[1].Files)
		}
		var audited int64
		db.AuditRecords(ctx, "", func(r auditRecord) error {
			if r.Action == "ingest.batch" {
				var d struct{ Files int64 }
				json.Unmarshal([]byte(r.Detail), &d)
				audited += d.Files
			}
			return nil
		})
		if audited != 30 {
			t.Fatalf("audit trail counts %d stored files, want 30", audited)
		}
	})
}

// TestVerifyStoreDetectsEditedResults edits ingest results directly in the
// database: the audit chain stays intact, VerifyStore does not.
func TestVerifyStoreDetectsEditedResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		s := investigation.New(db, "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op"}); err != nil {
			t.Fatal(err)
		}
		roots, known := collisionEvidence(t, t.TempDir())
		knownBank(t, s, known)
		if _, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: roots, BatchSize: 5}); err != nil {
			t.Fatal(err)
		}
		rep, err := s.VerifyStore(ctx)
		if err != nil || !rep.OK() || rep.Files != 30 || rep.Batches < 6 {
			t.Fatalf("untouched store: %+v %v", rep, err)
		}
		for _, c := range []struct{ name, edit, undo string }{
			{"status", "UPDATE files SET status = 'unknown' WHERE id = (SELECT MIN(file_id) FROM file_matches)",
				"UPDATE files SET status = 'matched' WHERE id = (SELECT MIN(file_id) FROM file_matches)"},
			{"match removed", "UPDATE file_matches SET bank = 'gone' WHERE file_id = (SELECT MIN(file_id) FROM file_matches)",
				"UPDATE file_matches SET bank = 'known' WHERE bank = 'gone'"},
			{"digest", "UPDATE files SET sha256 = 'ff' || substr(sha256, 3) WHERE id = (SELECT MAX(id) FROM files)",
				"UPDATE files SET sha256 = '00' || substr(sha256, 3) WHERE 0 = 1"},
		} {
			if _, err := db.SQL().ExecContext(ctx, c.edit); err != nil {
				t.Fatal(err)
			}
			rep, err := s.VerifyStore(ctx)
			if err != nil || rep.OK() || !rep.Audit.OK() || len(rep.Bad) != 1 {
				t.Fatalf("%s edited: %+v %v", c.name, rep, err)
			}
			db.SQL().ExecContext(ctx, c.undo)
		}
		// A row no ingest stored.
		_, err = db.SQL().ExecContext(ctx, "INSERT INTO files (exhibit_id, path, root, member, ingest_id, batch, status) SELECT exhibit_id, 'planted.jpg', root, 'planted.jpg', ingest_id, 999, 'matched' FROM files WHERE id = (SELECT MIN(id) FROM files)")
		if err != nil {
			t.Fatal(err)
		}
		rep, err = s.VerifyStore(ctx)
		if err != nil || rep.OK() || !strings.Contains(rep.Bad[len(rep.Bad)-1].Problem, "no audit record seals") {
			t.Fatalf("planted row: %+v %v", rep, err)
		}
	})
}

// TestIngestBytesCountOnlyWhatWasRead: a member whose declared size is
// large but which cannot be read adds nothing to the byte totals.
func TestIngestBytesCountOnlyWhatWasRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op"}); err != nil {
			t.Fatal(err)
		}
		ev := filepath.Join(t.TempDir(), "ev")
		os.MkdirAll(ev, 0o755)
		var tb bytes.Buffer
		tw := tar.NewWriter(&tb)
		tw.WriteHeader(&tar.Header{Name: "ok.txt", Mode: 0o644, Size: 2, Typeflag: tar.TypeReg})
		tw.Write([]byte("ok"))
		tw.WriteHeader(&tar.Header{Name: "cut.bin", Mode: 0o644, Size: 1 << 30, Typeflag: tar.TypeReg})
		tw.Write(make([]byte, 1024))
		// no Close: the archive ends inside cut.bin
		os.WriteFile(filepath.Join(ev, "t.tar"), tb.Bytes(), 0o644)
		rep, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "E1", Paths: []string{ev}})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Bytes >= 1<<30 || rep.Bytes != int64(tb.Len())+2 {
			t.Fatalf("bytes %d, want %d (the tar and ok.txt): %+v", rep.Bytes, tb.Len()+2, rep)
		}
		cr, _ := s.Report(ctx, "op")
		if cr.Exhibits[0].Bytes != rep.Bytes {
			t.Fatalf("case report bytes %d, ingest %d", cr.Exhibits[0].Bytes, rep.Bytes)
		}
	})
}
