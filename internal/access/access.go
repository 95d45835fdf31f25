// Package access decides who may do what: the principal a request acts as,
// and the rules, written as data, that map a principal's roles to the
// permissions it holds on cases, hash banks, accounts and the audit trail.
//
// The package is pure: the investigation layer asks it at its single access
// point, and a server reuses the same table. Agencies are the unit of
// separation. A principal's permission on a case is the highest of
//
//   - what its roles grant on cases of its own agency (the case's owner),
//   - what a share of the case to its agency grants, and
//   - what its membership of the case grants,
//
// where the last two are capped by the role (a viewer stays read-only,
// whatever it is given). No agency sees another's case unless it was
// shared with it or one of its users is a member. A hub administrator
// manages agencies, accounts and banks and reads the audit trail, but reads
// no agency's cases unless they are shared with it or it is a member.
package access

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// ErrForbidden marks an action on an object the principal may see but not
// change. An object the principal may not see at all is reported as not
// found by the caller, so that its existence does not leak.
var ErrForbidden = errors.New("permission denied")

// ErrNoPrincipal marks a request that carries no principal.
var ErrNoPrincipal = errors.New("no principal: the request is not authenticated")

// Permission is what a principal may do with an object.
type Permission string

// Permissions, from least to most. Each implies the ones before it.
const (
	Read  Permission = "read"  // see the object and everything in it
	Write Permission = "write" // change its contents (ingest, import, add)
	Admin Permission = "admin" // manage the object itself (remove, share)
)

// level orders permissions: "" (none) 0, Read 1, Write 2, Admin 3.
func (p Permission) level() int {
	switch p {
	case Read:
		return 1
	case Write:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Includes reports whether p implies q ("" implies nothing).
func (p Permission) Includes(q Permission) bool { return q.level() > 0 && p.level() >= q.level() }

func maxPerm(a, b Permission) Permission {
	if b.level() > a.level() {
		return b
	}
	return a
}

func minPerm(a, b Permission) Permission {
	if b.level() < a.level() {
		return b
	}
	return a
}

// Resource is a kind of object permissions apply to.
type Resource string

// Resources.
const (
	Case   Resource = "case"   // a case and all its data
	Bank   Resource = "bank"   // hash banks, shared by every case
	Audit  Resource = "audit"  // the store-wide audit trail
	Agency Resource = "agency" // agencies (Admin: add them)
	User   Resource = "user"   // accounts of an agency and their tokens
	// Operation is an operation across agencies: its agencies, cases and
	// the statuses of its suspects. Own: operations the agency leads;
	// Granted: those it takes part in as partner or coordinator. Its
	// suspects are seen only as far as their cases may be read.
	Operation Resource = "operation"
)

// Role is a named set of grants.
type Role string

// Roles.
const (
	// Owner holds every permission on every object: the user of a local
	// store, which is theirs. No account has it.
	Owner Role = "owner"
	// HubAdmin runs a hub: adds agencies, manages every account and the
	// hash banks, reads the audit trail. It reads no agency's cases unless
	// they are shared with its agency or it is a member.
	HubAdmin Role = "hub-admin"
	// AgencyAdmin manages the cases and accounts of their agency, shares
	// its cases, and manages hash banks.
	AgencyAdmin Role = "agency-admin"
	// Analyst works on the cases of their agency and reads banks.
	Analyst Role = "analyst"
	// Viewer reads the cases of their agency and banks; changes nothing.
	Viewer Role = "viewer"
)

// AccountRoles are the roles an account may hold, most powerful first.
var AccountRoles = []Role{HubAdmin, AgencyAdmin, Analyst, Viewer}

// ParseRole returns the account role named s. The name "investigator",
// which earlier versions used, is read as Analyst.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if r == "investigator" {
		return Analyst, nil
	}
	if slices.Contains(AccountRoles, r) {
		return r, nil
	}
	return "", errors.New("role " + strconv.Quote(s) + ": want one of hub-admin, agency-admin, analyst, viewer")
}

// Scope says which objects a grant covers.
type Scope string

// Scopes.
const (
	// Own: objects of the principal's agency.
	Own Scope = "own"
	// Any: objects of every agency, and objects of none (banks, audit).
	Any Scope = "any"
	// Granted: the most that a share of a case to the principal's agency,
	// or its membership of a case, can give it; for operations, what taking
	// part in one (partner, coordinator) gives.
	Granted Scope = "granted"
)

// Grant is one permission on one kind of resource in one scope.
type Grant struct {
	Resource   Resource
	Permission Permission
	Scope      Scope
}

// Rules is the role -> grants table. It is the only place permissions are
// decided; change it, not the code that consults it. A grant of a
// permission implies the lesser ones.
var Rules = map[Role][]Grant{
	Owner: {
		{Case, Admin, Any}, {Bank, Admin, Any}, {Audit, Read, Any},
		{Agency, Admin, Any}, {User, Admin, Any}, {Operation, Admin, Any},
	},
	HubAdmin: {
		{Case, Admin, Granted}, {Bank, Admin, Any}, {Audit, Read, Any},
		{Agency, Admin, Any}, {User, Admin, Any}, {Operation, Admin, Any},
	},
	AgencyAdmin: {
		{Case, Admin, Own}, {Case, Admin, Granted}, {Bank, Admin, Any},
		{Agency, Read, Any}, {User, Admin, Own},
		{Operation, Admin, Own}, {Operation, Write, Granted},
	},
	Analyst: {
		{Case, Write, Own}, {Case, Admin, Granted}, {Bank, Read, Any},
		{Agency, Read, Any}, {Operation, Write, Own}, {Operation, Write, Granted},
	},
	Viewer: {
		{Case, Read, Own}, {Case, Read, Granted}, {Bank, Read, Any},
		{Agency, Read, Any}, {Operation, Read, Own}, {Operation, Read, Granted},
	},
}

// CaseRole is a role on one case: what a membership or a share gives.
type CaseRole string

// Case roles.
const (
	CaseViewer  CaseRole = "viewer"  // read the case
	CaseAnalyst CaseRole = "analyst" // read and change its contents
	CaseAdmin   CaseRole = "admin"   // and manage it: share, members (memberships only)
)

// Permission is what the case role grants.
func (r CaseRole) Permission() Permission {
	switch r {
	case CaseViewer:
		return Read
	case CaseAnalyst:
		return Write
	case CaseAdmin:
		return Admin
	}
	return ""
}

// ParseCaseRole returns the case role named s; shares may only be viewer
// or analyst, memberships may also be admin.
func ParseCaseRole(s string, share bool) (CaseRole, error) {
	r := CaseRole(strings.ToLower(strings.TrimSpace(s)))
	switch {
	case r == CaseViewer || r == CaseAnalyst:
		return r, nil
	case r == CaseAdmin && !share:
		return r, nil
	case share:
		return "", errors.New("share role " + strconv.Quote(s) + ": want viewer or analyst")
	}
	return "", errors.New("case role " + strconv.Quote(s) + ": want viewer, analyst or admin")
}

// CaseFacts is what the store knows about one case with respect to one
// principal.
type CaseFacts struct {
	Agency string   // the agency that owns the case ("" on a local store)
	Share  CaseRole // the share of the case to the principal's agency, if any
	Member CaseRole // the principal's membership of the case, if any
}

// Method is how a principal proved who they are.
type Method string

// Authentication methods.
const (
	Local    Method = "local"    // the OS user running the command line on their own store
	Password Method = "password" // an account's password
	Token    Method = "token"    // an API token
	OIDC     Method = "oidc"     // an identity provider
)

// Principal is who a request acts as.
type Principal struct {
	// ID identifies the principal: "user:" and the account id, or
	// "local:" and the OS user for the command line.
	ID string `json:"id"`
	// Name is the name shown in the audit trail and custody records (the
	// command line's --actor, an account's user name).
	Name      string `json:"name"`
	Agency    string `json:"agency,omitempty"`
	Roles     []Role `json:"roles"`
	Method    Method `json:"method"`
	RequestID string `json:"request_id,omitempty"`
	// RemoteAddr is the address a server request came from.
	RemoteAddr string `json:"remote_addr,omitempty"`
}

// LocalPrincipal is the user of a local store: the OS user osUser, shown
// as name, owner of everything in it.
func LocalPrincipal(osUser, name string) Principal {
	if name == "" {
		name = osUser
	}
	return Principal{ID: "local:" + osUser, Name: name, Roles: []Role{Owner}, Method: Local}
}

// UserPrincipalID is the principal ID of the account with that id.
func UserPrincipalID(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// UserID returns the account id of a principal that is an account.
func (p Principal) UserID() (int64, bool) {
	s, ok := strings.CutPrefix(p.ID, "user:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// permission is the highest permission p's roles grant on resources of
// kind r in scope sc.
func (p Principal) permission(r Resource, sc Scope) Permission {
	var best Permission
	for _, role := range p.Roles {
		for _, g := range Rules[role] {
			if g.Resource == r && g.Scope == sc {
				best = maxPerm(best, g.Permission)
			}
		}
	}
	return best
}

// Allows reports whether p holds perm on a resource of kind r that belongs
// to agency ("" for objects of no agency). For cases it counts only the
// agency's ownership; AllowsCase also counts shares and memberships.
func (p Principal) Allows(r Resource, perm Permission, agency string) bool {
	if p.permission(r, Any).Includes(perm) {
		return true
	}
	return agency == p.Agency && p.permission(r, Own).Includes(perm)
}

// AllowsAnyAgency reports whether p holds perm on resources of kind r of
// every agency.
func (p Principal) AllowsAnyAgency(r Resource, perm Permission) bool {
	return p.permission(r, Any).Includes(perm)
}

// CasePermission is the highest permission p holds on a case: from its
// roles for cases of its agency (or of every agency), and from a share to
// its agency or its membership, each capped by its roles.
func (p Principal) CasePermission(f CaseFacts) Permission {
	best := p.permission(Case, Any)
	if f.Agency == p.Agency {
		best = maxPerm(best, p.permission(Case, Own))
	}
	limit := p.permission(Case, Granted)
	best = maxPerm(best, minPerm(f.Share.Permission(), limit))
	return maxPerm(best, minPerm(f.Member.Permission(), limit))
}

// AllowsCase reports whether p holds perm on the case f describes.
func (p Principal) AllowsCase(perm Permission, f CaseFacts) bool {
	return p.CasePermission(f).Includes(perm)
}

// OperationFacts is what the store knows about one operation with respect
// to one principal.
type OperationFacts struct {
	Lead string // the lead agency ("" on a local store)
	Role string // the role of the principal's agency in it (partner, coordinator), if any
}

// OperationPermission is the highest permission p holds on an operation:
// from its roles on every operation, on those its agency leads, and on
// those its agency takes part in.
func (p Principal) OperationPermission(f OperationFacts) Permission {
	best := p.permission(Operation, Any)
	if f.Lead != "" && f.Lead == p.Agency {
		best = maxPerm(best, p.permission(Operation, Own))
	}
	if f.Role != "" {
		best = maxPerm(best, p.permission(Operation, Granted))
	}
	return best
}

// SeesAllOperations reports whether p may read every operation; otherwise
// it reads those its agency leads or takes part in.
func (p Principal) SeesAllOperations() bool {
	return p.permission(Operation, Any).Includes(Read)
}

// CaseScope says which cases a principal may read, as a store turns it into
// a query: the cases it may read are those of every agency (All), of its
// own agency (Own), those shared with its agency (Shared), and those it is
// a member of (Member).
type CaseScope struct {
	All    bool
	Own    bool
	Shared bool
	Member bool
}

// CaseScope is the set of cases p may read. It agrees with CasePermission:
// a case is in it exactly when CasePermission of its facts includes Read.
func (p Principal) CaseScope() CaseScope {
	granted := p.permission(Case, Granted).Includes(Read)
	return CaseScope{
		All:    p.permission(Case, Any).Includes(Read),
		Own:    p.permission(Case, Own).Includes(Read),
		Shared: granted,
		Member: granted,
	}
}

// RoleList renders the roles sorted and comma-separated, as the audit
// trail records them.
func (p Principal) RoleList() string {
	rs := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		rs[i] = string(r)
	}
	slices.Sort(rs)
	return strings.Join(slices.Compact(rs), ",")
}

type ctxKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal ctx carries.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}
