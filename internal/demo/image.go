package demo

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
)

// Picture is a recipe for a synthetic, abstract image: a gradient with
// discs and bars, reproducible from its seed. Variants of one recipe
// (re-encoded, resized, brightened, cropped) make PDQ near-duplicates.
type Picture struct {
	Seed          uint64
	Width, Height int
	Brightness    int  // added to every channel
	Mirror        bool // flipped left to right
}

// Render draws the picture.
func (p Picture) Render() *image.RGBA {
	r := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
	img := image.NewRGBA(image.Rect(0, 0, p.Width, p.Height))
	c0 := [3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}
	c1 := [3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}
	angle := r.Float64() * 2 * math.Pi
	dx, dy := math.Cos(angle), math.Sin(angle)
	w, h := float64(p.Width), float64(p.Height)
	// A texture of two waves keeps PDQ's quality score high (flat pictures
	// score low and are not matched by default).
	fx1, fy1 := (4+r.Float64()*12)*2*math.Pi/w, (4+r.Float64()*12)*2*math.Pi/h
	fx2, fy2 := (4+r.Float64()*12)*2*math.Pi/w, -(4+r.Float64()*12)*2*math.Pi/h
	for y := 0; y < p.Height; y++ {
		for x := 0; x < p.Width; x++ {
			t := ((float64(x)/w-0.5)*dx + (float64(y)/h-0.5)*dy) + 0.5
			t = math.Max(0, math.Min(1, t))
			i := img.PixOffset(x, y)
			wave := 40*math.Sin(fx1*float64(x)+fy1*float64(y)) + 30*math.Sin(fx2*float64(x)+fy2*float64(y))
			for c := 0; c < 3; c++ {
				img.Pix[i+c] = uint8(math.Max(0, math.Min(255, c0[c]*(1-t)+c1[c]*t+wave)))
			}
			img.Pix[i+3] = 255
		}
	}
	shapes := 6 + r.IntN(8)
	for s := 0; s < shapes; s++ {
		col := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
		cx, cy := r.Float64()*w, r.Float64()*h
		if r.IntN(2) == 0 {
			rad := (0.05 + r.Float64()*0.2) * math.Min(w, h)
			for y := int(math.Max(0, cy-rad)); y < int(math.Min(h, cy+rad+1)); y++ {
				for x := int(math.Max(0, cx-rad)); x < int(math.Min(w, cx+rad+1)); x++ {
					if (float64(x)-cx)*(float64(x)-cx)+(float64(y)-cy)*(float64(y)-cy) <= rad*rad {
						img.SetRGBA(x, y, col)
					}
				}
			}
		} else {
			bw, bh := (0.05+r.Float64()*0.4)*w, (0.05+r.Float64()*0.4)*h
			draw.Draw(img, image.Rect(int(cx), int(cy), int(cx+bw), int(cy+bh)), image.NewUniform(col), image.Point{}, draw.Src)
		}
	}
	if p.Brightness != 0 {
		for i := 0; i < len(img.Pix); i += 4 {
			for c := 0; c < 3; c++ {
				v := int(img.Pix[i+c]) + p.Brightness
				img.Pix[i+c] = uint8(max(0, min(255, v)))
			}
		}
	}
	if p.Mirror {
		for y := 0; y < p.Height; y++ {
			for x := 0; x < p.Width/2; x++ {
				a, b := img.PixOffset(x, y), img.PixOffset(p.Width-1-x, y)
				for c := 0; c < 4; c++ {
					img.Pix[a+c], img.Pix[b+c] = img.Pix[b+c], img.Pix[a+c]
				}
			}
		}
	}
	return img
}
