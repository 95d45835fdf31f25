package matchindex

import (
	"io"
)

// exactMagic names the bucketed layout (files of the earlier layouts,
// "VIBEXCT\x00" and "VIBEXCT\x01", are foreign: the caller rebuilds).
const exactMagic = "VIBEXCT\x02"

// Exact file fields: for each kind MD5, SHA1, SHA256: pair count, entry
// (distinct digest) count, bucket count, stash entries, multi length.
// Content: for each kind, the buckets (buckets * bucket size bytes), the
// stash (entries * (digest size + 4) bytes), multi (uint32s).
const exactFields = 5

// WriteTo writes the index in the format ReadExact reads.
func (x *Exact) WriteTo(w io.Writer) (int64, error) {
	var fields []uint64
	var sections [][]byte
	for k := Kind(1); k < numKinds; k++ {
		t := &x.tables[k]
		fields = append(fields, uint64(t.n), uint64(t.entries), t.buckets, uint64(len(t.stash)/t.stride), uint64(len(t.multi)))
		sections = append(sections, t.recs, t.stash, leBytes(t.multi))
	}
	return writeIndex(w, exactMagic, fields, sections)
}

// ReadExact reads an index written by (*Exact).WriteTo. A damaged,
// truncated or foreign input gives an error wrapping ErrCorrupt. Only the
// sizes are checked beyond the checksums: lookups bound every count and
// index they read, so a forged file can give wrong answers but not crash.
func ReadExact(r io.Reader) (*Exact, error) { return readExact(r, nil) }

func readExact(r io.Reader, mem []byte) (*Exact, error) {
	rd, f, err := readHeader(r, "exact index", exactMagic)
	if err != nil {
		return nil, err
	}
	rd.mem = mem
	if len(f) != exactFields*(numKinds-1) {
		return nil, rd.errf("%d header fields, want %d", len(f), exactFields*(numKinds-1))
	}
	var content uint64
	for k := Kind(1); k < numKinds; k++ {
		n, entries, buckets, stash, multi := f[exactFields*(k-1)], f[exactFields*(k-1)+1], f[exactFields*(k-1)+2], f[exactFields*(k-1)+3], f[exactFields*(k-1)+4]
		// Every id fits 31 bits; n pairs make entries digests; a digest
		// with c > 1 ids takes c+1 multi words.
		if n > MaxExactID+1 || entries > n || buckets != exactBuckets(k, int(entries)) || stash > entries || multi > n+entries {
			return nil, rd.errf("%s: %d pairs, %d digests, %d buckets, %d stashed, %d multi", k, n, entries, buckets, stash, multi)
		}
		t := newExactTable(k)
		content += pad8(buckets*uint64(t.bucketSz)) + pad8(stash*uint64(t.stride)) + pad8(4*multi)
	}
	if err := rd.expect(content); err != nil {
		return nil, err
	}
	x := &Exact{}
	for k := Kind(1); k < numKinds; k++ {
		t := newExactTable(k)
		n, entries, buckets, stash, multi := f[exactFields*(k-1)], f[exactFields*(k-1)+1], f[exactFields*(k-1)+2], f[exactFields*(k-1)+3], f[exactFields*(k-1)+4]
		t.n, t.entries, t.buckets = int(n), int(entries), buckets
		if t.recs, err = readSlice[byte](rd, buckets*uint64(t.bucketSz)); err != nil {
			return nil, err
		}
		if t.stash, err = readSlice[byte](rd, stash*uint64(t.stride)); err != nil {
			return nil, err
		}
		if t.multi, err = readSlice[uint32](rd, multi); err != nil {
			return nil, err
		}
		x.tables[k] = t
	}
	if err := rd.finish(); err != nil {
		return nil, err
	}
	return x, nil
}
