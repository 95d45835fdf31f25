package modelfile

import (
	"bytes"
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// TestSHA256Pair: the streams, written alone or side by side, equals crypto/sha256 for both messages
// whatever the lengths and however the writes split them, the two
// messages offset as the whole file and AutoV3 are.
func TestSHA256Pair(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for trial := range 300 {
		n := r.IntN(len(data))
		if trial < 130 {
			n = trial // every padding case
		}
		skip := min(n, r.IntN(200))
		// Either stream may be the plain one (no SHA extensions).
		ctor := []func() shaStream{newSHAStream, newStdStream}
		x, y := ctor[r.IntN(2)](), ctor[r.IntN(2)]()
		for off := 0; off < n; {
			k := min(n-off, 1+r.IntN(70_000))
			if r.IntN(3) == 0 {
				k = min(n-off, 1+r.IntN(130))
			}
			a := data[off : off+k]
			b := data[max(off, skip):max(off+k, skip)]
			switch r.IntN(4) {
			case 0:
				x.write(a)
				y.write(b)
			default:
				writeBoth(x, y, a, b)
			}
			off += k
		}
		sa, sb := x.sum(), y.sum()
		wa, wb := sha256.Sum256(data[:n]), sha256.Sum256(data[skip:n])
		if !bytes.Equal(sa, wa[:]) || !bytes.Equal(sb, wb[:]) {
			t.Fatalf("n=%d skip=%d: got %x %x, want %x %x", n, skip, sa, sb, wa, wb)
		}
	}
}

func FuzzSHA256Pair(f *testing.F) {
	f.Add([]byte("hello world"), []byte("a lighthouse at dusk"), uint8(7))
	f.Fuzz(func(t *testing.T, a, b []byte, split uint8) {
		x, y := newSHAStream(), newSHAStream()
		s := int(split)
		writeBoth(x, y, a[:min(s, len(a))], b[:min(s/2, len(b))])
		x.write(a[min(s, len(a)):])
		writeBoth(x, y, nil, b[min(s/2, len(b)):])
		sa, sb := x.sum(), y.sum()
		wa, wb := sha256.Sum256(a), sha256.Sum256(b)
		if !bytes.Equal(sa, wa[:]) || !bytes.Equal(sb, wb[:]) {
			t.Fatalf("got %x %x, want %x %x", sa, sb, wa, wb)
		}
	})
}

func BenchmarkSHA256Pair(b *testing.B) {
	data := bytes.Repeat([]byte("a lighthouse at dusk, "), 1<<16)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		x, y := newSHAStream(), newSHAStream()
		for i := 0; i < len(data); i += 1 << 20 {
			c := data[i:min(i+1<<20, len(data))]
			writeBoth(x, y, c, c[min(len(c), 100):])
		}
		x.sum()
		y.sum()
	}
}
