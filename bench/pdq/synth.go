package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashing/pdq/pdqtest"
)

var synthSizes = [][2]int{{1600, 1200}, {2048, 1536}, {3264, 2448}, {4032, 3024}}

// runSynthetic times generated photo-like images: JPEG quality 90 at each
// size, and PNG at the two smaller sizes.
func runSynthetic(exact, stdlib bool, rounds int) error {
	what := "PDQ only"
	if withDigests {
		what = "PDQ and MD5+SHA-1+SHA-256"
	}
	fmt.Printf("synthetic photo-like images, %s, GOMAXPROCS=1, %d rounds each (first is warm-up)\n", what, rounds)
	fmt.Printf("%-6s %-10s %9s %12s %12s %12s\n", "format", "size", "bytes", "ms (wall)", "ms (cpu)", "images/s cpu")
	return synthImages(func(kind string, sz [2]int, data []byte) error {
		return timeOne(kind, sz, data, exact, stdlib, rounds)
	})
}

// synthImages encodes the generated picture of each size: JPEG quality 90
// at every size, PNG at the two smaller ones.
func synthImages(fn func(kind string, sz [2]int, data []byte) error) error {
	for i, sz := range synthSizes {
		img := pdqtest.PhotoLike(sz[0], sz[1], uint64(sz[0]*sz[1]))
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 90}); err != nil {
			return err
		}
		if err := fn("jpeg", sz, jb.Bytes()); err != nil {
			return err
		}
		if i < 2 {
			var pb bytes.Buffer
			if err := png.Encode(&pb, img); err != nil {
				return err
			}
			if err := fn("png", sz, pb.Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeSynthetic writes the images of -synthetic into dir (for timing
// vibora hash or other tools on the same files).
func writeSynthetic(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return synthImages(func(kind string, sz [2]int, data []byte) error {
		ext := map[string]string{"jpeg": "jpg", "png": "png"}[kind]
		name := filepath.Join(dir, fmt.Sprintf("photo-%dx%d.%s", sz[0], sz[1], ext))
		fmt.Println(name, len(data))
		return os.WriteFile(name, data, 0o644)
	})
}

func timeOne(kind string, sz [2]int, data []byte, exact, stdlib bool, rounds int) error {
	var wall, cpu time.Duration
	n := 0
	for r := 0; r < max(rounds, 2); r++ {
		t0, c0 := time.Now(), cputime.Process()
		var err error
		digest(data)
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
			cpu += cputime.Process() - c0
			n++
		}
	}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(n) }
	fmt.Printf("%-6s %4dx%-5d %9d %12.2f %12.2f %12.1f\n", kind, sz[0], sz[1], len(data), ms(wall), ms(cpu), float64(n)/cpu.Seconds())
	return nil
}
