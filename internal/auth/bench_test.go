package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// BenchmarkToken is the per-request cost of an API token check: one
// SHA-256 and one indexed lookup (the last-use write happens once a
// minute), run in parallel as a server would.
func BenchmarkToken(b *testing.B) {
	for name, open := range storetest.Dialects(b) {
		b.Run(name, func(b *testing.B) {
			db := open(b, -1)
			clk := &clock{t: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
			opts := []investigation.Option{investigation.WithClock(clk.Now), investigation.WithPasswordParams(fast)}
			owner := investigation.New(db, "owner", opts...)
			ctx := context.Background()
			if _, err := owner.AddAgency(ctx, "NL-POL", "NL"); err != nil {
				b.Fatal(err)
			}
			if _, err := owner.AddUser(ctx, investigation.NewUser{Name: "vera", Agency: "NL-POL", Role: "analyst", Password: password}); err != nil {
				b.Fatal(err)
			}
			tok, err := owner.CreateToken(ctx, "vera", "bench", 0)
			if err != nil {
				b.Fatal(err)
			}
			a := auth.New(investigation.New(db, "", opts...), auth.Config{Now: clk.Now})
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := a.Token(ctx, tok.Secret); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
