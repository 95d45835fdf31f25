// Command hashing hashes files with internal/hashing the way the ingest
// pipeline does (MD5, SHA-1 and SHA-256 in one read, all CPUs busy) and
// prints throughput, for comparison with hashdeep (see run.sh).
//
//	go run ./bench/hashing [-lines] PATH...
//	go run ./bench/hashing -limit
//
// PATHs are files or directories (walked recursively, symlinks not
// followed). With -lines it also prints one hashdeep-style line per file
// (size,md5,sha1,sha256,path) so run.sh can check that both tools agree.
// With -limit it measures the speed limit the hash functions themselves
// set on this machine (see printLimit).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/vibora-project/vibora/internal/hashing"
)

func main() {
	lines := flag.Bool("lines", false, "print size,md5,sha1,sha256,path per file")
	limit := flag.Bool("limit", false, "measure MD5 and SHA-1+SHA-256 speeds in memory and print the two-core limit, then exit")
	flag.Parse()
	if *limit {
		printLimit(3)
		return
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: hashing [-lines] PATH...")
		os.Exit(2)
	}
	var files []string
	for _, root := range flag.Args() {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "hashing:", err)
			os.Exit(1)
		}
	}

	start := time.Now()
	workers := runtime.GOMAXPROCS(0)
	// With fewer files than CPUs, let each Hasher use a second goroutine
	// for MD5; otherwise the files themselves keep every CPU busy.
	parallel := len(files) < workers
	results := make([]string, len(files))
	var total int64
	var mu sync.Mutex
	var failed bool
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			h := hashing.NewHasher()
			h.SetParallel(parallel)
			for i := range next {
				f, err := os.Open(files[i])
				if err != nil {
					fmt.Fprintln(os.Stderr, "hashing:", err)
					mu.Lock()
					failed = true
					mu.Unlock()
					continue
				}
				d, err := h.Sum(f)
				f.Close()
				if err != nil {
					fmt.Fprintf(os.Stderr, "hashing: %s: %v\n", files[i], err)
					mu.Lock()
					failed = true
					mu.Unlock()
					continue
				}
				results[i] = d.String() + "," + files[i]
				mu.Lock()
				total += d.Size
				mu.Unlock()
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)

	if *lines {
		sort.Strings(results)
		w := bufio.NewWriter(os.Stdout)
		for _, l := range results {
			if l != "" {
				fmt.Fprintln(w, l)
			}
		}
		w.Flush()
	}
	fmt.Fprintf(os.Stderr, "files=%d bytes=%d seconds=%.3f MB/s=%.1f workers=%d\n",
		len(files), total, elapsed.Seconds(), float64(total)/1e6/elapsed.Seconds(), workers)
	if failed {
		os.Exit(1)
	}
}
