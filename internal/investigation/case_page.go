package investigation

import (
	"context"
)

// MaxPage bounds a page of the cursor-paged lists (CasePage, AuditPage).
const MaxPage = 1000

// CasePage is one page of the cases a principal may read, by name.
type CasePage struct {
	Cases []Case
	// After is the position to resume from: the name of the page's last
	// case, or "" when no case follows it.
	After string
}

// CasePage lists up to limit (1..MaxPage) of the cases the principal may
// read whose name sorts after after ("" for the first page). The
// visibility filter, the order and the limit all run in SQL, so a page
// costs the same however many cases the store holds before it.
func (s *Service) CasePage(ctx context.Context, after string, limit int) (CasePage, error) {
	if limit < 1 || limit > MaxPage {
		limit = MaxPage
	}
	p, err := s.principal(ctx)
	if err != nil {
		return CasePage{}, err
	}
	list, err := s.db.CasePage(ctx, caseVisibility(p), after, limit+1)
	if err != nil {
		return CasePage{}, err
	}
	page := CasePage{}
	if len(list) > limit {
		list = list[:limit]
		page.After = list[limit-1].Name
	}
	page.Cases = orEmptySlice(views(list, caseView))
	return page, nil
}
