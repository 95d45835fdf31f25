package jpegluma

import (
	"encoding/binary"
	"errors"
	"sync"
)

const lutBits = 9

// huffTable is a canonical Huffman table with a lutBits lookahead.
type huffTable struct {
	// lut[peek] = length<<8 | symbol; 0 when the code is longer than lutBits.
	lut     [1 << lutBits]uint16
	maxcode [18]int32 // largest code of each length, -1 if none
	valptr  [17]int32 // symbol index of a length's codes minus its first code
	vals    [256]byte
	present bool
	// fast resolves an AC code and its extra bits in one lookup:
	// value<<12 | run<<8 | totalBits; 0 when not resolvable. value 0 marks
	// EOB (run < 15) or ZRL (run 15).
	fast [1 << fastBits]int32
	// multi, built for AC tables of sequential scans (buildMulti), resolves
	// up to two coefficients and a following end-of-block in one lookup.
	multi    *[1 << fastBits]uint64
	multiSet bool
}

// A multi entry packs, from bit 0: the bits consumed (5 bits), the
// end-of-block flag (bit 5), the first coefficient's zig-zag offset from
// the current index (4 bits at 8), the offset of the last one (6 bits at
// 12), how far the index advances (8 bits at 18) and the number of
// coefficients (2 bits at 26) -- together the increment of the decoder's
// index<<0 | count<<8 counter -- and the two values as uint16 at bits 32
// and 48. 0 means the lookahead does not resolve the first code and its
// extra bits.
const (
	mEOB       = 1 << 5
	mOff1Shift = 8
	mOff2Shift = 12
	mAdvShift  = 18
	mCntShift  = 26
)

// fastBits is the lookahead of the fast and multi tables. 11 bits halve a
// multi table to 16 KiB and resolve fewer symbols per lookup; on these
// machines (32 KiB L1 data cache) that measured 1.5-3% faster than 12.
const fastBits = 11

var errHuffman = errors.New("bad huffman code")

// build fills t from the DHT counts (index 1..16) and symbols.
func (t *huffTable) build(counts *[17]int, syms []byte) error {
	*t = huffTable{multi: t.multi} // multi is rebuilt before use
	copy(t.vals[:], syms)
	code := int32(0)
	k := int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l])
		if n == 0 {
			t.maxcode[l] = -1
		} else {
			t.valptr[l] = k - code
			t.maxcode[l] = code + n - 1
			if t.maxcode[l] >= 1<<l {
				return errors.New("bad huffman table: code space overflow")
			}
			if l <= lutBits {
				for i := int32(0); i < n; i++ {
					c := code + i
					shift := lutBits - l
					lo := c << shift
					e := uint16(l)<<8 | uint16(t.vals[k+i])
					for p := lo; p < lo+(1<<shift); p++ {
						t.lut[p] = e
					}
				}
			}
		}
		code += n
		k += n
		code <<= 1
	}
	t.maxcode[17] = 1 << 30 // sentinel never reached: decode stops at 16
	t.present = true
	t.buildFast(counts)
	return nil
}

func (t *huffTable) buildFast(counts *[17]int) {
	code, k := 0, 0
	for l := 1; l <= 16; l++ {
		for i := 0; i < counts[l]; i++ {
			if l <= fastBits {
				rs := int(t.vals[k])
				r, s := rs>>4, rs&15
				if s == 0 {
					lo := code << (fastBits - l)
					for p := lo; p < lo+(1<<(fastBits-l)); p++ {
						t.fast[p] = int32(r<<8 | l)
					}
				} else if l+s <= fastBits {
					for e := 0; e < 1<<s; e++ {
						v := int32(e)
						if v < 1<<(s-1) {
							v += (-1 << s) + 1
						}
						lo := (code<<s | e) << (fastBits - l - s)
						for p := lo; p < lo+(1<<(fastBits-l-s)); p++ {
							t.fast[p] = v<<12 | int32(r<<8|(l+s))
						}
					}
				}
			}
			code++
			k++
		}
		code <<= 1
	}
}

// multiPool recycles multi tables (16 KiB each).
var multiPool = sync.Pool{New: func() any { return new([1 << fastBits]uint64) }}

// peek decodes the code at the top of window (left-aligned in 32 bits,
// avail bits valid) and returns its symbol and length, or ok false when the
// code is not complete within avail bits.
func (t *huffTable) peek(window uint32, avail int) (sym int, length int, ok bool) {
	if e := t.lut[window>>(32-lutBits)]; e != 0 {
		l := int(e >> 8)
		return int(e & 0xff), l, l <= avail
	}
	for l := lutBits + 1; l <= avail && l <= 16; l++ {
		code := int32(window >> (32 - l))
		if code <= t.maxcode[l] {
			return int(t.vals[(code+t.valptr[l])&0xff]), l, true
		}
	}
	return 0, 0, false
}

// extend sign-extends s extra bits x as JPEG coefficients are.
func extend(x uint32, s int) int32 {
	v := int32(x)
	if v < 1<<(s-1) {
		v += (-1 << s) + 1
	}
	return v
}

// buildMulti fills t.multi for every fastBits lookahead: the first symbol
// with its extra bits; if it is a coefficient, a second coefficient that
// fits too; then an end-of-block that fits.
func (t *huffTable) buildMulti() {
	if t.multi == nil {
		t.multi = multiPool.Get().(*[1 << fastBits]uint64)
	}
	for p := range t.multi {
		t.multi[p] = t.multiEntry(uint32(p) << (32 - fastBits))
	}
	t.multiSet = true
}

func (t *huffTable) multiEntry(w uint32) uint64 {
	used := 0
	// next decodes a symbol and its extra bits at used.
	next := func() (r, s int, v int32, ok bool) {
		rs, l, ok := t.peek(w<<used, fastBits-used)
		if !ok {
			return 0, 0, 0, false
		}
		r, s = rs>>4, rs&15
		if l+s > fastBits-used {
			return 0, 0, 0, false
		}
		if s > 0 {
			v = extend(w<<(used+l)>>(32-s), s)
		}
		used += l + s
		return r, s, v, true
	}
	r, s, v, ok := next()
	if !ok {
		return 0
	}
	if s == 0 {
		if r == 15 {
			return uint64(used) | 16<<mAdvShift
		}
		return uint64(used) | mEOB
	}
	e := uint64(uint16(v))<<32 | 1<<mCntShift | uint64(r)<<mOff1Shift | uint64(r)<<mOff2Shift | uint64(r+1)<<mAdvShift
	off := r + 1
	save := used
	r2, s2, v2, ok := next()
	switch {
	case !ok || (s2 == 0 && r2 == 15):
		used = save
	case s2 == 0:
		e |= mEOB
	default:
		off += r2
		e = e&^(3<<mCntShift|63<<mOff2Shift|255<<mAdvShift) | uint64(uint16(v2))<<48 | 2<<mCntShift |
			uint64(off)<<mOff2Shift | uint64(off+1)<<mAdvShift
		save = used
		if r3, s3, _, ok := next(); ok && s3 == 0 && r3 != 15 {
			e |= mEOB
		} else {
			used = save
		}
	}
	return e&^31 | uint64(used)
}

// bitReader reads the entropy-coded segment of a scan, removing byte
// stuffing. At a marker or at the end of data it supplies zero bits, like
// libjpeg; pad counts those bytes so the caller can refuse truncated data.
type bitReader struct {
	data []byte
	pos  int
	acc  uint64 // valid bits left-aligned
	n    uint
	pad  int
}

func (b *bitReader) reset(data []byte, pos int) {
	b.data, b.pos, b.acc, b.n, b.pad = data, pos, 0, 0, 0
}

// fill tops the accumulator up to at least 57 bits.
func (b *bitReader) fill() {
	// Fast path: 8 bytes with no 0xFF.
	if b.pos+8 <= len(b.data) {
		d := b.data[b.pos : b.pos+8]
		v := uint64(d[0])<<56 | uint64(d[1])<<48 | uint64(d[2])<<40 | uint64(d[3])<<32 |
			uint64(d[4])<<24 | uint64(d[5])<<16 | uint64(d[6])<<8 | uint64(d[7])
		// has-zero-byte trick on the complement finds any 0xFF byte
		x := ^v
		if (x-0x0101010101010101)&^x&0x8080808080808080 == 0 {
			nb := (64 - b.n) >> 3 // whole bytes that fit
			b.acc |= v >> b.n & ^(^uint64(0) >> (b.n + nb*8))
			b.n += nb * 8
			b.pos += int(nb)
			return
		}
	}
	for b.n <= 56 {
		var c byte
		if b.pos < len(b.data) {
			c = b.data[b.pos]
			if c == 0xFF {
				if b.pos+1 < len(b.data) && b.data[b.pos+1] == 0 {
					b.pos += 2
				} else {
					c = 0
					b.pad++
				}
			} else {
				b.pos++
			}
		} else {
			b.pad++
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

func (b *bitReader) decode(t *huffTable) (int, error) {
	if b.n < 16 {
		b.fill()
	}
	if e := t.lut[b.acc>>(64-lutBits)]; e != 0 {
		l := uint(e >> 8)
		b.acc <<= l
		b.n -= l
		return int(e & 0xff), nil
	}
	for l := uint(lutBits + 1); l <= 16; l++ {
		code := int32(b.acc >> (64 - l))
		if code <= t.maxcode[l] {
			b.acc <<= l
			b.n -= l
			return int(t.vals[(code+t.valptr[l])&0xff]), nil
		}
	}
	return 0, errHuffman
}

// bits returns the next s (0..16) bits.
func (b *bitReader) bits(s uint) int32 {
	if s == 0 {
		return 0
	}
	if b.n < s {
		b.fill()
	}
	v := int32(b.acc >> (64 - s))
	b.acc <<= s
	b.n -= s
	return v
}

// receive returns the next s bits sign-extended as JPEG coefficients are.
func (b *bitReader) receive(s uint) int32 {
	if s == 0 {
		return 0
	}
	if b.n < s {
		b.fill()
	}
	v := int32(b.acc >> (64 - s))
	b.acc <<= s
	b.n -= s
	if v < 1<<(s-1) {
		v += (-1 << s) + 1
	}
	return v
}

func (b *bitReader) bit() bool {
	if b.n < 1 {
		b.fill()
	}
	v := b.acc>>63 != 0
	b.acc <<= 1
	b.n--
	return v
}

var errCoefIndex = errors.New("jpeg: coefficient index out of range")

// baselineBlock decodes one sequential-mode block: the DC difference is
// added to *pred, and the nonzero AC coefficients are listed in ac as
// zig-zag index<<16 | uint16(value), not dequantized (the caller scatters
// them when it needs the block). It returns how many it listed.
//
// The loop is the decoder's hot spot. It keeps the bit state in locals
// (few enough to stay in registers), resolves a code and its extra bits
// with one lookup for all but the rarest codes, and refills the
// accumulator with one 8-byte load when those bytes hold no 0xFF;
// anything else (stuffed bytes, markers, the end of the data, codes longer
// than the table) takes the bitReader's general methods.
func (b *bitReader) baselineBlock(dcT, acT *huffTable, pred *int32, ac *[128]uint32) (int, error) {
	if b.n < 32 {
		b.fill()
	}
	if e := dcT.fast[b.acc>>(64-fastBits)]; e != 0 {
		l := uint(e) & 31
		b.acc <<= l
		b.n -= l
		*pred += e >> 12
	} else {
		s, err := b.decode(dcT)
		if err != nil {
			return 0, err
		}
		if s > 16 {
			return 0, errHuffman
		}
		*pred += b.receive(uint(s))
	}
	// rest is the data from the reader's position; st counts the
	// zig-zag index k in its low byte and the listed coefficients above.
	acc, n, rest := b.acc, b.n, b.data[b.pos:]
	multi := acT.multi
	st := 1
	for st&0xff < 64 {
		// Refill on every lookup (a data-dependent "if n < 32" would be
		// mispredicted every few lookups); only a window holding 0xFF or
		// the end of the data waits until the bits run low.
		if len(rest) >= 8 {
			v := binary.BigEndian.Uint64(rest)
			if x := ^v; (x-0x0101010101010101)&^x&0x8080808080808080 == 0 {
				// The bits below the n valid ones are zero, or are
				// the start of rest[0] from the previous refill:
				// OR-ing the same bytes again is exact.
				acc |= v >> (n & 63)
				rest = rest[(63-n)>>3:]
				n |= 56
			} else if n < 32 {
				acc, n, rest = b.refill(acc, n, rest)
			}
		} else if n < 32 {
			acc, n, rest = b.refill(acc, n, rest)
		}
		e := multi[acc>>(64-fastBits)]
		l := uint(e) & 31
		if e == 0 || st&0xff+int(e>>mOff2Shift&63) >= 63 {
			// A code longer than the table, code and extra bits together
			// longer, or an entry reaching the last coefficient (what
			// follows it may be the next block's DC code, not an end of
			// block or another coefficient): one symbol the general way.
			var done bool
			var err error
			acc, n, rest, st, done, err = b.slowSymbol(acT, acc, n, rest, st, ac)
			if err != nil {
				return 0, err
			}
			if done {
				break
			}
			continue
		}
		acc <<= l
		n -= l
		// Both slots are written; only the first count(e) count.
		k := st & 0xff
		ac[(st>>8)&127] = uint32(k+int(e>>mOff1Shift&15))<<16 | uint32(e>>32&0xffff)
		ac[(st>>8+1)&127] = uint32(k+int(e>>mOff2Shift&63))<<16 | uint32(e>>48)
		st += int(e >> mAdvShift & 0x3ff)
		if e&mEOB != 0 {
			break
		}
	}
	b.acc, b.n, b.pos = acc, n, len(b.data)-len(rest)
	return st >> 8, nil
}

// slowSymbol decodes one AC symbol with the general methods for
// baselineBlock (see there for st); done reports an end of block.
func (b *bitReader) slowSymbol(acT *huffTable, acc uint64, n uint, rest []byte, st int, ac *[128]uint32) (uint64, uint, []byte, int, bool, error) {
	b.acc, b.n, b.pos = acc, n, len(b.data)-len(rest)
	rs, err := b.decode(acT)
	if err != nil {
		return 0, 0, nil, 0, false, err
	}
	r, s := rs>>4, uint(rs&15)
	k := st&0xff + r
	switch {
	case s == 0 && r != 15:
		return b.acc, b.n, b.data[b.pos:], st, true, nil
	case s == 0:
		st += 16
	case k > 63:
		return 0, 0, nil, 0, false, errCoefIndex
	default:
		v := b.receive(s)
		ac[(st>>8)&127] = uint32(k)<<16 | uint32(uint16(v))
		st += r + 1 + 1<<8
	}
	return b.acc, b.n, b.data[b.pos:], st, false, nil
}

// refill is the general refill for a caller holding the bit state in
// locals: it clears the bits past the n valid ones (a fast refill may
// have left the start of the next byte there) and fills byte by byte.
func (b *bitReader) refill(acc uint64, n uint, rest []byte) (uint64, uint, []byte) {
	b.acc, b.n, b.pos = acc&^(^uint64(0)>>n), n, len(b.data)-len(rest)
	b.fill()
	return b.acc, b.n, b.data[b.pos:]
}
