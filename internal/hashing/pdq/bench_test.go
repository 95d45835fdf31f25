package pdq

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"os"
	"sync"
	"testing"
)

var benchSizes = []struct{ w, h int }{
	{1600, 1200},
	{2048, 1536},
	{3264, 2448},
	{4032, 3024},
}

var (
	benchMu    sync.Mutex
	benchCache = map[string][]byte{}
)

// benchImage returns a cached encoded synthetic photo.
func benchImage(b *testing.B, kind string, w, h int) []byte {
	benchMu.Lock()
	defer benchMu.Unlock()
	key := fmt.Sprintf("%s-%dx%d", kind, w, h)
	if d, ok := benchCache[key]; ok {
		return d
	}
	img := photoLike(w, h, uint64(w*h))
	var d []byte
	switch kind {
	case "jpeg":
		d = encodeJPEG(b, img, 90)
	case "png":
		d = encodePNG(b, img)
	}
	benchCache[key] = d
	return d
}

func benchHash(b *testing.B, data []byte, opt Options) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := FromBytes(data, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkJPEG is the default path (luma-only sampled decode for images
// over 512 pixels).
func BenchmarkJPEG(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(b *testing.B) {
			benchHash(b, benchImage(b, "jpeg", s.w, s.h), Options{})
		})
	}
}

// BenchmarkJPEGExact decodes the whole JPEG the libjpeg way.
func BenchmarkJPEGExact(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(b *testing.B) {
			benchHash(b, benchImage(b, "jpeg", s.w, s.h), Options{ExactJPEG: true})
		})
	}
}

// BenchmarkJPEGStdlib is the baseline: image/jpeg then FromImage.
func BenchmarkJPEGStdlib(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(b *testing.B) {
			data := benchImage(b, "jpeg", s.w, s.h)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				img, err := jpeg.Decode(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := FromImage(img, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

func BenchmarkPNG(b *testing.B) {
	for _, s := range benchSizes[:2] {
		b.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(b *testing.B) {
			benchHash(b, benchImage(b, "png", s.w, s.h), Options{})
		})
	}
}

// BenchmarkHashOnly measures the hashing core on a 512x512 luma image.
func BenchmarkHashOnly(b *testing.B) {
	luma := make([]float32, 512*512)
	for i := range luma {
		luma[i] = float32((i*7919)%251) + float32(i%512)/4
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromLuma(luma, 512, 512, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReferenceBridge hashes the reference set's 1600x1004 bridge
// photo, the image behind the C++ reference anchor (~23 ms per image).
func BenchmarkReferenceBridge(b *testing.B) {
	data, err := os.ReadFile(refDir + "/images/bridge-1-original.jpg")
	if err != nil {
		b.Skip(err)
	}
	b.Run("fast", func(b *testing.B) { benchHash(b, data, Options{}) })
	b.Run("exact", func(b *testing.B) { benchHash(b, data, Options{ExactJPEG: true}) })
}
