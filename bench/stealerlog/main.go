// Command stealerlog measures the stealer-log scanner: ULP scanning with
// watchlist matching against grep -F -f on the same file, and victim
// folder scanning.
//
//	go run ./bench/stealerlog                 # 2 GB ULP, 10,000 entries, 2,000 folders
//	go run ./bench/stealerlog -size 256M -folders 100000
//
// Everything is generated in a temporary folder (removed unless -keep);
// every value is synthetic.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/stealerlog"
	"github.com/vibora-project/vibora/internal/stealerlog/synth"
	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "stealerlog bench: error:", err)
		os.Exit(1)
	}
}

func run() error {
	sizeFlag := flag.String("size", "2G", "ULP file size (K, M, G suffixes)")
	entries := flag.Int("entries", 10000, "watchlist entries")
	folders := flag.Int("folders", 2000, "victim folders to generate and scan (0 to skip)")
	dir := flag.String("dir", "", "work folder (default: a new temporary folder)")
	keep := flag.Bool("keep", false, "keep the generated files")
	noGrep := flag.Bool("nogrep", false, "skip the grep comparison")
	flag.Parse()
	size, err := parseSize(*sizeFlag)
	if err != nil {
		return err
	}
	work := *dir
	if work == "" {
		if work, err = os.MkdirTemp("", "vibora-stealerlog-bench-"); err != nil {
			return err
		}
		if !*keep {
			defer os.RemoveAll(work)
		}
	}
	fmt.Printf("work folder: %s\nGOMAXPROCS for the scan: 1; cpus: %d; %s %s/%s\n", work, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)

	// Watchlist and ULP file.
	domains := synth.WatchlistDomains(*entries)
	wlPath := filepath.Join(work, "watchlist.txt")
	if err := os.WriteFile(wlPath, []byte(strings.Join(domains, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	ulpPath := filepath.Join(work, "combo.txt")
	t0 := time.Now()
	n, err := writeULP(ulpPath, size, domains)
	if err != nil {
		return err
	}
	fmt.Printf("generated %s ULP (%d bytes) and %d-entry watchlist in %v\n", *sizeFlag, n, *entries, time.Since(t0).Round(time.Millisecond))
	wf, err := os.Open(wlPath)
	if err != nil {
		return err
	}
	wl, err := watchlist.Parse(wf, wlPath)
	wf.Close()
	if err != nil {
		return err
	}
	// Warm the page cache so that every contender reads from memory.
	if err := readAll(ulpPath); err != nil {
		return err
	}

	prev := runtime.GOMAXPROCS(1)
	cpu0 := cputime.Process()
	f, err := os.Open(ulpPath)
	if err != nil {
		return err
	}
	var hits int64
	st, err := stealerlog.ScanULP(context.Background(), f, ulpPath, wl, stealerlog.ULPOptions{}, func(stealerlog.ULPHit) error {
		hits++
		return nil
	})
	f.Close()
	scanCPU := cputime.Process() - cpu0
	runtime.GOMAXPROCS(prev)
	if err != nil {
		return err
	}
	scanMBs := mbps(st.Bytes, scanCPU)
	fmt.Printf("\n%-38s %9s %9s %9s\n", "", "MB/s-cpu", "MB/s-wall", "ratio-cpu")
	fmt.Printf("%-38s %9.1f %9.1f %9s  cpu %v wall %v lines %d hits %d rejected %d\n", "ScanULP (GOMAXPROCS 1):", scanMBs, mbps(st.Bytes, st.Elapsed), "1.00",
		scanCPU.Round(time.Millisecond), st.Elapsed.Round(time.Millisecond), st.Lines, hits, st.Rejected)

	if !*noGrep {
		for _, g := range []struct {
			label string
			env   []string
			args  []string
		}{
			{"grep -F -f wl FILE >/dev/null", nil, []string{"-F", "-f", wlPath, ulpPath}},
			{"LC_ALL=C grep -F -f wl FILE >/dev/null", []string{"LC_ALL=C"}, []string{"-F", "-f", wlPath, ulpPath}},
			{"grep -c -F -f wl FILE", nil, []string{"-c", "-F", "-f", wlPath, ulpPath}},
			{"LC_ALL=C grep -c -F -f wl FILE", []string{"LC_ALL=C"}, []string{"-c", "-F", "-f", wlPath, ulpPath}},
		} {
			d, cpu, out, err := timeGrep(g.env, g.args)
			if err != nil {
				fmt.Printf("%-38s error: %v\n", g.label+":", err)
				continue
			}
			fmt.Printf("%-38s %9.1f %9.1f %9.2f  cpu %v wall %v %s\n", g.label+":", mbps(n, cpu), mbps(n, d), scanMBs/mbps(n, cpu),
				cpu.Round(time.Millisecond), d.Round(time.Millisecond), out)
		}
		fmt.Println("MB/s-cpu divides by user+system CPU time (robust on a shared machine); ratio-cpu = ScanULP MB/s-cpu / this line's.")
		fmt.Println("note: GNU grep stops at the first match when stdout is /dev/null; the -c runs read the whole file.")
	}

	if *folders > 0 {
		root := filepath.Join(work, "folders")
		t0 = time.Now()
		err := synth.VictimFolders(*folders, 1, domains, func(name string, data []byte) error {
			p := filepath.Join(root, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			return os.WriteFile(p, data, 0o644)
		})
		if err != nil {
			return err
		}
		fmt.Printf("\ngenerated %d victim folders in %v\n", *folders, time.Since(t0).Round(time.Millisecond))
		for _, procs := range []int{1, runtime.NumCPU()} {
			prev := runtime.GOMAXPROCS(procs)
			var profiles int
			c0 := cputime.Process()
			sst, err := stealerlog.Scan(context.Background(), os.DirFS(root), wl, stealerlog.ScanOptions{}, func(*stealerlog.Profile) error {
				profiles++
				return nil
			})
			c := cputime.Process() - c0
			runtime.GOMAXPROCS(prev)
			if err != nil {
				return err
			}
			fmt.Printf("Scan (GOMAXPROCS %d): %8.0f folders/s-cpu %8.0f folders/s-wall  cpu %v wall %v  logs %d  with hits %d  credentials %d  cookies %d\n",
				procs, float64(sst.Logs)/c.Seconds(), float64(sst.Logs)/sst.Elapsed.Seconds(), c.Round(time.Millisecond), sst.Elapsed.Round(time.Millisecond), sst.Logs, profiles, sst.Credentials, sst.Cookies)
		}
	}
	return nil
}

func writeULP(path string, size int64, domains []string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := synth.NewRand(1)
	var n int64
	buf := make([]byte, 0, 1<<16)
	for n < size {
		buf = buf[:0]
		for len(buf) < 1<<16-256 {
			buf = synth.AppendULPLine(buf, rng, domains)
		}
		m, err := w.Write(buf)
		n += int64(m)
		if err != nil {
			f.Close()
			return n, err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return n, err
	}
	return n, f.Close()
}

func readAll(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

func timeGrep(env, args []string) (time.Duration, time.Duration, string, error) {
	cmd := exec.Command("grep", args...)
	cmd.Env = append(os.Environ(), env...)
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return 0, 0, "", err
	}
	defer devnull.Close()
	var out strings.Builder
	if args[0] == "-c" {
		cmd.Stdout = &out
	} else {
		cmd.Stdout = devnull
	}
	t0 := time.Now()
	err = cmd.Run()
	d := time.Since(t0)
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		err = nil // no match
	}
	res := strings.TrimSpace(out.String())
	if res != "" {
		res = "matches " + res
	}
	var cpu time.Duration
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if cpu <= 0 {
		cpu = d
	}
	return d, cpu, res, err
}

func mbps(n int64, d time.Duration) float64 {
	return float64(n) / 1e6 / d.Seconds()
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad -size %q", s)
	}
	return v * mult, nil
}
