package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/video"
)

const vpdqRefDir = "../../../shared/testdata/vpdq"

// needVideo skips without ffmpeg or the reference videos, except under CI.
func needVideo(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("ffmpeg")
	if err == nil {
		_, err = os.Stat(vpdqRefDir)
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %v", err)
		}
		t.Skipf("skipping: needs ffmpeg and ../shared/testdata/vpdq: %v", err)
	}
}

// TestHashVideo: vibora hash --json on a sample video prints its facts
// and one frame a second (frame numbers n mod 30 == 0 at 30 fps), each
// hash the reference's for that frame within 2 bits; --vpdq-out writes
// the same in the reference text format; --seconds-per-hash 0 hashes every
// frame. The document is pinned by testdata/golden/hash-video.jsonl.
func TestHashVideo(t *testing.T) {
	needVideo(t)
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(vpdqRefDir, "doorknob-hd-no-bar.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	ev := filepath.Join(dir, "ev")
	os.MkdirAll(ev, 0o755)
	os.WriteFile(filepath.Join(ev, "doorknob.mp4"), src, 0o644)
	out, e, code := run(t, filepath.Join(dir, "v.db"), "--json", "hash", "--vpdq-out", filepath.Join(dir, "vpdq"), ev)
	if code != 0 {
		t.Fatalf("hash: %d %s", code, e)
	}
	got := strings.ReplaceAll(out, dir, "$TMP")
	checkGolden(t, "hash-video.jsonl", got)

	var v investigation.HashView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(vpdqRefDir, "doorknob-hd-no-bar.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := video.ReadText(f, 0)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if v.Video == nil || v.Video.Width != 1280 || v.Video.Height != 720 || v.Video.Codec != "h264" || v.Video.FPS != 30 || v.Video.FrameMod != 30 || len(v.VPDQ) != 4 {
		t.Fatalf("video %+v, %d frames", v.Video, len(v.VPDQ))
	}
	for i, fr := range v.VPDQ {
		r := ref[i*30]
		h, _ := pdq.ParseHex(fr.PDQ)
		if fr.Frame != r.Number || fr.Timestamp != r.Timestamp || pdq.Distance(h, r.PDQ) > 2 {
			t.Errorf("frame %+v, reference %s", fr, video.FormatLine(r))
		}
	}
	txt, err := os.ReadFile(filepath.Join(dir, "vpdq", "doorknob.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(txt)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "30,") || !strings.HasSuffix(lines[1], ",1.000") {
		t.Fatalf("--vpdq-out: %q", txt)
	}

	out, e, code = run(t, filepath.Join(dir, "v.db"), "--json", "hash", "--seconds-per-hash", "0", ev)
	if code != 0 {
		t.Fatalf("hash: %d %s", code, e)
	}
	v = investigation.HashView{}
	json.Unmarshal([]byte(out), &v)
	if len(v.VPDQ) != 120 || v.VPDQ[119].Frame != 119 || v.VPDQ[119].Timestamp != 3.967 {
		t.Fatalf("every frame: %d frames", len(v.VPDQ))
	}
	if _, _, code := run(t, filepath.Join(dir, "v.db"), "hash", "--seconds-per-hash", "-1", ev); code != ExitUsage {
		t.Fatalf("negative seconds per hash: code %d", code)
	}
}

// TestHashVideoWithoutFFmpeg: with no ffmpeg on PATH, a video still gets
// its digests (with a warning), everything else hashes, and stderr says
// why once.
func TestHashVideoWithoutFFmpeg(t *testing.T) {
	needVideo(t)
	dir := t.TempDir()
	src, _ := os.ReadFile(filepath.Join(vpdqRefDir, "doorknob-hd-no-bar.mp4"))
	os.WriteFile(filepath.Join(dir, "doorknob.mp4"), src, 0o644)
	t.Setenv("PATH", t.TempDir())
	out, e, code := run(t, filepath.Join(dir, "v.db"), "--json", "hash", filepath.Join(dir, "doorknob.mp4"))
	if code != 0 {
		t.Fatalf("hash: %d %s", code, e)
	}
	var v investigation.HashView
	json.Unmarshal([]byte(out), &v)
	if v.SHA256 == "" || v.MediaType != "video/mp4" || v.VPDQ != nil || len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "ffmpeg not found") {
		t.Fatalf("view %+v", v)
	}
	if !strings.Contains(e, "warning: ffmpeg not found") {
		t.Fatalf("stderr %q", e)
	}
}

// checkGolden compares got with testdata/golden/name (-update rewrites it).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update after checking the change)\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

// TestIngestVideo: ingest stores a video's facts and frame hashes (both
// stores); files --json lists the facts; --seconds-per-hash is honoured.
func TestIngestVideo(t *testing.T) {
	needVideo(t)
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			ev := t.TempDir()
			src, _ := os.ReadFile(filepath.Join(vpdqRefDir, "doorknob-hd-no-bar.mp4"))
			os.WriteFile(filepath.Join(ev, "doorknob.mp4"), src, 0o644)
			os.WriteFile(filepath.Join(ev, "notes.txt"), []byte("synthetic"), 0o644)
			if _, e, code := run(t, db, "case", "create", "op-video"); code != 0 {
				t.Fatal(e)
			}
			if _, e, code := run(t, db, "ingest", "--case", "op-video", "--exhibit", "PHONE-01", "--seconds-per-hash", "2", ev); code != 0 {
				t.Fatalf("ingest: %d %s", code, e)
			}
			out, e, code := run(t, db, "--json", "files", "--case", "op-video")
			if code != 0 {
				t.Fatalf("files: %d %s", code, e)
			}
			var seen int
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var f investigation.FileEntry
				if err := json.Unmarshal([]byte(line), &f); err != nil {
					t.Fatal(err)
				}
				switch filepath.Base(f.Path) {
				case "doorknob.mp4":
					seen++
					if f.Video == nil || f.Video.Codec != "h264" || f.Video.Width != 1280 || f.Video.FrameMod != 60 || f.Video.SecondsPerHash != 2 || f.Video.Duration != 4.331 {
						t.Fatalf("video %+v", f.Video)
					}
				case "notes.txt":
					seen++
					if f.Video != nil {
						t.Fatalf("text file has a video: %+v", f.Video)
					}
				}
			}
			if seen != 2 {
				t.Fatalf("files: %s", out)
			}
		})
	}
}
