package video

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// demuxers are the only input formats ffprobe and ffmpeg may use
// (-format_whitelist): the containers Vibora recognises as video. It keeps
// ffmpeg from reading a seized playlist (HLS, concat) that would open other
// files, whatever the content looks like to its prober.
const demuxers = "mov,matroska,webm,avi,flv,mpegts,asf,mpeg"

// probeTimeout bounds ffprobe, which reads only the headers.
const probeTimeout = 60 * time.Second

// maxProbeOutput bounds what ffprobe may print.
const maxProbeOutput = 1 << 20

// Available reports whether ffmpeg and ffprobe can be found (ErrNoFFmpeg
// when not).
func Available(opt Options) error {
	for _, name := range []string{opt.ffprobe(), opt.ffmpeg()} {
		if _, err := exec.LookPath(name); err != nil {
			return fmt.Errorf("%w: %s", ErrNoFFmpeg, name)
		}
	}
	return nil
}

func (o Options) ffmpeg() string {
	if o.FFmpeg != "" {
		return o.FFmpeg
	}
	return "ffmpeg"
}

func (o Options) ffprobe() string {
	if o.FFprobe != "" {
		return o.FFprobe
	}
	return "ffprobe"
}

// Hash computes the vPDQ of the video file at path. A video that breaks
// off part way returns the frames decoded so far with a warning in
// Info.Warnings; an error means nothing usable was decoded.
func Hash(ctx context.Context, path string, opt Options) (*Info, error) {
	if opt.SecondsPerHash < 0 {
		return nil, fmt.Errorf("seconds per hash %v is negative", opt.SecondsPerHash)
	}
	if opt.Size < 0 || opt.Size > 4096 {
		return nil, fmt.Errorf("frame size %d is outside 0..4096", opt.Size)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	input := "file:" + abs // never a protocol or device name
	info, err := probe(ctx, abs, input, opt)
	if err != nil {
		return nil, err
	}
	if err := decode(ctx, input, opt, info); err != nil {
		return nil, err
	}
	return info, nil
}

type probeOutput struct {
	Streams []struct {
		CodecName    string `json:"codec_name"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		AvgFrameRate string `json:"avg_frame_rate"`
		RFrameRate   string `json:"r_frame_rate"`
		Duration     string `json:"duration"`
	} `json:"streams"`
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
	} `json:"format"`
}

// probe reads the first video stream's facts, from the header when the
// file is a plain MP4/MOV that readMP4Header is sure about (no ffprobe
// child: its start-up alone is a fifth of decoding a short clip), else
// with ffprobe, and checks them against the limits.
func probe(ctx context.Context, path, input string, opt Options) (*Info, error) {
	f, ok := headerOf(path)
	if !ok {
		var err error
		if f, err = ffprobeFacts(ctx, input, opt); err != nil {
			return nil, err
		}
	}
	info := &Info{Format: f.Format, Codec: f.Codec, Width: f.Width, Height: f.Height, FPS: f.FPS,
		Duration: f.Duration, SecondsPerHash: opt.SecondsPerHash, Size: opt.Size}
	switch {
	case f.Width <= 0 || f.Height <= 0:
		return nil, fmt.Errorf("%w: no frame size declared (%dx%d)", ErrNoFrames, f.Width, f.Height)
	case int64(f.Width)*int64(f.Height) > opt.maxPixels():
		return nil, fmt.Errorf("%w: %dx%d is over %d pixels", ErrLimit, f.Width, f.Height, opt.maxPixels())
	case f.FPS <= 0:
		return nil, fmt.Errorf("%w: no frame rate declared (%s)", ErrNoFrames, f.Rates)
	case f.FPS > MaxFPS:
		return nil, fmt.Errorf("%w: frame rate %.0f is over %.0f", ErrLimit, f.FPS, MaxFPS)
	}
	info.FrameMod = frameMod(opt.SecondsPerHash, f.FPS)
	return info, nil
}

// headerOf reads the facts from the header of the regular file at path
// (readMP4Header); ok is false when it cannot.
func headerOf(path string) (headerFacts, bool) {
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return headerFacts{}, false // a FIFO or device: never opened here
	}
	fh, err := os.Open(path)
	if err != nil {
		return headerFacts{}, false
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return headerFacts{}, false
	}
	return readMP4Header(fh, st.Size())
}

// ffprobeFacts runs ffprobe for the first video stream's facts.
func ffprobeFacts(ctx context.Context, input string, opt Options) (headerFacts, error) {
	ctx, cancel := context.WithTimeout(ctx, min(probeTimeout, opt.timeout()))
	defer cancel()
	out, stderr, err := run(ctx, opt, opt.ffprobe(),
		"-v", "error", "-protocol_whitelist", "file,pipe", "-format_whitelist", demuxers,
		"-select_streams", "V:0",
		"-show_entries", "stream=codec_name,width,height,avg_frame_rate,r_frame_rate,duration:format=format_name,duration",
		"-of", "json", input)
	if err != nil {
		return headerFacts{}, fmt.Errorf("ffprobe: %w%s", err, detail(stderr))
	}
	var p probeOutput
	if err := json.Unmarshal(out, &p); err != nil {
		return headerFacts{}, fmt.Errorf("ffprobe output: %w", err)
	}
	if len(p.Streams) == 0 {
		return headerFacts{}, ErrNotVideo
	}
	s := p.Streams[0]
	f := headerFacts{Format: p.Format.FormatName, Codec: s.CodecName, Width: s.Width, Height: s.Height,
		Rates: fmt.Sprintf("avg %q, r %q", s.AvgFrameRate, s.RFrameRate)}
	f.FPS = parseRate(s.AvgFrameRate)
	if f.FPS <= 0 {
		f.FPS = parseRate(s.RFrameRate)
	}
	f.Duration = parseRate(p.Format.Duration)
	if f.Duration <= 0 {
		f.Duration = parseRate(s.Duration)
	}
	return f, nil
}

// decode runs ffmpeg over the video, hashing each kept frame as it
// arrives, and fills info.Frames.
func decode(ctx context.Context, input string, opt Options, info *Info) error {
	limit := opt.decodeTimeout(info.Duration)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	w, h := info.Width, info.Height
	if opt.Size > 0 {
		w, h = opt.Size, opt.Size
	}
	var filters []string
	if info.FrameMod > 1 {
		filters = append(filters, fmt.Sprintf(`select=not(mod(n\,%d))`, info.FrameMod))
	}
	// An explicit size keeps every frame w x h even when the stream
	// changes size part way. Lanczos with accurate rounding is what
	// reproduces the reference's frames: on Meta's samples, every frame
	// hashes identically at 128x128 and all but 1% identically (the rest
	// within 2 bits) at the native size (see reference_test.go).
	filters = append(filters, fmt.Sprintf("scale=%d:%d:flags=lanczos+accurate_rnd", w, h))
	args := []string{"-nostdin", "-hide_banner", "-nostats", "-loglevel", "error",
		"-protocol_whitelist", "file,pipe", "-format_whitelist", demuxers, "-noautorotate"}
	if opt.Threads > 0 {
		args = append(args, "-threads", strconv.Itoa(opt.Threads))
	}
	args = append(args, "-i", input, "-map", "0:V:0", "-an", "-sn", "-dn",
		"-vf", strings.Join(filters, ","), "-fps_mode", "passthrough",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1")

	cmd, err := command(ctx, opt.ffmpeg(), args...)
	if err != nil {
		return err
	}
	// The frames come straight from the pipe into the reader's frame
	// buffers (no copy between). A pipe of 1 MiB rather than Linux's
	// 64 KiB lets ffmpeg write a frame in a few large writes.
	stdout, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	defer stdout.Close()
	growPipe(stdout)
	cmd.Stdout = pw
	var stderr headBuffer
	cmd.Stderr = &stderr
	err = start(cmd, opt)
	pw.Close() // the child holds its own copy
	if err != nil {
		return fmt.Errorf("ffmpeg: %w", err)
	}

	frameBytes := 3 * w * h
	readErr, stopped := readFrames(stdout, frameBytes, opt.maxFrames(), func(k int, pix []byte) {
		r, _ := pdq.FromRGB(pix, w, h, pdq.Options{})
		n := k * info.FrameMod
		info.Frames = append(info.Frames, Frame{Number: n, Quality: r.Quality, PDQ: r.Hash, Timestamp: float64(n) / info.FPS})
	})
	if stopped {
		killGroup(cmd)
		info.Warnings = append(info.Warnings, fmt.Sprintf("over %d hashed frames: the rest of the video is not hashed", opt.maxFrames()))
	}
	waitErr := cmd.Wait()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		if len(info.Frames) == 0 {
			return fmt.Errorf("%w: ffmpeg ran over the time limit of %v", ErrLimit, limit)
		}
		info.Warnings = append(info.Warnings, fmt.Sprintf("ffmpeg ran over the time limit of %v: hashed the first %d frame(s) only", limit, len(info.Frames)))
	case ctx.Err() != nil:
		return ctx.Err()
	case readErr != nil:
		info.Warnings = append(info.Warnings, fmt.Sprintf("frames: %v", readErr))
	case waitErr != nil && !stopped:
		if len(info.Frames) == 0 {
			return fmt.Errorf("ffmpeg: %v%s", waitErr, detail(stderr.Bytes()))
		}
		info.Warnings = append(info.Warnings, fmt.Sprintf("ffmpeg: %v%s: hashed %d frame(s) decoded before", waitErr, detail(stderr.Bytes()), len(info.Frames)))
	}
	if msg := detail(stderr.Bytes()); waitErr == nil && msg != "" && len(info.Frames) > 0 {
		// ffmpeg logs only errors: it decoded past damage.
		info.Warnings = append(info.Warnings, "ffmpeg"+msg)
	}
	if len(info.Frames) == 0 {
		if msg := detail(stderr.Bytes()); msg != "" {
			return fmt.Errorf("%w%s", ErrNoFrames, msg)
		}
		return ErrNoFrames
	}
	return nil
}

// readFrames reads frames of size bytes from r on a goroutine of its own
// (so that ffmpeg decodes while the previous frame is hashed) and calls fn
// with each, in order. It stops after max frames (stopped) and reports a
// frame cut short.
func readFrames(r io.Reader, size, max int, fn func(k int, pix []byte)) (err error, stopped bool) {
	const depth = 3
	free := make(chan []byte, depth)
	for i := 0; i < depth; i++ {
		free <- nil
	}
	full := make(chan []byte, depth)
	done := make(chan struct{})
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(full)
		for k := 0; ; k++ {
			var buf []byte
			select {
			case buf = <-free:
			case <-done:
				return
			}
			if buf == nil {
				buf = make([]byte, size)
			}
			n, err := io.ReadFull(r, buf)
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = fmt.Errorf("frame %d cut short after %d of %d bytes: %w", k, n, size, err)
				return
			}
			full <- buf
		}
	}()
	k := 0
	for buf := range full {
		if k >= max {
			stopped = true
			break
		}
		fn(k, buf)
		k++
		free <- buf
	}
	close(done)
	if stopped {
		// Unblock a reader waiting on a full pipe: the caller kills the
		// process, which closes it.
		go func() {
			for range full {
			}
		}()
		return nil, true
	}
	wg.Wait()
	return readErr, false
}

// command builds a hardened child process: no stdin, its own process
// group killed on cancellation, a bounded wait for its pipes.
func command(ctx context.Context, name string, args ...string) (*exec.Cmd, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNoFFmpeg, name)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = nil // /dev/null
	// glibc reserves 64 MiB of address space per thread arena; a few
	// arenas keep a many-threaded decoder well under the address-space cap.
	cmd.Env = append(os.Environ(), "MALLOC_ARENA_MAX=4")
	harden(cmd)
	cmd.WaitDelay = 5 * time.Second
	return cmd, nil
}

// start starts cmd and caps its memory.
func start(cmd *exec.Cmd, opt Options) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	if lim := opt.memoryLimit(); lim > 0 {
		if err := limitMemory(cmd.Process.Pid, lim); err != nil {
			killGroup(cmd)
			cmd.Wait()
			return fmt.Errorf("cap memory: %w", err)
		}
	}
	return nil
}

// run runs a short command and returns its bounded output.
func run(ctx context.Context, opt Options, name string, args ...string) (stdout, stderr []byte, err error) {
	cmd, err := command(ctx, name, args...)
	if err != nil {
		return nil, nil, err
	}
	var out limitedBuffer
	out.max = maxProbeOutput
	var errBuf headBuffer
	cmd.Stdout, cmd.Stderr = &out, &errBuf
	if err := start(cmd, opt); err != nil {
		return nil, nil, err
	}
	err = cmd.Wait()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, errBuf.Bytes(), fmt.Errorf("%w: ran over its time limit", ErrLimit)
	case ctx.Err() != nil:
		return nil, errBuf.Bytes(), ctx.Err() // cancelled: say so, not "signal: killed"
	}
	if out.over {
		return nil, errBuf.Bytes(), fmt.Errorf("output over %d bytes", out.max)
	}
	return out.buf.Bytes(), errBuf.Bytes(), err
}

// detail turns a child's stderr into ": first line" for an error message.
func detail(stderr []byte) string {
	s := strings.TrimSpace(string(stderr))
	if s == "" {
		return ""
	}
	line, _, _ := strings.Cut(s, "\n")
	line = strings.TrimSpace(line)
	if len(line) > 300 {
		line = line[:300] + "..."
	}
	return ": " + line
}

// limitedBuffer keeps up to max bytes and notes more.
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > b.max {
		b.over = true
		return len(p), nil
	}
	return b.buf.Write(p)
}

// headBuffer keeps the first 4 KiB written (ffmpeg's first error is the
// telling one).
type headBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *headBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := 4096 - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (b *headBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf...)
}
