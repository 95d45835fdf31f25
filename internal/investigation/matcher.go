package investigation

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchindex"
	"github.com/vibora-project/vibora/internal/matchshard"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/video"
)

// MatchOptions tune matching.
type MatchOptions struct {
	// MaxDistance is the largest PDQ Hamming distance that counts as a
	// match, 1..31; the zero value means DefaultMaxDistance and a negative
	// value means 0 (identical PDQ hashes only).
	MaxDistance int
	// Dihedral also matches rotated and mirrored copies (8 queries).
	Dihedral bool
	// MinQuality: PDQ hashes of lower quality (query or bank) are not
	// matched; flat images hash unreliably. Default DefaultMinQuality;
	// negative disables the gate. A video query's frames of lower quality
	// are dropped before its q% and c% are counted (a bank video's frames
	// of quality under 50 are never indexed).
	MinQuality int
	// VideoQueryPercent is the q% a video needs to match a bank video
	// (the share of its unique frame hashes within MaxDistance of one of
	// the bank video's): 0 means video.DefaultQueryMatchPercent (80).
	VideoQueryPercent float64
	// VideoComparedPercent is the c% it needs (the share of the bank
	// video's unique frame hashes near one of its own); default 0.
	VideoComparedPercent float64
}

// Defaults for MatchOptions.
const (
	DefaultMaxDistance = 31
	DefaultMinQuality  = 50
)

func (o MatchOptions) withDefaults() MatchOptions {
	switch {
	case o.MaxDistance == 0:
		o.MaxDistance = DefaultMaxDistance
	case o.MaxDistance < 0:
		o.MaxDistance = 0
	}
	if o.MinQuality == 0 {
		o.MinQuality = DefaultMinQuality
	}
	if o.VideoQueryPercent == 0 {
		o.VideoQueryPercent = video.DefaultQueryMatchPercent
	}
	return o
}

// Match is one bank hit.
type Match struct {
	Bank         string `json:"bank"`
	BankKind     string `json:"bank_kind"`
	BankVersion  int    `json:"bank_version"`
	Record       int64  `json:"record"`
	Kind         string `json:"kind"` // md5, sha1, sha256, pdq
	Hash         string `json:"hash"` // the bank's hash
	Distance     int    `json:"distance"`
	Category     string `json:"category"`
	NormCategory string `json:"normalized_category,omitempty"`
	Series       string `json:"series"`
	Dihedral     string `json:"dihedral,omitempty"` // which transform of the query matched
	// QueryMatchPercent and ComparedMatchPercent are a vPDQ match's q%
	// (the share of the query video's unique frame hashes near a frame of
	// the bank's video) and c% (the reverse); set for kind vpdq only.
	QueryMatchPercent    *float64 `json:"query_match_percent,omitempty"`
	ComparedMatchPercent *float64 `json:"compared_match_percent,omitempty"`
}

// Matcher matches hashes against every bank of the store. It is safe for
// concurrent use.
type Matcher struct {
	*matchIndex
	db  *store.DB
	opt MatchOptions
	// Source says where the index came from: "memory" (kept by the service
	// from an earlier call), "cache" (loaded from the cache directory) or
	// "built" (from the store).
	Source string
}

// matchIndex is the index over every bank: built or loaded once for a
// given set of bank versions (its key), then only read, shared by the
// matchers of concurrent calls.
type matchIndex struct {
	key   string
	banks []store.Bank
	ids   []int64 // ordinal -> record ID
	bank  []uint16
	qual  []int8
	exact *matchindex.Exact
	pdq   *matchindex.PDQ
	// Bank videos: their unique frame hashes (quality 50 or more) are in
	// pdq beside the photos' hashes, under IDs with frameBit set: frame f
	// of the index is frameBit|f, f in videoStart[v]:videoStart[v+1] for
	// video v, whose record is the ordinal videoOrd[v] (with matchers,
	// videoOrd only: the matchers hold the frames).
	videoOrd   []uint32
	videoStart []uint32
	frameVideo []uint32 // frame -> video
	// search answers the photos' PDQ queries: the matchers of the
	// registry (WithMatchers; they hold the video frames too, under each
	// video's record ID, and pdq is empty), or a matchshard.Local wrapping
	// pdq, all partitions in process.
	search matchshard.Searcher
	remote bool
	// recs caches the bank records seen in hits, for every matcher that
	// shares the index; it is emptied when it reaches maxCachedRecords.
	mu   sync.Mutex
	recs map[int64]store.BankRecord
}

// maxCachedRecords bounds the record cache of one match index.
const maxCachedRecords = 1 << 16

// Matcher loads (or builds and caches) the match index over every bank.
//
// The index covers all banks at once and is keyed by the banks' content
// digests: importing, replacing or removing a bank makes the next call
// rebuild it from the store, and the rebuilt index is written to the cache
// directory so later calls load it in a fraction of the time. The service
// keeps the newest index in memory and hands it to every later call with
// the same key, so a long-lived service (a server) neither rebuilds nor
// reloads it per call.
func (s *Service) Matcher(ctx context.Context, opt MatchOptions) (*Matcher, error) {
	opt = opt.withDefaults()
	if opt.MaxDistance < 0 || opt.MaxDistance > 31 {
		return nil, fmt.Errorf("max distance %d: want 0..31: %w", opt.MaxDistance, ErrInvalid)
	}
	if opt.VideoQueryPercent < 0 || opt.VideoQueryPercent > 100 || opt.VideoComparedPercent < 0 || opt.VideoComparedPercent > 100 {
		return nil, fmt.Errorf("video match percent %v/%v: want 0..100: %w", opt.VideoQueryPercent, opt.VideoComparedPercent, ErrInvalid)
	}
	if err := s.check(ctx, access.Bank, access.Read); err != nil {
		return nil, err
	}
	banks, err := s.db.Banks(ctx)
	if err != nil {
		return nil, err
	}
	m := &Matcher{db: s.db, opt: opt}
	key := indexKey(banks)
	var remote matchshard.Searcher
	if s.shards != nil {
		// PDQ hashes are matched by the matchers: the index files here
		// hold digests only, under a key of their own.
		remote, key = s.shards, key[:31]+"r"
	}
	// One call at a time looks up or builds the index, so that concurrent
	// calls after a bank change build it once.
	s.index.Lock()
	defer s.index.Unlock()
	if idx := s.index.idx; idx != nil && idx.key == key {
		m.matchIndex, m.Source = idx, "memory"
		return m, nil
	}
	fresh := func() *matchIndex {
		return &matchIndex{key: key, banks: banks, search: remote, remote: remote != nil}
	}
	m.matchIndex = fresh()
	if s.cacheDir != "" && m.load(s.cacheDir, key) == nil && m.searchLocal() == nil {
		m.Source = "cache"
		s.index.idx = m.matchIndex
		if s.residentIndex && m.pdq != nil && !m.remote {
			go s.makeResident(m.matchIndex)
		}
		return m, nil
	}
	m.matchIndex = fresh() // drop what a failed load left
	if err := m.build(ctx); err != nil {
		return nil, err
	}
	if err := m.searchLocal(); err != nil {
		return nil, err
	}
	m.Source = "built"
	if s.cacheDir != "" && len(m.ids) > 0 {
		if err := m.save(s.cacheDir, key); err != nil {
			s.log.Warn("match index not cached", "err", err)
		}
	}
	s.index.idx = m.matchIndex
	return m, nil
}

// makeResident copies x's PDQ index into memory of its own and, when x is
// still the service's index, swaps the copy in for later calls (calls
// under way finish on x). x's mapping is released once nothing holds it.
func (s *Service) makeResident(x *matchIndex) {
	start := time.Now()
	nx := &matchIndex{key: x.key, banks: x.banks, ids: x.ids, bank: x.bank, qual: x.qual, exact: x.exact,
		pdq: x.pdq.Resident(), videoOrd: x.videoOrd, videoStart: x.videoStart, frameVideo: x.frameVideo}
	if err := nx.searchLocal(); err != nil {
		s.log.Warn("match index kept mapped", "err", err)
		return
	}
	s.index.Lock()
	swapped := s.index.idx == x
	if swapped {
		s.index.idx = nx
	}
	s.index.Unlock()
	if !swapped {
		return // the banks changed meanwhile: the index was replaced
	}
	if l := s.live.Load(); l != nil && l.idx == x {
		s.live.CompareAndSwap(l, &liveIndex{idx: nx, checked: l.checked})
	}
	runtime.GC() // the mapping's cleanup runs once x is unreachable
	s.log.Info("match index copied into memory", "pdq_bytes", nx.pdq.Bytes(), "seconds", time.Since(start).Seconds())
}

// searchLocal makes the index's PDQ searcher, unless it is the matchers:
// one partition in process over the whole index (matchshard.NewLocal).
func (x *matchIndex) searchLocal() error {
	if x.remote {
		return nil
	}
	bankIDs := make([]int64, len(x.banks))
	for i, b := range x.banks {
		bankIDs[i] = b.ID
	}
	l, err := matchshard.NewLocal(x.pdq, matchshard.Table{Record: x.ids, Banks: bankIDs, BankOf: x.bank, Quality: x.qual})
	if err != nil {
		return fmt.Errorf("match index: %w", err)
	}
	x.search = l
	return nil
}

func indexKey(banks []store.Bank) string {
	h := sha256.New()
	fmt.Fprintf(h, "vibora-match-index-v2\n")
	for _, b := range banks {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00%d\x00%s\n", b.ID, b.Name, b.Kind, b.Version, b.ContentDigest)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func (m *Matcher) build(ctx context.Context) error {
	var xb matchindex.ExactBuilder
	var pdqHashes []pdq.Hash
	var pdqOrds []uint32
	for bi, b := range m.banks {
		xb.Grow(matchindex.MD5, int(b.RecordCount))
		err := m.db.BankHashes(ctx, b.ID, func(id int64, md5, sha1, sha256, p string, q int, vp string) error {
			if len(m.ids) >= frameBit {
				return fmt.Errorf("over %d bank records", frameBit)
			}
			ord := uint32(len(m.ids))
			m.ids = append(m.ids, id)
			m.bank = append(m.bank, uint16(bi))
			m.qual = append(m.qual, int8(max(-1, min(q, 100))))
			for _, h := range []struct {
				kind matchindex.Kind
				hex  string
			}{{matchindex.MD5, md5}, {matchindex.SHA1, sha1}, {matchindex.SHA256, sha256}} {
				if h.hex == "" {
					continue
				}
				d, err := hex.DecodeString(h.hex)
				if err != nil {
					return fmt.Errorf("bank %s record %d: %w", b.Name, id, err)
				}
				if err := xb.Add(h.kind, d, ord); err != nil {
					return fmt.Errorf("bank %s record %d: %w", b.Name, id, err)
				}
			}
			if p != "" && !m.remote {
				ph, err := pdq.ParseHex(p)
				if err != nil {
					return fmt.Errorf("bank %s record %d: %w", b.Name, id, err)
				}
				pdqHashes, pdqOrds = append(pdqHashes, ph), append(pdqOrds, ord)
			}
			if vp != "" && m.remote {
				// The matchers hold its frames (shardSource).
				m.videoOrd = append(m.videoOrd, ord)
				m.videoStart = append(m.videoStart, uint32(len(m.frameVideo)))
			} else if vp != "" {
				frames, err := video.ReadText(strings.NewReader(vp), 0)
				if err != nil {
					return fmt.Errorf("bank %s record %d: vpdq %w", b.Name, id, err)
				}
				m.videoOrd = append(m.videoOrd, ord)
				m.videoStart = append(m.videoStart, uint32(len(m.frameVideo)))
				for _, h := range video.UniqueHashes(frames, video.QualityThreshold) {
					if len(m.frameVideo) >= frameBit {
						return fmt.Errorf("over %d video frame hashes", frameBit)
					}
					pdqHashes, pdqOrds = append(pdqHashes, h), append(pdqOrds, frameBit|uint32(len(m.frameVideo)))
					m.frameVideo = append(m.frameVideo, uint32(len(m.videoOrd)-1))
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("build match index: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	m.videoStart = append(m.videoStart, uint32(len(m.frameVideo)))
	m.exact = xb.Build()
	var err error
	m.pdq, err = matchindex.NewPDQ(pdqHashes, pdqOrds)
	return err
}

// Index files: <key>.exact, <key>.pdq and <key>.ords (ordinal -> record
// ID, bank, PDQ quality, with a CRC-32C).
func (m *Matcher) save(dir, key string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := matchindex.WriteFile(filepath.Join(dir, key+".exact"), m.exact); err != nil {
		return err
	}
	if err := matchindex.WriteFile(filepath.Join(dir, key+".pdq"), m.pdq); err != nil {
		return err
	}
	if err := matchindex.WriteFile(filepath.Join(dir, key+".ords"), ordsWriter{m}); err != nil {
		return err
	}
	if err := matchindex.WriteFile(filepath.Join(dir, key+".videos"), videosWriter{m}); err != nil {
		return err
	}
	// Indexes of earlier bank versions are stale: remove them.
	for _, ext := range []string{".exact", ".pdq", ".ords", ".videos"} {
		old, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		for _, p := range old {
			if filepath.Base(p) != key+ext {
				os.Remove(p)
			}
		}
	}
	return nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// The .ords file holds the ordinal table in columns, so it is read in
// large sequential chunks with no per-record read call:
//
//	magic "VIBORD\x00\x02", record count n (uint64), n record IDs (int64),
//	n bank indexes (uint16), n PDQ qualities (int8), then the CRC-32C of
//	everything before it (uint32); all little-endian.
const ordsMagic = "VIBORD\x00\x02"

// ordsChunk is the read and write buffer of the .ords file.
const ordsChunk = 1 << 20

type ordsWriter struct{ m *Matcher }

func (o ordsWriter) WriteTo(w io.Writer) (int64, error) {
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), ordsChunk)
	n := len(o.m.ids)
	var b [8]byte
	bw.WriteString(ordsMagic)
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	bw.Write(b[:])
	for _, id := range o.m.ids {
		binary.LittleEndian.PutUint64(b[:], uint64(id))
		bw.Write(b[:8])
	}
	for _, bk := range o.m.bank {
		binary.LittleEndian.PutUint16(b[:], bk)
		bw.Write(b[:2])
	}
	for _, q := range o.m.qual {
		bw.WriteByte(byte(q))
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	binary.LittleEndian.PutUint32(b[:], crc.Sum32())
	if _, err := w.Write(b[:4]); err != nil {
		return 0, err
	}
	return int64(16 + 11*n + 4), nil
}

// readOrds reads the .ords file: its size must match the count in its
// header, and the checksum the content.
func (m *Matcher) readOrds(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	crc := crc32.New(castagnoli)
	r := io.TeeReader(f, crc)
	var hdr [16]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil || string(hdr[:8]) != ordsMagic {
		return errors.New("ords file: not an ordinal table of this version")
	}
	n := binary.LittleEndian.Uint64(hdr[8:])
	if n > 1<<32 || fi.Size() != int64(16+11*n+4) {
		return errors.New("ords file: size does not match the record count")
	}
	m.ids, m.bank, m.qual = make([]int64, n), make([]uint16, n), make([]int8, n)
	buf := make([]byte, ordsChunk)
	// column reads elemSize-byte values, a chunk at a time, and hands
	// each chunk's values from index i on to put.
	column := func(elemSize int, put func(i int, b []byte)) error {
		per := ordsChunk / elemSize
		for i := 0; i < int(n); i += per {
			b := buf[:min(per, int(n)-i)*elemSize]
			if _, err := io.ReadFull(r, b); err != nil {
				return fmt.Errorf("ords file: %w", err)
			}
			put(i, b)
		}
		return nil
	}
	if err := column(8, func(i int, b []byte) {
		for j := 0; j < len(b); j += 8 {
			m.ids[i+j/8] = int64(binary.LittleEndian.Uint64(b[j:]))
		}
	}); err != nil {
		return err
	}
	bad := false
	if err := column(2, func(i int, b []byte) {
		for j := 0; j < len(b); j += 2 {
			v := binary.LittleEndian.Uint16(b[j:])
			bad = bad || int(v) >= len(m.banks)
			m.bank[i+j/2] = v
		}
	}); err != nil {
		return err
	}
	if bad {
		return errors.New("ords file: bank out of range")
	}
	if err := column(1, func(i int, b []byte) {
		for j, v := range b {
			m.qual[i+j] = int8(v)
		}
	}); err != nil {
		return err
	}
	sum := crc.Sum32()
	var tail [4]byte
	if _, err := io.ReadFull(f, tail[:]); err != nil || binary.LittleEndian.Uint32(tail[:]) != sum {
		return errors.New("ords file: checksum mismatch")
	}
	return nil
}

// load reads the cached index files, the three at once (the PDQ index is
// the largest; the others load beside it on a second core).
func (m *Matcher) load(dir, key string) error {
	path := func(ext string) string { return filepath.Join(dir, key+ext) }
	var wg sync.WaitGroup
	var exactErr, pdqErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		m.exact, exactErr = matchindex.ReadExactFile(path(".exact"))
	}()
	go func() {
		defer wg.Done()
		m.pdq, pdqErr = matchindex.ReadPDQFile(path(".pdq"))
	}()
	ordsErr := m.readOrds(path(".ords"))
	videosErr := m.readVideos(path(".videos"))
	wg.Wait()
	return errors.Join(ordsErr, videosErr, exactErr, pdqErr)
}

// Records is the number of bank records indexed.
func (m *Matcher) Records() int { return len(m.ids) }

// Banks are the banks indexed.
func (m *Matcher) Banks() []store.Bank { return m.banks }

func (m *Matcher) record(ctx context.Context, ord uint32) (store.BankRecord, error) {
	return m.recordByID(ctx, m.ids[ord])
}

func (m *Matcher) recordByID(ctx context.Context, id int64) (store.BankRecord, error) {
	m.mu.Lock()
	r, ok := m.recs[id]
	m.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err := m.db.BankRecordByID(ctx, id)
	if err != nil {
		return r, err
	}
	m.mu.Lock()
	if m.recs == nil || len(m.recs) >= maxCachedRecords {
		m.recs = make(map[int64]store.BankRecord)
	}
	m.recs[id] = r
	m.mu.Unlock()
	return r, nil
}

func (m *Matcher) hit(ctx context.Context, ord uint32, kind string, dist int, dihedral string) (Match, error) {
	r, err := m.record(ctx, ord)
	if err != nil {
		return Match{}, err
	}
	b := m.banks[m.bank[ord]]
	var h string
	switch kind {
	case "md5":
		h = r.MD5
	case "sha1":
		h = r.SHA1
	case "sha256":
		h = r.SHA256
	case "pdq":
		h = r.PDQ
	case "vpdq":
		h = r.SourceID
	}
	return Match{Bank: b.Name, BankKind: b.Kind, BankVersion: b.Version, Record: r.ID, Kind: kind, Hash: h, Distance: dist,
		Category: r.Category, NormCategory: r.NormCategory, Series: r.Series, Dihedral: dihedral}, nil
}

// MatchDigest finds exact matches of one digest ("md5", "sha1", "sha256").
func (m *Matcher) MatchDigest(ctx context.Context, kind string, digest []byte) ([]Match, error) {
	var k matchindex.Kind
	switch kind {
	case "md5":
		k = matchindex.MD5
	case "sha1":
		k = matchindex.SHA1
	case "sha256":
		k = matchindex.SHA256
	}
	if k == 0 || m.exact == nil {
		return nil, nil
	}
	var out []Match
	var err error
	m.exact.Lookup(k, digest, func(ord uint32) {
		if err != nil {
			return
		}
		var h Match
		h, err = m.hit(ctx, ord, kind, 0, "")
		out = append(out, h)
	})
	return out, err
}

var dihedralNames = []string{"", "rot90", "rot180", "rot270", "flipx", "flipy", "flip_plus1", "flip_minus1"}

// MatchPDQ finds near-duplicates of a PDQ hash of the given quality
// (dihedral holds its 8 transforms when dihedral matching is wanted). The
// quality gate applies to the query and to bank records that carry a
// quality. Best first: by distance, then in bank and record order.
func (m *Matcher) MatchPDQ(ctx context.Context, h pdq.Hash, quality int, dihedral []pdq.Hash) ([]Match, error) {
	out, err := m.matchPDQBatch(ctx, []pdqQuery{{h, quality, dihedral}})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// MatchResult matches one processed file: exact digests, then PDQ. It
// returns the matches and the file's triage status: matched (a hit in a
// bank that is not ignorable), ignorable (hits only in ignorable banks),
// unknown, or error.
func (m *Matcher) MatchResult(ctx context.Context, r *evidence.Result) ([]Match, string, error) {
	ms, sts, err := m.MatchResults(ctx, []*evidence.Result{r})
	if err != nil {
		return nil, "", err
	}
	return ms[0], sts[0], nil
}

// MatchResults is MatchResult for several files at once, their PDQ
// queries in one search (one scatter and gather through the matchers).
func (m *Matcher) MatchResults(ctx context.Context, rs []*evidence.Result) ([][]Match, []string, error) {
	all := make([][]Match, len(rs))
	var pqs []pdqQuery
	var pfile []int
	for i, r := range rs {
		if r.Hashed {
			for _, d := range []struct {
				kind string
				b    []byte
			}{{"md5", r.Digests.MD5[:]}, {"sha1", r.Digests.SHA1[:]}, {"sha256", r.Digests.SHA256[:]}} {
				ms, err := m.MatchDigest(ctx, d.kind, d.b)
				if err != nil {
					return nil, nil, err
				}
				all[i] = append(all[i], ms...)
			}
		}
		if r.PDQ != nil {
			pqs, pfile = append(pqs, pdqQuery{*r.PDQ, r.PDQQuality, r.Dihedral}), append(pfile, i)
		}
	}
	pms, err := m.matchPDQBatch(ctx, pqs)
	if err != nil {
		return nil, nil, err
	}
	for j, ms := range pms {
		all[pfile[j]] = append(all[pfile[j]], ms...)
	}
	status := make([]string, len(rs))
	for i, r := range rs {
		if r.Video != nil {
			ms, err := m.MatchVideo(ctx, r.Video.Frames)
			if err != nil {
				return nil, nil, err
			}
			all[i] = append(all[i], ms...)
		}
		all[i] = dedupMatches(all[i])
		status[i] = Status(r, all[i])
	}
	return all, status, nil
}

// dedupMatches keeps one match per (bank, record, kind).
func dedupMatches(ms []Match) []Match {
	seen := map[[3]string]bool{}
	out := ms[:0]
	for _, x := range ms {
		k := [3]string{x.Bank, fmt.Sprint(x.Record), x.Kind}
		if !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	return out
}

// Status is a file's triage status given its matches. A file with matches
// is matched or ignorable, never unknown or error: the files table's
// category filter reads only those two statuses.
func Status(r *evidence.Result, ms []Match) string {
	if r.Err != "" && !r.Hashed {
		return "error"
	}
	ignorable := false
	for _, x := range ms {
		if x.BankKind == "ignorable" {
			ignorable = true
			continue
		}
		return "matched"
	}
	if ignorable {
		return "ignorable"
	}
	if r.Err != "" {
		return "error"
	}
	return "unknown"
}
