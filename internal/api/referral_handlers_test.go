package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

func init() {
	const badBody = http.StatusBadRequest
	matrix = append(matrix,
		// The multipart routes read the body before any access check: a
		// JSON body is refused as such for everyone authenticated.
		matrixRow{"POST", "/api/v1/referrals/verify", `{}`, want(unauth, badBody, badBody, badBody, badBody, badBody, badBody)},
		matrixRow{"POST", "/api/v1/referrals/import", `{}`, want(unauth, badBody, badBody, badBody, badBody, badBody, badBody)},
		matrixRow{"POST", "/api/v1/referrals/ack", `{}`, want(unauth, badBody, badBody, badBody, badBody, badBody, badBody)},
		matrixRow{"POST", "/api/v1/referrals/ack-import", `{}`, want(unauth, badBody, badBody, badBody, badBody, badBody, badBody)},
		// No persona's agency holds a key of that name.
		matrixRow{"POST", "/api/v1/referrals", `{"cases":["alpha"],"country":"US","key":"absent"}`, want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
		matrixRow{"GET", "/api/v1/series", "", want(unauth, ok, ok, ok, ok, ok, ok)},
		matrixRow{"POST", "/api/v1/cases/alpha/series", `{"name":"Garden","cluster":999999}`, want(unauth, forbidden, notFound, forbidden, notFound, notFound, notFound)},
		matrixRow{"GET", "/api/v1/cases/alpha/series/absent", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
		matrixRow{"POST", "/api/v1/cases/alpha/series/absent/shares", `{"agency":"de"}`, want(unauth, forbidden, notFound, forbidden, notFound, notFound, notFound)},
		matrixRow{"GET", "/api/v1/cases/alpha/series/absent/export?format=icse", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
	)
}

// upload sends a multipart/form-data request as persona: fields, and data
// in part file.
func (h *hub) upload(persona, path string, fields [][2]string, file string, data []byte) (*http.Response, []byte) {
	h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile(file, file+".bin")
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.RemoteAddr = "192.0.2.10:40000"
	req.Header.Set("Authorization", "Bearer "+h.tokens[persona])
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// agencyCtx acts as the owner for one agency (keys and trust are kept per
// agency).
func (h *hub) agencyCtx(agency string) context.Context {
	p := access.LocalPrincipal("seed", "seed-"+agency)
	p.Agency = agency
	return access.NewContext(context.Background(), p)
}

// TestReferralRoundTripOverAPI: nl builds a package of case alpha for a
// country (twice: the same bytes), de (which trusts nl's key) verifies,
// imports and acknowledges it, nl imports the acknowledgement; be, which
// trusts no key, and a package changed by one byte are refused with their
// reasons; every step is audited and the chain stays intact.
func TestReferralRoundTripOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		for _, k := range []struct{ agency, name string }{{"nl", "ref"}, {"de", "ack"}} {
			if _, err := h.svc.CreateKey(h.seedCtx, k.agency, k.name, nil); err != nil {
				t.Fatal(err)
			}
		}
		pubNL, _, err := h.svc.ExportKey(h.seedCtx, "nl", "ref")
		must(t, err)
		pubDE, _, err := h.svc.ExportKey(h.seedCtx, "de", "ack")
		must(t, err)
		_, err = h.svc.TrustKey(h.agencyCtx("de"), pubNL, time.Time{})
		must(t, err)
		_, err = h.svc.TrustKey(h.agencyCtx("nl"), pubDE, time.Time{})
		must(t, err)
		people, err := h.svc.People(h.seedCtx, "alpha")
		must(t, err)
		country := ""
		for _, p := range people {
			if len(p.Countries) > 0 {
				country = p.Countries[0].Country
				break
			}
		}
		if country == "" {
			t.Fatal("no person of alpha is attributed to a country")
		}
		req := `{"cases":["alpha"],"country":"` + country + `","key":"ref","as_of":"2030-01-01","legal_basis":"synthetic MLA request 1","handling":"H3","h3_text":"no contact with the platform","actions":["identify","search"]}`
		if res, body := h.do(viewerNL, "POST", "/api/v1/referrals", req); res.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer builds a package: %d %s", res.StatusCode, body)
		}
		res, pkg := h.do(analystNL, "POST", "/api/v1/referrals", req)
		if res.StatusCode != http.StatusCreated || res.Header.Get("Content-Type") != "application/x-tar" || res.Header.Get("Vibora-Referral-Id") == "" {
			t.Fatalf("create: %d %v %s", res.StatusCode, res.Header, pkg)
		}
		if _, again := h.do(analystNL, "POST", "/api/v1/referrals", req); !bytes.Equal(again, pkg) {
			t.Error("two packages of the same data at the same as-of time differ")
		}

		res, body := h.upload(analystDE, "/api/v1/referrals/verify", nil, "package", pkg)
		var sum struct {
			ReferralID string `json:"referral_id"`
			Sender     string `json:"sender"`
			Handling   string `json:"handling"`
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("verify: %d %s", res.StatusCode, body)
		}
		decode(t, body, &sum)
		if sum.ReferralID != res.Header.Get("Vibora-Referral-Id") && (sum.Sender != "nl" || sum.Handling != "H3") {
			t.Errorf("verify: %+v", sum)
		}
		if res, body := h.upload(analystBE, "/api/v1/referrals/verify", nil, "package", pkg); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "untrusted-key") {
			t.Errorf("verify by an agency that trusts no key: %d %s", res.StatusCode, body)
		}
		bad := bytes.Clone(pkg)
		i := bytes.Index(bad, []byte(`"schema_version"`))
		if i < 0 {
			t.Fatal("no referral.json in the archive")
		}
		bad[i+1] ^= 0x20
		if res, body := h.upload(analystDE, "/api/v1/referrals/verify", nil, "package", bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "manifest: data/suspects/S-0001.json") {
			t.Errorf("verify a changed package: %d %s", res.StatusCode, body)
		}
		if res, body := h.upload(analystDE, "/api/v1/referrals/import", [][2]string{{"case", "from-nl"}}, "package", bad); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("import a changed package: %d %s", res.StatusCode, body)
		}

		res, body = h.upload(analystDE, "/api/v1/referrals/import", [][2]string{{"case", "from-nl"}}, "package", pkg)
		var imp struct {
			Import investigation.ReferralImport `json:"import"`
		}
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("import: %d %s", res.StatusCode, body)
		}
		decode(t, body, &imp)
		if imp.Import.Case != "from-nl" || imp.Import.Suspects == 0 || imp.Import.Sender != "nl" {
			t.Errorf("import: %+v", imp.Import)
		}
		if res, _ := h.do(analystDE, "GET", "/api/v1/cases/from-nl", nil); res.StatusCode != http.StatusOK {
			t.Errorf("the imported case: %d", res.StatusCode)
		}

		res, ack := h.upload(analystDE, "/api/v1/referrals/ack", [][2]string{{"status", "acknowledged"}, {"key", "ack"}, {"note", "received"}}, "package", pkg)
		if res.StatusCode != http.StatusCreated || !json.Valid(ack) {
			t.Fatalf("ack: %d %s", res.StatusCode, ack)
		}
		if res, body := h.upload(analystBE, "/api/v1/referrals/ack-import", nil, "ack", ack); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("ack-import by an agency that trusts no key: %d %s", res.StatusCode, body)
		}
		res, body = h.upload(analystNL, "/api/v1/referrals/ack-import", nil, "ack", ack)
		var got struct {
			Ack investigation.AckImportResult `json:"ack"`
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("ack-import: %d %s", res.StatusCode, body)
		}
		decode(t, body, &got)
		if got.Ack.Status != "acknowledged" || got.Ack.Agency != "de" || len(got.Ack.Suspects) != imp.Import.Suspects {
			t.Errorf("ack-import: %+v", got.Ack)
		}
		h.chainIntact()
	})
}

// TestSeriesOverAPI: an analyst turns a cluster into a series, another
// agency does not see it until it is shared, and both export it as ICSE
// CSV and VICS JSON.
func TestSeriesOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
		must(t, err)
		_, err = h.svc.CreateCase(h.seedCtx, investigation.Case{Name: "gamma", Agency: "nl"})
		must(t, err)
		_, err = h.svc.Ingest(h.seedCtx, "gamma", investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}, Workers: 1})
		must(t, err)
		clusters, err := h.svc.Clusters(h.seedCtx, "gamma", investigation.ClusterOptions{})
		if err != nil || len(clusters) == 0 {
			t.Fatalf("clusters: %v %v", clusters, err)
		}
		body := map[string]any{"name": "Garden", "cluster": clusters[0].ID, "victim_identified": true, "country": "es", "contact": "vid-nl@example.org"}
		res, b := h.do(analystNL, "POST", "/api/v1/cases/gamma/series", body)
		var sr struct {
			Series investigation.SeriesView `json:"series"`
		}
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create series: %d %s", res.StatusCode, b)
		}
		decode(t, b, &sr)
		if sr.Series.Name != "Garden" || sr.Series.Country != "ES" || len(sr.Series.MembersList) == 0 {
			t.Errorf("series: %+v", sr.Series)
		}
		if res, _ := h.do(analystDE, "GET", "/api/v1/cases/gamma/series/Garden", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("another agency reads an unshared series: %d", res.StatusCode)
		}
		if res, b := h.do(analystNL, "POST", "/api/v1/cases/gamma/series/Garden/shares", map[string]string{"agency": "de"}); res.StatusCode != http.StatusCreated {
			t.Fatalf("share: %d %s", res.StatusCode, b)
		}
		_, b = h.do(analystDE, "GET", "/api/v1/series", nil)
		if !strings.Contains(string(b), `"name":"Garden"`) {
			t.Errorf("series of de after the share: %s", b)
		}
		res, csv := h.do(analystDE, "GET", "/api/v1/cases/gamma/series/Garden/export?format=icse", nil)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(csv), "Garden") {
			t.Errorf("ICSE export: %d %s", res.StatusCode, csv)
		}
		res, vics := h.do(analystNL, "GET", "/api/v1/cases/gamma/series/Garden/export?format=vics", nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" || !json.Valid(vics) {
			t.Errorf("VICS export: %d %s", res.StatusCode, vics)
		}
		if res, _ := h.do(analystNL, "GET", "/api/v1/cases/gamma/series/Garden/export?format=pdf", nil); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown format: %d", res.StatusCode)
		}
		h.chainIntact()
	})
}
