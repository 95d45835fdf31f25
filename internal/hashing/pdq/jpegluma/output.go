package jpegluma

// output assembles the requested grid.
func (d *decoder) output() ([]byte, error) {
	nx, ny := len(d.xs), len(d.ys)
	if d.mode == Luma {
		sp := d.comps[0].smp
		if len(sp.ux) == nx && len(sp.uy) == ny {
			return sp.samp, nil
		}
		xi := gridIndex(d.xs, sp.ux)
		yi := gridIndex(d.ys, sp.uy)
		out := make([]byte, nx*ny)
		nc := len(sp.ux)
		for i, r := range yi {
			src := sp.samp[r*nc : r*nc+nc]
			dst := out[i*nx : i*nx+nx]
			for j, c := range xi {
				dst[j] = src[c]
			}
		}
		return out, nil
	}
	planes := make([][]byte, len(d.comps))
	for i := range d.comps {
		planes[i] = d.upsampleGrid(&d.comps[i])
	}
	if d.info.Components == 1 {
		return planes[0], nil
	}
	out := make([]byte, 3*nx*ny)
	p0, p1, p2 := planes[0], planes[1], planes[2]
	if d.info.ColorRGB {
		for i := range p0 {
			out[3*i], out[3*i+1], out[3*i+2] = p0[i], p1[i], p2[i]
		}
		return out, nil
	}
	for i := range p0 {
		out[3*i], out[3*i+1], out[3*i+2] = yccToRGB(p0[i], p1[i], p2[i])
	}
	return out, nil
}

// gridIndex maps each value of s (sorted) to its index in u = uniq(s).
func gridIndex(s, u []int) []int {
	idx := make([]int, len(s))
	k := 0
	for i, v := range s {
		for k < len(u)-1 && u[k] < v {
			k++
		}
		idx[i] = k
	}
	return idx
}

// upKind is how libjpeg's default upsampler treats a component, per axis.
type upKind struct{ h, v axisKind }

type axisKind struct {
	ratio int
	fancy bool // triangle filter (ratio 2) instead of replication
}

func (d *decoder) upKind(c *component) upKind {
	hr, vr := d.hmax/c.h, d.vmax/c.v
	switch {
	case hr == 2 && vr == 1 && c.dw > 2: // h2v1_fancy_upsample
		return upKind{axisKind{2, true}, axisKind{1, false}}
	case hr == 1 && vr == 2: // h1v2_fancy_upsample
		return upKind{axisKind{1, false}, axisKind{2, true}}
	case hr == 2 && vr == 2 && c.dw > 2: // h2v2_fancy_upsample
		return upKind{axisKind{2, true}, axisKind{2, true}}
	}
	return upKind{axisKind{hr, false}, axisKind{vr, false}} // fullsize or int_upsample
}

// appendDeps appends the component coordinates that output coordinate p
// reads along one axis (n samples on that axis).
func appendDeps(dst []int, k axisKind, p, n int) []int {
	if !k.fancy {
		return append(dst, min(p/k.ratio, n-1))
	}
	cp := p >> 1
	if p&1 == 0 {
		return append(dst, cp, max(cp-1, 0))
	}
	return append(dst, cp, min(cp+1, n-1))
}

// upsampleGrid returns component c upsampled the way libjpeg's default
// upsampler does it (jdsample.c: h2v1, h1v2 and h2v2 "fancy" triangle
// filters, replication otherwise), at the requested grid only.
func (d *decoder) upsampleGrid(c *component) []byte {
	sp := c.smp
	nc := len(sp.ux)
	nx, ny := len(d.xs), len(d.ys)
	out := make([]byte, nx*ny)
	k := d.upKind(c)
	// Per output column: the sample indices (into ux) it reads and the
	// filter case; per output row likewise (into uy).
	type tap struct {
		a, b int32
		mode uint8 // 0 copy a; 1 even (nearer a, further b); 2 odd; 3 first; 4 last
	}
	axis := func(ps []int, ak axisKind, n int, m []int32) []tap {
		t := make([]tap, len(ps))
		for i, p := range ps {
			if !ak.fancy {
				t[i] = tap{a: m[min(p/ak.ratio, n-1)]}
				continue
			}
			cp := p >> 1
			switch {
			case p&1 == 0 && cp == 0:
				t[i] = tap{a: m[0], b: m[0], mode: 3}
			case p&1 == 0:
				t[i] = tap{a: m[cp], b: m[cp-1], mode: 1}
			case cp == n-1:
				t[i] = tap{a: m[cp], b: m[cp], mode: 4}
			default:
				t[i] = tap{a: m[cp], b: m[cp+1], mode: 2}
			}
		}
		return t
	}
	cols := axis(d.xs, k.h, c.dw, sp.xmap)
	rows := axis(d.ys, k.v, c.dh, sp.ymap)
	colsum := make([]int32, nc)
	for i, r := range rows {
		o := out[i*nx : i*nx+nx]
		ra := sp.samp[int(r.a)*nc : int(r.a)*nc+nc]
		if !k.v.fancy {
			if !k.h.fancy {
				for j, t := range cols {
					o[j] = ra[t.a]
				}
				continue
			}
			// h2v1: out = (3*near + far + 1 or 2) >> 2; edges copy.
			for j, t := range cols {
				switch t.mode {
				case 1:
					o[j] = byte((3*int32(ra[t.a]) + int32(ra[t.b]) + 1) >> 2)
				case 2:
					o[j] = byte((3*int32(ra[t.a]) + int32(ra[t.b]) + 2) >> 2)
				default:
					o[j] = ra[t.a]
				}
			}
			continue
		}
		// Vertically fancy: the row pairs with its nearer neighbour, clamped
		// at the image edges (libjpeg replicates the edge rows).
		nr := r.b
		if r.mode == 3 || r.mode == 4 {
			nr = r.a
		}
		rb := sp.samp[int(nr)*nc : int(nr)*nc+nc]
		if !k.h.fancy {
			// h1v2: (3*near + far + bias) >> 2, bias 1 above, 2 below.
			bias := int32(1)
			if d.ys[i]&1 == 1 {
				bias = 2
			}
			for j, t := range cols {
				o[j] = byte((3*int32(ra[t.a]) + int32(rb[t.a]) + bias) >> 2)
			}
			continue
		}
		for q := range colsum {
			colsum[q] = 3*int32(ra[q]) + int32(rb[q])
		}
		for j, t := range cols {
			switch t.mode {
			case 1:
				o[j] = byte((3*colsum[t.a] + colsum[t.b] + 8) >> 4)
			case 2:
				o[j] = byte((3*colsum[t.a] + colsum[t.b] + 7) >> 4)
			case 3:
				o[j] = byte((4*colsum[t.a] + 8) >> 4)
			default:
				o[j] = byte((4*colsum[t.a] + 7) >> 4)
			}
		}
	}
	return out
}

// libjpeg's fixed-point YCbCr->RGB tables (jdcolor.c), SCALEBITS = 16.
var crR, cbB, crG, cbG [256]int32

func init() {
	const one = 1 << 16
	fix := func(x float64) int64 { return int64(x*one + 0.5) }
	for i := 0; i < 256; i++ {
		x := int64(i - 128)
		crR[i] = int32((fix(1.40200)*x + one/2) >> 16)
		cbB[i] = int32((fix(1.77200)*x + one/2) >> 16)
		crG[i] = int32(-fix(0.71414) * x)
		cbG[i] = int32(-fix(0.34414)*x + one/2)
	}
}

func clamp255(v int32) byte {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v)
}

func yccToRGB(y, cb, cr byte) (byte, byte, byte) {
	yy := int32(y)
	r := clamp255(yy + crR[cr])
	g := clamp255(yy + (cbG[cb]+crG[cr])>>16)
	b := clamp255(yy + cbB[cb])
	return r, g, b
}
