package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

var synthSizes = [][2]int{{1600, 1200}, {2048, 1536}, {3264, 2448}, {4032, 3024}}

// runSynthetic times generated photo-like images: JPEG quality 90 at each
// size, and PNG at the two smaller sizes.
func runSynthetic(exact, stdlib bool, rounds int) error {
	fmt.Printf("synthetic photo-like images, GOMAXPROCS=1, %d rounds each (first is warm-up)\n", rounds)
	fmt.Printf("%-6s %-10s %9s %12s %12s %12s\n", "format", "size", "bytes", "ms (wall)", "ms (cpu)", "images/s cpu")
	for i, sz := range synthSizes {
		img := photoLike(sz[0], sz[1], uint64(sz[0]*sz[1]))
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 90}); err != nil {
			return err
		}
		if err := timeOne("jpeg", sz, jb.Bytes(), exact, stdlib, rounds); err != nil {
			return err
		}
		if i < 2 {
			var pb bytes.Buffer
			if err := png.Encode(&pb, img); err != nil {
				return err
			}
			if err := timeOne("png", sz, pb.Bytes(), exact, stdlib, rounds); err != nil {
				return err
			}
		}
	}
	return nil
}

func timeOne(kind string, sz [2]int, data []byte, exact, stdlib bool, rounds int) error {
	var wall, cpu time.Duration
	n := 0
	for r := 0; r < max(rounds, 2); r++ {
		t0, c0 := time.Now(), cpuTime()
		var err error
		if stdlib && kind == "jpeg" {
			var img image.Image
			img, err = jpeg.Decode(bytes.NewReader(data))
			if err == nil {
				_, err = pdq.FromImage(img, pdq.Options{})
			}
		} else {
			_, err = pdq.FromBytes(data, pdq.Options{ExactJPEG: exact})
		}
		if err != nil {
			return err
		}
		if r > 0 {
			wall += time.Since(t0)
			cpu += cpuTime() - c0
			n++
		}
	}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(n) }
	fmt.Printf("%-6s %4dx%-5d %9d %12.2f %12.2f %12.1f\n", kind, sz[0], sz[1], len(data), ms(wall), ms(cpu), float64(n)/cpu.Seconds())
	return nil
}

// photoLike draws a deterministic photo-like picture: smooth gradients,
// soft discs, rectangles and sensor-like noise (same recipe as the
// package benchmarks).
func photoLike(w, h int, seed uint64) *image.RGBA {
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
