// Package identifiertest generates synthetic inputs for tests and
// benchmarks of package identifier: mixed text with a controlled density of
// identifiers, and minimal MaxMind DB (.mmdb) files. Every value is
// invented: +1 202 555 01xx numbers, example.org domains, documentation IP
// ranges and addresses built from fixed test payloads.
package identifiertest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
)

// Identifiers embedded by the generators (all synthetic; the crypto
// addresses are the shared fixtures built from sequential-byte payloads).
var Identifiers = []string{
	"+1 202 555 0143",
	"alex.example@example.org",
	"https://forum.example.net/thread/42",
	"203.0.113.45",
	"2001:db8::1",
	"bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z",
	"12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E",
	"0xa0A1A2a3A4A5a6a7a8a9AaaBaCADAeAfb0B1b2b3",
	"EQBRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcOnz",
	"84vgpJDMcMLD6GX5SZYMgrESBZ2ptsj8zFn6azDED6b8H81cwbZYU3GJTvetytsqVQKoqgrNEDCwYM9kiokZYaPgFTEbFk7",
	"mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion",
	"@casey_placeholder",
	"user1000000001",
}

var words = []string{
	"the", "and", "meet", "tomorrow", "price", "ok", "sent", "photo", "group", "new",
	"link", "later", "thanks", "send", "pay", "wallet", "account", "login", "password",
	"from", "to", "with", "about", "when", "here", "there", "please", "check", "it",
	"Chrome", "Default", "Profile", "Windows", "10", "Pro", "x64", "URL:", "Username:",
	"Password:", "===============", "version", "1.2.3", "14:05:33", "2024-01-15",
	"15.01.2024", "12:30", "#42", "100%", "(ok)", "re:", "e.g.", "i.e.", "...",
	"don't", "isn't", "x2", "7", "25", "2024", "€20", "привет", "日本語",
}

// Text returns about size bytes of chat/stealer-log-like lines. Every
// identEvery-th word (on average) is an identifier from Identifiers; 0
// means none. The output is deterministic for a seed.
func Text(size, identEvery int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var b bytes.Buffer
	b.Grow(size + 256)
	line := 0
	for b.Len() < size {
		fmt.Fprintf(&b, "[15.01.2024 %02d:%02d:%02d] User %d: ", line%24, line%60, (line*7)%60, line%97)
		n := 6 + r.IntN(14)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			if identEvery > 0 && r.IntN(identEvery) == 0 {
				switch k := r.IntN(len(Identifiers) + 2); {
				case k == len(Identifiers):
					// A varied phone number: +1 202 555 0100–0199.
					fmt.Fprintf(&b, "+1 202-555-01%02d", r.IntN(100))
				case k > len(Identifiers):
					// A varied e-mail address.
					fmt.Fprintf(&b, "%s.%d@example.org", words[r.IntN(10)], r.IntN(10000))
				default:
					b.WriteString(Identifiers[k])
				}
				continue
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteByte('\n')
		line++
	}
	return b.Bytes()
}

// Sparse is text with about one identifier per 2,000 words.
func Sparse(size int, seed uint64) []byte { return Text(size, 2000, seed) }

// Dense is text where about one word in four is an identifier.
func Dense(size int, seed uint64) []byte { return Text(size, 4, seed) }
