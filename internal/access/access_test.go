package access_test

import (
	"context"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
)

var (
	local    = access.LocalPrincipal("alex", "Alex")
	viewer   = access.Principal{ID: "user:1", Agency: "NL-POL", Roles: []access.Role{access.Viewer}, Method: access.Password}
	analyst  = access.Principal{ID: "user:2", Agency: "NL-POL", Roles: []access.Role{access.Analyst}, Method: access.Token}
	admin    = access.Principal{ID: "user:3", Agency: "NL-POL", Roles: []access.Role{access.AgencyAdmin}, Method: access.Password}
	hubAdmin = access.Principal{ID: "user:4", Agency: "HUB", Roles: []access.Role{access.HubAdmin}, Method: access.Password}
	beInv    = access.Principal{ID: "user:5", Agency: "BE-FCCU", Roles: []access.Role{access.Analyst}, Method: access.Password}
	none     = access.Principal{ID: "user:6", Agency: "NL-POL"}
)

func TestAllows(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      access.Principal
		r      access.Resource
		perm   access.Permission
		agency string
		want   bool
	}{
		{"local owner writes any case", local, access.Case, access.Write, "BE-FCCU", true},
		{"local owner reads audit", local, access.Audit, access.Read, "", true},
		{"local owner removes banks", local, access.Bank, access.Admin, "", true},
		{"local owner adds agencies", local, access.Agency, access.Admin, "", true},
		{"viewer reads own agency", viewer, access.Case, access.Read, "NL-POL", true},
		{"viewer cannot write", viewer, access.Case, access.Write, "NL-POL", false},
		{"viewer cannot read other agency", viewer, access.Case, access.Read, "BE-FCCU", false},
		{"viewer reads banks", viewer, access.Bank, access.Read, "", true},
		{"viewer cannot import banks", viewer, access.Bank, access.Write, "", false},
		{"viewer cannot read audit", viewer, access.Audit, access.Read, "", false},
		{"viewer lists agencies", viewer, access.Agency, access.Read, "", true},
		{"analyst writes own agency", analyst, access.Case, access.Write, "NL-POL", true},
		{"analyst cannot admin", analyst, access.Case, access.Admin, "NL-POL", false},
		{"analyst cannot write other agency", analyst, access.Case, access.Write, "BE-FCCU", false},
		{"analyst manages no users", analyst, access.User, access.Read, "NL-POL", false},
		{"agency admin shares own cases", admin, access.Case, access.Admin, "NL-POL", true},
		{"agency admin manages own users", admin, access.User, access.Admin, "NL-POL", true},
		{"agency admin manages no other users", admin, access.User, access.Admin, "BE-FCCU", false},
		{"agency admin adds no agency", admin, access.Agency, access.Admin, "", false},
		{"agency admin cannot read audit", admin, access.Audit, access.Read, "", false},
		{"hub admin adds agencies", hubAdmin, access.Agency, access.Admin, "", true},
		{"hub admin manages every user", hubAdmin, access.User, access.Admin, "NL-POL", true},
		{"hub admin reads audit", hubAdmin, access.Audit, access.Read, "", true},
		{"hub admin removes banks", hubAdmin, access.Bank, access.Admin, "", true},
		{"hub admin reads no agency's case", hubAdmin, access.Case, access.Read, "NL-POL", false},
		{"hub admin reads no case of its own agency", hubAdmin, access.Case, access.Read, "HUB", false},
		{"no roles, no rights", none, access.Case, access.Read, "NL-POL", false},
	} {
		if got := tc.p.Allows(tc.r, tc.perm, tc.agency); got != tc.want {
			t.Errorf("%s: Allows(%s, %s, %q) = %v, want %v", tc.name, tc.r, tc.perm, tc.agency, got, tc.want)
		}
	}
	if !hubAdmin.AllowsAnyAgency(access.User, access.Admin) || admin.AllowsAnyAgency(access.User, access.Admin) {
		t.Error("AllowsAnyAgency: want true for the hub admin and false for an agency admin")
	}
}

// TestCasePermission is the case decision as a table: ownership, shares
// and memberships, each capped by the role.
func TestCasePermission(t *testing.T) {
	nl := access.CaseFacts{Agency: "NL-POL"}
	sharedV := access.CaseFacts{Agency: "NL-POL", Share: access.CaseViewer}
	sharedA := access.CaseFacts{Agency: "NL-POL", Share: access.CaseAnalyst}
	memberAdmin := access.CaseFacts{Agency: "NL-POL", Member: access.CaseAdmin}
	memberViewer := access.CaseFacts{Agency: "NL-POL", Member: access.CaseViewer}
	for _, tc := range []struct {
		name string
		p    access.Principal
		f    access.CaseFacts
		want access.Permission
	}{
		{"owner", local, nl, access.Admin},
		{"viewer of the agency", viewer, nl, access.Read},
		{"analyst of the agency", analyst, nl, access.Write},
		{"admin of the agency", admin, nl, access.Admin},
		{"hub admin", hubAdmin, nl, ""},
		{"other agency", beInv, nl, ""},
		{"other agency, shared as viewer", beInv, sharedV, access.Read},
		{"other agency, shared as analyst", beInv, sharedA, access.Write},
		{"other agency, case admin member", beInv, memberAdmin, access.Admin},
		{"other agency, viewer member", beInv, memberViewer, access.Read},
		{"hub admin, shared to its agency", hubAdmin, sharedV, access.Read},
		{"hub admin, case admin member", hubAdmin, memberAdmin, access.Admin},
		{"viewer capped: shared as analyst", access.Principal{Agency: "BE-FCCU", Roles: []access.Role{access.Viewer}}, sharedA, access.Read},
		{"viewer capped: case admin", access.Principal{Agency: "BE-FCCU", Roles: []access.Role{access.Viewer}}, memberAdmin, access.Read},
		{"own agency member adds to role", analyst, memberAdmin, access.Admin},
		{"no roles, shared", access.Principal{Agency: "BE-FCCU"}, sharedA, ""},
		{"no roles, member", access.Principal{Agency: "BE-FCCU"}, memberAdmin, ""},
	} {
		if got := tc.p.CasePermission(tc.f); got != tc.want {
			t.Errorf("%s: CasePermission(%+v) = %q, want %q", tc.name, tc.f, got, tc.want)
		}
		if tc.p.AllowsCase(access.Read, tc.f) != (tc.want != "") {
			t.Errorf("%s: AllowsCase(read) disagrees with CasePermission %q", tc.name, tc.want)
		}
	}
}

// TestCaseScopeAgreesWithCasePermission: the set of cases a store selects
// for a principal is exactly the set CasePermission lets it read.
func TestCaseScopeAgreesWithCasePermission(t *testing.T) {
	roles := append([]access.Role{access.Owner, ""}, access.AccountRoles...)
	agencies := []string{"NL-POL", "BE-FCCU"}
	caseRoles := []access.CaseRole{"", access.CaseViewer, access.CaseAnalyst, access.CaseAdmin}
	for _, role := range roles {
		p := access.Principal{ID: "user:9", Agency: "NL-POL"}
		if role != "" {
			p.Roles = []access.Role{role}
		}
		sc := p.CaseScope()
		for _, ag := range agencies {
			for _, share := range caseRoles[:3] {
				for _, member := range caseRoles {
					f := access.CaseFacts{Agency: ag, Share: share, Member: member}
					inScope := sc.All || (sc.Own && ag == p.Agency) || (sc.Shared && share != "") || (sc.Member && member != "")
					if got := p.AllowsCase(access.Read, f); got != inScope {
						t.Errorf("role %q, facts %+v: AllowsCase(read) = %v, scope %+v selects it: %v", role, f, got, sc, inScope)
					}
				}
			}
		}
	}
}

func TestParseRoles(t *testing.T) {
	for in, want := range map[string]access.Role{"hub-admin": access.HubAdmin, " Analyst ": access.Analyst, "investigator": access.Analyst, "viewer": access.Viewer, "agency-admin": access.AgencyAdmin} {
		if got, err := access.ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"owner", "auditor", "", "root"} {
		if _, err := access.ParseRole(bad); err == nil {
			t.Errorf("ParseRole(%q) accepted", bad)
		}
	}
	if r, err := access.ParseCaseRole("admin", false); err != nil || r != access.CaseAdmin {
		t.Errorf("member role admin: %q, %v", r, err)
	}
	if _, err := access.ParseCaseRole("admin", true); err == nil {
		t.Error("a share with the admin role was accepted")
	}
	if _, err := access.ParseCaseRole("owner", false); err == nil {
		t.Error("case role owner was accepted")
	}
}

func TestEveryRoleGrantsOnlyKnownPermissions(t *testing.T) {
	for role, grants := range access.Rules {
		for _, g := range grants {
			switch g.Permission {
			case access.Read, access.Write, access.Admin:
			default:
				t.Errorf("role %s: unknown permission %q", role, g.Permission)
			}
			switch g.Resource {
			case access.Case, access.Bank, access.Audit, access.Agency, access.User, access.Operation:
			default:
				t.Errorf("role %s: unknown resource %q", role, g.Resource)
			}
			switch {
			case g.Scope == access.Granted && g.Resource != access.Case && g.Resource != access.Operation:
				t.Errorf("role %s: scope granted on %s: only cases are shared and operations joined", role, g.Resource)
			case g.Scope != access.Own && g.Scope != access.Any && g.Scope != access.Granted:
				t.Errorf("role %s: unknown scope %q", role, g.Scope)
			}
		}
	}
}

func TestContext(t *testing.T) {
	if _, ok := access.FromContext(context.Background()); ok {
		t.Fatal("empty context carries a principal")
	}
	p := access.Principal{ID: "user:17", Roles: []access.Role{access.Viewer, access.Analyst, access.Viewer}, RequestID: "r-1"}
	got, ok := access.FromContext(access.NewContext(context.Background(), p))
	if !ok || got.ID != "user:17" || got.RequestID != "r-1" {
		t.Fatalf("FromContext = %+v, %v", got, ok)
	}
	if rl := got.RoleList(); rl != "analyst,viewer" {
		t.Errorf("RoleList = %q, want analyst,viewer", rl)
	}
	if id, ok := got.UserID(); !ok || id != 17 || access.UserPrincipalID(17) != "user:17" {
		t.Errorf("UserID = %d, %v", id, ok)
	}
	l := access.LocalPrincipal("alex", "")
	if l.Name != "alex" || l.ID != "local:alex" || l.Method != access.Local {
		t.Errorf("LocalPrincipal = %+v", l)
	}
	if _, ok := l.UserID(); ok {
		t.Error("the local principal has an account id")
	}
}

func TestOperationPermission(t *testing.T) {
	led := access.OperationFacts{Lead: "NL-POL"}
	partner := access.OperationFacts{Lead: "ES-PN", Role: "partner"}
	stranger := access.OperationFacts{Lead: "ES-PN"}
	for _, tc := range []struct {
		name string
		p    access.Principal
		f    access.OperationFacts
		want access.Permission
	}{
		{"local owner manages every operation", local, stranger, access.Admin},
		{"agency admin manages the operations its agency leads", admin, led, access.Admin},
		{"agency admin of a partner records, does not manage", admin, partner, access.Write},
		{"agency admin sees no stranger's operation", admin, stranger, ""},
		{"analyst records in a led operation", analyst, led, access.Write},
		{"analyst of a partner records", analyst, partner, access.Write},
		{"analyst sees no stranger's operation", analyst, stranger, ""},
		{"viewer reads a led operation", viewer, led, access.Read},
		{"viewer of a partner reads", viewer, partner, access.Read},
		{"hub admin manages every operation", hubAdmin, stranger, access.Admin},
		{"no lead agency is nobody's own", analyst, access.OperationFacts{}, ""},
		{"no roles, no rights", none, led, ""},
	} {
		if got := tc.p.OperationPermission(tc.f); got != tc.want {
			t.Errorf("%s: OperationPermission(%+v) = %q, want %q", tc.name, tc.f, got, tc.want)
		}
	}
	if !hubAdmin.SeesAllOperations() || !local.SeesAllOperations() || analyst.SeesAllOperations() {
		t.Error("SeesAllOperations: hub admin and owner see every operation, an analyst only its agency's")
	}
	if !admin.Allows(access.Operation, access.Admin, "NL-POL") || analyst.Allows(access.Operation, access.Admin, "NL-POL") {
		t.Error("an agency admin, not an analyst, creates operations its agency leads")
	}
}
