package video

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// mp4Box encodes one box.
func mp4Box(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	out := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(out, typ...), body...)
}

func be32(vs ...uint32) []byte {
	var out []byte
	for _, v := range vs {
		out = binary.BigEndian.AppendUint32(out, v)
	}
	return out
}

// synthTrak is a video track of the codec fourcc, size w x h, media
// timescale ts and time-to-sample entries stts (count, duration pairs).
func synthTrak(fourcc string, w, h uint16, ts uint32, stts []uint32) []byte {
	mdhd := mp4Box("mdhd", be32(0, 0, 0, ts, 0), make([]byte, 4))
	hdlr := mp4Box("hdlr", be32(0, 0), []byte("vide"), make([]byte, 13))
	entry := make([]byte, 8+16+4+50)
	binary.BigEndian.PutUint16(entry[24:], w)
	binary.BigEndian.PutUint16(entry[26:], h)
	stsd := mp4Box("stsd", be32(0, 1), mp4Box(fourcc, entry))
	sttsBox := mp4Box("stts", be32(0, uint32(len(stts)/2)), be32(stts...))
	stbl := mp4Box("stbl", stsd, sttsBox)
	return mp4Box("trak", mp4Box("tkhd", make([]byte, 84)), mp4Box("mdia", mdhd, hdlr, mp4Box("minf", stbl)))
}

// synthMP4 is a minimal MP4 file: ftyp, mdat, then moov with an mvhd
// (movie timescale 1000, duration ms), a track (synthTrak) and the extra
// boxes.
func synthMP4(fourcc string, w, h uint16, ts uint32, ms uint32, stts []uint32, extra ...[]byte) []byte {
	mvhd := mp4Box("mvhd", be32(0, 0, 0, 1000, ms), make([]byte, 80))
	moov := mp4Box("moov", append([][]byte{mvhd, synthTrak(fourcc, w, h, ts, stts)}, extra...)...)
	return slices.Concat(mp4Box("ftyp", []byte("isom"), be32(0x200), []byte("isomavc1")), mp4Box("mdat", make([]byte, 32)), moov)
}

func readSynth(b []byte) (headerFacts, bool) {
	return readMP4Header(bytes.NewReader(b), int64(len(b)))
}

func TestMP4Header(t *testing.T) {
	f, ok := readSynth(synthMP4("avc1", 640, 360, 30000, 2002, []uint32{60, 1001}))
	if !ok || f.Codec != "h264" || f.Width != 640 || f.Height != 360 || f.FPS != 30000.0/1001 ||
		f.Duration != 2.002 || f.Format != movFormat || f.Rates != "avg 30000/1001" {
		t.Fatalf("%+v %v", f, ok)
	}
	// Several stts entries: the average over them.
	f, ok = readSynth(synthMP4("hvc1", 64, 48, 90000, 1000, []uint32{10, 3000, 10, 6000}))
	if !ok || f.Codec != "hevc" || f.FPS != 20 || f.Duration != 1 {
		t.Fatalf("%+v %v", f, ok)
	}
	// Declined: ffprobe decides.
	for name, b := range map[string][]byte{
		"fragmented":      synthMP4("avc1", 64, 48, 25, 1000, []uint32{25, 1}, mp4Box("mvex")),
		"two video":       synthMP4("avc1", 64, 48, 25, 1000, []uint32{25, 1}, synthTrak("avc1", 64, 48, 25, []uint32{25, 1})),
		"unknown codec":   synthMP4("mp4v", 64, 48, 25, 1000, []uint32{25, 1}),
		"no frames":       synthMP4("avc1", 64, 48, 25, 1000, []uint32{0, 1}),
		"no stts entry":   synthMP4("avc1", 64, 48, 25, 1000, nil),
		"zero duration":   synthMP4("avc1", 64, 48, 25, 1000, []uint32{25, 0}),
		"negative delta":  synthMP4("avc1", 64, 48, 25, 1000, []uint32{25, 1, 1, 0xFFFFFFFF}),
		"long last frame": synthMP4("avc1", 64, 48, 25, 1000, []uint32{200, 1, 1, 100}),
		"no size":         synthMP4("avc1", 0, 48, 25, 1000, []uint32{25, 1}),
		"no timescale":    synthMP4("avc1", 64, 48, 0, 1000, []uint32{25, 1}),
		"no duration":     synthMP4("avc1", 64, 48, 25, 0, []uint32{25, 1}),
		"inexact rate":    synthMP4("avc1", 64, 48, 2147483629, 1000, []uint32{1, 1, 1, 2}),
		"not mp4":         []byte("hello, world\n"),
		"cut":             synthMP4("avc1", 64, 48, 25, 1000, []uint32{25, 1})[:150],
	} {
		if f, ok := readSynth(b); ok {
			t.Errorf("%s: read %+v", name, f)
		}
	}
}

func FuzzMP4Header(f *testing.F) {
	f.Add(synthMP4("avc1", 640, 360, 30000, 2002, []uint32{60, 1001}))
	f.Add(synthMP4("hev1", 64, 48, 90000, 1000, []uint32{10, 3000, 10, 6000}, mp4Box("udta")))
	if b, err := os.ReadFile(filepath.Join(refDir, "doorknob-hd-no-bar.mp4")); err == nil {
		f.Add(b[:min(len(b), 4096)])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, ok := readSynth(b)
		if ok && (h.Width <= 0 || h.Height <= 0 || !(h.FPS > 0) || !(h.Duration > 0) || h.Codec == "") {
			t.Fatalf("accepted %+v", h)
		}
	})
}

// TestMP4HeaderAgreesWithFFprobe: on the sample videos and on videos made
// here in the MP4 family (frame rates 25, 30000/1001 and variable, H.264,
// HEVC, VP9, B-frames, an edit list, odd sizes, audio tracks, MOV and
// 3GP, moov first or last),
// the facts read from the header are ffprobe's exactly; fragmented files,
// other containers, audio only and two video tracks are declined.
func TestMP4HeaderAgreesWithFFprobe(t *testing.T) {
	needFFmpeg(t)
	needRefData(t)
	src := []string{"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "2"}
	ntsc := []string{"-f", "lavfi", "-i", "testsrc=size=162x98:rate=30000/1001", "-t", "2"}
	sine := []string{"-f", "lavfi", "-i", "sine=frequency=440:duration=3"}
	x264 := []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"}
	cat := func(parts ...[]string) []string { return slices.Concat(parts...) }
	accept := map[string][]string{
		"audio.mp4":     cat(src, sine, x264, []string{"-c:a", "aac", "-shortest"}),
		"ntsc.mov":      cat(ntsc, x264),
		"phone.3gp":     cat(src, x264),
		"faststart.mp4": cat(ntsc, x264, []string{"-movflags", "+faststart", "-video_track_timescale", "90000"}),
		"vfr.mp4":       cat(src, []string{"-vf", "select=not(mod(n\\,3))+eq(n\\,1)", "-fps_mode", "vfr"}, x264),
		"hevc.mp4":      cat(src, []string{"-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1"}),
		"vp9.mp4":       cat(src, []string{"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"}),
		"bframes.mp4":   cat(src, []string{"-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-pix_fmt", "yuv420p"}),
	}
	decline := map[string][]string{
		"fragmented.mp4": cat(src, x264, []string{"-movflags", "frag_keyframe+empty_moov"}),
		"matroska.mkv":   cat(src, x264),
		"audio.m4a":      sine,
		"two.mp4":        cat(src, []string{"-map", "0", "-map", "0"}, x264),
	}
	var paths []string
	for _, n := range refVideos {
		paths = append(paths, filepath.Join(refDir, n+".mp4"))
	}
	for name, args := range accept {
		paths = append(paths, genVideo(t, name, args...))
	}
	// A cut copy starting off a key frame: an edit list.
	paths = append(paths, genVideo(t, "edited.mp4", "-ss", "0.5", "-i", filepath.Join(refDir, "pattern-sd-grey-bar.mp4"), "-c", "copy"))
	for _, p := range paths {
		h, ok := headerOf(p)
		if !ok {
			t.Errorf("%s: declined", filepath.Base(p))
			continue
		}
		abs, _ := filepath.Abs(p)
		want, err := ffprobeFacts(context.Background(), "file:"+abs, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-24s %+v", filepath.Base(p), h)
		h.Rates, want.Rates = "", ""
		if h != want {
			t.Errorf("%s: header %+v, ffprobe %+v", filepath.Base(p), h, want)
		}
	}
	for name, args := range decline {
		p := genVideo(t, name, args...)
		if h, ok := headerOf(p); ok {
			t.Errorf("%s: read %+v", name, h)
		}
	}
	// A moov box over the bound is declined, not read.
	big := synthMP4("avc1", 64, 48, 25, 1000, []uint32{25, 1}, mp4Box("free", make([]byte, maxMoov)))
	if _, ok := readSynth(big); ok {
		t.Error("moov over the bound read")
	}
}

// TestMP4SkipsFFprobe: an MP4 is hashed with no ffprobe child (its facts
// come from the header); the same video in Matroska runs ffprobe.
func TestMP4SkipsFFprobe(t *testing.T) {
	needFFmpeg(t)
	v := noisy(t)
	mark := filepath.Join(t.TempDir(), "ran")
	real, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Fatal(err)
	}
	tool := fakeTool(t, "touch "+mark+"\nexec "+real+" \"$@\"\n")
	opt := DefaultOptions()
	opt.FFprobe = tool
	info, err := Hash(context.Background(), v, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("ffprobe ran on an MP4")
	}
	if info.Codec != "h264" || info.Width != 160 || info.Height != 120 || info.FPS != 25 || len(info.Frames) != 4 {
		t.Fatalf("%+v", info)
	}
	mkv, err := Hash(context.Background(), asMatroska(t, v), opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mark); err != nil {
		t.Fatal("ffprobe did not run on Matroska")
	}
	if !slices.Equal(mkv.Frames, info.Frames) {
		t.Fatalf("Matroska frames %v, MP4 %v", mkv.Frames, info.Frames)
	}
}
