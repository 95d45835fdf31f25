package jpegluma

import (
	"encoding/binary"
	"errors"
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
}

const fastBits = 12

var errHuffman = errors.New("bad huffman code")

// build fills t from the DHT counts (index 1..16) and symbols.
func (t *huffTable) build(counts *[17]int, syms []byte) error {
	*t = huffTable{}
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

// baselineBlock decodes one sequential-mode block. With blk nil it only
// consumes the bits. Otherwise it writes the dequantized nonzero
// coefficients into blk (which must be all zero) at natural positions,
// lists those positions in nz and returns their count. The bit state is
// kept in locals for speed.
func (b *bitReader) baselineBlock(dc, ac *huffTable, q *[64]int32, pred *int32, blk *[64]int32, nz *[64]uint8) (int, error) {
	if b.n < 32 {
		b.fill()
	}
	if e := dc.fast[b.acc>>(64-fastBits)]; e != 0 {
		l := uint(e & 0xff)
		b.acc <<= l
		b.n -= l
		*pred += e >> 12
	} else {
		s, err := b.decode(dc)
		if err != nil {
			return 0, err
		}
		if s > 16 {
			return 0, errHuffman
		}
		*pred += b.receive(uint(s))
	}
	nnz := 0
	if blk != nil {
		blk[0] = int32(int16(*pred)) * q[0]
		nz[0] = 0
		nnz = 1
	}
	acc, n, pos, data := b.acc, b.n, b.pos, b.data
	for k := 1; k < 64; {
		if n < 32 {
			if pos+8 <= len(data) {
				v := binary.BigEndian.Uint64(data[pos:])
				x := ^v
				if (x-0x0101010101010101)&^x&0x8080808080808080 == 0 {
					nb := (64 - n) >> 3
					acc |= v >> n & ^(^uint64(0) >> (n + nb*8))
					n += nb * 8
					pos += int(nb)
				} else {
					b.acc, b.n, b.pos = acc, n, pos
					b.fill()
					acc, n, pos = b.acc, b.n, b.pos
				}
			} else {
				b.acc, b.n, b.pos = acc, n, pos
				b.fill()
				acc, n, pos = b.acc, b.n, b.pos
			}
		}
		e := ac.fast[acc>>(64-fastBits)]
		if e == 0 {
			b.acc, b.n, b.pos = acc, n, pos
			rs, err := b.decode(ac)
			if err != nil {
				return 0, err
			}
			r, s := rs>>4, uint(rs&15)
			if s == 0 {
				acc, n, pos = b.acc, b.n, b.pos
				if r != 15 {
					break
				}
				k += 16
				continue
			}
			k += r
			v := b.receive(s)
			acc, n, pos = b.acc, b.n, b.pos
			if k > 63 {
				return 0, errCoefIndex
			}
			if blk != nil {
				z := zigzag[k]
				blk[z] = v * q[z]
				nz[nnz] = z
				nnz++
			}
			k++
			continue
		}
		l := uint(e & 0xff)
		acc <<= l
		n -= l
		v, r := e>>12, int(e>>8)&15
		if v == 0 {
			if r != 15 {
				break
			}
			k += 16
			continue
		}
		k += r
		if k > 63 {
			return 0, errCoefIndex
		}
		if blk != nil {
			z := zigzag[k&63]
			blk[z&63] = v * q[z&63]
			nz[nnz&63] = z
			nnz++
		}
		k++
	}
	b.acc, b.n, b.pos = acc, n, pos
	return nnz, nil
}
