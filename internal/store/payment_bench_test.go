package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// BenchmarkInsertPayments inserts payments of a platform import (a payee
// address at random, a subject payer) in batches of 1,000 into a store
// already holding 100,000, in one transaction: ns/op is per payment.
func BenchmarkInsertPayments(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "vibora.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	c := Case{Name: "op-bench", CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"}
	r := rand.New(rand.NewPCG(1, 2))
	n := 0
	batch := func(k int) []Payment {
		ps := make([]Payment, 0, k)
		for range k {
			n++
			ps = append(ps, Payment{CaseID: c.ID, SourceKind: "platform", SourceRef: fmt.Sprintf("Bench: payments id=%d", n),
				PayerSubjectType: "platform_user", PayerSubjectID: int64(n%1000 + 1), PayerName: fmt.Sprintf("Bench user %d", n%1000+1),
				PayeeKey: fmt.Sprintf("eth:0x%040x", r.Uint64()), PayeeName: "Bench deposit address", Amount: "0.05", Currency: "ETH",
				AtUTC: "2026-01-02T03:04:05Z", Method: "eth", TxID: fmt.Sprintf("0x%064x", r.Uint64()),
				Evidence: fmt.Sprintf("row of table payments (payments id=%d) in dump.sql", n), CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"})
		}
		return ps
	}
	if err := db.InTx(ctx, func(tx *Tx) error {
		if err := tx.InsertCase(ctx, &c); err != nil {
			return err
		}
		for range 100 {
			if _, err := tx.InsertPayments(ctx, batch(1000)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := db.InTx(ctx, func(tx *Tx) error {
		// As in a platform import (PlatformBulk).
		if _, err := tx.exec(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", bulkPageCache)); err != nil {
			return err
		}
		for done := 0; done < b.N; done += 1000 {
			ps := batch(min(1000, b.N-done))
			if _, err := tx.InsertPayments(ctx, ps); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
}
