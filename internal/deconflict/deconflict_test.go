package deconflict

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

func signer(t testing.TB, seed byte) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func trust(keys ...ed25519.PrivateKey) func(ed25519.PublicKey) bool {
	return func(p ed25519.PublicKey) bool {
		for _, k := range keys {
			if p.Equal(k.Public()) {
				return true
			}
		}
		return false
	}
}

func master(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

var senderKeys = []string{"phone:+12025550101", "email:alex@example.org", "username:telegram:night_owl", "btc:bc1qexample0000000000000000000000000000"}

func header() Header {
	return Header{Scheme: SchemeHMAC, Normalization: NormalizationVersion, Operation: "OP-SAND",
		Kinds: []string{"btc", "email", "phone", "username"}, Creator: Creator{Agency: "ES-PN", Country: "ES", Contact: "desk@example.org"},
		Created: now, Expires: now.Add(30 * 24 * time.Hour)}
}

func tokensFor(t testing.TB, m []byte, op string, keys []string) []Token {
	t.Helper()
	k, err := OperationKey(m, op)
	if err != nil {
		t.Fatal(err)
	}
	return NewTokenizer(k).Tokens(nil, keys)
}

func writeFile(t testing.TB, h Header, ts []Token, key ed25519.PrivateKey) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, h, SortTokens(ts), key); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTripMatchesOnlyOverlap(t *testing.T) {
	key := signer(t, 1)
	b := writeFile(t, header(), tokensFor(t, master(7), "OP-SAND", senderKeys), key)
	f, err := Read(bytes.NewReader(b), trust(key), now)
	if err != nil {
		t.Fatal(err)
	}
	if f.Header.Count != len(senderKeys) || len(f.Tokens) != len(senderKeys) || f.Header.Creator.Contact != "desk@example.org" {
		t.Fatalf("header %+v, %d tokens", f.Header, len(f.Tokens))
	}
	own := []string{"email:someone@example.net", "username:telegram:night_owl", "phone:+12025550101", "phone:+12025550199"}
	hits := Match(f.Tokens, tokensFor(t, master(7), "OP-SAND", own))
	if fmt.Sprint(hits) != "[1 2]" {
		t.Fatalf("hits %v, want [1 2]", hits)
	}
}

func TestWrongKeyOrOperationMatchesNothing(t *testing.T) {
	key := signer(t, 1)
	b := writeFile(t, header(), tokensFor(t, master(7), "OP-SAND", senderKeys), key)
	f, err := Read(bytes.NewReader(b), trust(key), now)
	if err != nil {
		t.Fatal(err)
	}
	if hits := Match(f.Tokens, tokensFor(t, master(8), "OP-SAND", senderKeys)); len(hits) != 0 {
		t.Fatalf("another master key matched %v", hits)
	}
	if hits := Match(f.Tokens, tokensFor(t, master(7), "OP-OTHER", senderKeys)); len(hits) != 0 {
		t.Fatalf("another operation matched %v", hits)
	}
}

func TestTamperingRefused(t *testing.T) {
	key := signer(t, 1)
	b := writeFile(t, header(), tokensFor(t, master(7), "OP-SAND", senderKeys), key)
	for i := range b {
		c := bytes.Clone(b)
		c[i] ^= 0x01
		if _, err := Read(bytes.NewReader(c), trust(key), now); err == nil {
			t.Fatalf("byte %d flipped: accepted", i)
		}
	}
	for _, n := range []int{0, 5, len(Magic) + 10, len(b) - 70, len(b) - 1} {
		if _, err := Read(bytes.NewReader(b[:n]), trust(key), now); !errors.Is(err, ErrFormat) {
			t.Errorf("truncated to %d: %v, want ErrFormat", n, err)
		}
	}
	if _, err := Read(bytes.NewReader(append(bytes.Clone(b), 0)), trust(key), now); !errors.Is(err, ErrFormat) {
		t.Errorf("trailing byte: %v, want ErrFormat", err)
	}
}

func TestSignatureCoversHeader(t *testing.T) {
	key := signer(t, 1)
	b := writeFile(t, header(), tokensFor(t, master(7), "OP-SAND", senderKeys), key)
	c := bytes.Replace(b, []byte("desk@example.org"), []byte("evil@example.org"), 1)
	if _, err := Read(bytes.NewReader(c), trust(key), now); !errors.Is(err, ErrSignature) {
		t.Fatalf("changed contact: %v, want ErrSignature", err)
	}
}

func TestUntrustedAndExpiredRefused(t *testing.T) {
	key := signer(t, 1)
	b := writeFile(t, header(), tokensFor(t, master(7), "OP-SAND", senderKeys), key)
	if _, err := Read(bytes.NewReader(b), trust(signer(t, 2)), now); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("untrusted signer: %v", err)
	}
	if _, err := Read(bytes.NewReader(b), nil, now); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("no trust: %v", err)
	}
	if _, err := Read(bytes.NewReader(b), trust(key), now.Add(30*24*time.Hour)); !errors.Is(err, ErrExpired) {
		t.Fatalf("at expiry: %v", err)
	}
}

func TestHeaderChecked(t *testing.T) {
	key := signer(t, 1)
	for name, mod := range map[string]func(*Header){
		"normalisation": func(h *Header) { h.Normalization = 2 },
		"no operation":  func(h *Header) { h.Operation = "" },
		"no expiry":     func(h *Header) { h.Expires = time.Time{} },
		"oprf no key":   func(h *Header) { h.Scheme = SchemeOPRF },
	} {
		h := header()
		mod(&h)
		b := writeFile(t, h, nil, key)
		if _, err := Read(bytes.NewReader(b), trust(key), now); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
	if err := Write(&bytes.Buffer{}, header(), []Token{{2}, {1}}, key); err == nil {
		t.Error("unsorted tokens written")
	}
}

func TestOperationKey(t *testing.T) {
	if _, err := OperationKey(make([]byte, 31), "OP"); !errors.Is(err, ErrShortKey) {
		t.Fatalf("short key: %v", err)
	}
	a, _ := OperationKey(master(1), "OP-A")
	b, _ := OperationKey(master(1), "OP-B")
	if bytes.Equal(a, b) || len(a) != 32 {
		t.Fatal("operation keys not distinct")
	}
}

func TestKeyFiles(t *testing.T) {
	m, err := ParseMasterKey(MasterKeyFile(master(3)))
	if err != nil || !bytes.Equal(m, master(3)) {
		t.Fatalf("master round trip: %v", err)
	}
	if _, err := ParseMasterKey([]byte("abcd\n")); !errors.Is(err, ErrShortKey) {
		t.Fatalf("short master: %v", err)
	}
	k := signer(t, 4)
	pemk, err := MarshalSigningKey(k)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := ParseSigningKey(pemk)
	if err != nil || !k2.Equal(k) {
		t.Fatalf("signing key round trip: %v", err)
	}
	pub, _ := MarshalPublicKey(k.Public().(ed25519.PublicKey))
	pubs, err := ParsePublicKeys(append(pub, pub...))
	if err != nil || len(pubs) != 2 || !pubs[0].Equal(k.Public()) {
		t.Fatalf("public keys: %v", err)
	}
}

func TestOPRFRoundTrip(t *testing.T) {
	priv, err := NewOPRFKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := NewEvaluator(priv)
	if err != nil {
		t.Fatal(err)
	}
	tokens := func(keys []string) []Token {
		b, err := NewBlinder(ev.PublicKey())
		if err != nil {
			t.Fatal(err)
		}
		bl, els, err := b.Blind(keys)
		if err != nil {
			t.Fatal(err)
		}
		out, proof, err := ev.Evaluate(els)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := b.Finalize(bl, out, proof)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	// Two clients, blinding independently, get the same token for a shared
	// identifier.
	a := tokens(senderKeys)
	b := tokens([]string{"phone:+12025550199", "email:alex@example.org"})
	if hits := Match(SortTokens(append([]Token(nil), a...)), b); fmt.Sprint(hits) != "[1]" {
		t.Fatalf("hits %v, want [1]", hits)
	}
	// An evaluation under another key fails the proof.
	other, _ := NewOPRFKey(rand.Reader)
	ev2, _ := NewEvaluator(other)
	bl := mustBlinder(t, ev.PublicKey())
	st, els, _ := bl.Blind(senderKeys)
	out, proof, _ := ev2.Evaluate(els)
	if _, err := bl.Finalize(st, out, proof); err == nil {
		t.Fatal("evaluation under another key accepted")
	}
	if _, _, err := ev.Evaluate([][]byte{make([]byte, ElementSize)}); !errors.Is(err, ErrOPRFInput) {
		t.Fatalf("identity element: %v", err)
	}
	if _, _, err := ev.Evaluate([][]byte{{1, 2, 3}}); !errors.Is(err, ErrOPRFInput) {
		t.Fatalf("short element: %v", err)
	}
}

func mustBlinder(t *testing.T, pub []byte) *Blinder {
	b, err := NewBlinder(pub)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzRead(f *testing.F) {
	key := signer(f, 1)
	f.Add(writeFile(f, header(), tokensFor(f, master(7), "OP-SAND", senderKeys), key))
	f.Add([]byte(Magic + "{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Read(bytes.NewReader(b), trust(key), now)
		if err == nil && len(file.Tokens) != file.Header.Count {
			t.Fatalf("count %d, %d tokens", file.Header.Count, len(file.Tokens))
		}
	})
}
