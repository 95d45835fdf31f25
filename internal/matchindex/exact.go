package matchindex

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"runtime"
	"sort"
	"sync"
)

// Kind names a digest algorithm of the exact index. The values equal
// hashset.HashMD5, HashSHA1 and HashSHA256, so a hashset.HashKind converts
// with Kind(k).
type Kind uint8

// Digest kinds.
const (
	MD5    Kind = 1
	SHA1   Kind = 2
	SHA256 Kind = 3
)

const numKinds = 4 // index 0 unused

var kindNames = [numKinds]string{"", "md5", "sha1", "sha256"}
var kindSizes = [numKinds]int{0, 16, 20, 32}

func (k Kind) String() string {
	if k >= 1 && k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Size is the digest length in bytes (0 for an unknown kind).
func (k Kind) Size() int {
	if k < numKinds {
		return kindSizes[k]
	}
	return 0
}

// ExactBuilder collects (digest, id) pairs. The zero value is ready to use.
// It is not safe for concurrent use.
type ExactBuilder struct {
	recs [numKinds][]byte // key bytes then little-endian id, per record
}

// Grow reserves room for n more digests of kind k, which avoids the
// transient doubling of memory that appending would cause at large sizes.
func (b *ExactBuilder) Grow(k Kind, n int) {
	if k.Size() == 0 || n <= 0 {
		return
	}
	stride := k.Size() + 4
	r := b.recs[k]
	if cap(r)-len(r) < n*stride {
		nr := make([]byte, len(r), len(r)+n*stride)
		adviseHuge(nr)
		copy(nr, r)
		b.recs[k] = nr
	}
}

// Add records that digest (of kind k) belongs to record id. Adding the
// same pair twice stores it once.
func (b *ExactBuilder) Add(k Kind, digest []byte, id uint32) error {
	if k.Size() == 0 {
		return fmt.Errorf("exact index: unknown digest kind %d", k)
	}
	if len(digest) != k.Size() {
		return fmt.Errorf("exact index: %s digest of %d bytes, want %d", k, len(digest), k.Size())
	}
	r := append(b.recs[k], digest...)
	b.recs[k] = binary.LittleEndian.AppendUint32(r, id)
	return nil
}

// Len is the number of pairs added so far.
func (b *ExactBuilder) Len() int {
	n := 0
	for k := Kind(1); k < numKinds; k++ {
		n += len(b.recs[k]) / (k.Size() + 4)
	}
	return n
}

// Build sorts the pairs into an index, using all cores, and resets the
// builder. The index takes over the builder's memory.
func (b *ExactBuilder) Build() *Exact {
	x := &Exact{}
	for k := Kind(1); k < numKinds; k++ {
		x.tables[k] = buildExactTable(b.recs[k], k.Size())
		b.recs[k] = nil
	}
	return x
}

// Exact maps digests to record ids. It is immutable and safe for
// concurrent use.
type Exact struct {
	tables [numKinds]exactTable
}

// exactTable holds one kind: n sorted records and 2^bits+1 bucket offsets
// on the top bits of the digest.
type exactTable struct {
	keyLen, stride int
	n              int
	bits           uint
	recs           []byte
	off            []uint32
}

// exactBucketTarget is the least mean bucket size (buckets hold 8 to 16
// records): the interpolated position is then within a record or two of
// the key, for 0.25 to 0.5 byte of front table per record. Larger buckets
// (a cache-resident table) measured slower: the scan costs more than the
// front-table miss.
const exactBucketTarget = 8

func exactBits(n int) uint {
	var b uint
	for b < 40 && n>>(b+1) >= exactBucketTarget {
		b++
	}
	return b
}

func buildExactTable(recs []byte, keyLen int) exactTable {
	stride := keyLen + 4
	adviseHuge(recs)
	sortRecords(recs, stride, keyLen)
	// Drop repeated (digest, id) pairs.
	n := len(recs) / stride
	w := 0
	for i := 0; i < n; i++ {
		r := recs[i*stride : i*stride+stride]
		if w > 0 && bytes.Equal(recs[(w-1)*stride:w*stride], r) {
			continue
		}
		if w != i {
			copy(recs[w*stride:], r)
		}
		w++
	}
	recs = recs[:w*stride]
	if cap(recs) > len(recs)+len(recs)/8 {
		recs = append([]byte(nil), recs...) // do not keep builder slack
	}
	t := exactTable{keyLen: keyLen, stride: stride, n: w, bits: exactBits(w), recs: recs}
	t.off = exactOffsets(recs, stride, w, t.bits)
	return t
}

// exactOffsets builds the front table: off[b] is the first record whose
// top bits are >= b.
func exactOffsets(recs []byte, stride, n int, nbits uint) []uint32 {
	nb := 1 << nbits
	off := make([]uint32, nb+1)
	b := 0
	for i := 0; i < n; i++ {
		kb := int(topBits(recs[i*stride:], nbits))
		for b <= kb {
			off[b] = uint32(i)
			b++
		}
	}
	for b <= nb {
		off[b] = uint32(n)
		b++
	}
	return off
}

func topBits(key []byte, nbits uint) uint64 {
	if nbits == 0 {
		return 0
	}
	return binary.BigEndian.Uint64(key) >> (64 - nbits)
}

// Len is the number of (digest, id) pairs of kind k.
func (x *Exact) Len(k Kind) int {
	if k.Size() == 0 {
		return 0
	}
	return x.tables[k].n
}

// Bytes is the memory the index holds.
func (x *Exact) Bytes() int64 {
	var s int64
	for k := range x.tables {
		s += int64(len(x.tables[k].recs)) + 4*int64(len(x.tables[k].off))
	}
	return s
}

// find returns the range [lo, hi) of records equal to digest.
func (t *exactTable) find(digest []byte) (int, int) {
	if len(digest) != t.keyLen {
		return 0, 0
	}
	s, e, i := t.locate(digest)
	if s == e {
		return 0, 0
	}
	return t.resolve(s, e, i, binary.BigEndian.Uint64(t.recs[i*t.stride:]), digest)
}

// locate returns digest's bucket [s, e) and the interpolated position i
// in it (digest must be keyLen bytes).
func (t *exactTable) locate(digest []byte) (s, e, i int) {
	if t.n == 0 {
		return 0, 0, 0
	}
	q := binary.BigEndian.Uint64(digest)
	b := uint64(0)
	if t.bits > 0 {
		b = q >> (64 - t.bits)
	}
	off := t.off
	if b+1 >= uint64(len(off)) {
		return 0, 0, 0
	}
	s, e = int(off[b]), int(off[b+1])
	if s >= e {
		return s, s, s
	}
	// Interpolate: keys are uniform inside the bucket.
	p, _ := bits.Mul64(q<<t.bits, uint64(e-s))
	return s, e, s + int(p)
}

// resolve scans from position i (whose first key word is hi) to the
// records equal to digest.
func (t *exactTable) resolve(s, e, i int, hi uint64, digest []byte) (int, int) {
	q := binary.BigEndian.Uint64(digest)
	recs, stride := t.recs, t.stride
	// Interpolation lands within a few records on digests; if a bucket is
	// crowded (non-random keys), finish with a binary search.
	const linear = 16
	if hi < q || hi == q && bytes.Compare(recs[i*stride+8:i*stride+t.keyLen], digest[8:]) < 0 {
		lim := min(e, i+linear)
		for i++; i < lim && t.less(recs[i*stride:], q, digest); i++ {
		}
		if i == lim && i < e {
			i += sort.Search(e-i, func(j int) bool { return !t.less(recs[(i+j)*stride:], q, digest) })
		}
	} else {
		lim := max(s, i-linear)
		for i > lim && !t.less(recs[(i-1)*stride:], q, digest) {
			i--
		}
		if i == lim && i > s {
			i = s + sort.Search(i-s, func(j int) bool { return !t.less(recs[(s+j)*stride:], q, digest) })
		}
	}
	j := i
	for j < e && binary.BigEndian.Uint64(recs[j*stride:]) == q && bytes.Equal(recs[j*stride+8:j*stride+t.keyLen], digest[8:]) {
		j++
	}
	return i, j
}

// exactBatch is how many lookups LookupBatch starts before finishing any.
const exactBatch = 32

// LookupBatch looks up the digests of kind k packed end to end in
// digests and calls fn(i, id) for every id of digest i, in order; it
// returns the number of calls. It first touches every digest's record and
// then compares, so the cache misses of a batch overlap: on large indexes
// it is several times faster than one Lookup per digest. A trailing
// partial digest is ignored.
func (x *Exact) LookupBatch(k Kind, digests []byte, fn func(i int, id uint32)) int {
	size := k.Size()
	if size == 0 {
		return 0
	}
	t := &x.tables[k]
	nd := len(digests) / size
	calls := 0
	var pos [exactBatch][3]int
	var his [exactBatch]uint64
	for base := 0; base < nd; base += exactBatch {
		cnt := min(exactBatch, nd-base)
		// Two passes of independent loads: bucket bounds, then records.
		for j := 0; j < cnt; j++ {
			s, e, i := t.locate(digests[(base+j)*size : (base+j+1)*size])
			pos[j] = [3]int{s, e, i}
		}
		for j := 0; j < cnt; j++ {
			if p := pos[j]; p[0] < p[1] {
				his[j] = binary.BigEndian.Uint64(t.recs[p[2]*t.stride:])
			}
		}
		for j := 0; j < cnt; j++ {
			p := pos[j]
			if p[0] == p[1] {
				continue
			}
			d := digests[(base+j)*size : (base+j+1)*size]
			lo, hi := t.resolve(p[0], p[1], p[2], his[j], d)
			for r := lo; r < hi; r++ {
				fn(base+j, binary.LittleEndian.Uint32(t.recs[r*t.stride+t.keyLen:]))
			}
			calls += hi - lo
		}
	}
	return calls
}

// less reports whether the record key rec sorts before digest (whose
// first 8 bytes are q).
func (t *exactTable) less(rec []byte, q uint64, digest []byte) bool {
	h := binary.BigEndian.Uint64(rec)
	if h != q {
		return h < q
	}
	return bytes.Compare(rec[8:t.keyLen], digest[8:]) < 0
}

// Lookup calls fn with every id recorded for digest, in ascending order,
// and returns how many there were. A digest of the wrong length for k
// matches nothing.
func (x *Exact) Lookup(k Kind, digest []byte, fn func(id uint32)) int {
	if k.Size() == 0 {
		return 0
	}
	t := &x.tables[k]
	lo, hi := t.find(digest)
	for i := lo; i < hi; i++ {
		fn(binary.LittleEndian.Uint32(t.recs[i*t.stride+t.keyLen:]))
	}
	return hi - lo
}

// AppendIDs appends the ids recorded for digest to dst, in ascending
// order; it does not allocate when nothing matches or dst has room.
func (x *Exact) AppendIDs(dst []uint32, k Kind, digest []byte) []uint32 {
	if k.Size() == 0 {
		return dst
	}
	t := &x.tables[k]
	lo, hi := t.find(digest)
	for i := lo; i < hi; i++ {
		dst = append(dst, binary.LittleEndian.Uint32(t.recs[i*t.stride+t.keyLen:]))
	}
	return dst
}

// Contains reports whether digest is in the index.
func (x *Exact) Contains(k Kind, digest []byte) bool {
	if k.Size() == 0 {
		return false
	}
	lo, hi := x.tables[k].find(digest)
	return hi > lo
}

// sortRecords sorts fixed-stride records by key bytes, then id, with an
// in-place most-significant-digit radix sort (American flag sort); the
// first level's buckets are sorted in parallel.
func sortRecords(recs []byte, stride, keyLen int) {
	n := len(recs) / stride
	if n < 1<<16 {
		radixSort(recs, stride, keyLen, 0)
		return
	}
	starts := radixPass(recs, stride, 0)
	work := make(chan [2]int, 256)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				radixSort(recs[r[0]*stride:r[1]*stride], stride, keyLen, 1)
			}
		}()
	}
	for b := 0; b < 256; b++ {
		if starts[b+1]-starts[b] > 1 {
			work <- [2]int{starts[b], starts[b+1]}
		}
	}
	close(work)
	wg.Wait()
}

const insertionCutoff = 24

func radixSort(recs []byte, stride, keyLen, depth int) {
	n := len(recs) / stride
	if n <= insertionCutoff {
		insertionSort(recs, stride, keyLen)
		return
	}
	if depth == keyLen {
		// All keys equal: order by id.
		sortByID(recs, stride, keyLen)
		return
	}
	starts := radixPass(recs, stride, depth)
	for b := 0; b < 256; b++ {
		if starts[b+1]-starts[b] > 1 {
			radixSort(recs[starts[b]*stride:starts[b+1]*stride], stride, keyLen, depth+1)
		}
	}
}

// radixPass permutes records in place into 256 buckets on byte depth and
// returns the bucket starts (257 entries).
func radixPass(recs []byte, stride, depth int) [257]int {
	n := len(recs) / stride
	var count [256]int
	for i := 0; i < n; i++ {
		count[recs[i*stride+depth]]++
	}
	var starts [257]int
	var head [256]int
	for b := 0; b < 256; b++ {
		starts[b+1] = starts[b] + count[b]
		head[b] = starts[b]
	}
	var tmp, tmp2 [64]byte
	for b := 0; b < 256; b++ {
		end := starts[b+1]
		for head[b] < end {
			i := head[b]
			c := int(recs[i*stride+depth])
			if c == b {
				head[b]++
				continue
			}
			copy(tmp[:stride], recs[i*stride:])
			for c != b {
				j := head[c]
				head[c]++
				copy(tmp2[:stride], recs[j*stride:])
				copy(recs[j*stride:j*stride+stride], tmp[:stride])
				tmp, tmp2 = tmp2, tmp
				c = int(tmp[depth])
			}
			copy(recs[i*stride:i*stride+stride], tmp[:stride])
			head[b]++
		}
	}
	return starts
}

func recLess(a, b []byte, keyLen int) bool {
	if c := bytes.Compare(a[:keyLen], b[:keyLen]); c != 0 {
		return c < 0
	}
	return binary.LittleEndian.Uint32(a[keyLen:]) < binary.LittleEndian.Uint32(b[keyLen:])
}

func insertionSort(recs []byte, stride, keyLen int) {
	n := len(recs) / stride
	var tmp [64]byte
	for i := 1; i < n; i++ {
		if !recLess(recs[i*stride:], recs[(i-1)*stride:], keyLen) {
			continue
		}
		copy(tmp[:stride], recs[i*stride:])
		j := i
		for j > 0 && recLess(tmp[:stride], recs[(j-1)*stride:], keyLen) {
			j--
		}
		copy(recs[(j+1)*stride:(i+1)*stride], recs[j*stride:i*stride])
		copy(recs[j*stride:], tmp[:stride])
	}
}

// sortByID sorts records with equal keys by id (a counting-free heap
// sort: groups this large only come from one digest in many records).
func sortByID(recs []byte, stride, keyLen int) {
	n := len(recs) / stride
	id := func(i int) uint32 { return binary.LittleEndian.Uint32(recs[i*stride+keyLen:]) }
	swap := func(i, j int) {
		var tmp [64]byte
		copy(tmp[:stride], recs[i*stride:])
		copy(recs[i*stride:i*stride+stride], recs[j*stride:])
		copy(recs[j*stride:], tmp[:stride])
	}
	down := func(i, n int) {
		for {
			c := 2*i + 1
			if c >= n {
				return
			}
			if c+1 < n && id(c+1) > id(c) {
				c++
			}
			if id(i) >= id(c) {
				return
			}
			swap(i, c)
			i = c
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i, n)
	}
	for e := n - 1; e > 0; e-- {
		swap(0, e)
		down(0, e)
	}
}
