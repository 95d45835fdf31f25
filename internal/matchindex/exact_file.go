package matchindex

import (
	"io"
)

const exactMagic = "VIBEXCT\x00"

// Exact file fields: for each kind MD5, SHA1, SHA256: record count and
// front-table bits. Content: for each kind, the records (count * (digest
// size + 4) bytes) then the front table ((2^bits + 1) uint32).

// WriteTo writes the index in the format ReadExact reads.
func (x *Exact) WriteTo(w io.Writer) (int64, error) {
	var fields []uint64
	var sections [][]byte
	for k := Kind(1); k < numKinds; k++ {
		t := &x.tables[k]
		off := t.off
		if off == nil {
			off = []uint32{0, 0}
		}
		fields = append(fields, uint64(t.n), uint64(t.bits))
		sections = append(sections, t.recs[:t.n*(k.Size()+4)], leBytes(off))
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
	if len(f) != 2*(numKinds-1) {
		return nil, rd.errf("%d header fields, want %d", len(f), 2*(numKinds-1))
	}
	var content uint64
	for k := Kind(1); k < numKinds; k++ {
		n, nb := f[2*(k-1)], f[2*(k-1)+1]
		if n >= 1<<32 || nb > 32 {
			return nil, rd.errf("%s: %d records with %d front-table bits", k, n, nb)
		}
		content += n*uint64(k.Size()+4) + 4*((1<<nb)+1)
	}
	if err := rd.expect(content); err != nil {
		return nil, err
	}
	x := &Exact{}
	for k := Kind(1); k < numKinds; k++ {
		n, nb := f[2*(k-1)], f[2*(k-1)+1]
		t := exactTable{keyLen: k.Size(), stride: k.Size() + 4, n: int(n), bits: uint(nb)}
		if t.recs, err = readSlice[byte](rd, n*uint64(t.stride)); err != nil {
			return nil, err
		}
		if t.off, err = readSlice[uint32](rd, (1<<nb)+1); err != nil {
			return nil, err
		}
		if t.off[0] != 0 || t.off[len(t.off)-1] != uint32(n) {
			return nil, rd.errf("%s: front table does not span the records", k)
		}
		for i := 1; i < len(t.off); i++ {
			if t.off[i] < t.off[i-1] {
				return nil, rd.errf("%s: front table decreases at bucket %d", k, i)
			}
		}
		x.tables[k] = t
	}
	if err := rd.finish(); err != nil {
		return nil, err
	}
	return x, nil
}
