package jpegluma

import "errors"

const lutBits = 9

// huffTable is a canonical Huffman table with a lutBits lookahead.
type huffTable struct {
	// lut[peek] = length<<8 | symbol; 0 when the code is longer than lutBits.
	lut     [1 << lutBits]uint16
	maxcode [18]int32 // largest code of each length, -1 if none
	valptr  [17]int32 // symbol index of a length's codes minus its first code
	vals    [256]byte
	present bool
}

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
	return nil
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
