package ulp

import (
	"bytes"
	"context"
	"testing"

	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
)

func BenchmarkScan(b *testing.B) {
	data, wl := Generate(32<<20, 10000, 1)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scan(context.Background(), bytes.NewReader(data), "bench", wl, Options{}, func(Hit) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	line := []byte("https://forum.example.net:8443/member.php:alex.example@example.com:pass:with:colons")
	b.ReportAllocs()
	for b.Loop() {
		Parse(line)
	}
}

var _ = watchlist.New
