package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestAuditFilterPlans: each filter of the audit log is served by its
// index (migration 0029), on both dialects. PostgreSQL is told to avoid
// sequential scans, which it prefers on a table this small.
func TestAuditFilterPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		db := open(t, -1)
		ctx := context.Background()
		for i := range 50 {
			r := audit.Record{At: "2024-01-20T10:00:00.000000000Z", Actor: fmt.Sprintf("user-%d", i%5),
				Action: fmt.Sprintf("case.action%d", i%7), Object: fmt.Sprintf("case:c%d", i%11)}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AppendAudit(ctx, &r) }); err != nil {
				t.Fatal(err)
			}
		}
		for index, f := range map[string]store.AuditFilter{
			"audit_actor":  {Actor: "user-3"},
			"audit_object": {ObjectPrefix: "case:c1"},
			"audit_action": {ActionPrefix: "case.action4"},
		} {
			query, args := store.AuditSearchSQL(db.Dialect(), f, 0, 100)
			plan := explain(t, db, query, args)
			if !strings.Contains(plan, index) {
				t.Errorf("%+v: the plan does not use %s:\n%s", f, index, plan)
			}
		}
	})
}

func explain(t *testing.T, db *store.DB, query string, args []any) string {
	t.Helper()
	ctx := context.Background()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	prefix := "EXPLAIN QUERY PLAN "
	if db.Dialect() == store.Postgres {
		prefix = "EXPLAIN "
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.QueryContext(ctx, prefix+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
