package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashing/pdq/pdqtest"
)

var synthSizes = [][2]int{{1600, 1200}, {2048, 1536}, {3264, 2448}, {4032, 3024}}

// runSynthetic times generated photo-like images: JPEG quality 90 at each
// size, and PNG at the two smaller sizes.
func runSynthetic(exact, stdlib bool, rounds int) error {
	fmt.Printf("synthetic photo-like images, GOMAXPROCS=1, %d rounds each (first is warm-up)\n", rounds)
	fmt.Printf("%-6s %-10s %9s %12s %12s %12s\n", "format", "size", "bytes", "ms (wall)", "ms (cpu)", "images/s cpu")
	for i, sz := range synthSizes {
		img := pdqtest.PhotoLike(sz[0], sz[1], uint64(sz[0]*sz[1]))
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
