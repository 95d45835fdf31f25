package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
)

// maxJSONBody caps a JSON request body; larger ones answer 413.
const maxJSONBody = 1 << 20

// Page sizes of cursor-paginated lists.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// badRequest marks a request the API could not read (malformed JSON, a
// wrong type, a bad parameter): 400.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error { return badRequest{fmt.Sprintf(format, args...)} }

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Cache-Control"] = noStore
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

var (
	jsonType = []string{"application/json"}
	noStore  = []string{"no-store"}
)

// decodeJSON reads the request body, one JSON object of at most
// maxJSONBody bytes with no unknown fields, into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, maxJSONBody)
	b, err := io.ReadAll(body)
	if err != nil {
		if server.IsTooLarge(err) {
			return err
		}
		return badRequestf("read the request body: %v", err)
	}
	if !utf8.Valid(b) {
		return badRequestf("the request body is not valid UTF-8")
	}
	// No text the API takes holds NUL, and PostgreSQL cannot store it.
	if bytes.Contains(b, []byte(`\u0000`)) {
		return badRequestf("the request body holds a NUL character")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequestf("the request body is not the expected JSON object: %v", err)
	}
	if dec.More() {
		return badRequestf("the request body holds more than one JSON value")
	}
	return nil
}

// limitParam reads the limit query parameter: defaultLimit when absent,
// 1..maxLimit otherwise.
func limitParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, badRequestf("limit: want a whole number from 1 to %d", maxLimit)
	}
	return n, nil
}

// Cursors are opaque to clients: base64url of a tag (n: a name, i: an
// integer) and the position to resume after.
func encodeCursor(tag, pos string) string {
	if pos == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(tag + ":" + pos))
}

var errBadCursor = badRequest{"cursor: not a cursor this API gave out"}

func cursorParam(r *http.Request, tag string) (string, error) {
	s := r.URL.Query().Get("cursor")
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) {
		return "", errBadCursor
	}
	pos, ok := strings.CutPrefix(string(b), tag+":")
	if !ok || pos == "" {
		return "", errBadCursor
	}
	return pos, nil
}

// nameCursorParam is a cursor holding a name.
func nameCursorParam(r *http.Request) (string, error) { return cursorParam(r, "n") }

// namePageParams reads a list's page request when the list is ordered by
// name: its limit and the name to resume after.
func namePageParams(r *http.Request) (after string, limit int, err error) {
	if limit, err = limitParam(r); err != nil {
		return "", 0, err
	}
	after, err = nameCursorParam(r)
	return after, limit, err
}

// intCursorParam is a cursor holding a positive integer position.
func intCursorParam(r *http.Request) (int64, error) {
	s, err := cursorParam(r, "i")
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, errBadCursor
	}
	return n, nil
}

func intCursor(n int64) string {
	if n <= 0 {
		return ""
	}
	return encodeCursor("i", strconv.FormatInt(n, 10))
}

// pageAfter pages a list ordered by key: the items after cursor, at most
// limit, and the cursor of the next page ("" at the end).
func pageAfter[T any](items []T, key func(T) string, after string, limit int) ([]T, string) {
	start := 0
	if after != "" {
		for start < len(items) && key(items[start]) <= after {
			start++
		}
	}
	items = items[start:]
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, encodeCursor("n", key(items[limit-1]))
}

// fail answers err with its status and public message; the detail of a
// server-side failure goes to the log only.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg := classify(err)
	if status >= 500 {
		a.log.Error("request failed", "request_id", server.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		a.log.Debug("request refused", "request_id", server.RequestID(r.Context()), "status", status, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vibora"`)
	}
	server.WriteError(w, r, status, code, msg)
}

// classify maps an error to its status, code and public message.
func classify(err error) (status int, code, msg string) {
	var br badRequest
	switch {
	case server.IsTooLarge(err), errors.Is(err, job.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "too_large", "the request body is too large"
	case errors.Is(err, errNoJobs):
		return http.StatusServiceUnavailable, "unavailable", errNoJobs.Error()
	case errors.As(err, &br):
		return http.StatusBadRequest, "bad_request", br.msg
	case errors.Is(err, investigation.ErrProviderUnavailable):
		return http.StatusBadGateway, "provider_unavailable", investigation.ErrProviderUnavailable.Error()
	case errors.Is(err, ErrLockedOut):
		return http.StatusTooManyRequests, "locked_out", ErrLockedOut.Error()
	case errors.Is(err, investigation.ErrRateLimited):
		return http.StatusTooManyRequests, "rate_limited", investigation.ErrRateLimited.Error()
	case errors.Is(err, ErrUnauthenticated), errors.Is(err, access.ErrNoPrincipal):
		return http.StatusUnauthorized, "unauthenticated", "authentication required"
	case errors.Is(err, investigation.ErrNotFound):
		return http.StatusNotFound, "not_found", "not found"
	case errors.Is(err, access.ErrForbidden):
		return http.StatusForbidden, "forbidden", "permission denied"
	case errors.Is(err, investigation.ErrExists):
		return http.StatusConflict, "exists", "it exists already"
	case errors.Is(err, investigation.ErrInvalid):
		return http.StatusUnprocessableEntity, "invalid", err.Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "unavailable", "the request was cancelled or took too long"
	}
	return http.StatusInternalServerError, "internal", "internal error"
}
