package deconflict

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
)

// The machine's cores are shared: rates are reported per CPU second of
// this process (user + system), as well as per wall second (ns/op).

// reportCPU reports CPU ns per item and items per CPU second.
func reportCPU(b *testing.B, start time.Duration, items int, unit string) {
	per := float64((cputime.Process() - start).Nanoseconds()) / float64(items)
	b.ReportMetric(per, "cpu-ns/"+unit)
	b.ReportMetric(1e9/per, unit+"s/cpu-s")
}

func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("phone:+1202555%04d", i%10000) + fmt.Sprint(i/10000)
	}
	return keys
}

// BenchmarkHMACTokens reports ns per token and tokens/s on one goroutine
// (go test -bench HMACTokens ./internal/deconflict/).
func BenchmarkHMACTokens(b *testing.B) {
	k, _ := OperationKey(master(9), "OP-BENCH")
	keys := benchKeys(4096)
	tk := NewTokenizer(k)
	dst := make([]Token, 0, len(keys))
	start := cputime.Process()
	for b.Loop() {
		dst = tk.Tokens(dst[:0], keys)
	}
	reportCPU(b, start, b.N*len(keys), "token")
}

// BenchmarkOPRFEvaluate reports the hub's cost of one evaluation in a
// batch of 1,000 (the batch proof included).
func BenchmarkOPRFEvaluate(b *testing.B) {
	priv, _ := NewOPRFKey(rand.Reader)
	ev, _ := NewEvaluator(priv)
	bl, _ := NewBlinder(ev.PublicKey())
	_, els, _ := bl.Blind(benchKeys(1000))
	start := cputime.Process()
	for b.Loop() {
		if _, _, err := ev.Evaluate(els); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start, b.N*len(els), "eval")
}

// BenchmarkOPRFClient reports the cost of one token for client and hub
// together (blind, evaluate, finalize with the proof check) in batches of
// 1,000; subtract BenchmarkOPRFEvaluate for the client's share.
func BenchmarkOPRFClient(b *testing.B) {
	priv, _ := NewOPRFKey(rand.Reader)
	ev, _ := NewEvaluator(priv)
	bl, _ := NewBlinder(ev.PublicKey())
	keys := benchKeys(1000)
	start := cputime.Process()
	for b.Loop() {
		st, els, err := bl.Blind(keys)
		if err != nil {
			b.Fatal(err)
		}
		out, proof, err := ev.Evaluate(els)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bl.Finalize(st, out, proof); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start, b.N*len(keys), "token")
}
