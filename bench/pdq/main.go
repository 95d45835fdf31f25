// Command pdq measures PDQ hashing throughput on one core and, on the
// reference set, agreement with Meta's C++ pdq-photo-hasher.
//
//	go run ./bench/pdq [-exact] [-stdlib] [-digests] [-n ROUNDS] [-cpuprofile FILE] [DIR]
//	go run ./bench/pdq -synthetic [-digests]
//	go run ./bench/pdq -write DIR
//
// DIR defaults to the shared reference set
// (../shared/testdata/pdq/images next to the repository). When DIR holds
// expected-cpp.csv (or its parent does), the program also prints the mean
// and max Hamming distance to the expected hashes. With -digests every
// image is also given MD5, SHA-1 and SHA-256 first, as vibora hash does, so
// the time per image is what vibora hash spends on it (without reading the
// file and starting the process).
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/hashing"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

func main() {
	exact := flag.Bool("exact", false, "decode large JPEGs the libjpeg-exact way (Options.ExactJPEG)")
	stdlib := flag.Bool("stdlib", false, "decode with the standard library (image/jpeg etc.) then pdq.FromImage")
	rounds := flag.Int("n", 3, "timing rounds over the whole directory")
	synth := flag.Bool("synthetic", false, "benchmark generated photo-like JPEGs (quality 90) and PNGs of 1600x1200 to 4032x3024 instead of DIR")
	flag.BoolVar(&withDigests, "digests", false, "also compute MD5, SHA-1 and SHA-256 of each image (as vibora hash does)")
	write := flag.String("write", "", "write the generated photo-like JPEGs (and PNGs) of -synthetic into this directory and exit")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the timed rounds to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "pdq bench:", err)
			os.Exit(1)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	if *write != "" {
		if err := writeSynthetic(*write); err != nil {
			fmt.Fprintln(os.Stderr, "pdq bench:", err)
			os.Exit(1)
		}
		return
	}
	runtime.GOMAXPROCS(1)
	dir := "../shared/testdata/pdq/images"
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	if *synth {
		if err := runSynthetic(*exact, *stdlib, *rounds); err != nil {
			fmt.Fprintln(os.Stderr, "pdq bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(dir, *exact, *stdlib, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "pdq bench:", err)
		os.Exit(1)
	}
}

// withDigests makes every timed image pay for its three digests too.
var withDigests bool

var digester = hashing.NewHasher()

// digest computes the three digests of d when -digests is set.
func digest(d []byte) {
	if !withDigests {
		return
	}
	if _, err := digester.Sum(bytes.NewReader(d)); err != nil {
		panic(err) // a bytes.Reader does not fail
	}
}

type item struct {
	name string
	data []byte
}

func run(dir string, exact, stdlib bool, rounds int) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var items []item
	for _, e := range ents {
		if e.IsDir() || pdq.Sniff(head(filepath.Join(dir, e.Name()))) == "" {
			continue
		}
		d, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		items = append(items, item{e.Name(), d})
	}
	if len(items) == 0 {
		return fmt.Errorf("no images in %s", dir)
	}
	opt := pdq.Options{ExactJPEG: exact}
	hashOne := func(d []byte) (pdq.Result, error) {
		if stdlib && pdq.Sniff(d) == "jpeg" {
			img, err := jpeg.Decode(bytes.NewReader(d))
			if err != nil {
				return pdq.Result{}, err
			}
			return pdq.FromImage(img, opt)
		}
		digest(d)
		return pdq.FromBytes(d, opt)
	}
	results := map[string]pdq.Result{}
	perFile := map[string]time.Duration{}
	perFileCPU := map[string]time.Duration{}
	var total, totalCPU time.Duration
	var bytesN int
	for r := 0; r < rounds; r++ {
		for _, it := range items {
			t0, c0 := time.Now(), cputime.Process()
			res, err := hashOne(it.data)
			el, cel := time.Since(t0), cputime.Process()-c0
			if err != nil {
				fmt.Printf("%-28s error: %v\n", it.name, err)
				continue
			}
			results[it.name] = res
			if r > 0 || rounds == 1 { // first round warms up
				perFile[it.name] += el
				perFileCPU[it.name] += cel
				total += el
				totalCPU += cel
				bytesN += len(it.data)
			}
		}
	}
	n := rounds - 1
	if rounds == 1 {
		n = 1
	}
	mode := "fast"
	if withDigests {
		mode = "digests+fast"
	}
	if exact {
		mode = "exact-jpeg"
	}
	if stdlib {
		mode = "stdlib-decoders"
	}
	fmt.Printf("mode %s, GOMAXPROCS=1, %d images x %d timed rounds\n", mode, len(items), n)
	names := make([]string, 0, len(items))
	for _, it := range items {
		names = append(names, it.name)
	}
	sort.Strings(names)
	expected := loadExpected(dir)
	var sumD, maxD, cnt, sumJ, cntJ, maxJ50 int
	fmt.Printf("%-28s %10s %9s %9s %8s %s\n", "file", "size", "ms wall", "ms cpu", "quality", "distance")
	var jpegCPU time.Duration
	jpegN := 0
	for _, nm := range names {
		res, ok := results[nm]
		if !ok {
			continue
		}
		ms := float64(perFile[nm].Microseconds()) / 1000 / float64(n)
		msCPU := float64(perFileCPU[nm].Microseconds()) / 1000 / float64(n)
		if res.Format == "jpeg" {
			jpegCPU += perFileCPU[nm]
			jpegN += n
		}
		dist := "-"
		if exp, ok := expected[nm]; ok {
			d := pdq.Distance(res.Hash, exp.hash)
			dist = fmt.Sprint(d)
			sumD += d
			cnt++
			maxD = max(maxD, d)
			if strings.HasSuffix(nm, ".jpg") {
				sumJ += d
				cntJ++
				if exp.quality >= 50 {
					maxJ50 = max(maxJ50, d)
				}
			}
		}
		fmt.Printf("%-28s %4dx%-5d %9.2f %9.2f %8d %s\n", nm, res.Width, res.Height, ms, msCPU, res.Quality, dist)
	}
	imgs := float64(len(items) * n)
	fmt.Printf("\nthroughput: %.1f images/s, %.2f ms/image, %.1f MB/s (one core, wall clock)\n",
		imgs/total.Seconds(), total.Seconds()*1000/imgs, float64(bytesN)/total.Seconds()/1e6)
	fmt.Printf("cpu time:   %.1f images/s, %.2f ms/image (process CPU time, robust to a loaded machine)\n",
		imgs/totalCPU.Seconds(), totalCPU.Seconds()*1000/imgs)
	if jpegN > 0 {
		fmt.Printf("JPEG only:  %.1f images/s, %.2f ms/image (CPU time)\n", float64(jpegN)/jpegCPU.Seconds(), jpegCPU.Seconds()*1000/float64(jpegN))
	}
	if cnt > 0 {
		fmt.Printf("agreement vs expected-cpp: %d images, mean %.3f bits, max %d", cnt, float64(sumD)/float64(cnt), maxD)
		if cntJ > 0 {
			fmt.Printf("; JPEG mean %.3f bits, JPEG max at reference quality>=50: %d", float64(sumJ)/float64(cntJ), maxJ50)
		}
		fmt.Println()
	}
	return nil
}

func head(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, 16)
	n, _ := f.Read(b)
	return b[:n]
}

type exp struct {
	hash    pdq.Hash
	quality int
}

func loadExpected(dir string) map[string]exp {
	out := map[string]exp{}
	for _, p := range []string{
		filepath.Join(dir, "expected-cpp.csv"), filepath.Join(dir, "..", "expected-cpp.csv"),
		filepath.Join(dir, "expected-cpp-synthetic.csv"), filepath.Join(dir, "..", "expected-cpp-synthetic.csv"),
	} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		recs, _ := csv.NewReader(f).ReadAll()
		f.Close()
		for i, r := range recs {
			if i == 0 || len(r) < 3 {
				continue
			}
			h, err := pdq.ParseHex(r[0])
			if err != nil {
				continue
			}
			var q int
			fmt.Sscan(r[1], &q)
			if _, dup := out[r[2]]; !dup {
				out[r[2]] = exp{h, q}
			}
		}
	}
	return out
}
