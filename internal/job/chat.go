package job

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vibora-project/vibora/internal/investigation"
)

// ChatImportParams are a chat import job's parameters and the uploaded
// export's file name (a WhatsApp .txt or .zip, a Telegram result.json, a
// Discord JSON, or a zip of an export folder).
type ChatImportParams struct {
	Exhibit string `json:"exhibit,omitempty"`
	Region  string `json:"region,omitempty"`
	File    string `json:"file"`
}

// SubmitChatImport queues the import of an uploaded chat export (the file
// of field "file", from NewUpload(ctx, caseName)) into the case.
func (m *Manager) SubmitChatImport(ctx context.Context, caseName string, p ChatImportParams, u *Upload) (investigation.Job, error) {
	dir, names, err := u.take("file")
	if err != nil {
		return investigation.Job{}, err
	}
	p.File = names[0]
	return m.submitUpload(ctx, u, investigation.JobSubmission{Kind: investigation.JobChatImport, Case: caseName, Params: p, Upload: dir})
}

func runChatImport(ctx context.Context, m *Manager, rec investigation.JobRecord, pr *progress) (any, error) {
	var p ChatImportParams
	if err := json.Unmarshal(rec.Params, &p); err != nil {
		return nil, fmt.Errorf("chat import parameters: %w", err)
	}
	path, err := m.retain(rec.Upload, p.File)
	if err != nil {
		return nil, err
	}
	rep, err := m.svc.ImportChat(ctx, rec.Case, path, investigation.ChatImportOptions{Exhibit: p.Exhibit, Region: p.Region})
	pr.files.Store(rep.Files.Files)
	pr.bytes.Store(rep.Files.Bytes)
	return rep, err
}
