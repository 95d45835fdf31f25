package job

import (
	"context"
	"fmt"
	"io"

	"github.com/vibora-project/vibora/internal/investigation"
)

// Upload is the files a client sends for one job, received into the spool
// as they arrive (a multipart request is read as a stream). Each file is
// kept under the form field it came in ("file", or "logs" and
// "watchlist"). Submitting a job with it hands the files to the job, which
// removes them when it ends; Discard removes them otherwise.
type Upload struct {
	m     *Manager
	in    *incoming
	files map[string]string // field -> stored name
	dir   string
	used  bool
}

// NewUpload starts an upload for a job on the case ("" for a bank
// import), once it has checked that the call's principal may submit one:
// nothing is received for a request that would be refused.
func (m *Manager) NewUpload(ctx context.Context, caseName string) (*Upload, error) {
	if err := m.svc.CheckJobSubmission(ctx, caseName); err != nil {
		return nil, err
	}
	in, err := m.spool.begin()
	if err != nil {
		return nil, err
	}
	return &Upload{m: m, in: in, files: map[string]string{}}, nil
}

// Add receives the file of a form field, named by the client (only its
// base name is kept). The files of one upload together are capped at
// Config.MaxUpload (ErrTooLarge).
func (u *Upload) Add(field, name string, r io.Reader) error {
	if u.in == nil {
		return fmt.Errorf("upload: already handed to a job")
	}
	if _, ok := u.files[field]; ok {
		return fmt.Errorf("upload: field %q given twice: %w", field, investigation.ErrInvalid)
	}
	stored, err := u.in.add(name, r)
	if err != nil {
		return err
	}
	u.files[field] = stored
	return nil
}

// Discard removes the upload's files unless a job took them.
func (u *Upload) Discard() {
	if u.in != nil {
		u.in.abort()
		u.in = nil
	}
	if u.dir != "" && !u.used {
		u.m.releaseUpload(context.Background(), u.dir, 0)
	}
}

// take commits the upload and returns the stored names of the fields,
// which must all be there (and no other).
func (u *Upload) take(fields ...string) (string, []string, error) {
	if u.in == nil {
		return "", nil, fmt.Errorf("upload: already handed to a job")
	}
	var names []string
	for _, f := range fields {
		n, ok := u.files[f]
		if !ok {
			return "", nil, fmt.Errorf("upload: no file in field %q: %w", f, investigation.ErrInvalid)
		}
		names = append(names, n)
	}
	if len(u.files) != len(fields) {
		return "", nil, fmt.Errorf("upload: want the files %v only: %w", fields, investigation.ErrInvalid)
	}
	dir, err := u.in.commit()
	u.in = nil
	if err != nil {
		return "", nil, err
	}
	u.dir = dir
	return dir, names, nil
}

// submitUpload submits a job that reads the upload's files.
func (m *Manager) submitUpload(ctx context.Context, u *Upload, sub investigation.JobSubmission) (investigation.Job, error) {
	j, err := m.submit(ctx, sub)
	if err == nil {
		u.used = true
	}
	return j, err
}
