package source

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/klauspost/compress/flate"
)

// zipEncrypted is general-purpose flag bit 0.
const zipEncrypted = 0x1

func (w *walker) walkZip(arc *item, b *budget) error {
	ra, size, c, err := w.randomAccess(arc)
	if err != nil {
		return err
	}
	defer w.release(c)
	if n, ok := zipEntryCount(ra, size); ok && n > uint64(w.opt.MaxEntries) {
		return fmt.Errorf("%w: %s declares %d entries (cap %d)", ErrLimit, arc.path, n, w.opt.MaxEntries)
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return corrupt(arc.path, err)
	}
	for _, f := range zr.File {
		if err := w.checkCtx(); err != nil {
			return err
		}
		mode := f.Mode()
		if mode.IsDir() {
			continue
		}
		// Names without the UTF-8 flag are CP437 by the specification;
		// archive/zip sets NonUTF8 when the name is not valid UTF-8 or the
		// flag is missing on a name that needs it.
		it := w.member(arc, f.Name, f.NonUTF8 && f.Flags&0x800 == 0)
		it.size = int64(f.UncompressedSize64)
		it.mod = f.Modified
		it.mode = mode
		if it.mod.IsZero() {
			it.mod = f.ModTime()
		}
		switch {
		case mode&fs.ModeSymlink != 0:
			it.warn("symlink not followed")
		case !mode.IsRegular():
			it.err = fmt.Errorf("%s: %w (%s)", it.path, ErrNotRegular, kindName(mode))
		case f.UncompressedSize64 > uint64(w.opt.MaxEntrySize):
			it.err = fmt.Errorf("%w: %s declares %d bytes (cap %d)", ErrLimit, it.path, f.UncompressedSize64, w.opt.MaxEntrySize)
		case f.Flags&zipEncrypted != 0:
			w.zipEncryptedMember(f, it, b)
		default:
			it.reopen = func() (io.ReadCloser, error) {
				rc, err := f.Open()
				if err != nil {
					return nil, fmt.Errorf("open %s: %w", it.path, err)
				}
				return b.wrap(rc, it.path), nil
			}
			if f.Method == zip.Store {
				if off, err := f.DataOffset(); err == nil && off+int64(f.CompressedSize64) <= size {
					it.ra = io.NewSectionReader(ra, off, int64(f.CompressedSize64))
				}
			}
		}
		if err := w.handle(it, b); err != nil {
			return err
		}
	}
	return nil
}

// zipEncryptedMember picks the first password whose check value matches
// and sets up decryption (traditional PKWARE or WinZip AES).
func (w *walker) zipEncryptedMember(f *zip.File, it *item, b *budget) {
	aes, isAES, err := parseAESExtra(f)
	if err != nil {
		it.err = fmt.Errorf("%s: %w", it.path, err)
		return
	}
	for i, pw := range w.opt.Passwords {
		var ok bool
		if isAES {
			ok = aes.check(f, pw)
		} else {
			ok = zipCryptoCheck(f, pw)
		}
		if !ok {
			continue
		}
		it.pwIndex = i
		it.reopen = func() (io.ReadCloser, error) {
			raw, err := f.OpenRaw()
			if err != nil {
				return nil, fmt.Errorf("open %s: %w", it.path, err)
			}
			var plain io.Reader
			method := f.Method
			if isAES {
				plain, err = aes.decrypt(raw, int64(f.CompressedSize64))
				method = aes.method
			} else {
				plain, err = zipCryptoDecrypt(raw, pw)
			}
			if err != nil {
				return nil, fmt.Errorf("open %s: %w", it.path, err)
			}
			var rc io.ReadCloser
			switch method {
			case zip.Store:
				rc = io.NopCloser(plain)
			case zip.Deflate:
				rc = flate.NewReader(plain)
			default:
				return nil, fmt.Errorf("open %s: %w (method %d)", it.path, zip.ErrAlgorithm, method)
			}
			// AE-2 has no CRC (the MAC covers it); everything else does.
			if !isAES || aes.version == 1 {
				rc = &crcCheck{r: rc, want: f.CRC32, size: f.UncompressedSize64, path: it.path}
			}
			return b.wrap(rc, it.path), nil
		}
		return
	}
	if len(w.opt.Passwords) == 0 {
		it.err = fmt.Errorf("%s: %w (no password given)", it.path, ErrEncrypted)
	} else {
		it.err = fmt.Errorf("%s: %w (none of %d passwords matched)", it.path, ErrEncrypted, len(w.opt.Passwords))
	}
}

// zipEntryCount reads the entry count of the end of central directory
// record (zip64 one if present) without loading the directory, so that a
// directory of millions of entries is refused before archive/zip
// allocates for all of them.
func zipEntryCount(ra io.ReaderAt, size int64) (uint64, bool) {
	const eocdLen, maxComment = 22, 65535
	tail := min(size, eocdLen+maxComment+20)
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil && !errors.Is(err, io.EOF) {
		return 0, false
	}
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(buf[i:]) != 0x06054b50 {
			continue
		}
		n := uint64(binary.LittleEndian.Uint16(buf[i+10:]))
		if n != 0xFFFF || i < 20 {
			return n, true
		}
		loc := buf[i-20:]
		if binary.LittleEndian.Uint32(loc) != 0x07064b50 {
			return n, true
		}
		off := int64(binary.LittleEndian.Uint64(loc[8:]))
		rec := make([]byte, 56)
		if off < 0 || off+56 > size {
			return 0, false
		}
		if _, err := ra.ReadAt(rec, off); err != nil || binary.LittleEndian.Uint32(rec) != 0x06064b50 {
			return 0, false
		}
		return binary.LittleEndian.Uint64(rec[32:]), true
	}
	return 0, false
}

// crcCheck verifies the CRC-32 of decrypted content at its end (the
// decryption path bypasses archive/zip's own check).
type crcCheck struct {
	r    io.ReadCloser
	crc  uint32
	n    uint64
	want uint32
	size uint64
	path string
}

func (c *crcCheck) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.crc = crc32Update(c.crc, p[:n])
	c.n += uint64(n)
	if errors.Is(err, io.EOF) && (c.crc != c.want || c.n != c.size) {
		return n, fmt.Errorf("read %s: %w (wrong password or damaged data)", c.path, zip.ErrChecksum)
	}
	return n, err
}

func (c *crcCheck) Close() error { return c.r.Close() }
