package matchshard

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/matchindex"
)

// A shard's directory (Save, Load) holds:
//
//	state.json            the manifest: P, the partitions held, the view,
//	                      the tombstone watermark, and per bank its digest,
//	                      watermark and segments (with their tombstoned
//	                      ordinals)
//	b<bank>-p<part>-<first>-<last>-<n>.pdq   a segment's PDQ index
//	                      (matchindex's file format, mapped at load)
//	b<bank>-p<part>-<first>-<last>-<n>.rec   its records: magic
//	                      "VIBSEG\x00\x01", count n (uint64), n record IDs
//	                      (int64), n qualities (int8), CRC-32C of all before
//	                      (uint32); little-endian
//
// Segments never change, so each is written once; the manifest is written
// last, through a temporary file and a rename, so that a crash leaves the
// previous one whole, and files it no longer names are then removed.
const (
	manifestName    = "state.json"
	manifestVersion = 1
	recMagic        = "VIBSEG\x00\x01"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type manifest struct {
	Version int            `json:"version"`
	P       int            `json:"p"`
	Held    []int          `json:"held"`
	View    string         `json:"view"`
	Removed int64          `json:"removed"`
	Banks   []manifestBank `json:"banks"`
}

type manifestBank struct {
	ID        int64                     `json:"id"`
	Digest    string                    `json:"digest"`
	Watermark int64                     `json:"watermark"`
	Parts     map[int][]manifestSegment `json:"parts"`
}

type manifestSegment struct {
	Name string   `json:"name"`
	Dead []uint32 `json:"dead,omitempty"`
}

func segmentName(bank int64, part int, g *segment) string {
	first, last := int64(0), int64(0)
	if len(g.rec) > 0 {
		first, last = g.rec[0], g.rec[len(g.rec)-1]
	}
	return fmt.Sprintf("b%d-p%d-%d-%d-%d", bank, part, first, last, len(g.rec))
}

// Save writes the shard's state to dir (created if missing) so that a
// matcher restarted on it loads its partitions from disk (Load) and then
// tails its banks past the saved watermarks instead of reading them whole.
// Only segments not on disk yet are written. A state that holds an index
// given by SetIndex or SetPartition (not from a Source) is not saved.
func (s *Shard) Save(dir string) error {
	st := s.st.Load()
	if st == nil {
		return errors.New("save shard: nothing loaded yet")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save shard: %w", err)
	}
	m := manifest{Version: manifestVersion, P: s.p, Held: s.held, View: st.view, Removed: st.removed}
	keep := map[string]bool{manifestName: true}
	for _, b := range st.banks {
		mb := manifestBank{ID: b.id, Digest: b.digest, Watermark: b.watermark, Parts: map[int][]manifestSegment{}}
		for p, segs := range b.parts {
			for _, g := range segs {
				if g.banks != nil || b.digest == "" {
					return errors.New("save shard: it holds an index not loaded from a source")
				}
				name := segmentName(b.id, p, g)
				keep[name+".pdq"], keep[name+".rec"] = true, true
				if err := writeSegment(dir, name, g); err != nil {
					return fmt.Errorf("save shard: %w", err)
				}
				ms := manifestSegment{Name: name}
				for o := range g.dead {
					ms.Dead = append(ms.Dead, o)
				}
				slices.Sort(ms.Dead)
				mb.Parts[p] = append(mb.Parts[p], ms)
			}
		}
		m.Banks = append(m.Banks, mb)
	}
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(filepath.Join(dir, manifestName)); err != nil || !bytes.Equal(old, data) {
		if err := matchindex.WriteFile(filepath.Join(dir, manifestName), bytes.NewReader(data)); err != nil {
			return fmt.Errorf("save shard: %w", err)
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("save shard: %w", err)
	}
	for _, e := range ents {
		n := e.Name()
		if !keep[n] && (strings.HasSuffix(n, ".pdq") || strings.HasSuffix(n, ".rec") || strings.HasPrefix(n, ".")) {
			os.Remove(filepath.Join(dir, n))
		}
	}
	return nil
}

func writeSegment(dir, name string, g *segment) error {
	if _, err := os.Stat(filepath.Join(dir, name+".rec")); err == nil {
		if _, err := os.Stat(filepath.Join(dir, name+".pdq")); err == nil {
			return nil // written earlier: segments never change
		}
	}
	if err := matchindex.WriteFile(filepath.Join(dir, name+".pdq"), g.idx); err != nil {
		return err
	}
	return matchindex.WriteFile(filepath.Join(dir, name+".rec"), recWriter{g})
}

type recWriter struct{ g *segment }

func (r recWriter) WriteTo(w io.Writer) (int64, error) {
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriter(io.MultiWriter(w, crc))
	var b [8]byte
	bw.WriteString(recMagic)
	binary.LittleEndian.PutUint64(b[:], uint64(len(r.g.rec)))
	bw.Write(b[:])
	for _, id := range r.g.rec {
		binary.LittleEndian.PutUint64(b[:], uint64(id))
		bw.Write(b[:])
	}
	for _, q := range r.g.qual {
		bw.WriteByte(byte(q))
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	binary.LittleEndian.PutUint32(b[:], crc.Sum32())
	if _, err := w.Write(b[:4]); err != nil {
		return 0, err
	}
	return int64(16 + 9*len(r.g.rec) + 4), nil
}

// maxSegmentRecords bounds the record count a .rec file may claim.
const maxSegmentRecords = 1 << 32

func readRecords(path string) ([]int64, []int8, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(data) < 20 || string(data[:8]) != recMagic {
		return nil, nil, fmt.Errorf("%s: not a segment's records", path)
	}
	n := binary.LittleEndian.Uint64(data[8:])
	if n > maxSegmentRecords || uint64(len(data)) != 16+9*n+4 {
		return nil, nil, fmt.Errorf("%s: size does not match %d records", path, n)
	}
	if crc32.Checksum(data[:len(data)-4], castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil, nil, fmt.Errorf("%s: checksum mismatch", path)
	}
	rec, qual := make([]int64, n), make([]int8, n)
	for i := range rec {
		rec[i] = int64(binary.LittleEndian.Uint64(data[16+8*i:]))
		if i > 0 && rec[i] <= rec[i-1] {
			return nil, nil, fmt.Errorf("%s: record IDs not ascending", path)
		}
	}
	for i := range qual {
		qual[i] = int8(data[16+8*int(n)+i])
	}
	return rec, qual, nil
}

// Load replaces the shard's state by the one Save wrote to dir, if it was
// saved for the same P and partitions. A missing, foreign or damaged file
// is an error, and the shard is left as it was: the caller then loads from
// its Source (Refresh). After a Load, Refresh reads only what changed
// since the save: records past the watermarks, tombstones past the
// tombstone watermark, banks whose digest changed.
func (s *Shard) Load(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return fmt.Errorf("load shard: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("load shard: %s: %w", manifestName, err)
	}
	if m.Version != manifestVersion || m.P != s.p || !slices.Equal(m.Held, s.held) {
		return fmt.Errorf("load shard: saved for partitions %v of %d (version %d), not %v of %d", m.Held, m.P, m.Version, s.held, s.p)
	}
	st := &state{view: m.View, removed: m.Removed}
	for _, mb := range m.Banks {
		b := &bankState{id: mb.ID, digest: mb.Digest, watermark: mb.Watermark, parts: map[int][]*segment{}}
		for p, segs := range mb.Parts {
			if !s.isHeld[p] {
				return fmt.Errorf("load shard: bank %d: partition %d not held", mb.ID, p)
			}
			for _, ms := range segs {
				if strings.ContainsAny(ms.Name, `/\`) || ms.Name == "" {
					return fmt.Errorf("load shard: segment name %q", ms.Name)
				}
				idx, err := matchindex.ReadPDQFile(filepath.Join(dir, ms.Name+".pdq"))
				if err != nil {
					return fmt.Errorf("load shard: %w", err)
				}
				rec, qual, err := readRecords(filepath.Join(dir, ms.Name+".rec"))
				if err != nil {
					return fmt.Errorf("load shard: %w", err)
				}
				if idx.Len() != len(rec) {
					return fmt.Errorf("load shard: segment %s: %d hashes for %d records", ms.Name, idx.Len(), len(rec))
				}
				g := &segment{idx: idx, rec: rec, qual: qual}
				for _, o := range ms.Dead {
					if int(o) >= len(rec) {
						return fmt.Errorf("load shard: segment %s: tombstone %d of %d", ms.Name, o, len(rec))
					}
					if g.dead == nil {
						g.dead = map[uint32]bool{}
					}
					g.dead[o] = true
				}
				b.parts[p] = append(b.parts[p], g)
			}
		}
		st.banks = append(st.banks, b)
	}
	slices.SortFunc(st.banks, func(a, b *bankState) int { return cmpInt(a.id, b.id) })
	s.mu.Lock()
	s.st.Store(st)
	s.mu.Unlock()
	return nil
}
