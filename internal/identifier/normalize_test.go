package identifier

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		kind   Kind
		raw    string
		region string
		want   string // "" = error expected
	}{
		{KindPhone, "+1 (202) 555-0143", "", "+12025550143"},
		{KindPhone, "\u202a+1\u00a0202\u2011555\u20110148\u202c", "", "+12025550148"},
		{KindPhone, "(202) 555-0143", "US", "+12025550143"},
		{KindPhone, "(202) 555-0143", "", ""},
		{KindPhone, "+1 555-0143", "", ""},
		{KindPhone, "+1-800-FLOWERS", "", ""},
		{KindPhone, "+12025550143", "ES", "+12025550143"},
		{KindEmail, "Alex.Example+Tag@Example.ORG", "", "alex.example+tag@example.org"},
		{KindEmail, "alex@bücher.example", "", "alex@xn--bcher-kva.example"},
		{KindEmail, "alex..x@example.org", "", ""},
		{KindEmail, "alex@localhost", "", ""},
		{KindDomain, "Forum.Example.NET.", "", "forum.example.net"},
		{KindDomain, "bücher.example", "", "xn--bcher-kva.example"},
		{KindDomain, "-bad.example", "", ""},
		{KindDomain, "example", "", ""},
		{KindDomain, "mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion", "", ""},
		{KindURL, "HTTP://Example.ORG:80", "", "http://example.org/"},
		{KindURL, "https://Example.org:8443/A?b=C#D", "", "https://example.org:8443/A?b=C#D"},
		{KindURL, "https://[2001:DB8::1]:443/x", "", "https://[2001:db8::1]/x"},
		{KindURL, "https://bücher.example/", "", "https://xn--bcher-kva.example/"},
		{KindURL, "example.org/path", "", ""},
		{KindURL, "https://exa mple.org/", "", ""},
		{KindOnion, "WWW.MBQWEY3EMVTGO2DJNJVWY3LON5YHC4TTOR2XM53YPF5HW7D5PZ7VYKQD.ONION", "", "mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion"},
		{KindOnion, "abcdefghijklmnop.onion", "", "abcdefghijklmnop.onion"},
		{KindOnion, "example.onion", "", ""},
		{KindIPv4, "203.0.113.45", "", "203.0.113.45"},
		{KindIPv4, "203.0.113.045", "", ""},
		{KindIPv4, "::1", "", ""},
		{KindIPv6, "2001:0DB8:0000:0000:0000:0000:0000:0001", "", "2001:db8::1"},
		{KindIPv6, "[fe80::1]", "", "fe80::1"},
		{KindIPv6, "fe80::1%eth0", "", ""},
		{KindIPv6, "203.0.113.45", "", ""},
		{KindBTC, "BC1QZQG3YYC5Z5TPWXQERGD3C8G7RUSZZG3R8JJ72Z", "", "bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z"},
		{KindBTC, "365qHxQhTvro1zXVnrH6s1xrzF7muf5pa1", "", "365qHxQhTvro1zXVnrH6s1xrzF7muf5pa1"},
		{KindBTC, "tb1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z", "", ""},
		{KindETH, "0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3", "", "0xa0A1A2a3A4A5a6a7a8a9AaaBaCADAeAfb0B1b2b3"},
		{KindETH, "0XA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3", "", "0xa0A1A2a3A4A5a6a7a8a9AaaBaCADAeAfb0B1b2b3"},
		{KindETH, "0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2", "", ""},
		{KindETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}, // checksummed
		{KindETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "", ""},                                           // mixed case, checksum wrong
		{KindLTC, "12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E", "", ""},
		{KindTRX, "12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E", "", ""},
		{KindTON, "EQBRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcOnz", "", "0:5152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f70"},
		{KindTON, "0:5152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F70", "", "0:5152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f70"},
		{KindTON, "0:5152", "", ""},
		{KindTelegramID, "user1000000001", "", "1000000001"},
		{KindTelegramID, "1000000001", "", "1000000001"},
		{KindTelegramID, "channel1000000001", "", ""},
		{KindIMEI, "49-015420-323751-8", "", "490154203237518"},
		{KindIMEI, "490154203237519", "", ""},
		{KindHWID, "{4f1c9a2b-7d3e-5f60-a1b2-c3d4e5f60718}", "", "4F1C9A2B-7D3E-5F60-A1B2-C3D4E5F60718"},
		{KindHWID, "4f1c9a2b7d3e5f60a1b2c3d4e5f6071", "", ""},
		{KindUsername, "@Casey_Placeholder", "", "casey_placeholder"},
		{KindUsername, "Blake#1234", "", "blake#1234"},
		{KindUsername, "@", "", ""},
		{Kind("fax"), "+12025550143", "", ""},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.kind, tt.raw, NormalizeOptions{DefaultRegion: tt.region})
		if tt.want == "" {
			if err == nil {
				t.Errorf("Normalize(%s, %q) = %q, want error", tt.kind, tt.raw, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%s, %q) = %q, %v; want %q", tt.kind, tt.raw, got, err, tt.want)
			continue
		}
		again, err := Normalize(tt.kind, got, NormalizeOptions{DefaultRegion: tt.region})
		if err != nil || again != got {
			t.Errorf("not idempotent: %s %q → %q → %q, %v", tt.kind, tt.raw, got, again, err)
		}
	}
	if _, err := Normalize("fax", "1", NormalizeOptions{}); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestValidateUsernamePlatforms(t *testing.T) {
	tests := []struct {
		platform, raw string
		ok            bool
	}{
		{PlatformTelegram, "@casey_placeholder", true},
		{PlatformTelegram, "ExampleBot", true},
		{PlatformTelegram, "@abcd", false},
		{PlatformTelegram, "@casey__p", false},
		{PlatformTelegram, "@1casey", false},
		{PlatformTelegram, "@casey_", false},
		{PlatformTelegram, "@" + strings.Repeat("a", 33), false},
		{PlatformDiscord, "blake.sample", true},
		{PlatformDiscord, "Blake.Sample", true},
		{PlatformDiscord, "blake..sample", false},
		{PlatformDiscord, "Blake Sample#1234", true},
		{PlatformDiscord, "Blake#123", false},
		{PlatformWhatsApp, "+1 202 555 0143", true},
		{PlatformWhatsApp, "+1 555 0143", false},
		{"", "dana-test", true},
		{"", "-dana", false},
		{"myspace", "dana", false},
	}
	for _, tt := range tests {
		if err := ValidateUsername(tt.platform, tt.raw); (err == nil) != tt.ok {
			t.Errorf("ValidateUsername(%q, %q) = %v, want ok=%v", tt.platform, tt.raw, err, tt.ok)
		}
	}
}

func TestClassify(t *testing.T) {
	for raw, want := range map[string]Kind{
		"+34 612 34 56 78":                           KindPhone,
		"alex@example.org":                           KindEmail,
		"https://example.org":                        KindURL,
		"example.org":                                KindDomain,
		"203.0.113.45":                               KindIPv4,
		"2001:db8::1":                                KindIPv6,
		"@casey_placeholder":                         KindUsername,
		"user1000000001":                             KindTelegramID,
		"12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E":         KindBTC,
		"0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3": KindETH,
		"EQBRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcOnz":               KindTON,
		"mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion": KindOnion,
	} {
		k, _, err := Classify(raw, NormalizeOptions{})
		if err != nil || k != want {
			t.Errorf("Classify(%q) = %s, %v; want %s", raw, k, err, want)
		}
	}
	if k, _, _ := Classify("490154203237518", NormalizeOptions{}); k != KindIMEI {
		t.Errorf("15 Luhn digits: %s, want imei", k)
	}
	for _, raw := range []string{"hello", "", "2024-01-15", "casey", "1000000001"} {
		if k, _, err := Classify(raw, NormalizeOptions{}); !errors.Is(err, ErrNotIdentifier) {
			t.Errorf("Classify(%q) = %s, want ErrNotIdentifier", raw, k)
		}
	}
}

func TestKeccakAndEIP55Vectors(t *testing.T) {
	// Keccak-256("") and the EIP-55 specification's own examples.
	if h := keccak256(nil); strings.ToLower(hexString(h[:])) != "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" {
		t.Fatalf("keccak256(\"\") = %x", h)
	}
	long := keccak256([]byte(strings.Repeat("a", 200))) // more than one block
	if long == keccak256([]byte(strings.Repeat("a", 199))) {
		t.Fatal("multi-block keccak collides")
	}
	for _, a := range []string{
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	} {
		if got := eip55(a[2:]); got != a {
			t.Errorf("eip55(%s) = %s", a, got)
		}
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}
