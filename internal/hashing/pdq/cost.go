package pdq

import (
	"bytes"
	"fmt"
	"image/color"

	"github.com/vibora-project/vibora/internal/hashing/pdq/jpegluma"
)

// DefaultMaxDecodeBytes is the default bound on the memory one image may
// need to decode (see DecodeCost): 1 GiB.
const DefaultMaxDecodeBytes = 1 << 30

// workBytes is what hashing needs besides the decoded pixels: the
// 512x512 luma grid, the filter buffers and the decoder's own state.
const workBytes = 8 << 20

func (o Options) maxDecodeBytes() int64 {
	if o.MaxDecodeBytes > 0 {
		return o.MaxDecodeBytes
	}
	return DefaultMaxDecodeBytes
}

// Cost is what an encoded image declares about itself, read from its
// header without decoding a pixel.
type Cost struct {
	Width, Height int
	// Bytes estimates, from the dimensions, the bit depth and the
	// decoder's buffers, the peak memory of hashing the image (encoded
	// bytes not included). It errs on the high side: a decoder that
	// holds the whole decompressed data besides the image (TIFF) counts
	// twice; a progressive JPEG's coefficients count 2 bytes a sample.
	Bytes int64
}

// DecodeCost reads the header of the encoded image data and estimates
// the memory decoding it takes. A small file can declare an image of a
// billion 16-bit pixels; callers check the cost before decoding (FromBytes
// refuses images over Options.MaxDecodeBytes) and can admit concurrent
// decodes by it. Formats without a decoder return ErrNoDecoder.
func DecodeCost(data []byte) (Cost, error) {
	f, mime := sniff(data)
	if f == nil {
		if mime == "" {
			mime = "unrecognised data"
		}
		return Cost{}, fmt.Errorf("%w for %s", ErrNoDecoder, mime)
	}
	if f == fmtJPEG {
		if info, err := jpegluma.DecodeInfo(data); err == nil {
			per := int64(info.Components)
			if info.Progressive {
				per *= 2 // int16 coefficients of every sample
			}
			return cost(info.Width, info.Height, per, 1), nil
		}
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return Cost{}, fmt.Errorf("pdq: decode %s header: %w", f.name, err)
	}
	per := bytesPerPixel(cfg.ColorModel)
	factor := int64(1)
	switch f {
	case fmtTIFF:
		factor = 2 // the decompressed strip or tile besides the image
	case fmtPNG:
		if len(data) > 28 && data[28] != 0 {
			factor = 2 // Adam7: each pass is an image of its own
		}
	case fmtWebP:
		if cfg.ColorModel == color.NRGBAModel {
			per = 8 // lossless: ARGB words besides the image
		}
	}
	return cost(cfg.Width, cfg.Height, per, factor), nil
}

func cost(w, h int, per, factor int64) Cost {
	c := Cost{Width: w, Height: h, Bytes: workBytes}
	if w > 0 && h > 0 {
		c.Bytes += int64(w) * int64(h) * per * factor
	}
	return c
}

// bytesPerPixel is the size of one pixel of the image a decoder returns
// for a colour model (the largest, when the model leaves it open).
func bytesPerPixel(m color.Model) int64 {
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	return 8 // RGBA64, NRGBA64 and anything unknown
}

// checkCost refuses an image whose decode would need more than the budget.
func checkCost(data []byte, opt Options) error {
	c, err := DecodeCost(data)
	if err != nil {
		return nil // the decoder reports it with its own words
	}
	if c.Bytes > opt.maxDecodeBytes() {
		return fmt.Errorf("pdq: %dx%d image needs about %d bytes to decode, over the %d-byte budget: %w",
			c.Width, c.Height, c.Bytes, opt.maxDecodeBytes(), ErrTooLarge)
	}
	return nil
}
