package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ReferralSent is a referral package this store built and signed.
type ReferralSent struct {
	ID                int64
	ReferralID        string
	Operation         string
	SourceCase        string
	Country           string
	Channel           string
	TagManifestSHA256 string
	KeyID             string
	Suspects          string // JSON: the package's suspect IDs and source references
	CreatedAt         string
	CreatedBy         string
}

const referralSentCols = "id, referral_id, operation, source_case, country, channel, tagmanifest_sha256, key_id, suspects, created_at, created_by"

func scanReferralSent(s interface{ Scan(...any) error }) (ReferralSent, error) {
	var r ReferralSent
	err := s.Scan(&r.ID, &r.ReferralID, &r.Operation, &r.SourceCase, &r.Country, &r.Channel, &r.TagManifestSHA256, &r.KeyID, &r.Suspects, &r.CreatedAt, &r.CreatedBy)
	return r, err
}

// InsertReferralSent records a package; building the same package again
// (same tag manifest) is ErrExists.
func (tx *Tx) InsertReferralSent(ctx context.Context, r *ReferralSent) error {
	id, err := tx.insertID(ctx, "INSERT INTO referrals_sent (referral_id, operation, source_case, country, channel, tagmanifest_sha256, key_id, suspects, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.ReferralID, r.Operation, r.SourceCase, r.Country, r.Channel, r.TagManifestSHA256, r.KeyID, r.Suspects, r.CreatedAt, r.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("referral %s: %w", r.ReferralID, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert referral %s: %w", r.ReferralID, err)
	}
	r.ID = id
	return nil
}

// ReferralSentByTagManifest returns the package whose tag manifest has
// that SHA-256, or ErrNotFound.
func (q q) ReferralSentByTagManifest(ctx context.Context, sha string) (ReferralSent, error) {
	r, err := scanReferralSent(q.queryRow(ctx, "SELECT "+referralSentCols+" FROM referrals_sent WHERE tagmanifest_sha256 = ?", sha))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("referral with tag manifest %s: %w", sha, ErrNotFound)
	}
	return r, err
}

// ReferralsSent lists the packages sent, by id.
func (q q) ReferralsSent(ctx context.Context) ([]ReferralSent, error) {
	rows, err := q.query(ctx, "SELECT "+referralSentCols+" FROM referrals_sent ORDER BY id")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanReferralSent)
}

// WrittenMessage is a message a participant wrote, with its conversation.
type WrittenMessage struct {
	ID           int64
	ExtID        string
	AtUTC        string
	Conversation string
	Text         string
}

// MessagesBySender lists the non-service messages with text that
// participant senderID wrote in a case, oldest first, at most limit.
func (q q) MessagesBySender(ctx context.Context, caseID, senderID int64, limit int) ([]WrittenMessage, error) {
	rows, err := q.query(ctx, `SELECT m.id, m.ext_id, m.at_utc, c.name, m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.case_id = ? AND m.sender_id = ? AND m.service = 0 AND m.text <> '' ORDER BY m.at_utc, m.id LIMIT ?`, caseID, senderID, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (WrittenMessage, error) {
		var m WrittenMessage
		err := s.Scan(&m.ID, &m.ExtID, &m.AtUTC, &m.Conversation, &m.Text)
		return m, err
	})
}

// ReferralSuspect is a suspect of a received package, imported into a case.
type ReferralSuspect struct {
	ID         int64
	CaseID     int64
	ReferralID string
	Suspect    string // S-0001
	SourceRef  string // the sender's reference
	Name       string
	Country    string
	Score      float64
	Document   string // the suspect's JSON
}

// InsertReferralSuspect stores a received suspect and sets its ID.
func (tx *Tx) InsertReferralSuspect(ctx context.Context, r *ReferralSuspect) error {
	id, err := tx.insertID(ctx, "INSERT INTO referral_suspects (case_id, referral_id, suspect, source_ref, name, country, score, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		r.CaseID, r.ReferralID, r.Suspect, r.SourceRef, r.Name, r.Country, r.Score, r.Document)
	if isUnique(err) {
		return fmt.Errorf("referral %s suspect %s: %w", r.ReferralID, r.Suspect, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert referral suspect: %w", err)
	}
	r.ID = id
	return nil
}

// ReferralSuspects lists the received suspects of a case, by id.
func (q q) ReferralSuspects(ctx context.Context, caseID int64) ([]ReferralSuspect, error) {
	rows, err := q.query(ctx, "SELECT id, case_id, referral_id, suspect, source_ref, name, country, score, document FROM referral_suspects WHERE case_id = ? ORDER BY id", caseID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (ReferralSuspect, error) {
		var r ReferralSuspect
		err := s.Scan(&r.ID, &r.CaseID, &r.ReferralID, &r.Suspect, &r.SourceRef, &r.Name, &r.Country, &r.Score, &r.Document)
		return r, err
	})
}
