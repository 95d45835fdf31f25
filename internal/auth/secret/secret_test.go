package secret_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/auth/secret"
)

// fast are cheap parameters for tests; DefaultParams is tested once.
var fast = secret.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordRoundTrip(t *testing.T) {
	for _, p := range []secret.Params{fast, secret.DefaultParams} {
		phc, err := secret.HashPassword("correct horse battery staple", p)
		if err != nil {
			t.Fatal(err)
		}
		h, err := secret.ParsePHC(phc)
		if err != nil || h.Params != p || h.String() != phc {
			t.Fatalf("ParsePHC(%s) = %+v, %v; want params %+v and the same string back", phc, h, err, p)
		}
		if ok, err := secret.CheckPassword(phc, "correct horse battery staple"); !ok || err != nil {
			t.Errorf("right password refused: %v, %v", ok, err)
		}
		if p == secret.DefaultParams {
			continue // one check at full cost is enough
		}
		for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", strings.Repeat("x", 2000)} {
			if ok, err := secret.CheckPassword(phc, wrong); ok || err != nil {
				t.Errorf("wrong password %.20q: %v, %v", wrong, ok, err)
			}
		}
	}
	a, _ := secret.HashPassword("same password here", fast)
	if secret.NeedsRehash(a, fast) {
		t.Error("NeedsRehash with the same parameters")
	}
	b, _ := secret.HashPassword("same password here", fast)
	if a == b {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if !secret.NeedsRehash(a, secret.DefaultParams) {
		t.Error("NeedsRehash: a hash with other parameters does not need one")
	}
}

// TestKnownVector pins the format and the argument order of the hash: a
// PHC string computed once with m=256 KiB, t=2, p=2 and the salt
// "vibora-salt-0001" verifies, and a change of any parameter does not.
func TestKnownVector(t *testing.T) {
	const phc = "$argon2id$v=19$m=256,t=2,p=2$dmlib3JhLXNhbHQtMDAwMQ$ScfFTZ9XnJX7rZllOaqPoMnsR/KuA8tX/tsSUiyIZ0U"
	if ok, err := secret.CheckPassword(phc, "password-for-tests"); !ok || err != nil {
		t.Fatalf("known vector: %v, %v", ok, err)
	}
	for _, changed := range []string{
		strings.Replace(phc, "m=256", "m=512", 1),
		strings.Replace(phc, "t=2", "t=3", 1),
		strings.Replace(phc, "p=2", "p=1", 1),
	} {
		if ok, err := secret.CheckPassword(changed, "password-for-tests"); ok || err != nil {
			t.Errorf("%s: %v, %v; want a mismatch", changed, ok, err)
		}
	}
}

func TestParsePHCRefuses(t *testing.T) {
	good, _ := secret.HashPassword("some password!", fast)
	parts := strings.Split(good, "$") // "", argon2id, v=19, params, salt, key
	for name, s := range map[string]string{
		"empty":          "",
		"argon2i":        strings.Replace(good, "argon2id", "argon2i", 1),
		"version 16":     strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":    strings.Replace(good, "m=64,", "m=4294967295,", 1),
		"zero time":      strings.Replace(good, "t=1,", "t=0,", 1),
		"zero lanes":     strings.Replace(good, "p=1$", "p=0$", 1),
		"leading zero":   strings.Replace(good, "m=64,", "m=064,", 1),
		"negative":       strings.Replace(good, "t=1,", "t=-1,", 1),
		"missing key":    strings.Join(parts[:5], "$"),
		"extra field":    good + "$x",
		"padded salt":    strings.Replace(good, parts[4], parts[4]+"==", 1),
		"short salt":     strings.Replace(good, parts[4], "c2FsdA", 1),
		"bad base64 key": strings.Replace(good, parts[5], "!!!!"+parts[5][4:], 1),
		"too long":       good + strings.Repeat("A", 600),
		"params order":   strings.Replace(good, "m=64,t=1,p=1", "t=1,m=64,p=1", 1),
	} {
		if _, err := secret.ParsePHC(s); !errors.Is(err, secret.ErrPHC) {
			t.Errorf("%s: ParsePHC(%q) = %v, want ErrPHC", name, s, err)
		}
		if ok, err := secret.CheckPassword(s, "some password!"); ok || err == nil {
			t.Errorf("%s: CheckPassword accepted a broken hash", name)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	good, _ := secret.HashPassword("fuzz seed password", fast)
	f.Add(good)
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := secret.ParsePHC(s)
		if err != nil {
			return
		}
		// Whatever parses is within bounds and prints back to a string that
		// parses to the same hash.
		if h.Memory > 1<<20 || h.Time > 64 || h.Threads == 0 || len(h.Salt) < 8 || len(h.Key) < 16 || len(h.Key) > 64 {
			t.Fatalf("out-of-bounds parameters accepted: %+v", h)
		}
		again, err := secret.ParsePHC(h.String())
		if err != nil || again.String() != h.String() {
			t.Fatalf("round trip of %q: %q, %v", s, h.String(), err)
		}
	})
}

func TestPasswordPolicyAndGenerated(t *testing.T) {
	if err := secret.CheckPasswordPolicy("short"); !errors.Is(err, secret.ErrPassword) {
		t.Errorf("short password: %v", err)
	}
	if err := secret.CheckPasswordPolicy(strings.Repeat("a", 1025)); !errors.Is(err, secret.ErrPassword) {
		t.Errorf("huge password: %v", err)
	}
	seen := map[string]bool{}
	for range 200 {
		p := secret.GeneratePassword()
		if len(p) != 29 || strings.ContainsAny(p, "0O1lI") || secret.CheckPasswordPolicy(p) != nil || seen[p] {
			t.Fatalf("generated password %q", p)
		}
		seen[p] = true
	}
}

func TestTokensAndSessions(t *testing.T) {
	tok, dig := secret.NewToken()
	if !strings.HasPrefix(tok, "vbr_") || !secret.LooksLikeToken(tok) || dig != secret.Digest(tok) || len(dig) != 64 {
		t.Fatalf("token %q digest %q", tok, dig)
	}
	tok2, _ := secret.NewToken()
	if tok == tok2 {
		t.Fatal("two tokens are equal")
	}
	for _, bad := range []string{"", "vbr_", tok[:len(tok)-1], tok + "x", "xyz_" + tok[4:], tok[:10] + "+" + tok[11:]} {
		if secret.LooksLikeToken(bad) {
			t.Errorf("LooksLikeToken(%q) = true", bad)
		}
	}
	id, d := secret.NewSessionID()
	if len(id) != 43 || d != secret.Digest(id) || secret.LooksLikeToken(id) {
		t.Fatalf("session id %q digest %q", id, d)
	}
}
