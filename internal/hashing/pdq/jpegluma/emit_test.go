package jpegluma

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEmitList checks the list-driven sampled IDCT (emitList) against the
// full islow IDCT of the scattered, dequantized block, for one to
// listRows sampled rows, any columns, sparse and dense blocks, and values
// up to the 8-bit limits.
func TestEmitList(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for iter := 0; iter < 3000; iter++ {
		var q [64]int32
		for i := range q {
			q[i] = int32(1 + rng.IntN(255))
			if iter%3 == 0 {
				q[i] = int32(1 + rng.IntN(8))
			}
		}
		dc := int32(rng.IntN(4095) - 2047)
		var blk [64]int32 // natural order, dequantized
		blk[0] = dc * q[0]
		var list []uint32
		density := rng.IntN(64) + 1
		for k := 1; k < 64; k++ {
			if rng.IntN(64) >= density {
				continue
			}
			v := int32(rng.IntN(2047) - 1023)
			if iter%2 == 0 {
				v = int32(rng.IntN(21) - 10)
			}
			if v == 0 {
				continue
			}
			list = append(list, uint32(k)<<16|uint32(uint16(v)))
			blk[zigzag[k]] = v * q[zigzag[k]]
		}
		var full [64]byte
		idct8x8(&blk, full[:], 8)
		var ux, uy []int
		for x := 0; x < 8; x++ {
			if rng.IntN(3) == 0 {
				ux = append(ux, x)
			}
		}
		if len(ux) == 0 {
			ux = []int{rng.IntN(8)}
		}
		nr := 1 + rng.IntN(listRows)
		uy = append(uy, rng.Perm(8)[:nr]...)
		slices.Sort(uy)
		c := &component{bw: 1, bh: 1, bwPad: 1, bhPad: 1, dw: 8, dh: 8}
		c.smp = newSampling(ux, uy, c, false)
		d := &decoder{}
		d.rowWeightMax[0] = setRowWeights(&d.rowWeights[0], &q)
		d.emitList(c, 0, 0, dc, list)
		for i, y := range uy {
			for j, x := range ux {
				if got, want := c.smp.samp[i*len(ux)+j], full[y*8+x]; got != want {
					t.Fatalf("iter %d: pixel (%d,%d) = %d, full IDCT %d", iter, x, y, got, want)
				}
			}
		}
	}
}

// TestListPairs checks the packed two-row sums against one int32 sum per
// row: equal whenever listPairs accepts a block, accepted for photo-like
// coefficients, and refused (so emitList sums row by row) when the low
// rows' sums could leave the int32 range.
func TestListPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	accepted, refused := 0, 0
	for iter := 0; iter < 4000; iter++ {
		var q [64]int32
		for i := range q {
			q[i] = int32(1 + rng.IntN(255))
			if iter%2 == 0 {
				q[i] = int32(1 + rng.IntN(16))
			}
		}
		big := iter%4 == 3
		dc := int32(rng.IntN(255) - 127)
		var list []uint32
		for k := 1; k < 64; k++ {
			if rng.IntN(3) != 0 {
				continue
			}
			v := int32(rng.IntN(61) - 30)
			if big {
				v = int32(rng.IntN(2047) - 1023)
				dc = int32(rng.IntN(4095) - 2047)
			}
			if v != 0 {
				list = append(list, uint32(k)<<16|uint32(uint16(v)))
			}
		}
		nr := 2 + rng.IntN(listRows-1)
		uy := rng.Perm(8)[:nr]
		slices.Sort(uy)
		c := &component{bw: 1, bh: 1, bwPad: 1, bhPad: 1, dw: 8, dh: 8}
		c.smp = newSampling([]int{0}, uy, c, false)
		d := &decoder{}
		d.rowWeightMax[0] = setRowWeights(&d.rowWeights[0], &q)
		var got, want [4][8]int32
		ok := d.listPairs(c, 0, dc, list, &got)
		d.listRowsInt32(c, 0, nr, dc, list, &want)
		if !ok {
			refused++
			if !big {
				t.Fatalf("iter %d: photo-like block refused", iter)
			}
			continue
		}
		accepted++
		for r := 0; r < nr; r++ {
			if got[r] != want[r] {
				t.Fatalf("iter %d: row %d packed %v, int32 %v", iter, r, got[r], want[r])
			}
		}
	}
	if refused == 0 || accepted < 2000 {
		t.Errorf("accepted %d, refused %d: both paths must be exercised", accepted, refused)
	}
}
