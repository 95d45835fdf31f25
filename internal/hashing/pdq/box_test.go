package pdq

import (
	"math/rand/v2"
	"testing"
)

// TestBoxRows checks the four-rows-at-once box filter (boxRows4, used by
// boxAlongRows and boxAlongRowsSel) against the reference-shaped box1D row
// by row, bit for bit, for row counts that are and are not multiples of
// four and for every window the hash uses.
func TestBoxRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sz := range [][2]int{{7, 5}, {13, 64}, {64, 130}, {512, 511}, {257, 512}} {
		rows, cols := sz[0], sz[1]
		in := make([]float32, rows*cols)
		for i := range in {
			in[i] = rng.Float32() * 255
		}
		for _, window := range []int{1, 2, 3, 4, jaroszWindow(cols)} {
			if window > cols {
				continue
			}
			want := make([]float32, rows*cols)
			for r := 0; r < rows; r++ {
				box1D(in, want, r*cols, cols, 1, window)
			}
			got := make([]float32, rows*cols)
			boxAlongRows(in, got, rows, cols, window)
			need := make([]bool, cols)
			for j := range need {
				need[j] = rng.IntN(3) == 0
			}
			sel := make([]float32, rows*cols)
			boxAlongRowsSel(in, sel, rows, cols, window, need)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%dx%d window %d: output %d = %v, box1D %v", rows, cols, window, i, got[i], want[i])
				}
				if need[i%cols] && sel[i] != want[i] {
					t.Fatalf("%dx%d window %d: selected output %d = %v, box1D %v", rows, cols, window, i, sel[i], want[i])
				}
			}
		}
	}
}
