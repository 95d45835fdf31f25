package jpegluma

import (
	"errors"
	"fmt"
	mathbits "math/bits"
	"sync"
)

// maxPad is how many zero bytes past the end of a scan's data the decoder
// tolerates (libjpeg pads silently; a few bytes are normal lookahead).
const maxPad = 16

type scanComp struct {
	c        *component
	dcT, acT int
}

type scanHdr struct {
	comps  []scanComp
	ss, se int
	ah, al uint
}

func (d *decoder) decode() ([]byte, error) {
	if err := d.readHeaders(false); err != nil {
		return nil, err
	}
	if !d.frame {
		return nil, errors.New("jpeg: no frame header")
	}
	w, h := d.info.Width, d.info.Height
	if d.maxPixels > 0 && int64(w)*int64(h) > d.maxPixels {
		return nil, fmt.Errorf("jpeg: %dx%d exceeds %d pixels", w, h, d.maxPixels)
	}
	if err := d.setup(); err != nil {
		return nil, err
	}
	for {
		// d.pos is at an SOS segment.
		p, err := d.segment()
		if err != nil {
			return nil, err
		}
		d.scans++
		if d.scans > MaxScans {
			return nil, fmt.Errorf("%w: more than %d scans", ErrLimit, MaxScans)
		}
		if err := d.scan(p); err != nil {
			return nil, err
		}
		end := false
		for !end {
			m, err := d.nextMarker()
			if err != nil {
				if d.scans > 0 && errors.Is(err, errTruncated) {
					end = true // tolerate a missing EOI
					break
				}
				return nil, err
			}
			if m == 0xD9 {
				end = true
				break
			}
			if m == 0xDA {
				break
			}
			if m == 0xC4 || m == 0xDB || m == 0xDD || m >= 0xE0 || m == 0xFE || (m >= 0xD0 && m <= 0xD7) {
				if _, err := d.marker(m); err != nil {
					return nil, err
				}
				continue
			}
			if m == 0xDC { // DNL
				if _, err := d.segment(); err != nil {
					return nil, err
				}
				continue
			}
			return nil, d.errorf("unexpected marker 0x%02x", m)
		}
		if end {
			break
		}
	}
	if !d.baseline {
		d.finishProgressive()
	}
	return d.output()
}

// setup validates the mode and allocates buffers.
func (d *decoder) setup() error {
	w, h := d.info.Width, d.info.Height
	for i, x := range d.xs {
		if x < 0 || x >= w || (i > 0 && x < d.xs[i-1]) {
			return fmt.Errorf("jpegluma: sample columns must be non-decreasing and inside width %d (got %d)", w, x)
		}
	}
	for i, y := range d.ys {
		if y < 0 || y >= h || (i > 0 && y < d.ys[i-1]) {
			return fmt.Errorf("jpegluma: sample rows must be non-decreasing and inside height %d (got %d)", h, y)
		}
	}
	ux, uy := uniq(d.xs), uniq(d.ys)
	if d.mode == Luma {
		c0 := &d.comps[0]
		if d.info.ColorRGB || c0.h != d.hmax || c0.v != d.vmax {
			return fmt.Errorf("%w: luma mode needs full-resolution Y", ErrUnsupported)
		}
		c0.smp = newSampling(ux, uy, c0, false)
		c0.store = !d.baseline
	} else {
		for i := range d.comps {
			c := &d.comps[i]
			if d.hmax%c.h != 0 || d.vmax%c.v != 0 {
				return fmt.Errorf("%w: fractional sampling", ErrUnsupported)
			}
			k := d.upKind(c)
			var cx, cy []int
			for _, x := range ux {
				cx = appendDeps(cx, k.h, x, c.dw)
			}
			for _, y := range uy {
				cy = appendDeps(cy, k.v, y, c.dh)
			}
			c.smp = newSampling(uniqSorted(cx, c.dw), uniqSorted(cy, c.dh), c, true)
			c.store = !d.baseline
		}
	}
	for i := range d.comps {
		c := &d.comps[i]
		if c.store {
			c.coefs = getSlice[int16](&coefPool, c.bwPad*c.bhPad*64)
			c.masks = getSlice[uint64](&maskPool, c.bwPad*c.bhPad)
		}
	}
	return nil
}

// uniqSorted returns the distinct values of s (all in 0..n-1), sorted.
func uniqSorted(s []int, n int) []int {
	seen := make([]bool, n)
	for _, v := range s {
		seen[v] = true
	}
	out := make([]int, 0, len(s))
	for v, ok := range seen {
		if ok {
			out = append(out, v)
		}
	}
	return out
}

// Progressive coefficient buffers are large (2 bytes per pixel) and
// short-lived: they are pooled.
var coefPool, maskPool sync.Pool

func getSlice[T int16 | uint64](p *sync.Pool, n int) []T {
	if v, ok := p.Get().(*[]T); ok && cap(*v) >= n {
		s := (*v)[:n]
		clear(s)
		return s
	}
	return make([]T, n)
}

func putSlice[T int16 | uint64](p *sync.Pool, s []T) {
	if s != nil {
		p.Put(&s)
	}
}

// release returns pooled buffers.
func (d *decoder) release() {
	for i := range d.comps {
		c := &d.comps[i]
		putSlice(&coefPool, c.coefs)
		putSlice(&maskPool, c.masks)
		c.coefs, c.masks = nil, nil
	}
	for i := range d.ac {
		if m := d.ac[i].multi; m != nil {
			multiPool.Put(m)
			d.ac[i].multi, d.ac[i].multiSet = nil, false
		}
	}
}

func uniq(s []int) []int {
	out := make([]int, 0, len(s))
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// blockStarts returns, for each block index b in 0..n, the first index i
// with u[i] >= 8b.
func blockStarts(u []int, n int) []int {
	st := make([]int, n+1)
	i := 0
	for b := 0; b <= n; b++ {
		for i < len(u) && u[i] < 8*b {
			i++
		}
		st[b] = i
	}
	return st
}

func (d *decoder) scan(p []byte) error {
	if len(p) < 1 {
		return d.errorf("short SOS")
	}
	ns := int(p[0])
	if ns < 1 || ns > 4 || len(p) < 1+2*ns+3 {
		return d.errorf("bad SOS")
	}
	var sh scanHdr
	for i := 0; i < ns; i++ {
		id := p[1+2*i]
		var c *component
		for j := range d.comps {
			if d.comps[j].id == id {
				c = &d.comps[j]
			}
		}
		if c == nil {
			return d.errorf("scan names unknown component %d", id)
		}
		sh.comps = append(sh.comps, scanComp{c: c, dcT: int(p[2+2*i] >> 4), acT: int(p[2+2*i] & 15)})
		if sh.comps[i].dcT > 3 || sh.comps[i].acT > 3 {
			return d.errorf("bad scan table selector")
		}
	}
	q := p[1+2*ns:]
	sh.ss, sh.se = int(q[0]), int(q[1])
	sh.ah, sh.al = uint(q[2]>>4), uint(q[2]&15)
	if d.baseline {
		if sh.ss != 0 || sh.se != 63 || sh.ah != 0 || sh.al != 0 {
			// libjpeg ignores these for sequential scans; so do we.
			sh.ss, sh.se, sh.ah, sh.al = 0, 63, 0, 0
		}
	} else {
		if sh.ss > sh.se || sh.se > 63 || sh.al > 13 || (sh.ss == 0 && sh.se != 0) || (sh.ss > 0 && ns != 1) {
			return d.errorf("bad progressive scan parameters")
		}
	}
	blocksPerMCU := 0
	for _, sc := range sh.comps {
		blocksPerMCU += sc.c.h * sc.c.v
	}
	if ns > 1 && blocksPerMCU > 10 {
		return d.errorf("too many blocks per MCU")
	}
	// Check the tables the scan needs.
	for _, sc := range sh.comps {
		if (d.baseline || sh.ss == 0) && sh.ah == 0 && !d.dc[sc.dcT].present {
			return d.errorf("missing DC huffman table %d", sc.dcT)
		}
		if (d.baseline || sh.ss > 0) && !d.ac[sc.acT].present {
			return d.errorf("missing AC huffman table %d", sc.acT)
		}
		if !d.qtSet[sc.c.tq] {
			return d.errorf("missing quantization table %d", sc.c.tq)
		}
	}
	// Progressive AC scans of components we do not keep are skipped whole.
	if !d.baseline && sh.ss > 0 && !sh.comps[0].c.store {
		return nil
	}
	for _, sc := range sh.comps {
		sc.c.pred = 0
		if !d.baseline {
			continue
		}
		if t := &d.ac[sc.acT]; !t.multiSet {
			t.buildMulti()
		}
		d.rowWeightMax[sc.c.tq] = setRowWeights(&d.rowWeights[sc.c.tq], &d.qt[sc.c.tq])
		d.pairs = [4]pairCache{} // the tables may have changed
	}
	d.eobrun = 0
	d.br.reset(d.data, d.pos)
	var err error
	if ns == 1 {
		err = d.scanSingle(&sh)
	} else {
		err = d.scanInterleaved(&sh)
	}
	if err != nil {
		return err
	}
	d.pos = d.br.pos
	return nil
}

// restartCheck handles the end of a restart interval after mcu MCUs
// (mcu counts from 1) out of total.
func (d *decoder) restartCheck(sh *scanHdr, mcu, total int) error {
	if d.br.pad > maxPad {
		return fmt.Errorf("jpeg: truncated or corrupt scan data near offset %d", d.br.pos)
	}
	if d.restart == 0 || mcu%d.restart != 0 || mcu == total {
		return nil
	}
	// Find the RST marker: skip what is left of this interval's bytes.
	p := d.br.pos
	for p+1 < len(d.data) && !(d.data[p] == 0xFF && d.data[p+1] != 0 && d.data[p+1] != 0xFF) {
		p++
	}
	if p+1 >= len(d.data) || d.data[p+1] < 0xD0 || d.data[p+1] > 0xD7 {
		return fmt.Errorf("jpeg: missing restart marker near offset %d", p)
	}
	d.br.reset(d.data, p+2)
	for _, sc := range sh.comps {
		sc.c.pred = 0
	}
	d.eobrun = 0
	return nil
}

func (d *decoder) scanSingle(sh *scanHdr) error {
	sc := &sh.comps[0]
	c := sc.c
	total := c.bw * c.bh
	mcu := 0
	for by := 0; by < c.bh; by++ {
		for bx := 0; bx < c.bw; bx++ {
			if err := d.block(sh, sc, bx, by); err != nil {
				return err
			}
			mcu++
			if err := d.restartCheck(sh, mcu, total); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *decoder) scanInterleaved(sh *scanHdr) error {
	total := d.mcusX * d.mcusY
	mcu := 0
	for my := 0; my < d.mcusY; my++ {
		for mx := 0; mx < d.mcusX; mx++ {
			for i := range sh.comps {
				sc := &sh.comps[i]
				c := sc.c
				for v := 0; v < c.v; v++ {
					for h := 0; h < c.h; h++ {
						if err := d.block(sh, sc, mx*c.h+h, my*c.v+v); err != nil {
							return err
						}
					}
				}
			}
			mcu++
			if err := d.restartCheck(sh, mcu, total); err != nil {
				return err
			}
		}
	}
	return nil
}

// block decodes one block of a scan.
func (d *decoder) block(sh *scanHdr, sc *scanComp, bx, by int) error {
	c := sc.c
	br := &d.br
	if d.baseline {
		nac, err := br.baselineBlock(&d.dc[sc.dcT], &d.ac[sc.acT], &c.pred, &d.acList)
		if err != nil || !d.wantBlock(c, bx, by) {
			return err
		}
		if sp := c.smp; sp.rowStart[by+1]-sp.rowStart[by] <= listRows {
			d.emitList(c, bx, by, int32(int16(c.pred)), d.acList[:nac&63])
			return nil
		}
		blk, nz, q := &d.blk, &d.nz, &d.qt[c.tq]
		blk[0] = int32(int16(c.pred)) * q[0]
		nz[0] = 0
		for i, x := range d.acList[:nac&63] {
			z := zigzag[(x>>16)&63] & 63
			blk[z] = int32(int16(x)) * q[z]
			nz[(i+1)&63] = z
		}
		d.emit(c, bx, by, blk, nz[:nac+1])
		for _, z := range nz[:nac+1] {
			blk[z&63] = 0
		}
		return nil
	}
	coefs := c.coefs
	var b []int16
	var mask *uint64
	if coefs != nil {
		bi := by*c.bwPad + bx
		b = coefs[bi*64 : bi*64+64 : bi*64+64]
		mask = &c.masks[bi]
	}
	if sh.ss == 0 {
		if sh.ah == 0 {
			s, err := br.decode(&d.dc[sc.dcT])
			if err != nil {
				return err
			}
			if s > 16 {
				return errHuffman
			}
			c.pred += br.receive(uint(s))
			if b != nil {
				b[0] = int16(c.pred << sh.al)
			}
		} else if br.bit() && b != nil {
			b[0] |= 1 << sh.al
		}
		return nil
	}
	if b == nil {
		return nil
	}
	if sh.ah == 0 {
		return d.acFirst(sh, sc, b, mask)
	}
	return d.acRefine(sh, sc, b, mask)
}

// acFirst decodes a first AC scan band. mask has bit k set when the
// coefficient at zig-zag index k is nonzero.
func (d *decoder) acFirst(sh *scanHdr, sc *scanComp, b []int16, mask *uint64) error {
	if d.eobrun > 0 {
		d.eobrun--
		return nil
	}
	br := &d.br
	ac := &d.ac[sc.acT]
	for k := sh.ss; k <= sh.se; k++ {
		if br.n < 32 {
			br.fill()
		}
		rs, err := br.decode(ac)
		if err != nil {
			return err
		}
		r, s := rs>>4, rs&15
		if s != 0 {
			k += r
			if k > sh.se {
				return errors.New("jpeg: coefficient index out of range")
			}
			v := int16(br.receive(uint(s)) << sh.al)
			b[zigzag[k]] = v
			if v != 0 {
				*mask |= 1 << uint(k)
			}
			continue
		}
		if r == 15 {
			k += 15
			continue
		}
		d.eobrun = 1 << r
		if r > 0 {
			d.eobrun += int(br.bits(uint(r)))
		}
		d.eobrun--
		break
	}
	return nil
}

// acRefine decodes a refinement AC scan band (see acFirst for mask).
func (d *decoder) acRefine(sh *scanHdr, sc *scanComp, b []int16, mask *uint64) error {
	br := &d.br
	ac := &d.ac[sc.acT]
	p1 := int16(1) << sh.al
	m1 := int16(-1) << sh.al
	b = b[:64]
	k := sh.ss
	se := sh.se
	// The bit state lives in locals; every path that calls a bitReader
	// method writes it back first and reloads it after.
	acc, n := br.acc, br.n
	if d.eobrun == 0 {
		for ; k <= se; k++ {
			br.acc, br.n = acc, n
			if br.n < 32 {
				br.fill()
			}
			rs, err := br.decode(ac)
			if err != nil {
				return err
			}
			acc, n = br.acc, br.n
			r, s := rs>>4, rs&15
			var val int16
			if s != 0 {
				if acc>>63 != 0 {
					val = p1
				} else {
					val = m1
				}
				acc <<= 1
				n--
			} else if r != 15 {
				d.eobrun = 1 << r
				if r > 0 {
					br.acc, br.n = acc, n
					d.eobrun += int(br.bits(uint(r)))
					acc, n = br.acc, br.n
				}
				break
			}
			for ; k <= se; k++ {
				z := zigzag[k&63]
				if c := b[z&63]; c != 0 {
					if n < 1 {
						br.acc, br.n = acc, n
						br.fill()
						acc, n = br.acc, br.n
					}
					if acc>>63 != 0 && c&p1 == 0 {
						if c >= 0 {
							b[z&63] = c + p1
						} else {
							b[z&63] = c + m1
						}
					}
					acc <<= 1
					n--
				} else {
					if r == 0 {
						break
					}
					r--
				}
			}
			if val != 0 && k <= se {
				b[zigzag[k&63]&63] = val
				*mask |= 1 << uint(k&63)
			}
		}
	}
	if d.eobrun > 0 && k > se {
		d.eobrun--
	} else if d.eobrun > 0 {
		// Only coefficients already nonzero take a correction bit.
		bits := *mask >> uint(k) << uint(k)
		if se < 63 {
			bits &= 1<<uint(se+1) - 1
		}
		for bits != 0 {
			i := mathbits.TrailingZeros64(bits)
			bits &= bits - 1
			z := zigzag[i&63]
			c := b[z&63]
			if n < 1 {
				br.acc, br.n = acc, n
				br.fill()
				acc, n = br.acc, br.n
			}
			if acc>>63 != 0 && c&p1 == 0 {
				if c >= 0 {
					b[z&63] = c + p1
				} else {
					b[z&63] = c + m1
				}
			}
			acc <<= 1
			n--
		}
		d.eobrun--
	}
	br.acc, br.n = acc, n
	return nil
}

// wantBlock reports whether a decoded block contributes to the output.
func (d *decoder) wantBlock(c *component, bx, by int) bool {
	sp := c.smp
	return sp != nil && sp.colStart[bx] < sp.colStart[bx+1] && sp.rowStart[by] < sp.rowStart[by+1]
}

// emit transforms a dequantized block (natural order, nz listing its
// nonzero positions) into the component's samples.
func (d *decoder) emit(c *component, bx, by int, blk *[64]int32, nz []uint8) {
	sp := c.smp
	c0, c1 := sp.colStart[bx], sp.colStart[bx+1]
	r0, r1 := sp.rowStart[by], sp.rowStart[by+1]
	nc := len(sp.ux)
	if c1-c0 == 8 && r1-r0 == 8 {
		idct8x8(blk, sp.samp[r0*nc+c0:], nc)
		return
	}
	idctPartial(blk, nz, sp.rowInBlk[r0:r1], sp.colInBlk[c0:c1], sp.samp[r0*nc+c0:], nc)
}

// listRows is the most sampled rows of a block for which emitList's
// dot products beat scattering the block for the butterfly column pass.
const listRows = 4

// setRowWeights fills w[r][k] with the column-pass weight of zig-zag
// coefficient k for block row r, times its quantizer: the column pass of
// row r is then, for each listed coefficient, one product added to the
// workspace column zigzag[k]&7. (int32 products wrap as idctPartial's do,
// so the results are the same.)
//
// It returns the largest magnitude among the weights (for emitList's
// bound).
func setRowWeights(w *[8][64]int32, q *[64]int32) uint64 {
	var m uint64
	for r := range w {
		for k, z := range zigzag {
			w[r][k] = idctWeights[r][z>>3] * q[z]
			m = max(m, uint64(max(int64(w[r][k]), -int64(w[r][k]))))
		}
	}
	return m
}

// emitList is emit for a sequential-mode block given as its DC value and
// its AC list (baselineBlock's form) and at most listRows (4) sampled rows:
// each needed workspace row is computed from the listed coefficients
// directly, so the block is never scattered or cleared. The pixels equal
// idct8x8's.
//
// One row is summed in int32. Two rows share one uint64 accumulator per
// column (row a in the low 32 bits, row b above; pairWeights): the low
// half is row a's int32 sum exactly, and the high half is row b's once
// row a's borrow is taken out, which is exact while row a's true sum fits
// in an int32. A bound on that sum (the largest weight times the sum of
// the magnitudes) is checked, and blocks that could exceed it (never a
// photo's: it takes coefficients near the 8-bit limits) are summed row by
// row in int32 as before.
func (d *decoder) emitList(c *component, bx, by int, dc int32, ac []uint32) {
	sp := c.smp
	c0, c1 := sp.colStart[bx], sp.colStart[bx+1]
	r0, r1 := sp.rowStart[by], sp.rowStart[by+1]
	nc := len(sp.ux)
	cols := sp.colInBlk[c0:c1]
	var rows [4][8]int32
	if r1-r0 == 1 {
		w := &d.rowWeights[c.tq][sp.rowInBlk[r0]&7]
		row := &rows[0]
		row[0] = w[0] * dc
		for _, x := range ac {
			k := x >> 16 & 63
			row[zigzag[k]&7] += w[k] * int32(int16(x))
		}
	} else if !d.listPairs(c, by, dc, ac, &rows) {
		d.listRowsInt32(c, r0, r1, dc, ac, &rows)
	}
	if len(cols) == 1 {
		// One sampled column (most blocks of the largest photos): the
		// descaling of the workspace row and the column's dot product
		// in one pass.
		const rnd1, rnd2 = 1 << (pass1Shift - 1), 1 << (pass2Shift - 1)
		wt := &idctWeights[cols[0]&7]
		for n, i := 0, r0; i < r1; n, i = n+1, i+1 {
			row := &rows[n&3]
			s := wt[0]*((row[0]+rnd1)>>pass1Shift) + wt[1]*((row[1]+rnd1)>>pass1Shift) +
				wt[2]*((row[2]+rnd1)>>pass1Shift) + wt[3]*((row[3]+rnd1)>>pass1Shift) +
				wt[4]*((row[4]+rnd1)>>pass1Shift) + wt[5]*((row[5]+rnd1)>>pass1Shift) +
				wt[6]*((row[6]+rnd1)>>pass1Shift) + wt[7]*((row[7]+rnd1)>>pass1Shift)
			sp.samp[i*nc+c0] = rangeLimit[((s+rnd2)>>pass2Shift)&1023]
		}
		return
	}
	if len(cols) == 3 {
		const rnd1, rnd2 = 1 << (pass1Shift - 1), 1 << (pass2Shift - 1)
		wt, wu, ww := &idctWeights[cols[0]&7], &idctWeights[cols[1]&7], &idctWeights[cols[2]&7]
		for n, i := 0, r0; i < r1; n, i = n+1, i+1 {
			row := &rows[n&3]
			x0, x1 := (row[0]+rnd1)>>pass1Shift, (row[1]+rnd1)>>pass1Shift
			x2, x3 := (row[2]+rnd1)>>pass1Shift, (row[3]+rnd1)>>pass1Shift
			x4, x5 := (row[4]+rnd1)>>pass1Shift, (row[5]+rnd1)>>pass1Shift
			x6, x7 := (row[6]+rnd1)>>pass1Shift, (row[7]+rnd1)>>pass1Shift
			s := wt[0]*x0 + wt[1]*x1 + wt[2]*x2 + wt[3]*x3 + wt[4]*x4 + wt[5]*x5 + wt[6]*x6 + wt[7]*x7
			u := wu[0]*x0 + wu[1]*x1 + wu[2]*x2 + wu[3]*x3 + wu[4]*x4 + wu[5]*x5 + wu[6]*x6 + wu[7]*x7
			q := ww[0]*x0 + ww[1]*x1 + ww[2]*x2 + ww[3]*x3 + ww[4]*x4 + ww[5]*x5 + ww[6]*x6 + ww[7]*x7
			out := sp.samp[i*nc+c0 : i*nc+c0+3]
			out[0] = rangeLimit[((s+rnd2)>>pass2Shift)&1023]
			out[1] = rangeLimit[((u+rnd2)>>pass2Shift)&1023]
			out[2] = rangeLimit[((q+rnd2)>>pass2Shift)&1023]
		}
		return
	}
	if len(cols) == 2 {
		const rnd1, rnd2 = 1 << (pass1Shift - 1), 1 << (pass2Shift - 1)
		wt, wu := &idctWeights[cols[0]&7], &idctWeights[cols[1]&7]
		for n, i := 0, r0; i < r1; n, i = n+1, i+1 {
			row := &rows[n&3]
			x0, x1 := (row[0]+rnd1)>>pass1Shift, (row[1]+rnd1)>>pass1Shift
			x2, x3 := (row[2]+rnd1)>>pass1Shift, (row[3]+rnd1)>>pass1Shift
			x4, x5 := (row[4]+rnd1)>>pass1Shift, (row[5]+rnd1)>>pass1Shift
			x6, x7 := (row[6]+rnd1)>>pass1Shift, (row[7]+rnd1)>>pass1Shift
			s := wt[0]*x0 + wt[1]*x1 + wt[2]*x2 + wt[3]*x3 + wt[4]*x4 + wt[5]*x5 + wt[6]*x6 + wt[7]*x7
			u := wu[0]*x0 + wu[1]*x1 + wu[2]*x2 + wu[3]*x3 + wu[4]*x4 + wu[5]*x5 + wu[6]*x6 + wu[7]*x7
			out := sp.samp[i*nc+c0 : i*nc+c0+2]
			out[0] = rangeLimit[((s+rnd2)>>pass2Shift)&1023]
			out[1] = rangeLimit[((u+rnd2)>>pass2Shift)&1023]
		}
		return
	}
	for n, i := 0, r0; i < r1; n, i = n+1, i+1 {
		row := &rows[n&3]
		for v := range row {
			row[v] = (row[v] + 1<<(pass1Shift-1)) >> pass1Shift
		}
		rowOut(row, cols, sp.samp[i*nc+c0:i*nc+c1])
	}
}

// pairCache holds the packed weights of the sampled rows of one block row
// of one component (see pairWeights).
type pairCache struct {
	c  *component
	by int
	w  [2][64]uint64
}

// pairWeights returns, for block row by of c, the packed weights of its
// sampled rows taken two by two (a missing row repeats the last): entry k
// is row a's weight of zig-zag coefficient k plus row b's times 2^32.
// Blocks of one MCU row alternate between up to four block rows, so four
// are cached.
func (d *decoder) pairWeights(c *component, by int) *[2][64]uint64 {
	pc := &d.pairs[by&3]
	if pc.c == c && pc.by == by {
		return &pc.w
	}
	sp := c.smp
	r0, r1 := sp.rowStart[by], sp.rowStart[by+1]
	last := r1 - 1
	rw := &d.rowWeights[c.tq]
	for p := range pc.w {
		wa := &rw[sp.rowInBlk[min(r0+2*p, last)]&7]
		wb := &rw[sp.rowInBlk[min(r0+2*p+1, last)]&7]
		for k := range pc.w[p] {
			pc.w[p][k] = uint64(int64(wa[k]) + int64(wb[k])<<32)
		}
	}
	pc.c, pc.by = c, by
	return &pc.w
}

// listPairs computes the workspace rows of a block with two to four
// sampled rows with packed accumulators (see emitList). It returns false,
// leaving rows undefined, when the bound on the low rows' sums is not met.
func (d *decoder) listPairs(c *component, by int, dc int32, ac []uint32, rows *[4][8]int32) bool {
	pw := d.pairWeights(c, by)
	w0, w1 := &pw[0], &pw[1]
	var p0, p1 [8]uint64
	udc := uint64(int64(dc))
	mag := uint64(dc ^ dc>>31 - dc>>31)
	p0[0] = w0[0] * udc
	if r := c.smp; r.rowStart[by+1]-r.rowStart[by] <= 2 {
		for _, x := range ac {
			k := x >> 16 & 63
			v := int64(int16(x))
			mag += uint64(v ^ v>>63 - v>>63)
			p0[zigzag[k]&7] += w0[k] * uint64(v)
		}
	} else {
		p1[0] = w1[0] * udc
		for _, x := range ac {
			k := x >> 16 & 63
			v := int64(int16(x))
			mag += uint64(v ^ v>>63 - v>>63)
			z := zigzag[k] & 7
			p0[z] += w0[k] * uint64(v)
			p1[z] += w1[k] * uint64(v)
		}
	}
	if mag*d.rowWeightMax[c.tq] >= 1<<31 {
		return false
	}
	for v := range 8 {
		a := int32(p0[v])
		rows[0][v] = a
		rows[1][v] = int32((p0[v] - uint64(int64(a))) >> 32)
		a = int32(p1[v])
		rows[2][v] = a
		rows[3][v] = int32((p1[v] - uint64(int64(a))) >> 32)
	}
	return true
}

// listRowsInt32 computes the workspace rows r0..r1-1 (two to four) of a
// block one int32 sum per row and column.
func (d *decoder) listRowsInt32(c *component, r0, r1 int, dc int32, ac []uint32, rows *[4][8]int32) {
	sp := c.smp
	rw := &d.rowWeights[c.tq]
	for n, i := 0, r0; i < r1; n, i = n+1, i+1 {
		w := &rw[sp.rowInBlk[i]&7]
		row := &rows[n&3]
		row[0] = w[0] * dc
		for _, x := range ac {
			k := x >> 16 & 63
			row[zigzag[k]&7] += w[k] * int32(int16(x))
		}
	}
}

// rowOut is the row pass of one workspace row at four or more block
// columns cols (emitList handles fewer with dot products): the butterfly
// computes the whole row.
func rowOut(row *[8]int32, cols []uint8, out []byte) {
	out = out[:len(cols)]
	var full [8]byte
	idctRow(row[:], full[:])
	for j, x := range cols {
		out[j] = full[x&7]
	}
}

// finishProgressive transforms the stored coefficients.
func (d *decoder) finishProgressive() {
	for i := range d.comps {
		c := &d.comps[i]
		if c.coefs == nil {
			continue
		}
		q := &d.qt[c.tq]
		for by := 0; by < c.bhPad; by++ {
			for bx := 0; bx < c.bwPad; bx++ {
				if !d.wantBlock(c, bx, by) {
					continue
				}
				off := (by*c.bwPad + bx) * 64
				src := c.coefs[off : off+64]
				nnz := 0
				for z, v := range src {
					if v != 0 {
						d.blk[z] = int32(v) * q[z]
						d.nz[nnz] = uint8(z)
						nnz++
					} else {
						d.blk[z] = 0
					}
				}
				d.emit(c, bx, by, &d.blk, d.nz[:nnz])
			}
		}
	}
}
