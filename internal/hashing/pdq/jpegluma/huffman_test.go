package jpegluma

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// fixtureTables returns the first DHT segment's tables of a fixture with
// their code lists: codes[class][id][symbol] = (code, length).
type hcode struct {
	code uint32
	len  int
}

func fixtureTables(t *testing.T, name string) (*decoder, [2][4]map[byte]hcode) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	d := &decoder{data: data}
	if err := d.readHeaders(false); err != nil {
		t.Fatal(err)
	}
	var codes [2][4]map[byte]hcode
	for p := 0; p+4 < len(data); p++ {
		if data[p] != 0xFF || data[p+1] != 0xC4 {
			continue
		}
		seg := data[p+4 : p+2+(int(data[p+2])<<8|int(data[p+3]))]
		for len(seg) >= 17 {
			class, id := seg[0]>>4, seg[0]&15
			m := map[byte]hcode{}
			code, k := uint32(0), 17
			for l := 1; l <= 16; l++ {
				for i := 0; i < int(seg[l]); i++ {
					m[seg[k]] = hcode{code, l}
					code++
					k++
				}
				code <<= 1
			}
			codes[class][id] = m
			seg = seg[k:]
		}
	}
	return d, codes
}

// bitWriter writes JPEG entropy-coded data with 0xFF stuffing.
type bitWriter struct {
	out  bytes.Buffer
	acc  uint64
	nacc int
}

func (w *bitWriter) put(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | uint64(v>>i&1)
		w.nacc++
		if w.nacc == 8 {
			b := byte(w.acc)
			w.out.WriteByte(b)
			if b == 0xFF {
				w.out.WriteByte(0)
			}
			w.acc, w.nacc = 0, 0
		}
	}
}

func (w *bitWriter) bytes() []byte {
	for w.nacc != 0 {
		w.put(1, 1) // pad with ones as encoders do
	}
	return w.out.Bytes()
}

func category(v int32) int {
	if v < 0 {
		v = -v
	}
	n := 0
	for v != 0 {
		n++
		v >>= 1
	}
	return n
}

func (w *bitWriter) coef(v int32, s int) {
	if v < 0 {
		v += 1<<s - 1
	}
	w.put(uint32(v), s)
}

// encodeBlocks writes blocks (zig-zag order, DC as a difference) with the
// given code lists, using ZRL for long zero runs and EOB when the block
// ends early.
func encodeBlocks(w *bitWriter, dc, ac map[byte]hcode, blocks [][64]int32) {
	for _, b := range blocks {
		s := category(b[0])
		c := dc[byte(s)]
		w.put(c.code, c.len)
		w.coef(b[0], s)
		last := 0
		for k := 63; k > 0; k-- {
			if b[k] != 0 {
				last = k
				break
			}
		}
		run := 0
		for k := 1; k <= last; k++ {
			if b[k] == 0 {
				run++
				continue
			}
			for run >= 16 {
				c := ac[0xF0]
				w.put(c.code, c.len)
				run -= 16
			}
			s := category(b[k])
			c := ac[byte(run<<4|s)]
			w.put(c.code, c.len)
			w.coef(b[k], s)
			run = 0
		}
		if last < 63 {
			c := ac[0x00]
			w.put(c.code, c.len)
		}
	}
}

// randomBlocks makes blocks with small and large values (long codes and
// codes whose extra bits overflow the lookahead), long zero runs, and
// blocks whose last coefficient is at index 63.
func randomBlocks(rng *rand.Rand, n int) [][64]int32 {
	blocks := make([][64]int32, n)
	for i := range blocks {
		b := &blocks[i]
		b[0] = int32(rng.IntN(401) - 200)
		nz := rng.IntN(40)
		for j := 0; j < nz; j++ {
			k := 1 + rng.IntN(63)
			if rng.IntN(3) == 0 {
				k = 1 + rng.IntN(8)
			}
			var v int32
			switch rng.IntN(10) {
			case 0:
				v = int32(rng.IntN(1023) + 1)
			case 1, 2:
				v = int32(rng.IntN(60) + 1)
			default:
				v = int32(rng.IntN(3) + 1)
			}
			if rng.IntN(2) == 0 {
				v = -v
			}
			b[k] = v
		}
		if rng.IntN(5) == 0 {
			b[63] = int32(rng.IntN(5) + 1)
		}
	}
	return blocks
}

// slowBlock decodes one block one symbol at a time with the general
// methods: the oracle for baselineBlock.
func slowBlock(br *bitReader, dcT, acT *huffTable, pred *int32) ([]uint32, error) {
	s, err := br.decode(dcT)
	if err != nil {
		return nil, err
	}
	if s > 16 {
		return nil, errHuffman
	}
	*pred += br.receive(uint(s))
	var out []uint32
	for k := 1; k < 64; k++ {
		rs, err := br.decode(acT)
		if err != nil {
			return nil, err
		}
		r, s := rs>>4, rs&15
		if s == 0 {
			if r != 15 {
				break
			}
			k += 15
			continue
		}
		k += r
		v := br.receive(uint(s))
		if k > 63 {
			return nil, errCoefIndex
		}
		out = append(out, uint32(k)<<16|uint32(uint16(v)))
	}
	return out, nil
}

// TestBaselineBlock checks the fast block decoder (multi-symbol lookups,
// word refills) against symbol-by-symbol decoding and against the encoded
// values, on streams with long codes, stuffed 0xFF bytes at every
// alignment, last-coefficient blocks followed by the next DC code, and
// truncated data.
func TestBaselineBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, name := range []string{"b420.jpg", "opt420.jpg"} {
		d, codes := fixtureTables(t, name)
		for ti := 0; ti < 2; ti++ {
			dcT, acT := &d.dc[ti], &d.ac[ti]
			if !acT.present || !dcT.present {
				continue
			}
			acT.buildMulti()
			// Keep only blocks the table can code (optimised tables
			// lack unused symbols).
			var blocks [][64]int32
			for _, b := range randomBlocks(rng, 3000) {
				if encodable(b, codes[0][ti], codes[1][ti]) {
					blocks = append(blocks, b)
				}
			}
			if len(blocks) < 100 {
				t.Fatalf("%s table %d: only %d encodable blocks", name, ti, len(blocks))
			}
			var w bitWriter
			diffs := make([][64]int32, len(blocks))
			prev := int32(0)
			for i, b := range blocks {
				diffs[i] = b
				diffs[i][0] = b[0] - prev
				prev = b[0]
			}
			encodeBlocks(&w, codes[0][ti], codes[1][ti], diffs)
			data := w.bytes()
			if !bytes.Contains(data, []byte{0xFF, 0}) {
				t.Fatalf("%s: stream has no stuffed byte", name)
			}
			var fast, slow bitReader
			fast.reset(data, 0)
			slow.reset(data, 0)
			var pf, ps int32
			var list [128]uint32
			for i, b := range blocks {
				n, err := fast.baselineBlock(dcT, acT, &pf, &list)
				want, werr := slowBlock(&slow, dcT, acT, &ps)
				if err != nil || werr != nil {
					t.Fatalf("%s block %d: %v / %v", name, i, err, werr)
				}
				if pf != b[0] || ps != b[0] {
					t.Fatalf("%s block %d: DC %d / %d, want %d", name, i, pf, ps, b[0])
				}
				var got [64]int32
				got[0] = pf
				for _, x := range list[:n] {
					got[x>>16] = int32(int16(x))
				}
				if got != b {
					t.Fatalf("%s block %d: decoded %v, want %v", name, i, got, b)
				}
				// (Bit positions are not compared: the readers look ahead
				// by different amounts past stuffed bytes. The next
				// block decoding right checks the position.)
				if len(want) != n || !slices.Equal(want, list[:n]) {
					t.Fatalf("%s block %d: fast and general decoders disagree", name, i)
				}
			}
			// Truncated streams: the fast decoder fails or pads exactly
			// like the general one.
			for cut := 0; cut < 40; cut++ {
				tr := data[:rng.IntN(len(data))]
				fast.reset(tr, 0)
				slow.reset(tr, 0)
				pf, ps = 0, 0
				for i := range blocks {
					n, err := fast.baselineBlock(dcT, acT, &pf, &list)
					want, werr := slowBlock(&slow, dcT, acT, &ps)
					if (err == nil) != (werr == nil) || (err != nil && !errors.Is(err, werr)) {
						t.Fatalf("%s cut %d block %d: errors %v / %v", name, len(tr), i, err, werr)
					}
					if err != nil || fast.pad > maxPad {
						break
					}
					if n != len(want) || pf != ps || !slices.Equal(want, list[:n]) {
						t.Fatalf("%s cut %d block %d: fast and general decoders disagree", name, len(tr), i)
					}
				}
			}
		}
	}
}

func encodable(b [64]int32, dc, ac map[byte]hcode) bool {
	if _, ok := dc[byte(category(b[0]))]; !ok || category(b[0]) > 11 {
		return false
	}
	run := 0
	last := 0
	for k := 1; k < 64; k++ {
		if b[k] == 0 {
			run++
			continue
		}
		if run >= 16 {
			if _, ok := ac[0xF0]; !ok {
				return false
			}
			run %= 16
		}
		if _, ok := ac[byte(run<<4|category(b[k]))]; !ok {
			return false
		}
		run, last = 0, k
	}
	if _, ok := ac[0x00]; !ok && last < 63 {
		return false
	}
	return true
}

// TestMultiEntries checks every lookahead entry against decoding its
// symbols one at a time: values, zig-zag offsets, bits used, EOB.
func TestMultiEntries(t *testing.T) {
	for _, name := range []string{"b420.jpg", "opt420.jpg", "b411.jpg"} {
		d, _ := fixtureTables(t, name)
		for ti := range d.ac {
			tb := &d.ac[ti]
			if !tb.present {
				continue
			}
			tb.buildMulti()
			resolved := 0
			for p := 0; p < 1<<fastBits; p++ {
				e := tb.multi[p]
				if e == 0 {
					continue
				}
				resolved++
				w := uint32(p) << (32 - fastBits)
				b0, b1 := byte(w>>24), byte(w>>16)
				if b0 == 0xFF || b1 == 0xFF {
					continue // would read as a marker; TestBaselineBlock covers stuffing
				}
				var br bitReader
				br.reset([]byte{b0, b1, 0, 0, 0, 0, 0, 0, 0, 0}, 0)
				cnt := int(e >> mCntShift & 3)
				k := 0
				var vals [2]int32
				var offs [2]int
				for i := 0; i < cnt; i++ {
					rs, err := br.decode(tb)
					if err != nil || rs&15 == 0 {
						t.Fatalf("%s table %d entry %03x: coefficient %d is not one", name, ti, p, i)
					}
					k += rs >> 4
					offs[i] = k
					vals[i] = br.receive(uint(rs & 15))
					k++
				}
				switch {
				case cnt == 0 && e&mEOB == 0: // ZRL
					rs, _ := br.decode(tb)
					if rs != 0xF0 || int(e>>mAdvShift&255) != 16 {
						t.Fatalf("%s table %d entry %03x: not a ZRL", name, ti, p)
					}
				case e&mEOB != 0:
					if rs, _ := br.decode(tb); rs&15 != 0 || rs == 0xF0 {
						t.Fatalf("%s table %d entry %03x: no EOB", name, ti, p)
					}
				}
				if cnt > 0 {
					if int32(int16(e>>32)) != vals[0] || int(e>>mOff1Shift&15) != offs[0] ||
						int(e>>mOff2Shift&63) != offs[cnt-1] || int(e>>mAdvShift&255) != k {
						t.Fatalf("%s table %d entry %03x: %x, want values %v at %v", name, ti, p, e, vals[:cnt], offs[:cnt])
					}
					if cnt == 2 && int32(int16(e>>48)) != vals[1] {
						t.Fatalf("%s table %d entry %03x: second value %d, want %d", name, ti, p, int16(e>>48), vals[1])
					}
				}
				if used := br.pos*8 - int(br.n); used != int(e&31) {
					t.Fatalf("%s table %d entry %03x: uses %d bits, want %d", name, ti, p, e&31, used)
				}
			}
			if resolved < 1<<fastBits*9/10 {
				t.Errorf("%s table %d: only %d of %d lookaheads resolved", name, ti, resolved, 1<<fastBits)
			}
		}
	}
}
