package identifier

import (
	"bytes"
	"testing"

	"github.com/vibora-project/vibora/internal/identifier/identifiertest"
)

func benchExtract(b *testing.B, text []byte, opt ExtractOptions) {
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		Extract(text, opt)
	}
}

func BenchmarkExtractSparse(b *testing.B) {
	benchExtract(b, identifiertest.Sparse(4<<20, 1), ExtractOptions{})
}

func BenchmarkExtractSparseRegion(b *testing.B) {
	benchExtract(b, identifiertest.Sparse(4<<20, 1), ExtractOptions{DefaultRegion: "US"})
}

func BenchmarkExtractDense(b *testing.B) {
	benchExtract(b, identifiertest.Dense(1<<20, 2), ExtractOptions{})
}

func BenchmarkExtractReaderSparse(b *testing.B) {
	text := identifiertest.Sparse(4<<20, 1)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if err := ExtractReader(bytes.NewReader(text), ExtractOptions{}, func(Identifier) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizeETH normalises Ethereum addresses as a platform
// dump gives them (lower case) and checksummed (mixed case).
func BenchmarkNormalizeETH(b *testing.B) {
	in := []string{"0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}
	for i := 0; b.Loop(); i++ {
		if _, err := Normalize(KindETH, in[i&1], NormalizeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
