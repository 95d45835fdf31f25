package investigation

import "context"

// caseAI is what the suspect ranking reads about a case's AI-generated
// material: the AI-generated files, the model files its images name, and
// the LoRAs with training claims, by file; and the files of each exhibit.
type caseAI struct {
	generated map[int64]bool
	named     map[int64]string // model file -> path, named by a generated image of the case
	trained   map[int64]string // model file -> path, with kohya training claims
	byExhibit map[int64][]int64
}

func (s *Service) caseAI(ctx context.Context, caseID int64) (*caseAI, error) {
	gens, err := s.db.GenerationFiles(ctx, caseID)
	if err != nil {
		return nil, err
	}
	models, err := s.db.ModelFiles(ctx, caseID)
	if err != nil {
		return nil, err
	}
	a := &caseAI{generated: map[int64]bool{}, named: map[int64]string{}, trained: map[int64]string{}, byExhibit: map[int64][]int64{}}
	idx := newModelIndex(models)
	for _, f := range gens {
		if verdictOf(f.Generation) != VerdictAI {
			continue
		}
		a.generated[f.FileID] = true
		a.byExhibit[f.ExhibitID] = append(a.byExhibit[f.ExhibitID], f.FileID)
		for _, g := range f.Generation {
			for _, r := range g.Resources {
				for _, m := range idx.match(r) {
					a.named[models[m.i].FileID] = models[m.i].Path
				}
			}
		}
	}
	for _, m := range models {
		if trainingEvidence(m.Model) {
			a.trained[m.FileID] = m.Path
		}
		if a.named[m.FileID] != "" || a.trained[m.FileID] != "" {
			a.byExhibit[m.ExhibitID] = append(a.byExhibit[m.ExhibitID], m.FileID)
		}
	}
	return a, nil
}

// fill counts one file a person shared or holds; where, when not empty,
// follows the file's path in the reasons (" on exhibit PC-1").
func (a *caseAI) fill(p *Person, fileID int64, where string) {
	if a == nil {
		return
	}
	if a.generated[fileID] {
		p.AIFiles++
	}
	if path, ok := a.named[fileID]; ok {
		p.AIModels = append(p.AIModels, path+where)
	}
	if path, ok := a.trained[fileID]; ok {
		p.AITraining = append(p.AITraining, path+where)
	}
}

// fillHeld counts the AI files and model files on exhibit ex, which the
// person owns (a full-account export's device, or a device attributed to
// them: where then names it), each file once.
func (a *caseAI) fillHeld(p *Person, ex int64, seen map[int64]bool, where string) {
	if a == nil {
		return
	}
	for _, id := range a.byExhibit[ex] {
		if !seen[id] {
			seen[id] = true
			a.fill(p, id, where)
		}
	}
}
