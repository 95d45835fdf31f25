package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
)

// BenchmarkMatchOneMD5 is one POST /api/v1/match of a single MD5 through
// the whole handler (middleware, token, decode, lookup, encode), without
// the network; bench/serve measures over loopback.
func BenchmarkMatchOneMD5(b *testing.B) {
	h := newHub(b, storetest.OpenSQLite)
	body := `{"hashes":["md5:` + h.matchedMD5 + `"]}`
	tok := "Bearer " + h.tokens[analystNL]
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/v1/match", strings.NewReader(body))
		req.Header.Set("Authorization", tok)
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}
