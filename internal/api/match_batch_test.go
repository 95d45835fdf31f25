package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestMatchBatch: a batch large enough to be spread over the CPUs answers
// each hash as a request of that hash alone does, in the order asked.
func TestMatchBatch(t *testing.T) {
	h := newHub(t, storetest.OpenSQLite)
	var hashes []string
	for i := range 64 {
		switch i % 4 {
		case 0:
			hashes = append(hashes, "md5:"+h.matchedMD5)
		case 1:
			hashes = append(hashes, fmt.Sprintf("md5:%032x", i))
		case 2:
			hashes = append(hashes, fmt.Sprintf("pdq:%064x", i))
		default:
			hashes = append(hashes, fmt.Sprintf("sha1:%040x", i))
		}
	}
	type results struct {
		Results []json.RawMessage `json:"results"`
	}
	res, b := h.do(analystNL, "POST", "/api/v1/match", map[string]any{"hashes": hashes})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("batch: %d %s", res.StatusCode, b)
	}
	var batch results
	decode(t, b, &batch)
	if len(batch.Results) != len(hashes) {
		t.Fatalf("%d results for %d hashes", len(batch.Results), len(hashes))
	}
	matched := 0
	for i, q := range hashes {
		res, b := h.do(analystNL, "POST", "/api/v1/match", map[string]any{"hashes": []string{q}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s alone: %d %s", q, res.StatusCode, b)
		}
		var one results
		decode(t, b, &one)
		if len(one.Results) != 1 || string(one.Results[0]) != string(batch.Results[i]) {
			t.Errorf("result %d of the batch %s; alone %s", i, batch.Results[i], one.Results)
		}
		var r struct {
			Matches []any `json:"matches"`
		}
		decode(t, batch.Results[i], &r)
		if len(r.Matches) > 0 {
			matched++
		}
	}
	if matched < 16 {
		t.Errorf("%d hashes of the batch matched, want at least the 16 of the bank's MD5", matched)
	}
}
