package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bodgit/sevenzip"
)

// walk7z visits a 7z archive. Passwords are tried in order (after none)
// until the headers open and the first member decrypts. Members are read
// in archive order, each to its end, so that solid blocks are decompressed
// once (the library reuses a folder's decoder only at the offset where the
// previous member ended); hence 7z members are streamed, single-use items.
func (w *walker) walk7z(arc *item, b *budget) error {
	ra, size, c, err := w.randomAccess(arc)
	if err != nil {
		return err
	}
	defer w.release(c)
	var zr *sevenzip.Reader
	pwIndex := -1
	var firstErr error
	encrypted := false
	for i := -1; i < len(w.opt.Passwords); i++ {
		pw := ""
		if i >= 0 {
			pw = w.opt.Passwords[i]
		}
		r, err := sevenzip.NewReaderWithPassword(ra, size, pw)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			encrypted = encrypted || sevenzipEncrypted(err)
			continue
		}
		if perr := probe7z(r); perr != nil {
			if firstErr == nil {
				firstErr = perr
			}
			encrypted = encrypted || sevenzipEncrypted(perr)
			continue
		}
		// Walk with a fresh Reader: sevenzip v1.6.5 corrupts a folder's
		// AES IV when it derives a non-empty password's key a second time
		// on the same Reader (its key derivation appends to the salt
		// slice), so the folder the probe opened could not be reopened.
		if r, err = sevenzip.NewReaderWithPassword(ra, size, pw); err != nil {
			firstErr = err
			continue
		}
		zr, pwIndex = r, i
		break
	}
	if zr == nil {
		if encrypted {
			return fmt.Errorf("%s: %w (%d passwords tried): %v", arc.path, ErrEncrypted, len(w.opt.Passwords), firstErr)
		}
		return corrupt(arc.path, firstErr)
	}
	if len(zr.File) > w.opt.MaxEntries {
		return fmt.Errorf("%w: %s has %d entries (cap %d)", ErrLimit, arc.path, len(zr.File), w.opt.MaxEntries)
	}
	var readErr error
	for _, f := range zr.File {
		if err := w.checkCtx(); err != nil {
			return err
		}
		info := f.FileInfo()
		if info.IsDir() {
			continue
		}
		it := w.member(arc, f.Name, false)
		it.size = int64(f.UncompressedSize)
		it.mod = f.Modified
		it.mode = info.Mode()
		it.pwIndex = pwIndex
		var rc io.ReadCloser
		switch {
		case !it.mode.IsRegular():
			it.err = fmt.Errorf("%s: %w (%s)", it.path, ErrNotRegular, kindName(it.mode))
		case it.size > w.opt.MaxEntrySize:
			it.err = fmt.Errorf("%w: %s declares %d bytes (cap %d)", ErrLimit, it.path, it.size, w.opt.MaxEntrySize)
		default:
			r, err := f.Open()
			if err != nil {
				it.err = sevenzipErr(it.path, err)
				break
			}
			// A read error the visitor met recurs on the drain below.
			rc = b.wrap(r, it.path)
			it.stream = bufio.NewReaderSize(rc, 64<<10)
		}
		err := w.handle(it, b)
		if rc != nil {
			// Finish the member so the next one continues the same decoder.
			if _, derr := io.Copy(io.Discard, rc); derr != nil && readErr == nil {
				readErr = derr
			}
			rc.Close()
		}
		if err != nil {
			return err
		}
	}
	if readErr != nil {
		return corrupt(arc.path, readErr)
	}
	return nil
}

// probe7z reads the start of the first non-empty member: with a wrong
// password the decoder fails there.
func probe7z(r *sevenzip.Reader) error {
	for _, f := range r.File {
		if f.UncompressedSize == 0 || f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		_, err = io.CopyN(io.Discard, rc, min(int64(f.UncompressedSize), 1<<16))
		rc.Close()
		return err
	}
	return nil
}

func sevenzipEncrypted(err error) bool {
	var re *sevenzip.ReadError
	if errors.As(err, &re) && re.Encrypted {
		return true
	}
	return strings.Contains(strings.ToLower(err.Error()), "password")
}

func sevenzipErr(path string, err error) error {
	if sevenzipEncrypted(err) {
		return fmt.Errorf("%s: %w: %v", path, ErrEncrypted, err)
	}
	return fmt.Errorf("open %s: %w", path, err)
}
