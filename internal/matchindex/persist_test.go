package matchindex

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"testing/iotest"
	"unsafe"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

func smallPDQ(t testing.TB) (*PDQ, []pdq.Hash) {
	r := rand.New(rand.NewPCG(21, 22))
	hs := clustered(r, 300)
	hs = append(hs, hs[:20]...) // duplicates
	x, err := NewPDQ(hs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return x, hs
}

func smallExact(t testing.TB) (*Exact, map[Kind]map[string][]uint32) {
	return exactFixture(t, rand.New(rand.NewPCG(23, 24)), 60)
}

func encode(t testing.TB, w io.WriterTo) []byte {
	var buf bytes.Buffer
	n, err := w.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d", n, err, buf.Len())
	}
	return buf.Bytes()
}

// onlyReader hides Len, so the reader cannot know the input size.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestPDQRoundTrip(t *testing.T) {
	x, hs := smallPDQ(t)
	data := encode(t, x)
	for name, r := range map[string]io.Reader{
		"sized":    bytes.NewReader(data),
		"unsized":  onlyReader{bytes.NewReader(data)},
		"one-byte": iotest.OneByteReader(bytes.NewReader(data)),
	} {
		y, err := ReadPDQ(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if again := encode(t, y); !bytes.Equal(again, data) {
			t.Fatalf("%s: re-encoding differs", name)
		}
		for i := 0; i < len(hs); i += 7 {
			for _, d := range []int{0, 10, 31} {
				a, b := x.AppendMatches(nil, hs[i], d), y.AppendMatches(nil, hs[i], d)
				if !slices.Equal(a, b) || len(a) == 0 {
					t.Fatalf("%s: hash %d at %d: %v vs %v", name, i, d, a, b)
				}
			}
		}
	}
}

func TestExactRoundTrip(t *testing.T) {
	x, want := smallExact(t)
	data := encode(t, x)
	y, err := ReadExact(onlyReader{bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if again := encode(t, y); !bytes.Equal(again, data) {
		t.Fatal("re-encoding differs")
	}
	for k, m := range want {
		for d, ids := range m {
			if got := y.AppendIDs(nil, k, []byte(d)); !slices.Equal(got, ids) {
				t.Fatalf("%s: %v, want %v", k, got, ids)
			}
		}
	}
}

func TestWriteFile(t *testing.T) {
	x, _ := smallPDQ(t)
	path := filepath.Join(t.TempDir(), "bank.pdqx")
	if err := WriteFile(path, x); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := ReadPDQ(f); err != nil {
		t.Fatal(err)
	}
	// A file of the other kind is rejected.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadExact(f); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ReadExact of a pdq index: %v", err)
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "missing", "x"), x); err == nil {
		t.Error("WriteFile into a missing directory: no error")
	}
}

// TestCorruptionDetected flips, truncates and extends index files: every
// damaged file must be rejected with ErrCorrupt.
func TestCorruptionDetected(t *testing.T) {
	x, _ := smallPDQ(t)
	e, _ := smallExact(t)
	files := map[string]struct {
		data []byte
		read func(io.Reader) error
	}{
		"pdq":   {encode(t, x), func(r io.Reader) error { _, err := ReadPDQ(r); return err }},
		"exact": {encode(t, e), func(r io.Reader) error { _, err := ReadExact(r); return err }},
	}
	r := rand.New(rand.NewPCG(25, 26))
	for name, f := range files {
		check := func(what string, data []byte) {
			t.Helper()
			for _, rd := range []io.Reader{bytes.NewReader(data), onlyReader{bytes.NewReader(data)}} {
				if err := f.read(rd); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s %s: err %v, want ErrCorrupt", name, what, err)
				}
			}
		}
		positions := []int{0, 7, 8, 12, 16, 20, len(f.data) - 1}
		for i := 0; i < 300; i++ {
			positions = append(positions, r.IntN(len(f.data)))
		}
		for _, p := range positions {
			bad := slices.Clone(f.data)
			bad[p] ^= 1 << r.IntN(8)
			check("bit flip", bad)
		}
		for _, n := range []int{0, 1, 15, 16, 40, len(f.data) / 2, len(f.data) - 1} {
			check("truncated", f.data[:n])
		}
		check("extended", append(slices.Clone(f.data), 0))
	}
}

// TestCraftedHeaderCannotOverallocate: a header announcing a huge index
// over a tiny unsized input fails without allocating the announced size.
func TestCraftedHeaderCannotOverallocate(t *testing.T) {
	hdr := func(magic string, fields []uint64) []byte {
		var buf bytes.Buffer
		writeIndex(&buf, magic, fields, nil)
		return buf.Bytes()
	}
	pdqFields := []uint64{maxPDQHashes, maxPDQHashes, 11}
	for range 11 {
		pdqFields = append(pdqFields, wideBB)
	}
	exactFields := []uint64{1 << 31, 1 << 31, exactBuckets(MD5, 1<<31), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	var ms0, ms1 runtimeMem
	ms0.read()
	if _, err := ReadPDQ(onlyReader{bytes.NewReader(hdr(pdqMagic, pdqFields))}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("pdq: %v", err)
	}
	if _, err := ReadExact(onlyReader{bytes.NewReader(hdr(exactMagic, exactFields))}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("exact: %v", err)
	}
	ms1.read()
	if grew := ms1.total - ms0.total; grew > 1<<30 {
		t.Errorf("allocated %d bytes for a crafted header", grew)
	}
}

func FuzzReadPDQ(f *testing.F) {
	x, hs := smallPDQ(f)
	data := encode(f, x)
	f.Add(data)
	f.Add(data[:100])
	empty, _ := NewPDQ(nil, nil)
	f.Add(encode(f, empty))
	f.Fuzz(func(t *testing.T, b []byte) {
		y, err := ReadPDQ(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		for _, d := range []int{0, 31, 80} {
			y.AppendMatches(nil, hs[0], d)
		}
		if again := encode(t, y); !bytes.Equal(again, b) {
			t.Fatal("accepted input does not re-encode to itself")
		}
	})
}

func FuzzReadExact(f *testing.F) {
	x, want := smallExact(f)
	data := encode(f, x)
	f.Add(data)
	f.Add(data[:50])
	var b ExactBuilder
	f.Add(encode(f, b.Build()))
	var probe []byte
	for d := range want[MD5] {
		probe = []byte(d)
		break
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		y, err := ReadExact(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		y.Contains(MD5, probe)
		y.LookupBatch(MD5, probe, func(int, uint32) {})
		if again := encode(t, y); !bytes.Equal(again, b) {
			t.Fatal("accepted input does not re-encode to itself")
		}
	})
}

type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.total = s.TotalAlloc
}

// TestReadFile reads both indexes from files (mapped where the host
// allows): the same answers as the originals, every array 8-byte aligned,
// and a damaged or truncated file rejected with ErrCorrupt.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	px, hs := smallPDQ(t)
	ex, want := smallExact(t)
	pp, ep := filepath.Join(dir, "x.pdq"), filepath.Join(dir, "x.exact")
	if err := WriteFile(pp, px); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(ep, ex); err != nil {
		t.Fatal(err)
	}
	py, err := ReadPDQFile(pp)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(hs); i += 5 {
		a, b := px.AppendMatches(nil, hs[i], 31), py.AppendMatches(nil, hs[i], 31)
		if !slices.Equal(a, b) || len(a) == 0 {
			t.Fatalf("hash %d: %v vs %v", i, a, b)
		}
	}
	for _, tb := range py.tables {
		for _, s := range [][]uint32{tb.post, tb.off, tb.base} {
			if len(s) > 0 && uintptr(unsafe.Pointer(&s[0]))%4 != 0 {
				t.Fatal("misaligned array")
			}
		}
	}
	ey, err := ReadExactFile(ep)
	if err != nil {
		t.Fatal(err)
	}
	for k, m := range want {
		for d, ids := range m {
			if got := ey.AppendIDs(nil, k, []byte(d)); !slices.Equal(got, ids) {
				t.Fatalf("%s: %v, want %v", k, got, ids)
			}
		}
	}
	for _, p := range []string{pp, ep} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range [][]byte{data[:len(data)-8], append(slices.Clone(data), 0), flipByte(data, len(data)-3)} {
			if err := os.WriteFile(p, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err1 := ReadPDQFile(p)
			_, err2 := ReadExactFile(p)
			if !errors.Is(err1, ErrCorrupt) || !errors.Is(err2, ErrCorrupt) {
				t.Fatalf("%s damaged: %v, %v", p, err1, err2)
			}
		}
	}
}

func flipByte(b []byte, i int) []byte {
	c := slices.Clone(b)
	c[i] ^= 0x10
	return c
}

// TestPDQResident: the resident copy of an index read from its file
// answers every search as the mapped index does, encodes to the same
// bytes, and shares no array with the mapping.
func TestPDQResident(t *testing.T) {
	px, hs := smallPDQ(t)
	pp := filepath.Join(t.TempDir(), "x.pdq")
	if err := WriteFile(pp, px); err != nil {
		t.Fatal(err)
	}
	mapped, err := ReadPDQFile(pp)
	if err != nil {
		t.Fatal(err)
	}
	res := mapped.Resident()
	if !bytes.Equal(encode(t, res), encode(t, mapped)) {
		t.Fatal("the resident copy encodes differently")
	}
	r := rand.New(rand.NewPCG(31, 32))
	for i := range hs {
		q := hs[i]
		for range r.IntN(40) {
			b := r.IntN(256)
			q[b/8] ^= 1 << (b % 8)
		}
		for _, d := range []int{0, 16, 31} {
			a, b := mapped.AppendMatches(nil, q, d), res.AppendMatches(nil, q, d)
			if !slices.Equal(a, b) {
				t.Fatalf("hash %d at %d: mapped %v, resident %v", i, d, a, b)
			}
		}
	}
	same := func(a, b []uint32) bool { return len(a) > 0 && len(b) > 0 && &a[0] == &b[0] }
	if &res.words[0] == &mapped.words[0] || same(res.ids, mapped.ids) || same(res.idOff, mapped.idOff) {
		t.Fatal("the resident copy shares the mapping's arrays")
	}
	for i := range res.tables {
		if same(res.tables[i].post, mapped.tables[i].post) || same(res.tables[i].base, mapped.tables[i].base) || same(res.tables[i].off, mapped.tables[i].off) {
			t.Fatalf("table %d shares the mapping's arrays", i)
		}
	}
	// With the mapping released, the copy still answers.
	want := res.AppendMatches(nil, hs[3], 31)
	mapped = nil
	runtime.GC()
	runtime.GC()
	if got := res.AppendMatches(nil, hs[3], 31); !slices.Equal(got, want) || len(got) == 0 {
		t.Fatalf("after the mapping's release: %v, want %v", got, want)
	}
}
