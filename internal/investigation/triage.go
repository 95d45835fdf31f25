package investigation

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchindex"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/video"
)

// FileView is a stored file with its matches.
type FileView struct {
	store.File
	Matches []store.FileMatch
}

// FileQuery selects files of a case; empty fields select all.
type FileQuery struct {
	Exhibit  string // exhibit label
	Status   string // matched, unknown, ignorable, error
	Category string // normalised or given category of a match
	// Order and Desc order a FilePage: "" (the order the files were
	// stored), "path" or "size"; Files ignores them.
	Order string
	Desc  bool
}

// Files lists a case's files with their matches.
func (s *Service) Files(ctx context.Context, caseName string, q FileQuery, fn func(FileView) error) error {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return err
	}
	ff := store.FileFilter{CaseID: c.ID, Status: q.Status, Category: q.Category}
	if q.Exhibit != "" {
		e, err := s.db.ExhibitByLabel(ctx, c.ID, q.Exhibit)
		if err != nil {
			return err
		}
		ff.ExhibitID = e.ID
	}
	ms, err := s.db.FileMatches(ctx, c.ID)
	if err != nil {
		return err
	}
	// Videos' facts (their frames are in FilePage and hash, not in lists).
	vs, err := s.db.CaseVideos(ctx, c.ID)
	if err != nil {
		return err
	}
	return s.db.Files(ctx, ff, func(f store.File) error {
		f.Video = vs[f.ID]
		return fn(FileView{File: f, Matches: ms[f.ID]})
	})
}

// ClusterMember is one image of a cluster.
type ClusterMember struct {
	FileID   int64  `json:"file_id"` // the file's row: cluster pages and the link graph join on it
	Case     string `json:"case"`
	Exhibit  string `json:"exhibit"`
	Path     string `json:"path"`
	SHA256   string `json:"sha256"`
	PDQ      string `json:"pdq"`
	Quality  int    `json:"pdq_quality"`
	Distance int    `json:"distance"` // to the cluster's first member
	// Video marks a video, clustered by vPDQ (PDQ, quality and distance
	// are then empty); its q% and c% are against the cluster's first
	// member (the share of its unique frame hashes near one of the first
	// member's, and the reverse).
	Video                bool     `json:"video,omitempty"`
	QueryMatchPercent    *float64 `json:"query_match_percent,omitempty"`
	ComparedMatchPercent *float64 `json:"compared_match_percent,omitempty"`
}

// Cluster is a group of unknown images that are near-duplicates of each
// other (PDQ distance within the threshold, transitively): one picture,
// seen several times, not in any bank: a candidate for new material. Or a
// group of unknown videos that match each other under the vPDQ rule
// (q% >= 80 one way or the other, frames within the threshold,
// transitively). A cluster holds images or videos, never both.
type Cluster struct {
	ID         int      `json:"id"`
	Size       int      `json:"size"`
	Exhibits   []string `json:"exhibits"`    // case/exhibit labels
	OtherCases []string `json:"other_cases"` // cases besides the one asked about that the principal may read
	// OtherCasesUnnamed counts the other cases the cluster touches that the
	// principal may not read: "also seen in N other case(s)". Their images
	// are neither listed nor counted in Size.
	OtherCasesUnnamed int             `json:"other_cases_unnamed"`
	Members           []ClusterMember `json:"members"`
	// Review is the newest review of the case whose anchor is a member
	// (cluster_review.go); nil when none.
	Review *ClusterReview `json:"review"`
}

// ClusterOptions tune clustering.
type ClusterOptions struct {
	MaxDistance int // 1..31; 0: DefaultMaxDistance; negative: 0 (identical only)
	MinQuality  int // default 50; negative: no gate
}

// Clusters groups the unknown images of a case, and the unknown images of
// every other case that are near-duplicates of them, by PDQ. Largest first;
// single images (clusters of one) come last.
func (s *Service) Clusters(ctx context.Context, caseName string, opt ClusterOptions) ([]Cluster, error) {
	switch {
	case opt.MaxDistance > 31:
		return nil, fmt.Errorf("max distance %d: want 0..31: %w", opt.MaxDistance, ErrInvalid)
	case opt.MaxDistance == 0:
		opt.MaxDistance = DefaultMaxDistance
	case opt.MaxDistance < 0:
		opt.MaxDistance = 0
	}
	if opt.MinQuality > 100 {
		return nil, fmt.Errorf("min quality %d: want 0..100: %w", opt.MinQuality, ErrInvalid)
	}
	if opt.MinQuality == 0 {
		opt.MinQuality = DefaultMinQuality
	}
	theCase, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	reviews, err := s.db.ClusterReviews(ctx, theCase.ID)
	if err != nil {
		return nil, err
	}
	readable, err := s.readableCases(ctx)
	if err != nil {
		return nil, err
	}
	var files []store.File
	err = s.db.Files(ctx, store.FileFilter{AllCases: true, Status: "unknown", ImagesPDQ: true, MinQuality: max(opt.MinQuality, 0)}, func(f store.File) error {
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	hashes := make([]pdq.Hash, len(files))
	ids := make([]uint32, len(files))
	for i, f := range files {
		h, err := pdq.ParseHex(f.PDQ)
		if err != nil {
			return nil, err
		}
		hashes[i], ids[i] = h, uint32(i)
	}
	idx, err := matchindex.NewPDQ(hashes, ids)
	if err != nil {
		return nil, err
	}
	images := len(files)
	vc, err := s.videoClusters(ctx, opt)
	if err != nil {
		return nil, err
	}
	files = append(files, vc.files...)
	sets := newUnionFind(len(files))
	for i := range images {
		idx.Search(hashes[i], opt.MaxDistance, func(j uint32, _ int) { sets.union(i, int(j)) })
	}
	for _, l := range vc.links {
		sets.union(images+l[0], images+l[1])
	}
	groups := map[int][]int{}
	for i := range files {
		r := sets.find(i)
		groups[r] = append(groups[r], i)
	}
	var out []Cluster
	for _, g := range groups {
		inCase := false
		for _, i := range g {
			if files[i].Case == caseName {
				inCase = true
			}
		}
		if !inCase {
			continue
		}
		sort.Slice(g, func(a, b int) bool {
			fa, fb := files[g[a]], files[g[b]]
			if fa.Case != fb.Case {
				return fa.Case == caseName
			}
			if fa.Exhibit != fb.Exhibit {
				return fa.Exhibit < fb.Exhibit
			}
			return fa.Path < fb.Path
		})
		c := Cluster{}
		exh, other, unnamed := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for _, i := range g {
			f := files[i]
			if f.Case != caseName && !readable[f.Case] {
				unnamed[f.Case] = true
				continue
			}
			if i >= images {
				q, cp := video.Compare(vc.bags[i-images], vc.bags[g[0]-images], opt.MaxDistance)
				c.Members = append(c.Members, ClusterMember{FileID: f.ID, Case: f.Case, Exhibit: f.Exhibit, Path: f.Path, SHA256: f.SHA256,
					Video: true, QueryMatchPercent: &q, ComparedMatchPercent: &cp})
			} else {
				c.Members = append(c.Members, ClusterMember{FileID: f.ID, Case: f.Case, Exhibit: f.Exhibit, Path: f.Path, SHA256: f.SHA256, PDQ: f.PDQ,
					Quality: f.PDQQuality, Distance: pdq.Distance(hashes[g[0]], hashes[i])})
			}
			exh[f.Case+"/"+f.Exhibit] = true
			if f.Case != caseName {
				other[f.Case] = true
			}
		}
		c.Review = reviewOf(c.Members, caseName, reviews)
		c.Size, c.OtherCasesUnnamed = len(c.Members), len(unnamed)
		c.Exhibits, c.OtherCases = slices.Sorted(maps.Keys(exh)), orEmpty(slices.Sorted(maps.Keys(other)))
		out = append(out, c)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Size != out[b].Size {
			return out[a].Size > out[b].Size
		}
		if len(out[a].Exhibits) != len(out[b].Exhibits) {
			return len(out[a].Exhibits) > len(out[b].Exhibits)
		}
		return out[a].Members[0].Path < out[b].Members[0].Path
	})
	for i := range out {
		out[i].ID = i + 1
	}
	return out, nil
}

// Duplicate is a set of files of a case with the same SHA-256.
type Duplicate struct {
	SHA256 string   `json:"sha256"`
	Size   int64    `json:"size"`
	Status string   `json:"status"`
	Paths  []string `json:"paths"` // exhibit:path
}

// Duplicates lists exact duplicates within a case, most copies first.
func (s *Service) Duplicates(ctx context.Context, caseName string) ([]Duplicate, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	by := map[string]*Duplicate{}
	err = s.db.Files(ctx, store.FileFilter{CaseID: c.ID}, func(f store.File) error {
		if f.SHA256 == "" || f.Size == 0 {
			return nil
		}
		d := by[f.SHA256]
		if d == nil {
			d = &Duplicate{SHA256: f.SHA256, Size: f.Size, Status: f.Status}
			by[f.SHA256] = d
		}
		d.Paths = append(d.Paths, f.Exhibit+":"+f.Path)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Duplicate
	for _, d := range by {
		if len(d.Paths) > 1 {
			out = append(out, *d)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if len(out[a].Paths) != len(out[b].Paths) {
			return len(out[a].Paths) > len(out[b].Paths)
		}
		return out[a].SHA256 < out[b].SHA256
	})
	return out, nil
}
