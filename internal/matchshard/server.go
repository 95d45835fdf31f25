package matchshard

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// maxRequestBytes bounds a request body (a full batch of MaxBatch
// queries and every partition).
const maxRequestBytes = 11 + 2*MaxPartitions + 32*MaxBatch

// Handler serves a shard over HTTP:
//
//	POST /v1/search   the binary request of wire.go; 200 with a response,
//	                  409 when a partition asked for is not held here
//	GET  /v1/health   "ok <view>"
//
// Every request must carry "Authorization: Bearer <secret>", the secret
// shared by the hub's matchers and their clients (VIBORA_MATCHER_SECRET);
// it is compared in constant time.
func Handler(s *Shard, secret string, log *slog.Logger) http.Handler {
	want := sha256.Sum256([]byte(secret))
	auth := func(r *http.Request) bool {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		g := sha256.Sum256([]byte(got))
		return ok && secret != "" && subtle.ConstantTimeCompare(g[:], want[:]) == 1
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, r *http.Request) {
		if !auth(r) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok "+s.View()+"\n")
	})
	mux.HandleFunc("POST /v1/search", func(w http.ResponseWriter, r *http.Request) {
		if !auth(r) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
		if err != nil {
			http.Error(w, "request too large or unreadable", http.StatusRequestEntityTooLarge)
			return
		}
		req, err := decodeRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		view, hits, err := s.Search(r.Context(), req.queries, req.maxDist, req.parts)
		switch {
		case errors.Is(err, ErrNotHeld):
			http.Error(w, err.Error(), http.StatusConflict)
			return
		case err != nil:
			log.Warn("matcher search", "err", err)
			http.Error(w, "search failed", http.StatusServiceUnavailable)
			return
		case len(hits) > MaxHits:
			http.Error(w, "too many hits: send a smaller batch", http.StatusRequestEntityTooLarge)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(encodeResponse(view, hits))
	})
	return mux
}
