package source

import (
	"encoding/binary"
	"hash/crc32"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing"
)

// No RAR writer exists in Go and rar(1) is not free software, so this
// builds a minimal RAR 5 archive of stored (uncompressed) members by hand,
// following the published "RAR 5.0 archive format" description.

func vint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// rar5Block frames a header: CRC32, size, then the fields.
func rar5Block(fields []byte) []byte {
	body := vint(nil, uint64(len(fields)))
	body = append(body, fields...)
	out := binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(body))
	return append(out, body...)
}

func rar5Bytes(members ...member) []byte {
	out := []byte("Rar!\x1a\x07\x01\x00")
	out = append(out, rar5Block([]byte{1, 0, 0})...) // main header: type 1, flags 0, archive flags 0
	for _, m := range members {
		var f []byte
		f = vint(f, 2)                   // type: file
		f = vint(f, 0x0002)              // header flags: data area present
		f = vint(f, uint64(len(m.data))) // data size
		f = vint(f, 0x0002|0x0004)       // file flags: mtime, CRC32
		f = vint(f, uint64(len(m.data))) // unpacked size
		f = vint(f, 0o644)               // attributes
		f = binary.LittleEndian.AppendUint32(f, uint32(testTime.Unix()))
		f = binary.LittleEndian.AppendUint32(f, crc32.ChecksumIEEE(m.data))
		f = vint(f, 0) // compression: version 0, store
		f = vint(f, 1) // host OS: Unix
		f = vint(f, uint64(len(m.name)))
		f = append(f, m.name...)
		out = append(out, rar5Block(f)...)
		out = append(out, m.data...)
	}
	return append(out, rar5Block([]byte{5, 0, 0})...) // end of archive
}

func TestRAR(t *testing.T) {
	dir := t.TempDir()
	img := jpegBytes("rar")
	inner := zipBytes(t, member{name: "z.txt", data: []byte("zipped")})
	write(t, filepath.Join(dir, "a.rar"), rar5Bytes(
		member{name: "DCIM/img.jpg", data: img},
		member{name: "../evil.txt", data: []byte("evil")},
		member{name: "inner.zip", data: inner},
	))
	got := walkAll(t, filepath.Join(dir, "a.rar"), Options{})
	want := []string{"a.rar!/DCIM/img.jpg", "a.rar!/evil.txt", "a.rar!/inner.zip!/z.txt", "a.rar!/inner.zip", "a.rar"}
	if ps := paths(got); len(ps) != len(want) {
		t.Fatalf("paths %q, want %q", ps, want)
	}
	for i, s := range got {
		if s.Path != want[i] {
			t.Errorf("entry %d: %q, want %q", i, s.Path, want[i])
		}
		if s.Err != nil || s.readErr != nil {
			t.Errorf("%s: %v %v", s.Path, s.Err, s.readErr)
		}
	}
	if s := got[0]; s.sha != sum(img) || s.MediaType != hashing.TypeJPEG || s.Size != int64(len(img)) || !s.ModTime.Equal(testTime) {
		t.Errorf("img: %+v", s)
	}
	if s := got[1]; len(s.Warnings) == 0 {
		t.Error("traversal name not reported")
	}
	if s := got[2]; s.sha != sum([]byte("zipped")) {
		t.Error("nested zip in rar not read")
	}
	if s := got[4]; s.MediaType != hashing.TypeRAR {
		t.Errorf("rar media type %q", s.MediaType)
	}
	// OpenFS over RAR.
	fsys, closeFn, err := OpenFS(t.Context(), filepath.Join(dir, "a.rar"), Options{TempDir: t.TempDir()})
	must(t, err)
	defer closeFn()
	if b, err := readFS(fsys, "inner.zip!/z.txt"); err != nil || string(b) != "zipped" {
		t.Errorf("OpenFS rar: %q %v", b, err)
	}
	// Truncated: members before the cut stay, the archive is corrupt.
	data := rar5Bytes(member{name: "a.jpg", data: img}, member{name: "b.bin", data: make([]byte, 5000)})
	write(t, filepath.Join(dir, "cut.rar"), data[:len(data)-2000])
	got = walkAll(t, filepath.Join(dir, "cut.rar"), Options{})
	if s := find(t, got, "cut.rar!/a.jpg"); s.sha != sum(img) {
		t.Error("member before the cut lost")
	}
	if s := find(t, got, "cut.rar"); s.Err == nil {
		t.Error("truncated rar not marked")
	}
}
