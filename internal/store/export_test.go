package store

// AuditSearchSQL is AuditSearch's query for dialect, with the dialect's
// placeholders, for tests that look at its plan.
func AuditSearchSQL(dialect string, f AuditFilter, after int64, limit int) (string, []any) {
	query, args := auditSearchSQL(dialect, f, after, limit)
	return q{dialect: dialect}.rebind(query), args
}
