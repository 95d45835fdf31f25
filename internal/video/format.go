package video

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// MaxTextLine bounds one line of the text format.
const MaxTextLine = 1024

// WriteText writes frames in the reference text format, one per line:
// frameNumber,quality,pdqHex,timestamp (seconds, three decimals).
func WriteText(w io.Writer, frames []Frame) error {
	bw := bufio.NewWriter(w)
	for _, f := range frames {
		bw.WriteString(FormatLine(f))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ReadText reads the reference text format (WriteText's), at most
// maxFrames lines (0: DefaultMaxFrames). Blank lines are skipped; line
// ends may be \n or \r\n. Errors name the line.
func ReadText(r io.Reader, maxFrames int) ([]Frame, error) {
	if maxFrames <= 0 {
		maxFrames = DefaultMaxFrames
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), MaxTextLine)
	var frames []Frame
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		if len(frames) >= maxFrames {
			return nil, fmt.Errorf("line %d: over %d frames", line, maxFrames)
		}
		f, err := ParseLine(s)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		frames = append(frames, f)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: over %d bytes", len(frames)+1, MaxTextLine)
		}
		return nil, err
	}
	return frames, nil
}

// ParseLine parses one frameNumber,quality,pdqHex,timestamp line.
func ParseLine(s string) (Frame, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return Frame{}, fmt.Errorf("want 4 comma-separated fields (frame,quality,pdq,timestamp), got %d", len(parts))
	}
	n, err := strconv.Atoi(strings.TrimSpace(parts[0]))
	if err != nil || n < 0 {
		return Frame{}, fmt.Errorf("frame number %q", parts[0])
	}
	q, err := strconv.Atoi(strings.TrimSpace(parts[1]))
	if err != nil || q < 0 || q > 100 {
		return Frame{}, fmt.Errorf("quality %q is not 0..100", parts[1])
	}
	h, err := pdq.ParseHex(strings.TrimSpace(parts[2]))
	if err != nil {
		return Frame{}, fmt.Errorf("pdq %q: %w", parts[2], err)
	}
	ts, err := strconv.ParseFloat(strings.TrimSpace(parts[3]), 64)
	if err != nil || ts < 0 || math.IsInf(ts, 0) || math.IsNaN(ts) {
		return Frame{}, fmt.Errorf("timestamp %q", parts[3])
	}
	return Frame{Number: n, Quality: q, PDQ: h, Timestamp: ts}, nil
}
