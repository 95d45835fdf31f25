package investigation_test

import "github.com/vibora-project/vibora/internal/audit"

type auditRecord = audit.Record
