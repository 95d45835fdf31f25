package investigation

import (
	"context"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// MaxMatchHashes bounds the hashes of one MatchHashes call.
const MaxMatchHashes = 10000

// matchIndexTTL is how long MatchHashes trusts the kept match index before
// it asks the store whether the banks changed. Bank changes made through
// this service are seen at once (mutate drops the index); changes made by
// another process within this time.
const matchIndexTTL = time.Second

// liveIndex is the index MatchHashes uses and when it was last checked
// against the store's banks.
type liveIndex struct {
	idx     *matchIndex
	checked time.Time
}

// HashKind tells a hash query's kind and value: "md5:", "sha1:", "sha256:"
// or "pdq:" prefixes name it; otherwise its length does (32 hex md5, 40
// sha1, 64 hash64, which is "sha256" or "pdq"). A query that is none of
// these is kind "unknown".
func HashKind(q, hash64 string) (kind, value string) {
	if k, v, ok := strings.Cut(q, ":"); ok {
		switch strings.ToLower(k) {
		case "md5", "sha1", "sha256", "pdq":
			return strings.ToLower(k), strings.ToLower(v)
		}
	}
	if _, err := hex.DecodeString(q); err != nil {
		return "unknown", q
	}
	switch len(q) {
	case 32:
		return "md5", strings.ToLower(q)
	case 40:
		return "sha1", strings.ToLower(q)
	case 64:
		return hash64, strings.ToLower(q)
	}
	return "unknown", q
}

var digestLen = map[string]int{"md5": 16, "sha1": 20, "sha256": 32}

// MatchHashes matches hash values against every bank, in the order given:
// digests exactly, PDQ hashes within opt.MaxDistance (their quality is
// unknown, so only bank records' quality is gated). A value that is not a
// hash refuses the whole call with ErrInvalid, naming it by position.
//
// It is the server's hot path: it writes no audit record, and it keeps the
// match index in memory, asking the store whether the banks changed at most
// once per matchIndexTTL.
func (s *Service) MatchHashes(ctx context.Context, hashes []string, opt MatchOptions) ([]QueryMatches, error) {
	opt = opt.withDefaults()
	if opt.MaxDistance < 0 || opt.MaxDistance > 31 {
		return nil, fmt.Errorf("max distance %d: want 0..31: %w", opt.MaxDistance, ErrInvalid)
	}
	if len(hashes) > MaxMatchHashes {
		return nil, fmt.Errorf("%d hashes: at most %d a call: %w", len(hashes), MaxMatchHashes, ErrInvalid)
	}
	if err := s.check(ctx, access.Bank, access.Read); err != nil {
		return nil, err
	}
	type query struct {
		digest []byte
		pdq    pdq.Hash
	}
	qs := make([]query, len(hashes))
	out := make([]QueryMatches, len(hashes))
	for i, h := range hashes {
		kind, value := HashKind(h, "sha256")
		out[i] = QueryMatches{Query: h, Kind: kind, Matches: []Match{}}
		var err error
		switch kind {
		case "md5", "sha1", "sha256":
			qs[i].digest, err = hex.DecodeString(value)
			if err == nil && len(qs[i].digest) != digestLen[kind] {
				err = fmt.Errorf("%d hex digits", len(value))
			}
		case "pdq":
			qs[i].pdq, err = pdq.ParseHex(value)
		default:
			err = fmt.Errorf("not a hash (want md5:, sha1:, sha256: or pdq: and hex, or 32, 40 or 64 hex digits)")
		}
		if err != nil {
			return nil, fmt.Errorf("hash %d: %s %w: %w", i, kind, err, ErrInvalid)
		}
	}
	idx, err := s.liveMatchIndex(ctx)
	if err != nil {
		return nil, err
	}
	m := &Matcher{matchIndex: idx, db: s.db, opt: opt, Source: "memory"}
	// The PDQ hashes are matched in one search (one scatter and gather
	// when the matchers answer; spread over the CPUs in process), the
	// digests one by one.
	var pqs []pdqQuery
	var pat, digests []int
	for i := range out {
		if out[i].Kind == "pdq" {
			pqs, pat = append(pqs, pdqQuery{h: qs[i].pdq, quality: -1}), append(pat, i)
		} else {
			digests = append(digests, i)
		}
	}
	match := func(i int) error {
		ms, err := m.MatchDigest(ctx, out[i].Kind, qs[i].digest)
		if err != nil {
			return fmt.Errorf("match %s: %w", out[i].Kind, err)
		}
		if ms != nil {
			out[i].Matches = ms
		}
		return nil
	}
	// A large batch of digests is spread over the CPUs, each worker taking
	// the next query; the answers keep the order asked.
	workers := min(runtime.GOMAXPROCS(0), len(digests)/parallelMatchMin)
	if workers <= 1 {
		for _, i := range digests {
			if err := match(i); err != nil {
				return nil, err
			}
		}
	} else {
		var next atomic.Int64
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := int(next.Add(1) - 1); k < len(digests); k = int(next.Add(1) - 1) {
					if errs[w] = match(digests[k]); errs[w] != nil {
						next.Store(int64(len(digests))) // the others stop too
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
	}
	pms, err := m.matchPDQBatch(ctx, pqs)
	if err != nil {
		return nil, err
	}
	for j, ms := range pms {
		if ms != nil {
			out[pat[j]].Matches = ms
		}
	}
	return out, nil
}

// parallelMatchMin is the number of queries per worker below which a batch
// is matched on one goroutine (a digest lookup costs less than starting one).
const parallelMatchMin = 16

// LoadMatchIndex loads (or builds) the match index MatchHashes uses, so that
// a server is ready before its first request. It reads only the banks'
// hashes and reveals nothing, so it needs no principal.
func (s *Service) LoadMatchIndex(ctx context.Context) error {
	_, err := s.liveMatchIndex(ctx)
	return err
}

// MatchIndexLoaded reports whether MatchHashes has an index in memory.
func (s *Service) MatchIndexLoaded() bool { return s.live.Load() != nil }

func (s *Service) liveMatchIndex(ctx context.Context) (*matchIndex, error) {
	if l := s.live.Load(); l != nil && time.Since(l.checked) < matchIndexTTL {
		return l.idx, nil
	}
	// Matcher checks bank read access; this internal refresh acts for the
	// service itself.
	sys := access.Principal{ID: "system:match-index", Name: "system", Roles: []access.Role{access.Viewer}}
	m, err := s.Matcher(access.NewContext(ctx, sys), MatchOptions{})
	if err != nil {
		return nil, err
	}
	s.live.Store(&liveIndex{idx: m.matchIndex, checked: time.Now()})
	return m.matchIndex, nil
}

// banksChanged makes the next MatchHashes check the banks again.
func (s *Service) banksChanged() {
	if l := s.live.Load(); l != nil {
		s.live.Store(&liveIndex{idx: l.idx})
	}
}
