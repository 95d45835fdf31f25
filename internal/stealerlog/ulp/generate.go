package ulp

import (
	"fmt"
	"math/rand/v2"

	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
)

// Generate builds a synthetic ULP text of about size bytes and a
// watchlist of nEntries invented domains, for benchmarks. About one line
// in 1000 hits the watchlist. The output is deterministic for a seed.
func Generate(size, nEntries int, seed uint64) ([]byte, *watchlist.Watchlist) {
	rng := rand.New(rand.NewPCG(seed, 42))
	entries := WatchlistDomains(nEntries)
	wl, err := watchlist.New(entries...)
	if err != nil {
		panic(err) // generated entries are valid by construction
	}
	out := make([]byte, 0, size+256)
	for len(out) < size {
		out = AppendLine(out, rng, entries)
	}
	return out, wl
}

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

// AppendLine appends one synthetic ULP line.
func AppendLine(out []byte, rng *rand.Rand, watched []string) []byte {
	out = append(out, genSchemes[rng.IntN(len(genSchemes))]...)
	if len(watched) > 0 && rng.IntN(1000) == 0 {
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
