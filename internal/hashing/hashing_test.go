package hashing

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func want(b []byte) Digests {
	return Digests{Size: int64(len(b)), MD5: md5.Sum(b), SHA1: sha1.Sum(b), SHA256: sha256.Sum256(b)}
}

func TestSumMatchesStdlib(t *testing.T) {
	sizes := []int{0, 1, 55, 64, 4096, bufSize - 1, bufSize, bufSize + 1, 2 * bufSize, ringSize*bufSize + 17, 9*bufSize + 3}
	for _, parallel := range []bool{false, true} {
		h := NewHasher() // reused across sizes: state must reset
		h.SetParallel(parallel)
		for i, n := range sizes {
			t.Run(fmt.Sprintf("parallel=%v/size=%d", parallel, n), func(t *testing.T) {
				data := randomBytes(n, uint64(i+1))
				got, err := h.Sum(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if got != want(data) {
					t.Fatalf("digests differ:\n got %v\nwant %v", got, want(data))
				}
			})
		}
	}
}

func TestKnownVectors(t *testing.T) {
	h := NewHasher()
	d, err := h.Sum(bytes.NewReader([]byte("abc")))
	if err != nil {
		t.Fatal(err)
	}
	// FIPS 180 / RFC 1321 test vectors for "abc".
	if d.MD5Hex() != "900150983cd24fb0d6963f7d28e17f72" ||
		d.SHA1Hex() != "a9993e364706816aba3e25717850c26c9cd0d89d" ||
		d.SHA256Hex() != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("wrong digests for abc: %v", d)
	}
	if d.String() != "3,900150983cd24fb0d6963f7d28e17f72,a9993e364706816aba3e25717850c26c9cd0d89d,ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("String() = %s", d)
	}
}

func TestSumAwkwardReaders(t *testing.T) {
	data := randomBytes(3*bufSize+5, 7)
	readers := map[string]func() io.Reader{
		"onebyte":  func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data[:200000])) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"dataerr":  func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
		"multi":    func() io.Reader { return io.MultiReader(bytes.NewReader(data[:10]), bytes.NewReader(data[10:])) },
		"truncate": func() io.Reader { return io.LimitReader(bytes.NewReader(data), bufSize+3) },
	}
	expect := map[string][]byte{"onebyte": data[:200000], "truncate": data[:bufSize+3]}
	for name, mk := range readers {
		for _, parallel := range []bool{false, true} {
			h := NewHasher()
			h.SetParallel(parallel)
			got, err := h.Sum(mk())
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			w := data
			if e, ok := expect[name]; ok {
				w = e
			}
			if got != want(w) {
				t.Errorf("%s parallel=%v: wrong digests", name, parallel)
			}
		}
	}
}

func TestSumReadError(t *testing.T) {
	boom := errors.New("boom")
	for _, parallel := range []bool{false, true} {
		h := NewHasher()
		h.SetParallel(parallel)
		r := io.MultiReader(bytes.NewReader(randomBytes(2*bufSize+10, 3)), iotest.ErrReader(boom))
		_, err := h.Sum(r)
		if !errors.Is(err, boom) {
			t.Fatalf("parallel=%v: err = %v, want boom", parallel, err)
		}
		// The Hasher stays usable after an error.
		d, err := h.Sum(bytes.NewReader([]byte("abc")))
		if err != nil || d != want([]byte("abc")) {
			t.Fatalf("hasher unusable after error: %v %v", d, err)
		}
	}
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestSumTee(t *testing.T) {
	data := randomBytes(5*bufSize+99, 11)
	for _, parallel := range []bool{false, true} {
		h := NewHasher()
		h.SetParallel(parallel)
		var out bytes.Buffer
		d, err := h.SumTee(bytes.NewReader(data), &out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data) || d != want(data) {
			t.Fatalf("parallel=%v: tee copy or digests wrong", parallel)
		}
		_, err = h.SumTee(bytes.NewReader(data), &failWriter{after: 2 * bufSize})
		if err == nil || err.Error() != "hash: tee write: disk full" {
			t.Fatalf("tee error not returned: %v", err)
		}
	}
}

// TestSetSHA256 checks that SHA-256 off leaves only it zero, and that
// turning it back on gives the whole digest set again.
func TestSetSHA256(t *testing.T) {
	data := randomBytes(3*bufSize+7, 5)
	for _, parallel := range []bool{false, true} {
		h := NewHasher()
		h.SetParallel(parallel)
		h.SetSHA256(false)
		d, err := h.Sum(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		w := want(data)
		if d.SHA256 != [32]byte{} || d.MD5 != w.MD5 || d.SHA1 != w.SHA1 || d.Size != w.Size {
			t.Fatalf("parallel=%v: SHA-256 off gave %v", parallel, d)
		}
		h.SetSHA256(true)
		if d, err = h.Sum(bytes.NewReader(data)); err != nil || d != w {
			t.Fatalf("parallel=%v: SHA-256 back on gave %v, %v", parallel, d, err)
		}
	}
}

func benchSum(b *testing.B, size int, parallel bool) {
	data := randomBytes(size, 1)
	h := NewHasher()
	h.SetParallel(parallel)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		if _, err := h.Sum(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSum(b *testing.B) {
	for _, mib := range []int{1, 16, 64, 256} {
		for _, parallel := range []bool{false, true} {
			b.Run(fmt.Sprintf("%dMiB/parallel=%v", mib, parallel), func(b *testing.B) {
				benchSum(b, mib<<20, parallel)
			})
		}
	}
}

// BenchmarkSumSmallFiles hashes 1 KB..200 KB inputs back to back, as a tree
// of photos does.
func BenchmarkSumSmallFiles(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	data := randomBytes(200_000, 2)
	sizes := make([]int, 1000)
	total := 0
	for i := range sizes {
		sizes[i] = 1000 + r.IntN(199_000)
		total += sizes[i]
	}
	h := NewHasher()
	b.SetBytes(int64(total))
	for b.Loop() {
		for _, n := range sizes {
			if _, err := h.Sum(bytes.NewReader(data[:n])); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// Single-algorithm baselines, to see which one bounds the combined speed.
func BenchmarkAlone(b *testing.B) {
	data := randomBytes(16<<20, 1)
	for name, f := range map[string]func([]byte){
		"md5":    func(p []byte) { md5.Sum(p) },
		"sha1":   func(p []byte) { sha1.Sum(p) },
		"sha256": func(p []byte) { sha256.Sum256(p) },
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				f(data)
			}
		})
	}
}
