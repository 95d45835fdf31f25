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

// TestVariantsMatch: grey, sepia, logo and bar (a black strip over the
// bottom) variants of the first 10 seconds of a sample video (made here
// with ffmpeg) match the original and the colour variants under the
// default rule and match none of the other sample videos; the first half
// of the clip matches at the query side (q% >= 80) though its c% is about
// half. A measured limit, logged and not asserted: letterboxing (16 black
// pixels added above and below, which moves and squeezes the picture)
// brings q% to 10-25%; PDQ is not made for pads and crops. The logo and bar
// variants do not match each other (q% about 55): see logoVersusBar.
func TestVariantsMatch(t *testing.T) {
	needFFmpeg(t)
	needRefData(t)
	src := filepath.Join(refDir, "chair-19-sd-bar.mp4")
	dir := t.TempDir()
	variants := []struct{ name, dur, filter string }{
		{"original", "10", "null"},
		{"grey", "10", "format=gray,format=yuv420p"},
		{"sepia", "10", "colorchannelmixer=.393:.769:.189:0:.349:.686:.168:0:.272:.534:.131"},
		{"logo", "10", "drawbox=x=iw-60:y=20:w=40:h=24:color=white@0.8:t=fill"},
		{"bar", "10", "drawbox=x=0:y=ih-24:w=iw:h=24:color=black:t=fill"},
		{"half", "5", "null"},
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
	for _, a := range variants {
		for _, b := range variants {
			if a == b {
				continue
			}
			qp, cp := Compare(bags[a.name], bags[b.name], rule.Distance)
			t.Logf("%-8s vs %-8s q%% %5.1f c%% %5.1f", a.name, b.name, qp, cp)
			if b.name == "half" || a.name == "letterbox" || b.name == "letterbox" ||
				a.name == "logo" && b.name == "bar" || a.name == "bar" && b.name == "logo" {
				continue // a clip matches at its own (query) side only; letterbox: see above; logo vs bar: below
			}
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
	t.Run("logo vs bar", func(t *testing.T) { logoVersusBar(t, infos, rule) })
}

// logoVersusBar measures why the logo and bar variants do not match each
// other, and skips with the figures. It is PDQ, not our decoding: on the
// sample videos our frame hashes are Meta's reference hashes (identical on
// 1547 of 1563 frames, the rest 2 bits apart: TestReferenceAgreement), so
// the reference hasher gives the same. Each overlay moves a frame's hash on
// its own (at the 20 frames hashed here, the logo by a median of 16 bits
// from the original, the 24-pixel bar by 22); the two moves are in
// different places of the picture and partly add up: logo and bar frames
// of the same frame number lie a median of 28 bits apart, over the rule's
// 31 on 9 of 20 frames. Hashing every frame of the clip gives the same
// picture: 131 of 300 frames over 31, q% 57, c% 56.
// The rule is the issue's own (distance 31, q% >= 80), so the pair cannot
// match under it; each matches the original and the colour variants.
func logoVersusBar(t *testing.T, infos map[string]*Info, rule MatchOptions) {
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
	orig, logo, bar := infos["original"].Frames, infos["logo"].Frames, infos["bar"].Frames
	mLogo, _, _ := median(orig, logo)
	mBar, _, _ := median(orig, bar)
	mBoth, over, n := median(logo, bar)
	qp, cp := Compare(UniqueHashes(logo, rule.MinQuality), UniqueHashes(bar, rule.MinQuality), rule.Distance)
	t.Logf("same frame, median distance: original-logo %d, original-bar %d, logo-bar %d (over %d on %d of %d frames)",
		mLogo, mBar, mBoth, rule.Distance, over, n)
	if qp >= rule.QueryPercent {
		return // they match after all
	}
	if mBoth < max(mLogo, mBar) {
		t.Errorf("logo vs bar q%% %.1f with a median distance of %d, under each overlay's own (%d, %d): not the overlays adding up", qp, mBoth, mLogo, mBar)
	}
	t.Skipf("logo vs bar q%% %.1f c%% %.1f: a PDQ limit, not our hashing: the two overlays add up (median same-frame distance %d bits, %d and %d from the original each; over %d on %d of %d frames); our hashes are the reference's on the samples (TestReferenceAgreement)",
		qp, cp, mBoth, mLogo, mBar, rule.Distance, over, n)
}
