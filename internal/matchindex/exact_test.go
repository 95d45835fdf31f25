package matchindex

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// exactFixture builds an index of random digests of every kind with
// repeated digests (several ids), repeated pairs, shared 8-byte prefixes
// and a crowded bucket, and returns the expected ids per kind and digest.
func exactFixture(t testing.TB, r *rand.Rand, n int) (*Exact, map[Kind]map[string][]uint32) {
	t.Helper()
	var b ExactBuilder
	want := map[Kind]map[string][]uint32{}
	add := func(k Kind, d []byte, id uint32) {
		if err := b.Add(k, d, id); err != nil {
			t.Fatal(err)
		}
		m := want[k]
		if m == nil {
			m = map[string][]uint32{}
			want[k] = m
		}
		if !slices.Contains(m[string(d)], id) {
			m[string(d)] = append(m[string(d)], id)
		}
	}
	for _, k := range []Kind{MD5, SHA1, SHA256} {
		b.Grow(k, n)
		var keys [][]byte
		for i := 0; i < n; i++ {
			d := randDigests(r, 1, k.Size())
			switch {
			case i%50 == 1 && len(keys) > 0: // same digest, another id
				d = keys[r.IntN(len(keys))]
			case i%50 == 2 && len(keys) > 0: // shares the first 8 bytes
				copy(d, keys[r.IntN(len(keys))][:8])
			case i%50 == 3: // crowds bucket 0
				clear(d[:4])
			}
			keys = append(keys, d)
			add(k, d, uint32(r.IntN(n)))
			if i%97 == 0 {
				add(k, d, uint32(i)) // the exact pair again, below
				add(k, d, uint32(i))
			}
		}
	}
	for _, m := range want {
		for _, ids := range m {
			slices.Sort(ids)
		}
	}
	return b.Build(), want
}

func TestExactLookup(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 30, 5000, 100_000} {
		x, want := exactFixture(t, r, n)
		for _, k := range []Kind{MD5, SHA1, SHA256} {
			total := 0
			for d, ids := range want[k] {
				total += len(ids)
				var got []uint32
				c := x.Lookup(k, []byte(d), func(id uint32) { got = append(got, id) })
				if !slices.Equal(got, ids) || c != len(ids) {
					t.Fatalf("n=%d %s: Lookup = %v (%d), want %v", n, k, got, c, ids)
				}
				if got := x.AppendIDs(nil, k, []byte(d)); !slices.Equal(got, ids) {
					t.Fatalf("n=%d %s: AppendIDs = %v, want %v", n, k, got, ids)
				}
				if !x.Contains(k, []byte(d)) {
					t.Fatalf("n=%d %s: Contains false", n, k)
				}
			}
			if x.Len(k) != total {
				t.Errorf("n=%d %s: Len %d, want %d", n, k, x.Len(k), total)
			}
			for i := 0; i < 200; i++ {
				d := randDigests(r, 1, k.Size())
				if _, ok := want[k][string(d)]; !ok && x.Contains(k, d) {
					t.Fatalf("n=%d %s: absent digest found", n, k)
				}
			}
			// Present digests with one bit flipped: the compare must
			// look at every bit.
			for d := range want[k] {
				q := []byte(d)
				q[r.IntN(len(q))] ^= 1 << r.IntN(8)
				if _, ok := want[k][string(q)]; !ok && x.Contains(k, q) {
					t.Fatalf("n=%d %s: %x (one bit from a present digest) found", n, k, q)
				}
			}
		}
	}
}

func TestExactWrongInput(t *testing.T) {
	var b ExactBuilder
	d := make([]byte, 16)
	if err := b.Add(MD5, d, 1); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(SHA1, d, 1); err == nil {
		t.Error("Add of a 16-byte sha1: no error")
	}
	if err := b.Add(Kind(0), d, 1); err == nil {
		t.Error("Add of kind 0: no error")
	}
	if err := b.Add(Kind(9), d, 1); err == nil {
		t.Error("Add of kind 9: no error")
	}
	if b.Len() != 1 {
		t.Errorf("Len %d", b.Len())
	}
	x := b.Build()
	if b.Len() != 0 {
		t.Errorf("builder not reset: Len %d", b.Len())
	}
	for _, tt := range []struct {
		k Kind
		d []byte
	}{{MD5, d[:15]}, {MD5, append(d, 0)}, {SHA1, d}, {Kind(0), d}, {Kind(200), d}, {MD5, nil}} {
		if x.Contains(tt.k, tt.d) || x.Lookup(tt.k, tt.d, func(uint32) {}) != 0 || len(x.AppendIDs(nil, tt.k, tt.d)) != 0 {
			t.Errorf("%v %d bytes: matched", tt.k, len(tt.d))
		}
	}
	if !x.Contains(MD5, d) {
		t.Error("digest not found")
	}
}

func TestExactLookupBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	x, want := exactFixture(t, r, 3000)
	for _, k := range []Kind{MD5, SHA1, SHA256} {
		var packed []byte
		var exp [][]uint32
		for d, ids := range want[k] {
			packed = append(packed, d...)
			exp = append(exp, ids)
			if len(exp)%3 == 0 {
				packed = append(packed, randDigests(r, 1, k.Size())...)
				exp = append(exp, nil)
			}
		}
		got := make([][]uint32, len(exp))
		calls := x.LookupBatch(k, append(packed, 1, 2, 3), func(i int, id uint32) { got[i] = append(got[i], id) })
		total := 0
		for i := range exp {
			total += len(exp[i])
			if !slices.Equal(got[i], exp[i]) {
				t.Fatalf("%s digest %d: %v, want %v", k, i, got[i], exp[i])
			}
		}
		if calls != total {
			t.Errorf("%s: %d calls, want %d", k, calls, total)
		}
	}
}

func TestSortRecords(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{0, 1, 5, 24, 25, 1000, 70_000} {
		for _, stride := range []int{20, 24, 36} {
			keyLen := stride - 4
			recs := randDigests(r, n, stride)
			// Equal keys with many ids, to exercise the id ordering.
			for i := 0; i+1 < n && i < 200; i += 2 {
				copy(recs[(i+1)*stride:], recs[:keyLen])
			}
			want := make([][]byte, n)
			for i := range want {
				want[i] = slices.Clone(recs[i*stride : (i+1)*stride])
			}
			slices.SortFunc(want, func(a, b []byte) int {
				if c := bytes.Compare(a[:keyLen], b[:keyLen]); c != 0 {
					return c
				}
				return int(binary.LittleEndian.Uint32(a[keyLen:])) - int(binary.LittleEndian.Uint32(b[keyLen:]))
			})
			sortRecords(recs, stride, keyLen)
			for i := range want {
				if !bytes.Equal(recs[i*stride:(i+1)*stride], want[i]) {
					t.Fatalf("n=%d stride=%d: record %d out of order", n, stride, i)
				}
			}
		}
	}
}

// TestExactNonRandomDigests: digests that are not uniformly random (a
// counter in the low bytes) crowd one bucket; lookups must stay exact.
func TestExactNonRandomDigests(t *testing.T) {
	var b ExactBuilder
	const n = 5000
	d := make([]byte, 16)
	for i := 0; i < n; i++ {
		binary.BigEndian.PutUint32(d[12:], uint32(i*2))
		if err := b.Add(MD5, d, uint32(i)); err != nil {
			t.Fatal(err)
		}
	}
	x := b.Build()
	for i := 0; i < 2*n+2; i++ {
		binary.BigEndian.PutUint32(d[12:], uint32(i))
		got := x.AppendIDs(nil, MD5, d)
		if i%2 == 0 && i < 2*n {
			if len(got) != 1 || got[0] != uint32(i/2) {
				t.Fatalf("digest %d: %v", i, got)
			}
		} else if len(got) != 0 {
			t.Fatalf("absent digest %d: %v", i, got)
		}
	}
}

// TestExactStash: digests that agree in the 16 bytes both buckets come
// from cannot all have a bucket place; the rest go to the stash, and
// lookups, batches and a written and read copy still find every id.
func TestExactStash(t *testing.T) {
	var b ExactBuilder
	want := map[string][]uint32{}
	d := make([]byte, 32)
	for i := 0; i < 300; i++ {
		binary.BigEndian.PutUint32(d[28:], uint32(i))
		ids := []uint32{uint32(i)}
		if i%7 == 0 {
			ids = append(ids, uint32(1000+i), uint32(2000+i))
		}
		for _, id := range ids {
			if err := b.Add(SHA256, d, id); err != nil {
				t.Fatal(err)
			}
		}
		want[string(d)] = ids
	}
	x := b.Build()
	if len(x.tables[SHA256].stash) == 0 {
		t.Fatal("no digest went to the stash")
	}
	y, err := ReadExact(bytes.NewReader(encode(t, x)))
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range []*Exact{x, y} {
		var packed []byte
		var exp [][]uint32
		for k, ids := range want {
			if got := idx.AppendIDs(nil, SHA256, []byte(k)); !slices.Equal(got, ids) {
				t.Fatalf("%x: %v, want %v", k, got, ids)
			}
			packed = append(packed, k...)
			exp = append(exp, ids)
		}
		binary.BigEndian.PutUint32(d[28:], 5000)
		if idx.Contains(SHA256, d) {
			t.Fatal("absent digest found")
		}
		packed = append(packed, d...)
		exp = append(exp, nil)
		got := make([][]uint32, len(exp))
		idx.LookupBatch(SHA256, packed, func(i int, id uint32) { got[i] = append(got[i], id) })
		for i := range exp {
			if !slices.Equal(got[i], exp[i]) {
				t.Fatalf("batch %d: %v, want %v", i, got[i], exp[i])
			}
		}
	}
	if err := b.Add(MD5, make([]byte, 16), MaxExactID+1); err == nil {
		t.Error("Add of an id above MaxExactID: no error")
	}
}

// TestExactCompareWords: a query that differs from a stored digest in
// both halves must not match whatever the bits (the word compares are
// combined without losing any).
func TestExactCompareWords(t *testing.T) {
	for _, k := range []Kind{MD5, SHA1, SHA256} {
		var b ExactBuilder
		stored := make([]byte, k.Size())
		if err := b.Add(k, stored, 7); err != nil {
			t.Fatal(err)
		}
		x := b.Build()
		q := make([]byte, k.Size())
		q[0], q[8] = 1, 1 // (stored0 ^ q0) | stored1 == q1 would pass a mis-grouped compare
		if x.Contains(k, q) {
			t.Errorf("%s: %x found", k, q)
		}
		for i := 16; i < k.Size(); i++ {
			q := make([]byte, k.Size())
			q[i] = 0x80
			if x.Contains(k, q) {
				t.Errorf("%s: byte %d differs, found", k, i)
			}
		}
		if !x.Contains(k, stored) {
			t.Errorf("%s: stored digest not found", k)
		}
	}
}

// TestExactUnusedSlots: the lookups compare every slot of a bucket, also
// those past its count, and rely on the build leaving those zero.
func TestExactUnusedSlots(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{1, 7, 5000, 60_000} {
		x, _ := exactFixture(t, r, n)
		for _, k := range []Kind{MD5, SHA1, SHA256} {
			tb := &x.tables[k]
			for h := 0; h < int(tb.buckets); h++ {
				bk := tb.recs[h*tb.bucketSz : (h+1)*tb.bucketSz]
				c := int(bk[tb.bucketSz-1] & exactCountMask)
				if c > tb.perBucket {
					t.Fatalf("n=%d %s bucket %d: count %d", n, k, h, c)
				}
				for i, v := range bk[c*tb.stride : tb.bucketSz-1] {
					if v != 0 {
						t.Fatalf("n=%d %s bucket %d (count %d): byte %d after the entries is %#x", n, k, h, c, c*tb.stride+i, v)
					}
				}
			}
		}
	}
}

// TestExactZeroDigest: the digest of all zero bytes equals an unused slot
// (with id field 0), so it is looked up by counts; it is found exactly
// when it was added, with its ids, also when its bucket is full or
// empty, in single and batched lookups.
func TestExactZeroDigest(t *testing.T) {
	for _, k := range []Kind{MD5, SHA1, SHA256} {
		for _, tt := range []struct {
			others int // other digests (bucket 0 is the zero digest's both buckets)
			crowd  int // of them in bucket 0 (first 8 bytes zero, not all)
			ids    []uint32
		}{
			{0, 0, nil}, {0, 0, []uint32{0}}, {5, 0, nil}, {5, 0, []uint32{0}},
			{500, 1, nil}, {500, 1, []uint32{3, 9}}, {500, 40, nil}, {500, 40, []uint32{0}},
		} {
			var b ExactBuilder
			r := rand.New(rand.NewPCG(uint64(k), uint64(tt.others+tt.crowd)))
			for i := 0; i < tt.others; i++ {
				d := randDigests(r, 1, k.Size())
				if i < tt.crowd {
					clear(d[:8])
				}
				if err := b.Add(k, d, uint32(i)); err != nil {
					t.Fatal(err)
				}
			}
			zero := make([]byte, k.Size())
			for _, id := range tt.ids {
				if err := b.Add(k, zero, id); err != nil {
					t.Fatal(err)
				}
			}
			x := b.Build()
			name := fmt.Sprintf("%s others=%d crowd=%d ids=%v", k, tt.others, tt.crowd, tt.ids)
			if got := x.AppendIDs(nil, k, zero); !slices.Equal(got, tt.ids) {
				t.Errorf("%s: AppendIDs %v", name, got)
			}
			if x.Contains(k, zero) != (len(tt.ids) > 0) {
				t.Errorf("%s: Contains %v", name, !(len(tt.ids) > 0))
			}
			var got []uint32
			x.LookupBatch(k, append(randDigests(r, 1, k.Size()), zero...), func(i int, id uint32) {
				if i == 1 {
					got = append(got, id)
				}
			})
			if !slices.Equal(got, tt.ids) {
				t.Errorf("%s: LookupBatch %v", name, got)
			}
		}
	}
}

// TestExactAgainstScan: on tables with full, crowded and nearly empty
// buckets, the branch-free compares give getScan's answer for present
// digests, absent ones, and digests that share one or all but one of
// their words with a stored one.
func TestExactAgainstScan(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{3, 40, 20_000} {
		x, want := exactFixture(t, r, n)
		for _, k := range []Kind{MD5, SHA1, SHA256} {
			tb := &x.tables[k]
			var queries [][]byte
			for d := range want[k] {
				queries = append(queries, []byte(d))
				for w := 0; w < k.Size(); w += 4 {
					q := []byte(d)
					q[w] ^= 0x10 // one word differs
					queries = append(queries, q)
					q = randDigests(r, 1, k.Size())
					copy(q[w:w+4], d[w:w+4]) // one word agrees
					queries = append(queries, q)
				}
			}
			for _, q := range queries {
				f, ok := tb.get(q)
				h1, h2 := tb.homes(q)
				sf, sok := tb.getScan(h1, h2, q)
				_, present := want[k][string(q)]
				if ok != sok || f != sf || ok != present {
					t.Fatalf("n=%d %s %x: get (%d, %v), getScan (%d, %v), present %v", n, k, q, f, ok, sf, sok, present)
				}
			}
		}
	}
}
