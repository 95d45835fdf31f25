// Package synth generates synthetic stealer data for benchmarks: ULP
// combo text, watchlists and victim folders. Every value is invented
// (example.org/.com/.net hosts, documentation IP ranges, 555-01xx
// numbers); nothing resembles real data.
package synth

import (
	"fmt"
	"math/rand/v2"

	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
)

// ULP builds a synthetic ULP text of about size bytes and a watchlist of
// nEntries invented domains. About one line in HitEvery hits the
// watchlist. The output is deterministic for a seed.
func ULP(size, nEntries int, seed uint64) ([]byte, *watchlist.Watchlist, error) {
	rng := NewRand(seed)
	entries := WatchlistDomains(nEntries)
	wl, err := watchlist.New(entries...)
	if err != nil {
		return nil, nil, err
	}
	out := make([]byte, 0, size+256)
	for len(out) < size {
		out = AppendULPLine(out, rng, entries)
	}
	return out, wl, nil
}

// HitEvery is the mean number of generated ULP lines per watchlist hit.
const HitEvery = 1000

// NewRand returns the deterministic generator used by this package.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 42)) }

// WatchlistDomains returns n invented watchlist domains under example.org,
// example.net and onion-like names.
func WatchlistDomains(n int) []string {
	out := make([]string, n)
	for i := range out {
		switch i % 3 {
		case 0:
			out[i] = fmt.Sprintf("watched%05d.example.org", i)
		case 1:
			out[i] = fmt.Sprintf("forum%05d.example.net", i)
		default:
			out[i] = fmt.Sprintf("%056d.onion", i)
		}
	}
	for i := range out {
		if i%3 == 2 {
			b := []byte(out[i])
			for j := 0; j < 56; j++ {
				b[j] = "abcdefghijklmnopqrstuvwxyz234567"[(int(b[j])+j*7)%32]
			}
			out[i] = string(b)
		}
	}
	return out
}

var (
	genTLDs    = []string{"com", "net", "org", "example", "test"}
	genSchemes = []string{"https://", "http://", "", "https://www."}
	genPaths   = []string{"/", "/login", "/login.php", "/member.php?action=login", "", "/accounts/signin/v2/identifier", "/wp-login.php"}
)

// AppendULPLine appends one synthetic ULP line; about one in HitEvery
// uses a host from watched.
func AppendULPLine(out []byte, rng *rand.Rand, watched []string) []byte {
	out = append(out, genSchemes[rng.IntN(len(genSchemes))]...)
	if len(watched) > 0 && rng.IntN(HitEvery) == 0 {
		out = append(out, watched[rng.IntN(len(watched))]...)
	} else {
		if rng.IntN(3) == 0 {
			out = append(out, "login."...)
		}
		out = fmt.Appendf(out, "site%07d.example-%d.%s", rng.IntN(5_000_000), rng.IntN(100), genTLDs[rng.IntN(len(genTLDs))])
	}
	out = append(out, genPaths[rng.IntN(len(genPaths))]...)
	sep := byte(':')
	if rng.IntN(10) == 0 {
		sep = '|'
	}
	out = append(out, sep)
	if rng.IntN(2) == 0 {
		out = fmt.Appendf(out, "user%d@example.com", rng.IntN(10_000_000))
	} else {
		out = fmt.Appendf(out, "nick_%d", rng.IntN(10_000_000))
	}
	out = append(out, sep)
	out = fmt.Appendf(out, "Pw%x!%d", rng.Uint32(), rng.IntN(1000))
	if rng.IntN(20) == 0 {
		out = append(out, '\r')
	}
	return append(out, '\n')
}
