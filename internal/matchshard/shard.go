// Package matchshard splits the PDQ index over P virtual partitions so
// that a bank of a billion hashes spreads over several matcher processes.
//
// A record's partition is its record ID modulo P: IDs are assigned in
// sequence, so every partition gets an even share of every bank. A Shard
// holds some of the P partitions, each as matchindex.PDQ segments per
// bank. It loads them from a Source (the bank tables) and then keeps up
// by polling (Refresh): a bank that became live is loaded, a bank that
// is no longer live is dropped, records added to a live bank past its
// watermark (the highest record ID loaded) become a new small segment,
// and tombstones past the removal watermark hide removed records. Every
// Refresh reads the live banks in one snapshot and swaps the whole new
// state in at once, so a bank replaced in one database transaction is
// replaced in one step in matching; the state carries a view (a digest of
// the live banks it reflects) so that a client gathering from several
// processes can insist that every partition answered from the same view.
//
// The same Shard serves in process (Local, every partition, no network)
// and behind Handler, the HTTP endpoint of `vibora matcher`; Client
// scatters a batch of queries to one live owner of each partition (from
// the registry) and gathers the hits, retrying a failed owner's
// partitions on another owner.
package matchshard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchindex"
)

// MaxPartitions bounds P (the wire format carries partitions as uint16).
const MaxPartitions = 4096

// Partition is the virtual partition of a record.
func Partition(recordID int64, p int) int { return int(uint64(recordID) % uint64(p)) }

// Hit is one match: query index in the batch, the bank record, its bank,
// the distance and the record's PDQ quality (-1: unknown).
type Hit struct {
	Query    int
	Record   int64
	Bank     int64
	Distance int
	Quality  int
}

// Bank is a live bank as the Source sees it.
type Bank struct {
	ID     int64
	Digest string // changes when the bank's content changes
}

// Removal is a tombstone: a record removed from a live bank.
type Removal struct {
	Seq    int64
	Bank   int64
	Record int64
}

// Source is where a Shard reads banks from (the store, through
// internal/investigation).
type Source interface {
	// LiveBanks lists the live banks in one consistent snapshot.
	LiveBanks(ctx context.Context) ([]Bank, error)
	// PDQAfter calls fn for every PDQ hash of a bank's records with an ID
	// above after, in ID order: a photo record's hash, and each unique
	// frame hash of a video record, one call per frame under the same ID.
	PDQAfter(ctx context.Context, bank, after int64, fn func(id int64, h pdq.Hash, quality int) error) error
	// RemovalsAfter returns up to limit tombstones past seq, oldest first.
	RemovalsAfter(ctx context.Context, seq int64, limit int) ([]Removal, error)
}

// Errors.
var (
	ErrNotHeld = errors.New("partition not held here")
	ErrBadView = errors.New("partitions answered from different bank views")
)

// segment is one immutable PDQ index over some records of one bank in
// one partition; dead hides tombstoned ordinals (replaced, never changed).
// A segment given by SetIndex spans several banks: banks and bankOf name
// each ordinal's bank, and rec is ascending within each bank only (no
// tombstone reaches it: it belongs to no live bank of a Source). IDs of
// the index from len(rec) on are not records and never hit.
type segment struct {
	idx    *matchindex.PDQ
	rec    []int64 // ordinal -> record ID, ascending (a video's frames repeat its ID)
	qual   []int8
	dead   map[uint32]bool
	banks  []int64
	bankOf []uint16
}

type bankState struct {
	id        int64
	digest    string
	watermark int64 // highest record ID loaded
	parts     map[int][]*segment
}

type state struct {
	view    string
	banks   []*bankState // by ID
	removed int64        // tombstone watermark
}

// Shard holds some of P partitions. Search is safe for concurrent use
// with one Refresh at a time.
type Shard struct {
	p      int
	held   []int
	isHeld map[int]bool
	st     atomic.Pointer[state]
	mu     sync.Mutex // one Refresh at a time
	// maxSegments: a bank partition with more tail segments is reloaded
	// whole.
	maxSegments int
}

// NewShard holds partitions held (each in 0..p-1) of p.
func NewShard(p int, held []int) (*Shard, error) {
	if p < 1 || p > MaxPartitions {
		return nil, fmt.Errorf("%d partitions: want 1..%d", p, MaxPartitions)
	}
	s := &Shard{p: p, isHeld: map[int]bool{}, maxSegments: 8}
	for _, h := range held {
		if h < 0 || h >= p {
			return nil, fmt.Errorf("partition %d: want 0..%d", h, p-1)
		}
		if !s.isHeld[h] {
			s.isHeld[h] = true
			s.held = append(s.held, h)
		}
	}
	if len(s.held) == 0 {
		return nil, errors.New("no partition to hold")
	}
	slices.Sort(s.held)
	return s, nil
}

// Partitions returns P and the partitions held.
func (s *Shard) Partitions() (int, []int) { return s.p, slices.Clone(s.held) }

// View is the digest of the live banks the current state reflects (""
// before the first Refresh).
func (s *Shard) View() string {
	if st := s.st.Load(); st != nil {
		return st.view
	}
	return ""
}

// Records counts the records held (tombstoned ones included), per
// partition.
func (s *Shard) Records() map[int]int {
	out := map[int]int{}
	if st := s.st.Load(); st != nil {
		for _, b := range st.banks {
			for p, segs := range b.parts {
				for _, g := range segs {
					out[p] += len(g.rec)
				}
			}
		}
	}
	return out
}

// Bytes is the memory of the indexes held, per partition.
func (s *Shard) Bytes() map[int]int64 {
	out := map[int]int64{}
	if st := s.st.Load(); st != nil {
		for _, b := range st.banks {
			for p, segs := range b.parts {
				for _, g := range segs {
					out[p] += g.idx.Bytes() + 9*int64(len(g.rec))
				}
			}
		}
	}
	return out
}

func viewOf(banks []Bank) string {
	h := sha256.New()
	for _, b := range banks {
		fmt.Fprintf(h, "%d\x00%s\n", b.ID, b.Digest)
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// removalBatch is how many tombstones Refresh reads per statement.
const removalBatch = 10000

// Refresh brings the shard up to date with src and swaps the new state in
// at once.
func (s *Shard) Refresh(ctx context.Context, src Source) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st.Load()
	if old == nil {
		old = &state{}
	}
	// Tombstones first: a record removed after this read is either absent
	// from what is loaded below or hidden by the next Refresh.
	var removals []Removal
	seq := old.removed
	for {
		rs, err := src.RemovalsAfter(ctx, seq, removalBatch)
		if err != nil {
			return err
		}
		removals = append(removals, rs...)
		if len(rs) == 0 {
			break
		}
		seq = rs[len(rs)-1].Seq
	}
	live, err := src.LiveBanks(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(live, func(a, b Bank) int { return cmpInt(a.ID, b.ID) })
	prev := map[int64]*bankState{}
	for _, b := range old.banks {
		prev[b.id] = b
	}
	next := &state{view: viewOf(live), removed: seq}
	for _, lb := range live {
		b := prev[lb.ID]
		switch {
		case b == nil || b.digest != lb.Digest:
			b, err = s.load(ctx, src, lb, 0, nil)
		default:
			b, err = s.tail(ctx, src, b)
		}
		if err != nil {
			return err
		}
		next.banks = append(next.banks, b)
	}
	applyRemovals(next, removals, s.p)
	s.st.Store(next)
	return nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// feed collects one partition's records before its segment is built.
type feed struct {
	hashes []pdq.Hash
	rec    []int64
	qual   []int8
}

// load reads bank lb's records above after into new segments appended to
// base (nil: a fresh bank).
func (s *Shard) load(ctx context.Context, src Source, lb Bank, after int64, base *bankState) (*bankState, error) {
	feeds := map[int]*feed{}
	wm := after
	err := src.PDQAfter(ctx, lb.ID, after, func(id int64, h pdq.Hash, q int) error {
		wm = max(wm, id)
		p := Partition(id, s.p)
		if !s.isHeld[p] {
			return nil
		}
		f := feeds[p]
		if f == nil {
			f = &feed{}
			feeds[p] = f
		}
		f.hashes, f.rec, f.qual = append(f.hashes, h), append(f.rec, id), append(f.qual, int8(max(-1, min(q, 100))))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load bank %d: %w", lb.ID, err)
	}
	b := &bankState{id: lb.ID, digest: lb.Digest, watermark: wm, parts: map[int][]*segment{}}
	if base != nil {
		for p, segs := range base.parts {
			b.parts[p] = segs
		}
	}
	for p, f := range feeds {
		g, err := newSegment(f)
		if err != nil {
			return nil, fmt.Errorf("bank %d partition %d: %w", lb.ID, p, err)
		}
		b.parts[p] = append(slices.Clip(b.parts[p]), g)
	}
	return b, ctx.Err()
}

func newSegment(f *feed) (*segment, error) {
	idx, err := matchindex.NewPDQ(f.hashes, nil)
	if err != nil {
		return nil, err
	}
	return &segment{idx: idx, rec: f.rec, qual: f.qual}, nil
}

// SetPartition replaces partition part's content by one bank's records
// given directly (record ids[i] has hashes[i], quality unknown), with no
// Source: for benchmarks that generate partitions, and tools that load
// them from elsewhere. A later Refresh replaces it with the Source's
// banks.
func (s *Shard) SetPartition(part int, bank int64, hashes []pdq.Hash, ids []int64) error {
	if !s.isHeld[part] {
		return fmt.Errorf("partition %d: %w", part, ErrNotHeld)
	}
	if len(hashes) != len(ids) || !slices.IsSorted(ids) {
		return errors.New("set partition: want one ascending record ID per hash")
	}
	f := &feed{hashes: hashes, rec: ids, qual: make([]int8, len(ids))}
	for i := range f.qual {
		f.qual[i] = -1
	}
	g, err := newSegment(f)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := &state{view: "set"}
	if old := s.st.Load(); old != nil {
		next.view, next.removed = old.view, old.removed
		next.banks = slices.Clone(old.banks)
	}
	i := slices.IndexFunc(next.banks, func(b *bankState) bool { return b.id == bank })
	if i < 0 {
		next.banks = append(next.banks, &bankState{id: bank, parts: map[int][]*segment{}})
		slices.SortFunc(next.banks, func(a, b *bankState) int { return cmpInt(a.id, b.id) })
		i = slices.IndexFunc(next.banks, func(b *bankState) bool { return b.id == bank })
	}
	nb := *next.banks[i]
	nb.parts = maps.Clone(nb.parts)
	nb.parts[part] = []*segment{g}
	if len(ids) > 0 {
		nb.watermark = max(nb.watermark, ids[len(ids)-1])
	}
	next.banks[i] = &nb
	s.st.Store(next)
	return nil
}

// Table names the records of a PDQ index built elsewhere: ID i of the
// index, for i < len(Record), is record Record[i] of bank
// Banks[BankOf[i]], of PDQ quality Quality[i] (-1: unknown). IDs from
// len(Record) on are not records and never hit (the embedded matcher
// keeps the bank videos' frames in the same index, under IDs above every
// ordinal).
type Table struct {
	Record  []int64
	Banks   []int64
	BankOf  []uint16
	Quality []int8
}

// SetIndex makes partition part hold exactly idx, whose IDs t names,
// with no Source: the embedded matcher wraps its cached index this way,
// so that it loads from the index files in well under a second and is
// searched by the same code as the matchers. A later Refresh replaces it
// with the Source's banks.
func (s *Shard) SetIndex(part int, idx *matchindex.PDQ, t Table) error {
	if !s.isHeld[part] {
		return fmt.Errorf("partition %d: %w", part, ErrNotHeld)
	}
	n := len(t.Record)
	if len(t.BankOf) != n || len(t.Quality) != n || idx == nil {
		return errors.New("set index: want one bank and one quality per record")
	}
	for i, b := range t.BankOf {
		if int(b) >= len(t.Banks) {
			return fmt.Errorf("set index: record %d: bank %d of %d", i, b, len(t.Banks))
		}
	}
	g := &segment{idx: idx, rec: t.Record, qual: t.Quality, banks: t.Banks, bankOf: t.BankOf}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := &state{view: "set"}
	if old := s.st.Load(); old != nil {
		next.view, next.removed = old.view, old.removed
		for _, b := range old.banks {
			if _, ok := b.parts[part]; !ok {
				next.banks = append(next.banks, b)
				continue
			}
			nb := *b
			nb.parts = maps.Clone(b.parts)
			delete(nb.parts, part)
			next.banks = append(next.banks, &nb)
		}
	}
	// The index lives under bank 0, which no Source names (record and bank
	// IDs start at 1); each hit's bank comes from the table.
	i := slices.IndexFunc(next.banks, func(b *bankState) bool { return b.id == 0 })
	if i < 0 {
		next.banks = slices.Insert(next.banks, 0, &bankState{id: 0, parts: map[int][]*segment{}})
		i = 0
	} else {
		nb := *next.banks[i]
		nb.parts = maps.Clone(nb.parts)
		next.banks[i] = &nb
	}
	next.banks[i].parts[part] = []*segment{g}
	s.st.Store(next)
	return nil
}

// NewLocal is a Local of one partition, the index idx that t names (see
// SetIndex): the embedded matcher, all of its partitions in process.
func NewLocal(idx *matchindex.PDQ, t Table) (Local, error) {
	s, err := NewShard(1, []int{0})
	if err != nil {
		return Local{}, err
	}
	if err := s.SetIndex(0, idx, t); err != nil {
		return Local{}, err
	}
	return Local{s}, nil
}

// tail adds a bank's records past its watermark; a partition with too
// many segments is reloaded whole.
func (s *Shard) tail(ctx context.Context, src Source, b *bankState) (*bankState, error) {
	nb, err := s.load(ctx, src, Bank{ID: b.id, Digest: b.digest}, b.watermark, b)
	if err != nil {
		return nil, err
	}
	for _, segs := range nb.parts {
		if len(segs) > s.maxSegments {
			return s.load(ctx, src, Bank{ID: b.id, Digest: b.digest}, 0, nil)
		}
	}
	return nb, nil
}

// applyRemovals hides tombstoned records, replacing (never changing) the
// segments that hold them.
func applyRemovals(st *state, rs []Removal, p int) {
	if len(rs) == 0 {
		return
	}
	byBank := map[int64]*bankState{}
	for _, b := range st.banks {
		byBank[b.id] = b
	}
	cloned := map[*bankState]bool{}
	for _, r := range rs {
		b := byBank[r.Bank]
		if b == nil {
			continue
		}
		part := Partition(r.Record, p)
		segs := b.parts[part]
		for i, g := range segs {
			// The record's ordinals: one, or a video's frames.
			j, _ := slices.BinarySearch(g.rec, r.Record)
			k := j
			for k < len(g.rec) && g.rec[k] == r.Record {
				k++
			}
			if j == k || g.dead[uint32(j)] {
				continue
			}
			if !cloned[b] {
				nb := *b
				nb.parts = map[int][]*segment{}
				for k, v := range b.parts {
					nb.parts[k] = slices.Clone(v)
				}
				*b = nb // b is this state's own copy from here on
				cloned[b] = true
				segs = b.parts[part]
				g = segs[i]
			}
			ng := *g
			ng.dead = make(map[uint32]bool, len(g.dead)+k-j)
			for o := range g.dead {
				ng.dead[o] = true
			}
			for o := j; o < k; o++ {
				ng.dead[uint32(o)] = true
			}
			segs[i] = &ng
		}
	}
}
