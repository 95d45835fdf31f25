package jpegluma

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkIDCTPartial times the sampled IDCT for typical sample shapes
// (rows x columns needed per block) and coefficient densities.
func BenchmarkIDCTPartial(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, nnz := range []int{6, 16, 32} {
		var c [64]int32
		var nz []uint8
		for _, k := range rng.Perm(64)[:nnz] {
			c[k] = int32(rng.IntN(200) - 100)
		}
		for k := range c {
			if c[k] != 0 {
				nz = append(nz, uint8(k))
			}
		}
		for _, shape := range [][2]int{{1, 1}, {2, 1}, {2, 3}, {4, 3}} {
			rows := []uint8{1, 3, 5, 7}[:shape[0]]
			cols := []uint8{1, 4, 6}[:shape[1]]
			out := make([]byte, 64)
			b.Run(fmt.Sprintf("nnz%d/%dx%d", nnz, shape[0], shape[1]), func(b *testing.B) {
				for b.Loop() {
					idctPartial(&c, nz, rows, cols, out, 8)
				}
			})
		}
	}
}
