// Command ingest measures the full ingest pipeline (walk, MD5+SHA-1+SHA-256,
// media type, PDQ, matching, storage) on generated synthetic images.
//
//	go run ./bench/ingest [-n 20000] [-dir DIR] [-crypto-only] [-db DSN]
//
// It generates DIR (reused when it already holds the files), ingests it
// into a fresh store and prints one line:
//
//	files=... bytes=... seconds=... files_per_s=... mb_per_s=... peak_rss_mb=...
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
)

func main() {
	n := flag.Int("n", 20000, "number of images")
	dir := flag.String("dir", "", "evidence directory (default: a temporary one, generated)")
	cryptoOnly := flag.Bool("crypto-only", false, "digests and media type only (no PDQ)")
	dsn := flag.String("db", "", "store (default: a temporary SQLite file)")
	genOnly := flag.Bool("generate-only", false, "only generate the images")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the ingest")
	flag.Parse()
	if *dir == "" {
		*dir = filepath.Join(os.TempDir(), fmt.Sprintf("vibora-bench-ingest-%d", *n))
	}
	if err := generate(*dir, *n); err != nil {
		log.Fatal(err)
	}
	if *genOnly {
		fmt.Println("dir=" + *dir)
		return
	}
	if *dsn == "" {
		tmp, err := os.MkdirTemp("", "vibora-bench-db-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		*dsn = filepath.Join(tmp, "bench.db")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	s := investigation.New(db, "bench")
	if _, err := s.CreateCase(ctx, investigation.Case{Name: "bench"}); err != nil {
		log.Fatal(err)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	rep, err := s.Ingest(ctx, "bench", investigation.IngestOptions{Exhibit: "E1", Paths: []string{*dir}, CryptoOnly: *cryptoOnly})
	if err != nil {
		log.Fatal(err)
	}
	sec := time.Since(start).Seconds()
	fmt.Printf("files=%d bytes=%d seconds=%.2f files_per_s=%.0f mb_per_s=%.1f peak_rss_mb=%.0f crypto_only=%v gomaxprocs=%d\n",
		rep.Files, rep.Bytes, sec, float64(rep.Files)/sec, float64(rep.Bytes)/1e6/sec, peakRSS(), *cryptoOnly, runtime.GOMAXPROCS(0))
}

// generate writes n distinct synthetic JPEGs of mixed sizes (70% 640x480,
// 20% 1024x768, 10% 1600x1200) under dir, reusing what is there.
func generate(dir string, n int) error {
	if fi, err := os.ReadDir(filepath.Join(dir, "done")); err == nil && len(fi) == 1 && fi[0].Name() == fmt.Sprint(n) {
		return nil
	}
	os.RemoveAll(dir)
	sizes := [][2]int{{640, 480}, {1024, 768}, {1600, 1200}}
	var bases [3][]*image.RGBA
	for si, sz := range sizes {
		for b := 0; b < 8; b++ {
			bases[si] = append(bases[si], demo.Picture{Seed: uint64(1000*si + b), Width: sz[0], Height: sz[1]}.Render())
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, runtime.GOMAXPROCS(0))
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for i := range next {
				r := rand.New(rand.NewPCG(uint64(i), 7))
				si := 0
				switch p := r.IntN(10); {
				case p == 9:
					si = 2
				case p >= 7:
					si = 1
				}
				base := bases[si][r.IntN(8)]
				img := image.NewRGBA(base.Bounds())
				copy(img.Pix, base.Pix)
				// A small random patch makes every file distinct.
				x, y := r.IntN(img.Rect.Dx()-40), r.IntN(img.Rect.Dy()-40)
				draw.Draw(img, image.Rect(x, y, x+40, y+40), image.NewUniform(img.At(r.IntN(40), r.IntN(40))), image.Point{}, draw.Src)
				buf.Reset()
				if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70 + r.IntN(26)}); err != nil {
					errs <- err
					return
				}
				p := filepath.Join(dir, fmt.Sprintf("d%03d", i%500), fmt.Sprintf("IMG_%06d.jpg", i))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	os.MkdirAll(filepath.Join(dir, "done"), 0o755)
	return os.WriteFile(filepath.Join(dir, "done", fmt.Sprint(n)), nil, 0o644)
}

// peakRSS reads VmHWM from /proc/self/status (Linux), in MB.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
