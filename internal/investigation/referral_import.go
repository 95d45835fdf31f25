package investigation

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/operation"
	"github.com/vibora-project/vibora/internal/referral"
	"github.com/vibora-project/vibora/internal/store"
)

// VerifyReferral checks a received package against the trusted-sender
// registry of the principal's agency at the service's clock. The error
// is a referral.Failures naming every failure.
func (s *Service) VerifyReferral(ctx context.Context, pkg *referral.Package) (*referral.Verified, error) {
	trust, err := s.trust(ctx)
	if err != nil {
		return nil, err
	}
	return referral.Verify(pkg, trust, s.now())
}

// ReferralImport is what importing a package made.
type ReferralImport struct {
	Case              string `json:"case"`
	ReferralID        string `json:"referral_id"`
	Sender            string `json:"sender"`
	SignerKeyID       string `json:"signer_key_id"`
	TagManifestSHA256 string `json:"tagmanifest_sha256"`
	Suspects          int    `json:"suspects"`
	Identifiers       int    `json:"identifiers"`
	Bank              string `json:"bank,omitempty"`
	BankRecords       int64  `json:"bank_records"`
}

// ImportReferral verifies a package and opens a case from it: the
// package as an exhibit with the custody event "received and verified",
// its suspects and their identifiers, and its hash list as a known bank
// (named referral-<id>). Nothing is imported from a package that fails
// verification.
func (s *Service) ImportReferral(ctx context.Context, pkg *referral.Package, caseName string) (ReferralImport, error) {
	v, err := s.VerifyReferral(ctx, pkg)
	if err != nil {
		return ReferralImport{}, err
	}
	r := v.Referral
	res := ReferralImport{Case: caseName, ReferralID: r.ID, Sender: r.Sender.Agency, SignerKeyID: v.Signer.ID, TagManifestSHA256: v.TagManifestSHA256}
	c, err := s.CreateCase(ctx, Case{Name: caseName, Operation: r.Operation, LegalRef: r.LegalBasis})
	if err != nil {
		return res, err
	}
	ex, err := s.AddExhibit(ctx, caseName, Exhibit{Label: r.ID, Type: "other",
		Description: fmt.Sprintf("signed referral package from %s (%s, %s), %d suspects", r.Sender.Agency, r.Handling.Code, r.Handling.TLP, len(v.Suspects)),
		SeizedBy:    r.Sender.Agency, SeizedAt: r.CreatedAt, LegalAuthority: r.LegalBasis})
	if err != nil {
		return res, err
	}
	ch := &change{action: "referral.import", object: "case:" + caseName + "/referral:" + r.ID}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertCustodyEvent(ctx, &store.CustodyEvent{CaseID: c.ID, ExhibitID: ex.ID, Event: "received and verified", Actor: s.actor(ctx), At: s.timestamp(),
			Reason:  fmt.Sprintf("referral %s from %s, signed by key %s (%s), verified against the trusted-sender registry", r.ID, r.Sender.Agency, v.Signer.ID, v.Signer.Agency),
			Digests: "tagmanifest-sha256=" + v.TagManifestSHA256}); err != nil {
			return err
		}
		for _, sp := range v.Suspects {
			doc, err := json.Marshal(sp)
			if err != nil {
				return err
			}
			row := store.ReferralSuspect{CaseID: c.ID, ReferralID: r.ID, Suspect: sp.ID, SourceRef: sp.SourceRef, Name: sp.Name, Country: sp.Attribution.Country, Score: sp.Score, Document: string(doc)}
			if err := tx.InsertReferralSuspect(ctx, &row); err != nil {
				return err
			}
			for _, id := range sp.Identifiers {
				kind := identifier.Kind(id.Kind)
				norm := id.Value
				if identifier.IsKind(kind) {
					if n, err := identifier.Normalize(kind, id.Value, identifier.NormalizeOptions{}); err == nil {
						norm = n
					}
				}
				if err := tx.LinkIdentifier(ctx, c.ID, id.Kind, norm, identifier.Key(kind, norm), subjectReferral, row.ID, "referral "+r.ID+" "+sp.ID, id.Value); err != nil {
					return err
				}
				res.Identifiers++
			}
			res.Suspects++
		}
		ch.detail = map[string]any{"sender": r.Sender.Agency, "signer_key_id": v.Signer.ID, "tagmanifest_sha256": v.TagManifestSHA256, "suspects": res.Suspects, "identifiers": res.Identifiers}
		return nil
	})
	if err != nil {
		return res, err
	}
	if r.Counts.Media > 0 {
		dir, err := os.MkdirTemp("", "vibora-referral-")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
		file := filepath.Join(dir, "hashes-vics.json")
		if err := os.WriteFile(file, pkg.Files[referral.VICSFile], 0o600); err != nil {
			return res, err
		}
		res.Bank = "referral-" + strings.ToLower(r.ID)
		br, err := s.ImportBank(ctx, file, BankImportOptions{Name: res.Bank, Kind: "known", Format: "vics", Source: "referral " + r.ID + " from " + r.Sender.Agency})
		if err != nil {
			return res, fmt.Errorf("import the package's hash list: %w", err)
		}
		res.BankRecords = br.Bank.RecordCount
	}
	return res, nil
}

// ReceivedSuspect is a suspect of a received package, as imported.
type ReceivedSuspect struct {
	ReferralID string           `json:"referral_id"`
	Suspect    referral.Suspect `json:"suspect"`
}

// ReceivedSuspects lists the suspects of the packages imported into a case.
func (s *Service) ReceivedSuspects(ctx context.Context, caseName string) ([]ReceivedSuspect, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.ReferralSuspects(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := []ReceivedSuspect{}
	for _, r := range rows {
		var sp referral.Suspect
		if err := json.Unmarshal([]byte(r.Document), &sp); err != nil {
			return nil, fmt.Errorf("referral %s suspect %s: %w", r.ReferralID, r.Suspect, err)
		}
		out = append(out, ReceivedSuspect{ReferralID: r.ReferralID, Suspect: sp})
	}
	return out, nil
}

// AckOptions is the answer to a package.
type AckOptions struct {
	Status     string            // acknowledged, declined, action
	PerSuspect map[string]string // suspect ID -> status, overriding Status
	Note       string
	KeyAgency  string
	Key        string
	Passphrase []byte
}

// AckReferral verifies a received package and writes the signed
// acknowledgement of it. The acknowledgement is audited.
func (s *Service) AckReferral(ctx context.Context, pkg *referral.Package, o AckOptions) ([]byte, referral.Ack, error) {
	v, err := s.VerifyReferral(ctx, pkg)
	if err != nil {
		return nil, referral.Ack{}, err
	}
	signer, err := s.signer(ctx, o.KeyAgency, o.Key, o.Passphrase)
	if err != nil {
		return nil, referral.Ack{}, err
	}
	a, err := referral.NewAck(v, o.Status, signer.Public.Agency, o.Note, o.PerSuspect, s.now())
	if err != nil {
		return nil, a, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	file, err := referral.SignAck(a, signer)
	if err != nil {
		return nil, a, err
	}
	ch := &change{action: "referral.ack", object: "referral:" + a.ReferralID, after: a}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return nil })
	return file, a, err
}

// AckImportResult is what importing an acknowledgement changed.
type AckImportResult struct {
	ReferralID string          `json:"referral_id"`
	Agency     string          `json:"agency"`
	Status     string          `json:"status"`
	Suspects   []AckSuspectRow `json:"suspects"`
}

// AckSuspectRow is one suspect's answer and what became of it.
type AckSuspectRow struct {
	ID        string `json:"id"`
	SourceRef string `json:"source_ref"`
	Status    string `json:"status"`
	Moved     string `json:"moved_to,omitempty"` // the operation status set
	Note      string `json:"note,omitempty"`
}

// ImportAck verifies an acknowledgement (a trusted, current key; the
// package it answers is one this store sent; its suspects are that
// package's) and, when the package came from an operation, moves each
// suspect's status (acknowledged, declined, or under investigation for
// "action").
func (s *Service) ImportAck(ctx context.Context, file []byte) (AckImportResult, error) {
	trust, err := s.trust(ctx)
	if err != nil {
		return AckImportResult{}, err
	}
	a, key, err := referral.VerifyAck(file, trust, s.now())
	if err != nil {
		return AckImportResult{}, err
	}
	sent, err := s.db.ReferralSentByTagManifest(ctx, a.TagManifestSHA256)
	if errors.Is(err, store.ErrNotFound) {
		return AckImportResult{}, fmt.Errorf("the acknowledgement answers package %s (tag manifest %s), which this store did not send: %w", a.ReferralID, a.TagManifestSHA256, ErrInvalid)
	}
	if err != nil {
		return AckImportResult{}, err
	}
	var refs []referral.AckSuspect
	if err := json.Unmarshal([]byte(sent.Suspects), &refs); err != nil {
		return AckImportResult{}, fmt.Errorf("referral %s: %w", sent.ReferralID, err)
	}
	known := map[string]string{}
	for _, r := range refs {
		known[r.ID] = r.SourceRef
	}
	res := AckImportResult{ReferralID: sent.ReferralID, Agency: key.Agency, Status: a.Status}
	for _, sp := range a.Suspects {
		if known[sp.ID] != sp.SourceRef {
			return res, fmt.Errorf("the acknowledgement names suspect %s (%s), which package %s does not hold: %w", sp.ID, sp.SourceRef, sent.ReferralID, ErrInvalid)
		}
		res.Suspects = append(res.Suspects, AckSuspectRow{ID: sp.ID, SourceRef: sp.SourceRef, Status: sp.Status, Note: sp.Note})
	}
	if sent.Operation != "" {
		if err := s.moveAckStatuses(ctx, sent, a, key, res.Suspects); err != nil {
			return res, err
		}
	}
	ch := &change{action: "referral.ack-import", object: "referral:" + sent.ReferralID, after: res,
		detail: map[string]any{"signer_key_id": key.ID, "agency": key.Agency, "created_at": a.CreatedAt}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return nil })
	return res, err
}

// ackDay is the day an acknowledgement was made.
func ackDay(a referral.Ack) string {
	t, err := time.Parse(time.RFC3339, a.CreatedAt)
	if err != nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// ackStatus is the operation status an acknowledgement status moves a
// suspect to.
var ackStatus = map[string]operation.Status{
	referral.AckAcknowledged: operation.Acknowledged,
	referral.AckDeclined:     operation.Declined,
	referral.AckAction:       operation.UnderInvestigation,
}

// moveAckStatuses moves the operation statuses of the acknowledged
// suspects through the operation's use case (SetSuspectStatus: the status
// table, the audit record); a suspect the operation does not follow, or
// already at or past the status, is left as it is.
func (s *Service) moveAckStatuses(ctx context.Context, sent store.ReferralSent, a referral.Ack, key referral.PublicKey, rows []AckSuspectRow) error {
	op, err := s.operationFor(ctx, sent.Operation, access.Write)
	if err != nil {
		return err
	}
	for i, row := range rows {
		_, x, err := s.suspectIn(ctx, op, row.SourceRef)
		if errors.Is(err, store.ErrNotFound) {
			continue // referred without being followed in the operation
		}
		if err != nil {
			return err
		}
		to := ackStatus[row.Status]
		if x.Status == string(to) {
			continue
		}
		// An answer proves the package reached the recipient: a suspect
		// still at referral prepared was referred, on the package's day.
		if x.Status == string(operation.ReferralPrepared) {
			req := StatusRequest{Change: operation.Change{Status: operation.Referred, Channel: cmp.Or(sent.Channel, "other"), Date: sent.CreatedAt[:min(len(sent.CreatedAt), 10)],
				Package: sent.ReferralID, Why: fmt.Sprintf("package %s sent to %s (its acknowledgement arrived)", sent.ReferralID, sent.Country)}}
			if _, err := s.SetSuspectStatus(ctx, sent.Operation, row.SourceRef, req); err != nil {
				return err
			}
		}
		day := min(ackDay(a), s.now().UTC().Format(time.DateOnly)) // a recipient's clock ahead of ours
		req := StatusRequest{Change: operation.Change{Status: to, Date: day, Package: sent.ReferralID,
			Why:      fmt.Sprintf("acknowledgement of %s by %s: %s", sent.ReferralID, key.Agency, row.Status),
			Evidence: "acknowledgement of tag manifest " + a.TagManifestSHA256}}
		got, err := s.SetSuspectStatus(ctx, sent.Operation, row.SourceRef, req)
		if errors.Is(err, operation.ErrTransition) {
			continue // already further on, or moved by hand
		}
		if err != nil {
			return err
		}
		rows[i].Moved = got.Status
	}
	return nil
}
