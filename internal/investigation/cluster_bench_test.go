package investigation_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// BenchmarkClusters measures what the clusters page and a cluster's page
// cost on the server: Clusters over a case of n unknown images with random
// PDQ hashes (synthetic rows, no pixels), every tenth a near-duplicate of
// the one before it. go test ./internal/investigation -run - -bench Clusters
func BenchmarkClusters(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.OpenSQLite(b, -1)
			s := investigation.New(db, "bench")
			if _, err := s.CreateCase(ctx, investigation.Case{Name: "c"}); err != nil {
				b.Fatal(err)
			}
			e, err := s.AddExhibit(ctx, "c", investigation.Exhibit{Label: "E1"})
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			files := make([]*store.File, n)
			var prev [32]byte
			for i := range files {
				var h [32]byte
				for j := range h {
					h[j] = byte(r.Uint32())
				}
				if i%10 == 9 {
					h = prev
					h[0] ^= 1 // a near-duplicate of the previous image
				}
				prev = h
				files[i] = &store.File{ExhibitID: e.ID, Path: fmt.Sprintf("img/%06d.jpg", i), Status: "unknown", MediaType: "image/jpeg",
					SHA256: fmt.Sprintf("%064x", i), PDQ: fmt.Sprintf("%x", h[:]), PDQQuality: 100, Root: "/r", Member: fmt.Sprintf("img/%06d.jpg", i)}
			}
			if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertFiles(ctx, files, nil); return err }); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				cs, err := s.Clusters(ctx, "c", investigation.ClusterOptions{})
				if err != nil || len(cs) == 0 {
					b.Fatal(len(cs), err)
				}
			}
		})
	}
}
