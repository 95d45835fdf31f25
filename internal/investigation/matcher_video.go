package investigation

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/video"
)

// frameBit marks a bank video's frame among the IDs of the PDQ index
// (photos' IDs are record ordinals, below it).
const frameBit = 1 << 31

// SearchFrames implements video.FrameIndex over the bank videos' frames in
// the shared PDQ index.
func (x *matchIndex) SearchFrames(h pdq.Hash, distance int, fn func(v, frame uint32)) {
	x.pdq.Search(h, distance, func(id uint32, _ int) {
		if id&frameBit == 0 {
			return // a photo's hash
		}
		f := id &^ frameBit
		fn(x.frameVideo[f], f)
	})
}

// FrameCount implements video.FrameIndex.
func (x *matchIndex) FrameCount(v uint32) int { return int(x.videoStart[v+1] - x.videoStart[v]) }

// Videos is the number of bank videos indexed.
func (m *Matcher) Videos() int { return len(m.videoOrd) }

// MatchVideo matches a video's frames against the banks' videos under the
// vPDQ rule (video.MatchOptions): frames of quality under the options'
// MinQuality are dropped and the rest deduplicated; a bank video is a
// candidate when one of its frames is within MaxDistance of one of the
// query's (looked up in the PDQ index the photos use), and it matches when
// q% >= VideoQueryPercent and c% >= VideoComparedPercent. Best first.
func (m *Matcher) MatchVideo(ctx context.Context, frames []video.Frame) ([]Match, error) {
	query := video.UniqueHashes(frames, max(m.opt.MinQuality, 0))
	opt := video.MatchOptions{Distance: m.opt.MaxDistance, QueryPercent: m.opt.VideoQueryPercent,
		ComparedPercent: m.opt.VideoComparedPercent, MinQuality: max(m.opt.MinQuality, 0)}
	if m.remote && len(m.videoOrd) > 0 && len(query) > 0 {
		return m.matchVideoRemote(ctx, query, opt)
	}
	if m.pdq == nil || len(m.videoOrd) == 0 || len(query) == 0 {
		return nil, nil
	}
	var out []Match
	for _, vm := range video.SearchIndex(m.matchIndex, query, opt) {
		h, err := m.hit(ctx, m.videoOrd[vm.Video], "vpdq", 0, "")
		if err != nil {
			return out, err
		}
		q, c := vm.QueryPercent, vm.ComparedPercent
		h.QueryMatchPercent, h.ComparedMatchPercent = &q, &c
		out = append(out, h)
	}
	return out, nil
}

// matchVideoRemote is MatchVideo through the matchers, which hold the
// bank videos' unique frame hashes under their records' IDs
// (shardSource): the query's frames in one batch name the candidate
// videos, and each candidate's q% and c% are counted exactly from its
// frames in the store (video.Compare), as video.SearchIndex counts them
// over the embedded index; the order is the same too (q%, c%, then bank
// and record, the embedded index's video order).
func (m *Matcher) matchVideoRemote(ctx context.Context, query []pdq.Hash, opt video.MatchOptions) ([]Match, error) {
	hits, err := m.search.SearchPDQ(ctx, query, opt.Distance)
	if err != nil {
		return nil, fmt.Errorf("match video: %w", err)
	}
	type cand struct {
		bank int // in m.banks
		rec  store.BankRecord
		q, c float64
	}
	seen := map[int64]bool{}
	var out []cand
	for _, h := range hits {
		if seen[h.Record] {
			continue
		}
		seen[h.Record] = true
		bi := slices.IndexFunc(m.banks, func(b store.Bank) bool { return b.ID == h.Bank })
		if bi < 0 {
			continue // replaced or removed since this matcher's bank list
		}
		r, err := m.recordByID(ctx, h.Record)
		if errors.Is(err, store.ErrNotFound) {
			continue // removed since the matchers answered
		}
		if err != nil {
			return nil, err
		}
		if r.VPDQ == "" {
			continue // a photo's hash near a query frame
		}
		frames, err := video.ReadText(strings.NewReader(r.VPDQ), 0)
		if err != nil {
			return nil, fmt.Errorf("bank record %d: vpdq %w", r.ID, err)
		}
		q, c := video.Compare(query, video.UniqueHashes(frames, video.QualityThreshold), opt.Distance)
		if q >= opt.QueryPercent && c >= opt.ComparedPercent {
			out = append(out, cand{bi, r, q, c})
		}
	}
	slices.SortFunc(out, func(a, b cand) int {
		return cmp.Or(cmp.Compare(b.q, a.q), cmp.Compare(b.c, a.c), cmp.Compare(a.bank, b.bank), cmp.Compare(a.rec.ID, b.rec.ID))
	})
	var ms []Match
	for _, c := range out {
		b, r := m.banks[c.bank], c.rec
		ms = append(ms, Match{Bank: b.Name, BankKind: b.Kind, BankVersion: b.Version, Record: r.ID, Kind: "vpdq", Hash: r.SourceID,
			Category: r.Category, NormCategory: r.NormCategory, Series: r.Series, QueryMatchPercent: &c.q, ComparedMatchPercent: &c.c})
	}
	return ms, nil
}

// The .videos file holds the bank videos' tables:
//
//	magic "VIBVID\x00\x01", video count n (uint64), n record ordinals
//	(uint32), n+1 frame starts (uint32), then the CRC-32C of everything
//	before it (uint32); all little-endian. The frame -> video table is
//	rebuilt from the starts.
const videosMagic = "VIBVID\x00\x01"

type videosWriter struct{ m *Matcher }

func (o videosWriter) WriteTo(w io.Writer) (int64, error) {
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), ordsChunk)
	var b [8]byte
	bw.WriteString(videosMagic)
	binary.LittleEndian.PutUint64(b[:], uint64(len(o.m.videoOrd)))
	bw.Write(b[:])
	for _, tbl := range [][]uint32{o.m.videoOrd, o.m.videoStart} {
		for _, v := range tbl {
			binary.LittleEndian.PutUint32(b[:], v)
			bw.Write(b[:4])
		}
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	binary.LittleEndian.PutUint32(b[:], crc.Sum32())
	if _, err := w.Write(b[:4]); err != nil {
		return 0, err
	}
	return int64(16 + 8*len(o.m.videoOrd) + 4 + 4), nil
}

// readVideos reads the .videos file written with the ordinal table: its
// size must match its count, its checksum its content, and its tables the
// index (ordinals in range, starts ascending).
func (m *Matcher) readVideos(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(data) < 16+4+4 || string(data[:8]) != videosMagic {
		return errors.New("videos file: not a video table of this version")
	}
	n := binary.LittleEndian.Uint64(data[8:])
	if n >= frameBit || uint64(len(data)) != 16+8*n+4+4 {
		return errors.New("videos file: size does not match the video count")
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return errors.New("videos file: checksum mismatch")
	}
	u32 := func(i int) uint32 { return binary.LittleEndian.Uint32(body[16+4*i:]) }
	m.videoOrd, m.videoStart = make([]uint32, n), make([]uint32, n+1)
	for i := range m.videoOrd {
		if m.videoOrd[i] = u32(i); int(m.videoOrd[i]) >= len(m.ids) {
			return fmt.Errorf("videos file: record ordinal out of range")
		}
	}
	for i := range m.videoStart {
		m.videoStart[i] = u32(int(n) + i)
		if i > 0 && m.videoStart[i] < m.videoStart[i-1] || m.videoStart[i] >= frameBit {
			return errors.New("videos file: frame starts out of order")
		}
	}
	m.frameVideo = make([]uint32, m.videoStart[n])
	for v := range n {
		for f := m.videoStart[v]; f < m.videoStart[v+1]; f++ {
			m.frameVideo[f] = uint32(v)
		}
	}
	return nil
}
