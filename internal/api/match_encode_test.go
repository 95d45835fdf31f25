package api

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
)

// hostile strings a bank's names, categories and series may hold.
var hostileText = []string{"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnew\nline\rcr\bbs\fff",
	"\x00\x01\x1f\x7f", "\u2028\u2029", "bad \xff\xfe utf8 \xc3", "é ü 日本 😀", "\u00e9\u0301", "\ufffd", "trunc \xe2\x80"}

func randomText(rng *rand.Rand) string {
	if rng.IntN(2) == 0 {
		return hostileText[rng.IntN(len(hostileText))]
	}
	b := make([]byte, rng.IntN(12))
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return string(b)
}

func randomResults(rng *rand.Rand) []investigation.QueryMatches {
	if rng.IntN(20) == 0 {
		return nil
	}
	res := make([]investigation.QueryMatches, rng.IntN(4))
	for i := range res {
		q := &res[i]
		q.Query, q.Kind = randomText(rng), randomText(rng)
		if rng.IntN(3) == 0 {
			q.Status = randomText(rng)
		}
		if rng.IntN(3) == 0 {
			q.Error = randomText(rng)
		}
		if rng.IntN(8) == 0 {
			continue // nil matches
		}
		q.Matches = make([]investigation.Match, rng.IntN(3))
		for j := range q.Matches {
			q.Matches[j] = investigation.Match{Bank: randomText(rng), BankKind: randomText(rng), BankVersion: rng.IntN(1 << 20),
				Record: rng.Int64() - rng.Int64(), Kind: randomText(rng), Hash: randomText(rng), Distance: rng.IntN(64) - 1,
				Category: randomText(rng), NormCategory: randomText(rng), Series: randomText(rng), Dihedral: randomText(rng)}
		}
	}
	return res
}

// TestAppendMatchResponse: the hand encoder writes what json.Marshal
// writes for matchResponse.
func TestAppendMatchResponse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		res := randomResults(rng)
		want, err := json.Marshal(matchResponse{res})
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendMatchResponse(nil, res)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("hand encoding (ok %v)\n%s\njson.Marshal\n%s", ok, got, want)
		}
	}
	// A vPDQ match's percentages go through json.Marshal.
	pct := 12.5
	res := []investigation.QueryMatches{{Query: "q", Kind: "vpdq", Matches: []investigation.Match{{Kind: "vpdq", QueryMatchPercent: &pct}}}}
	if _, ok := appendMatchResponse(nil, res); ok {
		t.Error("a match with percentages was hand encoded")
	}
	rec := httptest.NewRecorder()
	if err := writeMatchResponse(rec, res); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(matchResponse{res})
	if got := rec.Body.Bytes(); !bytes.Equal(got, append(want, '\n')) || rec.Header().Get("Content-Length") != strconv.Itoa(len(got)) {
		t.Errorf("fallback answer %s (Content-Length %s), want %s", got, rec.Header().Get("Content-Length"), want)
	}
}

// TestWriteMatchResponse: the headers and body writeJSON would give, from
// a reused buffer.
func TestWriteMatchResponse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		res := randomResults(rng)
		mine, std := httptest.NewRecorder(), httptest.NewRecorder()
		if err := writeMatchResponse(mine, res); err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(std, 200, matchResponse{res}); err != nil {
			t.Fatal(err)
		}
		if mine.Code != std.Code || !bytes.Equal(mine.Body.Bytes(), std.Body.Bytes()) {
			t.Fatalf("answer %d %s, want %d %s", mine.Code, mine.Body, std.Code, std.Body)
		}
		for _, k := range []string{"Content-Type", "Cache-Control", "Content-Length"} {
			if mine.Header().Get(k) != std.Header().Get(k) {
				t.Errorf("%s: %q, want %q", k, mine.Header().Get(k), std.Header().Get(k))
			}
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range hostileText {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: %s, want %s", s, got, want)
		}
	})
}
