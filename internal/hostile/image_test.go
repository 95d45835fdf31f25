package hostile

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"testing"

	"golang.org/x/image/tiff"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
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

// Every format's header bomb is measured from its header and refused by
// pdq before a pixel is decoded.
func TestHeaderBombsRefused(t *testing.T) {
	for _, tc := range []struct {
		format string
		w, h   int
	}{{FormatGIF, 65535, 65535}, {FormatBMP, 30000, 30000}, {FormatWebP, 30000, 30000}, {FormatJPEG, 65535, 65535}} {
		data := HeaderBomb(tc.format, tc.w, tc.h)
		c, err := pdq.DecodeCost(data)
		if err != nil || c.Width != tc.w || c.Height != tc.h || c.Bytes < int64(tc.w)*int64(tc.h) {
			t.Errorf("%s: cost %+v, %v", tc.format, c, err)
		}
		if _, err := pdq.FromBytes(data, pdq.Options{}); !errors.Is(err, pdq.ErrTooLarge) {
			t.Errorf("%s (%d bytes declaring %dx%d): %v, want ErrTooLarge", tc.format, len(data), tc.w, tc.h, err)
		}
	}
	// The bit depth counts: 16-bit RGBA under the pixel limit but over
	// the decode budget.
	if _, err := pdq.FromBytes(TIFFBomb(600, 600), pdq.Options{MaxDecodeBytes: 8 << 20}); !errors.Is(err, pdq.ErrTooLarge) {
		t.Errorf("600x600 16-bit TIFF under an 8 MiB budget: %v", err)
	}
	if _, err := pdq.FromBytes(TIFFBomb(600, 600), pdq.Options{}); err != nil {
		t.Errorf("600x600 16-bit TIFF under the default budget: %v", err)
	}
}
