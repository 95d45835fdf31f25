package ulp

import (
	"bytes"
	"context"
	"testing"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/stealerlog/synth"
)

func BenchmarkScan(b *testing.B) {
	data, wl, err := synth.ULP(32<<20, 10000, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	c0 := cputime.Process()
	for b.Loop() {
		if _, err := Scan(context.Background(), bytes.NewReader(data), "bench", wl, Options{}, func(Hit) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(float64(len(data))*float64(b.N)/1e6/(cputime.Process()-c0).Seconds(), "MB/s-cpu")
}
