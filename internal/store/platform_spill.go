package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"slices"
	"sort"
)

// An import cannot write packs as the dump yields their rows (a dump
// lists logins and uploads by time or by id, not by user), so it spills
// them: each run of rows is sorted and written to a temporary file, and
// at the end the runs are merged into packs, one pack at a time. Memory
// is one run and a read buffer per run, whatever the dump's size.

// spillCodec is what a spill of T needs: the order of a run, a sort of
// a run and one of a pack's rows in it (concrete: a sort through the
// generic order costs several times as much), a row's pack (the order
// sorts by it first), how a row is written to a run's file and read
// back, how many rows a run holds (and how many bytes besides), and what
// the rows are (for errors and file names).
type spillCodec[T any] interface {
	what() string
	runSize() int
	// runBytes bounds the bytes a run's rows hold beyond their own size
	// (rowBytes), for rows whose size varies.
	runBytes() int
	rowBytes(x *T) int
	order(a, b *T) int
	sort(xs []T, sc *sortScratch)
	sortPack(xs []T)
	pack(x *T) packKey
	put(buf []byte, x *T) []byte
	get(r *bufio.Reader, x *T) error
}

// packKey names a pack: its source, user and kind (0 for logins).
type packKey struct {
	source, user int64
	kind         uint8
}

func (a packKey) less(b packKey) bool {
	if a.source != b.source {
		return a.source < b.source
	}
	if a.user != b.user {
		return a.user < b.user
	}
	return a.kind < b.kind
}

// runSpill collects rows in sorted runs. The zero value is ready.
type runSpill[T any, C spillCodec[T]] struct {
	c        C
	mem      []T
	memBytes int // rowBytes of the rows in mem
	runs     []*spillFile
	scratch  sortScratch
}

type spillFile struct {
	f    *os.File
	name string
	n    int
}

func (s *runSpill[T, C]) add(x T) error {
	if len(s.mem) == cap(s.mem) {
		// A few rows first (a small import stays small), then the run's
		// whole size at once: grown by append, a run was copied some twenty
		// times into memory fresh from the system, where each first touch
		// of a page is a fault (1.4 CPU-s at full scale; some 15 us a
		// fault on these machines).
		n := s.c.runSize()
		if cap(s.mem) == 0 {
			n = min(n, 1<<12)
		}
		s.mem = slices.Grow(s.mem, max(n-len(s.mem), 1))
	}
	s.mem = append(s.mem, x)
	s.memBytes += s.c.rowBytes(&s.mem[len(s.mem)-1]) // not &x: x would escape
	if len(s.mem) >= s.c.runSize() || s.memBytes >= s.c.runBytes() {
		return s.spill()
	}
	return nil
}

// releaseMin is the fewest rows release spills to a run of their own;
// fewer stay in memory, in a slice of their size.
const releaseMin = 1 << 12

// release gives back the memory of the run being filled, when the rows
// have stopped coming (the dump has moved on to another table): its rows
// go to a run of their own, or when few stay in a slice of their size.
// The buffer of a full run (32 MB of logins) would otherwise stay until
// the end of the import.
func (s *runSpill[T, C]) release() error {
	if len(s.mem) >= releaseMin {
		if err := s.spill(); err != nil {
			return err
		}
	}
	if cap(s.mem) > len(s.mem) {
		s.mem = slices.Clip(slices.Clone(s.mem))
	}
	return nil
}

func (s *runSpill[T, C]) len() int {
	n := len(s.mem)
	for _, r := range s.runs {
		n += r.n
	}
	return n
}

// spill sorts the rows in memory and writes them to a temporary file.
// The file is removed at once where the system allows an open file to
// be (it then goes with the process whatever happens), else on close.
func (s *runSpill[T, C]) spill() error {
	s.c.sort(s.mem, &s.scratch)
	f, err := os.CreateTemp("", "vibora-"+s.c.what()+"-*.run")
	if err != nil {
		return fmt.Errorf("spill %s: %w", s.c.what(), err)
	}
	r := &spillFile{f: f, name: f.Name(), n: len(s.mem)}
	if os.Remove(r.name) == nil {
		r.name = ""
	}
	s.runs = append(s.runs, r)
	w := bufio.NewWriterSize(f, 1<<16)
	var buf []byte
	for i := range s.mem {
		buf = s.c.put(buf[:0], &s.mem[i])
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("spill %s: %w", s.c.what(), err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("spill %s: %w", s.c.what(), err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("spill %s: %w", s.c.what(), err)
	}
	clear(s.mem) // rows may hold references (activity payloads)
	s.mem, s.memBytes = s.mem[:0], 0
	return nil
}

// close removes the runs' files and forgets every row.
func (s *runSpill[T, C]) close() error {
	var errs []error
	for _, r := range s.runs {
		errs = append(errs, r.f.Close())
		if r.name != "" {
			errs = append(errs, os.Remove(r.name))
		}
	}
	s.runs, s.mem, s.memBytes = nil, nil, 0
	return errors.Join(errs...)
}

// runCursor reads one sorted run: from memory or from its file. key is
// the pack of its current row; run is the run's place in the order they
// were spilled.
type runCursor[T any, C spillCodec[T]] struct {
	c    C
	cur  T
	key  packKey
	run  int
	mem  []T
	r    *bufio.Reader
	left int
}

func (c *runCursor[T, C]) next() (bool, error) {
	if c.left == 0 {
		return false, nil
	}
	c.left--
	if c.r == nil {
		c.cur, c.mem = c.mem[0], c.mem[1:]
	} else if err := c.c.get(c.r, &c.cur); err != nil {
		return false, fmt.Errorf("read spilled %s: %w", c.c.what(), err)
	}
	c.key = c.c.pack(&c.cur)
	return true, nil
}

// runHeap orders the runs being merged by the pack of their current
// row, then by the order they were spilled in.
type runHeap[T any, C spillCodec[T]] []*runCursor[T, C]

func (h runHeap[T, C]) less(i, j int) bool {
	if h[i].key != h[j].key {
		return h[i].key.less(h[j].key)
	}
	return h[i].run < h[j].run
}

func (h runHeap[T, C]) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		if r := l + 1; r < len(h) && h.less(r, l) {
			l = r
		}
		if !h.less(l, i) {
			return
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
}

// merge calls pack with each pack's rows in order, the runs merged; the
// slice is reused between calls. A pack's rows are contiguous in each
// run, so the runs are merged a pack at a time: the heap moves once per
// run and pack, not once per row. A pack's rows from several runs come
// in the order the runs were spilled, the dump's order, which is
// nearly always the pack's own (activity by offset; logins by time, as
// dumps list them); sortPack sorts the rest.
func (s *runSpill[T, C]) merge(pack func(xs []T) error) error {
	s.c.sort(s.mem, &s.scratch)
	h := runHeap[T, C]{}
	for i, r := range s.runs {
		h = append(h, &runCursor[T, C]{c: s.c, r: bufio.NewReaderSize(r.f, 1<<16), left: r.n, run: i})
	}
	h = append(h, &runCursor[T, C]{c: s.c, mem: s.mem, left: len(s.mem), run: len(s.runs)})
	live := h[:0]
	for _, c := range h {
		ok, err := c.next()
		if err != nil {
			return err
		}
		if ok {
			live = append(live, c)
		}
	}
	h = live
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	var group []T
	var key packKey
	parts := 0 // runs the group's rows came from
	emit := func() error {
		if parts > 1 {
			s.c.sortPack(group)
		}
		err := pack(group)
		clear(group)
		group, parts = group[:0], 0
		return err
	}
	for len(h) > 0 {
		c := h[0]
		if len(group) > 0 && c.key != key {
			if err := emit(); err != nil {
				return err
			}
		}
		key = c.key
		parts++
		for {
			group = append(group, c.cur)
			ok, err := c.next()
			if err != nil {
				return err
			}
			if !ok {
				h[0] = h[len(h)-1]
				h = h[:len(h)-1]
				break
			}
			if c.key != key {
				break
			}
		}
		h.down(0)
	}
	if len(group) > 0 {
		return emit()
	}
	return nil
}

// sortByKeys sorts a run by its rows' pack keys, then within a pack by
// order. keys[i] is row i's pack key in keyBits bits, ordered as order
// orders packs. The keys are sorted with the row's index in their low
// bits (a sort of integers, several times as fast as a sort of rows by a
// comparison function), the rows are moved into place once, and only
// the rows of one pack, few in a run, are sorted by order. When the keys
// and the index do not fit in 64 bits it sorts by order alone.
func sortByKeys[T any](xs []T, keys []uint64, keyBits int, order func(a, b *T) int, sc *sortScratch) {
	n := len(xs)
	if n < 2 {
		return
	}
	ib := bits.Len(uint(n - 1))
	if keyBits+ib > 64 {
		sortByOrder(xs, order)
		return
	}
	for i := range keys {
		keys[i] = keys[i]<<ib | uint64(i)
	}
	radixSort(keys, keyBits+ib, scratchOf(&sc.tmp, n))
	mask := uint64(1)<<ib - 1
	src := scratchOf(&sc.src, n) // the row that goes to each place
	for j, k := range keys {
		src[j] = uint32(k & mask)
	}
	// In place, one cycle of the permutation at a time.
	for j := range n {
		if src[j] == uint32(j) {
			continue
		}
		tmp := xs[j]
		k := j
		for {
			s := int(src[k])
			src[k] = uint32(k)
			if s == j {
				xs[k] = tmp
				break
			}
			xs[k] = xs[s]
			k = s
		}
	}
	for start := 0; start < n; {
		end := start + 1
		for end < n && keys[end]>>ib == keys[start]>>ib {
			end++
		}
		switch {
		case end-start == 2:
			if order(&xs[start], &xs[start+1]) > 0 {
				xs[start], xs[start+1] = xs[start+1], xs[start]
			}
		case end-start > 2:
			sortByOrder(xs[start:end], order)
		}
		start = end
	}
}

// radixSort sorts keys of up to width bits, 11 bits a pass (least
// significant first, each pass stable), through tmp (as long as keys).
func radixSort(keys []uint64, width int, tmp []uint64) {
	const digit = 11
	from, to := keys, tmp
	var count [1 << digit]int
	for shift := 0; shift < width; shift += digit {
		clear(count[:])
		for _, k := range from {
			count[k>>shift&(1<<digit-1)]++
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for _, k := range from {
			d := k >> shift & (1<<digit - 1)
			to[count[d]] = k
			count[d]++
		}
		from, to = to, from
	}
	if len(keys) > 0 && &from[0] != &keys[0] {
		copy(keys, from)
	}
}

// sortByPack sorts a run whose packs are keyed by source, user and a
// kind of kindBits bits (ids returns them), then within a pack by order:
// by keys (sortByKeys) when the ids are not negative, else by order.
func sortByPack[T any](xs []T, ids func(x *T) (source, user int64, kind uint8), kindBits int, order func(a, b *T) int, sc *sortScratch) {
	var sources, users int64
	for i := range xs {
		s, u, _ := ids(&xs[i])
		if s < 0 || u < 0 {
			sortByOrder(xs, order)
			return
		}
		sources, users = max(sources, s), max(users, u)
	}
	bs, bu := bits.Len64(uint64(sources)), bits.Len64(uint64(users))
	keys := scratchOf(&sc.keys, len(xs))
	for i := range xs {
		s, u, k := ids(&xs[i])
		keys[i] = (uint64(s)<<bu|uint64(u))<<kindBits | uint64(k)
	}
	sortByKeys(xs, keys, bs+bu+kindBits, order, sc)
}

// sortScratch is the memory a run's sort works in, kept from one run to
// the next: made afresh for each of a full-scale import's hundred runs
// (10 MB for one of logins), it was zeroed each time, and fresh pages
// are faults.
type sortScratch struct {
	keys, tmp []uint64
	src       []uint32
}

// scratchOf returns (*b)[:n], made anew when shorter.
func scratchOf[E any](b *[]E, n int) []E {
	if cap(*b) < n {
		*b = make([]E, n)
	}
	return (*b)[:n]
}

// sortByOrder sorts rows by order, which takes pointers to the rows in
// place (rows are large). A comparison taking its rows by value and
// passing their addresses on copied both to the heap at every call:
// 1 GB of garbage at full scale.
func sortByOrder[T any](xs []T, order func(a, b *T) int) {
	if len(xs) <= 12 {
		for i := 1; i < len(xs); i++ {
			for j := i; j > 0 && order(&xs[j], &xs[j-1]) < 0; j-- {
				xs[j], xs[j-1] = xs[j-1], xs[j]
			}
		}
		return
	}
	sort.Sort(byOrder[T]{xs, order})
}

type byOrder[T any] struct {
	xs    []T
	order func(a, b *T) int
}

func (s byOrder[T]) Len() int           { return len(s.xs) }
func (s byOrder[T]) Less(i, j int) bool { return s.order(&s.xs[i], &s.xs[j]) < 0 }
func (s byOrder[T]) Swap(i, j int)      { s.xs[i], s.xs[j] = s.xs[j], s.xs[i] }
