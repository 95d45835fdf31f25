package web

import (
	"io"
	"net/http"
	"slices"

	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
)

// maxUploadField caps a text field of an upload form.
const maxUploadField = 4 << 10

// receiveUpload reads a multipart form as a stream, as the API does: each
// chosen file goes into the job spool as it arrives (once the user may
// submit a job on the case, "" for a bank), and the text fields named by
// allowed are returned. A file input left empty is skipped. The caller
// discards the upload when it is done with it.
func (u *UI) receiveUpload(r *http.Request, caseName string, allowed ...string) (*job.Upload, map[string]string, error) {
	m, err := u.jobs()
	if err != nil {
		return nil, nil, err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, badRequestf("the form must be sent as multipart/form-data")
	}
	up, err := m.NewUpload(r.Context(), caseName)
	if err != nil {
		return nil, nil, err
	}
	fields := map[string]string{}
	fail := func(err error) (*job.Upload, map[string]string, error) {
		up.Discard()
		return nil, nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return up, fields, nil
		}
		if err != nil {
			if server.IsTooLarge(err) {
				return fail(err)
			}
			return fail(badRequestf("the form could not be read"))
		}
		name := part.FormName()
		switch {
		case part.FileName() != "":
			if !cleanText(name) || !cleanText(part.FileName()) {
				return fail(badRequestf("a file's name is not valid UTF-8 text"))
			}
			err = up.Add(name, part.FileName(), part)
		case slices.Contains(allowed, name):
			err = uploadField(part, name, fields)
		default:
			// An empty file input (no file chosen) has no file name and no
			// content; anything else is a field no form here sends.
			var b [1]byte
			if n, _ := io.ReadFull(part, b[:]); n > 0 {
				err = badRequestf("unknown form field %q", name)
			}
		}
		part.Close()
		if err != nil {
			return fail(err)
		}
	}
}

func uploadField(part io.Reader, name string, fields map[string]string) error {
	if _, dup := fields[name]; dup {
		return badRequestf("form field %q given twice", name)
	}
	b, err := io.ReadAll(io.LimitReader(part, maxUploadField+1))
	if err != nil {
		return badRequestf("the form could not be read")
	}
	if len(b) > maxUploadField {
		return badRequestf("form field %q: longer than %d bytes", name, maxUploadField)
	}
	if !cleanText(string(b)) {
		return badRequestf("form field %q is not valid UTF-8 text", name)
	}
	fields[name] = string(b)
	return nil
}

// checkbox reads an HTML checkbox: "on" (or "true") when ticked.
func checkbox(fields map[string]string, name string) bool {
	v := fields[name]
	return v == "on" || v == "true" || v == "1"
}

// toJob answers a submission with the job's page.
func toJob(w http.ResponseWriter, r *http.Request, id int64) {
	http.Redirect(w, r, "/jobs/"+itoa(id), http.StatusSeeOther)
}
