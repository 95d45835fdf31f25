package jpegluma

import (
	"errors"
	"fmt"
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
		if err := d.scan(p); err != nil {
			return nil, err
		}
		d.scans++
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
	for _, x := range d.xs {
		if x < 0 || x >= w {
			return fmt.Errorf("jpegluma: sample column %d outside width %d", x, w)
		}
	}
	for _, y := range d.ys {
		if y < 0 || y >= h {
			return fmt.Errorf("jpegluma: sample row %d outside height %d", y, h)
		}
	}
	if d.mode == Luma {
		c0 := &d.comps[0]
		if d.info.ColorRGB || c0.h != d.hmax || c0.v != d.vmax {
			return fmt.Errorf("%w: luma mode needs full-resolution Y", ErrUnsupported)
		}
		d.ux = uniq(d.xs)
		d.uy = uniq(d.ys)
		d.full = len(d.ux) == w && len(d.uy) == h
		d.colStart = blockStarts(d.ux, c0.bwPad)
		d.rowStart = blockStarts(d.uy, c0.bhPad)
		d.colInBlk = make([]uint8, len(d.ux))
		for i, x := range d.ux {
			d.colInBlk[i] = uint8(x & 7)
		}
		d.samp = make([]byte, len(d.ux)*len(d.uy))
		if !d.baseline {
			c0.store = true
		}
	} else {
		if d.info.Components == 3 && !d.info.ColorRGB {
			for i := 1; i < 3; i++ {
				c := &d.comps[i]
				if d.hmax%c.h != 0 || d.vmax%c.v != 0 {
					return fmt.Errorf("%w: fractional sampling", ErrUnsupported)
				}
			}
		}
		for i := range d.comps {
			c := &d.comps[i]
			if d.hmax%c.h != 0 || d.vmax%c.v != 0 {
				return fmt.Errorf("%w: fractional sampling", ErrUnsupported)
			}
			c.plane = make([]byte, c.bwPad*8*c.bhPad*8)
			c.store = !d.baseline
		}
	}
	for i := range d.comps {
		c := &d.comps[i]
		if c.store {
			c.coefs = make([]int16, c.bwPad*c.bhPad*64)
		}
	}
	return nil
}

func uniq(s []int) []int {
	out := make([]int, 0, len(s))
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			if i > 0 && v < s[i-1] {
				continue // not sorted: ignore (callers pass sorted grids)
			}
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
		useful := d.wantBlock(c, bx, by)
		if !useful {
			return d.skipBlock(sc)
		}
		blk := &d.blk
		*blk = [64]int32{}
		nnz := 0
		q := &d.qt[c.tq]
		s, err := br.decode(&d.dc[sc.dcT])
		if err != nil {
			return err
		}
		if s > 16 {
			return errHuffman
		}
		c.pred += br.receive(uint(s))
		blk[0] = int32(int16(c.pred)) * q[0]
		d.nz[0] = 0
		nnz = 1
		ac := &d.ac[sc.acT]
		for k := 1; k < 64; k++ {
			if br.n < 32 {
				br.fill()
			}
			rs, err := br.decode(ac)
			if err != nil {
				return err
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
			if k > 63 {
				return errors.New("jpeg: coefficient index out of range")
			}
			z := zigzag[k]
			blk[z] = br.receive(uint(s)) * q[z]
			d.nz[nnz] = z
			nnz++
		}
		d.emit(c, bx, by, blk, d.nz[:nnz])
		return nil
	}
	coefs := c.coefs
	var b []int16
	if coefs != nil {
		off := (by*c.bwPad + bx) * 64
		b = coefs[off : off+64 : off+64]
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
		return d.acFirst(sh, sc, b)
	}
	return d.acRefine(sh, sc, b)
}

func (d *decoder) acFirst(sh *scanHdr, sc *scanComp, b []int16) error {
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
			b[zigzag[k]] = int16(br.receive(uint(s)) << sh.al)
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

func (d *decoder) acRefine(sh *scanHdr, sc *scanComp, b []int16) error {
	br := &d.br
	ac := &d.ac[sc.acT]
	p1 := int16(1) << sh.al
	m1 := int16(-1) << sh.al
	k := sh.ss
	refine := func(z uint8) {
		if br.bit() && b[z]&p1 == 0 {
			if b[z] >= 0 {
				b[z] += p1
			} else {
				b[z] += m1
			}
		}
	}
	if d.eobrun == 0 {
		for ; k <= sh.se; k++ {
			if br.n < 32 {
				br.fill()
			}
			rs, err := br.decode(ac)
			if err != nil {
				return err
			}
			r, s := rs>>4, rs&15
			var val int16
			if s != 0 {
				if br.bit() {
					val = p1
				} else {
					val = m1
				}
			} else if r != 15 {
				d.eobrun = 1 << r
				if r > 0 {
					d.eobrun += int(br.bits(uint(r)))
				}
				break
			}
			for ; k <= sh.se; k++ {
				z := zigzag[k]
				if b[z] != 0 {
					refine(z)
				} else {
					if r == 0 {
						break
					}
					r--
				}
			}
			if val != 0 && k <= sh.se {
				b[zigzag[k]] = val
			}
		}
	}
	if d.eobrun > 0 {
		for ; k <= sh.se; k++ {
			z := zigzag[k]
			if b[z] != 0 {
				refine(z)
			}
		}
		d.eobrun--
	}
	return nil
}

// skipBlock decodes a baseline block without keeping it.
func (d *decoder) skipBlock(sc *scanComp) error {
	br := &d.br
	s, err := br.decode(&d.dc[sc.dcT])
	if err != nil {
		return err
	}
	if s > 16 {
		return errHuffman
	}
	sc.c.pred += br.receive(uint(s))
	ac := &d.ac[sc.acT]
	for k := 1; k < 64; k++ {
		if br.n < 32 {
			br.fill()
		}
		rs, err := br.decode(ac)
		if err != nil {
			return err
		}
		r, s := rs>>4, uint(rs&15)
		if s == 0 {
			if r != 15 {
				break
			}
			k += 15
			continue
		}
		k += r
		br.acc <<= s
		br.n -= s
	}
	return nil
}

// wantBlock reports whether a decoded block contributes to the output.
func (d *decoder) wantBlock(c *component, bx, by int) bool {
	if d.mode == RGB {
		return true
	}
	if c != &d.comps[0] {
		return false
	}
	return d.colStart[bx] < d.colStart[bx+1] && d.rowStart[by] < d.rowStart[by+1]
}

// emit transforms a dequantized block (natural order, nz listing its
// nonzero positions) into the output.
func (d *decoder) emit(c *component, bx, by int, blk *[64]int32, nz []uint8) {
	if d.mode == RGB {
		stride := c.bwPad * 8
		idct8x8(blk, c.plane[by*8*stride+bx*8:], stride)
		return
	}
	c0, c1 := d.colStart[bx], d.colStart[bx+1]
	r0, r1 := d.rowStart[by], d.rowStart[by+1]
	nc := len(d.ux)
	if c1-c0 == 8 && r1-r0 == 8 {
		idct8x8(blk, d.samp[r0*nc+c0:], nc)
		return
	}
	var tmp [64]byte
	rowLo := d.uy[r0] - by*8
	rowHi := d.uy[r1-1] - by*8 + 1
	cols := d.colInBlk[c0:c1]
	idctPartial(blk, nz, rowLo, rowHi, cols, tmp[:])
	n := c1 - c0
	for i := r0; i < r1; i++ {
		rr := d.uy[i] - by*8 - rowLo
		copy(d.samp[i*nc+c0:i*nc+c1], tmp[rr*n:rr*n+n])
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
