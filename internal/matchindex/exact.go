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

// Grow reserves room for n more digests of kind k, which avoids the
// transient doubling of memory that appending would cause at large sizes.
func (b *ExactBuilder) Grow(k Kind, n int) {
	if k.Size() == 0 || n <= 0 {
		return
	}
	stride := k.Size() + 4
	r := b.recs[k]
	if want := (len(r)/stride + n) * stride; cap(r) < want {
		nr := make([]byte, len(r), want)
		adviseHuge(nr)
		copy(nr, r)
		b.recs[k] = nr
	}
}

// MaxExactID bounds the ids of the exact index: ids are below 1<<31 (the
// top bit marks a digest with several ids).
const MaxExactID = 1<<31 - 1

// Add records that digest (of kind k) belongs to record id (at most
// MaxExactID). Adding the same pair twice stores it once.
func (b *ExactBuilder) Add(k Kind, digest []byte, id uint32) error {
	if k.Size() == 0 {
		return fmt.Errorf("exact index: unknown digest kind %d", k)
	}
	if len(digest) != k.Size() {
		return fmt.Errorf("exact index: %s digest of %d bytes, want %d", k, len(digest), k.Size())
	}
	if id > MaxExactID {
		return fmt.Errorf("exact index: id %d above %d", id, MaxExactID)
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
// builder.
func (b *ExactBuilder) Build() *Exact {
	x := &Exact{}
	for k := Kind(1); k < numKinds; k++ {
		x.tables[k] = buildExactTable(b.recs[k], k)
		b.recs[k] = nil
	}
	return x
}

// Exact maps digests to record ids. It is immutable and safe for
// concurrent use.
type Exact struct {
	tables [numKinds]exactTable
}

// exactTable holds one kind as a bucketed two-choice (cuckoo) hash table.
// Each distinct digest is one entry (digest, then a little-endian uint32
// id field) in one of two buckets: b1 from digest bytes 0..7 and b2 from
// bytes 8..15, each a little-endian number scaled to the bucket count by
// a multiply-shift (the digests are cryptographic, so their bytes are
// already uniformly spread: no hashing). A bucket is bucketBytes long
// (one 64-byte cache line for MD5, two for SHA-1 and SHA-256): up to
// perBucket entries, then in its last byte the entry count (bits 0-6) and
// a flag (bit 7) that some digest whose b1 or b2 is this bucket is in the
// stash. A lookup reads both buckets (two independent memory accesses,
// whose misses overlap) and compares at most 2*perBucket entries: a fixed,
// small amount of work, with no scan whose length depends on the data, so
// the processor can overlap consecutive lookups too.
//
// An id field with the top bit clear is the digest's only id; with it set,
// its low 31 bits index multi, where a count is followed by that many ids
// in ascending order. Entries that the cuckoo insertion could not place
// (only non-random digests sharing both bucket keys, in practice) are in
// the stash, sorted by digest, searched by bisection.
type exactTable struct {
	kind                                Kind
	keyLen, stride, perBucket, bucketSz int
	n                                   int    // (digest, id) pairs
	entries                             int    // distinct digests
	buckets                             uint64 // bucket count
	recs                                []byte // buckets * bucketSz
	stash                               []byte // sorted entries
	multi                               []uint32
}

const (
	exactMultiFlag = 1 << 31
	exactStashFlag = 0x80
	exactCountMask = 0x7f
	// exactLoad is the share of bucket entries filled, in tenths: a
	// (2, 3) cuckoo table fills to about 0.918 before insertions fail.
	exactLoad = 9
	// exactMaxKicks bounds one insertion's evictions before the entry
	// left without a place goes to the stash.
	exactMaxKicks = 500
)

// exactShape gives a kind's bucket size in bytes and entries per bucket.
func exactShape(k Kind) (bucketSz, perBucket int) {
	bucketSz = 64
	if k != MD5 {
		bucketSz = 128
	}
	return bucketSz, (bucketSz - 1) / (k.Size() + 4)
}

// exactBuckets is the bucket count for entries distinct digests.
func exactBuckets(k Kind, entries int) uint64 {
	if entries == 0 {
		return 0
	}
	_, per := exactShape(k)
	return uint64(entries)*10/uint64(exactLoad*per) + 1
}

func newExactTable(k Kind) exactTable {
	sz, per := exactShape(k)
	return exactTable{kind: k, keyLen: k.Size(), stride: k.Size() + 4, perBucket: per, bucketSz: sz}
}

func mulHi(q, m uint64) uint64 {
	h, _ := bits.Mul64(q, m)
	return h
}

// homes returns digest's two buckets.
func (t *exactTable) homes(digest []byte) (uint64, uint64) {
	return mulHi(binary.LittleEndian.Uint64(digest), t.buckets), mulHi(binary.LittleEndian.Uint64(digest[8:]), t.buckets)
}

func buildExactTable(recs []byte, k Kind) exactTable {
	t := newExactTable(k)
	stride, keyLen := t.stride, t.keyLen
	adviseHuge(recs)
	sortRecords(recs, stride, keyLen)
	// One entry per distinct digest; repeated pairs dropped, several ids
	// moved to multi.
	n := len(recs) / stride
	w := 0
	for i := 0; i < n; {
		key := recs[i*stride : i*stride+keyLen]
		j := i + 1
		for j < n && bytes.Equal(recs[j*stride:j*stride+keyLen], key) {
			j++
		}
		ids := []uint32{binary.LittleEndian.Uint32(recs[i*stride+keyLen:])}
		for r := i + 1; r < j; r++ {
			if id := binary.LittleEndian.Uint32(recs[r*stride+keyLen:]); id != ids[len(ids)-1] {
				ids = append(ids, id)
			}
		}
		copy(recs[w*stride:], recs[i*stride:i*stride+stride])
		if len(ids) > 1 {
			binary.LittleEndian.PutUint32(recs[w*stride+keyLen:], exactMultiFlag|uint32(len(t.multi)))
			t.multi = append(t.multi, uint32(len(ids)))
			t.multi = append(t.multi, ids...)
		}
		t.n += len(ids)
		w++
		i = j
	}
	t.entries = w
	if w == 0 {
		return t
	}
	t.place(recs[:w*stride])
	return t
}

// place puts the sorted entries into buckets: first every entry that
// fits into its first bucket (in order, so these writes are sequential),
// then the rest by cuckoo insertion.
func (t *exactTable) place(entries []byte) {
	stride, sz, per := t.stride, t.bucketSz, t.perBucket
	t.buckets = exactBuckets(t.kind, len(entries)/stride)
	t.recs = make([]byte, int(t.buckets)*sz)
	adviseHuge(t.recs)
	var spill []int
	for e := 0; e*stride < len(entries); e++ {
		rec := entries[e*stride : (e+1)*stride]
		b1, _ := t.homes(rec)
		bk := t.recs[int(b1)*sz : int(b1+1)*sz]
		if c := int(bk[sz-1]); c < per {
			copy(bk[c*stride:], rec)
			bk[sz-1]++
		} else {
			spill = append(spill, e)
		}
	}
	var stash []byte
	rng := uint64(0x9e3779b97f4a7c15)
	var cur, tmp [64]byte
	for _, e := range spill {
		copy(cur[:stride], entries[e*stride:])
		_, b := t.homes(cur[:stride])
		placed := false
		for kick := 0; kick <= exactMaxKicks; kick++ {
			bk := t.recs[int(b)*sz : int(b+1)*sz]
			if c := int(bk[sz-1] & exactCountMask); c < per {
				copy(bk[c*stride:], cur[:stride])
				bk[sz-1]++
				placed = true
				break
			}
			// Evict a pseudo-random entry to its other bucket.
			rng ^= rng << 13
			rng ^= rng >> 7
			rng ^= rng << 17
			v := int(rng % uint64(per))
			copy(tmp[:stride], bk[v*stride:])
			copy(bk[v*stride:], cur[:stride])
			cur, tmp = tmp, cur
			h1, h2 := t.homes(cur[:stride])
			if h1 == b {
				b = h2
			} else {
				b = h1
			}
		}
		if !placed {
			stash = append(stash, cur[:stride]...)
			h1, h2 := t.homes(cur[:stride])
			t.recs[int(h1+1)*sz-1] |= exactStashFlag
			t.recs[int(h2+1)*sz-1] |= exactStashFlag
		}
	}
	if len(stash) > 0 {
		sortRecords(stash, stride, t.keyLen)
		t.stash = stash
	}
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
		t := &x.tables[k]
		s += int64(len(t.recs)) + int64(len(t.stash)) + 4*int64(len(t.multi))
	}
	return s
}

// get returns digest's id field and whether digest is present.
func (t *exactTable) get(digest []byte) (uint32, bool) {
	switch t.keyLen {
	case 16:
		return t.getMD5(digest)
	case 20:
		return t.getSHA1(digest)
	case 32:
		return t.getSHA256(digest)
	}
	return 0, false
}

// getMD5, getSHA1 and getSHA256 look digest up in its two buckets, and in
// the stash when either bucket says so.
//
// They are written for the processor's window. Every slot of both
// buckets is loaded and compared with no branch on the loaded data (a
// match selects its id field by conditional moves, which the compiler
// emits because no later load's address depends on them), so the
// processor runs ahead into the next lookups while this one waits for
// memory; and the instructions between loads are few (one function with
// the layout's constants, one bounds check per bucket), so several
// lookups fit in that window (docs/performance.md has the figures). Slots past a bucket's count are not masked: the build leaves
// them zero (an entry is only ever appended to a bucket or swapped with
// one of its entries), so only a digest whose bytes are all zero could
// match one, and that digest takes getScan, which checks the counts. (A
// forged file with other bytes there can give wrong answers, as the file
// format allows, but every access stays in bounds.)
func (t *exactTable) getMD5(digest []byte) (uint32, bool) {
	if len(digest) != 16 || t.buckets == 0 {
		return 0, false
	}
	w0, w1 := binary.LittleEndian.Uint64(digest), binary.LittleEndian.Uint64(digest[8:])
	h1, h2 := mulHi(w0, t.buckets), mulHi(w1, t.buckets)
	b1, b2 := (*[64]byte)(t.recs[h1*64:]), (*[64]byte)(t.recs[h2*64:])
	var id, found uint64
	slot := func(b *[64]byte, off int) {
		x := (binary.LittleEndian.Uint64(b[off:]) ^ w0) | (binary.LittleEndian.Uint64(b[off+8:]) ^ w1)
		f := uint64(binary.LittleEndian.Uint32(b[off+16:]))
		if x == 0 {
			id, found = f, 1
		}
	}
	slot(b1, 0)
	slot(b1, 20)
	slot(b1, 40)
	slot(b2, 0)
	slot(b2, 20)
	slot(b2, 40)
	if w0|w1 == 0 {
		return t.getScan(h1, h2, digest)
	}
	if found != 0 {
		return uint32(id), true
	}
	if (b1[63]|b2[63])&exactStashFlag != 0 {
		return t.getStash(digest)
	}
	return 0, false
}

// getSHA1: see getMD5; five entries 24 bytes apart in 128-byte buckets.
func (t *exactTable) getSHA1(digest []byte) (uint32, bool) {
	if len(digest) != 20 || t.buckets == 0 {
		return 0, false
	}
	w0, w1 := binary.LittleEndian.Uint64(digest), binary.LittleEndian.Uint64(digest[8:])
	w2 := uint64(binary.LittleEndian.Uint32(digest[16:]))
	h1, h2 := mulHi(w0, t.buckets), mulHi(w1, t.buckets)
	b1, b2 := (*[128]byte)(t.recs[h1*128:]), (*[128]byte)(t.recs[h2*128:])
	var id, found uint64
	slot := func(b *[128]byte, off int) {
		x := (binary.LittleEndian.Uint64(b[off:]) ^ w0) | (binary.LittleEndian.Uint64(b[off+8:]) ^ w1) |
			(uint64(binary.LittleEndian.Uint32(b[off+16:])) ^ w2)
		f := uint64(binary.LittleEndian.Uint32(b[off+20:]))
		if x == 0 {
			id, found = f, 1
		}
	}
	slot(b1, 0)
	slot(b1, 24)
	slot(b1, 48)
	slot(b1, 72)
	slot(b1, 96)
	slot(b2, 0)
	slot(b2, 24)
	slot(b2, 48)
	slot(b2, 72)
	slot(b2, 96)
	if w0|w1|w2 == 0 {
		return t.getScan(h1, h2, digest)
	}
	if found != 0 {
		return uint32(id), true
	}
	if (b1[127]|b2[127])&exactStashFlag != 0 {
		return t.getStash(digest)
	}
	return 0, false
}

// getSHA256: see getMD5; three entries 36 bytes apart in 128-byte
// buckets.
func (t *exactTable) getSHA256(digest []byte) (uint32, bool) {
	if len(digest) != 32 || t.buckets == 0 {
		return 0, false
	}
	d := (*[32]byte)(digest)
	w0, w1 := binary.LittleEndian.Uint64(d[0:]), binary.LittleEndian.Uint64(d[8:])
	w2, w3 := binary.LittleEndian.Uint64(d[16:]), binary.LittleEndian.Uint64(d[24:])
	h1, h2 := mulHi(w0, t.buckets), mulHi(w1, t.buckets)
	b1, b2 := (*[128]byte)(t.recs[h1*128:]), (*[128]byte)(t.recs[h2*128:])
	var id, found uint64
	slot := func(b *[128]byte, off int) {
		x := (binary.LittleEndian.Uint64(b[off:]) ^ w0) | (binary.LittleEndian.Uint64(b[off+8:]) ^ w1) |
			(binary.LittleEndian.Uint64(b[off+16:]) ^ w2) | (binary.LittleEndian.Uint64(b[off+24:]) ^ w3)
		f := uint64(binary.LittleEndian.Uint32(b[off+32:]))
		if x == 0 {
			id, found = f, 1
		}
	}
	slot(b1, 0)
	slot(b1, 36)
	slot(b1, 72)
	slot(b2, 0)
	slot(b2, 36)
	slot(b2, 72)
	if w0|w1|w2|w3 == 0 {
		return t.getScan(h1, h2, digest)
	}
	if found != 0 {
		return uint32(id), true
	}
	if (b1[127]|b2[127])&exactStashFlag != 0 {
		return t.getStash(digest)
	}
	return 0, false
}

// getScan looks digest up among the first count entries of buckets h1
// and h2, one by one, then in the stash when either bucket says so: the
// plain form of the compares above, for the digest that could match an
// unused slot.
func (t *exactTable) getScan(h1, h2 uint64, digest []byte) (uint32, bool) {
	sz, stride, kl, stash := t.bucketSz, t.stride, t.keyLen, false
	for _, h := range [2]uint64{h1, h2} {
		bk := t.recs[int(h)*sz : int(h+1)*sz]
		for e := range min(int(bk[sz-1]&exactCountMask), t.perBucket) {
			if r := bk[e*stride : e*stride+stride]; bytes.Equal(r[:kl], digest) {
				return binary.LittleEndian.Uint32(r[kl:]), true
			}
		}
		stash = stash || bk[sz-1]&exactStashFlag != 0
	}
	if stash {
		return t.getStash(digest)
	}
	return 0, false
}

func (t *exactTable) getStash(digest []byte) (uint32, bool) {
	stride, kl := t.stride, t.keyLen
	lo, hi := 0, len(t.stash)/stride
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(t.stash[mid*stride:mid*stride+kl], digest); {
		case c == 0:
			return binary.LittleEndian.Uint32(t.stash[mid*stride+kl:]), true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// ids returns the ids an id field stands for: one id, or a list in multi
// (empty when a damaged file's index is out of range).
func (t *exactTable) ids(field uint32) (one uint32, list []uint32) {
	if field&exactMultiFlag == 0 {
		return field, nil
	}
	i := uint64(field &^ exactMultiFlag)
	if i >= uint64(len(t.multi)) {
		return 0, []uint32{}
	}
	c := uint64(t.multi[i])
	if c > uint64(len(t.multi))-i-1 {
		return 0, []uint32{}
	}
	return 0, t.multi[i+1 : i+1+c]
}

// exactBatch is how many lookups LookupBatch starts before finishing any.
const exactBatch = 32

// LookupBatch looks up the digests of kind k packed end to end in
// digests and calls fn(i, id) for every id of digest i, in order; it
// returns the number of calls. It first touches every digest's buckets
// and then compares, so the cache misses of a batch overlap. A trailing
// partial digest is ignored.
func (x *Exact) LookupBatch(k Kind, digests []byte, fn func(i int, id uint32)) int {
	size := k.Size()
	if size == 0 {
		return 0
	}
	t := &x.tables[k]
	if t.buckets == 0 {
		return 0
	}
	nd := len(digests) / size
	calls := 0
	var sink byte
	for base := 0; base < nd; base += exactBatch {
		cnt := min(exactBatch, nd-base)
		for j := 0; j < cnt; j++ {
			h1, h2 := t.homes(digests[(base+j)*size:])
			sink += t.recs[int(h1)*t.bucketSz] + t.recs[int(h2)*t.bucketSz]
		}
		for j := 0; j < cnt; j++ {
			f, ok := t.get(digests[(base+j)*size : (base+j+1)*size])
			if !ok {
				continue
			}
			one, list := t.ids(f)
			if list == nil {
				fn(base+j, one)
				calls++
				continue
			}
			for _, id := range list {
				fn(base+j, id)
			}
			calls += len(list)
		}
	}
	exactSink += sink
	return calls
}

// exactSink keeps LookupBatch's touching loads from being optimised away.
//
//lint:ignore U1000 written only, on purpose
var exactSink byte

// Lookup calls fn with every id recorded for digest, in ascending order,
// and returns how many there were. A digest of the wrong length for k
// matches nothing.
func (x *Exact) Lookup(k Kind, digest []byte, fn func(id uint32)) int {
	if k.Size() == 0 {
		return 0
	}
	t := &x.tables[k]
	f, ok := t.get(digest)
	if !ok {
		return 0
	}
	one, list := t.ids(f)
	if list == nil {
		fn(one)
		return 1
	}
	for _, id := range list {
		fn(id)
	}
	return len(list)
}

// AppendIDs appends the ids recorded for digest to dst, in ascending
// order; it does not allocate when nothing matches or dst has room.
func (x *Exact) AppendIDs(dst []uint32, k Kind, digest []byte) []uint32 {
	if k.Size() == 0 {
		return dst
	}
	t := &x.tables[k]
	f, ok := t.get(digest)
	if !ok {
		return dst
	}
	one, list := t.ids(f)
	if list == nil {
		return append(dst, one)
	}
	return append(dst, list...)
}

// Contains reports whether digest is in the index.
func (x *Exact) Contains(k Kind, digest []byte) bool {
	if k.Size() == 0 {
		return false
	}
	_, ok := x.tables[k].get(digest)
	return ok
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
