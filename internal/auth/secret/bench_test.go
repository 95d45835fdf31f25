package secret_test

import (
	"testing"

	"github.com/vibora-project/vibora/internal/auth/secret"
)

// BenchmarkHashPassword is the cost of one login with DefaultParams.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := secret.HashPassword("benchmark password", secret.DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDigest is the cost of hashing a token on each API request.
func BenchmarkDigest(b *testing.B) {
	tok, _ := secret.NewToken()
	for b.Loop() {
		secret.Digest(tok)
	}
}
