package source

import (
	"archive/tar"
	"bufio"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/vibora-project/vibora/internal/hashing"
)

// walkTar streams the members of a tar archive read from r. counted says
// that r's bytes are already accounted to b (tar inside a compressed
// stream), so members only check their own size.
func (w *walker) walkTar(arc *item, r io.Reader, b *budget, counted bool) error {
	tr := tar.NewReader(r)
	var memberErr error // first read error a member's reader hit
	for n := 0; ; n++ {
		if err := w.checkCtx(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			if memberErr != nil {
				return corrupt(arc.path, memberErr)
			}
			return nil
		}
		if err != nil {
			return corrupt(arc.path, fmt.Errorf("member %d: %w", n+1, err))
		}
		if n >= w.opt.MaxEntries {
			return fmt.Errorf("%w: %s has more than %d entries", ErrLimit, arc.path, w.opt.MaxEntries)
		}
		if hdr.Typeflag == tar.TypeDir {
			continue
		}
		it := w.member(arc, hdr.Name, false)
		var lim *limited
		it.size = hdr.Size
		it.mod = hdr.ModTime
		it.mode = hdr.FileInfo().Mode()
		switch hdr.Typeflag {
		case tar.TypeReg, '\x00', tar.TypeGNUSparse, tar.TypeCont:
			it.mode = it.mode.Perm()
			if hdr.Size > w.opt.MaxEntrySize {
				it.err = fmt.Errorf("%w: %s declares %d bytes (cap %d)", ErrLimit, it.path, hdr.Size, w.opt.MaxEntrySize)
				break
			}
			lim = b.wrapMember(io.NopCloser(tr), it.path, counted)
			it.stream = bufio.NewReaderSize(lim, 64<<10)
		case tar.TypeSymlink:
			t, _, _ := displayName(hdr.Linkname)
			it.warn("symlink not followed (target %q)", t)
		case tar.TypeLink:
			t, _, _ := displayName(hdr.Linkname)
			it.mode = fs.ModeIrregular | it.mode.Perm()
			it.warn("hard link to %q (its content is that member's)", t)
		default:
			it.err = fmt.Errorf("%s: %w (%s)", it.path, ErrNotRegular, kindName(it.mode))
		}
		if err := w.handle(it, b); err != nil {
			return err
		}
		if lim != nil {
			lim.noteErr(&memberErr)
		}
	}
}

// walkCompressed opens a gzip, bzip2, xz or zstd stream: a tar inside is
// walked as the archive's members; anything else is one member named after
// the stream (gzip header name, else the archive name less its suffix).
func (w *walker) walkCompressed(k kind, arc *item, b *budget) error {
	var src io.ReadCloser
	if arc.ra != nil {
		src = io.NopCloser(io.NewSectionReader(arc.ra, 0, arc.size))
	} else {
		rc, err := arc.reopen()
		if err != nil {
			return err
		}
		src = rc
	}
	defer w.release(src)
	dec, name, err := w.decompressor(k, bufio.NewReaderSize(src, 64<<10))
	if err != nil {
		return corrupt(arc.path, err)
	}
	defer w.release(dec)
	lim := &limited{r: dec, c: dec, b: b, path: arc.path, cap: w.opt.MaxTotalExpanded, count: true}
	br := bufio.NewReaderSize(lim, 64<<10)
	head, err := br.Peek(hashing.SniffLen)
	if err != nil && !errors.Is(err, io.EOF) {
		return corrupt(arc.path, err)
	}
	if hashing.MediaType(head) == hashing.TypeTar {
		if err := w.walkTar(arc, br, b, true); err != nil {
			return err
		}
		return lim.failure(arc.path)
	}
	if name == "" {
		name = strippedName(arc.path)
	}
	it := w.member(arc, name, false)
	it.mod = arc.mod
	it.mode = 0o444
	it.stream = br
	if err := w.handle(it, b); err != nil {
		return err
	}
	return lim.failure(arc.path)
}

func (w *walker) decompressor(k kind, r io.Reader) (io.ReadCloser, string, error) {
	switch k {
	case kindGzip:
		z, err := kgzip.NewReader(r)
		if err != nil {
			return nil, "", err
		}
		name := ""
		if z.Name != "" {
			name = path.Base(strings.ReplaceAll(z.Name, `\`, "/"))
		}
		return z, name, nil
	case kindBzip2:
		return io.NopCloser(bzip2.NewReader(r)), "", nil
	case kindXz:
		z, err := xz.NewReader(r)
		if err != nil {
			return nil, "", err
		}
		return io.NopCloser(z), "", nil
	case kindZstd:
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxWindow(uint64(w.opt.MaxDictionary)), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, "", err
		}
		return z.IOReadCloser(), "", nil
	}
	return nil, "", fmt.Errorf("unknown compression %d", k)
}

// strippedName is the last element of an archive path less a compression
// suffix: "a/photo.jpg.gz" gives "photo.jpg", "x.tgz" gives "x.tar".
func strippedName(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	lower := strings.ToLower(p)
	for _, s := range []struct{ suffix, repl string }{
		{".tgz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"}, {".tzst", ".tar"},
		{".gz", ""}, {".gzip", ""}, {".bz2", ""}, {".xz", ""}, {".zst", ""}, {".zstd", ""},
	} {
		if strings.HasSuffix(lower, s.suffix) && len(p) > len(s.suffix) {
			return p[:len(p)-len(s.suffix)] + s.repl
		}
	}
	return p
}
