package jpegluma

// output assembles the requested grid.
func (d *decoder) output() ([]byte, error) {
	nx, ny := len(d.xs), len(d.ys)
	if d.mode == Luma {
		if d.full && nx == len(d.ux) && ny == len(d.uy) {
			return d.samp, nil
		}
		xi := gridIndex(d.xs, d.ux)
		yi := gridIndex(d.ys, d.uy)
		out := make([]byte, nx*ny)
		nc := len(d.ux)
		for i, r := range yi {
			src := d.samp[r*nc : r*nc+nc]
			dst := out[i*nx : i*nx+nx]
			for j, c := range xi {
				dst[j] = src[c]
			}
		}
		return out, nil
	}
	if d.info.Components == 1 {
		c := &d.comps[0]
		out := make([]byte, nx*ny)
		for i, y := range d.ys {
			for j, x := range d.xs {
				out[i*nx+j] = d.upsample(c, x, y)
			}
		}
		return out, nil
	}
	out := make([]byte, 3*nx*ny)
	c0, c1, c2 := &d.comps[0], &d.comps[1], &d.comps[2]
	for i, y := range d.ys {
		o := out[3*i*nx : 3*(i+1)*nx]
		for j, x := range d.xs {
			a, b, c := d.upsample(c0, x, y), d.upsample(c1, x, y), d.upsample(c2, x, y)
			if d.info.ColorRGB {
				o[3*j], o[3*j+1], o[3*j+2] = a, b, c
				continue
			}
			o[3*j], o[3*j+1], o[3*j+2] = yccToRGB(a, b, c)
		}
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

// upsample returns component c's sample at full-resolution pixel (x, y)
// the way libjpeg's default upsampler computes it.
func (d *decoder) upsample(c *component, x, y int) byte {
	stride := c.bwPad * 8
	at := func(cx, cy int) int { return int(c.plane[cy*stride+cx]) }
	hr, vr := d.hmax/c.h, d.vmax/c.v
	switch {
	case hr == 1 && vr == 1:
		return c.plane[y*stride+x]
	case hr == 2 && vr == 1 && c.dw > 2:
		cx := x >> 1
		if x&1 == 0 {
			if cx == 0 {
				return byte(at(0, y))
			}
			return byte((3*at(cx, y) + at(cx-1, y) + 1) >> 2)
		}
		if cx == c.dw-1 {
			return byte(at(cx, y))
		}
		return byte((3*at(cx, y) + at(cx+1, y) + 2) >> 2)
	case hr == 1 && vr == 2:
		cy := y >> 1
		ny, bias := cy-1, 1
		if y&1 == 1 {
			ny, bias = cy+1, 2
		}
		ny = clampInt(ny, 0, c.dh-1)
		return byte((3*at(x, cy) + at(x, ny) + bias) >> 2)
	case hr == 2 && vr == 2 && c.dw > 2:
		cx, cy := x>>1, y>>1
		ny := cy - 1
		if y&1 == 1 {
			ny = cy + 1
		}
		ny = clampInt(ny, 0, c.dh-1)
		col := func(cx int) int { return 3*at(cx, cy) + at(cx, ny) }
		this := col(cx)
		if x&1 == 0 {
			if cx == 0 {
				return byte((4*this + 8) >> 4)
			}
			return byte((3*this + col(cx-1) + 8) >> 4)
		}
		if cx == c.dw-1 {
			return byte((4*this + 7) >> 4)
		}
		return byte((3*this + col(cx+1) + 7) >> 4)
	default:
		return c.plane[(y/vr)*stride+x/hr]
	}
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
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
