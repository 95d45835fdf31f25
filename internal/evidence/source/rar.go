package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/nwaples/rardecode/v2"
)

// walkRAR streams a RAR archive (RAR 1.5 to 5). Passwords are tried in
// order (after none) until the first header decodes: RAR 5 checks the
// password there; for older versions a wrong password shows up as a
// checksum error when the member is read. Multi-volume archives are read
// up to the end of the first volume (the rest is reported as an error).
func (w *walker) walkRAR(arc *item, b *budget) error {
	var (
		rr      *rardecode.Reader
		hdr     *rardecode.FileHeader
		src     io.ReadCloser
		pwIndex = -1
		lastErr error
	)
	for i := -1; i < len(w.opt.Passwords); i++ {
		opts := []rardecode.Option{rardecode.MaxDictionarySize(w.opt.MaxDictionary)}
		if i >= 0 {
			opts = append(opts, rardecode.Password(w.opt.Passwords[i]))
		}
		rc, err := w.itemReader(arc)
		if err != nil {
			return err
		}
		r, err := rardecode.NewReader(bufio.NewReaderSize(rc, 64<<10), opts...)
		if err == nil {
			hdr, err = r.Next()
		}
		if err == nil || errors.Is(err, io.EOF) {
			rr, src, pwIndex = r, rc, i
			if errors.Is(err, io.EOF) {
				hdr = nil
			}
			break
		}
		rc.Close()
		lastErr = err
		if !rarPasswordErr(err) {
			return corrupt(arc.path, err)
		}
	}
	if rr == nil {
		return fmt.Errorf("%s: %w (%d passwords tried): %v", arc.path, ErrEncrypted, len(w.opt.Passwords), lastErr)
	}
	defer w.release(src)
	var memberErr error
	for n := 0; hdr != nil; n++ {
		if err := w.checkCtx(); err != nil {
			return err
		}
		if n >= w.opt.MaxEntries {
			return fmt.Errorf("%w: %s has more than %d entries", ErrLimit, arc.path, w.opt.MaxEntries)
		}
		if !hdr.IsDir {
			it := w.member(arc, hdr.Name, false)
			var lim *limited
			it.size = hdr.UnPackedSize
			if hdr.UnKnownSize {
				it.size = -1
			}
			it.mod = hdr.ModificationTime
			it.mode = hdr.Mode()
			if hdr.Encrypted {
				it.pwIndex = pwIndex
			}
			switch {
			case hdr.LinkType != rardecode.LinkTypeNone:
				t, _, _ := displayName(hdr.LinkTarget)
				it.warn("link not followed (target %q)", t)
				it.mode = fs.ModeSymlink | 0o777
			case hdr.Encrypted && pwIndex < 0:
				it.err = fmt.Errorf("%s: %w (no password given)", it.path, ErrEncrypted)
			case hdr.UnPackedSize > w.opt.MaxEntrySize:
				it.err = fmt.Errorf("%w: %s declares %d bytes (cap %d)", ErrLimit, it.path, hdr.UnPackedSize, w.opt.MaxEntrySize)
			case it.mode.IsRegular():
				lim = b.wrapMember(io.NopCloser(rr), it.path, false)
				it.stream = bufio.NewReaderSize(lim, 64<<10)
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
		var err error
		hdr, err = rr.Next()
		if errors.Is(err, io.EOF) {
			if memberErr != nil {
				return corrupt(arc.path, memberErr)
			}
			return nil
		}
		if err != nil {
			return corrupt(arc.path, err)
		}
	}
	return nil
}

func rarPasswordErr(err error) bool {
	return errors.Is(err, rardecode.ErrArchiveEncrypted) || errors.Is(err, rardecode.ErrArchivedFileEncrypted) ||
		errors.Is(err, rardecode.ErrBadPassword)
}

// itemReader opens the item's bytes from the start.
func (w *walker) itemReader(it *item) (io.ReadCloser, error) {
	if it.ra != nil {
		return io.NopCloser(io.NewSectionReader(it.ra, 0, it.size)), nil
	}
	return it.reopen()
}
