package investigation

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/aigen"
	"github.com/vibora-project/vibora/internal/aigen/modelfile"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchindex"
	"github.com/vibora-project/vibora/internal/store"
)

// Verdicts on whether a file is AI-generated (docs/ai.md): what its own
// metadata declares, or its picture's likeness to one that does.
const (
	// VerdictAI: a generator's settings are in the file, or its IPTC or
	// C2PA digital source type is trainedAlgorithmicMedia.
	VerdictAI = "ai_generated"
	// VerdictProbablyAI: the file declares AI only in part
	// (compositeWithTrainedAlgorithmicMedia), or it has no generator
	// metadata but its PDQ is within the clustering distance of an
	// AI-generated image of the case (platforms strip metadata).
	VerdictProbablyAI = "probably_ai"
)

// storeGeneration turns the generator records ingest read into rows.
func storeGeneration(recs []aigen.Record) []store.FileGeneration {
	var out []store.FileGeneration
	for i, r := range recs {
		js, err := json.Marshal(r)
		if err != nil {
			continue // a Record of strings and numbers always marshals
		}
		g := store.FileGeneration{Seq: i, Generator: r.Generator, Version: r.Version, Seed: r.Seed, Sampler: r.Sampler, Steps: r.Steps,
			Width: r.Width, Height: r.Height, Workflow: r.Workflow, SourceType: r.SourceType, AIDeclared: r.AIDeclared, User: r.User, Record: string(js)}
		for _, res := range r.Resources {
			g.Resources = append(g.Resources, store.GenerationResource{Kind: res.Kind, Name: res.Name, Weight: res.Weight, Hash: res.Hash, HashKind: res.HashKind})
		}
		out = append(out, g)
	}
	return out
}

// storeModel turns a model file's facts into a row.
func storeModel(f *modelfile.Facts) *store.FileModel {
	if f == nil {
		return nil
	}
	d := f.Digests
	m := &store.FileModel{Format: f.Format, Size: d.Size, SHA256: d.SHA256, AutoV1: d.AutoV1, AutoV2: d.AutoV2, AutoV3: d.AutoV3, BLAKE3: d.BLAKE3,
		CRC32: d.CRC32, Tensors: f.Tensors}
	if f.Training != nil {
		m.OutputName = f.Training.OutputName
		if js, err := json.Marshal(f.Training); err == nil {
			m.Training = string(js)
		}
	}
	return m
}

// isGenerator reports whether a record comes from a generator's own
// settings (not a declaration such as IPTC or C2PA).
func isGenerator(g string) bool { return g != aigen.IPTC && g != aigen.C2PA }

// verdictOf says what a file's records declare: VerdictAI,
// VerdictProbablyAI or "" (nothing: a camera's C2PA manifest, or a
// declaration of some other source type).
func verdictOf(gens []store.FileGeneration) string {
	v := ""
	for _, g := range gens {
		switch {
		case isGenerator(g.Generator), g.AIDeclared && !strings.Contains(g.SourceType, "composite"):
			return VerdictAI
		case g.AIDeclared:
			v = VerdictProbablyAI
		}
	}
	return v
}

// AIResourceView is a model, LoRA or other file a generation record names,
// with the model files found on seized devices that it matches.
type AIResourceView struct {
	Generator string `json:"generator"`
	aigen.Resource
	Files []AIModelRef `json:"files"`
	// FilesUnnamed counts the other cases the caller may not read that
	// hold a matching model file: "also seen in N other case(s)".
	FilesUnnamed int `json:"files_unnamed_cases"`
}

// AIModelRef is a model file a resource matched, and by what.
type AIModelRef struct {
	FileID  int64  `json:"file_id"`
	Case    string `json:"case"`
	Exhibit string `json:"exhibit"`
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	By      string `json:"by"` // the hash that matched ("autov3 prefix") or "name"
	// HeldBy is the person of the case the exhibit is attributed to
	// (vibora exhibit owner set), in a producer group's held files.
	HeldBy string `json:"held_by,omitempty"`
}

// AIFileView is one file of a case that is, or probably is, AI-generated
// (vibora ai files).
type AIFileView struct {
	FileID     int64            `json:"file_id"`
	Case       string           `json:"case"`
	Exhibit    string           `json:"exhibit"`
	Path       string           `json:"path"`
	SHA256     string           `json:"sha256"`
	Status     string           `json:"status"` // triage status: "matched" is known material that is AI-generated
	Verdict    string           `json:"verdict"`
	Generators []string         `json:"generators"`
	Resources  []AIResourceView `json:"resources"`
	// NearFile is, for a file judged by its likeness alone, the
	// AI-generated image of the case its PDQ is nearest to.
	NearFile     int64  `json:"near_file_id,omitempty"`
	NearDistance int    `json:"near_distance,omitempty"`
	Workflow     string `json:"workflow_fingerprint,omitempty"`
	// Generation is every record, prompts included: evidence text, shown
	// collapsed and escaped.
	Generation []aigen.Record `json:"generation"`
}

// AIFileQuery selects AI files; empty fields select all.
type AIFileQuery struct {
	Generator string // a generator name (aigen.A1111, ...)
	Model     string // a hash or hash prefix of a model or LoRA, as written or of a matched file
}

// AIModelView is one model file of a case (vibora ai models) with the
// generated images that name it.
type AIModelView struct {
	FileID   int64               `json:"file_id"`
	Exhibit  string              `json:"exhibit"`
	Path     string              `json:"path"`
	Status   string              `json:"status"`
	Format   string              `json:"format"`
	Digests  modelfile.Digests   `json:"digests"`
	Tensors  int                 `json:"tensors,omitempty"`
	Training *modelfile.Training `json:"training,omitempty"`
	UsedBy   []AIImageRef        `json:"used_by"`
	// UsedByUnnamed counts the other cases the caller may not read that
	// hold images naming this file.
	UsedByUnnamed int `json:"used_by_unnamed_cases"`
}

// AIImageRef is a generated image that names a model file.
type AIImageRef struct {
	FileID  int64  `json:"file_id"`
	Case    string `json:"case"`
	Exhibit string `json:"exhibit"`
	Path    string `json:"path"`
	Kind    string `json:"kind"` // how the image names it: checkpoint, lora, ...
	Name    string `json:"name,omitempty"`
	By      string `json:"by"`
}

// aiFacts is what the AI views of a case read: the generation records and
// model files of every case, the model index, and the case's verdicts.
type aiFacts struct {
	gens     []store.AIFile
	models   []store.AIFile
	index    *modelIndex
	readable map[string]bool
}

func (s *Service) aiFacts(ctx context.Context) (*aiFacts, error) {
	a := &aiFacts{}
	var err error
	if a.gens, err = s.db.GenerationFiles(ctx, 0); err != nil {
		return nil, err
	}
	if a.models, err = s.db.ModelFiles(ctx, 0); err != nil {
		return nil, err
	}
	if a.readable, err = s.readableCases(ctx); err != nil {
		return nil, err
	}
	a.index = newModelIndex(a.models)
	return a, nil
}

// AIFiles lists the files of a case that are, or probably are,
// AI-generated, each with its generator records and the model files (of
// this case and every case the caller may read) its resources match;
// model files in cases the caller may not read are only counted.
func (s *Service) AIFiles(ctx context.Context, caseName string, q AIFileQuery) ([]AIFileView, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	if q.Generator != "" && !slices.Contains(Generators, q.Generator) {
		return nil, fmt.Errorf("generator %q: want one of %s: %w", q.Generator, strings.Join(Generators, ", "), ErrInvalid)
	}
	want := strings.ToLower(strings.TrimSpace(q.Model))
	if want != "" && (len(want) < 8 || !isHex(want)) {
		return nil, fmt.Errorf("model hash %q: want 8 or more hex digits: %w", q.Model, ErrInvalid)
	}
	a, err := s.aiFacts(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.aiFilesOf(ctx, c, a)
	if err != nil {
		return nil, err
	}
	out := []AIFileView{}
	for _, v := range all {
		if q.Generator != "" && !slices.Contains(v.Generators, q.Generator) {
			continue
		}
		if want != "" && !v.names(want) {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// Generators are the generator names a record may carry.
var Generators = []string{aigen.A1111, aigen.ComfyUI, aigen.InvokeAI, aigen.NovelAI, aigen.Fooocus, aigen.SwarmUI, aigen.Midjourney,
	aigen.EasyDiffusion, aigen.IPTC, aigen.C2PA}

// names reports whether one of the file's resources has a hash, or
// matched a model file with a hash, that agrees with the hex prefix h.
func (v AIFileView) names(h string) bool {
	for _, r := range v.Resources {
		if r.Hash != "" && (strings.HasPrefix(h, r.Hash) || strings.HasPrefix(r.Hash, h)) {
			return true
		}
		for _, f := range r.Files {
			if strings.HasPrefix(f.SHA256, h) {
				return true
			}
		}
	}
	return false
}

// aiFilesOf builds the AI file views of case c (access checked by the
// caller), in file order; files judged by likeness follow.
func (s *Service) aiFilesOf(ctx context.Context, c store.Case, a *aiFacts) ([]AIFileView, error) {
	var out []AIFileView
	var aiPDQ []int // indexes into out of AI-generated images, for likeness
	for _, f := range a.gens {
		if f.CaseID != c.ID {
			continue
		}
		v, err := a.fileView(f, c.Name)
		if err != nil {
			return nil, err
		}
		verdict := v.Verdict
		if verdict == "" {
			continue
		}
		if verdict == VerdictAI {
			aiPDQ = append(aiPDQ, len(out))
		}
		out = append(out, v)
	}
	near, err := s.nearAI(ctx, c, out, aiPDQ)
	if err != nil {
		return nil, err
	}
	return append(out, near...), nil
}

// fileView is one file's records, with the model files its resources
// match in caseName and the cases the caller may read.
func (a *aiFacts) fileView(f store.AIFile, caseName string) (AIFileView, error) {
	v := AIFileView{FileID: f.FileID, Case: f.Case, Exhibit: f.Exhibit, Path: f.Path, SHA256: f.SHA256, Status: f.Status, Verdict: verdictOf(f.Generation),
		Generators: []string{}, Resources: []AIResourceView{}, Generation: []aigen.Record{}}
	for _, g := range f.Generation {
		var r aigen.Record
		if err := json.Unmarshal([]byte(g.Record), &r); err != nil {
			return v, fmt.Errorf("file %d generation record %d: %w", f.FileID, g.Seq, err)
		}
		v.Generation = append(v.Generation, r)
		if !slices.Contains(v.Generators, g.Generator) {
			v.Generators = append(v.Generators, g.Generator)
		}
		if v.Workflow == "" {
			v.Workflow = g.Workflow
		}
		for _, res := range g.Resources {
			v.Resources = append(v.Resources, a.resourceView(g.Generator, res, caseName))
		}
	}
	return v, nil
}

// fileAI returns what file id of case c carries: its generator records
// and, for a model file, its facts and the images naming it (nil when
// none).
func (s *Service) fileAI(ctx context.Context, c store.Case, id int64) (*AIFileView, *AIModelView, error) {
	a, err := s.aiFacts(ctx)
	if err != nil {
		return nil, nil, err
	}
	var fv *AIFileView
	for _, f := range a.gens {
		if f.FileID == id && f.CaseID == c.ID {
			v, err := a.fileView(f, c.Name)
			if err != nil {
				return nil, nil, err
			}
			fv = &v
		}
	}
	models, err := a.modelViews(c)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range models {
		if m.FileID == id {
			return fv, &m, nil
		}
	}
	return fv, nil, nil
}

// nearAI finds the images of case c without generator metadata whose PDQ
// is within the clustering distance of an AI-generated image of the case.
func (s *Service) nearAI(ctx context.Context, c store.Case, views []AIFileView, ai []int) ([]AIFileView, error) {
	if len(ai) == 0 {
		return nil, nil
	}
	has := map[int64]bool{}
	for _, v := range views {
		has[v.FileID] = true
	}
	aiFile := map[int64]int{} // file ID -> index into views
	for _, i := range ai {
		aiFile[views[i].FileID] = i
	}
	var images []store.File
	err := s.db.Files(ctx, store.FileFilter{CaseID: c.ID, ImagesPDQ: true}, func(f store.File) error {
		images = append(images, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var hashes []pdq.Hash
	var ids []uint32
	parsed := make([]pdq.Hash, len(images))
	ok := make([]bool, len(images))
	for i, f := range images {
		h, err := pdq.ParseHex(f.PDQ)
		if err != nil {
			continue
		}
		parsed[i], ok[i] = h, true
		if _, isAI := aiFile[f.ID]; isAI {
			hashes, ids = append(hashes, h), append(ids, uint32(aiFile[f.ID]))
		}
	}
	if len(hashes) == 0 {
		return nil, nil
	}
	idx, err := matchindex.NewPDQ(hashes, ids)
	if err != nil {
		return nil, err
	}
	var out []AIFileView
	for i, f := range images {
		if !ok[i] || has[f.ID] {
			continue
		}
		best, bestD := -1, 0
		idx.Search(parsed[i], DefaultMaxDistance, func(j uint32, d int) {
			if best < 0 || d < bestD || (d == bestD && views[j].FileID < views[best].FileID) {
				best, bestD = int(j), d
			}
		})
		if best < 0 {
			continue
		}
		out = append(out, AIFileView{FileID: f.ID, Case: c.Name, Exhibit: f.Exhibit, Path: f.Path, SHA256: f.SHA256, Status: f.Status,
			Verdict: VerdictProbablyAI, Generators: []string{}, Resources: []AIResourceView{}, Generation: []aigen.Record{},
			NearFile: views[best].FileID, NearDistance: bestD})
	}
	return out, nil
}

// resourceView matches one resource against the model files of every
// case: those of caseName and of readable cases by name, the others
// counted by case.
func (a *aiFacts) resourceView(generator string, res store.GenerationResource, caseName string) AIResourceView {
	v := AIResourceView{Generator: generator, Resource: aigen.Resource{Kind: res.Kind, Name: res.Name, Weight: res.Weight, Hash: res.Hash, HashKind: res.HashKind},
		Files: []AIModelRef{}}
	unnamed := map[string]bool{}
	for _, m := range a.index.match(res) {
		f := a.models[m.i]
		if f.Case != caseName && !a.readable[f.Case] {
			unnamed[f.Case] = true
			continue
		}
		v.Files = append(v.Files, AIModelRef{FileID: f.FileID, Case: f.Case, Exhibit: f.Exhibit, Path: f.Path, SHA256: f.SHA256, By: m.by})
	}
	v.FilesUnnamed = len(unnamed)
	return v
}

// AIModels lists the model files of a case, each with its hashes,
// training claims and the generated images (of this case and every case
// the caller may read) that name it; images in cases the caller may not
// read are only counted.
func (s *Service) AIModels(ctx context.Context, caseName string) ([]AIModelView, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	a, err := s.aiFacts(ctx)
	if err != nil {
		return nil, err
	}
	return a.modelViews(c)
}

func (a *aiFacts) modelViews(c store.Case) ([]AIModelView, error) {
	users := a.usersOf()
	out := []AIModelView{}
	for i, f := range a.models {
		if f.CaseID != c.ID {
			continue
		}
		m := f.Model
		v := AIModelView{FileID: f.FileID, Exhibit: f.Exhibit, Path: f.Path, Status: f.Status, Format: m.Format, Tensors: m.Tensors, UsedBy: []AIImageRef{},
			Digests: modelfile.Digests{Size: m.Size, SHA256: m.SHA256, AutoV1: m.AutoV1, AutoV2: m.AutoV2, AutoV3: m.AutoV3, BLAKE3: m.BLAKE3, CRC32: m.CRC32}}
		if m.Training != "" {
			var tr modelfile.Training
			if err := json.Unmarshal([]byte(m.Training), &tr); err != nil {
				return nil, fmt.Errorf("model file %d training claims: %w", f.FileID, err)
			}
			v.Training = &tr
		}
		unnamed := map[string]bool{}
		for _, u := range users[i] {
			if u.Case != c.Name && !a.readable[u.Case] {
				unnamed[u.Case] = true
				continue
			}
			v.UsedBy = append(v.UsedBy, u)
		}
		v.UsedByUnnamed = len(unnamed)
		out = append(out, v)
	}
	return out, nil
}

// usersOf maps each model file (by index into a.models) to the images of
// every case that name it, each image once per model.
func (a *aiFacts) usersOf() map[int][]AIImageRef {
	users := map[int][]AIImageRef{}
	for _, f := range a.gens {
		seen := map[int]bool{}
		for _, g := range f.Generation {
			for _, res := range g.Resources {
				for _, m := range a.index.match(res) {
					if seen[m.i] {
						continue
					}
					seen[m.i] = true
					users[m.i] = append(users[m.i], AIImageRef{FileID: f.FileID, Case: f.Case, Exhibit: f.Exhibit, Path: f.Path, Kind: res.Kind, Name: res.Name, By: m.by})
				}
			}
		}
	}
	return users
}

// modelIndex finds the model files a resource names: by any hash it
// records (a prefix of at least 8 hex digits of the SHA-256, AutoV3 or
// BLAKE3, or the 8-hex AutoV1), or failing that by name (the file's stem
// or the LoRA's training output name, case-insensitive).
type modelIndex struct {
	byPrefix map[string][]hashRef // the first 8 hex of every long hash
	byV1     map[string][]int
	byName   map[string][]int
}

type hashRef struct {
	i    int
	kind string
	full string
}

type modelMatch struct {
	i  int
	by string
}

func newModelIndex(models []store.AIFile) *modelIndex {
	x := &modelIndex{byPrefix: map[string][]hashRef{}, byV1: map[string][]int{}, byName: map[string][]int{}}
	for i, f := range models {
		m := f.Model
		for _, h := range []hashRef{{i, aigen.HashSHA256, m.SHA256}, {i, aigen.HashAutoV3, m.AutoV3}, {i, aigen.HashBLAKE3, m.BLAKE3}} {
			if len(h.full) >= 8 {
				x.byPrefix[h.full[:8]] = append(x.byPrefix[h.full[:8]], h)
			}
		}
		if m.AutoV1 != "" {
			x.byV1[m.AutoV1] = append(x.byV1[m.AutoV1], i)
		}
		names := []string{stem(f.Path)}
		if m.OutputName != "" {
			names = append(names, strings.ToLower(m.OutputName))
		}
		for _, n := range slices.Compact(names) {
			x.byName[n] = append(x.byName[n], i)
		}
	}
	return x
}

// stem is a path's base name without its extension, lower-cased: what a
// generator's resource name and a model file share.
func stem(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	b := path.Base(p)
	if modelfile.IsModelName(b) {
		b = strings.TrimSuffix(b, path.Ext(b))
	}
	return strings.ToLower(b)
}

func (x *modelIndex) match(res store.GenerationResource) []modelMatch {
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(res.Hash), "0x"))
	var out []modelMatch
	seen := map[int]bool{}
	if len(h) >= 8 && isHex(h) {
		for _, r := range x.byPrefix[h[:8]] {
			if strings.HasPrefix(r.full, h) && !seen[r.i] {
				seen[r.i] = true
				by := r.kind
				if len(h) < len(r.full) {
					by += " prefix"
				}
				out = append(out, modelMatch{r.i, by})
			}
		}
		if len(h) == 8 {
			for _, i := range x.byV1[h] {
				if !seen[i] {
					seen[i] = true
					out = append(out, modelMatch{i, aigen.HashAutoV1})
				}
			}
		}
	}
	if len(out) == 0 && res.Name != "" {
		for _, i := range x.byName[stem(res.Name)] {
			out = append(out, modelMatch{i, "name"})
		}
	}
	return out
}

func isHex(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}

// AICounts counts a case's files by AI verdict (case report, triage).
type AICounts struct {
	Generated  int64            `json:"ai_generated"`
	Probably   int64            `json:"probably_ai"`
	KnownAI    int64            `json:"known_ai_generated"` // matched in a bank and AI-generated
	ModelFiles int64            `json:"model_files"`
	Generators map[string]int64 `json:"by_generator"`
}

// aiCounts counts the AI files and model files of case c.
func (s *Service) aiCounts(ctx context.Context, c store.Case) (AICounts, error) {
	n := AICounts{Generators: map[string]int64{}}
	a, err := s.aiFacts(ctx)
	if err != nil {
		return n, err
	}
	files, err := s.aiFilesOf(ctx, c, a)
	if err != nil {
		return n, err
	}
	for _, f := range files {
		switch f.Verdict {
		case VerdictAI:
			n.Generated++
			if f.Status == "matched" {
				n.KnownAI++
			}
		case VerdictProbablyAI:
			n.Probably++
		}
		for _, g := range f.Generators {
			n.Generators[g]++
		}
	}
	for _, m := range a.models {
		if m.CaseID == c.ID {
			n.ModelFiles++
		}
	}
	return n, nil
}

// storeResource is the stored form of a resource, for matching.
func storeResource(r aigen.Resource) store.GenerationResource {
	return store.GenerationResource{Kind: r.Kind, Name: r.Name, Weight: r.Weight, Hash: r.Hash, HashKind: r.HashKind}
}
