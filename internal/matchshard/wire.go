package matchshard

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// The wire format of POST /v1/search, version 1, little-endian (see
// docs/scale.md):
//
//	request:  "VMQ1", max distance (u8), partition count np (u16), np
//	          partitions (u16), query count nq (u32), nq PDQ hashes
//	          (32 bytes each)
//	response: "VMR1", view length (u8), view, hit count nh (u32), nh hits
//	          of 22 bytes: query index (u32), record ID (i64), bank ID
//	          (i64), distance (u8), quality (i8)
//
// Both directions are bounded: at most MaxBatch queries, MaxHits hits,
// and the length must match the counts exactly.
const (
	reqMagic = "VMQ1"
	resMagic = "VMR1"
	hitSize  = 22
	// MaxBatch bounds the queries of one request (32 MiB of hashes).
	MaxBatch = 1 << 20
	// MaxHits bounds the hits of one response (352 MiB).
	MaxHits = 1 << 24
)

// ErrWire: a request or response that is not of this format.
var ErrWire = errors.New("matcher wire format")

// request is one decoded search request.
type request struct {
	maxDist int
	parts   []int
	queries []pdq.Hash
}

func encodeRequest(maxDist int, parts []int, qs []pdq.Hash) []byte {
	b := make([]byte, 0, 4+1+2+2*len(parts)+4+32*len(qs))
	b = append(b, reqMagic...)
	b = append(b, byte(maxDist))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(parts)))
	for _, p := range parts {
		b = binary.LittleEndian.AppendUint16(b, uint16(p))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(qs)))
	for i := range qs {
		b = append(b, qs[i][:]...)
	}
	return b
}

func decodeRequest(b []byte) (request, error) {
	var r request
	if len(b) < 11 || string(b[:4]) != reqMagic {
		return r, fmt.Errorf("%w: not a version 1 request", ErrWire)
	}
	r.maxDist = int(b[4])
	np := int(binary.LittleEndian.Uint16(b[5:]))
	off := 7
	if len(b) < off+2*np+4 {
		return r, fmt.Errorf("%w: request truncated at byte %d", ErrWire, len(b))
	}
	r.parts = make([]int, np)
	for i := range r.parts {
		r.parts[i] = int(binary.LittleEndian.Uint16(b[off:]))
		off += 2
	}
	nq := binary.LittleEndian.Uint32(b[off:])
	off += 4
	if nq > MaxBatch {
		return r, fmt.Errorf("%w: %d queries, at most %d", ErrWire, nq, MaxBatch)
	}
	if len(b) != off+32*int(nq) {
		return r, fmt.Errorf("%w: %d bytes for %d queries", ErrWire, len(b)-off, nq)
	}
	r.queries = make([]pdq.Hash, nq)
	for i := range r.queries {
		copy(r.queries[i][:], b[off:])
		off += 32
	}
	return r, nil
}

func encodeResponse(view string, hits []Hit) []byte {
	b := make([]byte, 0, 4+1+len(view)+4+hitSize*len(hits))
	b = append(b, resMagic...)
	b = append(b, byte(len(view)))
	b = append(b, view...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(hits)))
	for _, h := range hits {
		b = binary.LittleEndian.AppendUint32(b, uint32(h.Query))
		b = binary.LittleEndian.AppendUint64(b, uint64(h.Record))
		b = binary.LittleEndian.AppendUint64(b, uint64(h.Bank))
		b = append(b, byte(h.Distance), byte(int8(h.Quality)))
	}
	return b
}

// decodeResponse decodes a response to a batch of nq queries.
func decodeResponse(b []byte, nq int) (string, []Hit, error) {
	if len(b) < 5 || string(b[:4]) != resMagic {
		return "", nil, fmt.Errorf("%w: not a version 1 response", ErrWire)
	}
	vl := int(b[4])
	if len(b) < 5+vl+4 {
		return "", nil, fmt.Errorf("%w: response truncated at byte %d", ErrWire, len(b))
	}
	view := string(b[5 : 5+vl])
	off := 5 + vl
	nh := binary.LittleEndian.Uint32(b[off:])
	off += 4
	if nh > MaxHits || len(b) != off+hitSize*int(nh) {
		return "", nil, fmt.Errorf("%w: %d bytes for %d hits", ErrWire, len(b)-off, nh)
	}
	hits := make([]Hit, nh)
	for i := range hits {
		h := &hits[i]
		h.Query = int(binary.LittleEndian.Uint32(b[off:]))
		h.Record = int64(binary.LittleEndian.Uint64(b[off+4:]))
		h.Bank = int64(binary.LittleEndian.Uint64(b[off+12:]))
		h.Distance = int(b[off+20])
		h.Quality = int(int8(b[off+21]))
		if h.Query >= nq {
			return "", nil, fmt.Errorf("%w: hit %d: query %d of %d", ErrWire, i, h.Query, nq)
		}
		off += hitSize
	}
	return view, hits, nil
}
