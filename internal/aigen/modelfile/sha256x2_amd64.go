package modelfile

import (
	"encoding/binary"

	"github.com/klauspost/cpuid/v2"
)

// haveSHANI reports the x86 SHA extensions and the SSE the block
// functions use besides.
var haveSHANI = cpuid.CPU.Supports(cpuid.SHA, cpuid.SSSE3, cpuid.SSE4)

// block1 hashes n 64-byte blocks at p into state.
//
//go:noescape
func block1(state *[8]uint32, p *byte, n int)

// block2 hashes n blocks at pa into a and n blocks at pb into b, the two
// interleaved.
//
//go:noescape
func block2(a, b *[8]uint32, pa, pb *byte, n int)

func newSHAStream() shaStream {
	if !haveSHANI {
		return newStdStream()
	}
	return &niStream{state: [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}}
}

// niStream is a message's state, partial block and length.
type niStream struct {
	state [8]uint32
	buf   [64]byte
	nbuf  int
	n     uint64
}

func (s *niStream) write(b []byte) {
	s.n += uint64(len(b))
	for len(b) > 0 {
		blk := s.next(&b)
		if blk == nil {
			return
		}
		block1(&s.state, &blk[0], len(blk)/64)
		s.done(&b, len(blk)/64)
	}
}

// next returns the message's next whole blocks: its buffered block once
// full, else the data's; nil when all of b went into the buffer.
func (s *niStream) next(b *[]byte) []byte {
	if s.nbuf > 0 || len(*b) < 64 {
		k := copy(s.buf[s.nbuf:], *b)
		s.nbuf += k
		*b = (*b)[k:]
		if s.nbuf == 64 {
			return s.buf[:]
		}
		return nil
	}
	return (*b)[:len(*b)&^63]
}

// done records n blocks of next's hashed.
func (s *niStream) done(b *[]byte, n int) {
	if s.nbuf == 64 {
		s.nbuf = 0
		return
	}
	*b = (*b)[64*n:]
}

func writePair(x, y *niStream, a, b []byte) {
	x.n += uint64(len(a))
	y.n += uint64(len(b))
	for {
		ba, bb := x.next(&a), y.next(&b)
		switch {
		case ba == nil && bb == nil:
			return
		case bb == nil:
			block1(&x.state, &ba[0], len(ba)/64)
			x.done(&a, len(ba)/64)
		case ba == nil:
			block1(&y.state, &bb[0], len(bb)/64)
			y.done(&b, len(bb)/64)
		default:
			m := min(len(ba), len(bb)) / 64
			block2(&x.state, &y.state, &ba[0], &bb[0], m)
			x.done(&a, m)
			y.done(&b, m)
		}
	}
}

// sum pads the message (0x80, zeros, the length in bits) and returns its
// digest.
func (s *niStream) sum() []byte {
	st := s.state
	var tail [128]byte
	n := copy(tail[:], s.buf[:s.nbuf])
	tail[n] = 0x80
	end := 64
	if n >= 56 {
		end = 128
	}
	binary.BigEndian.PutUint64(tail[end-8:], s.n*8)
	block1(&st, &tail[0], end/64)
	out := make([]byte, 32)
	for j, v := range st {
		binary.BigEndian.PutUint32(out[4*j:], v)
	}
	return out
}
