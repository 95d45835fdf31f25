// Package video computes vPDQ, Meta's video fingerprint: the PDQ hash and
// quality of selected frames of a video's first video stream, with each
// frame's number and timestamp.
//
// Decoding runs ffmpeg (Debian's ffmpeg package) as a child process; there
// is no cgo. The stream's facts (frame rate, size, codec, duration) come
// from the header of a plain MP4/MOV/3GP file, read in Go as FFmpeg's mov
// demuxer reads it (mp4.go), and from an ffprobe child for every other
// file. Frames are selected as the reference
// vpdq-hash-video selects them, by decoded-frame index: with fps the
// stream's average frame rate (its r_frame_rate when that is unknown) and
// mod = max(1, floor(SecondsPerHash * fps)), frame n is kept when
// n mod mod == 0, and its timestamp is n / fps. Only the kept frames cross
// the pipe (ffmpeg's select filter drops the others), as packed 8-bit RGB
// at the native size or, with Options.Size, scaled to Size x Size; each is
// hashed by internal/hashing/pdq (FromRGB: the photo luma, no 512
// pre-resize, as the reference does).
//
// Video is hostile input. Each child process:
//   - reads only local files: -protocol_whitelist file,pipe, and the path is
//     passed as file:PATH so that no name is taken for a protocol or a
//     device; only the video containers' demuxers are allowed
//     (-format_whitelist), so a playlist cannot make it open other files;
//   - has no standard input (-nostdin, and stdin is /dev/null);
//   - runs in a process group of its own that is killed (SIGKILL) when the
//     per-file time limit expires or the caller's context is cancelled,
//     and, on Linux, is killed by the kernel if Vibora itself dies
//     (PR_SET_PDEATHSIG), so no process is left behind;
//   - on Linux, has its address space capped (RLIMIT_AS, Options.MemoryLimit)
//     with prlimit(2) as soon as it has started: the child has by then only
//     loaded its libraries, before it has opened the input;
//   - gets declared dimensions checked before decoding (Options.MaxPixels),
//     a frame rate within (0, MaxFPS], and a bounded number of kept frames.
//
// A video that cannot be probed or yields no frame is an error; a video
// that breaks off part way (truncated, corrupt) keeps the frames decoded so
// far and reports a warning. ErrNoFFmpeg says that ffmpeg or ffprobe is
// not installed.
package video

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// Defaults for Options.
const (
	DefaultSecondsPerHash = 1.0
	DefaultTimeout        = 30 * time.Minute
	DefaultMemoryLimit    = 4 << 30     // 4 GiB of address space per child
	DefaultMaxPixels      = 8192 * 4320 // 8K
	DefaultMaxFrames      = 200_000     // kept frames; 55 hours at one a second
	MaxFPS                = 2000.0
	// QualityThreshold is the quality under which the reference matcher
	// ignores a frame (pytx VPDQ_QUALITY_THRESHOLD).
	QualityThreshold = 50
)

var (
	// ErrNoFFmpeg reports that ffmpeg or ffprobe could not be found.
	ErrNoFFmpeg = errors.New("ffmpeg not found (install the ffmpeg package: videos are hashed with ffprobe and ffmpeg)")
	// ErrNoFrames reports a video from which no frame could be decoded.
	ErrNoFrames = errors.New("no video frame decoded")
	// ErrNotVideo reports a file with no video stream.
	ErrNotVideo = errors.New("no video stream")
	// ErrLimit reports a video over a limit (dimensions, frame rate, time).
	ErrLimit = errors.New("video over a limit")
)

// Options tune hashing. Use DefaultOptions and change what differs.
type Options struct {
	// SecondsPerHash is the time between hashed frames; 0 hashes every
	// frame.
	SecondsPerHash float64
	// Size, when over 0, scales every frame to Size x Size before hashing
	// (the reference's -s option); 0 hashes at the native size.
	Size int
	// Timeout bounds each child process (0: DefaultTimeout for ffprobe;
	// for ffmpeg, DefaultTimeout or three times the declared duration
	// when longer, at most MaxTimeout).
	Timeout time.Duration
	// MemoryLimit caps each child's address space in bytes, on Linux (0:
	// DefaultMemoryLimit; negative: no cap).
	MemoryLimit int64
	// MaxPixels bounds width*height (0: DefaultMaxPixels).
	MaxPixels int64
	// MaxFrames bounds the frames kept (0: DefaultMaxFrames); a longer
	// video keeps the first MaxFrames and gets a warning.
	MaxFrames int
	// Threads is ffmpeg's decoding threads (0: ffmpeg's choice, every
	// core).
	Threads int
	// FFmpeg and FFprobe name the programs (default: "ffmpeg" and
	// "ffprobe" on PATH).
	FFmpeg, FFprobe string
}

// DefaultOptions returns one hash a second at the native size.
func DefaultOptions() Options { return Options{SecondsPerHash: DefaultSecondsPerHash} }

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// MaxTimeout bounds the time limit a long declared duration earns.
const MaxTimeout = 24 * time.Hour

// decodeTimeout is ffmpeg's time limit for a video of the declared
// duration (seconds): a long video may take a while to decode, but a
// hostile one cannot buy more than MaxTimeout by declaring a long one.
func (o Options) decodeTimeout(duration float64) time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	d := DefaultTimeout
	if duration > 0 && duration < MaxTimeout.Seconds() {
		d = max(d, time.Duration(3*duration*float64(time.Second)))
	} else if duration >= MaxTimeout.Seconds() {
		d = MaxTimeout
	}
	return min(d, MaxTimeout)
}

func (o Options) memoryLimit() int64 {
	if o.MemoryLimit != 0 {
		return o.MemoryLimit
	}
	return DefaultMemoryLimit
}

func (o Options) maxPixels() int64 {
	if o.MaxPixels > 0 {
		return o.MaxPixels
	}
	return DefaultMaxPixels
}

func (o Options) maxFrames() int {
	if o.MaxFrames > 0 {
		return o.MaxFrames
	}
	return DefaultMaxFrames
}

// Frame is one hashed frame.
type Frame struct {
	Number    int // decoded-frame index, from 0
	Quality   int // PDQ quality, 0..100
	PDQ       pdq.Hash
	Timestamp float64 // Number / FPS, seconds
}

// Info is what a video yielded.
type Info struct {
	Format   string // container, as ffprobe names it ("mov,mp4,m4a,3gp,3g2,mj2")
	Codec    string // video codec ("h264")
	Width    int    // of the stream, before any scaling
	Height   int
	FPS      float64 // average frame rate (r_frame_rate when unknown)
	Duration float64 // seconds; 0 when unknown
	// FrameMod is the selection step: frame n is kept when n mod FrameMod
	// is 0.
	FrameMod       int
	SecondsPerHash float64
	Size           int // frames scaled to Size x Size; 0 native
	Frames         []Frame
	Warnings       []string
}

// frameMod is the reference's selection step.
func frameMod(secondsPerHash, fps float64) int {
	m := int(math.Floor(secondsPerHash * fps))
	return max(1, m)
}

// parseRate reads ffprobe's "30000/1001" or "25" (0 when unusable).
func parseRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0
	}
	if !ok {
		return n
	}
	d, err := strconv.ParseFloat(den, 64)
	if err != nil || d == 0 || math.IsNaN(d) {
		return 0
	}
	return n / d
}

// FormatLine writes f in the reference's text format:
// frameNumber,quality,pdqHex,timestamp with three decimals.
func FormatLine(f Frame) string {
	return fmt.Sprintf("%d,%d,%s,%.3f", f.Number, f.Quality, f.PDQ, f.Timestamp)
}
