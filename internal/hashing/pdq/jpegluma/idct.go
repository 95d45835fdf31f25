package jpegluma

// The inverse DCT here reproduces libjpeg's "islow" integer IDCT
// (jidctint.c, the library default JDCT_ISLOW) bit for bit: 13-bit fixed
// point constants, two 1-D passes, descaling by 11 bits after the column
// pass and by 18 bits after the row pass, and the same range-limit table
// (which clamps to 0..255 for in-range values and wraps like libjpeg for
// wild ones). Inside a pass every operation is an exact integer sum or
// product, so each output is an exact integer linear combination of the
// inputs; sampled decoding uses that to compute single pixels.

const (
	constBits = 13
	pass1Bits = 2

	fix0298631336 = 2446
	fix0390180644 = 3196
	fix0541196100 = 4433
	fix0765366865 = 6270
	fix0899976223 = 7373
	fix1175875602 = 9633
	fix1501321110 = 12299
	fix1847759065 = 15137
	fix1961570560 = 16069
	fix2053119869 = 16819
	fix2562915447 = 20995
	fix3072711026 = 25172

	pass1Shift = constBits - pass1Bits     // 11
	pass2Shift = constBits + pass1Bits + 3 // 18
)

// rangeLimit maps a descaled pass-2 value v to a sample:
// rangeLimit[v & 1023], libjpeg's sample_range_limit + CENTERJSAMPLE.
var rangeLimit [1024]uint8

// idctWeights[o][i] is the coefficient of input i in pass output o (before
// descaling); both passes share it.
var idctWeights [8][8]int32

// idctWeightsT is idctWeights transposed: [input][output].
var idctWeightsT [8][8]int32

func init() {
	for m := 0; m < 1024; m++ {
		switch {
		case m < 128:
			rangeLimit[m] = uint8(m + 128)
		case m < 512:
			rangeLimit[m] = 255
		case m < 896:
			rangeLimit[m] = 0
		default:
			rangeLimit[m] = uint8(m - 896)
		}
	}
	for i := 0; i < 8; i++ {
		var in [8]int64
		in[i] = 1
		out := idct1D(in)
		for o := 0; o < 8; o++ {
			idctWeights[o][i] = int32(out[o])
			idctWeightsT[i][o] = int32(out[o])
		}
	}
}

// idct1D is one islow pass before descaling.
func idct1D(in [8]int64) [8]int64 {
	z2, z3 := in[2], in[6]
	z1 := (z2 + z3) * fix0541196100
	tmp2 := z1 + z3*(-fix1847759065)
	tmp3 := z1 + z2*fix0765366865
	tmp0 := (in[0] + in[4]) << constBits
	tmp1 := (in[0] - in[4]) << constBits
	tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
	tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2

	t0, t1, t2, t3 := in[7], in[5], in[3], in[1]
	z1 = t0 + t3
	z2 = t1 + t2
	z3 = t0 + t2
	z4 := t1 + t3
	z5 := (z3 + z4) * fix1175875602
	t0 *= fix0298631336
	t1 *= fix2053119869
	t2 *= fix3072711026
	t3 *= fix1501321110
	z1 *= -fix0899976223
	z2 *= -fix2562915447
	z3 *= -fix1961570560
	z4 *= -fix0390180644
	z3 += z5
	z4 += z5
	t0 += z1 + z3
	t1 += z2 + z4
	t2 += z2 + z3
	t3 += z1 + z4
	return [8]int64{tmp10 + t3, tmp11 + t2, tmp12 + t1, tmp13 + t0, tmp13 - t0, tmp12 - t1, tmp11 - t2, tmp10 - t3}
}

// idct8x8 computes the full 8x8 block from dequantized coefficients in
// natural order and writes it to dst with the given stride.
func idct8x8(c *[64]int32, dst []byte, stride int) {
	var ws [64]int32
	idctCols(c, &ws)
	for r := 0; r < 8; r++ {
		idctRow(ws[r*8:r*8+8:r*8+8], dst[r*stride:r*stride+8:r*stride+8])
	}
}

// idctRow is the islow row pass for one row of the workspace.
func idctRow(w []int32, out []byte) {
	const rnd = 1 << (pass2Shift - 1)
	if w[1]|w[2]|w[3]|w[4]|w[5]|w[6]|w[7] == 0 {
		v := rangeLimit[((w[0]+16)>>5)&1023]
		for i := range out[:8] {
			out[i] = v
		}
		return
	}
	z2, z3 := w[2], w[6]
	z1 := (z2 + z3) * fix0541196100
	tmp2 := z1 + z3*(-fix1847759065)
	tmp3 := z1 + z2*fix0765366865
	tmp0 := (w[0] + w[4]) << constBits
	tmp1 := (w[0] - w[4]) << constBits
	tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
	tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2

	t0, t1, t2, t3 := w[7], w[5], w[3], w[1]
	z1 = t0 + t3
	z2 = t1 + t2
	z3 = t0 + t2
	z4 := t1 + t3
	z5 := (z3 + z4) * fix1175875602
	t0 *= fix0298631336
	t1 *= fix2053119869
	t2 *= fix3072711026
	t3 *= fix1501321110
	z1 *= -fix0899976223
	z2 *= -fix2562915447
	z3 *= -fix1961570560
	z4 *= -fix0390180644
	z3 += z5
	z4 += z5
	t0 += z1 + z3
	t1 += z2 + z4
	t2 += z2 + z3
	t3 += z1 + z4
	out[0] = rangeLimit[((tmp10+t3+rnd)>>pass2Shift)&1023]
	out[7] = rangeLimit[((tmp10-t3+rnd)>>pass2Shift)&1023]
	out[1] = rangeLimit[((tmp11+t2+rnd)>>pass2Shift)&1023]
	out[6] = rangeLimit[((tmp11-t2+rnd)>>pass2Shift)&1023]
	out[2] = rangeLimit[((tmp12+t1+rnd)>>pass2Shift)&1023]
	out[5] = rangeLimit[((tmp12-t1+rnd)>>pass2Shift)&1023]
	out[3] = rangeLimit[((tmp13+t0+rnd)>>pass2Shift)&1023]
	out[4] = rangeLimit[((tmp13-t0+rnd)>>pass2Shift)&1023]
}

// idctCols is the islow column pass into ws (descaled).
func idctCols(c *[64]int32, ws *[64]int32) {
	for col := 0; col < 8; col++ {
		if c[8+col]|c[16+col]|c[24+col]|c[32+col]|c[40+col]|c[48+col]|c[56+col] == 0 {
			dc := c[col] << pass1Bits
			for r := 0; r < 8; r++ {
				ws[r*8+col] = dc
			}
			continue
		}
		z2, z3 := c[16+col], c[48+col]
		z1 := (z2 + z3) * fix0541196100
		tmp2 := z1 + z3*(-fix1847759065)
		tmp3 := z1 + z2*fix0765366865
		tmp0 := (c[col] + c[32+col]) << constBits
		tmp1 := (c[col] - c[32+col]) << constBits
		tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
		tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2

		t0, t1, t2, t3 := c[56+col], c[40+col], c[24+col], c[8+col]
		z1 = t0 + t3
		z2 = t1 + t2
		z3 = t0 + t2
		z4 := t1 + t3
		z5 := (z3 + z4) * fix1175875602
		t0 *= fix0298631336
		t1 *= fix2053119869
		t2 *= fix3072711026
		t3 *= fix1501321110
		z1 *= -fix0899976223
		z2 *= -fix2562915447
		z3 *= -fix1961570560
		z4 *= -fix0390180644
		z3 += z5
		z4 += z5
		t0 += z1 + z3
		t1 += z2 + z4
		t2 += z2 + z3
		t3 += z1 + z4
		const rnd = 1 << (pass1Shift - 1)
		ws[0*8+col] = (tmp10 + t3 + rnd) >> pass1Shift
		ws[7*8+col] = (tmp10 - t3 + rnd) >> pass1Shift
		ws[1*8+col] = (tmp11 + t2 + rnd) >> pass1Shift
		ws[6*8+col] = (tmp11 - t2 + rnd) >> pass1Shift
		ws[2*8+col] = (tmp12 + t1 + rnd) >> pass1Shift
		ws[5*8+col] = (tmp12 - t1 + rnd) >> pass1Shift
		ws[3*8+col] = (tmp13 + t0 + rnd) >> pass1Shift
		ws[4*8+col] = (tmp13 - t0 + rnd) >> pass1Shift
	}
}

// idctPartial computes only the pixels at block rows × cols, writing
// out[i*stride+j] for rows[i], cols[j]. nz lists the natural-order indices
// of the nonzero coefficients. The result equals idct8x8 at those pixels:
// each needed workspace row is either taken from the butterfly column pass
// (many rows needed) or computed as exact integer dot products (sparse or
// few rows), then descaled the same way.
func idctPartial(c *[64]int32, nz []uint8, rows, cols []uint8, out []byte, stride int) {
	const rnd1 = 1 << (pass1Shift - 1)
	const rnd2 = 1 << (pass2Shift - 1)
	var ws [64]int32
	butterfly := len(rows) >= 3
	if butterfly {
		idctCols(c, &ws)
	}
	sparse := len(nz) <= 12
	for i, r := range rows {
		var row [8]int32
		switch {
		case butterfly:
			row = [8]int32(ws[(r&7)*8 : (r&7)*8+8])
		case sparse:
			w := &idctWeights[r&7]
			for _, k := range nz {
				row[k&7] += w[k>>3] * c[k&63]
			}
			for v := range row {
				row[v] = (row[v] + rnd1) >> pass1Shift
			}
		default:
			w := &idctWeights[r&7]
			for v := 0; v < 8; v++ {
				s := w[0]*c[v] + w[1]*c[8+v] + w[2]*c[16+v] + w[3]*c[24+v] +
					w[4]*c[32+v] + w[5]*c[40+v] + w[6]*c[48+v] + w[7]*c[56+v]
				row[v] = (s + rnd1) >> pass1Shift
			}
		}
		o := out[i*stride : i*stride+len(cols)]
		if len(cols) >= 4 {
			var full [8]byte
			idctRow(row[:], full[:])
			for j, x := range cols {
				o[j] = full[x&7]
			}
			continue
		}
		for j, x := range cols {
			wt := &idctWeights[x&7]
			s := wt[0]*row[0] + wt[1]*row[1] + wt[2]*row[2] + wt[3]*row[3] +
				wt[4]*row[4] + wt[5]*row[5] + wt[6]*row[6] + wt[7]*row[7]
			o[j] = rangeLimit[((s+rnd2)>>pass2Shift)&1023]
		}
	}
}
