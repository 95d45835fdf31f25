package video

import (
	"errors"
	"slices"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchindex"
)

// The vPDQ matching rule, as Meta's vpdq README and python-threatexchange
// (vpdq_util.py, vpdq_brute_matcher.py) state it: each video is a bag of
// frame hashes; frames of quality under 50 are dropped and the rest
// deduplicated; q% is the share of the query's unique hashes within
// distance 31 of some hash of the compared video, c% the share of the
// compared video's unique hashes within 31 of some hash of the query; the
// videos match when q% >= 80 and c% >= 0. Distances are inclusive (<=),
// as pytx and the README have them; the C++ brute-force matcher uses a
// strict < (which at 31 is the same as <= 30).
const (
	DefaultMatchDistance     = 31
	DefaultQueryMatchPercent = 80.0
	DefaultIndexMatchPercent = 0.0
)

// MatchOptions is the rule's thresholds. The zero value is not the
// default: use DefaultMatchOptions.
type MatchOptions struct {
	Distance          int     // frame hashes this close or closer agree
	QueryPercent      float64 // a match needs q% >= this
	ComparedPercent   float64 // and c% >= this
	MinQuality        int     // frames under this quality are dropped
	MaxCandidateHits  int     // frames near a query frame kept per frame (0: every one)
	SkipCandidateScan bool    // testing: compare with every video, not only index candidates
}

// DefaultMatchOptions returns the reference thresholds: distance 31, q% >=
// 80, c% >= 0, frames of quality >= 50.
func DefaultMatchOptions() MatchOptions {
	return MatchOptions{Distance: DefaultMatchDistance, QueryPercent: DefaultQueryMatchPercent,
		ComparedPercent: DefaultIndexMatchPercent, MinQuality: QualityThreshold}
}

// UniqueHashes returns the distinct hashes of frames of quality >=
// minQuality, in a stable (sorted) order: the bag the rule compares.
func UniqueHashes(frames []Frame, minQuality int) []pdq.Hash {
	hs := make([]pdq.Hash, 0, len(frames))
	for _, f := range frames {
		if f.Quality >= minQuality {
			hs = append(hs, f.PDQ)
		}
	}
	slices.SortFunc(hs, func(a, b pdq.Hash) int { return slices.Compare(a[:], b[:]) })
	return slices.Compact(hs)
}

// Compare returns q% and c% of two bags of unique hashes (see
// UniqueHashes) by brute force: the reference's O(|q|·|c|) matcher.
func Compare(query, compared []pdq.Hash, distance int) (queryPct, comparedPct float64) {
	if len(query) == 0 || len(compared) == 0 {
		return 0, 0
	}
	qHit := make([]bool, len(query))
	cHit := make([]bool, len(compared))
	for i := range query {
		for j := range compared {
			if pdq.Distance(query[i], compared[j]) <= distance {
				qHit[i], cHit[j] = true, true
			}
		}
	}
	return percent(qHit), percent(cHit)
}

func percent(hit []bool) float64 {
	n := 0
	for _, h := range hit {
		if h {
			n++
		}
	}
	return 100 * float64(n) / float64(len(hit))
}

// Index holds many videos' unique frame hashes in one PDQ index (the same
// multi-index hashing as photos), each indexed frame pointing back to its
// video, so that a query finds its candidate videos from its frames
// without comparing it with every video.
type Index struct {
	frames  *matchindex.PDQ
	videoOf []uint32 // indexed frame -> video
	start   []uint32 // video v's frames are start[v]:start[v+1]
}

// ErrTooManyFrames reports an index over 2^32 frames.
var ErrTooManyFrames = errors.New("vpdq index: over 2^32 frames")

// NewIndex indexes videos, each given as its unique frame hashes (see
// UniqueHashes); a video's ID in matches is its position in videos.
func NewIndex(videos [][]pdq.Hash) (*Index, error) {
	total := 0
	for _, v := range videos {
		total += len(v)
	}
	if uint64(total) >= 1<<32 {
		return nil, ErrTooManyFrames
	}
	x := &Index{videoOf: make([]uint32, 0, total), start: make([]uint32, 0, len(videos)+1)}
	hashes := make([]pdq.Hash, 0, total)
	ids := make([]uint32, 0, total)
	for v, hs := range videos {
		x.start = append(x.start, uint32(len(hashes)))
		for _, h := range hs {
			ids = append(ids, uint32(len(hashes)))
			x.videoOf = append(x.videoOf, uint32(v))
			hashes = append(hashes, h)
		}
	}
	x.start = append(x.start, uint32(len(hashes)))
	idx, err := matchindex.NewPDQ(hashes, ids)
	if err != nil {
		return nil, err
	}
	x.frames = idx
	return x, nil
}

// Videos is the number of videos indexed.
func (x *Index) Videos() int { return len(x.start) - 1 }

// Frames is the number of frame hashes indexed.
func (x *Index) Frames() int { return len(x.videoOf) }

// Match is one indexed video that matched a query.
type Match struct {
	Video           int
	QueryPercent    float64 // q%: share of the query's unique frames near a frame of the video
	ComparedPercent float64 // c%: share of the video's unique frames near a frame of the query
}

// FrameIndex is an index of many videos' unique frame hashes, each frame
// pointing back to its video: what SearchIndex needs. Index is one; the
// banks' match index, which holds video frames beside photos in one PDQ
// index, is another.
type FrameIndex interface {
	// SearchFrames calls fn for each indexed frame within distance of h,
	// with its video and an ID unique to the frame in the index.
	SearchFrames(h pdq.Hash, distance int, fn func(video, frame uint32))
	// FrameCount is the number of unique frames indexed for video v.
	FrameCount(video uint32) int
}

// Search returns the indexed videos matching query (its unique frame
// hashes) under the rule, best first; see SearchIndex.
func (x *Index) Search(query []pdq.Hash, opt MatchOptions) []Match {
	if x.Videos() == 0 {
		return nil
	}
	return SearchIndex(x, query, opt)
}

// SearchFrames implements FrameIndex.
func (x *Index) SearchFrames(h pdq.Hash, distance int, fn func(video, frame uint32)) {
	x.frames.Search(h, distance, func(id uint32, _ int) { fn(x.videoOf[id], id) })
}

// FrameCount implements FrameIndex.
func (x *Index) FrameCount(v uint32) int { return int(x.start[v+1] - x.start[v]) }

// SearchIndex returns the videos of x matching query (its unique frame
// hashes) under the rule, best first (q%, then c%, then video). Each
// query frame is looked up once; a video is a candidate when some frame
// of it is within the distance of some query frame, and q% and c% are
// then counted exactly for the candidates: the same figures as Compare
// with every video, without comparing with every video.
func SearchIndex(x FrameIndex, query []pdq.Hash, opt MatchOptions) []Match {
	if len(query) == 0 {
		return nil
	}
	// For each candidate video: how many query frames hit it, which of
	// its frames were hit.
	type cand struct {
		qHits  int
		lastQ  int
		cFrame map[uint32]struct{}
	}
	cands := map[uint32]*cand{}
	for qi, q := range query {
		x.SearchFrames(q, opt.Distance, func(v, id uint32) {
			c := cands[v]
			if c == nil {
				c = &cand{lastQ: -1, cFrame: map[uint32]struct{}{}}
				cands[v] = c
			}
			if c.lastQ != qi {
				c.lastQ = qi
				c.qHits++
			}
			c.cFrame[id] = struct{}{}
		})
	}
	var out []Match
	for v, c := range cands {
		n := x.FrameCount(v)
		if n == 0 {
			continue
		}
		m := Match{Video: int(v), QueryPercent: 100 * float64(c.qHits) / float64(len(query)),
			ComparedPercent: 100 * float64(len(c.cFrame)) / float64(n)}
		if m.QueryPercent >= opt.QueryPercent && m.ComparedPercent >= opt.ComparedPercent {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		switch {
		case a.QueryPercent != b.QueryPercent:
			return cmpDesc(a.QueryPercent, b.QueryPercent)
		case a.ComparedPercent != b.ComparedPercent:
			return cmpDesc(a.ComparedPercent, b.ComparedPercent)
		}
		return a.Video - b.Video
	})
	return out
}

func cmpDesc(a, b float64) int {
	if a > b {
		return -1
	}
	return 1
}
