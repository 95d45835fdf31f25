package demo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/vibora-project/vibora/internal/video"
)

// Videos is what WriteVideos wrote.
type Videos struct {
	Bank     string // a vPDQ hash list (reference text form) of the known video
	Evidence string // evidence root of exhibit DVR-01: a re-encoded, brightened, larger copy and an unrelated video
}

// videoScenes are the seeds of the known video's scenes, one second each.
var videoScenes = []uint64{800, 801, 802, 803}

// WriteVideos writes the demo's videos under dir with ffmpeg (which must
// be on PATH): abstract scenes rendered here, encoded with ffmpeg's own
// MPEG-4 encoder on one thread and bit-exact flags, so a run is
// reproducible. The known video's vPDQ list (one hash a second, as ingest
// computes) goes to a bank file; the exhibit holds a variant of it
// (brighter, another size and quality) and an unrelated video.
func WriteVideos(ctx context.Context, dir string) (*Videos, error) {
	v := &Videos{Bank: filepath.Join(dir, "banks", "demo-video.txt"), Evidence: filepath.Join(dir, "evidence", "DVR-01")}
	known := filepath.Join(dir, "video", "known-01.mp4")
	if err := encodeVideo(ctx, known, videoScenes, 160, 120, 0, 3); err != nil {
		return nil, err
	}
	if err := encodeVideo(ctx, filepath.Join(v.Evidence, "Movies", "clip_0001.mp4"), videoScenes, 240, 180, 10, 8); err != nil {
		return nil, err
	}
	if err := encodeVideo(ctx, filepath.Join(v.Evidence, "Movies", "holiday.mp4"), []uint64{900, 901, 902}, 160, 120, 0, 3); err != nil {
		return nil, err
	}
	info, err := video.Hash(ctx, known, video.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("demo video: %w", err)
	}
	var b bytes.Buffer
	if err := video.WriteText(&b, info.Frames); err != nil {
		return nil, err
	}
	return v, writeFile(v.Bank, b.Bytes())
}

// encodeVideo renders one second (10 frames) per scene at w x h and
// encodes them to path as MPEG-4 part 2 at quantiser q.
func encodeVideo(ctx context.Context, path string, scenes []uint64, w, h, brightness, q int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	const fps = 10
	var raw bytes.Buffer
	for _, s := range scenes {
		pix := Picture{Seed: s, Width: w, Height: h, Brightness: brightness}.Render().Pix
		for range fps {
			raw.Write(pix)
		}
	}
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error", "-y",
		"-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", w, h), "-r", fmt.Sprint(fps), "-i", "pipe:0",
		"-c:v", "mpeg4", "-q:v", fmt.Sprint(q), "-pix_fmt", "yuv420p", "-threads", "1",
		"-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1", path)
	cmd.Stdin = &raw
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("demo video: ffmpeg: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}
