package pdq

import (
	"image"
	"image/color"
)

// sampleGrid returns the source coordinates the reference's pre-resize
// reads: when either side is over 512, CImg's nearest-neighbour
// resize(512, 512) reads source column floor(x*W/512) for output column x
// (and likewise rows); otherwise every pixel, unresized.
func sampleGrid(w, h int) (xs, ys []int) {
	if w > downsampleDims || h > downsampleDims {
		return nnIndex(w, downsampleDims), nnIndex(h, downsampleDims)
	}
	return nnIndex(w, w), nnIndex(h, h)
}

func nnIndex(src, dst int) []int {
	idx := make([]int, dst)
	for i := range idx {
		idx[i] = int(int64(i) * int64(src) / int64(dst))
	}
	return idx
}

// fillLuma writes the float luma of img at the grid xs × ys into dst
// (row-major, len(ys) rows of len(xs)).
func fillLuma(dst []float32, img image.Image, xs, ys []int) {
	b := img.Bounds()
	nc := len(xs)
	switch m := img.(type) {
	case *image.Gray:
		for i, y := range ys {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			out := dst[i*nc : i*nc+nc]
			for j, x := range xs {
				out[j] = float32(row[x])
			}
		}
		return
	case *image.Gray16:
		for i, y := range ys {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			out := dst[i*nc : i*nc+nc]
			for j, x := range xs {
				out[j] = float32(row[2*x])
			}
		}
		return
	case *image.NRGBA:
		for i, y := range ys {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			out := dst[i*nc : i*nc+nc]
			for j, x := range xs {
				p := row[4*x : 4*x+3]
				out[j] = lumaFromRGB(p[0], p[1], p[2])
			}
		}
		return
	case *image.RGBA:
		for i, y := range ys {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			out := dst[i*nc : i*nc+nc]
			for j, x := range xs {
				p := row[4*x : 4*x+4]
				r, g, bb := unpremul8(p[0], p[1], p[2], p[3])
				out[j] = lumaFromRGB(r, g, bb)
			}
		}
		return
	case *image.Paletted:
		var pal [256]float32
		for k, c := range m.Palette {
			if k == 256 {
				break
			}
			r, g, bb := straightRGB(c)
			pal[k] = lumaFromRGB(r, g, bb)
		}
		for i, y := range ys {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			out := dst[i*nc : i*nc+nc]
			for j, x := range xs {
				out[j] = pal[row[x]]
			}
		}
		return
	case *image.YCbCr:
		for i, y := range ys {
			out := dst[i*nc : i*nc+nc]
			for j, x := range xs {
				yi := m.YOffset(x+b.Min.X, y+b.Min.Y)
				ci := m.COffset(x+b.Min.X, y+b.Min.Y)
				r, g, bb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				out[j] = lumaFromRGB(r, g, bb)
			}
		}
		return
	}
	if img.ColorModel() == color.GrayModel || img.ColorModel() == color.Gray16Model {
		for i, y := range ys {
			out := dst[i*nc : i*nc+nc]
			for j, x := range xs {
				g := color.GrayModel.Convert(img.At(x+b.Min.X, y+b.Min.Y)).(color.Gray)
				out[j] = float32(g.Y)
			}
		}
		return
	}
	for i, y := range ys {
		out := dst[i*nc : i*nc+nc]
		for j, x := range xs {
			r, g, bb := straightRGB(img.At(x+b.Min.X, y+b.Min.Y))
			out[j] = lumaFromRGB(r, g, bb)
		}
	}
}

// straightRGB returns the 8-bit colour of c with any alpha ignored: the
// colour channels are un-premultiplied, never composited.
func straightRGB(c color.Color) (r, g, b uint8) {
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return uint8(n.R >> 8), uint8(n.G >> 8), uint8(n.B >> 8)
}

func unpremul8(r, g, b, a uint8) (uint8, uint8, uint8) {
	switch a {
	case 0xff:
		return r, g, b
	case 0:
		return 0, 0, 0
	}
	// Same rounding as color.NRGBAModel.
	a32 := uint32(a) * 0x101
	return uint8((uint32(r) * 0x101 * 0xffff / a32) >> 8),
		uint8((uint32(g) * 0x101 * 0xffff / a32) >> 8),
		uint8((uint32(b) * 0x101 * 0xffff / a32) >> 8)
}
