// Command aigen measures what AI-generation support costs (docs/ai.md):
// the share of per-file ingest CPU time that reading generator metadata
// adds on synthetic photos, and the rate of hashing a model file with
// every generator hash in one read against the slowest hash alone.
//
//	go run ./bench/aigen [-n 300] [-model-size 2147483648] [-dir DIR]
//
// It prints CPU times (user+system of the process: the machine may be
// shared, so CPU time is the figure to compare) and wall rates.
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/zeebo/blake3"

	"github.com/vibora-project/vibora/internal/aigen"
	"github.com/vibora-project/vibora/internal/aigen/modelfile"
	"github.com/vibora-project/vibora/internal/evidence"
)

func main() {
	n := flag.Int("n", 300, "synthetic photos")
	modelSize := flag.Int64("model-size", 2<<30, "bytes of the synthetic safetensors file (0: skip)")
	dir := flag.String("dir", "", "where to write the model file (default: a temporary directory)")
	flag.Parse()
	runtime.GOMAXPROCS(1) // per-file work is measured on one core
	photos := generate(*n)
	var total int64
	for _, p := range photos {
		total += int64(len(p))
	}
	proc := evidence.NewProcessor(evidence.ProcessOptions{PDQ: true})
	c0 := cpu()
	for _, p := range photos {
		var r evidence.Result
		proc.Process(bytes.NewReader(p), &r)
	}
	process := cpu() - c0
	const rounds = 20
	c0 = cpu()
	for range rounds {
		for _, p := range photos {
			aigen.Read(p)
		}
	}
	meta := (cpu() - c0) / rounds
	fmt.Printf("photos=%d bytes=%d process_cpu_s=%.3f metadata_cpu_s=%.5f metadata_share=%.3f%%\n",
		len(photos), total, process.Seconds(), meta.Seconds(), 100*meta.Seconds()/(process-meta).Seconds())
	if *modelSize <= 0 {
		return
	}
	runtime.GOMAXPROCS(runtime.NumCPU())
	d := *dir
	if d == "" {
		var err error
		if d, err = os.MkdirTemp("", "vibora-aigen-bench"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
	}
	path := filepath.Join(d, "synthetic.safetensors")
	if err := writeModel(path, *modelSize); err != nil {
		log.Fatal(err)
	}
	measure := func(name string, fn func(io.Reader)) {
		f, err := os.Open(path)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		c, w := cpu(), time.Now()
		fn(f)
		cs, ws := (cpu() - c).Seconds(), time.Since(w).Seconds()
		mb := float64(*modelSize) / (1 << 20)
		fmt.Printf("%s bytes=%d wall_s=%.2f cpu_s=%.2f wall_mb_per_s=%.0f cpu_mb_per_s=%.0f\n", name, *modelSize, ws, cs, mb/ws, mb/cs)
	}
	// Warm the page cache, then each yardstick on one goroutine, then all
	// hashes in one read.
	measure("read", func(r io.Reader) { io.Copy(io.Discard, r) })
	measure("sha256_alone", func(r io.Reader) { h := sha256.New(); io.Copy(h, r); h.Sum(nil) })
	measure("blake3_alone", func(r io.Reader) { h := blake3.New(); io.Copy(h, r); h.Sum(nil) })
	measure("all_hashes", func(r io.Reader) {
		if _, err := modelfile.Hash(r); err != nil {
			log.Fatal(err)
		}
	})
}

// cpu is the process's user and system time so far.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// generate makes n synthetic JPEG photos of mixed sizes (as bench/ingest):
// noise-free gradients with random rectangles, no metadata.
func generate(n int) [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := [][2]int{{640, 480}, {1024, 768}, {1600, 1200}}
	var out [][]byte
	for i := range n {
		sz := sizes[0]
		switch {
		case i%10 == 9:
			sz = sizes[2]
		case i%10 >= 7:
			sz = sizes[1]
		}
		img := image.NewRGBA(image.Rect(0, 0, sz[0], sz[1]))
		for y := 0; y < sz[1]; y++ {
			for x := 0; x < sz[0]; x++ {
				o := img.PixOffset(x, y)
				img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = uint8(x+i), uint8(y*2), uint8(x+y), 255
			}
		}
		for range 20 {
			x, y := r.IntN(sz[0]-40), r.IntN(sz[1]-40)
			draw.Draw(img, image.Rect(x, y, x+40, y+40), image.NewUniform(img.At(r.IntN(40), r.IntN(40))), image.Point{}, draw.Src)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			log.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}

// writeModel writes a safetensors file of size bytes: a small header and
// pseudo-random tensor bytes.
func writeModel(path string, size int64) error {
	head := []byte(`{"__metadata__":{"ss_output_name":"benchStyle"},"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var lb [8]byte
	for i := range 8 {
		lb[i] = byte(uint64(len(head)) >> (8 * i))
	}
	f.Write(lb[:])
	f.Write(head)
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 1<<20)
	for left := size - 8 - int64(len(head)); left > 0; left -= int64(len(buf)) {
		for i := 0; i < len(buf); i += 8 {
			v := r.Uint64()
			for j := range 8 {
				buf[i+j] = byte(v >> (8 * j))
			}
		}
		if _, err := f.Write(buf[:min(int64(len(buf)), left)]); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
