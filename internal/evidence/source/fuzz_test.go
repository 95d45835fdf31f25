package source

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
)

// walkBytes walks an in-memory archive named name with tight caps and
// reads every member; it must neither panic nor grow without bound.
func walkBytes(t *testing.T, tmp, name string, data []byte) {
	w := &walker{ctx: context.Background(), opt: Options{
		MaxEntrySize: 4 << 20, MaxTotalExpanded: 8 << 20, MaxSpill: 8 << 20,
		MaxEntries: 1000, MaxDictionary: 16 << 20, TempDir: tmp,
		Passwords: []string{"secret"},
	}.withDefaults()}
	w.visit = func(it *item) error {
		e := it.entry()
		if rc, err := e.Open(); err == nil {
			io.Copy(io.Discard, io.LimitReader(rc, 16<<20))
			rc.Close()
		}
		return nil
	}
	it := &item{path: name, raw: name, size: int64(len(data)), mode: 0o444, pwIndex: -1,
		reopen: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		ra:     bytes.NewReader(data)}
	if err := w.handle(it, nil); err != nil {
		t.Fatalf("walk returned %v", err)
	}
	w.closeAll()
}

func FuzzZip(f *testing.F) {
	f.Add(zipBytes(f, member{name: "a.txt", data: []byte("hello")}))
	f.Add(zipBytes(f, member{name: "../x", data: []byte("x"), method: stored}, member{name: "d/"}))
	f.Add(zipBytes(f, member{name: "in.zip", data: zipBytes(f, member{name: "b", data: []byte("b")})}))
	for _, n := range []string{"testdata/zipcrypto.zip", "testdata/aes.zip"} {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	tmp := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) { walkBytes(t, tmp, "f.zip", data) })
}

func FuzzTar(f *testing.F) {
	tr := tarBytes(f, member{name: "a.txt", data: []byte("hello")}, member{name: "b/c.jpg", data: jpegBytes("c")})
	f.Add(tr)
	f.Add(gzipBytes(f, "", tr))
	f.Add(xzBytes(f, tr))
	f.Add(zstdBytes(f, tr))
	f.Add(gzipBytes(f, "x.jpg", jpegBytes("x")))
	tmp := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) { walkBytes(t, tmp, "f.tar", data) })
}

func FuzzSevenZipRAR(f *testing.F) {
	// Encrypted 7z seeds are left out: their key derivation (2^19 SHA-256
	// rounds) makes each execution take seconds under fuzzing.
	for _, n := range []string{"testdata/plain.7z"} {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	f.Add(rar5Bytes(member{name: "a.txt", data: []byte("hello")}, member{name: "b/c.jpg", data: jpegBytes("c")}))
	f.Add([]byte("Rar!\x1a\x07\x01\x00\x00\x00\x00\x00"))
	f.Add([]byte("Rar!\x1a\x07\x00\xcf\x90\x73\x00\x00\x0d\x00"))
	tmp := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) { walkBytes(t, tmp, "f.bin", data) })
}
