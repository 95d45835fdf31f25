package api_test

import (
	"net/url"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestFilesPaged: paging with limit=1 visits each file once; the status
// filter of vibora files applies; ids name files.
func TestFilesPaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		type page struct {
			Files []struct {
				ID      int64  `json:"id"`
				Path    string `json:"path"`
				Status  string `json:"status"`
				MD5     string `json:"md5"`
				Matches []struct {
					Bank string `json:"bank"`
				} `json:"matches"`
			} `json:"files"`
			NextCursor string `json:"next_cursor"`
		}
		seen := map[int64]bool{}
		cursor := ""
		for i := 0; ; i++ {
			if i > 5 {
				t.Fatal("paging does not end")
			}
			res, b := h.do(viewerNL, "GET", "/api/v1/cases/alpha/files?limit=1&cursor="+url.QueryEscape(cursor), nil)
			if res.StatusCode != 200 {
				t.Fatalf("page %d: %d %s", i, res.StatusCode, b)
			}
			var p page
			decode(t, b, &p)
			for _, f := range p.Files {
				if seen[f.ID] {
					t.Errorf("file %d twice", f.ID)
				}
				seen[f.ID] = true
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if len(seen) != 4 { // three evidence files and the chat export (seedChats)
			t.Errorf("paged %d files, want 4", len(seen))
		}
		var matched page
		_, b := h.do(viewerNL, "GET", "/api/v1/cases/alpha/files?status=matched", nil)
		decode(t, b, &matched)
		if len(matched.Files) != 1 || matched.Files[0].MD5 != h.matchedMD5 || len(matched.Files[0].Matches) != 1 || matched.Files[0].Matches[0].Bank != "known" || matched.NextCursor != "" {
			t.Errorf("matched files: %s", b)
		}
		var one struct {
			File struct {
				ID   int64  `json:"id"`
				Path string `json:"path"`
			} `json:"file"`
		}
		_, b = h.do(viewerNL, "GET", "/api/v1/cases/alpha/files/"+itoa(matched.Files[0].ID), nil)
		decode(t, b, &one)
		if one.File.ID != matched.Files[0].ID || one.File.Path != matched.Files[0].Path {
			t.Errorf("file by id: %s", b)
		}
	})
}

// TestMatch: hashes are answered in order with bank, version, record and
// an integer distance; banks changed through the service are seen at once.
func TestMatch(t *testing.T) {
	h := newHub(t, storetest.OpenSQLite)
	res, b := h.do(analystNL, "POST", "/api/v1/match", map[string]any{"hashes": []string{"md5:" + h.matchedMD5, "00000000000000000000000000000002", "pdq:" + zeros(64)}})
	if res.StatusCode != 200 {
		t.Fatalf("match: %d %s", res.StatusCode, b)
	}
	var out struct {
		Results []struct {
			Query   string `json:"query"`
			Kind    string `json:"kind"`
			Matches []struct {
				Bank        string `json:"bank"`
				BankVersion int    `json:"bank_version"`
				Record      int64  `json:"record"`
				Distance    int    `json:"distance"`
				Category    string `json:"category"`
			} `json:"matches"`
		} `json:"results"`
	}
	decode(t, b, &out)
	if len(out.Results) != 3 || out.Results[0].Kind != "md5" || len(out.Results[0].Matches) != 1 || out.Results[1].Kind != "md5" ||
		len(out.Results[1].Matches) != 0 || out.Results[2].Kind != "pdq" {
		t.Fatalf("results: %s", b)
	}
	if m := out.Results[0].Matches[0]; m.Bank != "known" || m.BankVersion != 1 || m.Record == 0 || m.Distance != 0 {
		t.Errorf("match: %+v", m)
	}
	// Removing the bank is seen by the next match.
	if res, b := h.do(agencyAdminNL, "DELETE", "/api/v1/banks/known", nil); res.StatusCode != 204 {
		t.Fatalf("remove bank: %d %s", res.StatusCode, b)
	}
	_, b = h.do(analystNL, "POST", "/api/v1/match", map[string]any{"hashes": []string{"md5:" + h.matchedMD5}})
	decode(t, b, &out)
	if len(out.Results) != 1 || len(out.Results[0].Matches) != 0 {
		t.Errorf("match after the bank's removal: %s", b)
	}
	h.chainIntact()
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func itoa(n int64) string { return fmtInt(n) }

// TestAuditNamesTheRequest: a change made through the API is audited with
// the principal, its authentication method, the request id the answer
// carried and the remote address.
func TestAuditNamesTheRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		res, b := h.do(analystNL, "POST", "/api/v1/cases", `{"name":"audited"}`)
		if res.StatusCode != 201 {
			t.Fatalf("create: %d %s", res.StatusCode, b)
		}
		var out struct {
			Records []struct {
				Version    int    `json:"version"`
				Actor      string `json:"actor"`
				ActorID    string `json:"actor_id"`
				Agency     string `json:"agency"`
				AuthMethod string `json:"auth_method"`
				RequestID  string `json:"request_id"`
				RemoteAddr string `json:"remote_addr"`
				Action     string `json:"action"`
			} `json:"records"`
		}
		_, b = h.do(hubAdmin, "GET", "/api/v1/audit?object=case:audited", nil)
		decode(t, b, &out)
		if len(out.Records) != 1 {
			t.Fatalf("audit of the case: %s", b)
		}
		r := out.Records[0]
		if r.Version != 3 || r.Actor != analystNL || r.ActorID == "" || r.Agency != "nl" || r.AuthMethod != "token" || r.Action != "case.create" ||
			r.RequestID != res.Header.Get("X-Request-ID") || r.RemoteAddr != "192.0.2.10" {
			t.Errorf("audit record %+v (request id %s)", r, res.Header.Get("X-Request-ID"))
		}
		var v struct {
			Status string `json:"status"`
		}
		_, b = h.do(hubAdmin, "GET", "/api/v1/audit/verify", nil)
		decode(t, b, &v)
		if v.Status != "intact" {
			t.Errorf("verify: %s", b)
		}
	})
}
