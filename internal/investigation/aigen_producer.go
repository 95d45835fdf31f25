package investigation

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/aigen"
	"github.com/vibora-project/vibora/internal/aigen/modelfile"
	"github.com/vibora-project/vibora/internal/store"
)

// Scoring weights of the "same producer" grouping (docs/ai.md). What only
// one producer has (their own LoRA, their workflow template, one run's
// seed series) ties files together; holding the model files the images
// name, and a LoRA's training metadata, point at who made them.
const (
	WeightProducerLoRA     = 4.0 // per LoRA (by hash, or by a matched file) that two or more of the group's files use
	WeightProducerWorkflow = 3.0 // per ComfyUI workflow fingerprint two or more files share
	WeightProducerSeeds    = 2.0 // per seed series: one model, seeds at most SeedSeriesGap apart
	WeightProducerHeld     = 5.0 // per model or LoRA file the group's images name, found on a seized exhibit
	WeightProducerTraining = 5.0 // per such LoRA carrying kohya training metadata: evidence of its training data
	WeightProducerFile     = 0.5 // per file, at most MaxProducerFileScore
	MaxProducerFileScore   = 10.0
	// SeedSeriesGap is the largest step between two seeds of one series
	// (a batch, or a run that increments the seed).
	SeedSeriesGap = 16
)

// AIProducerView is a group of a case's AI-generated files that one
// producer probably made (vibora ai producers), with the reasons.
type AIProducerView struct {
	ID       int          `json:"id"`
	Score    float64      `json:"score"`
	Reasons  []string     `json:"reasons"`
	Exhibits []string     `json:"exhibits"` // where the outputs are
	Files    []AIFileRef  `json:"files"`
	Held     []AIModelRef `json:"held"` // the model and LoRA files the outputs name, on seized exhibits the caller may read
	// HeldUnnamed counts the other cases the caller may not read that hold
	// a model file the outputs name.
	HeldUnnamed int `json:"held_unnamed_cases"`
	// Persons hold those files: the persons of the case their exhibits
	// are attributed to (vibora exhibit owner set), by person ID.
	Persons []string `json:"persons,omitempty"`
}

// AIFileRef is one output of a producer group.
type AIFileRef struct {
	FileID     int64    `json:"file_id"`
	Exhibit    string   `json:"exhibit"`
	Path       string   `json:"path"`
	Status     string   `json:"status"`
	Generators []string `json:"generators"`
	Seed       string   `json:"seed,omitempty"`
}

// AIProducers groups the AI-generated files of a case by what ties them to
// one producer (a shared LoRA, workflow fingerprint or seed series) and
// scores each group, with the model files its images name that were found
// on seized exhibits. Best first.
func (s *Service) AIProducers(ctx context.Context, caseName string) ([]AIProducerView, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	a, err := s.aiFacts(ctx)
	if err != nil {
		return nil, err
	}
	files, err := s.aiFilesOf(ctx, c, a)
	if err != nil {
		return nil, err
	}
	exhibits, err := s.db.Exhibits(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	owners := map[string]string{}
	for _, e := range exhibits {
		if e.Owner != "" {
			owners[e.Label] = e.Owner
		}
	}
	return producers(files, a, caseName, owners), nil
}

// producerKey is one tie between files, with how to describe it.
type producerKey struct {
	kind string // lora, workflow, seeds
	id   string
	what string
}

// producers groups the files; owners are the persons the case's exhibits
// are attributed to, by label.
func producers(all []AIFileView, a *aiFacts, caseName string, owners map[string]string) []AIProducerView {
	var files []AIFileView
	for _, f := range all {
		if f.Verdict == VerdictAI && len(f.Generation) > 0 {
			files = append(files, f)
		}
	}
	keys := map[producerKey][]int{}
	for i, f := range files {
		for _, k := range fileKeys(f) {
			if !slices.Contains(keys[k], i) {
				keys[k] = append(keys[k], i)
			}
		}
	}
	for k, v := range seedSeries(files) {
		keys[k] = v
	}
	sets := newUnionFind(len(files))
	for _, members := range keys {
		for _, i := range members[1:] {
			sets.union(members[0], i)
		}
	}
	groups := map[int][]int{}
	for i := range files {
		groups[sets.find(i)] = append(groups[sets.find(i)], i)
	}
	var out []AIProducerView
	for _, g := range groups {
		v := producerOf(files, g, keys, a, caseName, owners)
		if len(v.Reasons) > 1 { // more than the file count: a tie or a held model
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(x, y AIProducerView) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Files[0].FileID, y.Files[0].FileID))
	})
	for i := range out {
		out[i].ID = i + 1
	}
	return out
}

// fileKeys are a file's LoRAs and workflow fingerprint.
func fileKeys(f AIFileView) []producerKey {
	var out []producerKey
	for _, r := range f.Resources {
		if r.Kind != aigen.LoRA {
			continue
		}
		switch {
		case len(r.Files) > 0:
			out = append(out, producerKey{"lora", "file:" + r.Files[0].SHA256, fmt.Sprintf("LoRA %s (file %s)", cmp.Or(r.Name, "?"), r.Files[0].Path)})
		case r.Hash != "":
			out = append(out, producerKey{"lora", strings.ToLower(r.Hash), fmt.Sprintf("LoRA %s (%s %s)", cmp.Or(r.Name, "?"), cmp.Or(r.HashKind, "hash"), r.Hash)})
		}
	}
	if f.Workflow != "" {
		out = append(out, producerKey{"workflow", f.Workflow, "workflow " + f.Workflow})
	}
	return out
}

// seedSeries finds runs of one model's seeds, each at most SeedSeriesGap
// after the previous, of two or more files.
func seedSeries(files []AIFileView) map[producerKey][]int {
	type seeded struct {
		i    int
		seed *big.Int
	}
	byModel := map[string][]seeded{}
	for i, f := range files {
		for _, r := range f.Generation {
			n, ok := new(big.Int).SetString(r.Seed, 10)
			if !ok || r.Seed == "" {
				continue
			}
			model := ""
			for _, res := range r.Resources {
				if res.Kind == aigen.Checkpoint || res.Kind == aigen.UNet || res.Kind == aigen.Model {
					model = cmp.Or(strings.ToLower(res.Hash), stem(res.Name))
					break
				}
			}
			byModel[r.Generator+"\x00"+model] = append(byModel[r.Generator+"\x00"+model], seeded{i, n})
			break
		}
	}
	out := map[producerKey][]int{}
	gap := big.NewInt(SeedSeriesGap)
	for model, list := range byModel {
		slices.SortFunc(list, func(x, y seeded) int { return cmp.Or(x.seed.Cmp(y.seed), cmp.Compare(x.i, y.i)) })
		start := 0
		for j := 1; j <= len(list); j++ {
			if j < len(list) && new(big.Int).Sub(list[j].seed, list[j-1].seed).Cmp(gap) <= 0 {
				continue
			}
			if j-start >= 2 {
				gen, m, _ := strings.Cut(model, "\x00")
				k := producerKey{"seeds", fmt.Sprintf("%s:%s:%s", gen, m, list[start].seed),
					fmt.Sprintf("seed series %s..%s with %s model %s", list[start].seed, list[j-1].seed, gen, cmp.Or(m, "(unnamed)"))}
				for _, s := range list[start:j] {
					out[k] = append(out[k], s.i)
				}
			}
			start = j
		}
	}
	return out
}

// producerOf describes and scores one group of files.
func producerOf(files []AIFileView, g []int, keys map[producerKey][]int, a *aiFacts, caseName string, owners map[string]string) AIProducerView {
	slices.Sort(g)
	in := map[int]bool{}
	for _, i := range g {
		in[i] = true
	}
	v := AIProducerView{Reasons: []string{}, Files: []AIFileRef{}, Held: []AIModelRef{}}
	add := func(w float64, reason string) {
		v.Score += w
		v.Reasons = append(v.Reasons, fmt.Sprintf("+%.1f %s", w, reason))
	}
	exhibits := map[string]bool{}
	held := map[int64]AIModelRef{}
	heldKind := map[int64]string{}
	unnamed := map[string]bool{}
	for _, i := range g {
		f := files[i]
		ref := AIFileRef{FileID: f.FileID, Exhibit: f.Exhibit, Path: f.Path, Status: f.Status, Generators: f.Generators}
		for _, r := range f.Generation {
			if r.Seed != "" {
				ref.Seed = r.Seed
				break
			}
		}
		v.Files = append(v.Files, ref)
		exhibits[f.Exhibit] = true
		for _, r := range f.Resources {
			for _, m := range r.Files {
				held[m.FileID], heldKind[m.FileID] = m, r.Kind
			}
			if r.FilesUnnamed > 0 {
				for _, m := range a.index.match(storeResource(r.Resource)) {
					if mf := a.models[m.i]; mf.Case != caseName && !a.readable[mf.Case] {
						unnamed[mf.Case] = true
					}
				}
			}
		}
	}
	n := float64(len(g))
	add(min(WeightProducerFile*n, MaxProducerFileScore), fmt.Sprintf("%d AI-generated file(s)", len(g)))
	for _, k := range slices.SortedFunc(maps.Keys(keys), func(x, y producerKey) int {
		return cmp.Or(strings.Compare(x.kind, y.kind), strings.Compare(x.id, y.id))
	}) {
		c := 0
		for _, i := range keys[k] {
			if in[i] {
				c++
			}
		}
		if c < 2 {
			continue
		}
		switch k.kind {
		case "lora":
			add(WeightProducerLoRA, fmt.Sprintf("same %s in %d files", k.what, c))
		case "workflow":
			add(WeightProducerWorkflow, fmt.Sprintf("same %s in %d files", k.what, c))
		case "seeds":
			add(WeightProducerSeeds, fmt.Sprintf("%s in %d files", k.what, c))
		}
	}
	trained := map[int64]bool{}
	for _, m := range a.models {
		if _, ok := held[m.FileID]; ok && trainingEvidence(m.Model) {
			trained[m.FileID] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(held)) {
		m := held[id]
		where := m.Exhibit
		if m.Case != caseName {
			where = m.Case + "/" + m.Exhibit
		} else if m.HeldBy = owners[m.Exhibit]; m.HeldBy != "" {
			where += " of person " + m.HeldBy
			if !slices.Contains(v.Persons, m.HeldBy) {
				v.Persons = append(v.Persons, m.HeldBy)
			}
		}
		v.Held = append(v.Held, m)
		add(WeightProducerHeld, fmt.Sprintf("%s file %s named by the outputs (%s) is on seized exhibit %s", heldKind[id], m.Path, m.By, where))
		if trained[id] {
			add(WeightProducerTraining, fmt.Sprintf("%s carries training metadata (training data evidence: see vibora ai models)", m.Path))
		}
	}
	if len(unnamed) > 0 {
		v.HeldUnnamed = len(unnamed)
		add(WeightProducerHeld, fmt.Sprintf("a model file the outputs name is also seen in %d other case(s)", len(unnamed)))
	}
	v.Exhibits = slices.Sorted(maps.Keys(exhibits))
	slices.Sort(v.Persons)
	return v
}

// trainingEvidence reports whether a model file carries kohya's training
// claims: an output name, session, dataset folders or tag frequencies (a
// ModelSpec title alone says nothing about the training data).
func trainingEvidence(m *store.FileModel) bool {
	if m.Training == "" {
		return false
	}
	var tr modelfile.Training
	if json.Unmarshal([]byte(m.Training), &tr) != nil {
		return false
	}
	return tr.OutputName != "" || tr.SessionID != "" || tr.DatasetDirs != "" || tr.TagFrequency != ""
}
