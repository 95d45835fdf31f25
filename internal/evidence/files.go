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

	"github.com/vibora-project/vibora/internal/evidence/source"
)

// ListFiles expands paths (files and directories, recursively) into a
// sorted list of regular files. It reads the evidence as ingest does
// (source.ReadDir, source.OpenFile): directories are listed and files
// opened without changing access times, and a file is never opened
// through a symlink. Entries that are not regular files (symlinks,
// devices, FIFOs, sockets) are returned as results with a warning or an
// error rather than opened: reading a FIFO would hang the job. A path
// given that is itself a symlink is reported, not followed.
func ListFiles(paths []string) (files []string, odd []Result, err error) {
	for _, root := range paths {
		st, err := os.Lstat(root)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", root, err)
		}
		switch {
		case st.IsDir():
			listDir(root, &files, &odd)
		case st.Mode().IsRegular():
			files = append(files, root)
		default:
			odd = append(odd, oddResult(root, st))
		}
	}
	sort.Strings(files)
	return files, odd, nil
}

// listDir adds the files under dir, in name order.
func listDir(dir string, files *[]string, odd *[]Result) {
	entries, err := source.ReadDir(dir)
	if err != nil {
		*odd = append(*odd, Result{Path: dir, Err: err.Error()})
		return
	}
	for _, d := range entries {
		p := filepath.Join(dir, d.Name())
		switch {
		case d.IsDir():
			listDir(p, files, odd)
		case d.Type().IsRegular():
			*files = append(*files, p)
		default:
			st, err := d.Info()
			if err != nil {
				*odd = append(*odd, Result{Path: p, Err: err.Error()})
				continue
			}
			*odd = append(*odd, oddResult(p, st))
		}
	}
}

// oddResult reports an entry that is not read. A symlink's target is not
// read either (readlink would change the link's access time).
func oddResult(path string, st fs.FileInfo) Result {
	r := Result{Path: path, ModTime: st.ModTime()}
	switch m := st.Mode(); {
	case m&fs.ModeSymlink != 0:
		r.Warnings = append(r.Warnings, "symlink not followed")
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
				}{j.i, hashPath(ctx, p, opt, j.path)}
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

func hashPath(ctx context.Context, p *Processor, opt ProcessOptions, path string) Result {
	res := Result{Path: path}
	f, err := source.OpenFile(path)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		res.Size, res.ModTime = st.Size(), st.ModTime()
	}
	p.Process(f, &res)
	hashVideo(ctx, opt, path, &res)
	return res
}
