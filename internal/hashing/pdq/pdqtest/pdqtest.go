// Package pdqtest generates synthetic, photo-like test images for the PDQ
// tests and benchmarks: reproducible from a seed, nothing real in them.
package pdqtest

import (
	"image"
	"math"
	"math/rand/v2"
)

// PhotoLike draws a deterministic photo-like picture: smooth gradients,
// soft discs and rectangles, and sensor-like noise. The PDQ tests and
// bench/pdq hash it in place of real photographs.
func PhotoLike(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	type disc struct{ x, y, r, cr, cg, cb float64 }
	var discs []disc
	for i := 0; i < 12; i++ {
		discs = append(discs, disc{rng.Float64() * float64(w), rng.Float64() * float64(h),
			(0.05 + 0.2*rng.Float64()) * float64(min(w, h)), rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255})
	}
	type rect struct{ x0, y0, x1, y1, v float64 }
	var rects []rect
	for i := 0; i < 6; i++ {
		x0, y0 := rng.Float64()*float64(w), rng.Float64()*float64(h)
		rects = append(rects, rect{x0, y0, x0 + rng.Float64()*float64(w)/3, y0 + rng.Float64()*float64(h)/3, rng.Float64()*120 - 60})
	}
	a1, a2 := rng.Float64()*6, rng.Float64()*6
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		for x := 0; x < w; x++ {
			fx := float64(x) / float64(w)
			r := 120 + 80*math.Sin(a1*fx+2*fy)
			g := 110 + 70*math.Cos(a2*fy-fx)
			b := 100 + 60*math.Sin(3*fx*fy+a1)
			for _, d := range discs {
				dx, dy := float64(x)-d.x, float64(y)-d.y
				if q := (dx*dx + dy*dy) / (d.r * d.r); q < 1 {
					k := 1 - q*q
					r += (d.cr - r) * k * 0.7
					g += (d.cg - g) * k * 0.7
					b += (d.cb - b) * k * 0.7
				}
			}
			for _, rc := range rects {
				if float64(x) >= rc.x0 && float64(x) < rc.x1 && float64(y) >= rc.y0 && float64(y) < rc.y1 {
					r += rc.v
					g += rc.v
					b += rc.v
				}
			}
			n := rng.NormFloat64() * 6
			i := img.PixOffset(x, y)
			img.Pix[i] = clampU8(r + n)
			img.Pix[i+1] = clampU8(g + n)
			img.Pix[i+2] = clampU8(b + n)
			img.Pix[i+3] = 255
		}
	}
	return img
}

func clampU8(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v + 0.5)
}
