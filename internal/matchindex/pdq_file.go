package matchindex

import (
	"io"
	"runtime"
	"sync"
	"unsafe"
)

const pdqMagic = "VIBPDQ\x00\x00"

// PDQ file fields: distinct hashes n, ids, tables m (the substring layout
// follows from m), then per table its offset form: 255 for wide offsets,
// else the compact block bits bb. Content: the hashes (4n uint64,
// big-endian words of each hash stored as little-endian integers), idOff
// (n+1 uint32), ids, then per table its offsets (wide: 2^bits+1 uint32;
// compact: (2^bits>>bb)+1 uint32 block starts then 2^bits+1 bytes) and,
// after table 0, its posting list (n uint32).

// WriteTo writes the index in the format ReadPDQ reads.
func (x *PDQ) WriteTo(w io.Writer) (int64, error) {
	fields := []uint64{uint64(x.n), uint64(len(x.ids)), uint64(len(x.tables))}
	sections := [][]byte{leBytes(x.words), leBytes(x.idOff), leBytes(x.ids)}
	for _, t := range x.tables {
		if t.off != nil {
			fields = append(fields, wideBB)
			sections = append(sections, leBytes(t.off))
		} else {
			fields = append(fields, uint64(t.bb))
			sections = append(sections, leBytes(t.base), t.rel)
		}
		sections = append(sections, leBytes(t.post))
	}
	return writeIndex(w, pdqMagic, fields, sections)
}

// ReadPDQ reads an index written by (*PDQ).WriteTo. A damaged, truncated
// or foreign input gives an error wrapping ErrCorrupt.
func ReadPDQ(r io.Reader) (*PDQ, error) { return readPDQ(r, nil) }

func readPDQ(r io.Reader, mem []byte) (*PDQ, error) {
	rd, f, err := readHeader(r, "pdq index", pdqMagic)
	if err != nil {
		return nil, err
	}
	rd.mem = mem
	if len(f) < 3 {
		return nil, rd.errf("%d header fields, want at least 3", len(f))
	}
	n, nids, m := f[0], f[1], f[2]
	if n > maxPDQHashes || nids > maxPDQHashes || nids < n || m < 1 || m > MaxPDQTables || (256+m-1)/m > maxPDQSubBits {
		return nil, rd.errf("%d hashes, %d ids, %d tables", n, nids, m)
	}
	if uint64(len(f)) != 3+m {
		return nil, rd.errf("%d header fields, want %d", len(f), 3+m)
	}
	x := &PDQ{n: int(n), tables: pdqLayout(int(m))}
	content := pad8(32*n) + pad8(4*(n+1)) + pad8(4*nids)
	for i := range x.tables {
		t := &x.tables[i]
		nbk := uint64(1) << t.bits
		switch bb := f[3+i]; {
		case bb == wideBB:
			content += pad8(4 * (nbk + 1))
		case bb <= uint64(t.bits):
			t.bb = uint(bb)
			content += pad8(4*(nbk>>bb+1)) + pad8(nbk+1)
		default:
			return nil, rd.errf("table %d: offset form %d", i, bb)
		}
		if i > 0 {
			content += pad8(4 * n)
		}
	}
	if err := rd.expect(content); err != nil {
		return nil, err
	}
	if x.words, err = readSlice[uint64](rd, 4*n); err != nil {
		return nil, err
	}
	if x.idOff, err = readSlice[uint32](rd, n+1); err != nil {
		return nil, err
	}
	if x.ids, err = readSlice[uint32](rd, nids); err != nil {
		return nil, err
	}
	for i := range x.tables {
		t := &x.tables[i]
		nbk := uint64(1) << t.bits
		if f[3+i] == wideBB {
			if t.off, err = readSlice[uint32](rd, nbk+1); err != nil {
				return nil, err
			}
		} else {
			if t.base, err = readSlice[uint32](rd, nbk>>t.bb+1); err != nil {
				return nil, err
			}
			if t.rel, err = readSlice[uint8](rd, nbk+1); err != nil {
				return nil, err
			}
		}
		if i > 0 {
			if t.post, err = readSlice[uint32](rd, n); err != nil {
				return nil, err
			}
		}
	}
	if err := rd.finish(); err != nil {
		return nil, err
	}
	if err := x.check(); err != nil {
		return nil, rd.errf("%v", err)
	}
	return x, nil
}

type checkError string

func (e checkError) Error() string { return string(e) }

// check verifies the invariants Search relies on for memory safety and
// correctness (sorted distinct hashes, consistent offsets, postings in
// range). The hashes and each table are checked concurrently.
func (x *PDQ) check() error {
	n := uint32(x.n)
	if x.idOff[0] != 0 || x.idOff[n] != uint32(len(x.ids)) {
		return checkError("id offsets do not span the ids")
	}
	errs := make([]error, len(x.tables)+1)
	var wg sync.WaitGroup
	wg.Add(len(errs))
	go func() {
		defer wg.Done()
		for i := uint32(0); i < n; i++ {
			if x.idOff[i+1] <= x.idOff[i] {
				errs[0] = checkError("a hash without ids")
				return
			}
			if i > 0 && !wordsLess(x.hash(i-1), x.hash(i)) {
				errs[0] = checkError("hashes not sorted and distinct")
				return
			}
		}
	}()
	for ti := range x.tables {
		go func() {
			defer wg.Done()
			errs[ti+1] = x.checkTable(ti)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (x *PDQ) checkTable(ti int) error {
	n := uint32(x.n)
	t := &x.tables[ti]
	if err := t.checkOffsets(n); err != nil {
		return err
	}
	for _, p := range t.post {
		if p >= n {
			return checkError("posting out of range")
		}
	}
	if ti == 0 {
		// Bucket k must hold exactly the hashes whose leading bits are k.
		for k := uint32(0); k < 1<<t.bits; k++ {
			s, e := t.bounds(k)
			for i := s; i < e; i++ {
				if sub(x.hash(i), 0, t.bits) != k {
					return checkError("leading-bits table disagrees with the hashes")
				}
			}
		}
	}
	return nil
}

func wordsLess(a, b *[4]uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// checkOffsets verifies that the offsets start at 0, never decrease and
// end at n.
func (t *pdqTable) checkOffsets(n uint32) error {
	nbk := 1 << t.bits
	if t.off != nil {
		if t.off[0] != 0 || t.off[nbk] != n {
			return checkError("table offsets do not span the hashes")
		}
		for k := 1; k <= nbk; k++ {
			if t.off[k] < t.off[k-1] {
				return checkError("table offsets decrease")
			}
		}
		return nil
	}
	if t.base[0] != 0 || t.base[len(t.base)-1] != n || t.rel[nbk] != 0 {
		return checkError("table offsets do not span the hashes")
	}
	for b := 1; b < len(t.base); b++ {
		if t.base[b] < t.base[b-1] {
			return checkError("table offsets decrease")
		}
	}
	bs := 1 << t.bb
	for k := 0; k < nbk; k += bs {
		blk := t.rel[k : k+bs]
		if blk[0] != 0 {
			return checkError("table block does not start at its base")
		}
		for j := 1; j < bs; j++ {
			if blk[j] < blk[j-1] {
				return checkError("table offsets decrease")
			}
		}
		if t.base[k>>t.bb]+uint32(blk[bs-1]) > t.base[k>>t.bb+1] {
			return checkError("table block overruns the next")
		}
	}
	return nil
}

// Resident returns a copy of x whose arrays live in new memory advised to
// transparent huge pages, as a freshly built index's are. An index read
// from its cache file is mapped in the page cache's 4 KiB pages, and a
// search's random reads of posting lists and candidate hashes then miss
// the TLB far more: on a 10M-hash index, searches over the mapped file
// cost about 25% more CPU than over a built one. The copy is one
// anonymous mapping outside the Go heap (a heap the size of the index
// would double the collector's target), released when the copy is no
// longer reachable; it takes the index's size in new memory, first
// touched here, so a long-lived server makes it after it is ready and
// swaps it in.
func (x *PDQ) Resident() *PDQ {
	size := 0
	grow := func(n int) { size += (n + 63) &^ 63 }
	grow(len(byteView(x.words)))
	grow(len(byteView(x.idOff)))
	grow(len(byteView(x.ids)))
	for _, t := range x.tables {
		grow(len(byteView(t.base)))
		grow(len(byteView(t.rel)))
		grow(len(byteView(t.off)))
		grow(len(byteView(t.post)))
	}
	mem, unmap := anonMap(size)
	if mem != nil {
		adviseHuge(mem)
	}
	rest := mem
	y := &PDQ{n: x.n, tables: make([]pdqTable, len(x.tables))}
	y.words = residentCopy(x.words, &rest)
	y.idOff = residentCopy(x.idOff, &rest)
	y.ids = residentCopy(x.ids, &rest)
	for i, t := range x.tables {
		t.base, t.rel, t.off, t.post = residentCopy(t.base, &rest), residentCopy(t.rel, &rest), residentCopy(t.off, &rest), residentCopy(t.post, &rest)
		y.tables[i] = t
	}
	if mem != nil {
		runtime.AddCleanup(y, unmap, mem)
	}
	return y
}

// residentCopy copies s into the front of *mem (advancing it by the
// copy's size rounded up to 64 bytes), or onto the heap when *mem is nil.
func residentCopy[T uint32 | uint64 | byte](s []T, mem *[]byte) []T {
	if s == nil {
		return nil
	}
	var d []T
	if *mem == nil {
		d = make([]T, len(s))
		adviseHuge(d)
	} else {
		n := len(byteView(s))
		var z T
		d = unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(*mem))), n/int(unsafe.Sizeof(z)))
		*mem = (*mem)[min((n+63)&^63, len(*mem)):]
	}
	copy(d, s)
	return d
}
