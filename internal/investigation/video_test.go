package investigation_test

import (
	"archive/zip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/video"
)

// TestIngestStoresVPDQ: an ingested video's frame hashes come back from
// the file page (the API's file view) as hash computed them.
func TestIngestStoresVPDQ(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: ffmpeg missing")
		}
		t.Skip("skipping: no ffmpeg")
	}
	ev := t.TempDir()
	out := filepath.Join(ev, "pattern.mkv")
	if b, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "3", "-c:v", "ffv1", out).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, b)
	}
	want, err := video.Hash(context.Background(), out, video.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	// The same video as an archive member: hashed through a temporary copy.
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zf, err := os.Create(filepath.Join(ev, "backup.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	w, _ := zw.Create("DCIM/pattern.mkv")
	w.Write(data)
	zw.Close()
	zf.Close()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := newService(t, open)
		ctx := context.Background()
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-video"}); err != nil {
			t.Fatal(err)
		}
		opt := video.DefaultOptions()
		if _, err := s.Ingest(ctx, "op-video", investigation.IngestOptions{Exhibit: "E1", Paths: []string{ev}, Video: &opt, Workers: 1}); err != nil {
			t.Fatal(err)
		}
		page, err := s.FilePage(ctx, "op-video", investigation.FileQuery{}, 0, 10)
		if err != nil || len(page.Files) != 3 {
			t.Fatalf("page %+v %v", page, err)
		}
		videos := 0
		for _, f := range page.Files {
			e := f.Entry()
			if !strings.HasSuffix(e.Path, ".mkv") {
				continue
			}
			videos++
			if e.Video == nil || e.Video.Codec != "ffv1" || len(e.VPDQ) != len(want.Frames) || len(e.VPDQ) != 3 {
				t.Fatalf("%s: video %+v, %d frames", e.Path, e.Video, len(e.VPDQ))
			}
			for i, f := range e.VPDQ {
				w := want.Frames[i]
				if f.Frame != w.Number || f.PDQ != w.PDQ.String() || f.Quality != w.Quality {
					t.Fatalf("%s frame %d: %+v, hash gave %s", e.Path, i, f, video.FormatLine(w))
				}
			}
		}
		if videos != 2 {
			t.Fatalf("%d videos", videos)
		}
	})
}
