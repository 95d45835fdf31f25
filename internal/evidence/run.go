package evidence

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/vibora-project/vibora/internal/evidence/source"
)

// RunOptions control a walk over evidence sources.
type RunOptions struct {
	Process ProcessOptions
	Source  source.Options
	// Workers hash and PDQ-hash in parallel (0: every core).
	Workers int
	// MaxBuffered is the largest file handed to a worker as an in-memory
	// copy (0: 16 MiB); larger files are processed as they are read, on
	// the walking goroutine. Memory therefore stays under about
	// (2*Workers+1)*MaxBuffered plus PDQ's image buffers, whatever the
	// size of the evidence.
	MaxBuffered int64
	// Skip reports paths already done (a resumed or repeated ingest).
	Skip func(path string) bool
}

// Item is a Result plus where it came from.
type Item struct {
	Result
	Root   string // the root given to Run
	OSPath string // the file on disk, for entries not inside an archive
	Depth  int    // archives the entry is inside
}

// Run walks every root (directories, files, archives, nested archives) and
// calls fn for each file with what it yielded. fn is called from one
// goroutine, in no particular order. Problems with the evidence are
// recorded on results; Run returns an error only when a root cannot be
// examined at all, ctx is cancelled, or fn fails.
func Run(ctx context.Context, roots []string, opt RunOptions, fn func(Item) error) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	maxBuf := opt.MaxBuffered
	if maxBuf <= 0 {
		maxBuf = 16 << 20
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type job struct {
		item Item
		data []byte                        // an archive member's bytes, or
		open func() (io.ReadCloser, error) // a file on disk, read by the worker
	}
	jobs := make(chan job, workers)
	// Results are small; a deep queue lets workers go on hashing while the
	// consumer writes a batch to the store.
	items := make(chan Item, 1024)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := NewProcessor(opt.Process)
			p.SetParallel(false)
			for j := range jobs {
				if j.open != nil {
					rc, err := j.open()
					if err != nil {
						j.item.Err = cmp.Or(j.item.Err, err.Error())
					} else {
						p.Process(rc, &j.item.Result)
						rc.Close()
					}
				} else {
					p.Process(bytes.NewReader(j.data), &j.item.Result)
				}
				items <- j.item
			}
		}()
	}

	// The walker: entries are only readable during the callback, so it
	// reads small files into memory for the workers and processes large
	// ones itself.
	walkErr := make(chan error, 1)
	go func() {
		defer func() { close(jobs); wg.Wait(); close(items) }()
		inline := NewProcessor(opt.Process)
		for _, root := range roots {
			base := filepath.Base(filepath.Clean(root))
			err := source.Walk(ctx, root, opt.Source, func(e source.Entry) error {
				if opt.Skip != nil && opt.Skip(e.Path) {
					return nil
				}
				it := Item{Root: root, Depth: e.Depth, Result: Result{Path: e.Path, Size: e.Size, ModTime: e.ModTime, MediaType: e.MediaType, Warnings: e.Warnings}}
				if e.Depth == 0 {
					it.OSPath = osPath(root, base, e)
				}
				if e.RawPath != "" {
					it.Warnings = append(it.Warnings, fmt.Sprintf("name shown escaped or decoded; raw name %q", e.RawPath))
				}
				entryErr := ""
				if e.Err != nil {
					entryErr = e.Err.Error()
				}
				if e.Mode.IsDir() || !e.Mode.IsRegular() && e.Depth == 0 {
					it.Err = cmp.Or(entryErr, "not a regular file: not read")
					return send(ctx, items, it)
				}
				if e.Depth == 0 {
					// Files on disk stay openable after the callback: the
					// workers read them, in parallel.
					it.Err = entryErr
					select {
					case jobs <- job{item: it, open: e.Open}:
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				rc, err := e.Open()
				if err != nil {
					it.Err = cmp.Or(entryErr, err.Error())
					return send(ctx, items, it)
				}
				defer rc.Close()
				if e.Size >= 0 && e.Size <= maxBuf {
					buf := bytes.NewBuffer(make([]byte, 0, e.Size+bytes.MinRead))
					_, err := io.Copy(buf, io.LimitReader(rc, maxBuf+1))
					if err == nil && int64(buf.Len()) <= maxBuf {
						data := buf.Bytes()
						// An archive's walk error (corrupt, encrypted, limit)
						// stays on its result while its bytes are hashed.
						it.Err = entryErr
						select {
						case jobs <- job{item: it, data: data}:
							return nil
						case <-ctx.Done():
							return ctx.Err()
						}
					}
					if err != nil {
						it.Err = fmt.Sprintf("read: %v", err)
						return send(ctx, items, it)
					}
					// Larger than declared: start over, streaming.
					rc.Close()
					if rc, err = e.Open(); err != nil {
						it.Err = fmt.Sprintf("reopen: %v", err)
						return send(ctx, items, it)
					}
					defer rc.Close()
				}
				inline.SetParallel(true)
				inline.Process(rc, &it.Result)
				if it.Err == "" {
					it.Err = entryErr
				}
				return send(ctx, items, it)
			})
			if err != nil {
				walkErr <- fmt.Errorf("walk %s: %w", root, err)
				return
			}
		}
		walkErr <- nil
	}()

	var ferr error
	for it := range items {
		if ferr == nil {
			if ferr = fn(it); ferr != nil {
				cancel()
			}
		}
	}
	werr := <-walkErr
	if ferr != nil {
		return ferr
	}
	if werr != nil && !errors.Is(werr, context.Canceled) {
		return werr
	}
	return ctx.Err()
}

func send(ctx context.Context, ch chan<- Item, it Item) error {
	select {
	case ch <- it:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// osPath maps an on-disk entry's display path back to the file system.
func osPath(root, base string, e source.Entry) string {
	p := e.Path
	if e.RawPath != "" {
		p = e.RawPath
	}
	if p == base {
		return root
	}
	return filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(p, base+"/")))
}
