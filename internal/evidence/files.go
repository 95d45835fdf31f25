package evidence

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
)

// ListFiles expands paths (files and directories, recursively) into a
// sorted list of regular files. Entries that are not regular files
// (symlinks, devices, sockets) are returned as results with a warning or an
// error rather than opened: reading a FIFO would hang the job.
func ListFiles(paths []string) (files []string, odd []Result, err error) {
	for _, root := range paths {
		st, err := os.Lstat(root)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", root, err)
		}
		if !st.IsDir() {
			if st.Mode().IsRegular() {
				files = append(files, root)
			} else {
				odd = append(odd, oddResult(root, st))
			}
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				odd = append(odd, Result{Path: p, Err: err.Error()})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, p)
				return nil
			}
			info, err := d.Info()
			if err != nil {
				odd = append(odd, Result{Path: p, Err: err.Error()})
				return nil
			}
			odd = append(odd, oddResult(p, info))
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(files)
	return files, odd, nil
}

func oddResult(path string, st fs.FileInfo) Result {
	r := Result{Path: path, ModTime: st.ModTime()}
	switch m := st.Mode(); {
	case m&fs.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		r.Warnings = append(r.Warnings, fmt.Sprintf("symlink to %q not followed", target))
	default:
		r.Err = fmt.Sprintf("not a regular file (%s): not read", m.Type())
	}
	return r
}

// HashFiles processes files on workers goroutines (0: every core) and calls
// fn with each result in the order of files.
func HashFiles(ctx context.Context, files []string, opt ProcessOptions, workers int, fn func(Result) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		i    int
		path string
	}
	jobs := make(chan job)
	results := make(chan struct {
		i int
		r Result
	}, workers*2)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := NewProcessor(opt)
			p.SetParallel(workers == 1)
			for j := range jobs {
				results <- struct {
					i int
					r Result
				}{j.i, hashPath(p, j.path)}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i, f := range files {
			select {
			case jobs <- job{i, f}:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	// Re-order: emit results in input order with a bounded window.
	pending := map[int]Result{}
	next := 0
	var ferr error
	for r := range results {
		pending[r.i] = r.r
		for {
			res, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if ferr == nil {
				ferr = fn(res)
			}
		}
	}
	if ferr != nil {
		return ferr
	}
	return ctx.Err()
}

func hashPath(p *Processor, path string) Result {
	res := Result{Path: path}
	f, err := openReadOnly(path)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		res.Size, res.ModTime = st.Size(), st.ModTime()
	}
	p.Process(f, &res)
	return res
}

// openReadOnly opens an evidence file for reading only.
func openReadOnly(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY, 0)
}
