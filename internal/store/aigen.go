package store

import (
	"context"
	"database/sql"
	"fmt"
)

// FileGeneration is one generator record of a file (schema version 24):
// the fields searched and grouped on, the resources it names, and the
// whole record as JSON (aigen.Record, prompts included: evidence text).
type FileGeneration struct {
	Seq        int
	Generator  string
	Version    string
	Seed       string
	Sampler    string
	Steps      string
	Width      int
	Height     int
	Workflow   string // workflow fingerprint
	SourceType string // IPTC or C2PA digital source type
	AIDeclared bool
	User       string
	Record     string // JSON
	Resources  []GenerationResource
}

// GenerationResource is a model, LoRA or other file a record names.
type GenerationResource struct {
	Kind     string
	Name     string
	Weight   string
	Hash     string // lower-case hex as written, maybe a prefix
	HashKind string
}

// FileModel is a model file's hashes and training claims (schema version
// 24).
type FileModel struct {
	Format     string
	Size       int64
	SHA256     string
	AutoV1     string
	AutoV2     string
	AutoV3     string
	BLAKE3     string
	CRC32      string
	Tensors    int
	OutputName string // kohya ss_output_name
	Training   string // JSON (modelfile.Training); "" when none
}

const insertGenerationSQL = `INSERT INTO file_generations (file_id, seq, generator, version, seed, sampler, steps, width, height, workflow, source_type,
	ai_declared, user_name, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const insertResourceSQL = `INSERT INTO file_generation_resources (file_id, seq, idx, kind, name, weight, hash, hash_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

const insertModelSQL = `INSERT INTO file_models (file_id, format, size, sha256, autov1, autov2, autov3, blake3, crc32, tensors, output_name, training)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// aigenInserter stores the generation records and model facts of a batch
// with statements prepared on first use.
type aigenInserter struct {
	tx              *Tx
	gen, res, model *sql.Stmt
}

func (ai *aigenInserter) prepare(ctx context.Context, st **sql.Stmt, query string) error {
	if *st != nil {
		return nil
	}
	s, err := ai.tx.tx.PrepareContext(ctx, ai.tx.rebind(query))
	*st = s
	return err
}

func (ai *aigenInserter) insert(ctx context.Context, f *File) error {
	for _, g := range f.Generation {
		if err := ai.prepare(ctx, &ai.gen, insertGenerationSQL); err != nil {
			return err
		}
		if _, err := ai.gen.ExecContext(ctx, f.ID, g.Seq, g.Generator, g.Version, g.Seed, g.Sampler, g.Steps, g.Width, g.Height, g.Workflow, g.SourceType,
			boolInt(g.AIDeclared), g.User, g.Record); err != nil {
			return fmt.Errorf("generation record %d: %w", g.Seq, err)
		}
		for i, r := range g.Resources {
			if err := ai.prepare(ctx, &ai.res, insertResourceSQL); err != nil {
				return err
			}
			if _, err := ai.res.ExecContext(ctx, f.ID, g.Seq, i, r.Kind, r.Name, r.Weight, r.Hash, r.HashKind); err != nil {
				return fmt.Errorf("generation record %d resource %d: %w", g.Seq, i, err)
			}
		}
	}
	if m := f.Model; m != nil {
		if err := ai.prepare(ctx, &ai.model, insertModelSQL); err != nil {
			return err
		}
		if _, err := ai.model.ExecContext(ctx, f.ID, m.Format, m.Size, m.SHA256, m.AutoV1, m.AutoV2, m.AutoV3, m.BLAKE3, m.CRC32, m.Tensors, m.OutputName, m.Training); err != nil {
			return fmt.Errorf("model file: %w", err)
		}
	}
	return nil
}

func (ai *aigenInserter) close() {
	for _, s := range []*sql.Stmt{ai.gen, ai.res, ai.model} {
		if s != nil {
			s.Close()
		}
	}
}

// AIFile is a file with its generation records or its model facts, and
// where it is.
type AIFile struct {
	FileID     int64
	CaseID     int64
	Case       string
	Agency     string
	ExhibitID  int64
	Exhibit    string
	Path       string
	SHA256     string
	Status     string
	Generation []FileGeneration // in record order
	Model      *FileModel
}

// GenerationFiles returns the files with generation records of a case, or
// of every case when caseID is 0, in file order, each with its records
// and their resources.
func (q q) GenerationFiles(ctx context.Context, caseID int64) ([]AIFile, error) {
	where, args := "", []any{}
	if caseID != 0 {
		where, args = " WHERE e.case_id = ?", []any{caseID}
	}
	rows, err := q.query(ctx, `SELECT f.id, e.case_id, c.name, c.agency, f.exhibit_id, e.label, f.path, f.sha256, f.status,
		g.seq, g.generator, g.version, g.seed, g.sampler, g.steps, g.width, g.height, g.workflow, g.source_type, g.ai_declared, g.user_name, g.record
		FROM file_generations g JOIN files f ON f.id = g.file_id JOIN exhibits e ON e.id = f.exhibit_id JOIN cases c ON c.id = e.case_id`+where+`
		ORDER BY f.id, g.seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("generation files: %w", err)
	}
	var out []AIFile
	at := map[[2]int64]*FileGeneration{}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var a AIFile
			var g FileGeneration
			var declared int
			if err := rows.Scan(&a.FileID, &a.CaseID, &a.Case, &a.Agency, &a.ExhibitID, &a.Exhibit, &a.Path, &a.SHA256, &a.Status,
				&g.Seq, &g.Generator, &g.Version, &g.Seed, &g.Sampler, &g.Steps, &g.Width, &g.Height, &g.Workflow, &g.SourceType, &declared, &g.User, &g.Record); err != nil {
				return err
			}
			g.AIDeclared = declared != 0
			if n := len(out); n == 0 || out[n-1].FileID != a.FileID {
				out = append(out, a)
			}
			last := &out[len(out)-1]
			last.Generation = append(last.Generation, g)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("generation files: %w", err)
	}
	for i := range out {
		for j := range out[i].Generation {
			g := &out[i].Generation[j]
			at[[2]int64{out[i].FileID, int64(g.Seq)}] = g
		}
	}
	rows, err = q.query(ctx, `SELECT r.file_id, r.seq, r.kind, r.name, r.weight, r.hash, r.hash_kind FROM file_generation_resources r
		JOIN files f ON f.id = r.file_id JOIN exhibits e ON e.id = f.exhibit_id`+where+` ORDER BY r.file_id, r.seq, r.idx`, args...)
	if err != nil {
		return nil, fmt.Errorf("generation resources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, seq int64
		var r GenerationResource
		if err := rows.Scan(&id, &seq, &r.Kind, &r.Name, &r.Weight, &r.Hash, &r.HashKind); err != nil {
			return nil, fmt.Errorf("generation resources: %w", err)
		}
		if g := at[[2]int64{id, seq}]; g != nil {
			g.Resources = append(g.Resources, r)
		}
	}
	return out, rows.Err()
}

// ModelFiles returns the model files of a case, or of every case when
// caseID is 0, in file order.
func (q q) ModelFiles(ctx context.Context, caseID int64) ([]AIFile, error) {
	where, args := "", []any{}
	if caseID != 0 {
		where, args = " WHERE e.case_id = ?", []any{caseID}
	}
	rows, err := q.query(ctx, `SELECT f.id, e.case_id, c.name, c.agency, f.exhibit_id, e.label, f.path, f.sha256, f.status,
		m.format, m.size, m.sha256, m.autov1, m.autov2, m.autov3, m.blake3, m.crc32, m.tensors, m.output_name, m.training
		FROM file_models m JOIN files f ON f.id = m.file_id JOIN exhibits e ON e.id = f.exhibit_id JOIN cases c ON c.id = e.case_id`+where+`
		ORDER BY f.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("model files: %w", err)
	}
	defer rows.Close()
	var out []AIFile
	for rows.Next() {
		a := AIFile{Model: &FileModel{}}
		m := a.Model
		if err := rows.Scan(&a.FileID, &a.CaseID, &a.Case, &a.Agency, &a.ExhibitID, &a.Exhibit, &a.Path, &a.SHA256, &a.Status,
			&m.Format, &m.Size, &m.SHA256, &m.AutoV1, &m.AutoV2, &m.AutoV3, &m.BLAKE3, &m.CRC32, &m.Tensors, &m.OutputName, &m.Training); err != nil {
			return nil, fmt.Errorf("model files: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
