package platform

import (
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
