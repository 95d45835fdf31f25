package api

import (
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/investigation"
)

// The match endpoint is the server's hot path: its answer is encoded by
// hand into a pooled buffer, byte for byte what json.Marshal gives for
// matchResponse (a test compares the two on generated and hostile values).

var matchBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledMatchBuf: a larger buffer (a batch of thousands of hashes with
// many matches) is left to the collector rather than kept.
const maxPooledMatchBuf = 4 << 20

// writeMatchResponse answers 200 with res as matchResponse.
func writeMatchResponse(w http.ResponseWriter, res []investigation.QueryMatches) error {
	bp := matchBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledMatchBuf {
			matchBufs.Put(bp)
		}
	}()
	b, ok := appendMatchResponse((*bp)[:0], res)
	if !ok {
		return writeJSON(w, http.StatusOK, matchResponse{res})
	}
	b = append(b, '\n')
	*bp = b
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Cache-Control"] = noStore
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

// appendMatchResponse appends res as JSON; ok is false when a value needs
// json.Marshal (a vPDQ match's percentages, which MatchHashes never sets).
func appendMatchResponse(b []byte, res []investigation.QueryMatches) (_ []byte, ok bool) {
	b = append(b, `{"results":`...)
	if res == nil {
		return append(b, "null}"...), true
	}
	b = append(b, '[')
	for i := range res {
		q := &res[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"query":`...)
		b = appendJSONString(b, q.Query)
		b = append(b, `,"kind":`...)
		b = appendJSONString(b, q.Kind)
		if q.Status != "" {
			b = append(b, `,"status":`...)
			b = appendJSONString(b, q.Status)
		}
		b = append(b, `,"matches":`...)
		if q.Matches == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for j := range q.Matches {
				if j > 0 {
					b = append(b, ',')
				}
				if b, ok = appendMatch(b, &q.Matches[j]); !ok {
					return b, false
				}
			}
			b = append(b, ']')
		}
		if q.Error != "" {
			b = append(b, `,"error":`...)
			b = appendJSONString(b, q.Error)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...), true
}

func appendMatch(b []byte, m *investigation.Match) ([]byte, bool) {
	if m.QueryMatchPercent != nil || m.ComparedMatchPercent != nil {
		return b, false
	}
	b = append(b, `{"bank":`...)
	b = appendJSONString(b, m.Bank)
	b = append(b, `,"bank_kind":`...)
	b = appendJSONString(b, m.BankKind)
	b = append(b, `,"bank_version":`...)
	b = strconv.AppendInt(b, int64(m.BankVersion), 10)
	b = append(b, `,"record":`...)
	b = strconv.AppendInt(b, m.Record, 10)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, m.Kind)
	b = append(b, `,"hash":`...)
	b = appendJSONString(b, m.Hash)
	b = append(b, `,"distance":`...)
	b = strconv.AppendInt(b, int64(m.Distance), 10)
	b = append(b, `,"category":`...)
	b = appendJSONString(b, m.Category)
	if m.NormCategory != "" {
		b = append(b, `,"normalized_category":`...)
		b = appendJSONString(b, m.NormCategory)
	}
	b = append(b, `,"series":`...)
	b = appendJSONString(b, m.Series)
	if m.Dihedral != "" {
		b = append(b, `,"dihedral":`...)
		b = appendJSONString(b, m.Dihedral)
	}
	return append(b, '}'), true
}

// appendJSONString appends s as a JSON string the way encoding/json
// writes one: HTML's <, > and & escaped, control characters as \b \f \n
// \r \t or \u00XX, invalid UTF-8 as \ufffd, and U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[done:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[done:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[done:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}
