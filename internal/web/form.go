package web

import "net/http"

// maxForm bounds a url-encoded form's body (notes, names, passwords).
const maxForm = 64 << 10

// parseForm reads a url-encoded POST form, bounded by maxForm.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return badRequestf("the form could not be read")
	}
	return nil
}
