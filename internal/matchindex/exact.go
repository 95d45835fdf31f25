package matchindex

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"runtime"
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

// Grow reserves room for n more digests of kind k, and for the index's
// empty slots, which avoids the transient doubling of memory that
// appending (or Build) would cause at large sizes.
func (b *ExactBuilder) Grow(k Kind, n int) {
	if k.Size() == 0 || n <= 0 {
		return
	}
	stride := k.Size() + 4
	r := b.recs[k]
	if want := exactSlots(len(r)/stride+n) * stride; cap(r) < want {
		nr := make([]byte, len(r), want)
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

// exactTable holds one kind as an ordered linear-probing table: the n
// distinct (digest, id) records in ascending order, record r in slot
// pos(r) = max(home(r), pos(r-1)+1), where home(digest) = (first 8 bytes
// as a big-endian number * m) >> 64 spreads the digests over m home
// slots. A slot no record took holds a copy of the next record. The slots
// are then in ascending order and every record with a given digest is at
// or after its home slot, so a lookup is one scan forward from the home
// slot: on uniformly spread digests (cryptographic hashes), about one
// cache line, with no table in front.
type exactTable struct {
	keyLen, stride int
	n              int    // distinct (digest, id) records
	slots          int    // slots in recs
	m              uint64 // home slots
	recs           []byte
}

// exactSlack gives the empty slots: m = n + n/exactSlack, so an MD5 record
// costs 20*8/7 = 22.9 bytes and a lookup scans about 4 slots.
const exactSlack = 7

func exactHomes(n int) uint64 { return uint64(n) + uint64(n)/exactSlack }

// exactSlots bounds the slots n records take (home slots plus the tail
// past the last home slot).
func exactSlots(n int) int { return int(exactHomes(n)) + 256 }

func (t *exactTable) home(q uint64) int {
	h, _ := bits.Mul64(q, t.m)
	return int(h)
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
	t := exactTable{keyLen: keyLen, stride: stride, n: w}
	if w == 0 {
		return t
	}
	t.m = exactHomes(w)
	t.recs = t.spread(recs[:w*stride])
	return t
}

// spread moves the n sorted records of recs to their slots, in place
// when recs has the capacity, and returns the slots.
func (t *exactTable) spread(recs []byte) []byte {
	stride, n := t.stride, len(recs)/t.stride
	homeOf := func(r int) int { return t.home(binary.BigEndian.Uint64(recs[r*stride:])) }
	// Positions, kept every chunk records; the back-to-front move below
	// recomputes them chunk by chunk.
	const chunk = 4096
	prevPos := make([]int, (n+chunk-1)/chunk) // slot of the record before each chunk
	p := -1
	for r := 0; r < n; r++ {
		if r%chunk == 0 {
			prevPos[r/chunk] = p
		}
		p = max(homeOf(r), p+1)
	}
	t.slots = p + 1
	need := t.slots * stride
	if cap(recs) >= need && cap(recs) <= need+need/4 {
		recs = recs[:need]
	} else {
		nr := make([]byte, need)
		adviseHuge(nr)
		copy(nr, recs)
		recs = nr
	}
	// Back to front: record r moves to pos(r) >= r, and the slots it
	// fills lie after pos(r-1) >= r-1, so nothing not yet moved is
	// overwritten.
	pos := make([]int, chunk)
	for c := len(prevPos) - 1; c >= 0; c-- {
		lo, hi := c*chunk, min(n, (c+1)*chunk)
		p := prevPos[c]
		for r := lo; r < hi; r++ {
			p = max(homeOf(r), p+1)
			pos[r-lo] = p
		}
		for r := hi - 1; r >= lo; r-- {
			dst := pos[r-lo]
			prev := prevPos[c]
			if r > lo {
				prev = pos[r-lo-1]
			}
			copy(recs[dst*stride:(dst+1)*stride], recs[r*stride:(r+1)*stride])
			for g := prev + 1; g < dst; g++ {
				copy(recs[g*stride:(g+1)*stride], recs[dst*stride:(dst+1)*stride])
			}
		}
	}
	return recs
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
		s += int64(len(x.tables[k].recs))
	}
	return s
}

// find returns the slots [lo, hi) whose digest equals digest; the ids of
// consecutive slots may repeat (a filled slot copies the next record).
func (t *exactTable) find(digest []byte) (int, int) {
	if len(digest) != t.keyLen || t.n == 0 {
		return 0, 0
	}
	return t.scan(t.home(binary.BigEndian.Uint64(digest)), digest)
}

// scan finds digest's slots from slot i, its home.
func (t *exactTable) scan(i int, digest []byte) (int, int) {
	q := binary.BigEndian.Uint64(digest)
	recs, stride, kl, slots := t.recs, t.stride, t.keyLen, t.slots
	for ; i < slots; i++ {
		rec := recs[i*stride : i*stride+kl]
		h := binary.BigEndian.Uint64(rec)
		if h < q {
			continue
		}
		if h > q {
			return i, i
		}
		c := bytes.Compare(rec[8:], digest[8:])
		if c < 0 {
			continue
		}
		if c > 0 {
			return i, i
		}
		break
	}
	j := i
	for j < slots && bytes.Equal(recs[j*stride:j*stride+kl], digest) {
		j++
	}
	return i, j
}

// ids calls fn with the distinct ids of slots [lo, hi) and returns how
// many there were.
func (t *exactTable) ids(lo, hi int, fn func(id uint32)) int {
	n := 0
	var last uint32
	for i := lo; i < hi; i++ {
		id := binary.LittleEndian.Uint32(t.recs[i*t.stride+t.keyLen:])
		if n > 0 && id == last {
			continue
		}
		fn(id)
		last = id
		n++
	}
	return n
}

// exactBatch is how many lookups LookupBatch starts before finishing any.
const exactBatch = 32

// LookupBatch looks up the digests of kind k packed end to end in
// digests and calls fn(i, id) for every id of digest i, in order; it
// returns the number of calls. It first touches every digest's home slot
// and then compares, so the cache misses of a batch overlap. A trailing
// partial digest is ignored.
func (x *Exact) LookupBatch(k Kind, digests []byte, fn func(i int, id uint32)) int {
	size := k.Size()
	if size == 0 {
		return 0
	}
	t := &x.tables[k]
	if t.n == 0 {
		return 0
	}
	nd := len(digests) / size
	calls := 0
	var homes [exactBatch]int
	var sink uint64
	for base := 0; base < nd; base += exactBatch {
		cnt := min(exactBatch, nd-base)
		for j := 0; j < cnt; j++ {
			h := t.home(binary.BigEndian.Uint64(digests[(base+j)*size:]))
			homes[j] = h
			if h < t.slots {
				sink += uint64(t.recs[h*t.stride])
			}
		}
		for j := 0; j < cnt; j++ {
			lo, hi := t.scan(homes[j], digests[(base+j)*size:(base+j+1)*size])
			calls += t.ids(lo, hi, func(id uint32) { fn(base+j, id) })
		}
	}
	exactSink += sink
	return calls
}

// exactSink keeps LookupBatch's touching loads from being optimised away.
//
//lint:ignore U1000 written only, on purpose
var exactSink uint64

// Lookup calls fn with every id recorded for digest, in ascending order,
// and returns how many there were. A digest of the wrong length for k
// matches nothing.
func (x *Exact) Lookup(k Kind, digest []byte, fn func(id uint32)) int {
	if k.Size() == 0 {
		return 0
	}
	t := &x.tables[k]
	lo, hi := t.find(digest)
	return t.ids(lo, hi, fn)
}

// AppendIDs appends the ids recorded for digest to dst, in ascending
// order; it does not allocate when nothing matches or dst has room.
func (x *Exact) AppendIDs(dst []uint32, k Kind, digest []byte) []uint32 {
	if k.Size() == 0 {
		return dst
	}
	t := &x.tables[k]
	lo, hi := t.find(digest)
	n0 := len(dst)
	for i := lo; i < hi; i++ {
		id := binary.LittleEndian.Uint32(t.recs[i*t.stride+t.keyLen:])
		if len(dst) > n0 && dst[len(dst)-1] == id {
			continue
		}
		dst = append(dst, id)
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
