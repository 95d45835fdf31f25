package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/api"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// matrixRow is one request of the permission matrix and the status each
// persona must get. In Path and Body, {persona} becomes the persona's name
// and {fileAlpha} / {fileBeta} the id of a file of case alpha / beta.
// Other files of this package add their routes' rows in an init function:
//
//	func init() { matrix = append(matrix, matrixRow{...}) }
type matrixRow struct {
	Method, Path string
	Body         string
	Want         map[string]int // persona -> status
}

// want builds the expected statuses in the order of personas: anonymous,
// viewer-nl, analyst-nl, analyst-be (alpha shared with be as viewer),
// analyst-de (no share), agency-admin-nl, hub-admin.
func want(statuses ...int) map[string]int {
	if len(statuses) != len(personas) {
		panic(fmt.Sprintf("want: %d statuses for %d personas", len(statuses), len(personas)))
	}
	m := map[string]int{}
	for i, p := range personas {
		m[p] = statuses[i]
	}
	return m
}

const (
	ok        = http.StatusOK
	created   = http.StatusCreated
	noContent = http.StatusNoContent
	unauth    = http.StatusUnauthorized
	forbidden = http.StatusForbidden
	notFound  = http.StatusNotFound
)

var matrix = []matrixRow{
	{"GET", "/api/v1/openapi.json", "", want(ok, ok, ok, ok, ok, ok, ok)},
	{"POST", "/api/v1/session", `{"username":"nobody-{persona}","password":"wrong-password"}`, want(unauth, unauth, unauth, unauth, unauth, unauth, unauth)},
	{"DELETE", "/api/v1/session", "", want(unauth, noContent, noContent, noContent, noContent, noContent, noContent)},
	{"GET", "/api/v1/me", "", want(unauth, ok, ok, ok, ok, ok, ok)},

	{"GET", "/api/v1/cases", "", want(unauth, ok, ok, ok, ok, ok, ok)},
	{"POST", "/api/v1/cases", `{"name":"new-{persona}"}`, want(unauth, forbidden, created, created, created, created, forbidden)},
	{"GET", "/api/v1/cases/alpha", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
	{"GET", "/api/v1/cases/beta", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
	{"GET", "/api/v1/cases/alpha/report", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
	{"GET", "/api/v1/cases/alpha/files", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
	{"GET", "/api/v1/cases/alpha/files?status=matched&limit=1", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
	{"GET", "/api/v1/cases/alpha/files/{fileAlpha}", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
	{"GET", "/api/v1/cases/alpha/files/{fileBeta}", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
	{"GET", "/api/v1/cases/beta/files/{fileBeta}", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
	{"GET", "/api/v1/cases/nonexistent", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},

	{"POST", "/api/v1/match", `{"hashes":["md5:00000000000000000000000000000001"]}`, want(unauth, ok, ok, ok, ok, ok, ok)},
	{"GET", "/api/v1/banks", "", want(unauth, ok, ok, ok, ok, ok, ok)},
	{"GET", "/api/v1/banks/known", "", want(unauth, ok, ok, ok, ok, ok, ok)},
	{"GET", "/api/v1/banks/known/export", "", want(unauth, ok, ok, ok, ok, ok, ok)},
	{"DELETE", "/api/v1/banks/absent-{persona}", "", want(unauth, forbidden, forbidden, forbidden, forbidden, notFound, notFound)},

	{"GET", "/api/v1/cases/alpha/shares", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
	{"POST", "/api/v1/cases/alpha/shares", `{"agency":"fr","role":"viewer"}`, want(unauth, forbidden, forbidden, forbidden, notFound, created, notFound)},
	{"DELETE", "/api/v1/cases/alpha/shares/fr", "", want(unauth, forbidden, forbidden, forbidden, notFound, noContent, notFound)},
	{"GET", "/api/v1/cases/alpha/members", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
	{"POST", "/api/v1/cases/alpha/members", `{"user":"spare-nl","role":"viewer"}`, want(unauth, forbidden, forbidden, forbidden, notFound, created, notFound)},
	{"DELETE", "/api/v1/cases/alpha/members/spare-nl", "", want(unauth, forbidden, forbidden, forbidden, notFound, noContent, notFound)},

	{"GET", "/api/v1/agencies", "", want(unauth, ok, ok, ok, ok, ok, ok)},
	{"POST", "/api/v1/agencies", `{"name":"ag-{persona}","country":"NL"}`, want(unauth, forbidden, forbidden, forbidden, forbidden, forbidden, created)},
	{"GET", "/api/v1/users", "", want(unauth, forbidden, forbidden, forbidden, forbidden, ok, ok)},
	{"POST", "/api/v1/users", `{"name":"u-{persona}","agency":"nl","role":"viewer","password":"a-long-password-123"}`, want(unauth, forbidden, forbidden, forbidden, forbidden, created, created)},
	{"PUT", "/api/v1/users/spare-nl/password", `{"password":"another-long-password-{persona}"}`, want(unauth, notFound, notFound, notFound, notFound, ok, ok)},
	{"PUT", "/api/v1/users/{persona}/password", `{"password":"own-long-password-{persona}"}`, want(unauth, ok, ok, ok, ok, ok, ok)},
	{"POST", "/api/v1/users/spare-nl/disable", "", want(unauth, notFound, notFound, notFound, notFound, ok, ok)},
	{"POST", "/api/v1/users/spare-nl/enable", "", want(unauth, notFound, notFound, notFound, notFound, ok, ok)},
	{"PUT", "/api/v1/users/spare-nl/role", `{"role":"analyst"}`, want(unauth, notFound, notFound, notFound, notFound, ok, ok)},
	{"PUT", "/api/v1/users/spare-nl/role", `{"role":"hub-admin"}`, want(unauth, notFound, notFound, notFound, notFound, forbidden, ok)},
	// Now a hub admin: only the hub admin may act on it, and makes it an analyst again.
	{"PUT", "/api/v1/users/spare-nl/role", `{"role":"analyst"}`, want(unauth, notFound, notFound, notFound, notFound, forbidden, ok)},
	{"GET", "/api/v1/tokens", "", want(unauth, ok, ok, ok, ok, ok, ok)},
	{"POST", "/api/v1/tokens", `{"user":"{persona}","name":"more"}`, want(unauth, created, created, created, created, created, created)},
	{"DELETE", "/api/v1/tokens/{spareToken}", "", want(unauth, notFound, notFound, notFound, notFound, ok, ok)},

	{"GET", "/api/v1/audit", "", want(unauth, forbidden, forbidden, forbidden, forbidden, forbidden, ok)},
	{"GET", "/api/v1/audit/verify", "", want(unauth, forbidden, forbidden, forbidden, forbidden, forbidden, ok)},
}

// TestPermissionMatrix sends every row as every persona, on both stores.
func TestPermissionMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		for _, row := range matrix {
			for _, persona := range personas {
				path := h.expand(row.Path, persona)
				res, body := h.do(persona, row.Method, path, nilIfEmpty(h.expand(row.Body, persona)))
				if res.StatusCode != row.Want[persona] {
					t.Errorf("%s %s as %s: %d, want %d: %s", row.Method, path, persona, res.StatusCode, row.Want[persona], body)
				}
				if res.StatusCode >= 400 && !strings.Contains(string(body), `"request_id"`) {
					t.Errorf("%s %s as %s: error without the error shape: %s", row.Method, path, persona, body)
				}
			}
		}
		h.chainIntact()
	})
}

// TestMatrixCoversEveryRoute: each route of the table has a row.
func TestMatrixCoversEveryRoute(t *testing.T) {
	covered := map[string]bool{}
	for _, row := range matrix {
		covered[row.Method+" "+routeOf(row.Path)] = true
	}
	for _, rt := range api.Routes() {
		if !covered[rt] {
			t.Errorf("route %s has no row in the permission matrix", rt)
		}
	}
}

// routeOf turns a matrix path into its route pattern by the route table.
func routeOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(path, "/")
	for _, rt := range api.Routes() {
		_, pattern, _ := strings.Cut(rt, " ")
		ps := strings.Split(pattern, "/")
		if len(ps) != len(segs) {
			continue
		}
		match := true
		for i := range ps {
			if ps[i] != segs[i] && !strings.HasPrefix(ps[i], "{") {
				match = false
				break
			}
		}
		if match && exactOverWildcard(pattern, segs) {
			return pattern
		}
	}
	return path
}

// exactOverWildcard prefers a route whose literal segments all match: it
// is false when another route matches the path with more literal segments.
func exactOverWildcard(pattern string, segs []string) bool {
	lit := func(p string) int {
		n := 0
		for i, s := range strings.Split(p, "/") {
			if !strings.HasPrefix(s, "{") && s == segs[i] {
				n++
			}
		}
		return n
	}
	best := lit(pattern)
	for _, rt := range api.Routes() {
		_, p, _ := strings.Cut(rt, " ")
		if len(strings.Split(p, "/")) != len(segs) || p == pattern {
			continue
		}
		ok := true
		for i, s := range strings.Split(p, "/") {
			if s != segs[i] && !strings.HasPrefix(s, "{") {
				ok = false
			}
		}
		if ok && lit(p) > best {
			return false
		}
	}
	return true
}

func (h *hub) expand(s, persona string) string {
	return strings.NewReplacer("{persona}", persona, "{fileAlpha}", fmt.Sprint(h.fileAlpha), "{fileBeta}", fmt.Sprint(h.fileBeta), "{spareToken}", fmt.Sprint(h.tokenIDs["spare-nl"]),
		"{jobAlpha}", fmt.Sprint(h.jobAlpha), "{jobBeta}", fmt.Sprint(h.jobBeta), "{personAlpha}", h.personAlpha).Replace(s)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
