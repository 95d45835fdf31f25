package video

import (
	"context"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// synthVideo is a random walk of n frame hashes, step bits apart.
func synthVideo(r *rand.Rand, n, step int) []pdq.Hash {
	var h pdq.Hash
	for i := range h {
		h[i] = byte(r.Uint32())
	}
	out := make([]pdq.Hash, n)
	for i := range out {
		for j := 0; j < step; j++ {
			k := r.IntN(256)
			h[k/8] ^= 1 << (k % 8)
		}
		out[i] = h
	}
	return out
}

// mutate flips bits in every frame of v.
func mutate(r *rand.Rand, v []pdq.Hash, bits int) []pdq.Hash {
	out := append([]pdq.Hash(nil), v...)
	for i := range out {
		for j := 0; j < bits; j++ {
			k := r.IntN(256)
			out[i][k/8] ^= 1 << (k % 8)
		}
	}
	return out
}

// TestIndexAgreesWithBruteForce: the index's candidates and percentages
// are those of comparing with every video.
func TestIndexAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var videos [][]pdq.Hash
	for i := 0; i < 300; i++ {
		videos = append(videos, synthVideo(r, 5+r.IntN(40), 40))
	}
	x, err := NewIndex(videos)
	if err != nil {
		t.Fatal(err)
	}
	opt := DefaultMatchOptions()
	opt.QueryPercent = 0.0001 // every video with any agreeing frame
	for qi := 0; qi < 60; qi++ {
		var q []pdq.Hash
		switch qi % 3 {
		case 0: // a changed copy of a video
			q = mutate(r, videos[r.IntN(len(videos))], 20)
		case 1: // a clip: the first frames only
			v := videos[r.IntN(len(videos))]
			q = mutate(r, v[:len(v)/2+1], 8)
		default: // new material
			q = synthVideo(r, 20, 40)
		}
		got := x.Search(q, opt)
		want := map[int]Match{}
		for v, hs := range videos {
			qp, cp := Compare(q, hs, opt.Distance)
			if qp > 0 {
				want[v] = Match{Video: v, QueryPercent: qp, ComparedPercent: cp}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("query %d: %d matches, brute force %d", qi, len(got), len(want))
		}
		for _, m := range got {
			if want[m.Video] != m {
				t.Fatalf("query %d: %+v, brute force %+v", qi, m, want[m.Video])
			}
		}
	}
}

func TestUniqueHashesAndRule(t *testing.T) {
	var a, b pdq.Hash
	b[0] = 0xFF
	frames := []Frame{{Quality: 100, PDQ: a}, {Quality: 100, PDQ: a}, {Quality: 49, PDQ: b}, {Quality: 50, PDQ: b}}
	if u := UniqueHashes(frames, 50); len(u) != 2 {
		t.Fatalf("unique %v", u)
	}
	if u := UniqueHashes(frames, 51); len(u) != 1 {
		t.Fatalf("unique %v", u)
	}
	// 31 bits apart agrees, 32 does not (inclusive, as pytx).
	var c, d pdq.Hash
	for i := 0; i < 31; i++ {
		d[i/8] |= 1 << (i % 8)
	}
	if qp, cp := Compare([]pdq.Hash{c}, []pdq.Hash{d}, 31); qp != 100 || cp != 100 {
		t.Fatalf("31 bits: %v %v", qp, cp)
	}
	d[31/8] |= 1 << (31 % 8)
	if qp, _ := Compare([]pdq.Hash{c}, []pdq.Hash{d}, 31); qp != 0 {
		t.Fatalf("32 bits: %v", qp)
	}
}

// TestVariantsMatch: variants of the first 10 seconds of a sample video
// (made here with ffmpeg), modelled as Meta names its TMK sample videos
// (tmk/sample-videos: chair-orig-22-sd-bar, chair-22-sd-grey-bar,
// chair-22-sd-sepia-bar, chair-22-with-large-logo-bar,
// chair-22-with-small-logo-bar): the bar is on every variant and the
// logo variants carry it too. Here "bar" is the sample with a 24-pixel
// black strip over the bottom, and grey, sepia and logo are made from the
// barred clip. Under the default rule every pair of bar, grey, sepia and
// logo matches both ways, the original (the sample as published) matches
// bar, grey and sepia both ways, and no variant matches another sample
// video; the first half of the barred clip matches every variant and the
// original at the query side (q% >= 80) though its c% is about half.
// Measured limits, logged and not asserted: the original and the logo
// variant differ by two overlays (the bar and the logo), which add up past
// the rule (see twoOverlays); letterboxing (16 black pixels added above
// and below, which moves and squeezes the picture) brings q% to 10-25%;
// PDQ is not made for pads and crops.
func TestVariantsMatch(t *testing.T) {
	needFFmpeg(t)
	needRefData(t)
	src := filepath.Join(refDir, "chair-19-sd-bar.mp4")
	dir := t.TempDir()
	const bar = "drawbox=x=0:y=ih-24:w=iw:h=24:color=black:t=fill"
	variants := []struct{ name, dur, filter string }{
		{"original", "10", "null"},
		{"bar", "10", bar},
		{"grey", "10", bar + ",format=gray,format=yuv420p"},
		{"sepia", "10", bar + ",colorchannelmixer=.393:.769:.189:0:.349:.686:.168:0:.272:.534:.131"},
		{"logo", "10", bar + ",drawbox=x=iw-60:y=20:w=40:h=24:color=white@0.8:t=fill"},
		{"half", "5", bar},
		{"letterbox", "10", "pad=iw:ih+32:0:16:black"},
	}
	opt := DefaultOptions()
	opt.SecondsPerHash = 0.5
	hash := func(path string) *Info {
		info, err := Hash(context.Background(), path, opt)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return info
	}
	bag := func(path string) []pdq.Hash { return UniqueHashes(hash(path).Frames, QualityThreshold) }
	bags, infos := map[string][]pdq.Hash{}, map[string]*Info{}
	for _, v := range variants {
		out := filepath.Join(dir, v.name+".mp4")
		args := []string{"-nostdin", "-v", "error", "-y", "-i", src, "-an", "-t", v.dur, "-vf", v.filter,
			"-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", out}
		if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %s: %v\n%s", v.name, err, b)
		}
		infos[v.name] = hash(out)
		bags[v.name] = UniqueHashes(infos[v.name].Frames, QualityThreshold)
	}
	var others [][]pdq.Hash
	for _, n := range refVideos[1:] {
		others = append(others, bag(filepath.Join(refDir, n+".mp4")))
	}
	rule := DefaultMatchOptions()
	// limit: the pairs not asserted (the query side first), with the reason.
	limit := func(a, b string) string {
		switch {
		case a == "letterbox" || b == "letterbox":
			return "letterbox, a pad"
		case a == "original" && b == "logo" || a == "logo" && b == "original":
			return "two overlays"
		case b == "half":
			return "a clip matches at its own (query) side"
		}
		return ""
	}
	asserted := 0
	for _, a := range variants {
		for _, b := range variants {
			if a == b {
				continue
			}
			qp, cp := Compare(bags[a.name], bags[b.name], rule.Distance)
			why := limit(a.name, b.name)
			t.Logf("%-9s vs %-9s q%% %5.1f c%% %5.1f %s", a.name, b.name, qp, cp, why)
			if why != "" {
				continue
			}
			asserted++
			if qp < rule.QueryPercent {
				t.Errorf("%s does not match %s: q%% %.1f", a.name, b.name, qp)
			}
		}
		for i, o := range others {
			if qp, _ := Compare(bags[a.name], o, rule.Distance); qp >= rule.QueryPercent || qp > 20 {
				t.Errorf("%s matches %s: q%% %.1f", a.name, refVideos[i+1], qp)
			}
		}
	}
	// bar, grey, sepia, logo each way (12), original with bar, grey and
	// sepia each way (6), half against those five (5).
	if asserted != 23 {
		t.Fatalf("%d pairs asserted, want 23", asserted)
	}
	// Through the index, as a bank holds them: the half finds the original
	// and the variants, nothing else.
	x, err := NewIndex(append([][]pdq.Hash{bags["original"], bags["grey"], bags["sepia"], bags["logo"], bags["bar"]}, others...))
	if err != nil {
		t.Fatal(err)
	}
	ms := x.Search(bags["half"], rule)
	if len(ms) != 5 {
		t.Fatalf("half: %+v", ms)
	}
	for _, m := range ms {
		if m.Video > 4 || m.ComparedPercent > 70 {
			t.Fatalf("half: %+v", ms)
		}
	}
	twoOverlays(t, infos, rule)
}

// twoOverlays measures, and logs, why the original and the logo variant
// (the bar and a logo over it) do not match each other. It is PDQ, not
// our decoding: on the sample videos our frame hashes are Meta's reference
// hashes (identical on 1547 of 1563 frames, the rest 2 bits apart:
// TestReferenceAgreement), so the reference hasher gives the same. Each
// overlay moves a frame's hash on its own (the bar from the original, the
// logo from the barred clip); the two moves are in different places of the
// picture and partly add up, so the original and the logo variant lie
// further apart than either overlay alone. The rule is the issue's own
// (distance 31, q% >= 80), so the pair may fall short of it; the test
// asserts only that, when it does, the overlays add up (the same-frame
// median distance over both is at least each one's own).
func twoOverlays(t *testing.T, infos map[string]*Info, rule MatchOptions) {
	median := func(a, b []Frame) (med, over, n int) {
		var ds []int
		for i := range min(len(a), len(b)) {
			if a[i].Number != b[i].Number {
				t.Fatalf("frame %d: numbers %d and %d", i, a[i].Number, b[i].Number)
			}
			if a[i].Quality < rule.MinQuality || b[i].Quality < rule.MinQuality {
				continue
			}
			d := pdq.Distance(a[i].PDQ, b[i].PDQ)
			ds = append(ds, d)
			if d > rule.Distance {
				over++
			}
		}
		if len(ds) == 0 {
			t.Fatal("no frame of quality in both")
		}
		slices.Sort(ds)
		return ds[len(ds)/2], over, len(ds)
	}
	orig, bar, logo := infos["original"].Frames, infos["bar"].Frames, infos["logo"].Frames
	mBar, _, _ := median(orig, bar)
	mLogo, _, _ := median(bar, logo)
	mBoth, over, n := median(orig, logo)
	qp, cp := Compare(UniqueHashes(orig, rule.MinQuality), UniqueHashes(logo, rule.MinQuality), rule.Distance)
	t.Logf("limit, two overlays: original vs logo (bar and logo) q%% %.1f c%% %.1f; same frame, median distance: bar alone %d, logo alone %d, both %d (over %d on %d of %d frames)",
		qp, cp, mBar, mLogo, mBoth, rule.Distance, over, n)
	if qp < rule.QueryPercent && mBoth < max(mLogo, mBar) {
		t.Errorf("original vs logo q%% %.1f with a median distance of %d, under each overlay's own (%d, %d): not the overlays adding up", qp, mBoth, mBar, mLogo)
	}
}
