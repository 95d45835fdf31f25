package investigation_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// snapshot records every file's digest and mtime under root.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, _ := os.Lstat(p)
		sig := info.ModTime().String() + " " + info.Mode().String()
		if info.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			sig += " " + hexSum(b)
		}
		out[p] = sig
		return nil
	})
	return out
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return fmt.Sprintf("%x", s)
}

// hostile adds entries the pipeline must record and survive.
func hostile(t *testing.T, root string) {
	t.Helper()
	dir := filepath.Join(root, "hostile")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "empty.dat"), nil, 0o644)
	os.Symlink("../DCIM", filepath.Join(dir, "loop-link"))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Logf("no fifo: %v", err)
	}
	f, _ := os.Create(filepath.Join(dir, "evil.zip"))
	zw := zip.NewWriter(f)
	w, _ := zw.Create("../../escape.txt")
	w.Write([]byte("traversal name"))
	zw.Close()
	f.Close()
	os.WriteFile(filepath.Join(dir, "truncated.jpg"), []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), 0o644)
}

func TestIngestTriage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
		if err != nil {
			t.Fatal(err)
		}
		hostile(t, l.Evidence)
		for _, b := range l.Banks {
			if _, err := s.ImportBank(ctx, b.Path, investigation.BankImportOptions{Name: b.Name, Kind: b.Kind}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op"}); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, l.Evidence)
		time.Sleep(10 * time.Millisecond)
		opt := investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}, Match: investigation.MatchOptions{Dihedral: true}, BatchSize: 7}
		rep, err := s.Ingest(ctx, "op", opt)
		if err != nil {
			t.Fatal(err)
		}
		after := snapshot(t, l.Evidence)
		if len(before) != len(after) {
			t.Fatalf("evidence tree changed: %d entries before, %d after", len(before), len(after))
		}
		for p, sig := range before {
			if after[p] != sig {
				t.Errorf("evidence %s changed (digest, mode or mtime)", p)
			}
		}

		files := map[string]investigation.FileView{}
		s.Files(ctx, "op", investigation.FileQuery{}, func(f investigation.FileView) error { files[f.Path] = f; return nil })
		if int64(len(files)) != rep.Files {
			t.Fatalf("stored %d files, report says %d", len(files), rep.Files)
		}
		status := func(p string) string { return files["PHONE-01/"+p].Status }
		for _, p := range []string{"DCIM/Camera/IMG_0101.jpg", "DCIM/Camera/IMG_0201.jpg", "DCIM/Camera/IMG_0202.jpg",
			"Pictures/saved/IMG_0203.png", "Pictures/saved/IMG_0204.jpg", "Backups/backup.zip!/backup/IMG_0102.jpg"} {
			if status(p) != "matched" {
				t.Errorf("%s: status %q, want matched (%+v)", p, status(p), files["PHONE-01/"+p].Matches)
			}
		}
		if m := files["PHONE-01/Pictures/saved/IMG_0204.jpg"].Matches; len(m) == 0 || m[0].Kind != "pdq" || m[0].Series != "DEMO-SERIES-A" {
			t.Errorf("mirrored copy: matches %+v, want a dihedral PDQ match in DEMO-SERIES-A", m)
		}
		if status("system/res_00.dat") != "ignorable" || status("Download/new_00.png") != "unknown" {
			t.Errorf("ignorable/unknown: %q %q", status("system/res_00.dat"), status("Download/new_00.png"))
		}
		// Hostile entries are recorded, never dropped.
		if f := files["PHONE-01/hostile/pipe"]; f.Status != "error" {
			t.Errorf("fifo: %+v", f.File)
		}
		if f := files["PHONE-01/hostile/loop-link"]; !strings.Contains(f.Warnings+f.Error, "symlink") {
			t.Errorf("symlink: %+v", f.File)
		}
		if f := files["PHONE-01/hostile/truncated.jpg"]; f.Status != "error" || f.Error == "" {
			t.Errorf("truncated image: %+v", f.File)
		}
		found := false
		for p, f := range files {
			if strings.HasPrefix(p, "PHONE-01/hostile/evil.zip!/") {
				found = true
				if !strings.Contains(f.Warnings+f.Error, "traversal") {
					t.Errorf("traversal member %s: %+v", p, f.File)
				}
			}
		}
		if !found {
			t.Error("traversal member of evil.zip not recorded")
		}
		if f := files["PHONE-01/hostile/empty.dat"]; f.Size != 0 || f.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
			t.Errorf("empty file: %+v", f.File)
		}

		// New material: the three generated clusters, largest first.
		cl, err := s.Clusters(ctx, "op", investigation.ClusterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cl) < 3 || cl[0].Size != 5 || cl[1].Size != 4 || cl[2].Size != 3 {
			t.Fatalf("clusters: %+v", cl)
		}

		// Again: idempotent.
		rep2, err := s.Ingest(ctx, "op", opt)
		if err != nil {
			t.Fatal(err)
		}
		if rep2.Files != 0 || rep2.Skipped != rep.Files {
			t.Fatalf("second ingest stored %d and skipped %d, want 0 and %d", rep2.Files, rep2.Skipped, rep.Files)
		}

		// Verify: intact, then after changes to the (test's own) tree.
		v, err := s.Verify(ctx, "op", "PHONE-01", 0)
		if err != nil || !v.OK() || v.Matched == 0 {
			t.Fatalf("verify: %+v %v", v, err)
		}
		ev := l.Evidence
		os.WriteFile(filepath.Join(ev, "Download/new_00.png"), []byte("changed"), 0o644)
		os.Remove(filepath.Join(ev, "Download/new_01.png"))
		os.Rename(filepath.Join(ev, "Download/new_02.png"), filepath.Join(ev, "Download/renamed.png"))
		os.WriteFile(filepath.Join(ev, "Download/added.txt"), []byte("new"), 0o644)
		v, err = s.Verify(ctx, "op", "PHONE-01", 0)
		if err != nil {
			t.Fatal(err)
		}
		if v.OK() || len(v.Changed) != 1 || len(v.Missing) != 1 || len(v.Moved) != 1 || len(v.New) != 1 {
			t.Fatalf("verify after changes: changed %v missing %v moved %v new %v", v.Changed, v.Missing, v.Moved, v.New)
		}
		d, _ := s.CaseDetail(ctx, "op")
		kinds := []string{}
		for _, e := range d.Custody {
			kinds = append(kinds, e.Event)
		}
		if got := strings.Join(kinds, ","); got != "acquired,ingested,ingested,verified,verified" {
			t.Errorf("custody events %s", got)
		}
		if ar, _ := s.VerifyAudit(ctx); !ar.OK() {
			t.Fatalf("audit: %+v", ar.Problems)
		}
	})
}
