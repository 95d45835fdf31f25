package investigation

import (
	"context"

	"github.com/vibora-project/vibora/internal/store"
)

// auditRead records that the principal read a sensitive object (a person,
// a conversation's messages): an audit record with the principal, its
// authentication method and request id, and no change. A store opened
// read-only (write-protected evidence of a past run) cannot take the
// record; the read is then logged instead, never refused.
func (s *Service) auditRead(ctx context.Context, action, object string, detail map[string]any) error {
	if s.db.ReadOnly() {
		s.log.Warn("read-only store: read not audited", "action", action, "object", object)
		return nil
	}
	return s.mutate(ctx, &change{action: action, object: object, detail: detail}, func(*store.Tx) error { return nil })
}
