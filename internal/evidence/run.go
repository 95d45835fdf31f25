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
	"runtime/debug"
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
	// MemoryLimit is the memory budget of the run, in bytes (0:
	// DefaultMemoryLimit; negative: none). While Run runs it is the Go
	// runtime's soft memory limit (runtime/debug.SetMemoryLimit, never
	// raised above a lower limit already set), images are decoded only
	// when their declared cost fits in half of it next to the decodes in
	// flight, an image whose declared cost is over that half is refused
	// (ErrLimit on its result), and an encoded image is kept for PDQ up to
	// an eighth of it. Evidence that declares huge images (decompression
	// bombs) therefore cannot exhaust memory, however many workers run.
	MemoryLimit int64
	// Skip reports entries already done (a resumed or repeated ingest).
	Skip func(Identity) bool
	// Labels replace each root's base name at the start of its display
	// paths (see RootLabels); nil keeps base names.
	Labels map[string]string
	// Taken reports display paths already used by stored files, so that a
	// new entry that would show the same is shown with a suffix.
	Taken func(path string) bool
}

// Item is a Result plus where it came from. Path is the display path:
// unique within the run (and against RunOptions.Taken), with a " [N]"
// suffix when another entry would show the same.
type Item struct {
	Result
	ID     Identity
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
	if limit := cmp.Or(opt.MemoryLimit, DefaultMemoryLimit); limit > 0 {
		if prev := debug.SetMemoryLimit(-1); limit < prev {
			debug.SetMemoryLimit(limit)
			defer debug.SetMemoryLimit(prev)
		}
		decode := limit / decodeShare
		opt.Process.gate, opt.Process.done = newDecodeGate(decode), ctx.Done()
		if opt.Process.MaxDecodeBytes <= 0 || opt.Process.MaxDecodeBytes > decode {
			opt.Process.MaxDecodeBytes = decode
		}
		opt.Process.MaxImageSize = min(opt.Process.maxImage(), limit/captureShare)
	}

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
						p = safeProcess(p, opt.Process, rc, &j.item.Result)
						rc.Close()
						hashVideo(ctx, opt.Process, j.item.OSPath, &j.item.Result)
					}
				} else {
					p = safeProcess(p, opt.Process, bytes.NewReader(j.data), &j.item.Result)
					hashVideoData(ctx, opt.Process, opt.Source.TempDir, j.data, &j.item.Result)
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
		nm := newNames(opt.Taken)
		for _, root := range roots {
			base := filepath.Base(filepath.Clean(root))
			label := opt.Labels[root]
			err := source.Walk(ctx, root, opt.Source, func(e source.Entry) error {
				raw := cmp.Or(e.RawPath, e.Path)
				id := Identity{Root: root, Member: EncodeName(raw)}
				id.Seq = nm.next(id.Member, e.Depth)
				disp := e.Path
				if label != "" && label != base {
					disp = label + strings.TrimPrefix(disp, base)
				}
				if opt.Skip != nil && opt.Skip(id) {
					return nil
				}
				warnings := e.Warnings
				if shown := nm.display(disp, e.Depth); shown != disp {
					warnings = append(warnings, fmt.Sprintf("another entry shows as %q: this one is shown as %q", disp, shown))
					disp = shown
				}
				it := Item{ID: id, Root: root, Depth: e.Depth, Result: Result{Path: disp, Size: e.Size, ModTime: e.ModTime, MediaType: e.MediaType, Warnings: warnings}}
				if e.Depth == 0 {
					it.OSPath = osPath(root, base, e)
				}
				if e.RawPath != "" {
					it.Warnings = append(it.Warnings, fmt.Sprintf("raw name %q", e.RawPath))
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
				inline = safeProcess(inline, opt.Process, rc, &it.Result)
				hashVideo(ctx, opt.Process, "", &it.Result)
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

// safeProcess runs p.Process and turns a panic (a decoder bug on hostile
// input) into the file's error: the file is recorded and the walk goes on,
// where an unrecovered panic in a worker would end the process. It returns
// the processor to use next (a new one after a panic).
func safeProcess(p *Processor, opt ProcessOptions, r io.Reader, res *Result) (next *Processor) {
	defer func() {
		if x := recover(); x != nil {
			res.Hashed, res.PDQ, res.Dihedral = false, nil, nil
			res.Err = cmp.Or(res.Err, fmt.Sprintf("internal error while processing: %v", x))
			next = NewProcessor(opt)
			next.SetParallel(p.parallel)
		}
	}()
	p.Process(r, res)
	return p
}
