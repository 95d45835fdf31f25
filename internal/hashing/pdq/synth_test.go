package pdq

import (
	"bytes"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq/pdqtest"
)

var photoLike = pdqtest.PhotoLike

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func greyOf(img *image.RGBA) *image.Gray {
	g := image.NewGray(img.Bounds())
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			g.SetGray(x, y, color.GrayModel.Convert(img.RGBAAt(x, y)).(color.Gray))
		}
	}
	return g
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
