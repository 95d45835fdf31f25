package matchshard

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

func TestWireRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	qs := []pdq.Hash{randomHash(r), randomHash(r), randomHash(r)}
	b := encodeRequest(31, []int{0, 7, 4095}, qs)
	req, err := decodeRequest(b)
	if err != nil || req.maxDist != 31 || !slices.Equal(req.parts, []int{0, 7, 4095}) || !slices.Equal(req.queries, qs) {
		t.Fatalf("request round trip: %+v %v", req, err)
	}
	hits := []Hit{{Query: 2, Record: 1 << 40, Bank: 9, Distance: 31, Quality: -1}, {Query: 0, Record: 5, Bank: 1, Distance: 0, Quality: 100}}
	view, got, err := decodeResponse(encodeResponse("abc", hits), 3)
	if err != nil || view != "abc" || !slices.Equal(got, hits) {
		t.Fatalf("response round trip: %q %+v %v", view, got, err)
	}
	// A hit for a query that was not asked is refused.
	if _, _, err := decodeResponse(encodeResponse("abc", hits), 2); !errors.Is(err, ErrWire) {
		t.Fatalf("hit for query 2 of 2 accepted: %v", err)
	}
	for i := range len(b) {
		if _, err := decodeRequest(b[:i]); !errors.Is(err, ErrWire) {
			t.Fatalf("request truncated to %d bytes accepted: %v", i, err)
		}
	}
	if _, err := decodeRequest(append(slices.Clone(b), 0)); !errors.Is(err, ErrWire) {
		t.Fatal("request with a trailing byte accepted")
	}
	huge := encodeRequest(1, nil, nil)
	huge[len(huge)-1] = 0xff // 4 billion queries announced, none sent
	if _, err := decodeRequest(huge); !errors.Is(err, ErrWire) {
		t.Fatal("oversized query count accepted")
	}
}

func FuzzDecodeRequest(f *testing.F) {
	f.Add(encodeRequest(31, []int{1, 2}, []pdq.Hash{{1}, {2}}))
	f.Add([]byte("VMQ1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := decodeRequest(b)
		if err != nil {
			return
		}
		if again := encodeRequest(req.maxDist, req.parts, req.queries); !bytes.Equal(again, b) {
			t.Fatalf("decoded request does not re-encode to its bytes")
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add(encodeResponse("v", []Hit{{Query: 0, Record: 1, Bank: 2, Distance: 3, Quality: 4}}), 1)
	f.Add([]byte("VMR1\x00"), 0)
	f.Fuzz(func(t *testing.T, b []byte, nq int) {
		view, hits, err := decodeResponse(b, nq)
		if err != nil {
			return
		}
		for _, h := range hits {
			if h.Query < 0 || h.Query >= nq {
				t.Fatalf("hit for query %d of %d", h.Query, nq)
			}
		}
		if again := encodeResponse(view, hits); !bytes.Equal(again, b) {
			t.Fatalf("decoded response does not re-encode to its bytes")
		}
	})
}
