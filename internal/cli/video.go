package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/video"
)

// videoFlags are the vPDQ options of hash and ingest.
type videoFlags struct {
	secondsPerHash float64
	frameSize      int
}

func (f *videoFlags) register(cmd *cobra.Command) {
	cmd.Flags().Float64Var(&f.secondsPerHash, "seconds-per-hash", video.DefaultSecondsPerHash,
		"vPDQ: seconds between hashed video frames, by decoded-frame index as the reference (0: every frame)")
	cmd.Flags().IntVar(&f.frameSize, "vpdq-frame-size", 0, "vPDQ: scale frames to NxN before hashing, as the reference's -s (0: native size)")
}

// options checks the flags and ffmpeg. Without ffmpeg it warns once on
// stderr and returns the options anyway: each video then gets a warning
// and everything else is hashed as usual.
func (f *videoFlags) options(g *globals) (*video.Options, error) {
	if f.secondsPerHash < 0 || f.secondsPerHash > 3600 {
		return nil, usageError{fmt.Errorf("--seconds-per-hash %v is outside 0..3600", f.secondsPerHash)}
	}
	if f.frameSize < 0 || f.frameSize > 4096 {
		return nil, usageError{fmt.Errorf("--vpdq-frame-size %d is outside 0..4096", f.frameSize)}
	}
	opt := video.DefaultOptions()
	opt.SecondsPerHash, opt.Size = f.secondsPerHash, f.frameSize
	if err := video.Available(opt); err != nil {
		newLines(g.streams.Err).Printf("vibora: warning: %v: videos get digests but no vPDQ\n", err)
	}
	return &opt, nil
}

// videoMatchFlags are the vPDQ rule's thresholds on match and ingest.
func videoMatchFlags(cmd *cobra.Command, opt *investigation.MatchOptions) {
	cmd.Flags().Float64Var(&opt.VideoQueryPercent, "video-query-percent", video.DefaultQueryMatchPercent,
		"vPDQ: a video matches a bank video when this share (%) of its unique frame hashes is near one of the bank video's")
	cmd.Flags().Float64Var(&opt.VideoComparedPercent, "video-compared-percent", video.DefaultIndexMatchPercent,
		"vPDQ: ... and this share (%) of the bank video's unique frame hashes is near one of its own")
}

// percents formats a vPDQ match's q% and c% for a table ("" for other
// matches).
func percents(q, c *float64) string {
	if q == nil || c == nil {
		return ""
	}
	return fmt.Sprintf("q%% %.1f c%% %.1f", *q, *c)
}

// vpdqWriter writes each video's frames in the reference text format to
// DIR/NAME.txt, NAME the video's base name without its extension (with
// the start of its SHA-256 when two videos share a name).
type vpdqWriter struct {
	dir   string
	taken map[string]bool
}

func newVPDQWriter(dir string) (*vpdqWriter, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--vpdq-out: %w", err)
	}
	return &vpdqWriter{dir: dir, taken: map[string]bool{}}, nil
}

func (w *vpdqWriter) write(r evidence.Result) error {
	if w == nil || r.Video == nil {
		return nil
	}
	base := filepath.Base(r.Path)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	if name == "" || name == "." || strings.HasPrefix(name, ".") {
		name = "video" + name
	}
	if w.taken[name] {
		name += "-" + r.Digests.SHA256Hex()[:12]
	}
	w.taken[name] = true
	f, err := os.OpenFile(filepath.Join(w.dir, name+".txt"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("--vpdq-out: %w", err)
	}
	if err := video.WriteText(f, r.Video.Frames); err != nil {
		f.Close()
		return fmt.Errorf("--vpdq-out: %w", err)
	}
	return f.Close()
}
