package matchindex

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// PDQOptions tunes NewPDQWith. The zero value chooses everything.
type PDQOptions struct {
	// Tables is the number of substrings m (1..MaxPDQTables). Zero picks
	// substrings of about log2(n) bits.
	Tables int
}

// MaxPDQTables bounds PDQOptions.Tables (substrings of 8 bits).
const MaxPDQTables = 32

// maxPDQSubBits bounds a substring's length: a table holds 2^bits+1
// offsets (64 MB at 24 bits).
const maxPDQSubBits = 24

// maxPDQHashes bounds the index size (ordinals and offsets are uint32).
const maxPDQHashes = math.MaxUint32 - 1

// PDQ is an exact near-duplicate index over PDQ hashes. It is immutable
// and safe for concurrent use.
type PDQ struct {
	n      int      // distinct hashes
	words  []uint64 // 4 big-endian words per distinct hash, sorted ascending
	idOff  []uint32 // ids of hash i are ids[idOff[i]:idOff[i+1]]
	ids    []uint32
	tables []pdqTable
	pool   sync.Pool // *pdqScratch
}

// pdqTable indexes bits [start, start+bits) of every hash. Bucket k
// holds post[off(k):off(k+1)]. The offsets are compact when they fit:
// off(k) = base[k>>bb] + rel[k], about one byte per bucket; else wide:
// off(k) = off[k].
type pdqTable struct {
	start, bits uint
	bb          uint     // compact: log2 of buckets per block
	base        []uint32 // compact: (2^bits>>bb)+1 block starts
	rel         []uint8  // compact: 2^bits+1 offsets within the block
	off         []uint32 // wide: 2^bits+1 offsets (nil when compact)
	post        []uint32 // hash ordinals grouped by substring; nil for table 0 (identity)
}

// wideBB marks a table with wide offsets in the file header.
const wideBB = 0xff

// compact replaces wide offsets by base+rel when every block's entries
// fit in a byte; blocks hold about 64 entries on average.
func (t *pdqTable) compact(n int) {
	nbk := uint64(1) << t.bits
	bb := uint(0)
	for bb < 16 && bb < t.bits && float64(n)*math.Exp2(float64(bb+1))/float64(nbk) <= 64 {
		bb++
	}
	for ; ; bb-- {
		if base, rel, ok := compactOffsets(t.off, bb); ok {
			t.bb, t.base, t.rel, t.off = bb, base, rel, nil
			return
		}
		if bb == 0 {
			t.off = slices.Clone(t.off) // the wide offsets were scratch
			return
		}
	}
}

func compactOffsets(off []uint32, bb uint) ([]uint32, []uint8, bool) {
	nbk := len(off) - 1
	base := make([]uint32, nbk>>bb+1)
	rel := make([]uint8, nbk+1)
	adviseHuge(rel)
	for b := range base {
		base[b] = off[min(b<<bb, nbk)]
	}
	for k, o := range off {
		r := o - base[k>>bb]
		if r > 255 {
			return nil, nil, false
		}
		rel[k] = uint8(r)
	}
	return base, rel, true
}

// bounds returns bucket k's posting range.
func (t *pdqTable) bounds(k uint32) (uint32, uint32) {
	if t.off != nil {
		return t.off[k], t.off[k+1]
	}
	return t.base[k>>t.bb] + uint32(t.rel[k]), t.base[(k+1)>>t.bb] + uint32(t.rel[k+1])
}

// PDQMatch is one search result.
type PDQMatch struct {
	ID       uint32
	Distance int
}

// NewPDQ indexes hashes; hash i belongs to record ids[i], or to record i
// when ids is nil. It uses all cores.
func NewPDQ(hashes []pdq.Hash, ids []uint32) (*PDQ, error) {
	return NewPDQWith(hashes, ids, PDQOptions{})
}

// defaultPDQTables picks m = round(256/log2 n): substrings of about
// log2(n) bits, so a probed bucket holds about one hash (Norouzi et al.),
// within the bounds on m.
func defaultPDQTables(n int) int {
	minM := (256 + maxPDQSubBits - 1) / maxPDQSubBits
	if n < 2 {
		return MaxPDQTables
	}
	m := int(math.Round(256 / math.Log2(float64(n))))
	return max(minM, min(MaxPDQTables, m))
}

// pdqLayout splits 256 bits into m consecutive substrings, the longer
// ones first.
func pdqLayout(m int) []pdqTable {
	q, rem := 256/m, 256%m
	t := make([]pdqTable, m)
	start := uint(0)
	for i := range t {
		b := uint(q)
		if i < rem {
			b++
		}
		t[i] = pdqTable{start: start, bits: b}
		start += b
	}
	return t
}

// NewPDQWith is NewPDQ with options.
func NewPDQWith(hashes []pdq.Hash, ids []uint32, opt PDQOptions) (*PDQ, error) {
	if ids != nil && len(ids) != len(hashes) {
		return nil, fmt.Errorf("pdq index: %d hashes but %d ids", len(hashes), len(ids))
	}
	if len(hashes) > maxPDQHashes {
		return nil, fmt.Errorf("pdq index: %d hashes, at most %d", len(hashes), maxPDQHashes)
	}
	m := opt.Tables
	if m == 0 {
		m = defaultPDQTables(len(hashes))
	}
	if m < 1 || m > MaxPDQTables || (256+m-1)/m > maxPDQSubBits {
		return nil, fmt.Errorf("pdq index: %d tables, want %d..%d", m, (256+maxPDQSubBits-1)/maxPDQSubBits, MaxPDQTables)
	}
	x := &PDQ{tables: pdqLayout(m)}
	// Scratch reused by every step: keys with ordinals, and wide offsets
	// (table 0 has the most bits).
	b := &pdqBuf{tmp: make([]uint64, len(hashes)), wide: make([]uint32, (1<<x.tables[0].bits)+1)}
	x.sortUnique(hashes, ids, b)
	x.buildTables(b)
	return x, nil
}

// sortUnique fills words, idOff and ids: distinct hashes in ascending
// order, each with its ids ascending.
func (x *PDQ) sortUnique(hashes []pdq.Hash, ids []uint32, buf *pdqBuf) {
	n := len(hashes)
	nb := x.tables[0].bits
	perm := make([]uint32, n)
	grp := buf.wide[:(1<<nb)+1]
	groupByKey(n, nb, func(i uint32) uint32 {
		return uint32(binary.BigEndian.Uint64(hashes[i][:]) >> (64 - nb))
	}, buf.tmp, perm, grp)
	id := func(i uint32) uint32 {
		if ids == nil {
			return i
		}
		return ids[i]
	}
	cmp := func(a, b uint32) int {
		if c := bytes.Compare(hashes[a][:], hashes[b][:]); c != 0 {
			return c
		}
		ia, ib := id(a), id(b)
		switch {
		case ia < ib:
			return -1
		case ia > ib:
			return 1
		}
		return 0
	}
	// Groups share the leading bits; they are tiny on random data.
	for k := 0; k+1 < len(grp); k++ {
		b := perm[grp[k]:grp[k+1]]
		switch {
		case len(b) < 2:
		case len(b) <= 16:
			for i := 1; i < len(b); i++ {
				for j := i; j > 0 && cmp(b[j], b[j-1]) < 0; j-- {
					b[j], b[j-1] = b[j-1], b[j]
				}
			}
		default:
			slices.SortFunc(b, cmp)
		}
	}
	grp = nil
	words := make([]uint64, 0, 4*n)
	adviseHuge(words)
	idOff := make([]uint32, 0, n+1)
	out := make([]uint32, 0, n)
	var prev *pdq.Hash
	for _, p := range perm {
		h := &hashes[p]
		if prev == nil || *h != *prev {
			idOff = append(idOff, uint32(len(out)))
			words = append(words,
				binary.BigEndian.Uint64(h[0:]), binary.BigEndian.Uint64(h[8:]),
				binary.BigEndian.Uint64(h[16:]), binary.BigEndian.Uint64(h[24:]))
		} else if id(p) == out[len(out)-1] {
			continue // same hash, same id
		}
		prev = h
		out = append(out, id(p))
	}
	idOff = append(idOff, uint32(len(out)))
	x.n = len(idOff) - 1
	x.words = slices.Clip(words)
	x.idOff = slices.Clip(idOff)
	x.ids = slices.Clip(out)
}

// groupByKey fills out with 0..n-1 grouped by key(i) (ascending key, then
// ascending i) and off[k] with the start of key k's group; off has
// 2^nb+1 entries and tmp n. It is a two-pass radix sort on the top and
// bottom halves of the key, so both passes write to few enough places at
// once to stay in cache.
func groupByKey(n int, nb uint, key func(i uint32) uint32, tmp []uint64, out, off []uint32) {
	lo := nb / 2
	hi := nb - lo
	top := make([]uint32, (1<<hi)+1)
	for i := 0; i < n; i++ {
		top[key(uint32(i))>>lo+1]++
	}
	for b := 1; b < len(top); b++ {
		top[b] += top[b-1]
	}
	cur := slices.Clone(top)
	for i := 0; i < n; i++ {
		k := key(uint32(i))
		b := k >> lo
		tmp[cur[b]] = uint64(k)<<32 | uint64(i)
		cur[b]++
	}
	mask := uint32(1)<<lo - 1
	cur = make([]uint32, 1<<lo)
	for b := 0; b < 1<<hi; b++ {
		s, e := top[b], top[b+1]
		o := off[b<<lo : (b+1)<<lo]
		clear(o)
		for _, v := range tmp[s:e] {
			o[uint32(v>>32)&mask]++
		}
		sum := s
		for j, c := range o {
			o[j] = sum
			sum += c
		}
		copy(cur, o)
		for _, v := range tmp[s:e] {
			j := uint32(v>>32) & mask
			out[cur[j]] = uint32(v)
			cur[j]++
		}
	}
	off[1<<nb] = uint32(n)
}

// sub extracts bits [start, start+nb) of a hash (bit 0 = most significant
// bit of byte 0); nb <= 32.
func sub(w *[4]uint64, start, nb uint) uint32 {
	i, o := start>>6, start&63
	v := w[i&3] << o
	if o+nb > 64 {
		v |= w[(i+1)&3] >> (64 - o)
	}
	return uint32(v >> (64 - nb))
}

func (x *PDQ) hash(i uint32) *[4]uint64 { return (*[4]uint64)(x.words[4*i : 4*i+4]) }

// pdqBuf is one build worker's scratch.
type pdqBuf struct {
	tmp  []uint64
	wide []uint32
}

// buildTables fills every table's offsets and posting lists, tables in
// parallel; the first worker reuses buf.
func (x *PDQ) buildTables(buf *pdqBuf) {
	work := make(chan int, len(x.tables))
	for t := range x.tables {
		work <- t
	}
	close(work)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(x.tables)); w++ {
		var b *pdqBuf
		if w == 0 {
			b = buf
		}
		wg.Add(1)
		go func(b *pdqBuf) {
			defer wg.Done()
			for t := range work {
				if b == nil {
					b = &pdqBuf{tmp: make([]uint64, x.n), wide: make([]uint32, len(buf.wide))}
				}
				x.buildTable(t, b)
			}
		}(b)
	}
	wg.Wait()
}

func (x *PDQ) buildTable(ti int, buf *pdqBuf) {
	t := &x.tables[ti]
	n := x.n
	off := buf.wide[:(1<<t.bits)+1]
	clear(off)
	if ti == 0 {
		// Hashes are sorted, so bucket k of the leading bits is the range
		// [off[k], off[k+1]) of hash ordinals itself.
		for i := 0; i < n; i++ {
			off[sub(x.hash(uint32(i)), t.start, t.bits)+1]++
		}
		for k := 1; k < len(off); k++ {
			off[k] += off[k-1]
		}
		t.off = off
		t.compact(n)
		return
	}
	post := make([]uint32, n)
	adviseHuge(post)
	groupByKey(n, t.bits, func(i uint32) uint32 { return sub(x.hash(i), t.start, t.bits) }, buf.tmp[:n], post, off)
	t.off, t.post = off, post
	t.compact(n)
}

// Len is the number of (hash, id) pairs indexed.
func (x *PDQ) Len() int { return len(x.ids) }

// Distinct is the number of distinct hashes.
func (x *PDQ) Distinct() int { return x.n }

// Tables is the number of substrings m.
func (x *PDQ) Tables() int { return len(x.tables) }

// Bytes is the memory the index holds.
func (x *PDQ) Bytes() int64 {
	s := 8*int64(len(x.words)) + 4*int64(len(x.idOff)+len(x.ids))
	for _, t := range x.tables {
		s += 4*int64(len(t.off)+len(t.post)+len(t.base)) + int64(len(t.rel))
	}
	return s
}

type pdqScratch struct {
	keys  []uint32
	spans []uint64 // start<<32 | end of each probed bucket
	cand  []uint32 // candidate hash ordinals, table by table
}

// plan sets, for a query at distance d, each table's probe radius (-1:
// not probed) and reports whether probing is cheaper than a linear scan.
func (x *PDQ) plan(d int, radius []int) bool {
	m := len(x.tables)
	r, a := d/m, d%m
	cost := 0.0
	for t := range x.tables {
		radius[t] = r
		if t > a {
			radius[t] = r - 1
		}
		if radius[t] >= 0 {
			nb := x.tables[t].bits
			cost += ball(nb, radius[t]) * (2 + float64(x.n)/math.Exp2(float64(nb)))
		}
	}
	// A probe or candidate is a cache miss; a scanned hash is a few
	// nanoseconds of streaming.
	return cost < float64(x.n)/16
}

// ball is the number of nb-bit strings within distance r of a given one.
func ball(nb uint, r int) float64 {
	s, c := 0.0, 1.0
	for i := 0; i <= r && i <= int(nb); i++ {
		s += c
		c = c * float64(int(nb)-i) / float64(i+1)
	}
	return s
}

// Search calls fn for every indexed (id, distance) with distance <=
// maxDist from q, each once, in no particular order. Recall is exact at
// every maxDist: large distances that would make probing slower than a
// linear scan fall back to the scan. Negative maxDist matches nothing.
func (x *PDQ) Search(q pdq.Hash, maxDist int, fn func(id uint32, dist int)) {
	if maxDist < 0 || x.n == 0 {
		return
	}
	qw := [4]uint64{
		binary.BigEndian.Uint64(q[0:]), binary.BigEndian.Uint64(q[8:]),
		binary.BigEndian.Uint64(q[16:]), binary.BigEndian.Uint64(q[24:]),
	}
	var radius [MaxPDQTables]int
	if !x.plan(maxDist, radius[:len(x.tables)]) {
		x.scan(&qw, maxDist, fn)
		return
	}
	sc, _ := x.pool.Get().(*pdqScratch)
	if sc == nil {
		sc = &pdqScratch{}
	}
	var qk [MaxPDQTables]uint32
	for t := range x.tables {
		qk[t] = sub(&qw, x.tables[t].start, x.tables[t].bits)
	}
	// The work is cache misses: bucket offsets, posting lists, candidate
	// hashes. Each phase is a loop of independent loads with predictable
	// branches, so the processor keeps many misses in flight.
	var candEnd [MaxPDQTables]int
	cand := sc.cand[:0]
	for t := range x.tables {
		candEnd[t] = len(cand)
		if radius[t] < 0 {
			continue
		}
		tb := &x.tables[t]
		keys := neighbours(sc.keys[:0], qk[t], tb.bits, radius[t])
		sc.keys = keys
		// Phase 1: bucket bounds of every probe; empty buckets are
		// dropped without a branch.
		spans := slices.Grow(sc.spans[:0], len(keys))[:len(keys)]
		ns := 0
		total := 0
		if off := tb.off; off != nil {
			for _, k := range keys {
				s, e := off[k], off[k+1]
				spans[ns] = uint64(s)<<32 | uint64(e)
				ns += int((s - e) >> 31) // 1 when e > s
				total += int(e - s)
			}
		} else {
			base, rel, bb := tb.base, tb.rel, tb.bb
			for _, k := range keys {
				s := base[k>>bb] + uint32(rel[k])
				e := base[(k+1)>>bb] + uint32(rel[k+1])
				spans[ns] = uint64(s)<<32 | uint64(e)
				ns += int((s - e) >> 31)
				total += int(e - s)
			}
		}
		sc.spans = spans
		// Phase 2: gather the candidates.
		cand = slices.Grow(cand, total)
		if post := tb.post; post != nil {
			for _, sp := range spans[:ns] {
				cand = append(cand, post[uint32(sp>>32):uint32(sp)]...)
			}
		} else {
			for _, sp := range spans[:ns] {
				for i := uint32(sp >> 32); i < uint32(sp); i++ {
					cand = append(cand, i)
				}
			}
		}
		candEnd[t] = len(cand)
	}
	sc.cand = cand
	// Phase 3: verify every candidate with the full distance.
	q0, q1, q2, q3 := qw[0], qw[1], qw[2], qw[3]
	words := x.words
	t := 0
	for j, i := range cand {
		h := (*[4]uint64)(words[4*i : 4*i+4])
		d := bits.OnesCount64(h[0]^q0) + bits.OnesCount64(h[1]^q1) +
			bits.OnesCount64(h[2]^q2) + bits.OnesCount64(h[3]^q3)
		if d > maxDist {
			continue
		}
		for j >= candEnd[t] {
			t++
		}
		if x.reachedEarlier(h, t, &qk, &radius) {
			continue
		}
		for k := x.idOff[i]; k < x.idOff[i+1]; k++ {
			fn(x.ids[k], d)
		}
	}
	x.pool.Put(sc)
}

// reachedEarlier reports whether a table before t also probes hash h, in
// which case that table reports it.
func (x *PDQ) reachedEarlier(h *[4]uint64, t int, qk *[MaxPDQTables]uint32, radius *[MaxPDQTables]int) bool {
	for u := 0; u < t; u++ {
		if radius[u] < 0 {
			continue
		}
		tb := &x.tables[u]
		if bits.OnesCount32(sub(h, tb.start, tb.bits)^qk[u]) <= radius[u] {
			return true
		}
	}
	return false
}

// scan is the linear search.
func (x *PDQ) scan(qw *[4]uint64, maxDist int, fn func(id uint32, dist int)) {
	q0, q1, q2, q3 := qw[0], qw[1], qw[2], qw[3]
	w := x.words
	for i := 0; i < x.n; i++ {
		h := (*[4]uint64)(w[4*i : 4*i+4])
		d := bits.OnesCount64(h[0]^q0) + bits.OnesCount64(h[1]^q1) +
			bits.OnesCount64(h[2]^q2) + bits.OnesCount64(h[3]^q3)
		if d <= maxDist {
			for j := x.idOff[i]; j < x.idOff[i+1]; j++ {
				fn(x.ids[j], d)
			}
		}
	}
}

// neighbours appends every nb-bit key within distance r of k.
func neighbours(dst []uint32, k uint32, nb uint, r int) []uint32 {
	dst = append(dst, k)
	if r >= 1 {
		for i := uint(0); i < nb; i++ {
			dst = append(dst, k^1<<i)
		}
	}
	if r >= 2 {
		for i := uint(1); i < nb; i++ {
			ki := k ^ 1<<i
			for j := uint(0); j < i; j++ {
				dst = append(dst, ki^1<<j)
			}
		}
	}
	for d := 3; d <= r && d <= int(nb); d++ {
		dst = flips(dst, k, nb, d)
	}
	return dst
}

// flips appends k with every combination of exactly d of its nb bits
// flipped.
func flips(dst []uint32, k uint32, nb uint, d int) []uint32 {
	var pos [32]uint
	for i := 0; i < d; i++ {
		pos[i] = uint(i)
	}
	for {
		v := k
		for i := 0; i < d; i++ {
			v ^= 1 << pos[i]
		}
		dst = append(dst, v)
		// Next combination in lexicographic order.
		i := d - 1
		for i >= 0 && pos[i] == nb-uint(d)+uint(i) {
			i--
		}
		if i < 0 {
			return dst
		}
		pos[i]++
		for j := i + 1; j < d; j++ {
			pos[j] = pos[j-1] + 1
		}
	}
}

// AppendMatches appends every match within maxDist of q to dst, sorted by
// distance then id.
func (x *PDQ) AppendMatches(dst []PDQMatch, q pdq.Hash, maxDist int) []PDQMatch {
	n := len(dst)
	x.Search(q, maxDist, func(id uint32, d int) { dst = append(dst, PDQMatch{id, d}) })
	slices.SortFunc(dst[n:], func(a, b PDQMatch) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return dst
}
