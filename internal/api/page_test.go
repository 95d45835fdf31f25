package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestCasesPaged: the case list pages by name with the visibility filter
// applied; cases created between pages are seen when they sort after the
// cursor, never twice, never another agency's; limits are bounded and a
// tampered cursor is refused.
func TestCasesPaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		create := func(name, agency string) {
			t.Helper()
			if _, err := h.svc.CreateCase(h.seedCtx, investigation.Case{Name: name, Agency: agency}); err != nil {
				t.Fatal(err)
			}
		}
		for _, n := range []string{"be-02", "be-04", "be-06"} {
			create(n, "be")
		}
		type page struct {
			Cases []struct {
				Name   string `json:"name"`
				Agency string `json:"agency"`
			} `json:"cases"`
			NextCursor string `json:"next_cursor"`
		}
		get := func(path string) page {
			t.Helper()
			res, b := h.do(analystBE, "GET", path, nil)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
			}
			var p page
			decode(t, b, &p)
			return p
		}
		var got []string
		seen := map[string]bool{}
		cursor, first := "", ""
		for i := 0; ; i++ {
			if i > 10 {
				t.Fatalf("paging does not end: %v", got)
			}
			p := get("/api/v1/cases?limit=2&cursor=" + url.QueryEscape(cursor))
			if len(p.Cases) > 2 {
				t.Fatalf("page of %d cases, limit 2", len(p.Cases))
			}
			for _, c := range p.Cases {
				if seen[c.Name] {
					t.Errorf("case %s twice", c.Name)
				}
				seen[c.Name] = true
				got = append(got, c.Name)
			}
			if i == 0 {
				first = p.NextCursor
				// be-03 sorts after the cursor (be-02): seen. be-01 sorts
				// before it: left for the next listing. de-05 is another
				// agency's, unshared: never seen.
				create("be-03", "be")
				create("be-01", "be")
				create("de-05", "de")
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if want := "[alpha be-02 be-03 be-04 be-06]"; fmt.Sprint(got) != want {
			t.Errorf("paged cases = %v, want %s", got, want)
		}
		if all := get("/api/v1/cases"); len(all.Cases) != 6 || all.NextCursor != "" {
			t.Errorf("one page of every visible case: %+v", all)
		}
		if p := get("/api/v1/cases?limit=1000"); len(p.Cases) != 6 {
			t.Errorf("limit=1000: %d cases", len(p.Cases))
		}
		// A cursor is opaque: its first character holds the tag, so
		// changing it makes a cursor this API never gave out. A cursor of
		// another list's kind (an integer position) is refused too.
		if first == "" || first[0] == 'A' {
			t.Fatalf("first cursor %q", first)
		}
		for _, bad := range []string{"A" + first[1:], "aTo1", first + "!", "%00"} {
			if res, b := h.do(analystBE, "GET", "/api/v1/cases?cursor="+url.QueryEscape(bad), nil); res.StatusCode != 400 {
				t.Errorf("cursor %q: %d %s, want 400", bad, res.StatusCode, b)
			}
		}
		for _, limit := range []string{"0", "-1", "1001", "x", "2.5"} {
			if res, b := h.do(analystBE, "GET", "/api/v1/cases?limit="+limit, nil); res.StatusCode != 400 {
				t.Errorf("limit %q: %d %s, want 400", limit, res.StatusCode, b)
			}
		}
	})
}

// TestAuditPaged: the audit log pages by sequence number; records appended
// between pages are seen; the pages join without a gap or a duplicate.
func TestAuditPaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		type page struct {
			Records    []audit.Record `json:"records"`
			NextCursor string         `json:"next_cursor"`
		}
		var seqs []int64
		cursor := ""
		for i := 0; ; i++ {
			if i > 1000 {
				t.Fatal("paging does not end")
			}
			res, b := h.do(hubAdmin, "GET", "/api/v1/audit?limit=7&cursor="+url.QueryEscape(cursor), nil)
			if res.StatusCode != 200 {
				t.Fatalf("page %d: %d %s", i, res.StatusCode, b)
			}
			var p page
			decode(t, b, &p)
			if len(p.Records) > 7 || (p.NextCursor != "" && len(p.Records) != 7) {
				t.Fatalf("page %d: %d records, next %q", i, len(p.Records), p.NextCursor)
			}
			for _, r := range p.Records {
				seqs = append(seqs, r.Seq)
			}
			if i == 1 {
				for _, n := range []string{"late-1", "late-2"} {
					if _, err := h.svc.CreateCase(h.seedCtx, investigation.Case{Name: n, Agency: "nl"}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		// Sequence numbers run from 1 without a gap: every record once.
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("record %d has seq %d: a gap or a duplicate in %v", i, s, seqs)
			}
		}
		var late int
		err := h.svc.AuditLog(h.seedCtx, "case:late-", func(r audit.Record) error {
			if r.Seq > int64(len(seqs)) {
				t.Errorf("record %d (%s) appended between pages was not paged", r.Seq, r.Object)
			}
			late++
			return nil
		})
		if err != nil || late == 0 {
			t.Fatalf("records of the late cases: %d, %v", late, err)
		}
		// The object filter pages too.
		var objs []string
		cursor = ""
		for i := 0; ; i++ {
			if i > 100 {
				t.Fatal("paging does not end")
			}
			var p page
			_, b := h.do(hubAdmin, "GET", "/api/v1/audit?object=case:late-&limit=1&cursor="+url.QueryEscape(cursor), nil)
			decode(t, b, &p)
			for _, r := range p.Records {
				objs = append(objs, r.Object)
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if len(objs) != late {
			t.Errorf("object-filtered pages: %v, want %d records", objs, late)
		}
		for _, bad := range []string{"bjp4", "aTphbHBoYQ", "aTow", "aTotMQ"} { // n:x, i:alpha, i:0, i:-1
			if res, b := h.do(hubAdmin, "GET", "/api/v1/audit?cursor="+bad, nil); res.StatusCode != 400 {
				t.Errorf("cursor %q: %d %s, want 400", bad, res.StatusCode, b)
			}
		}
	})
}

// TestAccountListsPaged: agencies and users page by name; an agency
// administrator's pages hold only its agency's users.
func TestAccountListsPaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		walk := func(persona, path, field, key string) []string {
			t.Helper()
			var names []string
			cursor := ""
			for i := 0; ; i++ {
				if i > 20 {
					t.Fatalf("%s: paging does not end", path)
				}
				res, b := h.do(persona, "GET", path+"?limit=2&cursor="+url.QueryEscape(cursor), nil)
				if res.StatusCode != 200 {
					t.Fatalf("%s: %d %s", path, res.StatusCode, b)
				}
				var p map[string]any
				decode(t, b, &p)
				items, _ := p[field].([]any)
				if len(items) > 2 {
					t.Fatalf("%s: page of %d, limit 2", path, len(items))
				}
				for _, it := range items {
					names = append(names, it.(map[string]any)[key].(string))
				}
				next, _ := p["next_cursor"].(string)
				if next == "" {
					return names
				}
				cursor = next
			}
		}
		if got, want := fmt.Sprint(walk(hubAdmin, "/api/v1/agencies", "agencies", "name")), "[be de fr hub nl]"; got != want {
			t.Errorf("paged agencies = %s, want %s", got, want)
		}
		if got, want := fmt.Sprint(walk(agencyAdminNL, "/api/v1/users", "users", "name")), "[agency-admin-nl analyst-nl spare-nl viewer-nl]"; got != want {
			t.Errorf("paged users of nl = %s, want %s", got, want)
		}
		if got := walk(hubAdmin, "/api/v1/users", "users", "name"); len(got) != len(accounts)+1 {
			t.Errorf("paged users of every agency = %v, want %d", got, len(accounts)+1)
		}
		for _, ag := range []string{"fr", "de"} {
			if _, err := h.svc.ShareCase(h.seedCtx, "alpha", ag, "viewer"); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []string{analystBE, viewerNL, analystDE} {
			if _, err := h.svc.AddCaseMember(h.seedCtx, "alpha", u, "viewer"); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := fmt.Sprint(walk(analystNL, "/api/v1/cases/alpha/shares", "shares", "agency")), "[be de fr]"; got != want {
			t.Errorf("paged shares = %s, want %s", got, want)
		}
		if got, want := fmt.Sprint(walk(analystNL, "/api/v1/cases/alpha/members", "members", "user")), "[analyst-be analyst-de viewer-nl]"; got != want {
			t.Errorf("paged members = %s, want %s", got, want)
		}
		for _, path := range []string{"/api/v1/cases/alpha/shares", "/api/v1/cases/alpha/members"} {
			if res, b := h.do(analystNL, "GET", path+"?limit=1001", nil); res.StatusCode != 400 {
				t.Errorf("%s limit=1001: %d %s, want 400", path, res.StatusCode, b)
			}
		}
		// Tokens page by id: every token of nl's users once, in order.
		var ids []float64
		for cursor, i := "", 0; ; i++ {
			if i > 20 {
				t.Fatal("token paging does not end")
			}
			res, b := h.do(agencyAdminNL, "GET", "/api/v1/tokens?limit=2&cursor="+url.QueryEscape(cursor), nil)
			if res.StatusCode != 200 {
				t.Fatalf("tokens: %d %s", res.StatusCode, b)
			}
			var p struct {
				Tokens []struct {
					ID float64 `json:"id"`
				} `json:"tokens"`
				NextCursor string `json:"next_cursor"`
			}
			decode(t, b, &p)
			for _, tok := range p.Tokens {
				if len(ids) > 0 && tok.ID <= ids[len(ids)-1] {
					t.Errorf("token %v after %v", tok.ID, ids)
				}
				ids = append(ids, tok.ID)
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if len(ids) != 4 { // agency-admin-nl, analyst-nl, viewer-nl, spare-nl
			t.Errorf("paged tokens of nl = %v, want 4", ids)
		}
		for _, path := range []string{"/api/v1/tokens?cursor=bjp4", "/api/v1/agencies?cursor=aTo1", "/api/v1/users?limit=0", "/api/v1/users?cursor=%2F%2F"} {
			if res, b := h.do(hubAdmin, "GET", path, nil); res.StatusCode != 400 {
				t.Errorf("%s: %d %s, want 400", path, res.StatusCode, b)
			}
		}
	})
}
