package video

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// genVideo makes a small synthetic video with ffmpeg's test source.
func genVideo(t *testing.T, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	all := append([]string{"-nostdin", "-v", "error", "-y"}, args...)
	all = append(all, out)
	if b, err := exec.Command("ffmpeg", all...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	return out
}

// noisy is a 4-second 160x120 25 fps H.264 test pattern with noise (so
// that its size is large enough to cut), moov first.
func noisy(t *testing.T) string {
	return genVideo(t, "noisy.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25,noise=alls=40:allf=t",
		"-t", "4", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18", "-movflags", "+faststart")
}

func TestSelection(t *testing.T) {
	needFFmpeg(t)
	v := noisy(t)
	for _, tc := range []struct {
		sph  float64
		mod  int
		want int
	}{{0, 1, 100}, {1, 25, 4}, {0.5, 12, 9}, {2.5, 62, 2}, {0.01, 1, 100}} {
		opt := DefaultOptions()
		opt.SecondsPerHash = tc.sph
		info, err := Hash(context.Background(), v, opt)
		if err != nil {
			t.Fatal(err)
		}
		if info.FrameMod != tc.mod || len(info.Frames) != tc.want {
			t.Fatalf("seconds per hash %v: mod %d, %d frames; want %d, %d", tc.sph, info.FrameMod, len(info.Frames), tc.mod, tc.want)
		}
		for i, f := range info.Frames {
			if f.Number != i*tc.mod || FormatLine(f) == "" || f.Timestamp != float64(f.Number)/25 {
				t.Fatalf("seconds per hash %v: frame %d is %+v", tc.sph, i, f)
			}
		}
		if info.Width != 160 || info.Height != 120 || info.Codec != "h264" || info.FPS != 25 || info.Duration < 3.9 || info.Duration > 4.1 {
			t.Fatalf("info %+v", info)
		}
		if len(info.Warnings) != 0 {
			t.Fatalf("warnings %v", info.Warnings)
		}
	}
}

// TestSelectionMatchesEveryFrame: the frames kept at one a second are the
// every-frame run's frames n mod 25 == 0, hash for hash.
func TestSelectionMatchesEveryFrame(t *testing.T) {
	needFFmpeg(t)
	v := noisy(t)
	all, err := Hash(context.Background(), v, Options{})
	if err != nil {
		t.Fatal(err)
	}
	some, err := Hash(context.Background(), v, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range some.Frames {
		if all.Frames[f.Number] != f {
			t.Fatalf("frame %d: %+v, every-frame run %+v", f.Number, f, all.Frames[f.Number])
		}
	}
}

func TestHostileVideos(t *testing.T) {
	needFFmpeg(t)
	v := noisy(t)
	data, err := os.ReadFile(v)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("truncated keeps what decoded", func(t *testing.T) {
		p := write("cut.mp4", data[:len(data)/2])
		info, err := Hash(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(info.Frames) == 0 || len(info.Frames) >= 100 || len(info.Warnings) == 0 {
			t.Fatalf("%d frames from half a video, warnings %v", len(info.Frames), info.Warnings)
		}
		t.Logf("%d frames, warnings %v", len(info.Frames), info.Warnings)
	})
	t.Run("truncated header", func(t *testing.T) {
		p := write("head.mp4", data[:200])
		if _, err := Hash(context.Background(), p, Options{}); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("corrupt payload", func(t *testing.T) {
		b := append([]byte(nil), data...)
		for i := len(b) / 4; i < len(b); i += 7 {
			b[i] ^= 0x5A
		}
		info, err := Hash(context.Background(), write("corrupt.mp4", b), Options{})
		if err == nil && len(info.Frames) > 100 {
			t.Fatalf("%d frames", len(info.Frames))
		}
	})
	t.Run("not a video", func(t *testing.T) {
		_, err := Hash(context.Background(), write("text.mp4", []byte("hello, world\n")), Options{})
		if err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("zero frames", func(t *testing.T) {
		p := genVideo(t, "zero.mkv", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=25", "-frames:v", "0")
		if _, err := Hash(context.Background(), p, Options{}); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("audio only", func(t *testing.T) {
		p := genVideo(t, "sine.m4a", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "1")
		if _, err := Hash(context.Background(), p, Options{}); !errors.Is(err, ErrNotVideo) {
			t.Fatalf("error %v, want no video stream", err)
		}
	})
	t.Run("absurd frame rate", func(t *testing.T) {
		p := genVideo(t, "fast.mp4", "-f", "lavfi", "-i", "testsrc=size=16x16:rate=100000", "-frames:v", "3", "-c:v", "libx264", "-video_track_timescale", "100000")
		_, err := Hash(context.Background(), p, Options{})
		if !errors.Is(err, ErrLimit) {
			t.Fatalf("error %v, want a limit", err)
		}
	})
	t.Run("dimensions over the limit", func(t *testing.T) {
		_, err := Hash(context.Background(), v, Options{MaxPixels: 100 * 100})
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "160x120") {
			t.Fatalf("error %v, want a limit naming 160x120", err)
		}
	})
	t.Run("frame limit", func(t *testing.T) {
		info, err := Hash(context.Background(), v, Options{MaxFrames: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(info.Frames) != 10 || len(info.Warnings) != 1 {
			t.Fatalf("%d frames, warnings %v", len(info.Frames), info.Warnings)
		}
	})
	t.Run("ffmpeg missing", func(t *testing.T) {
		_, err := Hash(context.Background(), v, Options{FFmpeg: filepath.Join(dir, "no-such-ffmpeg")})
		if !errors.Is(err, ErrNoFFmpeg) {
			t.Fatalf("error %v", err)
		}
		if err := Available(Options{FFprobe: filepath.Join(dir, "no-such-ffprobe")}); !errors.Is(err, ErrNoFFmpeg) {
			t.Fatalf("Available: %v", err)
		}
	})
	t.Run("playlist refused", func(t *testing.T) {
		// An HLS playlist naming a local file: no demuxer may open it.
		p := write("list.m3u8", []byte("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n"+v+"\n#EXT-X-ENDLIST\n"))
		if _, err := Hash(context.Background(), p, Options{}); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("network input refused", func(t *testing.T) {
		// A name that looks like a URL is a file name: nothing is fetched.
		_, err := Hash(context.Background(), "http://192.0.2.1/x.mp4", Options{})
		if err == nil {
			t.Fatal("no error")
		}
	})
}

// fakeTool writes an executable shell script.
func fakeTool(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fake-ffmpeg")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// gone reports whether pid has exited (a zombie waiting for its reaper
// counts as exited).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// asMatroska is v remuxed into Matroska: a container whose facts come
// from ffprobe (an MP4's come from its header, with no ffprobe child).
func asMatroska(t *testing.T, v string) string {
	return genVideo(t, "noisy.mkv", "-i", v, "-c", "copy")
}

// TestHangingProcessKilled: an ffmpeg that never ends (and has a child of
// its own) is killed with its whole process group at the time limit, and
// the file gets an error.
func TestHangingProcessKilled(t *testing.T) {
	needFFmpeg(t)
	if runtime.GOOS != "linux" {
		t.Skip("process groups and /proc: Linux")
	}
	v := noisy(t)
	pidFile := filepath.Join(t.TempDir(), "pid")
	hang := fakeTool(t, "sleep 1000 &\necho $! > "+pidFile+"\nwait\n")
	start := time.Now()
	_, err := Hash(context.Background(), v, Options{FFmpeg: hang, Timeout: 2 * time.Second})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("error %v, want the time limit", err)
	}
	if el := time.Since(start); el > 15*time.Second {
		t.Fatalf("took %v", el)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(5 * time.Second)
	for !gone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d still running", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The same for a hanging ffprobe.
	_, err = Hash(context.Background(), asMatroska(t, v), Options{FFprobe: hang, Timeout: 2 * time.Second})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("ffprobe: error %v, want the time limit", err)
	}
}

// TestCancelKills: cancelling the caller's context ends the child at once.
func TestCancelKills(t *testing.T) {
	needFFmpeg(t)
	v := noisy(t)
	hang := fakeTool(t, "exec sleep 1000\n")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := Hash(ctx, v, Options{FFmpeg: hang})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("took %v", el)
	}
	// Cancelled while ffprobe runs: the same error.
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	if _, err := Hash(ctx, asMatroska(t, v), Options{FFprobe: hang}); !errors.Is(err, context.Canceled) {
		t.Fatalf("ffprobe: error %v", err)
	}
}

// TestMemoryCap: the child runs with the address-space limit set.
func TestMemoryCap(t *testing.T) {
	needFFmpeg(t)
	if runtime.GOOS != "linux" {
		t.Skip("RLIMIT_AS through prlimit: Linux")
	}
	v := noisy(t)
	out := filepath.Join(t.TempDir(), "limits")
	// Give the limit a moment to be applied, then report it.
	tool := fakeTool(t, "sleep 0.2\ngrep 'Max address space' /proc/$$/limits > "+out+"\n")
	_, err := Hash(context.Background(), v, Options{FFmpeg: tool, MemoryLimit: 1 << 30})
	if !errors.Is(err, ErrNoFrames) {
		t.Fatalf("error %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), strconv.Itoa(1<<30)) {
		t.Fatalf("limits: %s", b)
	}
	// The real ffmpeg decodes under the default cap.
	if _, err := Hash(context.Background(), v, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
}

func TestReadTextErrors(t *testing.T) {
	for _, in := range []string{
		"0,100,zz,0.000\n",
		"0,101,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000\n",
		"0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c\n",
		"-1,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000\n",
		"0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,NaN\n",
		strings.Repeat("x", MaxTextLine+1),
	} {
		if _, err := ReadText(strings.NewReader(in), 0); err == nil {
			t.Errorf("%.40q: no error", in)
		}
	}
}

func FuzzReadText(f *testing.F) {
	f.Add([]byte("0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000\n1,0,0000000000000000000000000000000000000000000000000000000000000000,0.033\r\n"))
	f.Add([]byte("\n\n0,1,2,3"))
	f.Fuzz(func(t *testing.T, data []byte) {
		frames, err := ReadText(strings.NewReader(string(data)), 100)
		if err != nil {
			return
		}
		// What was read writes and reads back the same (timestamps to
		// three decimals).
		var b strings.Builder
		if err := WriteText(&b, frames); err != nil {
			t.Fatal(err)
		}
		again, err := ReadText(strings.NewReader(b.String()), 100)
		if err != nil || len(again) != len(frames) {
			t.Fatalf("round trip: %v, %d vs %d frames", err, len(again), len(frames))
		}
		for i := range frames {
			if FormatLine(again[i]) != FormatLine(frames[i]) {
				t.Fatalf("line %d: %s vs %s", i, FormatLine(again[i]), FormatLine(frames[i]))
			}
		}
	})
}

func TestDecodeTimeout(t *testing.T) {
	for _, tc := range []struct {
		set      time.Duration
		duration float64
		want     time.Duration
	}{
		{0, 0, DefaultTimeout}, {0, 60, DefaultTimeout}, {0, 3600, 3 * time.Hour},
		{0, 1e12, MaxTimeout}, {0, 20 * 3600, MaxTimeout}, {time.Second, 3600, time.Second},
	} {
		if got := (Options{Timeout: tc.set}).decodeTimeout(tc.duration); got != tc.want {
			t.Errorf("timeout %v duration %v: %v, want %v", tc.set, tc.duration, got, tc.want)
		}
	}
}
