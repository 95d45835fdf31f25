// Command video measures vPDQ hashing against ffmpeg's bare decode, and
// vPDQ matching against a large generated bank.
//
//	go run ./bench/video decode [-runs 5] [-gen-minutes 10] [-gen-runs 2] [-gen-file PATH] [VIDEO...]
//	go run ./bench/video match [-bank 100000] [-frames 100] [-queries 1000]
//
// decode: for each video (default: the sample videos in
// ../shared/testdata/vpdq plus a generated 1080p H.264 test pattern of
// -gen-minutes minutes, made in a temporary directory and removed, or
// kept at -gen-file and reused from there when it exists), it
// times `ffmpeg -i VIDEO -f null -` and then Vibora's vPDQ at one hash a
// second, alternating, -runs times each (-gen-runs on the generated
// video), each as wall time and CPU time (ffmpeg's, from the children's
// rusage, plus this process's); it keeps each side's best run (least CPU)
// and prints the ratio, the Go side's share, the hashes per second and the
// real-time factor per core (seconds of video per CPU second). The whole
// run takes about 5 minutes of CPU on two cores with the defaults.
//
// match: a bank of -bank videos of -frames unique frame hashes each
// (random walks, consecutive frames 40 bits apart) in one index, then
// -queries query videos, half changed copies of bank videos (20 bits
// flipped per frame) and half new, matched one at a time on one goroutine;
// prints the build time, the index's size and the queries per second of
// CPU time.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/video"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: video decode|match [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "decode":
		err = decode(os.Args[2:])
	case "match":
		err = match(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "video:", err)
		os.Exit(1)
	}
}

// cpu returns this process's and its waited-for children's CPU time.
func cpu() (self, children time.Duration) {
	var s, c syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &s)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &c)
	tv := func(u syscall.Rusage) time.Duration {
		return time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	return tv(s), tv(c)
}

type timing struct {
	wall, cpu   time.Duration
	self, child time.Duration // this process's and its children's share of cpu
}

func measure(fn func() error) (timing, error) {
	s0, c0 := cpu()
	t0 := time.Now()
	err := fn()
	wall := time.Since(t0)
	s1, c1 := cpu()
	return timing{wall: wall, cpu: (s1 - s0) + (c1 - c0), self: s1 - s0, child: c1 - c0}, err
}

// best keeps the run of least CPU time.
func best(a, b timing) timing {
	if a.cpu == 0 || b.cpu < a.cpu {
		return b
	}
	return a
}

func decode(args []string) error {
	fs := flag.NewFlagSet("decode", flag.ExitOnError)
	minutes := fs.Float64("gen-minutes", 10, "length of the generated 1080p H.264 video (0: none)")
	threads := fs.Int("threads", 0, "ffmpeg decoding threads for both runs (0: ffmpeg's choice)")
	runs := fs.Int("runs", 5, "runs of each side per sample video, alternating; the best (least CPU) is kept")
	longRuns := fs.Int("gen-runs", 2, "runs of each side on the generated video")
	genFile := fs.String("gen-file", "", "keep the generated video at this path, and reuse it when it is there")
	fs.Parse(args)
	videos := fs.Args()
	if len(videos) == 0 {
		m, _ := filepath.Glob("../shared/testdata/vpdq/*.mp4")
		videos = m
	}
	gen := ""
	if *minutes > 0 {
		gen = *genFile
		if gen == "" {
			dir, err := os.MkdirTemp("", "vibora-bench-video")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			gen = filepath.Join(dir, fmt.Sprintf("testsrc-1080p-%gmin.mp4", *minutes))
		}
		if _, err := os.Stat(gen); err != nil {
			fmt.Fprintf(os.Stderr, "generating %s ...\n", gen)
			tmp := gen + ".part.mp4"
			cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
				"-i", "testsrc2=size=1920x1080:rate=30", "-t", fmt.Sprint(*minutes*60),
				"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", tmp)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			if err := os.Rename(tmp, gen); err != nil {
				return err
			}
		}
		videos = append(videos, gen)
	}
	fmt.Printf("%-30s %8s %6s %8s %8s %8s %8s %8s %7s %7s %9s %8s\n", "video", "duration", "hashes",
		"ffmpeg_s", "ffmpeg_c", "vpdq_s", "vpdq_c", "(go_c)", "ratio_w", "ratio_c", "hashes/s", "rt/core")
	opt := video.DefaultOptions()
	opt.Threads = *threads
	for _, v := range videos {
		targs := []string{"-nostdin", "-v", "error"}
		if *threads > 0 {
			targs = append(targs, "-threads", fmt.Sprint(*threads))
		}
		targs = append(targs, "-i", v, "-map", "0:V:0", "-f", "null", "-")
		n := *runs
		if v == gen {
			n = *longRuns
		}
		var base, vp timing
		var info *video.Info
		for r := 0; r < max(1, n); r++ {
			t, err := measure(func() error { return exec.Command("ffmpeg", targs...).Run() })
			if err != nil {
				return fmt.Errorf("%s: ffmpeg: %w", v, err)
			}
			base = best(base, t)
			t, err = measure(func() error {
				var err error
				info, err = video.Hash(context.Background(), v, opt)
				return err
			})
			if err != nil {
				return fmt.Errorf("%s: vpdq: %w", v, err)
			}
			vp = best(vp, t)
		}
		fmt.Printf("%-30s %7.1fs %6d %8.2f %8.2f %8.2f %8.2f %8.2f %7.2f %7.2f %9.1f %8.1f\n", filepath.Base(v), info.Duration, len(info.Frames),
			base.wall.Seconds(), base.cpu.Seconds(), vp.wall.Seconds(), vp.cpu.Seconds(), vp.self.Seconds(),
			vp.wall.Seconds()/base.wall.Seconds(), vp.cpu.Seconds()/base.cpu.Seconds(),
			float64(len(info.Frames))/vp.cpu.Seconds(), info.Duration/vp.cpu.Seconds())
	}
	fmt.Println("best of the runs (least CPU), the two sides alternating; _s: wall seconds; _c: CPU seconds (process + children);")
	fmt.Println("go_c: the vPDQ side's own (Go: pipe reads and PDQ) share of vpdq_c, the rest is ffprobe and ffmpeg;")
	fmt.Println("ratio: vpdq / ffmpeg -f null; hashes/s and rt/core (seconds of video) per CPU second")
	return nil
}

func walk(r *rand.Rand, n, step int) []pdq.Hash {
	var h pdq.Hash
	for i := range h {
		h[i] = byte(r.Uint32())
	}
	out := make([]pdq.Hash, n)
	for i := range out {
		for j := 0; j < step; j++ {
			k := r.IntN(256)
			h[k/8] ^= 1 << (k % 8)
		}
		out[i] = h
	}
	return out
}

func match(args []string) error {
	fs := flag.NewFlagSet("match", flag.ExitOnError)
	nBank := fs.Int("bank", 100_000, "videos in the bank")
	nFrames := fs.Int("frames", 100, "unique frame hashes per video")
	nQueries := fs.Int("queries", 1000, "query videos (half copies, half new)")
	fs.Parse(args)
	r := rand.New(rand.NewPCG(7, 11))
	bank := make([][]pdq.Hash, *nBank)
	for i := range bank {
		bank[i] = walk(r, *nFrames, 40)
	}
	t0 := time.Now()
	x, err := video.NewIndex(bank)
	if err != nil {
		return err
	}
	build := time.Since(t0)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("bank: %d videos, %d frame hashes; index built in %.1fs; heap %.0f MiB\n", x.Videos(), x.Frames(), build.Seconds(), float64(ms.HeapAlloc)/(1<<20))

	queries := make([][]pdq.Hash, *nQueries)
	want := make([]int, *nQueries)
	for i := range queries {
		if i%2 == 0 {
			v := r.IntN(len(bank))
			q := append([]pdq.Hash(nil), bank[v]...)
			for f := range q {
				for j := 0; j < 20; j++ {
					k := r.IntN(256)
					q[f][k/8] ^= 1 << (k % 8)
				}
			}
			queries[i], want[i] = q, v
		} else {
			queries[i], want[i] = walk(r, *nFrames, 40), -1
		}
	}
	runtime.GOMAXPROCS(1)
	opt := video.DefaultMatchOptions()
	found, wrong := 0, 0
	t, _ := measure(func() error {
		for i, q := range queries {
			ms := x.Search(q, opt)
			switch {
			case want[i] >= 0 && len(ms) > 0 && ms[0].Video == want[i]:
				found++
			case want[i] < 0 && len(ms) == 0:
			default:
				wrong++
			}
		}
		return nil
	})
	fmt.Printf("queries: %d (%d frames each) in %.2fs wall, %.2fs CPU on one core: %.0f queries/s per core (%.2f ms each); copies found %d of %d, wrong %d\n",
		len(queries), *nFrames, t.wall.Seconds(), t.cpu.Seconds(), float64(len(queries))/t.cpu.Seconds(),
		1000*t.cpu.Seconds()/float64(len(queries)), found, (len(queries)+1)/2, wrong)
	return nil
}
