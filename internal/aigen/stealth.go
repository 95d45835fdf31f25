package aigen

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// Stealth metadata: NovelAI, and A1111's "stealth pnginfo" extension,
// write the generation metadata into the least significant bits of a PNG's
// pixels as well, where it survives a metadata strip. The bit stream is a
// 15-byte signature, a 32-bit big-endian length in bits, then the payload
// (gzip for the *comp signatures): NovelAI's JSON, or A1111 infotext.
// Bits run column by column (x outer, y inner), most significant bit
// first; one bit a pixel from alpha, or three from R, G and B. Some
// readers walk rows instead, which is tried second.
//
// Reading it decodes pixels, so it is bounded: only complete,
// non-interlaced 8-bit RGB or RGBA PNGs are probed, the probe inflates
// rows only while their low bits can still spell a signature (an opaque
// image fails on its first byte), and a whole image is decoded only when
// a signature is present and the image is within MaxStealthPixels.

// MaxStealthPixels bounds the image a stealth payload is decoded from:
// the same pixel budget PDQ applies (pdq.DefaultMaxPixels).
const MaxStealthPixels = 100_000_000

const (
	sigBits      = 15 * 8
	stealthPlace = "stealth"
)

// The signatures, by mode.
var stealthSigs = [2][2]string{
	{"stealth_pnginfo", "stealth_pngcomp"}, // alpha
	{"stealth_rgbinfo", "stealth_rgbcomp"}, // RGB
}

// pngImage is what the chunk walk keeps for the stealth probe.
type pngImage struct {
	width, height    int
	depth, colorType byte
	interlace        byte
	idat             [][]byte
	idatAt           int64
	header           bool
}

func (p *pngImage) ihdr(data []byte) {
	if len(data) != 13 || p.header {
		return
	}
	p.header = true
	p.width, p.height = int(binary.BigEndian.Uint32(data)), int(binary.BigEndian.Uint32(data[4:]))
	p.depth, p.colorType, p.interlace = data[8], data[9], data[12]
}

// stealthCandidate is one way of reading the bits: a mode (alpha or RGB)
// and an order (columns or rows).
type stealthCandidate struct {
	mode, order int // mode 0 alpha, 1 RGB; order 0 columns, 1 rows
	alive       bool
	sig         int // which of the mode's signatures matched, once confirmed
	confirmed   bool
}

// lsbPlane holds the low bits of every pixel, row-major by pixel: one a
// pixel (alpha) or three (R, G, B).
type lsbPlane struct {
	per  int
	bits []byte
}

func (l *lsbPlane) set(i int) { l.bits[i>>3] |= 0x80 >> (i & 7) }
func (l *lsbPlane) get(i int) byte {
	return l.bits[i>>3] >> (7 - i&7) & 1
}

// stealth probes a PNG's pixels for a stealth signature and, when one is
// there, returns the payload as a field. ok is false for an image without
// one (the usual case) or of a kind not probed.
func (p *pngImage) stealth(maxPixels int64) (Field, bool) {
	ch := 0
	switch {
	case !p.header || len(p.idat) == 0 || p.depth != 8 || p.interlace != 0 || p.width <= 0 || p.height <= 0:
		return Field{}, false
	case p.colorType == 6:
		ch = 4
	case p.colorType == 2:
		ch = 3
	default:
		return Field{}, false
	}
	w, h := p.width, p.height
	cands := []*stealthCandidate{{mode: 0, order: 0}, {mode: 1, order: 0}, {mode: 0, order: 1}, {mode: 1, order: 1}}
	if ch == 3 {
		cands = []*stealthCandidate{{mode: 1, order: 0}, {mode: 1, order: 1}}
	}
	for _, c := range cands {
		c.alive = true
	}
	field := Field{Container: "png", Place: stealthPlace, Offset: p.idatAt}
	if int64(w)*int64(h) > maxPixels || int64(w)*int64(ch)+1 > 1<<30 {
		return Field{}, false
	}
	readers := make([]io.Reader, len(p.idat))
	for i, d := range p.idat {
		readers[i] = bytes.NewReader(d)
	}
	z, err := zlib.NewReader(io.MultiReader(readers...))
	if err != nil {
		return Field{}, false
	}
	defer z.Close()
	stride := w * ch
	prev, cur := make([]byte, stride+1), make([]byte, stride+1)
	// The planes start with the rows the probe needs and grow to the
	// whole image once a signature is confirmed.
	planes := [2]*lsbPlane{{per: 1}, {per: 3}}
	rows := 0
	readRow := func() error {
		if _, err := io.ReadFull(z, cur); err != nil {
			return err
		}
		if err := unfilter(cur[0], cur[1:], prev[1:], ch); err != nil {
			return err
		}
		for m, pl := range planes {
			if pl == nil || m == 0 && ch != 4 {
				continue
			}
			base := rows * w * pl.per
			need := (base + w*pl.per + 7) / 8
			for len(pl.bits) < need {
				pl.bits = append(pl.bits, 0)
			}
			row := cur[1:]
			for x := range w {
				px := row[x*ch : x*ch+ch]
				if m == 0 {
					if px[3]&1 != 0 {
						pl.set(base + x)
					}
					continue
				}
				for c := range 3 {
					if px[c]&1 != 0 {
						pl.set(base + 3*x + c)
					}
				}
			}
		}
		rows++
		prev, cur = cur, prev
		return nil
	}
	// Probe: read rows while some candidate is undecided.
	for {
		undecided := false
		for _, c := range cands {
			if c.alive && !c.confirmed {
				c.check(planes[c.mode], w, h, rows)
				undecided = undecided || c.alive && !c.confirmed
			}
		}
		if !undecided || rows == h {
			break
		}
		if err := readRow(); err != nil {
			return Field{}, false // damaged pixel data: PDQ reports it
		}
	}
	var pick *stealthCandidate
	for _, c := range cands {
		if c.alive && c.confirmed {
			pick = c
			break
		}
	}
	if pick == nil {
		return Field{}, false
	}
	field.Key = stealthSigs[pick.mode][pick.sig]
	planes[1-pick.mode] = nil
	pl := planes[pick.mode]
	pl.bits = slices.Grow(pl.bits, (w*h*pl.per+7)/8-len(pl.bits))
	for rows < h {
		if err := readRow(); err != nil {
			field.Place, field.Value = "stealth-error", []byte(fmt.Sprintf("stealth %s: pixel data: %v", field.Key, err))
			return field, true
		}
	}
	payload, err := stealthPayload(pl, pick.order, w, h, pick.sig == 1)
	if err != nil {
		field.Place, field.Value = "stealth-error", []byte(fmt.Sprintf("stealth %s: %v", field.Key, err))
		return field, true
	}
	field.Value = payload
	return field, true
}

// stream maps the i-th bit of a candidate's stream to its place in the
// plane.
func stream(per, order, w, h, i int) int {
	px, c := i/per, i%per
	var x, y int
	if order == 0 {
		x, y = px/h, px%h
	} else {
		x, y = px%w, px/w
	}
	return (y*w+x)*per + c
}

// check compares the bits the read rows hold with the signatures: a
// candidate dies at the first bit no signature has, and is confirmed when
// all 120 bits match one.
func (c *stealthCandidate) check(pl *lsbPlane, w, h, rows int) {
	per := pl.per
	// How many leading stream bits the read rows cover.
	var avail int
	if c.order == 0 {
		if rows == h {
			avail = w * h * per
		} else {
			avail = rows * per // column 0 only
		}
	} else {
		avail = rows * w * per
	}
	n := min(avail, sigBits)
	for s, sig := range stealthSigs[c.mode] {
		match := true
		for i := range n {
			want := sig[i/8] >> (7 - i%8) & 1
			if pl.get(stream(per, c.order, w, h, i)) != want {
				match = false
				break
			}
		}
		if match {
			if n == sigBits {
				c.confirmed, c.sig = true, s
			}
			return
		}
	}
	c.alive = false
}

// stealthPayload reads the length and payload after the signature.
func stealthPayload(pl *lsbPlane, order, w, h int, compressed bool) ([]byte, error) {
	total := w * h * pl.per
	pos := sigBits
	readBits := func(n int) uint64 {
		var v uint64
		for range n {
			v = v<<1 | uint64(pl.get(stream(pl.per, order, w, h, pos)))
			pos++
		}
		return v
	}
	if total < pos+32 {
		return nil, fmt.Errorf("no room for the length after the signature")
	}
	bits := readBits(32)
	n := int(bits / 8)
	if n > maxFieldBytes || pos+8*n > total {
		return nil, fmt.Errorf("length of %d bits runs past the %d the pixels hold", bits, total-pos)
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(readBits(8))
	}
	if !compressed {
		return out, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(out))
	if err != nil {
		return nil, fmt.Errorf("gzip payload: %w", err)
	}
	text, err := io.ReadAll(io.LimitReader(zr, maxFieldBytes+1))
	if err != nil {
		return nil, fmt.Errorf("gzip payload: %w", err)
	}
	if len(text) > maxFieldBytes {
		return nil, fmt.Errorf("gzip payload over %d bytes", maxFieldBytes)
	}
	return text, nil
}

// unfilter reverses a PNG row filter in place (bpp bytes a pixel).
func unfilter(f byte, cur, prev []byte, bpp int) error {
	switch f {
	case 0:
	case 1:
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2:
		for i := range cur {
			cur[i] += prev[i]
		}
	case 3:
		for i := range cur {
			var left byte
			if i >= bpp {
				left = cur[i-bpp]
			}
			cur[i] += byte((int(left) + int(prev[i])) / 2)
		}
	case 4:
		for i := range cur {
			var a, c byte
			if i >= bpp {
				a, c = cur[i-bpp], prev[i-bpp]
			}
			cur[i] += paeth(a, prev[i], c)
		}
	default:
		return fmt.Errorf("unknown row filter %d", f)
	}
	return nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
