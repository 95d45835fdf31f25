package platform

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// checkPlainIPv4 checks plainIPv4 against netip: it reads exactly the
// IPv4 addresses that netip writes back as the same text, to the same
// address, and nothing else.
func checkPlainIPv4(t *testing.T, s string) {
	t.Helper()
	got, ok := plainIPv4([]byte(s))
	want, err := netip.ParseAddr(s)
	canonical := err == nil && want.Is4() && want.String() == s
	if ok != canonical || (ok && netip.AddrFrom4(got) != want) {
		t.Errorf("%q: plainIPv4 %v, %v; netip %v, %v (canonical IPv4: %v)", s, got, ok, want, err, canonical)
	}
}

func TestPlainIPv4(t *testing.T) {
	for _, s := range []string{"192.0.2.1", "0.0.0.0", "255.255.255.255", "198.51.100.10", "203.0.113.255",
		"256.0.0.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3",
		" 1.2.3.4", "1.2.3.4 ", "1.2.3.4x", "::ffff:192.0.2.1", "2001:db8::1", "", "1.2.3.4444", "1234.2.3.4"} {
		checkPlainIPv4(t, s)
	}
}

func FuzzPlainIPv4(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "0.0.0.0", "255.255.255.255", "01.2.3.4", "1.2.3.4.5", "1.2.3."} {
		f.Add(s)
	}
	f.Fuzz(checkPlainIPv4)
}

// BenchmarkPlainIPv4 reads 4,096 IPv4 addresses drawn at random, so
// that their octets' lengths do not repeat in a pattern the processor
// learns. An octet at a time, by digits, measured within the noise of
// this byte at a time loop (23-27 ns against 24-35 in one run, on a busy
// machine).
func BenchmarkPlainIPv4(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ips := make([][]byte, 4096)
	for i := range ips {
		ips[i] = fmt.Appendf(nil, "%d.%d.%d.%d", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256))
	}
	for i := 0; b.Loop(); i++ {
		if _, ok := plainIPv4(ips[i%len(ips)]); !ok {
			b.Fatal(string(ips[i%len(ips)]))
		}
	}
}
