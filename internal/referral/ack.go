package referral

import (
	"crypto/ed25519"
	"fmt"
	"time"
)

// AckSchemaVersion is the version of an acknowledgement.
const AckSchemaVersion = "vibora-referral-ack/1"

// Acknowledgement statuses.
const (
	AckAcknowledged = "acknowledged"
	AckDeclined     = "declined"
	AckAction       = "action"
)

// AckStatuses lists the statuses an acknowledgement may carry.
var AckStatuses = []string{AckAcknowledged, AckDeclined, AckAction}

// ackContext prefixes the signed bytes of an acknowledgement, so a
// signature over one cannot be taken for a signature over anything else.
const ackContext = "vibora referral acknowledgement v1\n"

// Ack is the recipient's answer to a package: the package it answers (its
// referral ID and the SHA-256 of its tag manifest), an overall status and
// one per suspect.
type Ack struct {
	SchemaVersion     string       `json:"schema_version"`
	ReferralID        string       `json:"referral_id"`
	TagManifestSHA256 string       `json:"tagmanifest_sha256"`
	Status            string       `json:"status"`
	Agency            string       `json:"agency"`
	CreatedAt         string       `json:"created_at"`
	Note              string       `json:"note,omitempty"`
	Suspects          []AckSuspect `json:"suspects"`
}

// AckSuspect is the status of one suspect of the package.
type AckSuspect struct {
	ID        string `json:"id"`
	SourceRef string `json:"source_ref"` // the sender's person reference, from the package
	Status    string `json:"status"`
	Note      string `json:"note,omitempty"`
}

// SignedAck is the acknowledgement file: the exact bytes of the Ack
// JSON, the signer's public key and the Ed25519 signature over
// ackContext followed by those bytes.
type SignedAck struct {
	Payload   []byte    `json:"payload"` // base64 in the file
	Signer    PublicKey `json:"signer"`
	Signature []byte    `json:"signature"`
}

// NewAck answers a verified package: status for the whole package, and
// per suspect the status in perSuspect (by suspect ID) or status.
func NewAck(v *Verified, status, agency, note string, perSuspect map[string]string, at time.Time) (Ack, error) {
	a := Ack{SchemaVersion: AckSchemaVersion, ReferralID: v.Referral.ID, TagManifestSHA256: v.TagManifestSHA256,
		Status: status, Agency: agency, CreatedAt: at.UTC().Truncate(time.Second).Format(time.RFC3339), Note: note, Suspects: []AckSuspect{}}
	known := map[string]bool{}
	for _, s := range v.Suspects {
		known[s.ID] = true
		st := status
		if ps, ok := perSuspect[s.ID]; ok {
			st = ps
		}
		a.Suspects = append(a.Suspects, AckSuspect{ID: s.ID, SourceRef: s.SourceRef, Status: st})
	}
	for id := range perSuspect {
		if !known[id] {
			return a, fmt.Errorf("acknowledge: the package has no suspect %s", id)
		}
	}
	b, err := marshal(a)
	if err != nil {
		return a, err
	}
	if err := Validate(SchemaAck, b); err != nil {
		return a, fmt.Errorf("acknowledge: %w", err)
	}
	return a, nil
}

// SignAck writes the signed acknowledgement file.
func SignAck(a Ack, s Signer) ([]byte, error) {
	payload, err := marshal(a)
	if err != nil {
		return nil, err
	}
	if err := Validate(SchemaAck, payload); err != nil {
		return nil, fmt.Errorf("sign acknowledgement: %w", err)
	}
	pub := s.Public
	pub.NotAfter = ""
	sig := ed25519.Sign(s.Key, append([]byte(ackContext), payload...))
	return marshal(SignedAck{Payload: payload, Signer: pub, Signature: sig})
}

// VerifyAck checks an acknowledgement file: a trusted, current key, a
// valid signature, a payload matching the schema. Failures are named as
// Verify names them.
func VerifyAck(file []byte, trust Trust, now time.Time) (Ack, PublicKey, error) {
	var a Ack
	if len(file) > MaxManifest {
		return a, PublicKey{}, Failures{{Check: CheckArchive, Detail: fmt.Sprintf("acknowledgement larger than %d bytes", MaxManifest)}}
	}
	var sa SignedAck
	if err := decodeStrict(file, &sa); err != nil {
		return a, PublicKey{}, Failures{{Check: CheckSchema, Detail: "acknowledgement: " + err.Error()}}
	}
	if sa.Signer.Algorithm != KeyAlgorithm || len(sa.Signer.Key) != ed25519.PublicKeySize || sa.Signer.ID != KeyID(sa.Signer.Key) {
		return a, PublicKey{}, Failures{{Check: CheckSignature, Detail: "acknowledgement: malformed signer key"}}
	}
	key, f := trust.check(sa.Signer, now)
	if f != nil {
		f.File = ""
		return a, key, Failures{f}
	}
	if len(sa.Signature) != ed25519.SignatureSize || !ed25519.Verify(key.Key, append([]byte(ackContext), sa.Payload...), sa.Signature) {
		return a, key, Failures{{Check: CheckSignature, Detail: fmt.Sprintf("acknowledgement: signature does not verify under key %s (%s)", key.ID, key.Agency)}}
	}
	if err := Validate(SchemaAck, sa.Payload); err != nil {
		return a, key, Failures{{Check: CheckSchema, Detail: "acknowledgement: " + err.Error()}}
	}
	if err := decodeStrict(sa.Payload, &a); err != nil {
		return a, key, Failures{{Check: CheckSchema, Detail: "acknowledgement: " + err.Error()}}
	}
	return a, key, nil
}
