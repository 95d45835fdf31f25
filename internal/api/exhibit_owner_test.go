package api_test

import (
	"net/http"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// Attributing an exhibit needs write access to its case: a viewer (and
// be, with whom alpha is shared as viewer) is refused, another agency's
// case is not found.
func init() {
	write := want(unauth, forbidden, ok, forbidden, notFound, ok, notFound)
	matrix = append(matrix,
		matrixRow{"PUT", "/api/v1/cases/alpha/exhibits/phone-1/owner", `{"person":"{personAlpha}"}`, write},
		matrixRow{"DELETE", "/api/v1/cases/alpha/exhibits/phone-1/owner", "", write},
		matrixRow{"DELETE", "/api/v1/cases/beta/exhibits/phone-1/owner", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
	)
}

// TestExhibitOwner: PUT attributes the exhibit to a person of the case,
// the exhibit list shows it, and the person's page lists the exhibit; a
// person the case does not have, or an empty one, is 422; DELETE takes
// the attribution back.
func TestExhibitOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		var set struct {
			Exhibit investigation.Exhibit `json:"exhibit"`
		}
		res, b := h.do(analystNL, "PUT", "/api/v1/cases/alpha/exhibits/phone-1/owner", `{"person":"`+h.personAlpha+`"}`)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PUT owner: %d %s", res.StatusCode, b)
		}
		decodeStrictly(t, b, &set)
		if set.Exhibit.Owner != h.personAlpha || set.Exhibit.Label != "phone-1" {
			t.Fatalf("PUT owner: %+v", set.Exhibit)
		}
		var list struct {
			Exhibits []investigation.Exhibit `json:"exhibits"`
		}
		_, b = h.do(viewerNL, "GET", "/api/v1/cases/alpha/exhibits", nil)
		decodeStrictly(t, b, &list)
		found := false
		for _, e := range list.Exhibits {
			found = found || (e.Label == "phone-1" && e.Owner == h.personAlpha)
		}
		if !found {
			t.Errorf("exhibit list lacks the owner: %s", b)
		}
		p, err := h.svc.PersonPage(h.seedCtx, "alpha", h.personAlpha, 0, 1)
		if err != nil || len(p.Person.Exhibits) != 1 || p.Person.Exhibits[0] != "phone-1" {
			t.Errorf("person page: exhibits %q, %v", p.Person.Exhibits, err)
		}
		for _, body := range []string{`{"person":"P99999"}`, `{"person":""}`, `{"person":"nobody"}`} {
			if res, b := h.do(analystNL, "PUT", "/api/v1/cases/alpha/exhibits/phone-1/owner", body); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("PUT %s: %d %s, want 422", body, res.StatusCode, b)
			}
		}
		res, b = h.do(analystNL, "DELETE", "/api/v1/cases/alpha/exhibits/phone-1/owner", nil)
		var cleared struct {
			Exhibit investigation.Exhibit `json:"exhibit"`
		}
		decodeStrictly(t, b, &cleared)
		if res.StatusCode != http.StatusOK || cleared.Exhibit.Owner != "" || cleared.Exhibit.Label != "phone-1" {
			t.Fatalf("DELETE owner: %d %s", res.StatusCode, b)
		}
		h.chainIntact()
	})
}
