package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

type matchRequest struct {
	Hashes []string `json:"hashes"`
	// MaxDistance is the largest PDQ distance that matches, 0..31
	// (default 31).
	MaxDistance *int `json:"max_distance"`
}

type matchResponse struct {
	Results []investigation.QueryMatches `json:"results"`
}

// match looks hashes up in every bank, answered in the order asked.
func (a *API) match(w http.ResponseWriter, r *http.Request) error {
	var req matchRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if len(req.Hashes) == 0 {
		return badRequestf("hashes: give at least one hash")
	}
	opt := investigation.MatchOptions{MaxDistance: investigation.DefaultMaxDistance}
	if d := req.MaxDistance; d != nil {
		if *d < 0 || *d > 31 {
			return badRequestf("max_distance: want 0 to 31")
		}
		opt.MaxDistance = *d
		if *d == 0 {
			opt.MaxDistance = -1 // identical PDQ hashes only
		}
	}
	res, err := a.svc.MatchHashes(r.Context(), req.Hashes, opt)
	if err != nil {
		return err
	}
	return writeMatchResponse(w, res)
}
