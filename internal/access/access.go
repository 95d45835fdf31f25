// Package access decides who may do what: the principal a request acts as,
// and the rules, written as data, that map a principal's roles to the
// permissions it holds on cases, hash banks and the audit trail.
//
// The package is pure: the investigation layer asks it one question
// (Principal.Allows) at its single access point, and a server reuses the same
// table. Agencies are the unit of separation: a role's grant on cases holds
// for the cases of the principal's own agency, unless the grant says it holds
// for every agency (the owner of a local store).
package access

import (
	"context"
	"errors"
	"slices"
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

// Permissions, from least to most.
const (
	Read  Permission = "read"  // see the object and everything in it
	Write Permission = "write" // change its contents (ingest, import, add)
	Admin Permission = "admin" // manage the object itself (remove, share)
)

// Resource is a kind of object permissions apply to.
type Resource string

// Resources.
const (
	Case  Resource = "case"  // a case and all its data
	Bank  Resource = "bank"  // hash banks, shared by every case
	Audit Resource = "audit" // the store-wide audit trail
)

// Role is a named set of grants.
type Role string

// Roles.
const (
	// Owner holds every permission on every object: the user of a local
	// store, which is theirs.
	Owner Role = "owner"
	// AgencyAdmin manages the cases of their agency and the hash banks.
	AgencyAdmin Role = "agency-admin"
	// Investigator works on the cases of their agency and reads banks.
	Investigator Role = "investigator"
	// Viewer reads the cases of their agency.
	Viewer Role = "viewer"
	// Auditor reads the audit trail and every case, changes nothing.
	Auditor Role = "auditor"
)

// Grant is one permission on one kind of resource.
type Grant struct {
	Resource   Resource
	Permission Permission
	// AnyAgency makes the grant hold for objects of every agency, not only
	// the principal's own. Banks and the audit trail belong to no agency.
	AnyAgency bool
}

// Rules is the role -> grants table. It is the only place permissions are
// decided; change it, not the code that consults it.
var Rules = map[Role][]Grant{
	Owner: {
		{Case, Read, true}, {Case, Write, true}, {Case, Admin, true},
		{Bank, Read, true}, {Bank, Write, true}, {Bank, Admin, true},
		{Audit, Read, true},
	},
	AgencyAdmin: {
		{Case, Read, false}, {Case, Write, false}, {Case, Admin, false},
		{Bank, Read, true}, {Bank, Write, true}, {Bank, Admin, true},
	},
	Investigator: {
		{Case, Read, false}, {Case, Write, false},
		{Bank, Read, true},
	},
	Viewer: {
		{Case, Read, false},
		{Bank, Read, true},
	},
	Auditor: {
		{Case, Read, true},
		{Bank, Read, true},
		{Audit, Read, true},
	},
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
	// ID identifies the principal: an account id, or "local:" and the OS
	// user for the command line.
	ID string `json:"id"`
	// Name is the name shown in the audit trail and custody records (the
	// command line's --actor).
	Name      string `json:"name"`
	Agency    string `json:"agency,omitempty"`
	Roles     []Role `json:"roles"`
	Method    Method `json:"method"`
	RequestID string `json:"request_id,omitempty"`
}

// LocalPrincipal is the user of a local store: the OS user osUser, shown
// as name, owner of everything in it.
func LocalPrincipal(osUser, name string) Principal {
	if name == "" {
		name = osUser
	}
	return Principal{ID: "local:" + osUser, Name: name, Roles: []Role{Owner}, Method: Local}
}

// Allows reports whether p holds perm on a resource of kind r that belongs
// to agency ("" for objects of no agency).
func (p Principal) Allows(r Resource, perm Permission, agency string) bool {
	for _, role := range p.Roles {
		for _, g := range Rules[role] {
			if g.Resource == r && g.Permission == perm && (g.AnyAgency || agency == p.Agency) {
				return true
			}
		}
	}
	return false
}

// AllowsAnyAgency reports whether p holds perm on resources of kind r of
// every agency.
func (p Principal) AllowsAnyAgency(r Resource, perm Permission) bool {
	for _, role := range p.Roles {
		for _, g := range Rules[role] {
			if g.Resource == r && g.Permission == perm && g.AnyAgency {
				return true
			}
		}
	}
	return false
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
