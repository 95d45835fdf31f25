package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// BenchmarkToken is the per-request cost of an API token check, run in
// parallel as a server would: "cached" is Authenticator.Token (an auth
// epoch read shared by concurrent requests, and the cache); "lookup" the
// full check it saves (one SHA-256 and an indexed join; the last-use write
// happens once a minute); "epoch" one read of the auth epoch alone.
func BenchmarkToken(b *testing.B) {
	for name, open := range storetest.Dialects(b) {
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
		svc := investigation.New(db, "", opts...)
		a := auth.New(svc, auth.Config{Now: clk.Now})
		for what, check := range map[string]func() error{
			"cached": func() error { _, err := a.Token(ctx, tok.Secret); return err },
			"lookup": func() error { _, _, err := svc.TokenPrincipal(ctx, tok.Secret); return err },
			"epoch":  func() error { _, err := svc.AuthEpoch(ctx); return err },
		} {
			b.Run(name+"/"+what, func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := check(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
