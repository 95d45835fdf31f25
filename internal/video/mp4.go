package video

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/big"
)

// The MP4/MOV header reader: the facts frame selection needs (frame rate,
// frame size, codec, duration), read from the moov box in Go instead of
// from an ffprobe child. ffprobe's start-up alone (loading some 200 shared
// libraries) costs about 0.06 s of CPU, a fifth of decoding a 5-second
// clip. It computes each fact as FFmpeg's mov demuxer does (libavformat
// mov.c, read here to learn the rules):
//   - avg_frame_rate = timescale * samples / total sample duration of the
//     track's stts, reduced (mov_read_stts, mov_read_header);
//   - the format duration = the mvhd duration in microseconds, rounded to
//     nearest (mov_read_mvhd);
//   - width and height from the visual sample entry, codec from its fourcc.
// It answers only for files it is sure about: a plain (not fragmented, not
// compressed) file that starts with ftyp, whose moov holds exactly one
// video track with one sample entry of a known codec (H.264, HEVC, VP9,
// AV1) and a simple time-to-sample table (positive durations, the sums
// within FFmpeg's own int bounds, a frame rate that reduces exactly). For
// anything else (and any damage) it declines, and ffprobe decides as
// before. ffmpeg still decodes the file with its own demuxer.

// movFormat is the format_name ffprobe reports for the mov demuxer.
const movFormat = "mov,mp4,m4a,3gp,3g2,mj2"

// maxMoov bounds the moov box read into memory.
const maxMoov = 16 << 20

// maxTopBoxes bounds the top-level boxes walked to find moov.
const maxTopBoxes = 64

// headerFacts are the first video stream's facts as ffprobe reports them.
type headerFacts struct {
	Format, Codec string
	Width, Height int
	FPS           float64 // the average frame rate (ffprobe: else r_frame_rate)
	Rates         string  // the rates as declared, for an error message
	Duration      float64 // seconds; 0 when unknown
}

// mp4Codecs maps sample-entry fourccs to FFmpeg codec names.
var mp4Codecs = map[string]string{
	"avc1": "h264", "avc3": "h264",
	"hvc1": "hevc", "hev1": "hevc",
	"vp09": "vp9", "av01": "av1",
}

// box is one ISO BMFF box: its type and its payload's bounds.
type box struct {
	typ        string
	start, end int64 // payload
}

// nextBox reads the box header at off within [off, end): ok is false on
// a header that does not fit.
func nextBox(r io.ReaderAt, off, end int64, top bool) (box, bool) {
	var h [16]byte
	if end-off < 8 {
		return box{}, false
	}
	if _, err := r.ReadAt(h[:8], off); err != nil {
		return box{}, false
	}
	size := int64(binary.BigEndian.Uint32(h[:4]))
	b := box{typ: string(h[4:8]), start: off + 8}
	switch size {
	case 0: // to the end of the file: top level only
		if !top {
			return box{}, false
		}
		b.end = end
		return b, true
	case 1:
		if end-off < 16 {
			return box{}, false
		}
		if _, err := r.ReadAt(h[8:16], off+8); err != nil {
			return box{}, false
		}
		u := binary.BigEndian.Uint64(h[8:16])
		if u > math.MaxInt64 {
			return box{}, false
		}
		size = int64(u)
		b.start = off + 16
	}
	if size < b.start-off || size > end-off {
		return box{}, false
	}
	b.end = off + size
	return b, true
}

// children lists the boxes inside payload p (a byte slice), at most max.
func children(p []byte, max int) ([]box, bool) {
	r := bytesReaderAt(p)
	var out []box
	for off := int64(0); off < int64(len(p)); {
		if len(out) >= max {
			return nil, false
		}
		b, ok := nextBox(r, off, int64(len(p)), false)
		if !ok {
			return nil, false
		}
		out = append(out, b)
		off = b.end
	}
	return out, true
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// find returns the payload of the only child of type typ (ok false when
// there is none or more than one).
func find(p []byte, typ string) ([]byte, bool) {
	bs, ok := children(p, 256)
	if !ok {
		return nil, false
	}
	var out []byte
	n := 0
	for _, b := range bs {
		if b.typ == typ {
			out, n = p[b.start:b.end], n+1
		}
	}
	return out, n == 1
}

// readMP4Header returns the facts of a plain MP4/MOV file of size bytes,
// or ok false when it is not sure (see above).
func readMP4Header(r io.ReaderAt, size int64) (f headerFacts, ok bool) {
	var moov []byte
	for off, i := int64(0), 0; off < size && moov == nil; i++ {
		if i >= maxTopBoxes {
			return f, false
		}
		b, ok := nextBox(r, off, size, true)
		if !ok || i == 0 && b.typ != "ftyp" || b.typ == "moof" {
			return f, false
		}
		if b.typ == "moov" {
			if b.end-b.start > maxMoov {
				return f, false
			}
			moov = make([]byte, b.end-b.start)
			if _, err := r.ReadAt(moov, b.start); err != nil {
				return f, false
			}
		}
		off = b.end
	}
	if moov == nil {
		return f, false
	}
	bs, ok := children(moov, 256)
	if !ok {
		return f, false
	}
	var mvhd []byte
	var video [][]byte
	for _, b := range bs {
		p := moov[b.start:b.end]
		switch b.typ {
		case "mvex", "cmov": // fragmented, compressed
			return f, false
		case "mvhd":
			if mvhd != nil {
				return f, false
			}
			mvhd = p
		case "trak":
			mdia, ok := find(p, "mdia")
			if !ok {
				return f, false // FFmpeg may skip such a track: let it decide
			}
			hdlr, ok := find(mdia, "hdlr")
			if !ok || len(hdlr) < 12 {
				return f, false
			}
			if string(hdlr[8:12]) == "vide" {
				video = append(video, mdia)
			}
		}
	}
	if len(video) != 1 || mvhd == nil {
		return f, false
	}
	dur, ok := movieDuration(mvhd)
	if !ok {
		return f, false
	}
	f, ok = videoTrack(video[0])
	f.Format, f.Duration = movFormat, dur
	return f, ok
}

// movieDuration is the mvhd duration in seconds, rounded to microseconds
// as FFmpeg does.
func movieDuration(p []byte) (float64, bool) {
	var ts, d uint64
	switch {
	case len(p) >= 20 && p[0] == 0:
		ts, d = uint64(binary.BigEndian.Uint32(p[12:16])), uint64(binary.BigEndian.Uint32(p[16:20]))
		if d == math.MaxUint32 { // "unknown"
			return 0, false
		}
	case len(p) >= 32 && p[0] == 1:
		ts, d = uint64(binary.BigEndian.Uint32(p[20:24])), binary.BigEndian.Uint64(p[24:32])
	default:
		return 0, false
	}
	if ts == 0 || ts > math.MaxInt32 || d == 0 || d > math.MaxInt64 {
		return 0, false
	}
	// av_rescale(d, 1e6, ts), rounding half away from zero.
	us := new(big.Int).Mul(new(big.Int).SetUint64(d), big.NewInt(1_000_000))
	us.Add(us, new(big.Int).SetUint64(ts/2))
	us.Quo(us, new(big.Int).SetUint64(ts))
	if !us.IsInt64() {
		return 0, false
	}
	return float64(us.Int64()) / 1e6, true
}

// videoTrack reads the video track's mdia box.
func videoTrack(mdia []byte) (f headerFacts, ok bool) {
	mdhd, ok := find(mdia, "mdhd")
	if !ok {
		return f, false
	}
	var ts uint64
	switch {
	case len(mdhd) >= 16 && mdhd[0] == 0:
		ts = uint64(binary.BigEndian.Uint32(mdhd[12:16]))
	case len(mdhd) >= 24 && mdhd[0] == 1:
		ts = uint64(binary.BigEndian.Uint32(mdhd[20:24]))
	default:
		return f, false
	}
	if ts == 0 || ts > math.MaxInt32 {
		return f, false
	}
	minf, ok := find(mdia, "minf")
	if !ok {
		return f, false
	}
	stbl, ok := find(minf, "stbl")
	if !ok {
		return f, false
	}
	stsd, ok := find(stbl, "stsd")
	// version and flags, entry count 1, then one visual sample entry of
	// at least 36 bytes: size, fourcc, reserved and data reference (8),
	// pre-defined and reserved (16), width, height.
	if !ok || len(stsd) < 8+36 || binary.BigEndian.Uint32(stsd[4:8]) != 1 {
		return f, false
	}
	entry := stsd[8:]
	if n := binary.BigEndian.Uint32(entry[0:4]); n < 36 || int64(n) > int64(len(entry)) {
		return f, false
	}
	f.Codec, ok = mp4Codecs[string(entry[4:8])]
	if !ok {
		return f, false
	}
	f.Width, f.Height = int(binary.BigEndian.Uint16(entry[32:34])), int(binary.BigEndian.Uint16(entry[34:36]))
	if f.Width == 0 || f.Height == 0 {
		return f, false
	}
	stts, ok := find(stbl, "stts")
	if !ok || len(stts) < 8 {
		return f, false
	}
	n := uint64(binary.BigEndian.Uint32(stts[4:8]))
	if n == 0 || uint64(len(stts)-8) != 8*n {
		return f, false
	}
	var samples, total uint64
	for i := uint64(0); i < n; i++ {
		e := stts[8+8*i:]
		c, d := uint64(binary.BigEndian.Uint32(e[0:4])), uint64(binary.BigEndian.Uint32(e[4:8]))
		// Positive durations only (FFmpeg corrects negative ones); an
		// outsized last single sample FFmpeg's older versions shorten.
		if d == 0 || d > math.MaxInt32 || c > math.MaxInt32 {
			return f, false
		}
		if i > 0 && i+1 == n && c == 1 && samples > 100 && d/10 > total/samples {
			return f, false
		}
		samples += c
		total += c * d
		if samples > math.MaxInt32 || total > math.MaxInt64/2 {
			return f, false
		}
	}
	if samples == 0 {
		return f, false
	}
	// av_reduce(timescale*samples, total, INT_MAX): exact or decline.
	num := new(big.Int).Mul(new(big.Int).SetUint64(ts), new(big.Int).SetUint64(samples))
	den := new(big.Int).SetUint64(total)
	g := new(big.Int).GCD(nil, nil, num, den)
	num.Quo(num, g)
	den.Quo(den, g)
	if !num.IsInt64() || num.Int64() > math.MaxInt32 || den.Int64() > math.MaxInt32 {
		return f, false
	}
	f.FPS = float64(num.Int64()) / float64(den.Int64())
	f.Rates = fmt.Sprintf("avg %d/%d", num.Int64(), den.Int64())
	return f, true
}
