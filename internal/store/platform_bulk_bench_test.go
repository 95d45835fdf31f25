package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkPlatformIdentifiers queues what a platform import queues for
// its users: each user with an e-mail, a username and an IPv4 address
// seen at the user's creation, and one user in ten a deposit address
// (of a user at random, as a dump's deposit table names them), into a
// new store in one transaction, the writer closed (its index rebuilt)
// at the end: ns/op is per identifier.
func BenchmarkPlatformIdentifiers(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "vibora.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(1, 2))
	b.ResetTimer()
	if err := db.InTx(ctx, func(tx *Tx) error {
		p, _, err := testPlatform(ctx, tx, "op-bench")
		if err != nil {
			return err
		}
		w, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		users := 0
		for n := 0; n < b.N; {
			users++
			ext := fmt.Sprint(users)
			at := time.Date(2024, time.Month(users%12+1), users%28+1, users%24, users%60, 0, 0, time.UTC)
			if err := w.User(ctx, PlatformUser{ExtID: ext, Username: "user" + ext, Role: "member", Created: at.Format(time.RFC3339)}); err != nil {
				return err
			}
			for _, key := range []string{"email:user" + ext + "@example.org", "username:benchvid:user" + ext, fmt.Sprintf("ipv4:198.51.100.%d", users%256)} {
				if err := w.Identifier(ctx, ext, key, at); err != nil {
					return err
				}
				n++
			}
			if users%10 == 0 {
				other := fmt.Sprint(r.IntN(users) + 1)
				if err := w.Identifier(ctx, other, fmt.Sprintf("eth:0x%040x", r.Uint64()), at); err != nil {
					return err
				}
				n++
			}
		}
		return w.Close(ctx)
	}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPlatformLogins queues logins as a platform import does, each
// of one of 1,000,000 users at random (the users queued before, untimed;
// each login's user id a new string, as read from a dump), from one of
// 768 IPs (addresses, as the mapping reads them) and 8 user agents, then
// packs them and closes the writer, in one transaction: ns/op is per
// login.
func BenchmarkPlatformLogins(b *testing.B) {
	const users = 1_000_000
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "vibora.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(3, 4))
	agents := make([]string, 8)
	for i := range agents {
		agents[i] = fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", 120+i, 120+i)
	}
	ips := make([]netip.Addr, 768) // as the mapping reads them (platform.Record.IP)
	for i := range ips {
		ips[i] = netip.MustParseAddr(fmt.Sprintf("%s.%d", [...]string{"192.0.2", "198.51.100", "203.0.113"}[i/256], i%256))
	}
	if err := db.InTx(ctx, func(tx *Tx) error {
		p, srcs, err := testPlatform(ctx, tx, "op-bench", "logins")
		if err != nil {
			return err
		}
		w, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		for u := 1; u <= users; u++ {
			if err := w.User(ctx, PlatformUser{ExtID: strconv.Itoa(u), Username: fmt.Sprintf("user%d", u)}); err != nil {
				return err
			}
		}
		if err := w.Flush(ctx); err != nil {
			return err
		}
		at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		b.ResetTimer()
		for i := range b.N {
			l := PlatformLogin{SourceID: srcs[0], Offset: int64(1000 + 120*i), Line: int64(40 + i/1000), Addr: ips[r.IntN(len(ips))],
				Time: at.Add(time.Duration(i) * time.Second), Agent: agents[r.IntN(len(agents))]}
			if err := w.Login(ctx, strconv.Itoa(r.IntN(users)+1), l); err != nil {
				return err
			}
		}
		if err := w.Pack(ctx); err != nil {
			return err
		}
		return w.Close(ctx)
	}); err != nil {
		b.Fatal(err)
	}
}
