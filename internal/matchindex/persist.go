package matchindex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"unsafe"
)

// ErrCorrupt is wrapped by every error ReadExact and ReadPDQ return for a
// file that is damaged, truncated, of another format version or not an
// index at all. The caller should rebuild the index.
var ErrCorrupt = errors.New("corrupt or foreign index file")

// formatVersion is written after the magic; readers reject other versions.
const formatVersion = 2

// maxFields bounds the header field count a reader accepts.
const maxFields = 64

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// File layout shared by both indexes (all integers little-endian):
//
//	magic      [8]byte   "VIBEXCT\x00" or "VIBPDQ\x00\x00"
//	version    uint32    formatVersion
//	nfields    uint32
//	fields     [nfields]uint64   index-specific counts
//	contentCRC uint32    CRC-32C of every byte after the header
//	headerCRC  uint32    CRC-32C of the header bytes before it
//	content    sections of raw little-endian arrays, each padded with
//	           zeros to a multiple of 8 bytes (so a mapped file's arrays
//	           are aligned)

// byteView returns the bytes of s in host order.
func byteView[T uint32 | uint64 | byte](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
}

// leBytes returns s encoded little-endian: a view on little-endian hosts,
// a converted copy elsewhere.
func leBytes[T uint32 | uint64 | byte](s []T) []byte {
	b := byteView(s)
	if littleEndian || len(b) == 0 {
		return b
	}
	out := make([]byte, len(b))
	switch v := any(s).(type) {
	case []uint32:
		for i, x := range v {
			binary.LittleEndian.PutUint32(out[4*i:], x)
		}
	case []uint64:
		for i, x := range v {
			binary.LittleEndian.PutUint64(out[8*i:], x)
		}
	default:
		copy(out, b)
	}
	return out
}

// fromLE converts s, just read as little-endian bytes, to host order.
func fromLE[T uint32 | uint64 | byte](s []T) {
	if littleEndian {
		return
	}
	switch v := any(s).(type) {
	case []uint32:
		for i, x := range v {
			v[i] = bits.ReverseBytes32(x)
		}
	case []uint64:
		for i, x := range v {
			v[i] = bits.ReverseBytes64(x)
		}
	}
}

// writeIndex writes the header and the content sections (already
// little-endian) and returns the byte count.
func writeIndex(w io.Writer, magic string, fields []uint64, sections [][]byte) (int64, error) {
	var crc uint32
	var zeros [8]byte
	for _, s := range sections {
		crc = crc32.Update(crc, castagnoli, s)
		crc = crc32.Update(crc, castagnoli, zeros[:pad8(uint64(len(s)))-uint64(len(s))])
	}
	hdr := make([]byte, 0, 16+8*len(fields)+8)
	hdr = append(hdr, magic...)
	hdr = binary.LittleEndian.AppendUint32(hdr, formatVersion)
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(len(fields)))
	for _, f := range fields {
		hdr = binary.LittleEndian.AppendUint64(hdr, f)
	}
	hdr = binary.LittleEndian.AppendUint32(hdr, crc)
	hdr = binary.LittleEndian.AppendUint32(hdr, crc32.Checksum(hdr, castagnoli))
	var total int64
	n, err := w.Write(hdr)
	total += int64(n)
	if err != nil {
		return total, fmt.Errorf("write index header: %w", err)
	}
	for _, s := range sections {
		s = s[:len(s):len(s)]
		s = append(s, zeros[:pad8(uint64(len(s)))-uint64(len(s))]...)
		for len(s) > 0 {
			chunk := s[:min(len(s), 16<<20)]
			n, err := w.Write(chunk)
			total += int64(n)
			if err != nil {
				return total, fmt.Errorf("write index at byte %d: %w", total, err)
			}
			s = s[len(chunk):]
		}
	}
	return total, nil
}

// reader reads one index file: header, then sections, checksumming the
// content as it goes.
type reader struct {
	r       io.Reader
	mem     []byte // the whole file when it is mapped: sections are views
	what    string // "exact index" or "pdq index", for errors
	off     int64  // bytes consumed
	crc     uint32 // running content CRC
	want    uint32 // content CRC from the header
	remain  int64  // bytes left in the input when known, else -1
	content uint64 // content bytes the header announces
}

func (rd *reader) errf(format string, args ...any) error {
	return fmt.Errorf("%s at byte %d: %s: %w", rd.what, rd.off, fmt.Sprintf(format, args...), ErrCorrupt)
}

// readHeader reads and checks the header and returns its fields.
func readHeader(r io.Reader, what, magic string) (*reader, []uint64, error) {
	rd := &reader{r: r, what: what, remain: -1}
	switch v := r.(type) {
	case interface{ Len() int }:
		rd.remain = int64(v.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			if s, ok := r.(io.Seeker); ok {
				if pos, err := s.Seek(0, io.SeekCurrent); err == nil {
					rd.remain = fi.Size() - pos
				}
			}
		}
	}
	fixed := make([]byte, 16)
	if _, err := io.ReadFull(r, fixed); err != nil {
		return nil, nil, rd.readErr(err)
	}
	if string(fixed[:8]) != magic {
		return nil, nil, rd.errf("not a %s (bad magic)", what)
	}
	if v := binary.LittleEndian.Uint32(fixed[8:]); v != formatVersion {
		return nil, nil, rd.errf("format version %d, want %d", v, formatVersion)
	}
	nf := binary.LittleEndian.Uint32(fixed[12:])
	if nf > maxFields {
		return nil, nil, rd.errf("%d header fields, at most %d", nf, maxFields)
	}
	rest := make([]byte, 8*int(nf)+8)
	if _, err := io.ReadFull(r, rest); err != nil {
		rd.off = 16
		return nil, nil, rd.readErr(err)
	}
	hdr := append(fixed, rest...)
	n := len(hdr)
	if got, want := crc32.Checksum(hdr[:n-4], castagnoli), binary.LittleEndian.Uint32(hdr[n-4:]); got != want {
		return nil, nil, rd.errf("header checksum %08x, want %08x", got, want)
	}
	rd.want = binary.LittleEndian.Uint32(hdr[n-8:])
	fields := make([]uint64, nf)
	for i := range fields {
		fields[i] = binary.LittleEndian.Uint64(hdr[16+8*i:])
	}
	rd.off = int64(n)
	if rd.remain >= 0 {
		rd.remain -= int64(n)
	}
	return rd, fields, nil
}

func (rd *reader) readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return rd.errf("truncated")
	}
	return fmt.Errorf("read %s at byte %d: %w", rd.what, rd.off, err)
}

// expect records the content size the header announces and, when the
// input size is known, checks it before anything large is allocated.
func (rd *reader) expect(content uint64) error {
	rd.content = content
	if rd.remain >= 0 && uint64(rd.remain) != content {
		return rd.errf("header announces %d content bytes, input holds %d", content, rd.remain)
	}
	return nil
}

// readSlice reads n elements. Without a known input size it allocates as
// data arrives, so a lying header cannot make it allocate much more than
// the input holds.
func readSlice[T uint32 | uint64 | byte](rd *reader, n uint64) ([]T, error) {
	var z T
	esz := uint64(unsafe.Sizeof(z))
	if n > (1<<62)/esz {
		return nil, rd.errf("section of %d elements", n)
	}
	if rd.mem != nil {
		// A view of the mapped file: sections start at multiples of 8.
		size := pad8(n * esz)
		if uint64(len(rd.mem))-uint64(rd.off) < size {
			return nil, rd.errf("truncated")
		}
		b := rd.mem[rd.off : uint64(rd.off)+size]
		rd.crc = crc32.Update(rd.crc, castagnoli, b)
		rd.off += int64(size)
		if n == 0 {
			return []T{}, nil
		}
		return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n), nil
	}
	defer rd.skipPad(n * esz)
	chunk := n
	const step = 64 << 20
	if rd.remain < 0 && n*esz > step {
		chunk = step / esz
	}
	out := make([]T, 0, chunk)
	adviseHuge(out)
	for uint64(len(out)) < n {
		k := int(min(n-uint64(len(out)), chunk))
		if cap(out)-len(out) < k {
			out = slices.Grow(out, k)
			adviseHuge(out)
		}
		tail := out[len(out) : len(out)+k]
		b := byteView(tail)
		// Read in steps the checksum can follow while they are in cache.
		for len(b) > 0 {
			step := b[:min(len(b), 8<<20)]
			m, err := io.ReadFull(rd.r, step)
			rd.crc = crc32.Update(rd.crc, castagnoli, step[:m])
			rd.off += int64(m)
			if err != nil {
				return nil, rd.readErr(err)
			}
			b = b[len(step):]
		}
		out = out[:len(out)+k]
		if rd.remain < 0 {
			chunk = uint64(len(out)) // double as data keeps coming
		}
	}
	fromLE(out)
	return out, nil
}

func pad8(n uint64) uint64 { return (n + 7) &^ 7 }

// skipPad reads the zeros that pad a section of size bytes (an error
// shows up as a checksum mismatch or truncation in finish).
func (rd *reader) skipPad(size uint64) {
	var pad [8]byte
	p := pad[:pad8(size)-size]
	m, _ := io.ReadFull(rd.r, p)
	rd.crc = crc32.Update(rd.crc, castagnoli, p[:m])
	rd.off += int64(m)
}

// finish checks the content checksum and that the input ends here.
func (rd *reader) finish() error {
	if rd.crc != rd.want {
		return rd.errf("content checksum %08x, want %08x", rd.crc, rd.want)
	}
	if rd.mem != nil {
		if rd.off != int64(len(rd.mem)) {
			return rd.errf("trailing data")
		}
		return nil
	}
	var one [1]byte
	if n, _ := io.ReadFull(rd.r, one[:]); n != 0 {
		return rd.errf("trailing data")
	}
	return nil
}

// WriteFile writes an index to path atomically: a temporary file in the
// same directory, synced, then renamed over path.
func WriteFile(path string, x io.WriterTo) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write index %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = x.WriteTo(f); err != nil {
		return fmt.Errorf("write index %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write index %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write index %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write index %s: %w", path, err)
	}
	return nil
}

// ReadExactFile reads the exact index file at path. On little-endian Unix
// hosts the file is mapped read-only and the index's arrays are views of
// the mapping: loading is one checksum pass over pages the kernel already
// caches, with no copy and no new memory to clear (on a virtual machine,
// first-touch of fresh memory cost seconds per gigabyte). Elsewhere the
// arrays are read with one allocation each. The mapping is released when
// the index is no longer reachable; cache files are replaced by rename,
// never rewritten in place.
func ReadExactFile(path string) (*Exact, error) {
	var x *Exact
	err := readFile(path, func(r io.Reader, mem []byte) (any, error) {
		var err error
		x, err = readExact(r, mem)
		return x, err
	})
	return x, err
}

// ReadPDQFile reads the PDQ index file at path as ReadExactFile does.
func ReadPDQFile(path string) (*PDQ, error) {
	var x *PDQ
	err := readFile(path, func(r io.Reader, mem []byte) (any, error) {
		var err error
		x, err = readPDQ(r, mem)
		return x, err
	})
	return x, err
}

// readFile opens path and calls read with the file (and nil) or, when the
// file can be mapped, with a reader over the mapping and the mapping. A
// successful result owns the mapping until it is unreachable.
func readFile(path string, read func(r io.Reader, mem []byte) (any, error)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	mem, unmap := mapFile(f, fi.Size())
	if mem == nil {
		_, err := read(f, nil)
		return err
	}
	v, err := read(bytes.NewReader(mem), mem)
	if err != nil {
		unmap(mem)
		return err
	}
	switch x := v.(type) {
	case *Exact:
		runtime.AddCleanup(x, unmap, mem)
	case *PDQ:
		runtime.AddCleanup(x, unmap, mem)
	}
	return nil
}
