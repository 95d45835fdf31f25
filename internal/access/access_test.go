package access_test

import (
	"context"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
)

func TestAllows(t *testing.T) {
	local := access.LocalPrincipal("alex", "Alex")
	viewer := access.Principal{ID: "u1", Agency: "NL-POL", Roles: []access.Role{access.Viewer}, Method: access.Password}
	inv := access.Principal{ID: "u2", Agency: "NL-POL", Roles: []access.Role{access.Investigator}, Method: access.Token}
	auditor := access.Principal{ID: "u3", Agency: "BE-FCCU", Roles: []access.Role{access.Auditor}}
	none := access.Principal{ID: "u4", Agency: "NL-POL"}
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
		{"viewer reads own agency", viewer, access.Case, access.Read, "NL-POL", true},
		{"viewer cannot write", viewer, access.Case, access.Write, "NL-POL", false},
		{"viewer cannot read other agency", viewer, access.Case, access.Read, "BE-FCCU", false},
		{"viewer reads banks", viewer, access.Bank, access.Read, "", true},
		{"viewer cannot import banks", viewer, access.Bank, access.Write, "", false},
		{"viewer cannot read audit", viewer, access.Audit, access.Read, "", false},
		{"investigator writes own agency", inv, access.Case, access.Write, "NL-POL", true},
		{"investigator cannot admin", inv, access.Case, access.Admin, "NL-POL", false},
		{"investigator cannot write other agency", inv, access.Case, access.Write, "BE-FCCU", false},
		{"auditor reads every case", auditor, access.Case, access.Read, "NL-POL", true},
		{"auditor writes nothing", auditor, access.Case, access.Write, "BE-FCCU", false},
		{"no roles, no rights", none, access.Case, access.Read, "NL-POL", false},
	} {
		if got := tc.p.Allows(tc.r, tc.perm, tc.agency); got != tc.want {
			t.Errorf("%s: Allows(%s, %s, %q) = %v, want %v", tc.name, tc.r, tc.perm, tc.agency, got, tc.want)
		}
	}
	if !auditor.AllowsAnyAgency(access.Case, access.Read) || viewer.AllowsAnyAgency(access.Case, access.Read) {
		t.Error("AllowsAnyAgency: want true for the auditor and false for an agency viewer")
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
			case access.Case, access.Bank, access.Audit:
			default:
				t.Errorf("role %s: unknown resource %q", role, g.Resource)
			}
		}
	}
}

func TestContext(t *testing.T) {
	if _, ok := access.FromContext(context.Background()); ok {
		t.Fatal("empty context carries a principal")
	}
	p := access.Principal{ID: "u1", Roles: []access.Role{access.Viewer, access.Auditor, access.Viewer}, RequestID: "r-1"}
	got, ok := access.FromContext(access.NewContext(context.Background(), p))
	if !ok || got.ID != "u1" || got.RequestID != "r-1" {
		t.Fatalf("FromContext = %+v, %v", got, ok)
	}
	if rl := got.RoleList(); rl != "auditor,viewer" {
		t.Errorf("RoleList = %q, want auditor,viewer", rl)
	}
	if l := access.LocalPrincipal("alex", ""); l.Name != "alex" || l.ID != "local:alex" || l.Method != access.Local {
		t.Errorf("LocalPrincipal = %+v", l)
	}
}
