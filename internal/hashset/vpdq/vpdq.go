// Package vpdq reads and writes video hash lists: one video's vPDQ frame
// hashes per file, in the two forms exchanges use.
//
//   - The reference text format (Meta's vpdq-hash-video, vpdqio.cpp): one
//     line per hashed frame, frameNumber,quality,pdqHex,timestamp (seconds,
//     three decimals).
//   - The compact form of python-threatexchange (VPDQSignal): a JSON list
//     of "pdqHex,quality,timestamp" strings. It carries no frame numbers:
//     frames read from it are numbered by position.
//
// Read detects the form from the content. Everything is bounded: the file
// size (MaxBytes) and the number of frames (video.DefaultMaxFrames).
package vpdq

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/video"
)

// MaxBytes bounds one video's hash list: 64 MiB, about 800,000 frames of
// text.
const MaxBytes = 64 << 20

// Forms of a list.
const (
	FormText    = "vpdq"         // frame,quality,pdq,timestamp lines
	FormCompact = "vpdq-compact" // pytx JSON list of "pdq,quality,timestamp"
)

// ErrTooLarge reports a list over MaxBytes.
var ErrTooLarge = errors.New("vpdq list over 64 MiB")

// Detect reports whether head (the first bytes of a file) looks like a
// vPDQ list, and in which form: a JSON list whose first string has three
// comma-separated fields and a 64-hex hash, or a first line with four
// fields and a 64-hex hash third.
func Detect(head []byte) (form string, ok bool) {
	s := strings.TrimLeft(string(head), " \t\r\n\ufeff")
	if strings.HasPrefix(s, "[") {
		rest := strings.TrimLeft(s[1:], " \t\r\n")
		if !strings.HasPrefix(rest, `"`) {
			return "", false
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return "", false
		}
		f := strings.Split(rest[1:1+end], ",")
		return FormCompact, len(f) == 3 && isHex64(f[0])
	}
	line, _, _ := strings.Cut(s, "\n")
	f := strings.Split(strings.TrimSpace(line), ",")
	return FormText, len(f) == 4 && isHex64(f[2])
}

func isHex64(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Read reads one video's frames in either form. Errors name the line
// (text) or the element (compact).
func Read(r io.Reader) (frames []video.Frame, form string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > MaxBytes {
		return nil, "", ErrTooLarge
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	if bytes.HasPrefix(trimmed, []byte("[")) {
		frames, err := readCompact(trimmed)
		return frames, FormCompact, err
	}
	frames, err = video.ReadText(bytes.NewReader(data), 0)
	return frames, FormText, err
}

func readCompact(data []byte) ([]video.Frame, error) {
	var items []string
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("compact vpdq: %w", err)
	}
	if len(items) > video.DefaultMaxFrames {
		return nil, fmt.Errorf("compact vpdq: over %d frames", video.DefaultMaxFrames)
	}
	frames := make([]video.Frame, 0, len(items))
	for i, it := range items {
		f, err := parseCompact(it)
		if err != nil {
			return nil, fmt.Errorf("compact vpdq element %d: %w", i+1, err)
		}
		f.Number = i
		frames = append(frames, f)
	}
	return frames, nil
}

// parseCompact parses "pdqHex,quality,timestamp".
func parseCompact(s string) (video.Frame, error) {
	p := strings.Split(s, ",")
	if len(p) != 3 {
		return video.Frame{}, fmt.Errorf("want pdq,quality,timestamp, got %d fields", len(p))
	}
	h, err := pdq.ParseHex(strings.TrimSpace(p[0]))
	if err != nil {
		return video.Frame{}, fmt.Errorf("pdq %q: %w", hashsetTrunc(p[0]), err)
	}
	q, err := strconv.Atoi(strings.TrimSpace(p[1]))
	if err != nil || q < 0 || q > 100 {
		return video.Frame{}, fmt.Errorf("quality %q is not 0..100", hashsetTrunc(p[1]))
	}
	ts, err := strconv.ParseFloat(strings.TrimSpace(p[2]), 64)
	if err != nil || ts < 0 || math.IsNaN(ts) || math.IsInf(ts, 0) {
		return video.Frame{}, fmt.Errorf("timestamp %q", hashsetTrunc(p[2]))
	}
	return video.Frame{Quality: q, PDQ: h, Timestamp: ts}, nil
}

func hashsetTrunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// WriteText writes frames in the reference text format.
func WriteText(w io.Writer, frames []video.Frame) error { return video.WriteText(w, frames) }

// WriteCompact writes frames in pytx's compact form: a JSON list of
// "pdqHex,quality,timestamp" strings (timestamp with three decimals), one
// line.
func WriteCompact(w io.Writer, frames []video.Frame) error {
	items := make([]string, len(frames))
	for i, f := range frames {
		items[i] = fmt.Sprintf("%s,%d,%.3f", f.PDQ, f.Quality, f.Timestamp)
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(items); err != nil {
		return err
	}
	return bw.Flush()
}
