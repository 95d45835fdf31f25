package hostile

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"golang.org/x/image/tiff"
)

// The bombs are real images: their headers say what a decoder will build.
func TestImageBombsDecode(t *testing.T) {
	for name, tc := range map[string]struct {
		data   []byte
		config func([]byte) (image.Config, error)
		decode func([]byte) (image.Image, error)
	}{
		"tiff": {TIFFBomb(300, 200), func(b []byte) (image.Config, error) { return tiff.DecodeConfig(bytes.NewReader(b)) },
			func(b []byte) (image.Image, error) { return tiff.Decode(bytes.NewReader(b)) }},
		"png": {PNGBomb(300, 200), func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
			func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }},
	} {
		cfg, err := tc.config(tc.data)
		if err != nil || cfg.Width != 300 || cfg.Height != 200 {
			t.Fatalf("%s: config %+v, %v", name, cfg, err)
		}
		img, err := tc.decode(tc.data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, ok := img.(*image.NRGBA64); !ok {
			t.Errorf("%s decodes to %T, want 16-bit NRGBA", name, img)
		}
		if len(tc.data) > 300*200*8/100 {
			t.Errorf("%s: %d bytes, not a bomb", name, len(tc.data))
		}
	}
}
