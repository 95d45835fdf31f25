package investigation_test

import (
	"fmt"

	"github.com/vibora-project/vibora/internal/audit"
)

type auditRecord = audit.Record

// fmtSscanf reads the leading "+12.5" of a score reason.
func fmtSscanf(reason string, v *float64) (int, error) { return fmt.Sscanf(reason, "+%f", v) }
