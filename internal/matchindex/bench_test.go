package matchindex

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

func randDigests(r *rand.Rand, n, size int) []byte {
	b := make([]byte, n*size)
	for i := 0; i < len(b); i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func benchExact(b *testing.B, n int) {
	r := rand.New(rand.NewPCG(7, 8))
	keys := randDigests(r, n, 16)
	var eb ExactBuilder
	eb.Grow(MD5, n)
	for i := 0; i < n; i++ {
		eb.Add(MD5, keys[16*i:16*i+16], uint32(i))
	}
	x := eb.Build()
	miss := randDigests(r, 1<<16, 16)
	b.Run("hit", func(b *testing.B) {
		found := 0
		for i := 0; b.Loop(); i++ {
			j := (i * 7919) % n
			found += x.Lookup(MD5, keys[16*j:16*j+16], func(uint32) {})
		}
		if found == 0 {
			b.Fatal("no hits")
		}
	})
	b.Run("miss", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			j := i & (1<<16 - 1)
			x.Lookup(MD5, miss[16*j:16*j+16], func(uint32) {})
		}
	})
}

func BenchmarkExactLookup1M(b *testing.B) { benchExact(b, 1_000_000) }

func BenchmarkExactBuild1M(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	keys := randDigests(r, 1_000_000, 16)
	for b.Loop() {
		var eb ExactBuilder
		eb.Grow(MD5, 1_000_000)
		for i := 0; i < 1_000_000; i++ {
			eb.Add(MD5, keys[16*i:16*i+16], uint32(i))
		}
		eb.Build()
	}
}

func benchPDQData(n int) (bank, queries []pdq.Hash) {
	r := rand.New(rand.NewPCG(9, 10))
	bank = make([]pdq.Hash, n)
	for i := range bank {
		if i > 0 && r.IntN(10) == 0 {
			bank[i] = flip(r, bank[r.IntN(i)], r.IntN(21))
		} else {
			bank[i] = randHash(r)
		}
	}
	queries = make([]pdq.Hash, 1000)
	for i := range queries {
		if i%2 == 0 {
			queries[i] = flip(r, bank[r.IntN(n)], r.IntN(41))
		} else {
			queries[i] = randHash(r)
		}
	}
	return bank, queries
}

func BenchmarkPDQSearch1M(b *testing.B) {
	bank, queries := benchPDQData(1_000_000)
	x, err := NewPDQ(bank, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []int{0, 10, 31} {
		b.Run("d="+itoa(d), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				x.Search(queries[i%len(queries)], d, func(uint32, int) {})
			}
		})
	}
}

func BenchmarkPDQBuild1M(b *testing.B) {
	bank, _ := benchPDQData(1_000_000)
	for b.Loop() {
		if _, err := NewPDQ(bank, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(d int) string {
	if d < 10 {
		return string(rune('0' + d))
	}
	return itoa(d/10) + string(rune('0'+d%10))
}

func BenchmarkExactLookupBatch1M(b *testing.B) {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(7, 8))
	keys := randDigests(r, n, 16)
	var eb ExactBuilder
	eb.Grow(MD5, n)
	for i := 0; i < n; i++ {
		eb.Add(MD5, keys[16*i:16*i+16], uint32(i))
	}
	x := eb.Build()
	// Batches of 256 present digests in random order.
	q := make([]byte, 0, 256*16)
	for i := 0; i < 256; i++ {
		j := r.IntN(n)
		q = append(q, keys[16*j:16*j+16]...)
	}
	for b.Loop() {
		x.LookupBatch(MD5, q, func(int, uint32) {})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*256), "ns/lookup")
}

func BenchmarkReadExact1M(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	keys := randDigests(r, 1_000_000, 16)
	var eb ExactBuilder
	for i := 0; i < 1_000_000; i++ {
		eb.Add(MD5, keys[16*i:16*i+16], uint32(i))
	}
	var buf bytes.Buffer
	eb.Build().WriteTo(&buf)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadExact(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadPDQ1M(b *testing.B) {
	bank, _ := benchPDQData(1_000_000)
	x, err := NewPDQ(bank, nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	x.WriteTo(&buf)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadPDQ(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExactLookup10K(b *testing.B) { benchExact(b, 10_000) }
