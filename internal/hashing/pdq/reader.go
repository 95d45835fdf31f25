package pdq

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	"github.com/vibora-project/vibora/internal/hashing/pdq/jpegluma"
)

// format is a decodable image format. Decoders are registered here
// explicitly, not through image.RegisterFormat side effects.
type format struct {
	name   string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var (
	fmtPNG  = &format{"png", png.DecodeConfig, png.Decode}
	fmtJPEG = &format{"jpeg", jpeg.DecodeConfig, jpeg.Decode}
	fmtGIF  = &format{"gif", gif.DecodeConfig, gif.Decode}
	fmtBMP  = &format{"bmp", bmp.DecodeConfig, bmp.Decode}
	fmtTIFF = &format{"tiff", tiff.DecodeConfig, tiff.Decode}
	fmtWebP = &format{"webp", webp.DecodeConfig, webp.Decode}
)

// Sniff names the image format of data's first bytes: "jpeg", "png",
// "gif", "bmp", "tiff", "webp", "heic", "avif", or "" when unknown.
func Sniff(head []byte) string {
	f, mime := sniff(head)
	if f != nil {
		return f.name
	}
	switch mime {
	case "image/heic":
		return "heic"
	case "image/avif":
		return "avif"
	}
	return ""
}

func sniff(b []byte) (*format, string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return fmtJPEG, "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return fmtPNG, "image/png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return fmtGIF, "image/gif"
	case bytes.HasPrefix(b, []byte("BM")) && len(b) >= 18:
		return fmtBMP, "image/bmp"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return fmtTIFF, "image/tiff"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return fmtWebP, "image/webp"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "avif", "avis":
			return nil, "image/avif"
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return nil, "image/heic"
		}
	}
	return nil, ""
}

// FromReader reads one encoded image from r and hashes it.
func FromReader(r io.Reader, opt Options) (Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, opt.maxBytes()+1))
	if err != nil {
		return Result{}, fmt.Errorf("pdq: read image: %w", err)
	}
	if int64(len(data)) > opt.maxBytes() {
		return Result{}, fmt.Errorf("pdq: encoded image over %d bytes: %w", opt.maxBytes(), ErrTooLarge)
	}
	return FromBytes(data, opt)
}

// FromBytes hashes one encoded image held in memory.
func FromBytes(data []byte, opt Options) (Result, error) {
	if len(data) == 0 {
		return Result{}, errors.New("pdq: empty input")
	}
	f, mime := sniff(data)
	if f == nil {
		if mime == "" {
			mime = "unrecognised data"
		}
		return Result{}, fmt.Errorf("%w for %s", ErrNoDecoder, mime)
	}
	if err := checkCost(data, opt); err != nil {
		return Result{}, err
	}
	if f == fmtJPEG {
		res, err := fromJPEG(data, opt)
		if err == nil || errors.Is(err, ErrTooLarge) {
			res.Format = f.name
			return res, err
		}
		if errors.Is(err, jpegluma.ErrLimit) {
			return Result{}, fmt.Errorf("pdq: decode jpeg: %w", err)
		}
		// image/jpeg has no bound on scans (each one walks every block):
		// count the SOS markers before handing it the data.
		if n := bytes.Count(data, []byte{0xFF, 0xDA}); n > jpegluma.MaxScans {
			return Result{}, fmt.Errorf("pdq: decode jpeg: %d scans: %w", n, jpegluma.ErrLimit)
		}
		// Anything else the fast decoder refuses (CMYK, arithmetic coding,
		// or data it finds corrupt) gets a second opinion from image/jpeg.
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return Result{}, fmt.Errorf("pdq: decode %s header: %w", f.name, err)
	}
	if err := checkSize(cfg.Width, cfg.Height, opt); err != nil {
		return Result{}, err
	}
	img, err := decodeSafely(f, data)
	if err != nil {
		return Result{}, fmt.Errorf("pdq: decode %s: %w", f.name, err)
	}
	res, err := FromImage(img, opt)
	res.Format = f.name
	return res, err
}

func checkSize(w, h int, opt Options) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("pdq: image has no pixels (%dx%d)", w, h)
	}
	if int64(w)*int64(h) > opt.maxPixels() {
		return fmt.Errorf("pdq: %dx%d is over %d pixels: %w", w, h, opt.maxPixels(), ErrTooLarge)
	}
	return nil
}

// decodeSafely runs a standard-library or x/image decoder, turning a
// panic on malformed input (a decoder bug) into an error.
func decodeSafely(f *format, data []byte) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder failed on malformed input: %v", p)
		}
	}()
	return f.decode(bytes.NewReader(data))
}

// fromJPEG hashes a JPEG with jpegluma.
func fromJPEG(data []byte, opt Options) (Result, error) {
	info, err := jpegluma.DecodeInfo(data)
	if err != nil {
		return Result{}, err
	}
	if err := checkSize(info.Width, info.Height, opt); err != nil {
		return Result{}, err
	}
	w, h := info.Width, info.Height
	xs, ys := sampleGrid(w, h)
	mode := jpegluma.Luma
	if w <= downsampleDims && h <= downsampleDims || opt.ExactJPEG {
		mode = jpegluma.RGB
	}
	if info.Components == 1 {
		mode = jpegluma.Luma // grey: Y is the reference's luma exactly
	}
	samples, info, err := jpegluma.Decode(data, xs, ys, mode, opt.maxPixels())
	if errors.Is(err, jpegluma.ErrUnsupported) && mode == jpegluma.Luma && info.Components == 3 {
		mode = jpegluma.RGB
		samples, info, err = jpegluma.Decode(data, xs, ys, mode, opt.maxPixels())
	}
	if err != nil {
		return Result{}, err
	}
	wk := getWork(len(xs) * len(ys))
	defer putWork(wk)
	dst := wk.buf1
	if mode == jpegluma.RGB && info.Components == 3 {
		for i := range dst {
			p := samples[3*i : 3*i+3 : 3*i+3]
			dst[i] = lumaFromRGB(p[0], p[1], p[2])
		}
	} else {
		for i := range dst {
			dst[i] = float32(samples[i])
		}
	}
	return wk.finish(len(ys), len(xs), w, h, opt), nil
}
