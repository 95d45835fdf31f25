// Package watchlist holds the list of watched sites that stealer-log
// credentials, cookies and history entries are matched against.
//
// A watchlist file has one entry per line; blank lines and lines starting
// with '#' are ignored, and " #" starts a trailing comment. An entry is
//
//	example.org              the domain and all its subdomains
//	*.example.org            the same (the "*." is optional)
//	abc…xyz.onion            a Tor onion service (v2: 16, v3: 56 base32
//	                         characters) and its subdomains
//	example.org/forum/*      URLs on example.org (or a subdomain) whose
//	                         path matches the glob; '*' matches any run of
//	                         characters, including '/' and the query
//	example.org/forum        a path without '*' is a prefix that ends on a
//	                         segment boundary: /forum, /forum/x, /forum?x
//	                         but not /forums
//	https://example.org/x    a scheme, user info, port and trailing dot
//	                         are dropped; a leading "www." too
//
// Hosts are compared case-insensitively (internationalised names are
// converted to their ASCII "xn--" form); paths are compared
// case-sensitively. Matching walks up the parent domains of the host, so
// a watched domain covers every subdomain. When several entries match,
// the most specific host wins, and on that host a path entry that
// matches wins over the plain domain entry.
package watchlist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/idna"

	"github.com/vibora-project/vibora/internal/lineend"
)

// Limits on watchlist input.
const (
	MaxLineBytes = 4096
	MaxEntries   = 1 << 20
)

// Entry is one watched site.
type Entry struct {
	Pattern string `json:"pattern,omitempty"` // normalised entry: "example.org" or "example.org/forum/*"
	Domain  string `json:"domain,omitempty"`  // lowercase ASCII host
	Path    string `json:"path,omitempty"`    // path pattern, "" for a whole domain
	Onion   bool   `json:"onion,omitempty"`
	Comment string `json:"comment,omitempty"` // trailing comment, if any
	Line    int    `json:"line"`              // line in the watchlist file, 0 when built with New
}

type site struct {
	domain int32   // entry index of the whole-domain entry, -1 if none
	paths  []int32 // entry indexes of path entries
}

// Watchlist is an immutable set of watched sites. It is safe for
// concurrent use.
type Watchlist struct {
	entries    []Entry
	sites      map[string]*site
	singleTLD  bool // some entry is a single label: look it up too
	maxLabels  int
	name       string
	duplicates int
}

// ErrInvalid is wrapped by errors about malformed entries.
var ErrInvalid = errors.New("invalid watchlist entry")

// Parse reads a watchlist file. name is used in error messages.
func Parse(r io.Reader, name string) (*Watchlist, error) {
	w := newWatchlist(name)
	br := bufio.NewReaderSize(lineend.NewReader(r), 64*1024)
	lineNo := 0
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			lineNo++
			return nil, fmt.Errorf("watchlist %s line %d: line longer than %d bytes: %w", name, lineNo, MaxLineBytes, ErrInvalid)
		}
		if len(line) > 0 {
			lineNo++
			if len(line) > MaxLineBytes {
				return nil, fmt.Errorf("watchlist %s line %d: line longer than %d bytes: %w", name, lineNo, MaxLineBytes, ErrInvalid)
			}
			if lineNo == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			}
			if aerr := w.addLine(string(line), lineNo); aerr != nil {
				return nil, fmt.Errorf("watchlist %s line %d: %w", name, lineNo, aerr)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read watchlist %s: %w", name, err)
		}
	}
	return w, nil
}

// New builds a watchlist from entries written as in a watchlist file.
func New(entries ...string) (*Watchlist, error) {
	w := newWatchlist("")
	for i, e := range entries {
		if err := w.addLine(e, 0); err != nil {
			return nil, fmt.Errorf("watchlist entry %d: %w", i+1, err)
		}
	}
	return w, nil
}

func newWatchlist(name string) *Watchlist {
	return &Watchlist{sites: make(map[string]*site), name: name}
}

func (w *Watchlist) addLine(line string, lineNo int) error {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return nil
	}
	comment := ""
	if i := strings.Index(line, " #"); i >= 0 {
		comment = strings.TrimSpace(line[i+2:])
		line = strings.TrimSpace(line[:i])
	} else if i := strings.Index(line, "\t#"); i >= 0 {
		comment = strings.TrimSpace(line[i+2:])
		line = strings.TrimSpace(line[:i])
	}
	e, err := ParseEntry(line)
	if err != nil {
		return err
	}
	e.Comment, e.Line = comment, lineNo
	if len(w.entries) >= MaxEntries {
		return fmt.Errorf("more than %d entries: %w", MaxEntries, ErrInvalid)
	}
	s := w.sites[e.Domain]
	if s == nil {
		s = &site{domain: -1}
		w.sites[e.Domain] = s
	}
	idx := int32(len(w.entries))
	if e.Path == "" {
		if s.domain >= 0 {
			w.duplicates++
			return nil
		}
		s.domain = idx
	} else {
		for _, p := range s.paths {
			if w.entries[p].Path == e.Path {
				w.duplicates++
				return nil
			}
		}
		s.paths = append(s.paths, idx)
	}
	w.entries = append(w.entries, e)
	// Parents of a watched domain are kept as empty sites so that the
	// walk in candidates can stop early.
	for d := e.Domain; ; {
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
		if _, ok := w.sites[d]; !ok {
			w.sites[d] = &site{domain: -1}
		}
	}
	if !strings.Contains(e.Domain, ".") {
		w.singleTLD = true
	}
	if n := strings.Count(e.Domain, ".") + 1; n > w.maxLabels {
		w.maxLabels = n
	}
	return nil
}

// ParseEntry normalises one watchlist entry (without comment).
func ParseEntry(s string) (Entry, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Entry{}, fmt.Errorf("empty entry: %w", ErrInvalid)
	}
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	host, path := s, ""
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		host, path = s[:i], s[i:]
		if path[0] != '/' {
			path = "/" + path
		}
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	host = strings.TrimPrefix(host, "*.")
	h, err := normalizeEntryHost(host)
	if err != nil {
		return Entry{}, err
	}
	if path == "/" || path == "/*" {
		path = ""
	}
	e := Entry{Domain: h, Path: path, Onion: strings.HasSuffix(h, ".onion") || h == "onion"}
	e.Pattern = h + path
	return e, nil
}

func normalizeEntryHost(host string) (string, error) {
	if strings.HasPrefix(host, "[") { // IPv6 literal
		if i := strings.IndexByte(host, ']'); i > 1 {
			ip := strings.ToLower(host[1:i])
			if strings.Trim(ip, "0123456789abcdef:.") == "" && strings.Contains(ip, ":") {
				return ip, nil
			}
		}
		return "", fmt.Errorf("bad IPv6 literal %q: %w", host, ErrInvalid)
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	host = strings.TrimPrefix(host, "www.")
	if host == "" {
		return "", fmt.Errorf("empty host: %w", ErrInvalid)
	}
	ascii := true
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		a, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return "", fmt.Errorf("host %q: %v: %w", host, err, ErrInvalid)
		}
		host = a
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return "", fmt.Errorf("host %q: bad label: %w", host, ErrInvalid)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("host %q: bad character %q: %w", host, c, ErrInvalid)
			}
		}
	}
	if strings.HasSuffix(host, ".onion") {
		labels := strings.Split(host, ".")
		svc := labels[len(labels)-2]
		if (len(svc) != 16 && len(svc) != 56) || strings.Trim(svc, "abcdefghijklmnopqrstuvwxyz234567") != "" {
			return "", fmt.Errorf("host %q: onion service name must be 16 or 56 base32 characters: %w", host, ErrInvalid)
		}
	}
	return host, nil
}

// Len is the number of distinct entries.
func (w *Watchlist) Len() int { return len(w.entries) }

// Duplicates is the number of entries dropped as repeats.
func (w *Watchlist) Duplicates() int { return w.duplicates }

// Entries returns the entries in file order.
func (w *Watchlist) Entries() []Entry { return append([]Entry(nil), w.entries...) }

// Match reports the entry that covers host (and, for path entries, the
// path of rawURL). host may be empty, in which case it is taken from
// rawURL. rawURL may be empty for a host-only question (cookie domains).
func (w *Watchlist) Match(host, rawURL string) (Entry, bool) {
	path := ""
	if rawURL != "" {
		h, p := SplitURL(rawURL)
		if host == "" {
			host = h
		}
		path = p
	}
	host = strings.TrimPrefix(host, "#HttpOnly_")
	host = strings.TrimPrefix(host, ".")
	return w.MatchBytes([]byte(host), []byte(path))
}

// SplitURL returns the host (without port or user info) and the path
// (from the first '/', '?' or '#' after the host) of a URL, with or
// without scheme.
func SplitURL(u string) (host, path string) {
	s := strings.TrimSpace(u)
	if i := strings.Index(s, "://"); i >= 0 && i < 32 {
		s = s[i+3:]
	}
	end := strings.IndexAny(s, "/?#")
	auth := s
	if end >= 0 {
		auth, path = s[:end], s[end:]
	}
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	if strings.HasPrefix(auth, "[") {
		if i := strings.IndexByte(auth, ']'); i > 0 {
			return auth[1:i], path
		}
	}
	if i := strings.LastIndexByte(auth, ':'); i >= 0 {
		auth = auth[:i]
	}
	return auth, path
}

// MatchBytes is Match for a host and path given as bytes; it does not
// allocate. The host may be in any case and may end in a dot.
func (w *Watchlist) MatchBytes(host, path []byte) (Entry, bool) {
	if i := w.match(host, path); i >= 0 {
		return w.entries[i], true
	}
	return Entry{}, false
}

// Contains reports whether any entry could match host, ignoring paths.
// It is the cheap pre-check of the ULP fast path.
func (w *Watchlist) Contains(host []byte) bool {
	var buf [256]byte
	var cand [maxCandidates]*site
	return w.candidates(host, buf[:], &cand) > 0
}

const maxCandidates = 16

// candidates fills cand with the watched sites that are host or one of
// its parents, most specific last, and returns how many. It walks from
// the top-level suffix down and stops at the first suffix that is
// neither watched nor a parent of a watched domain, so a host with no
// watched relative costs one or two map look-ups.
func (w *Watchlist) candidates(host, buf []byte, cand *[maxCandidates]*site) int {
	h, ok := lowerHost(host, buf)
	if !ok {
		return 0
	}
	n := 0
	end := len(h)
	// Start at the last label (or the last two when no entry is a
	// single label).
	i := bytes.LastIndexByte(h, '.')
	if !w.singleTLD && i > 0 {
		i = bytes.LastIndexByte(h[:i], '.')
	}
	for {
		suffix := h[i+1 : end]
		s, ok := w.sites[string(suffix)]
		if !ok {
			return n
		}
		if s.domain >= 0 || len(s.paths) > 0 {
			if n == maxCandidates {
				copy(cand[:], cand[1:])
				n--
			}
			cand[n] = s
			n++
		}
		if i < 0 {
			return n
		}
		i = bytes.LastIndexByte(h[:i], '.')
	}
}

func (w *Watchlist) match(host, path []byte) int32 {
	var buf [256]byte
	var cand [maxCandidates]*site
	for n := w.candidates(host, buf[:], &cand) - 1; n >= 0; n-- {
		s := cand[n]
		for _, p := range s.paths {
			if pathMatch(w.entries[p].Path, path) {
				return p
			}
		}
		if s.domain >= 0 {
			return s.domain
		}
	}
	return -1
}

// lowerHost lowercases host into buf when needed and drops a trailing dot
// and a leading dot; ok is false when the host cannot be a watched host.
func lowerHost(host, buf []byte) ([]byte, bool) {
	if n := len(host); n > 0 && host[n-1] == '.' {
		host = host[:n-1]
	}
	if len(host) > 0 && host[0] == '.' {
		host = host[1:]
	}
	if len(host) == 0 || len(host) > len(buf) {
		return nil, false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c >= 'A' && c <= 'Z' {
			n := copy(buf, host)
			for j := i; j < n; j++ {
				if c := buf[j]; c >= 'A' && c <= 'Z' {
					buf[j] = c + 'a' - 'A'
				}
			}
			return buf[:n], true
		}
	}
	return host, true
}

// pathMatch matches a URL path (which may carry a query) against a path
// pattern.
func pathMatch(pattern string, path []byte) bool {
	if len(path) == 0 {
		path = []byte("/")
	}
	if !strings.Contains(pattern, "*") {
		if !bytes.HasPrefix(path, []byte(pattern)) {
			return false
		}
		if len(path) == len(pattern) || strings.HasSuffix(pattern, "/") {
			return true
		}
		c := path[len(pattern)]
		return c == '/' || c == '?' || c == '#'
	}
	return glob(pattern, path)
}

// glob matches the whole of s against p, where '*' matches any run.
func glob(p string, s []byte) bool {
	px, sx := 0, 0
	nextPx, nextSx := -1, -1
	for px < len(p) || sx < len(s) {
		if px < len(p) {
			if p[px] == '*' {
				nextPx, nextSx = px, sx+1
				px++
				continue
			}
			if sx < len(s) && p[px] == s[sx] {
				px++
				sx++
				continue
			}
		}
		if nextPx >= 0 && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}
