package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/referral"
	"github.com/vibora-project/vibora/internal/server"
)

// maxReferralUpload caps a package or acknowledgement sent to the API
// (the server holds it in memory to verify it); larger packages go
// through the command line.
const maxReferralUpload = 64 << 20

type createReferralRequest struct {
	Operation       string   `json:"operation"`
	Cases           []string `json:"cases"`
	Country         string   `json:"country"`
	RecipientAgency string   `json:"recipient_agency"`
	Channel         string   `json:"channel"`
	Key             string   `json:"key"`
	KeyAgency       string   `json:"key_agency"`
	Passphrase      string   `json:"passphrase"`
	MinScore        float64  `json:"min_score"`
	AsOf            string   `json:"as_of"`
	LegalBasis      string   `json:"legal_basis"`
	Handling        string   `json:"handling"`
	H3Text          string   `json:"h3_text"`
	TLP             string   `json:"tlp"`
	Actions         []string `json:"actions"`
	Deadline        string   `json:"deadline"`
	Contact         string   `json:"contact"`
	Notes           string   `json:"notes"`
	// Recipient is an age recipient (age1...): the archive comes back
	// encrypted to it.
	Recipient string `json:"recipient"`
}

// createReferral builds and signs the referral package of the suspects
// attributed to one country, records it as sent (audited, with custody
// events on the exhibits it draws on) and answers 201 with the archive:
// a tar, or an age-encrypted tar when a recipient is given. The headers
// name the referral, its tag manifest's SHA-256 and the signing key.
func (a *API) createReferral(w http.ResponseWriter, r *http.Request) error {
	var req createReferralRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	o := investigation.ReferralOptions{Operation: req.Operation, Cases: req.Cases, Country: req.Country, RecipientAgency: req.RecipientAgency,
		Channel: req.Channel, KeyAgency: req.KeyAgency, Key: req.Key, MinScore: req.MinScore, LegalBasis: req.LegalBasis, Handling: req.Handling,
		H3Text: req.H3Text, TLP: req.TLP, Actions: req.Actions, Deadline: req.Deadline, Contact: req.Contact, Notes: req.Notes, ToolVersion: a.version}
	if o.Channel == "" {
		o.Channel = "SIENA"
	}
	if o.Handling == "" {
		o.Handling = "H2"
	}
	if o.TLP == "" {
		o.TLP = "TLP:AMBER"
	}
	if req.Passphrase != "" {
		o.Passphrase = []byte(req.Passphrase)
	}
	if req.AsOf != "" {
		t, err := parseTime(req.AsOf)
		if err != nil {
			return badRequestf("as_of %q: want a date (YYYY-MM-DD) or an RFC 3339 time", req.AsOf)
		}
		o.AsOf = t
	}
	res, err := a.svc.CreateReferral(r.Context(), o)
	if err != nil {
		return err
	}
	var tar bytes.Buffer
	if err := res.Package.WriteTar(&tar, res.AsOf); err != nil {
		return err
	}
	body, ctype, name := tar.Bytes(), "application/x-tar", res.ReferralID+".tar"
	if req.Recipient != "" {
		var enc bytes.Buffer
		if err := referral.Encrypt(&enc, body, req.Recipient); err != nil {
			return fmt.Errorf("recipient: %v: %w", err, investigation.ErrInvalid)
		}
		body, ctype, name = enc.Bytes(), "application/age-encryption", name+".age"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("Vibora-Referral-Id", res.ReferralID)
	h.Set("Vibora-Tagmanifest-Sha256", res.TagManifestSHA256)
	h.Set("Vibora-Key-Id", res.KeyID)
	h.Set("Vibora-Suspects", strconv.Itoa(res.Suspects))
	w.WriteHeader(http.StatusCreated)
	_, err = w.Write(body)
	return err
}

// parseTime reads a day (midnight UTC) or an RFC 3339 time.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// readUpload reads a multipart/form-data body of at most
// maxReferralUpload bytes: the file in part file and the text fields
// named by allowed (a field may repeat; its values are kept in order).
func readUpload(w http.ResponseWriter, r *http.Request, file string, allowed ...string) ([]byte, map[string][]string, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, nil, badRequestf("the request body must be multipart/form-data with the %s in part %q", file, file)
	}
	mr := multipart.NewReader(http.MaxBytesReader(w, r.Body, maxReferralUpload), params["boundary"])
	var data []byte
	got := false
	fields := map[string][]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if server.IsTooLarge(err) {
				return nil, nil, err
			}
			return nil, nil, badRequestf("read the multipart body: %v", err)
		}
		name := part.FormName()
		switch {
		case name == file && !got:
			if data, err = io.ReadAll(part); err != nil {
				if server.IsTooLarge(err) {
					return nil, nil, err
				}
				return nil, nil, badRequestf("read part %q: %v", file, err)
			}
			got = true
		case slices.Contains(allowed, name):
			b, err := io.ReadAll(io.LimitReader(part, maxField+1))
			if err != nil || len(b) > maxField {
				return nil, nil, badRequestf("field %q: unreadable or longer than %d bytes", name, maxField)
			}
			fields[name] = append(fields[name], string(b))
		default:
			return nil, nil, badRequestf("unexpected part %q", name)
		}
	}
	if !got {
		return nil, nil, badRequestf("part %q (the %s) is missing", file, file)
	}
	return data, fields, nil
}

// refused turns a verification failure into the 422 it answers, naming
// every failure; other errors pass through.
func refused(err error) error {
	var fs referral.Failures
	if errors.As(err, &fs) {
		return fmt.Errorf("refused: %w: %w", fs, investigation.ErrInvalid)
	}
	return err
}

// uploadedPackage reads the package (a tar archive) of a multipart
// request; an age-encrypted archive is refused: the server holds no
// identity to decrypt it.
func uploadedPackage(data []byte) (*referral.Package, error) {
	if referral.IsEncrypted(data) {
		return nil, fmt.Errorf("the package is age-encrypted: decrypt it first (vibora referral verify --identity): %w", investigation.ErrInvalid)
	}
	pkg, err := referral.ReadTar(data)
	return pkg, refused(err)
}

// referralSummary is what verifying a package found.
type referralSummary struct {
	ReferralID        string          `json:"referral_id"`
	Sender            string          `json:"sender"`
	SignerKeyID       string          `json:"signer_key_id"`
	CreatedAt         string          `json:"created_at"`
	Country           string          `json:"country"`
	Handling          string          `json:"handling"`
	TLP               string          `json:"tlp"`
	Counts            referral.Counts `json:"counts"`
	TagManifestSHA256 string          `json:"tagmanifest_sha256"`
}

// verifyReferral verifies a package (part "package", a tar archive)
// against the trusted senders of the caller's agency: 200 with what it
// holds, or 422 naming every failure.
func (a *API) verifyReferral(w http.ResponseWriter, r *http.Request) error {
	data, _, err := readUpload(w, r, "package")
	if err != nil {
		return err
	}
	pkg, err := uploadedPackage(data)
	if err != nil {
		return err
	}
	v, err := a.svc.VerifyReferral(r.Context(), pkg)
	if err != nil {
		return refused(err)
	}
	rf := v.Referral
	return writeJSON(w, http.StatusOK, referralSummary{ReferralID: rf.ID, Sender: v.Signer.Agency, SignerKeyID: v.Signer.ID, CreatedAt: rf.CreatedAt,
		Country: rf.Recipient.Country, Handling: rf.Handling.Code, TLP: rf.Handling.TLP, Counts: rf.Counts, TagManifestSHA256: v.TagManifestSHA256})
}

type referralImportResponse struct {
	Import investigation.ReferralImport `json:"import"`
}

// importReferral verifies a package (part "package") and opens the case
// named in field "case" from it.
func (a *API) importReferral(w http.ResponseWriter, r *http.Request) error {
	data, f, err := readUpload(w, r, "package", "case")
	if err != nil {
		return err
	}
	pkg, err := uploadedPackage(data)
	if err != nil {
		return err
	}
	res, err := a.svc.ImportReferral(r.Context(), pkg, first(f["case"]))
	if err != nil {
		return refused(err)
	}
	return writeJSON(w, http.StatusCreated, referralImportResponse{res})
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// ackReferral verifies a received package (part "package") and answers
// with the signed acknowledgement file: fields status (acknowledged,
// declined, action), suspect (repeatable, S-0001=declined), note, key,
// key_agency and passphrase.
func (a *API) ackReferral(w http.ResponseWriter, r *http.Request) error {
	data, f, err := readUpload(w, r, "package", "status", "suspect", "note", "key", "key_agency", "passphrase")
	if err != nil {
		return err
	}
	o := investigation.AckOptions{Status: first(f["status"]), Note: first(f["note"]), Key: first(f["key"]), KeyAgency: first(f["key_agency"]), PerSuspect: map[string]string{}}
	if o.Status == "" {
		o.Status = "acknowledged"
	}
	if p := first(f["passphrase"]); p != "" {
		o.Passphrase = []byte(p)
	}
	for _, ps := range f["suspect"] {
		id, st, ok := strings.Cut(ps, "=")
		if !ok {
			return badRequestf("suspect %q: want S-0001=declined", ps)
		}
		o.PerSuspect[id] = st
	}
	pkg, err := uploadedPackage(data)
	if err != nil {
		return err
	}
	file, ack, err := a.svc.AckReferral(r.Context(), pkg, o)
	if err != nil {
		return refused(err)
	}
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Cache-Control"] = noStore
	h.Set("Content-Disposition", `attachment; filename="`+ack.ReferralID+`.ack.json"`)
	h.Set("Content-Length", strconv.Itoa(len(file)))
	w.WriteHeader(http.StatusCreated)
	_, err = w.Write(file)
	return err
}

type ackImportResponse struct {
	Ack investigation.AckImportResult `json:"ack"`
}

// importReferralAck verifies an acknowledgement (part "ack") of a
// package this hub sent and moves its suspects' statuses.
func (a *API) importReferralAck(w http.ResponseWriter, r *http.Request) error {
	data, _, err := readUpload(w, r, "ack")
	if err != nil {
		return err
	}
	res, err := a.svc.ImportAck(r.Context(), data)
	if err != nil {
		return refused(err)
	}
	return writeJSON(w, http.StatusOK, ackImportResponse{res})
}
