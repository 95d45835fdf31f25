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
