package investigation

import (
	"context"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/video"
)

// videoClusterSet is what clustering needs of the unknown videos of every
// case: the files, each one's bag of unique frame hashes, and the pairs
// (indexes into files) that match under the vPDQ rule.
type videoClusterSet struct {
	files []store.File
	bags  [][]pdq.Hash
	links [][2]int
}

// videoClusters finds the unknown videos (of every case) that match each
// other: each video's unique frame hashes of quality >= opt.MinQuality
// are looked up in one PDQ index over all of them (frame -> video), and a
// pair is linked when q% >= 80 (video.DefaultQueryMatchPercent) for
// either of the two as the query, frames within opt.MaxDistance.
func (s *Service) videoClusters(ctx context.Context, opt ClusterOptions) (videoClusterSet, error) {
	var vc videoClusterSet
	err := s.db.Files(ctx, store.FileFilter{AllCases: true, Status: "unknown", Videos: true}, func(f store.File) error {
		vc.files = append(vc.files, f)
		return nil
	})
	if err != nil || len(vc.files) == 0 {
		return vc, err
	}
	ids := make([]int64, len(vc.files))
	for i, f := range vc.files {
		ids[i] = f.ID
	}
	vids, err := s.db.FileVideos(ctx, ids)
	if err != nil {
		return vc, err
	}
	minQ := max(opt.MinQuality, 0)
	vc.bags = make([][]pdq.Hash, len(vc.files))
	for i, f := range vc.files {
		v := vids[f.ID]
		if v == nil {
			continue
		}
		hs := make([]pdq.Hash, 0, len(v.Frames))
		for _, fr := range v.Frames {
			if fr.Quality < minQ {
				continue
			}
			h, err := pdq.ParseHex(fr.PDQ)
			if err != nil {
				return vc, err
			}
			hs = append(hs, h)
		}
		vc.bags[i] = video.UniqueHashes(framesOf(hs), 0)
	}
	idx, err := video.NewIndex(vc.bags)
	if err != nil {
		return vc, err
	}
	rule := video.DefaultMatchOptions()
	rule.Distance, rule.MinQuality = opt.MaxDistance, minQ
	for i, bag := range vc.bags {
		for _, m := range idx.Search(bag, rule) {
			if m.Video != i {
				vc.links = append(vc.links, [2]int{i, m.Video})
			}
		}
	}
	return vc, nil
}

// framesOf wraps hashes as frames, for video.UniqueHashes.
func framesOf(hs []pdq.Hash) []video.Frame {
	out := make([]video.Frame, len(hs))
	for i, h := range hs {
		out[i] = video.Frame{PDQ: h, Quality: 100}
	}
	return out
}
