package identifier

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/identifier/identifiertest"
)

func FuzzExtract(f *testing.F) {
	for _, v := range identifiertest.Identifiers {
		f.Add([]byte("x " + v + " y"))
	}
	f.Add(identifiertest.Text(2000, 5, 1))
	f.Add([]byte("IMEI: 490154203237518 HWID: {4F1C9A2B-7D3E-5F60-A1B2-C3D4E5F60718} t.me/casey_placeholder"))
	f.Add([]byte("(202) 555-0144 2024-01-15 +1 202 555 0143 2024-01-15 -1:5152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f70"))
	f.Add([]byte("IBAN GB82 WEST 1234 5698 7654 32 BIC: NWBKGB2L card 4111 1111 1111 1111 Visa 4012888888881881 $alex_ex Venmo @Alex-Example"))
	f.Add([]byte("paypal.me/AlexExample/25EUR https://cash.app/$alexex revolut.me/alexex 3782 822463 10005 5555-5555-5555-4444"))
	f.Add([]byte("android://a@b.c/ https://u:p@x.example.org:0/ tg://resolve?domain=abcde [::] @@ a@ @a ::: 0x 0:"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opt := range []ExtractOptions{{}, {DefaultRegion: "US", Platform: PlatformDiscord, WithContext: true}} {
			ids := Extract(data, opt)
			last := -1
			for _, id := range ids {
				if id.Offset < 0 || id.Offset+len(id.Value) > len(data) {
					t.Fatalf("offset %d does not point at %q", id.Offset, id.Value)
				}
				raw := string(data[id.Offset : id.Offset+len(id.Value)])
				if id.Kind == KindCard {
					// A card is masked: the number never leaves Extract.
					if id.Value != maskCard([]byte(raw)) || strings.Count(id.Value, "*") < 8 || strings.Contains(id.Context, raw) {
						t.Fatalf("card %q at %d is not masked: %q, context %q", raw, id.Offset, id.Value, id.Context)
					}
					if n, err := Normalize(id.Kind, raw, NormalizeOptions{}); err != nil || n != id.Normalized || !strings.HasPrefix(n, id.Platform+":") {
						t.Fatalf("card %q: extracted as %q (%s), Normalize gives %q, %v", id.Value, id.Normalized, id.Platform, n, err)
					}
					last = id.Offset
					continue
				}
				if raw != id.Value {
					t.Fatalf("offset %d does not point at %q", id.Offset, id.Value)
				}
				if id.Offset < last {
					t.Fatalf("offsets not in order: %d after %d", id.Offset, last)
				}
				last = id.Offset
				n, err := Normalize(id.Kind, id.Value, NormalizeOptions{DefaultRegion: opt.DefaultRegion})
				if err != nil || n != id.Normalized {
					t.Fatalf("%s %q: extracted as %q, Normalize gives %q, %v", id.Kind, id.Value, id.Normalized, n, err)
				}
			}
			var streamed []Identifier
			if err := ExtractReader(bytes.NewReader(data), opt, func(id Identifier) error {
				streamed = append(streamed, id)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(streamed) != len(ids) {
				t.Fatalf("ExtractReader found %d, Extract %d", len(streamed), len(ids))
			}
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, v := range identifiertest.Identifiers {
		f.Add(v)
	}
	for _, v := range []string{
		"HTTP://Example.ORG:80", "https://[2001:DB8::1]:443/x?y#z", "bücher.example", "Alex@Bücher.Example",
		"0XA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3", "UQBRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcLQ2",
		"(202) 555-0143", "Blake#1234", "{4f1c9a2b-7d3e-5f60-a1b2-c3d4e5f60718}", "49-015420-323751-8",
		"http://a.b/%zz", "http://a.example/%41", "ftp://EXAMPLE.org:21", "tg://Resolve?domain=x",
	} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, k := range Kinds {
			n, err := Normalize(k, raw, NormalizeOptions{DefaultRegion: "US"})
			if err != nil {
				continue
			}
			again, err := Normalize(k, n, NormalizeOptions{DefaultRegion: "US"})
			if err != nil || again != n {
				t.Fatalf("%s: %q → %q → %q, %v", k, raw, n, again, err)
			}
			if utf8.ValidString(raw) && !utf8.ValidString(n) {
				t.Fatalf("%s: %q normalized to invalid UTF-8 %q", k, raw, n)
			}
		}
	})
}
