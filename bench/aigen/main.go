// Command aigen measures what AI-generation support costs (docs/ai.md):
// the share of per-file ingest CPU time that reading generator metadata
// adds on synthetic photos, and the rate of hashing a model file with
// every generator hash in one read against the slowest hash alone.
//
//	go run ./bench/aigen [-n 300] [-model-size 2147483648] [-rounds 3] [-dir DIR]
//
// It prints CPU times (user+system of the process: the machine may be
// shared, so CPU time is the figure to compare) and wall rates. For the
// model file (page-cached after a first read) each round times SHA-256
// alone on one goroutine (the slowest hash), BLAKE3 alone, then every
// hash in one read (modelfile.Hash), and prints ratio_wall = SHA-256
// alone's wall time / every hash's: issue 15 asks for at least 0.80. On a
// quiet machine, the model part only:
//
//	go run ./bench/aigen -n 0
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"hash"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/zeebo/blake3"

	"github.com/vibora-project/vibora/internal/aigen"
	"github.com/vibora-project/vibora/internal/aigen/modelfile"
	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/evidence"
)

func main() {
	n := flag.Int("n", 300, "synthetic photos")
	modelSize := flag.Int64("model-size", 2<<30, "bytes of the synthetic safetensors file (0: skip)")
	rounds := flag.Int("rounds", 3, "rounds of the model file timings")
	dir := flag.String("dir", "", "where to write the model file (default: a temporary directory)")
	flag.Parse()
	runtime.GOMAXPROCS(1) // per-file work is measured on one core
	photos := generate(*n)
	var total int64
	for _, p := range photos {
		total += int64(len(p))
	}
	if *n > 0 {
		photoShare(photos, total)
	}
	if *modelSize > 0 {
		modelHashes(*modelSize, *rounds, *dir)
	}
}

func photoShare(photos [][]byte, total int64) {
	proc := evidence.NewProcessor(evidence.ProcessOptions{PDQ: true})
	c0 := cputime.Process()
	for _, p := range photos {
		var r evidence.Result
		proc.Process(bytes.NewReader(p), &r)
	}
	process := cputime.Process() - c0
	const rounds = 20
	c0 = cputime.Process()
	for range rounds {
		for _, p := range photos {
			aigen.Read(p)
		}
	}
	meta := (cputime.Process() - c0) / rounds
	fmt.Printf("photos=%d bytes=%d process_cpu_s=%.3f metadata_cpu_s=%.5f metadata_share=%.3f%%\n",
		len(photos), total, process.Seconds(), meta.Seconds(), 100*meta.Seconds()/(process-meta).Seconds())
	// The same photos as RGBA PNGs (one translucent pixel, so the encoder
	// writes colour type 6): the stealth probe runs on each.
	var pngs [][]byte
	total = 0
	for _, p := range photos[:max(1, len(photos)/5)] {
		img, err := jpeg.Decode(bytes.NewReader(p))
		if err != nil {
			log.Fatal(err)
		}
		rgba := image.NewNRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
		rgba.Pix[3] = 200
		var buf bytes.Buffer
		if err := png.Encode(&buf, rgba); err != nil {
			log.Fatal(err)
		}
		pngs = append(pngs, buf.Bytes())
		total += int64(buf.Len())
	}
	c0 = cputime.Process()
	for _, p := range pngs {
		var r evidence.Result
		proc.Process(bytes.NewReader(p), &r)
	}
	process = cputime.Process() - c0
	c0 = cputime.Process()
	for range rounds {
		for _, p := range pngs {
			aigen.Read(p)
		}
	}
	meta = (cputime.Process() - c0) / rounds
	fmt.Printf("rgba_pngs=%d bytes=%d process_cpu_s=%.3f metadata_cpu_s=%.5f metadata_share=%.3f%%\n",
		len(pngs), total, process.Seconds(), meta.Seconds(), 100*meta.Seconds()/(process-meta).Seconds())
}

func modelHashes(size int64, rounds int, d string) {
	runtime.GOMAXPROCS(runtime.NumCPU())
	if d == "" {
		var err error
		if d, err = os.MkdirTemp("", "vibora-aigen-bench"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
	}
	path := filepath.Join(d, "synthetic.safetensors")
	if err := writeModel(path, size); err != nil {
		log.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	measure := func(name string, fn func(io.Reader)) (wall, cpus float64) {
		f, err := os.Open(path)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		c, w := cputime.Process(), time.Now()
		fn(f)
		cpus, wall = (cputime.Process() - c).Seconds(), time.Since(w).Seconds()
		mb := float64(size) / (1 << 20)
		fmt.Printf("%s bytes=%d wall_s=%.2f cpu_s=%.2f wall_mb_per_s=%.0f cpu_mb_per_s=%.0f\n", name, size, wall, cpus, mb/wall, mb/cpus)
		return wall, cpus
	}
	// The yardsticks read in 1 MiB pieces, as the Hasher does.
	alone := func(h hash.Hash) func(io.Reader) {
		return func(r io.Reader) { io.CopyBuffer(h, struct{ io.Reader }{r}, buf); h.Sum(nil) }
	}
	fmt.Printf("cpus=%d\n", runtime.NumCPU())
	measure("read", func(r io.Reader) { io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf) }) // warm the page cache
	for i := range rounds {
		sw, sc := measure("sha256_alone", alone(sha256.New()))
		measure("blake3_alone", alone(blake3.New()))
		aw, ac := measure("all_hashes", func(r io.Reader) {
			if _, err := modelfile.Hash(r); err != nil {
				log.Fatal(err)
			}
		})
		fmt.Printf("round=%d ratio_wall=%.2f all_cpu_over_sha256_cpu=%.2f\n", i+1, sw/aw, ac/sc)
	}
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
