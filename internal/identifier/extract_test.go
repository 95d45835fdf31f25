package identifier

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/vibora-project/vibora/internal/identifier/identifiertest"
)

type found struct {
	kind  Kind
	value string
	norm  string
}

func extractSet(text string, opt ExtractOptions) []found {
	var out []found
	for _, id := range Extract([]byte(text), opt) {
		out = append(out, found{id.Kind, id.Value, id.Normalized})
	}
	return out
}

func TestExtractKinds(t *testing.T) {
	tests := []struct {
		name string
		text string
		opt  ExtractOptions
		want []found
	}{
		{"phone plus", "call +1 202 555 0143 now", ExtractOptions{}, []found{{KindPhone, "+1 202 555 0143", "+12025550143"}}},
		{"phone compact", "tel:+12025550143.", ExtractOptions{}, []found{{KindPhone, "+12025550143", "+12025550143"}}},
		{"phone dashes", "(+1 202-555-0147)", ExtractOptions{}, []found{{KindPhone, "+1 202-555-0147", "+12025550147"}}},
		{"phone whatsapp nbsp", "\u202a+1\u00a0202\u2011555\u20110148\u202c joined", ExtractOptions{},
			[]found{{KindPhone, "+1\u00a0202\u2011555\u20110148", "+12025550148"}}},
		{"phone es", "móvil +34 612 34 56 78", ExtractOptions{}, []found{{KindPhone, "+34 612 34 56 78", "+34612345678"}}},
		{"phone national needs region", "(202) 555-0144", ExtractOptions{}, nil},
		{"phone national", "ring (202) 555-0144 or 202.555.0145", ExtractOptions{DefaultRegion: "US"},
			[]found{{KindPhone, "(202) 555-0144", "+12025550144"}, {KindPhone, "202.555.0145", "+12025550145"}}},
		{"phone national fr", "tél. 06 12 34 56 78", ExtractOptions{DefaultRegion: "FR"}, []found{{KindPhone, "06 12 34 56 78", "+33612345678"}}},
		{"phone national us trunk", "1-202-555-0143 or 2025550143", ExtractOptions{DefaultRegion: "US"}, []found{{KindPhone, "1-202-555-0143", "+12025550143"}}},
		{"phone national grouping", "2024 25 2024 and 20 2555 0143 and 2024 2024-01-15", ExtractOptions{DefaultRegion: "US"}, nil},
		{"phone national prose numbers", "about 1.2.3 15.01.2024, 25 15.01.2024, 2024 7 1.2.3 10", ExtractOptions{DefaultRegion: "US"}, nil},
		{"phone trailing number group", "+1 202 555 0143 2024", ExtractOptions{}, []found{{KindPhone, "+1 202 555 0143", "+12025550143"}}},
		{"phone no area code", "+1 555-0143", ExtractOptions{}, nil},
		{"phone fragment", "+888 0123 4567", ExtractOptions{}, nil},
		{"email", "<Alex.Example+tag@Example.ORG>,", ExtractOptions{}, []found{{KindEmail, "Alex.Example+tag@Example.ORG", "alex.example+tag@example.org"}}},
		{"email sentence end", "write dana.test@example.com.", ExtractOptions{}, []found{{KindEmail, "dana.test@example.com", "dana.test@example.com"}}},
		{"mention generic", "thanks @casey_placeholder!", ExtractOptions{}, []found{{KindUsername, "@casey_placeholder", "casey_placeholder"}}},
		{"mention not domain", "@example.org @alex. a@", ExtractOptions{}, []found{{KindUsername, "@alex", "alex"}}},
		{"mention discord dots", "hi @blake.sample.", ExtractOptions{Platform: PlatformDiscord}, []found{{KindUsername, "@blake.sample", "blake.sample"}}},
		{"mention telegram rules", "@abcd @casey__p @1casey @casey_placeholder", ExtractOptions{Platform: PlatformTelegram},
			[]found{{KindUsername, "@casey_placeholder", "casey_placeholder"}}},
		{"t.me link", "join https://t.me/casey_placeholder.", ExtractOptions{},
			[]found{{KindURL, "https://t.me/casey_placeholder", "https://t.me/casey_placeholder"}, {KindUsername, "casey_placeholder", "casey_placeholder"}}},
		{"t.me bare", "t.me/Casey_Placeholder", ExtractOptions{},
			[]found{{KindDomain, "t.me", "t.me"}, {KindUsername, "Casey_Placeholder", "casey_placeholder"}}},
		{"t.me invite not a username", "https://t.me/+AbCdEf123 https://t.me/joinchat/AbCdEf123", ExtractOptions{},
			[]found{{KindURL, "https://t.me/+AbCdEf123", "https://t.me/+AbCdEf123"}, {KindURL, "https://t.me/joinchat/AbCdEf123", "https://t.me/joinchat/AbCdEf123"}}},
		{"tg resolve", "tg://resolve?domain=casey_placeholder", ExtractOptions{},
			[]found{{KindURL, "tg://resolve?domain=casey_placeholder", "tg://resolve?domain=casey_placeholder"}, {KindUsername, "casey_placeholder", "casey_placeholder"}}},
		{"discord legacy", "added Blake#1234 and issue#42", ExtractOptions{Platform: PlatformDiscord},
			[]found{{KindUsername, "Blake#1234", "blake#1234"}}},
		{"discord legacy off by default", "Blake#1234", ExtractOptions{}, nil},
		{"url canonical", "(see HTTPS://Forum.Example.NET:443/Thread?id=1).", ExtractOptions{},
			[]found{{KindURL, "HTTPS://Forum.Example.NET:443/Thread?id=1", "https://forum.example.net/Thread?id=1"}}},
		{"url with parens", "https://example.org/wiki/A_(b)", ExtractOptions{}, []found{{KindURL, "https://example.org/wiki/A_(b)", "https://example.org/wiki/A_(b)"}}},
		{"android url", "URL: android://c2lnbmF0dXJl@org.example.app/", ExtractOptions{},
			[]found{{KindURL, "android://c2lnbmF0dXJl@org.example.app/", "android://c2lnbmF0dXJl@org.example.app/"}}},
		{"ulp combo", "https://example.org/login.php:alex_example:Plac3holder https://example.org:alex:pw https://example.org:8443:alex:pw", ExtractOptions{},
			[]found{{KindURL, "https://example.org/login.php", "https://example.org/login.php"}, {KindURL, "https://example.org", "https://example.org/"}, {KindURL, "https://example.org:8443", "https://example.org:8443/"}}},
		{"ulp semicolons", "https://shop.example.org/account;dana.test@example.org;pw", ExtractOptions{},
			[]found{{KindURL, "https://shop.example.org/account", "https://shop.example.org/account"}, {KindEmail, "dana.test@example.org", "dana.test@example.org"}}},
		{"domain", "visit Forum.Example.net/thread today", ExtractOptions{}, []found{{KindDomain, "Forum.Example.net", "forum.example.net"}}},
		{"domain idn punycode", "xn--bcher-kva.example", ExtractOptions{}, nil},
		{"domain idn de", "xn--bcher-kva.de", ExtractOptions{}, []found{{KindDomain, "xn--bcher-kva.de", "xn--bcher-kva.de"}}},
		{"file names are not domains", "notes.md run.sh main.go report.pdf e.g. i.e. sentence.It ends", ExtractOptions{}, nil},
		{"onion v3", "http://mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion/",
			ExtractOptions{}, []found{
				{KindURL, "http://mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion/", "http://mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion/"},
				{KindOnion, "mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion", "mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion"}}},
		{"onion v3 bad checksum", "mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqe.onion", ExtractOptions{}, nil},
		{"ipv4", "IP: 203.0.113.45:8080", ExtractOptions{}, []found{{KindIPv4, "203.0.113.45", "203.0.113.45"}}},
		{"ipv4 look-alikes", "v1.2.3.4.5 10.0.19045.2965 1.2.3 999.1.1.1 01.02.03.04", ExtractOptions{}, nil},
		{"ipv6", "[2001:DB8:0:0::1]:443 and fe80::1", ExtractOptions{},
			[]found{{KindIPv6, "2001:DB8:0:0::1", "2001:db8::1"}, {KindIPv6, "fe80::1", "fe80::1"}}},
		{"ipv6 look-alikes", "14:05:33 std::vector 00:1A:2B:3C:4D:5E a::", ExtractOptions{}, nil},
		{"btc", "bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z", ExtractOptions{}, []found{{KindBTC, "bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z", "bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z"}}},
		{"btc upper bech32", "BC1QZQG3YYC5Z5TPWXQERGD3C8G7RUSZZG3R8JJ72Z", ExtractOptions{}, []found{{KindBTC, "BC1QZQG3YYC5Z5TPWXQERGD3C8G7RUSZZG3R8JJ72Z", "bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z"}}},
		{"random base58", "1A2b3C4d5E6f7G8h9J1k2L3m4N5p6Q7r8S 3QJmnh7rJY6fsLkWWzX3NYmPbDqSwgnbyr TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBg", ExtractOptions{}, nil},
		{"eth lower", "0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3", ExtractOptions{}, []found{{KindETH, "0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3", "0xa0A1A2a3A4A5a6a7a8a9AaaBaCADAeAfb0B1b2b3"}}},
		{"eth bad case", "0xA0A1A2a3A4A5a6a7a8a9AaaBaCADAeAfb0B1b2b3", ExtractOptions{}, nil},
		{"hex not address", "0x" + strings.Repeat("ab", 32) + " deadbeef " + strings.Repeat("0f", 16), ExtractOptions{}, nil},
		{"ton raw", "-1:5152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f70", ExtractOptions{},
			[]found{{KindTON, "-1:5152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f70", "-1:5152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f70"}}},
		{"ton friendly same key", "UQBRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcLQ2", ExtractOptions{},
			[]found{{KindTON, "UQBRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcLQ2", "0:5152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f70"}}},
		{"telegram id", "from_id: \"user1000000001\"", ExtractOptions{}, []found{{KindTelegramID, "user1000000001", "1000000001"}}},
		{"imei labelled", "IMEI: 490154203237518", ExtractOptions{}, []found{{KindIMEI, "490154203237518", "490154203237518"}}},
		{"imei unlabelled or bad luhn", "490154203237518 IMEI 490154203237519", ExtractOptions{}, nil},
		{"hwid", " - HWID: 4f1c9a2b7d3e5f60a1b2c3d4e5f60718", ExtractOptions{}, []found{{KindHWID, "4f1c9a2b7d3e5f60a1b2c3d4e5f60718", "4F1C9A2B7D3E5F60A1B2C3D4E5F60718"}}},
		{"hwid guid", "HWID: {4F1C9A2B-7D3E-5F60-A1B2-C3D4E5F60718}", ExtractOptions{}, []found{{KindHWID, "{4F1C9A2B-7D3E-5F60-A1B2-C3D4E5F60718}", "4F1C9A2B-7D3E-5F60-A1B2-C3D4E5F60718"}}},
		{"md5 is not hwid", "MD5: 4f1c9a2b7d3e5f60a1b2c3d4e5f60718", ExtractOptions{}, nil},
		{"dates times versions", "2024-01-15 15.01.2024 01/15/2024 14:05:33 v2.10.3 1705305912 2024-01-15T14:05:33Z",
			ExtractOptions{DefaultRegion: "US"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := extractSet(tt.text, tt.opt)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Extract(%q)\n got  %v\n want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestExtractOffsetsAndContext(t *testing.T) {
	text := []byte("Name: Alex Example\nPhone: +1 202 555 0143\nEmail: alex@example.org\n")
	ids := Extract(text, ExtractOptions{WithContext: true})
	if len(ids) != 2 {
		t.Fatalf("got %+v", ids)
	}
	for _, id := range ids {
		if string(text[id.Offset:id.Offset+len(id.Value)]) != id.Value {
			t.Errorf("offset %d does not point at %q", id.Offset, id.Value)
		}
		if !strings.Contains(id.Context, id.Value) || len(id.Context) > len(id.Value)+2*ContextBytes {
			t.Errorf("context %q", id.Context)
		}
		if !id.Valid || id.Key() != Key(id.Kind, id.Normalized) {
			t.Errorf("bad identifier %+v", id)
		}
	}
	if ids[0].Key() != "phone:+12025550143" || ids[1].Key() != "email:alex@example.org" {
		t.Errorf("keys: %s %s", ids[0].Key(), ids[1].Key())
	}
}

// The generated corpus embeds known identifiers; every occurrence must be
// found, and nothing else.
func TestExtractGeneratedCorpus(t *testing.T) {
	text := identifiertest.Text(200_000, 50, 7)
	ids := Extract(text, ExtractOptions{})
	want := 0
	for _, v := range identifiertest.Identifiers {
		want += bytes.Count(text, []byte(v))
	}
	want += bytes.Count(text, []byte("+1 202-555-01"))
	want += bytes.Count(text, []byte("@example.org")) - bytes.Count(text, []byte("alex.example@example.org"))
	// The onion appears bare (1 id each); every other embedded value is one id.
	if len(ids) != want {
		kinds := map[Kind]int{}
		for _, id := range ids {
			kinds[id.Kind]++
		}
		t.Fatalf("found %d identifiers, want %d (%v)", len(ids), want, kinds)
	}
}

func TestExtractReaderMatchesExtract(t *testing.T) {
	// Lines that start with an identifier check the context kept across
	// chunk cuts.
	text := bytes.ReplaceAll(identifiertest.Text(3*readChunkBytes, 20, 3), []byte("\n["), []byte("\n+1 202 555 0143 ["))
	want := Extract(text, ExtractOptions{WithContext: true})
	for name, r := range map[string]func() io.Reader{
		"bytes":    func() io.Reader { return bytes.NewReader(text) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(text)) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(text[:200_000])) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(text)) },
	} {
		var got []Identifier
		if err := ExtractReader(r(), ExtractOptions{WithContext: true}, func(id Identifier) error {
			got = append(got, id)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		w := want
		if name == "one byte" {
			w = Extract(text[:200_000], ExtractOptions{WithContext: true})
		}
		if len(got) != len(w) {
			t.Fatalf("%s: got %d identifiers, want %d", name, len(got), len(w))
		}
		for i := range got {
			if got[i] != w[i] {
				t.Fatalf("%s: #%d got %+v want %+v", name, i, got[i], w[i])
			}
		}
	}
}

// An identifier straddling the 1 MiB chunk boundary on a line longer than
// the line cap must still be found once.
func TestExtractReaderLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 9 MiB line")
	}
	pad := bytes.Repeat([]byte("a "), maxLineBytes/2+readChunkBytes)
	text := append(pad, []byte("+1 202 555 0143 x")...)
	text = append(text, pad[:1000]...)
	var got []Identifier
	if err := ExtractReader(bytes.NewReader(text), ExtractOptions{}, func(id Identifier) error {
		got = append(got, id)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Offset != len(pad) {
		t.Fatalf("got %+v", got)
	}
}

func TestExtractReaderStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := ExtractReader(strings.NewReader("a@example.org b@example.org"), ExtractOptions{}, func(Identifier) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("err %v after %d calls", err, n)
	}
	err = ExtractReader(iotest.ErrReader(errors.New("disk gone")), ExtractOptions{}, func(Identifier) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Fatalf("read error not returned: %v", err)
	}
}

// Random strings shaped like checksummed addresses must not be reported:
// the checksums (32 bits for Base58Check, Monero and bech32's 30, 16 for
// TON's CRC) make an accidental match negligible at this sample size.
func TestExtractLookAlikesRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 42))
	pick := func(alphabet string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	const b58 = base58Alphabet
	var text strings.Builder
	for i := 0; i < 2000; i++ {
		for _, s := range []string{
			"1" + pick(b58, 33), "3" + pick(b58, 33), "L" + pick(b58, 33), "T" + pick(b58, 33),
			"4" + pick(b58, 94), "8" + pick(b58, 94),
			"bc1q" + pick(bech32Charset, 38), "bc1p" + pick(bech32Charset, 58), "ltc1q" + pick(bech32Charset, 38),
			"0x" + pick("0123456789abcdefABCDEF", 40),
			"EQ" + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 46),
			pick("abcdefghijklmnopqrstuvwxyz234567", 56) + ".onion",
			"IMEI " + pick("0123456789", 14) + "x",
		} {
			text.WriteString(s)
			text.WriteByte(' ')
		}
		text.WriteByte('\n')
	}
	ids := Extract([]byte(text.String()), ExtractOptions{})
	for _, id := range ids {
		t.Errorf("random string reported as %s: %q", id.Kind, id.Value)
	}
}
