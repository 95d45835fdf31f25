package investigation

import (
	"context"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
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
	limit = pageLimit(limit)
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

// Page is one page of a list ordered by a unique name.
type Page[T any] struct {
	Items []T
	// After is the position to resume from: the name of the page's last
	// item, or "" when no item follows it.
	After string
}

// pageLimit is limit bounded to 1..MaxPage (MaxPage when out of bounds).
func pageLimit(limit int) int {
	if limit < 1 || limit > MaxPage {
		return MaxPage
	}
	return limit
}

// namePage makes the page of list, read from the store with limit+1 rows
// so that the extra row tells whether another page follows.
func namePage[S, T any](list []S, limit int, name func(S) string, view func(S) T) Page[T] {
	var page Page[T]
	if len(list) > limit {
		list = list[:limit]
		page.After = name(list[limit-1])
	}
	page.Items = orEmptySlice(views(list, view))
	return page
}

// BankPage lists up to limit (1..MaxPage) of the hash banks whose name
// sorts after after ("" for the first page), by name, read in SQL.
func (s *Service) BankPage(ctx context.Context, after string, limit int) (Page[Bank], error) {
	limit = pageLimit(limit)
	if err := s.check(ctx, access.Bank, access.Read); err != nil {
		return Page[Bank]{}, err
	}
	list, err := s.db.BankPage(ctx, after, limit+1)
	if err != nil {
		return Page[Bank]{}, err
	}
	return namePage(list, limit, func(b store.Bank) string { return b.Name }, bankView), nil
}

// AgencyPage lists up to limit (1..MaxPage) of the agencies whose name
// sorts after after ("" for the first page), by name, read in SQL.
func (s *Service) AgencyPage(ctx context.Context, after string, limit int) (Page[Agency], error) {
	limit = pageLimit(limit)
	if err := s.check(ctx, access.Agency, access.Read); err != nil {
		return Page[Agency]{}, err
	}
	list, err := s.db.AgencyPage(ctx, after, limit+1)
	if err != nil {
		return Page[Agency]{}, err
	}
	return namePage(list, limit, func(a store.Agency) string { return a.Name }, agencyView), nil
}

// UserPage lists up to limit (1..MaxPage) of the users the principal
// manages (see Users) whose name sorts after after ("" for the first
// page), by name; the agency filter runs in SQL.
func (s *Service) UserPage(ctx context.Context, after string, limit int) (Page[User], error) {
	limit = pageLimit(limit)
	p, err := s.principal(ctx)
	if err != nil {
		return Page[User]{}, err
	}
	agencyID, err := s.userScope(ctx, p)
	if err != nil {
		return Page[User]{}, err
	}
	list, err := s.db.UserPage(ctx, agencyID, after, limit+1)
	if err != nil {
		return Page[User]{}, err
	}
	return namePage(list, limit, func(u store.User) string { return u.Name }, userView), nil
}

// CaseSharePage lists up to limit (1..MaxPage) of the shares of a case the
// principal may read whose agency sorts after after ("" for the first
// page), by agency name, read in SQL.
func (s *Service) CaseSharePage(ctx context.Context, caseName, after string, limit int) (Page[CaseShare], error) {
	limit = pageLimit(limit)
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return Page[CaseShare]{}, err
	}
	list, err := s.db.CaseSharePage(ctx, c.ID, after, limit+1)
	if err != nil {
		return Page[CaseShare]{}, err
	}
	return namePage(list, limit, func(sh store.CaseShare) string { return sh.Agency }, shareView), nil
}

// CaseMemberPage lists up to limit (1..MaxPage) of the members of a case
// the principal may read whose user name sorts after after ("" for the
// first page), by user name, read in SQL.
func (s *Service) CaseMemberPage(ctx context.Context, caseName, after string, limit int) (Page[CaseMember], error) {
	limit = pageLimit(limit)
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return Page[CaseMember]{}, err
	}
	list, err := s.db.CaseMemberPage(ctx, c.ID, after, limit+1)
	if err != nil {
		return Page[CaseMember]{}, err
	}
	return namePage(list, limit, func(m store.CaseMember) string { return m.User }, memberView), nil
}
