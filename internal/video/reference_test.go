package video

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// refDir holds Meta's sample videos and their every-frame reference hashes
// (see its README.md).
const refDir = "../../../shared/testdata/vpdq"

var refVideos = []string{"chair-19-sd-bar", "chair-22-sd-grey-bar", "doorknob-hd-no-bar", "pattern-sd-grey-bar"}

// needFFmpeg skips without ffmpeg, except under CI where it must be there.
func needFFmpeg(t testing.TB) {
	t.Helper()
	if err := Available(Options{}); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
}

func needRefData(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(refDir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: reference data missing: %v", err)
		}
		t.Skipf("skipping: reference data missing: %v", err)
	}
}

func readRef(t *testing.T, name string) []Frame {
	t.Helper()
	f, err := os.Open(filepath.Join(refDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	frames, err := ReadText(f, 0)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return frames
}

// TestReferenceAgreement hashes every frame of Meta's sample videos, at
// the native size and at 128x128 (the reference's -s 128, which produced
// the *-128x128.txt files), and compares with the reference output: frame
// numbers and timestamps exactly, hashes within a few bits. The reference
// decodes with another libav version, so a few bits may differ on some
// frames; the distribution is logged. Measured with Debian's FFmpeg 5.1:
// at 128x128 every frame is identical; at the native size 1547 of 1563
// frames are identical and 16 differ by 2 bits.
func TestReferenceAgreement(t *testing.T) {
	needFFmpeg(t)
	needRefData(t)
	for _, size := range []int{0, 128} {
		// Frames the matcher uses (reference quality >= 50) and all frames:
		// near-flat frames (quality 0, a fade to black) hash to noise.
		hist, histAll := map[int]int{}, map[int]int{}
		total, sum, worst, all := 0, 0, 0, 0
		for _, name := range refVideos {
			refName := name + ".txt"
			if size > 0 {
				refName = fmt.Sprintf("%s-%dx%d.txt", name, size, size)
			}
			want := readRef(t, refName)
			opt := DefaultOptions()
			opt.SecondsPerHash, opt.Size = 0, size
			info, err := Hash(context.Background(), filepath.Join(refDir, name+".mp4"), opt)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(info.Warnings) > 0 {
				t.Errorf("%s: warnings %v", name, info.Warnings)
			}
			if len(info.Frames) != len(want) {
				t.Fatalf("%s size %d: %d frames, reference %d", name, size, len(info.Frames), len(want))
			}
			for i, f := range info.Frames {
				w := want[i]
				if f.Number != w.Number || FormatLine(f)[strings.LastIndexByte(FormatLine(f), ','):] != FormatLine(w)[strings.LastIndexByte(FormatLine(w), ','):] {
					t.Fatalf("%s frame %d: got %s, reference %s", name, i, FormatLine(f), FormatLine(w))
				}
				d := pdq.Distance(f.PDQ, w.PDQ)
				histAll[d]++
				all++
				if d > 8 {
					t.Errorf("%s size %d frame %d: distance %d (got %s, reference %s)", name, size, f.Number, d, f.PDQ, w.PDQ)
				}
				if w.Quality < QualityThreshold {
					continue
				}
				hist[d]++
				total++
				sum += d
				worst = max(worst, d)
				if diff := f.Quality - w.Quality; diff > 5 || diff < -5 {
					t.Errorf("%s size %d frame %d: quality %d, reference %d", name, size, f.Number, f.Quality, w.Quality)
				}
			}
		}
		t.Logf("size %d: %d frames of quality >= 50, mean distance %.2f, max %d; distance:frames%s", size, total, float64(sum)/float64(total), worst, histogram(hist))
		t.Logf("size %d: all %d frames, distance:frames%s", size, all, histogram(histAll))
		if mean := float64(sum) / float64(total); mean > 1 {
			t.Errorf("size %d: mean distance %.2f over 1 bit", size, mean)
		}
	}
}

func histogram(h map[int]int) string {
	keys := make([]int, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %d:%d", k, h[k])
	}
	return b.String()
}
