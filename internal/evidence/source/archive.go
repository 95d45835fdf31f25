package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vibora-project/vibora/internal/hashing"
)

type kind int

const (
	kindNone kind = iota
	kindZip
	kindTar
	kindGzip
	kindBzip2
	kindXz
	kindZstd
	kind7z
	kindRAR
)

func kindOf(mediaType string) kind {
	switch mediaType {
	case hashing.TypeZip:
		return kindZip
	case hashing.TypeTar:
		return kindTar
	case hashing.TypeGzip:
		return kindGzip
	case hashing.TypeBzip2:
		return kindBzip2
	case hashing.TypeXz:
		return kindXz
	case hashing.TypeZstd:
		return kindZstd
	case hashing.Type7z:
		return kind7z
	case hashing.TypeRAR:
		return kindRAR
	}
	return kindNone
}

// walkArchive visits the members of the archive it (of kind k). Members
// are at depth it.depth+1. The returned error, unless a callbackError,
// is recorded on the archive's entry.
func (w *walker) walkArchive(k kind, it *item, b *budget) error {
	switch k {
	case kindZip:
		return w.walkZip(it, b)
	case kind7z:
		return w.walk7z(it, b)
	case kindRAR:
		return w.walkRAR(it, b)
	case kindTar:
		rc, err := it.reopen()
		if err != nil {
			return err
		}
		defer w.release(rc)
		return w.walkTar(it, bufio.NewReaderSize(rc, 64<<10), b, false)
	default:
		return w.walkCompressed(k, it, b)
	}
}

// randomAccess returns an io.ReaderAt over the item's bytes: the item's
// own (a file on disk, a stored zip member, a spill file) or a temporary
// copy when the bytes come from a decompressor.
// The caller releases the returned closer (which may be nil).
func (w *walker) randomAccess(it *item) (io.ReaderAt, int64, io.Closer, error) {
	if it.ra != nil {
		return it.ra, it.size, nil, nil
	}
	rc, err := it.reopen()
	if err != nil {
		return nil, 0, nil, err
	}
	if f, ok := rc.(*os.File); ok {
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, nil, fmt.Errorf("stat %s: %w", it.path, err)
		}
		return f, st.Size(), f, nil
	}
	defer rc.Close()
	f, err := os.CreateTemp(w.opt.TempDir, "vibora-spill-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("spill %s: %w", it.path, err)
	}
	sp := &spillFile{File: f}
	n, err := io.Copy(f, io.LimitReader(rc, w.opt.MaxSpill+1))
	if err != nil {
		sp.Close()
		return nil, 0, nil, fmt.Errorf("spill %s at offset %d: %w", it.path, n, err)
	}
	if n > w.opt.MaxSpill {
		sp.Close()
		return nil, 0, nil, fmt.Errorf("%w: archive larger than the %d-byte spill cap", ErrLimit, w.opt.MaxSpill)
	}
	return f, n, sp, nil
}

// corrupt wraps an archive format error.
func corrupt(path string, err error) error {
	if errors.Is(err, ErrLimit) || errors.Is(err, ErrEncrypted) {
		return err
	}
	return fmt.Errorf("%w: %s: %w", ErrCorrupt, path, err)
}

// member starts the item of an archive member.
func (w *walker) member(parent *item, name string, cp437 bool) *item {
	clean, raw, warns := memberName(name, cp437)
	it := &item{
		path:     parent.path + "!/" + clean,
		raw:      parent.raw + "!/" + raw,
		depth:    parent.depth + 1,
		pwIndex:  -1,
		warnings: warns,
		size:     -1,
	}
	return it
}
