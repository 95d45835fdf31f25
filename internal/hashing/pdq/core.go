package pdq

import (
	"math"
	"slices"
	"sync"
)

// This file is the hashing core: float32 luma in, hash and quality out. It
// follows Meta's reference C++ (ThreatExchange pdq/cpp) operation for
// operation, in float32 wherever the reference uses float, so that equal
// luma gives an equal hash bit for bit. Every float32 product that is added
// to something is wrapped in an explicit float32() conversion: the Go spec
// allows x*y+z to be fused into one FMA, which would round differently.

const (
	minHashableDim = 5   // reference MIN_HASHABLE_DIM
	downsampleDims = 512 // reference DOWNSAMPLE_DIMS: pre-resize bound
	jaroszPasses   = 2   // reference PDQ_NUM_JAROSZ_XY_PASSES
)

// Luma coefficients as the reference's const float values.
var (
	lumaR float32 = 0.299
	lumaG float32 = 0.587
	lumaB float32 = 0.114
)

// lumaTabR/G/B hold float32(coef)*float32(v) for every 8-bit v: the products
// the reference computes per pixel, rounded once to float32.
var lumaTabR, lumaTabG, lumaTabB [256]float32

// dctMatrix is the reference's 16x64 DCT-II matrix without the DC row.
var dctMatrix [16 * 64]float32

func init() {
	for v := 0; v < 256; v++ {
		f := float32(v)
		lumaTabR[v] = float32(lumaR * f)
		lumaTabG[v] = float32(lumaG * f)
		lumaTabB[v] = float32(lumaB * f)
	}
	scale := float32(math.Sqrt(2.0 / 64.0))
	const pi = 3.14159265358979323846
	for i := 0; i < 16; i++ {
		for j := 0; j < 64; j++ {
			arg := (pi / 2 / 64) * float64(i+1) * float64(2*j+1)
			dctMatrix[i*64+j] = float32(float64(scale) * math.Cos(arg))
		}
	}
}

// lumaFromRGB is the reference's per-pixel luma: (0.299R + 0.587G) + 0.114B
// in float32.
func lumaFromRGB(r, g, b uint8) float32 {
	y := lumaTabR[r] + lumaTabG[g]
	return y + lumaTabB[b]
}

// work holds the buffers of one hashing run. Pooled: a 512x512 luma pair is
// 2 MiB.
type work struct {
	buf1, buf2 []float32
	b64        [64 * 64]float32
	t16x64     [16 * 64]float32
	dct        [16 * 16]float32
	tmp        [16 * 16]float32
	sorted     [256]float32
}

var workPool = sync.Pool{New: func() any { return new(work) }}

func getWork(n int) *work {
	w := workPool.Get().(*work)
	if cap(w.buf1) < n {
		w.buf1 = make([]float32, n)
		w.buf2 = make([]float32, n)
	}
	w.buf1 = w.buf1[:n]
	w.buf2 = w.buf2[:n]
	return w
}

func putWork(w *work) {
	// Do not keep buffers for images larger than the pre-resize bound.
	if cap(w.buf1) > downsampleDims*downsampleDims {
		w.buf1, w.buf2 = nil, nil
	}
	workPool.Put(w)
}

// hashLuma hashes the rows x cols float luma held in w.buf1 (buf2 is
// scratch). It returns the hash, the quality, and leaves the 16x16 DCT in
// w.dct for dihedral variants.
func (w *work) hashLuma(rows, cols int) (Hash, int) {
	if rows < minHashableDim || cols < minHashableDim {
		clear(w.dct[:])
		return Hash{}, 0
	}
	if rows == 64 && cols == 64 {
		copy(w.b64[:], w.buf1[:64*64])
	} else {
		wRows := jaroszWindow(cols)
		wCols := jaroszWindow(rows)
		// All passes but the last run in full. The last pass computes only
		// what decimation reads: along rows, the outputs in the 64 sampled
		// columns; along columns, those 64 columns at the 64 sampled rows.
		// Each computed value goes through exactly the reference's
		// operations, so the 64x64 result is identical.
		for p := 0; p < jaroszPasses-1; p++ {
			boxAlongRows(w.buf1, w.buf2, rows, cols, wRows)
			boxAlongCols(w.buf2, w.buf1, rows, cols, wCols)
		}
		rowIdx, colIdx := decimationIndex(rows), decimationIndex(cols)
		var needCol [downsampleDims]bool // cols <= 512 here, except via FromLuma
		var need []bool
		if cols <= downsampleDims {
			need = needCol[:cols]
		} else {
			need = make([]bool, cols)
		}
		for _, j := range colIdx {
			need[j] = true
		}
		boxAlongRowsSel(w.buf1, w.buf2, rows, cols, wRows, need)
		for _, j := range uniqueInts(colIdx[:]) {
			boxColSel(w.buf2, w.buf1, rows, cols, j, wCols, rowIdx[:])
		}
		decimate(w.buf1, rows, cols, &w.b64)
	}
	q := quality(&w.b64)
	dct64To16(&w.b64, &w.t16x64, &w.dct)
	return w.bits(&w.dct), q
}

// jaroszWindow is the reference computeJaroszFilterWindowSize(old, 64).
func jaroszWindow(old int) int { return (old + 2*64 - 1) / (2 * 64) }

// box1D is the reference box1DFloat: a running-sum box filter whose edge
// outputs divide by the number of samples actually summed.
func box1D(in, out []float32, off, length, stride, full int) {
	half := (full + 2) / 2
	p1 := half - 1
	p2 := full - half + 1
	p3 := length - full
	p4 := half - 1
	li, ri, oi := off, off, off
	var sum float32
	n := 0
	for i := 0; i < p1; i++ {
		sum += in[ri]
		n++
		ri += stride
	}
	for i := 0; i < p2; i++ {
		sum += in[ri]
		n++
		out[oi] = sum / float32(n)
		ri += stride
		oi += stride
	}
	fn := float32(n)
	for i := 0; i < p3; i++ {
		sum += in[ri]
		sum -= in[li]
		out[oi] = sum / fn
		li += stride
		ri += stride
		oi += stride
	}
	for i := 0; i < p4; i++ {
		sum -= in[li]
		n--
		out[oi] = sum / float32(n)
		li += stride
		oi += stride
	}
}

func boxAlongRows(in, out []float32, rows, cols, window int) {
	i := 0
	for ; i+4 <= rows; i += 4 {
		boxRows4(in, out, i, cols, window, nil)
	}
	for ; i < rows; i++ {
		box1D(in, out, i*cols, cols, 1, window)
	}
}

// boxRows4 is box1D along rows r..r+3 at once: four independent running
// sums keep the floating-point adder busy where one sum would wait on its
// own latency. Each row's operations and their order are box1D's, so the
// results are identical. With need non-nil only the outputs at columns j
// with need[j] are stored.
func boxRows4(in, out []float32, r, cols, full int, need []bool) {
	half := (full + 2) / 2
	p1 := half - 1
	p2 := full - half + 1
	p3 := cols - full
	p4 := half - 1
	row := func(s []float32, i int) []float32 { return s[(r+i)*cols : (r+i+1)*cols] }
	a, b, c, d := row(in, 0), row(in, 1), row(in, 2), row(in, 3)
	oa, ob, oc, od := row(out, 0), row(out, 1), row(out, 2), row(out, 3)
	store := func(oi int, sa, sb, sc, sd, n float32) {
		if need == nil || need[oi] {
			oa[oi], ob[oi], oc[oi], od[oi] = sa/n, sb/n, sc/n, sd/n
		}
	}
	var sa, sb, sc, sd float32
	n := 0
	li, ri, oi := 0, 0, 0
	for i := 0; i < p1; i++ {
		sa, sb, sc, sd = sa+a[ri], sb+b[ri], sc+c[ri], sd+d[ri]
		n++
		ri++
	}
	for i := 0; i < p2; i++ {
		sa, sb, sc, sd = sa+a[ri], sb+b[ri], sc+c[ri], sd+d[ri]
		n++
		store(oi, sa, sb, sc, sd, float32(n))
		ri++
		oi++
	}
	fn := float32(n)
	for i := 0; i < p3; i++ {
		sa, sb, sc, sd = sa+a[ri], sb+b[ri], sc+c[ri], sd+d[ri]
		sa, sb, sc, sd = sa-a[li], sb-b[li], sc-c[li], sd-d[li]
		store(oi, sa, sb, sc, sd, fn)
		li++
		ri++
		oi++
	}
	for i := 0; i < p4; i++ {
		sa, sb, sc, sd = sa-a[li], sb-b[li], sc-c[li], sd-d[li]
		n--
		store(oi, sa, sb, sc, sd, float32(n))
		li++
		oi++
	}
}

// boxAlongCols filters every column. It runs the same per-column
// recurrence as the reference, but row-major over all columns at once so the
// memory access is sequential; each column's operations and their order are
// unchanged, so the results are identical.
func boxAlongCols(in, out []float32, rows, cols, full int) {
	half := (full + 2) / 2
	p1 := half - 1
	p2 := full - half + 1
	p3 := rows - full
	p4 := half - 1
	sums := make([]float32, cols)
	li, ri, oi := 0, 0, 0
	n := 0
	add := func(r int) {
		row := in[r*cols : r*cols+cols]
		for j, v := range row {
			sums[j] += v
		}
	}
	sub := func(r int) {
		row := in[r*cols : r*cols+cols]
		for j, v := range row {
			sums[j] -= v
		}
	}
	emit := func(o int, d float32) {
		row := out[o*cols : o*cols+cols]
		for j := range row {
			row[j] = sums[j] / d
		}
	}
	for i := 0; i < p1; i++ {
		add(ri)
		n++
		ri++
	}
	for i := 0; i < p2; i++ {
		add(ri)
		n++
		emit(oi, float32(n))
		ri++
		oi++
	}
	for i := 0; i < p3; i++ {
		add(ri)
		sub(li)
		emit(oi, float32(n))
		li++
		ri++
		oi++
	}
	for i := 0; i < p4; i++ {
		sub(li)
		n--
		emit(oi, float32(n))
		li++
		oi++
	}
}

// decimationIndex is the reference decimateFloat's sample index
// ((i + 0.5) * n) / 64 in float64, for i in 0..63.
func decimationIndex(n int) [64]int {
	var idx [64]int
	for i := range idx {
		idx[i] = int(((float64(i) + 0.5) * float64(n)) / 64)
	}
	return idx
}

func uniqueInts(s []int) []int {
	out := s[:0:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// boxAlongRowsSel is boxAlongRows storing only the outputs at columns j
// with need[j]; the running sums are the same.
func boxAlongRowsSel(in, out []float32, rows, cols, full int, need []bool) {
	half := (full + 2) / 2
	p1 := half - 1
	p2 := full - half + 1
	p3 := cols - full
	p4 := half - 1
	r := 0
	for ; r+4 <= rows; r += 4 {
		boxRows4(in, out, r, cols, full, need)
	}
	for ; r < rows; r++ {
		src := in[r*cols : r*cols+cols]
		dst := out[r*cols : r*cols+cols]
		var sum float32
		n := 0
		li, ri, oi := 0, 0, 0
		for i := 0; i < p1; i++ {
			sum += src[ri]
			n++
			ri++
		}
		for i := 0; i < p2; i++ {
			sum += src[ri]
			n++
			if need[oi] {
				dst[oi] = sum / float32(n)
			}
			ri++
			oi++
		}
		fn := float32(n)
		for i := 0; i < p3; i++ {
			sum += src[ri]
			sum -= src[li]
			if need[oi] {
				dst[oi] = sum / fn
			}
			li++
			ri++
			oi++
		}
		for i := 0; i < p4; i++ {
			sum -= src[li]
			n--
			if need[oi] {
				dst[oi] = sum / float32(n)
			}
			li++
			oi++
		}
	}
}

// boxColSel filters column j of in into out, storing only the rows listed
// in rowIdx (sorted).
func boxColSel(in, out []float32, rows, cols, j, full int, rowIdx []int) {
	half := (full + 2) / 2
	p1 := half - 1
	p2 := full - half + 1
	p3 := rows - full
	p4 := half - 1
	var sum float32
	n := 0
	li, ri, oi := j, j, 0
	k := 0 // next rowIdx entry
	emit := func(d float32) {
		for k < len(rowIdx) && rowIdx[k] == oi {
			out[oi*cols+j] = sum / d
			k++
		}
	}
	for i := 0; i < p1; i++ {
		sum += in[ri]
		n++
		ri += cols
	}
	for i := 0; i < p2; i++ {
		sum += in[ri]
		n++
		emit(float32(n))
		ri += cols
		oi++
	}
	fn := float32(n)
	for i := 0; i < p3; i++ {
		sum += in[ri]
		sum -= in[li]
		emit(fn)
		li += cols
		ri += cols
		oi++
	}
	for i := 0; i < p4; i++ {
		sum -= in[li]
		n--
		emit(float32(n))
		li += cols
		oi++
	}
}

// decimate is the reference decimateFloat to 64x64 (indices in float64).
func decimate(in []float32, rows, cols int, out *[64 * 64]float32) {
	colIdx := decimationIndex(cols)
	rowIdx := decimationIndex(rows)
	for i := 0; i < 64; i++ {
		row := in[rowIdx[i]*cols:]
		for j := 0; j < 64; j++ {
			out[i*64+j] = row[colIdx[j]]
		}
	}
}

// quality is the reference pdqImageDomainQualityMetric.
func quality(b *[64 * 64]float32) int {
	sum := 0
	for i := 0; i < 63; i++ {
		for j := 0; j < 64; j++ {
			u, v := b[i*64+j], b[(i+1)*64+j]
			sum += absInt(int(float32((u-v)*100) / 255))
		}
	}
	for i := 0; i < 64; i++ {
		for j := 0; j < 63; j++ {
			u, v := b[i*64+j], b[i*64+j+1]
			sum += absInt(int(float32((u-v)*100) / 255))
		}
	}
	q := sum / 90
	if q > 100 {
		q = 100
	}
	return q
}

func absInt(d int) int {
	if d < 0 {
		return -d
	}
	return d
}

// dct64To16 computes B = D A Dᵀ with sequential float32 sums over k, as the
// reference does.
func dct64To16(a *[64 * 64]float32, t *[16 * 64]float32, b *[16 * 16]float32) {
	for i := 0; i < 16; i++ {
		d := dctMatrix[i*64 : i*64+64]
		trow := t[i*64 : i*64+64]
		clear(trow)
		// Row-major over A for locality; each trow[j] still accumulates
		// k = 0..63 in order.
		for k := 0; k < 64; k++ {
			dk := d[k]
			arow := a[k*64 : k*64+64]
			for j := 0; j < 64; j++ {
				trow[j] += float32(dk * arow[j])
			}
		}
	}
	for i := 0; i < 16; i++ {
		trow := t[i*64 : i*64+64]
		for j := 0; j < 16; j++ {
			d := dctMatrix[j*64 : j*64+64]
			var s float32
			for k := 0; k < 64; k++ {
				s += float32(trow[k] * d[k])
			}
			b[i*16+j] = s
		}
	}
}

// bits thresholds a 16x16 DCT at its median (strict >), setting bit
// i*16+j for coefficient (i, j) as the reference does.
func (w *work) bits(b *[16 * 16]float32) Hash {
	copy(w.sorted[:], b[:])
	slices.Sort(w.sorted[:])
	// The reference's Torben median returns the 128th smallest value for
	// n = 256 (for distinct values and ties alike).
	med := w.sorted[127]
	var h Hash
	for k := 0; k < 256; k++ {
		if b[k] > med {
			setBit(&h, k)
		}
	}
	return h
}

// setBit sets reference bit k. The reference stores 16 words, bit k in word
// k/16 at position k%16, and prints word 15 first, big-endian.
func setBit(h *Hash, k int) {
	word, bit := k>>4, k&15
	idx := 2 * (15 - word)
	if bit < 8 {
		idx++
	}
	h[idx] |= 1 << (bit & 7)
}

// Bit reports reference bit k (0..255) of h: whether DCT coefficient
// (row k/16, column k%16) is above the median.
func (h Hash) Bit(k int) bool {
	word, bit := k>>4, k&15
	idx := 2 * (15 - word)
	if bit < 8 {
		idx++
	}
	return h[idx]>>(bit&7)&1 == 1
}

// dihedral derives the 8 dihedral hashes from the 16x16 DCT in w.dct, in
// reference order: original, rot90, rot180, rot270, flipX, flipY,
// flipPlus1, flipMinus1.
func (w *work) dihedral() []Hash {
	a := &w.dct
	b := &w.tmp
	out := make([]Hash, 8)
	out[0] = w.bits(a)
	for v := 1; v < 8; v++ {
		for i := 0; i < 16; i++ {
			for j := 0; j < 16; j++ {
				x := a[i*16+j]
				switch v {
				case 1: // rot90
					if j&1 == 0 {
						x = -x
					}
					b[j*16+i] = x
				case 2: // rot180
					if (i+j)&1 == 1 {
						x = -x
					}
					b[i*16+j] = x
				case 3: // rot270
					if i&1 == 0 {
						x = -x
					}
					b[j*16+i] = x
				case 4: // flipX
					if i&1 == 0 {
						x = -x
					}
					b[i*16+j] = x
				case 5: // flipY
					if j&1 == 0 {
						x = -x
					}
					b[i*16+j] = x
				case 6: // flipPlus1
					b[j*16+i] = x
				case 7: // flipMinus1
					if (i+j)&1 == 1 {
						x = -x
					}
					b[j*16+i] = x
				}
			}
		}
		out[v] = w.bits(b)
	}
	return out
}
