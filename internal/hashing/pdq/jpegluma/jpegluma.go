// Package jpegluma is a purpose-built JPEG decoder for perceptual hashing.
// It decodes baseline and progressive Huffman-coded 8-bit JPEGs with one or
// three components and returns only the samples a caller asks for, on a
// grid of source coordinates: a 512x512 nearest-neighbour sample of a
// 12-megapixel photo touches a few pixels per 8x8 block, so most of the
// inverse DCT work is skipped.
//
// Two modes:
//
//   - Luma returns the Y channel (grey for one-component images). Chroma
//     is entropy-decoded (baseline) or skipped scan by scan (progressive)
//     but never transformed.
//   - RGB reproduces libjpeg(-turbo)'s default decompression bit for bit:
//     islow integer IDCT, "fancy" triangle chroma upsampling (h2v1, h2v2,
//     h1v2; replication for other ratios) and libjpeg's fixed-point
//     YCbCr->RGB tables. Chroma is computed only at the samples the
//     upsampling filters read for the requested grid.
//
// Tests check both modes byte for byte against libjpeg-turbo's djpeg on
// fixtures covering 4:2:0, 4:2:2, 4:4:0, 4:4:4, 4:1:1, restart intervals,
// progressive scans and greyscale (testdata/gen.sh).
//
// Arithmetic coding, lossless and hierarchical JPEG, 12-bit samples and
// 4-component (CMYK/YCCK) images give ErrUnsupported: callers fall back to
// a general decoder. Corrupt or truncated data gives an error, never a
// panic; the caller bounds the pixel count before decoding.
package jpegluma

import (
	"errors"
	"fmt"
)

// Mode selects what Decode returns.
type Mode int

const (
	// Luma returns 1 byte per sample: Y, or grey.
	Luma Mode = iota
	// RGB returns 3 bytes per sample (1 for greyscale images), as libjpeg
	// would output them.
	RGB
)

// ErrUnsupported reports a valid JPEG this decoder does not handle.
var ErrUnsupported = errors.New("jpegluma: unsupported jpeg")

// ErrLimit reports a JPEG over a work bound (see MaxScans).
var ErrLimit = errors.New("jpegluma: limit exceeded")

// MaxScans bounds the number of scans in a JPEG. Each scan walks every
// block of the image, so a small file with thousands of empty progressive
// scans would otherwise cost thousands of full passes. Encoders write about
// 10 (cjpeg -progressive) to 20 scans.
const MaxScans = 100

// Info describes a JPEG frame.
type Info struct {
	Width, Height int
	Components    int
	Progressive   bool
	// ColorRGB is set for 3-component images stored as RGB (not YCbCr).
	ColorRGB bool
}

type component struct {
	id     byte
	h, v   int
	tq     int
	bw, bh int // blocks that hold image data
	bwPad  int // blocks per row including MCU padding
	bhPad  int
	dw, dh int // downsampled width and height in samples
	pred   int32
	coefs  []int16   // progressive: bwPad*bhPad*64, natural order
	masks  []uint64  // progressive: per block, nonzero zig-zag positions
	smp    *sampling // samples to compute; nil when none
	store  bool      // progressive: keep coefficients
}

type decoder struct {
	data []byte
	pos  int
	mode Mode

	info         Info
	frame        bool
	baseline     bool
	comps        []component
	hmax, vmax   int
	mcusX        int
	mcusY        int
	qt           [4][64]int32 // natural order
	qtSet        [4]bool
	dc, ac       [4]huffTable
	restart      int
	jfif, adobe  bool
	adobeXform   int
	eobrun       int
	br           bitReader
	scans        int
	maxPixels    int64
	blk          [64]int32
	nz           [64]uint8
	acList       [128]uint32     // baselineBlock's AC coefficients (64 and slack)
	rowWeights   [4][8][64]int32 // per quantization table, see setRowWeights
	rowWeightMax [4]uint64       // largest weight magnitude of each table
	pairs        [4]pairCache    // see pairWeights

	xs, ys []int // requested grid
}

// sampling is the set of a component's samples to compute: the rows uy
// and columns ux (component sample coordinates, sorted, unique), stored
// row-major in samp.
type sampling struct {
	ux, uy             []int
	colStart, rowStart []int   // per block: first index into ux / uy
	colInBlk, rowInBlk []uint8 // ux[i] & 7, uy[i] & 7
	samp               []byte
	xmap, ymap         []int32 // coordinate -> index in ux / uy, -1 if absent
}

func newSampling(ux, uy []int, c *component, maps bool) *sampling {
	s := &sampling{ux: ux, uy: uy}
	s.colStart = blockStarts(ux, c.bwPad)
	s.rowStart = blockStarts(uy, c.bhPad)
	s.colInBlk = make([]uint8, len(ux))
	for i, x := range ux {
		s.colInBlk[i] = uint8(x & 7)
	}
	s.rowInBlk = make([]uint8, len(uy))
	for i, y := range uy {
		s.rowInBlk[i] = uint8(y & 7)
	}
	s.samp = make([]byte, len(ux)*len(uy))
	if maps {
		s.xmap = indexMap(ux, c.dw)
		s.ymap = indexMap(uy, c.dh)
	}
	return s
}

func indexMap(u []int, n int) []int32 {
	m := make([]int32, n)
	for i := range m {
		m[i] = -1
	}
	for i, v := range u {
		m[v] = int32(i)
	}
	return m
}

// DecodeInfo parses the headers up to the frame header.
func DecodeInfo(data []byte) (Info, error) {
	d := &decoder{data: data}
	if err := d.readHeaders(true); err != nil {
		return Info{}, err
	}
	return d.info, nil
}

// Decode decodes data and returns its samples at the grid xs × ys (source
// pixel coordinates; each list non-decreasing and inside the image),
// row-major, len(ys) rows of len(xs) samples. maxPixels bounds the frame
// size (0 = no bound).
func Decode(data []byte, xs, ys []int, mode Mode, maxPixels int64) ([]byte, Info, error) {
	d := &decoder{data: data, mode: mode, xs: xs, ys: ys, maxPixels: maxPixels}
	defer d.release()
	out, err := d.decode()
	if err != nil {
		return nil, d.info, err
	}
	return out, d.info, nil
}

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("jpeg offset %d: "+format, append([]any{d.pos}, args...)...)
}

func (d *decoder) u16(p int) int { return int(d.data[p])<<8 | int(d.data[p+1]) }

// nextMarker finds the next marker at or after d.pos, skipping fill bytes
// and any garbage, and consumes it.
func (d *decoder) nextMarker() (byte, error) {
	for d.pos+1 < len(d.data) {
		if d.data[d.pos] != 0xFF {
			d.pos++
			continue
		}
		m := d.data[d.pos+1]
		if m == 0xFF {
			d.pos++
			continue
		}
		if m == 0 {
			d.pos += 2
			continue
		}
		d.pos += 2
		return m, nil
	}
	return 0, errTruncated
}

var errTruncated = errors.New("jpeg: truncated data")

// segment returns the payload of a marker segment at d.pos and advances.
func (d *decoder) segment() ([]byte, error) {
	if d.pos+2 > len(d.data) {
		return nil, errTruncated
	}
	n := d.u16(d.pos)
	if n < 2 || d.pos+n > len(d.data) {
		return nil, d.errorf("bad segment length %d", n)
	}
	p := d.data[d.pos+2 : d.pos+n]
	d.pos += n
	return p, nil
}

// readHeaders reads markers until the first SOS (leaving d.pos at the SOS
// payload) or, with stopAtFrame, until the frame header.
func (d *decoder) readHeaders(stopAtFrame bool) error {
	if len(d.data) < 2 || d.data[0] != 0xFF || d.data[1] != 0xD8 {
		return errors.New("jpeg: missing SOI marker")
	}
	d.pos = 2
	for {
		m, err := d.nextMarker()
		if err != nil {
			return err
		}
		done, err := d.marker(m)
		if err != nil {
			return err
		}
		if stopAtFrame && d.frame {
			return nil
		}
		if done {
			return nil
		}
	}
}

// marker handles one non-scan marker. It returns true at SOS (d.pos at
// the SOS segment) and at EOI.
func (d *decoder) marker(m byte) (bool, error) {
	switch {
	case m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01:
		return false, nil // stray SOI, RSTn, TEM: no payload
	case m == 0xD9:
		return true, nil
	case m == 0xDA:
		if !d.frame {
			return false, d.errorf("scan before frame header")
		}
		return true, nil
	case m == 0xC0 || m == 0xC1 || m == 0xC2:
		p, err := d.segment()
		if err != nil {
			return false, err
		}
		return false, d.parseSOF(p, m)
	case m >= 0xC3 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
		return false, fmt.Errorf("%w: frame type SOF%d", ErrUnsupported, m-0xC0)
	case m == 0xCC:
		return false, fmt.Errorf("%w: arithmetic coding", ErrUnsupported)
	}
	p, err := d.segment()
	if err != nil {
		return false, err
	}
	switch m {
	case 0xC4:
		return false, d.parseDHT(p)
	case 0xDB:
		return false, d.parseDQT(p)
	case 0xDD:
		if len(p) < 2 {
			return false, d.errorf("bad DRI")
		}
		d.restart = int(p[0])<<8 | int(p[1])
	case 0xE0:
		if len(p) >= 5 && string(p[:5]) == "JFIF\x00" {
			d.jfif = true
		}
	case 0xEE:
		if len(p) >= 12 && string(p[:5]) == "Adobe" {
			d.adobe = true
			d.adobeXform = int(p[11])
		}
	}
	return false, nil
}

func (d *decoder) parseSOF(p []byte, m byte) error {
	if d.frame {
		return d.errorf("second frame header")
	}
	if len(p) < 6 {
		return d.errorf("short frame header")
	}
	if p[0] != 8 {
		return fmt.Errorf("%w: %d-bit samples", ErrUnsupported, p[0])
	}
	h := int(p[1])<<8 | int(p[2])
	w := int(p[3])<<8 | int(p[4])
	nc := int(p[5])
	if w == 0 || h == 0 {
		return d.errorf("zero image dimension %dx%d", w, h)
	}
	if nc != 1 && nc != 3 {
		if nc == 4 {
			d.info = Info{Width: w, Height: h, Components: nc, Progressive: m == 0xC2}
			d.frame = true
			return fmt.Errorf("%w: 4 components", ErrUnsupported)
		}
		return d.errorf("%d components", nc)
	}
	if len(p) < 6+3*nc {
		return d.errorf("short frame header")
	}
	d.comps = make([]component, nc)
	d.hmax, d.vmax = 1, 1
	for i := range d.comps {
		c := &d.comps[i]
		c.id = p[6+3*i]
		c.h, c.v = int(p[7+3*i]>>4), int(p[7+3*i]&15)
		c.tq = int(p[8+3*i])
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3 {
			return d.errorf("bad component %d sampling %dx%d table %d", i, c.h, c.v, c.tq)
		}
		d.hmax = max(d.hmax, c.h)
		d.vmax = max(d.vmax, c.v)
	}
	d.mcusX = (w + 8*d.hmax - 1) / (8 * d.hmax)
	d.mcusY = (h + 8*d.vmax - 1) / (8 * d.vmax)
	for i := range d.comps {
		c := &d.comps[i]
		c.dw = (w*c.h + d.hmax - 1) / d.hmax
		c.dh = (h*c.v + d.vmax - 1) / d.vmax
		c.bw = (c.dw + 7) / 8
		c.bh = (c.dh + 7) / 8
		c.bwPad = d.mcusX * c.h
		c.bhPad = d.mcusY * c.v
	}
	d.info = Info{Width: w, Height: h, Components: nc, Progressive: m == 0xC2}
	if nc == 3 {
		switch {
		case d.jfif:
		case d.adobe:
			d.info.ColorRGB = d.adobeXform == 0
		default:
			d.info.ColorRGB = d.comps[0].id == 'R' && d.comps[1].id == 'G' && d.comps[2].id == 'B'
		}
	}
	d.baseline = m != 0xC2
	d.frame = true
	return nil
}

func (d *decoder) parseDHT(p []byte) error {
	for len(p) > 0 {
		if len(p) < 17 {
			return d.errorf("short DHT")
		}
		class, id := p[0]>>4, int(p[0]&15)
		if class > 1 || id > 3 {
			return d.errorf("bad DHT table %d/%d", class, id)
		}
		var counts [17]int
		total := 0
		for l := 1; l <= 16; l++ {
			counts[l] = int(p[l])
			total += counts[l]
		}
		if total > 256 || len(p) < 17+total {
			return d.errorf("bad DHT symbol count %d", total)
		}
		t := &d.dc[id]
		if class == 1 {
			t = &d.ac[id]
		}
		if err := t.build(&counts, p[17:17+total]); err != nil {
			return d.errorf("%v", err)
		}
		p = p[17+total:]
	}
	return nil
}

func (d *decoder) parseDQT(p []byte) error {
	for len(p) > 0 {
		prec, id := p[0]>>4, int(p[0]&15)
		if prec > 1 || id > 3 {
			return d.errorf("bad DQT table %d/%d", prec, id)
		}
		n := 64 * (1 + int(prec))
		if len(p) < 1+n {
			return d.errorf("short DQT")
		}
		for k := 0; k < 64; k++ {
			var v int32
			if prec == 0 {
				v = int32(p[1+k])
			} else {
				v = int32(p[1+2*k])<<8 | int32(p[2+2*k])
			}
			d.qt[id][zigzag[k]] = v
		}
		d.qtSet[id] = true
		p = p[1+n:]
	}
	return nil
}

// zigzag maps zig-zag index to natural index.
var zigzag = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}
