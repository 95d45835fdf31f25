package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/store"
)

// testAuditSearch filters the audit trail by object and action prefix and
// by actor, in SQL, and pages the result.
func testAuditSearch(t *testing.T, db *store.DB) {
	ctx := context.Background()
	recs := []struct{ actor, action, object string }{
		{"alex", "case.create", "case:c1"},
		{"bram", "cluster.review", "case:c1/cluster:7"},
		{"alex", "bank.import", "bank:known"},
		{"bram", "cluster.review", "case:c2/cluster:9"},
		{"alex", "cluster.review", "case:c1/cluster:8"},
		{"bram", "bank.export", "bank:known"},
		{"zoë", "case.note", "case:zoë"},
		{"alex", "case.note", "case:c1~"},
		{"alex", "case.note", "case:c2"},
	}
	for _, x := range recs {
		r := audit.Record{At: "2024-01-20T10:00:00.000000000Z", Actor: x.actor, Action: x.action, Object: x.object}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &r) }); err != nil {
			t.Fatal(err)
		}
	}
	search := func(f store.AuditFilter, after int64, limit int) []int64 {
		t.Helper()
		var seqs []int64
		if err := db.AuditSearch(ctx, f, after, limit, func(r audit.Record) error { seqs = append(seqs, r.Seq); return nil }); err != nil {
			t.Fatal(err)
		}
		return seqs
	}
	for _, c := range []struct {
		f     store.AuditFilter
		after int64
		limit int
		want  string
	}{
		{store.AuditFilter{}, 0, 0, "[1 2 3 4 5 6 7 8 9]"},
		// Prefixes ending in a non-ASCII character or "~" are matched
		// without the index's byte range; "case:c1" takes "case:c1~" but
		// not "case:c2", the first string past its range.
		{store.AuditFilter{ObjectPrefix: "case:zoë"}, 0, 0, "[7]"},
		{store.AuditFilter{ObjectPrefix: "case:zo"}, 0, 0, "[7]"},
		{store.AuditFilter{ObjectPrefix: "case:c1~"}, 0, 0, "[8]"},
		{store.AuditFilter{ObjectPrefix: "case:c1"}, 0, 0, "[1 2 5 8]"},
		{store.AuditFilter{Actor: "zoë", ActionPrefix: "case.n"}, 0, 0, "[7]"},
		{store.AuditFilter{ActionPrefix: "cluster."}, 0, 0, "[2 4 5]"},
		{store.AuditFilter{ActionPrefix: "cluster.", Actor: "bram"}, 0, 0, "[2 4]"},
		{store.AuditFilter{ActionPrefix: "cluster.", ObjectPrefix: "case:c1"}, 0, 0, "[2 5]"},
		{store.AuditFilter{ActionPrefix: "bank."}, 3, 5, "[6]"},
		{store.AuditFilter{Actor: "alex"}, 0, 2, "[1 3]"},
		{store.AuditFilter{Actor: "alex"}, 3, 0, "[5 8 9]"},
		{store.AuditFilter{Actor: "nobody"}, 0, 0, "[]"},
	} {
		if got := fmt.Sprint(search(c.f, c.after, c.limit)); got != c.want {
			t.Errorf("AuditSearch(%+v, after %d, limit %d) = %s, want %s", c.f, c.after, c.limit, got, c.want)
		}
	}
}
