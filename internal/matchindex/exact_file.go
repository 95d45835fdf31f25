package matchindex

import (
	"io"
)

// exactMagic names the slot layout (files of the earlier sorted layout,
// "VIBEXCT\x00", are foreign: the caller rebuilds).
const exactMagic = "VIBEXCT\x01"

// Exact file fields: for each kind MD5, SHA1, SHA256: record count, slot
// count and home-slot count m. Content: for each kind, the slots (slots *
// (digest size + 4) bytes).

// WriteTo writes the index in the format ReadExact reads.
func (x *Exact) WriteTo(w io.Writer) (int64, error) {
	var fields []uint64
	var sections [][]byte
	for k := Kind(1); k < numKinds; k++ {
		t := &x.tables[k]
		fields = append(fields, uint64(t.n), uint64(t.slots), t.m)
		sections = append(sections, t.recs[:t.slots*t.stride])
	}
	return writeIndex(w, exactMagic, fields, sections)
}

// ReadExact reads an index written by (*Exact).WriteTo. A damaged,
// truncated or foreign input gives an error wrapping ErrCorrupt.
func ReadExact(r io.Reader) (*Exact, error) {
	rd, f, err := readHeader(r, "exact index", exactMagic)
	if err != nil {
		return nil, err
	}
	if len(f) != 3*(numKinds-1) {
		return nil, rd.errf("%d header fields, want %d", len(f), 3*(numKinds-1))
	}
	var content uint64
	for k := Kind(1); k < numKinds; k++ {
		n, slots, m := f[3*(k-1)], f[3*(k-1)+1], f[3*(k-1)+2]
		// n records take at least n slots and at most n+m (every record
		// is within n slots of a home); m is exactHomes(n).
		if n >= 1<<32 || slots < n || slots > n+m || m != exactHomes(int(n)) || n == 0 && slots != 0 {
			return nil, rd.errf("%s: %d records in %d slots with %d homes", k, n, slots, m)
		}
		content += slots * uint64(k.Size()+4)
	}
	if err := rd.expect(content); err != nil {
		return nil, err
	}
	x := &Exact{}
	for k := Kind(1); k < numKinds; k++ {
		n, slots, m := f[3*(k-1)], f[3*(k-1)+1], f[3*(k-1)+2]
		t := exactTable{keyLen: k.Size(), stride: k.Size() + 4, n: int(n), slots: int(slots), m: m}
		if t.recs, err = readSlice[byte](rd, slots*uint64(t.stride)); err != nil {
			return nil, err
		}
		x.tables[k] = t
	}
	if err := rd.finish(); err != nil {
		return nil, err
	}
	return x, nil
}
