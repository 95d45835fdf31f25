package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Token is an API token. Only the SHA-256 of its secret is stored.
type Token struct {
	ID           int64
	UserID       int64
	User         string
	Agency       string
	Name         string
	SecretSHA256 string
	CreatedAt    string
	CreatedBy    string
	ExpiresAt    string
	RevokedAt    string
	LastUsedAt   string
}

const tokenCols = "t.id, t.user_id, u.name, a.name, t.name, t.secret_sha256, t.created_at, t.created_by, t.expires_at, t.revoked_at, t.last_used_at"
const tokenFrom = " FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id"

func scanToken(s interface{ Scan(...any) error }) (Token, error) {
	var t Token
	err := s.Scan(&t.ID, &t.UserID, &t.User, &t.Agency, &t.Name, &t.SecretSHA256, &t.CreatedAt, &t.CreatedBy, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt)
	return t, err
}

// InsertToken stores a new token and sets its ID.
func (tx *Tx) InsertToken(ctx context.Context, t *Token) error {
	id, err := tx.insertID(ctx, "INSERT INTO api_tokens (user_id, name, secret_sha256, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
		t.UserID, t.Name, t.SecretSHA256, t.CreatedAt, t.CreatedBy, t.ExpiresAt)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	t.ID = id
	return nil
}

// TokenByID returns the token with that id, or ErrNotFound.
func (q q) TokenByID(ctx context.Context, id int64) (Token, error) {
	t, err := scanToken(q.queryRow(ctx, "SELECT "+tokenCols+tokenFrom+" WHERE t.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("token %d: %w", id, ErrNotFound)
	}
	return t, err
}

// Tokens lists tokens by id: of one user (userID), of one agency's users
// (agencyID), or every token when both are 0.
func (q q) Tokens(ctx context.Context, userID, agencyID int64) ([]Token, error) {
	return q.TokenPage(ctx, userID, agencyID, 0, 0)
}

// TokenPage reads one page of Tokens: those with an id above after, at most
// limit of them (0: all), by id.
func (q q) TokenPage(ctx context.Context, userID, agencyID, after int64, limit int) ([]Token, error) {
	query, args := "SELECT "+tokenCols+tokenFrom+" WHERE t.id > ?", []any{after}
	if userID != 0 {
		query, args = query+" AND t.user_id = ?", append(args, userID)
	}
	if agencyID != 0 {
		query, args = query+" AND u.agency_id = ?", append(args, agencyID)
	}
	query += " ORDER BY t.id"
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanToken)
}

// RevokeToken marks a token revoked at that time (a no-op on one already
// revoked).
func (tx *Tx) RevokeToken(ctx context.Context, id int64, at string) error {
	_, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''", at, id)
	return err
}

const tokenAccountSQL = "SELECT t.id, t.expires_at, t.revoked_at, t.last_used_at, u.id, u.name, a.name, u.role, u.disabled" +
	" FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id WHERE t.secret_sha256 = ?"

// TokenAccount is the token with that secret hash and its user, in one
// indexed lookup by a prepared statement: the hot path of every API
// request. It reads only what a check needs: the token's id and times, and
// the user's id, name, agency, role and whether it is disabled.
// ErrNotFound when no token has that hash.
func (db *DB) TokenAccount(ctx context.Context, secretSHA256 string) (Token, User, error) {
	var t Token
	var u User
	var disabled int
	st, err := db.prepared(ctx, tokenAccountSQL)
	if err != nil {
		return t, u, fmt.Errorf("token: %w", err)
	}
	err = st.QueryRowContext(ctx, secretSHA256).
		Scan(&t.ID, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt, &u.ID, &u.Name, &u.Agency, &u.Role, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return t, u, fmt.Errorf("token: %w", ErrNotFound)
	}
	u.Disabled = disabled != 0
	t.UserID, t.User, t.Agency, t.SecretSHA256 = u.ID, u.Name, u.Agency, secretSHA256
	return t, u, err
}

// AuthEpoch is the auth epoch: a counter that every change to accounts,
// tokens, sessions, memberships and shares bumps in its own transaction
// (triggers, migration 0028). A reader that caches what a credential grants
// compares it per request; one prepared single-row read.
func (db *DB) AuthEpoch(ctx context.Context) (int64, error) {
	st, err := db.prepared(ctx, "SELECT n FROM auth_epoch WHERE id = 1")
	if err != nil {
		return 0, fmt.Errorf("auth epoch: %w", err)
	}
	var n int64
	if err := st.QueryRowContext(ctx).Scan(&n); err != nil {
		return 0, fmt.Errorf("auth epoch: %w", err)
	}
	return n, nil
}

// TouchToken records when a token was last used. It is no audited change
// and runs outside a transaction.
func (q q) TouchToken(ctx context.Context, id int64, at string) error {
	_, err := q.exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at, id)
	return err
}

// Session is a login session, stored by the SHA-256 of its opaque id.
type Session struct {
	IDSHA256   string
	UserID     int64
	CreatedAt  string
	LastSeenAt string
	RemoteAddr string
	Method     string // password or oidc
}

// InsertSession stores a new session.
func (tx *Tx) InsertSession(ctx context.Context, s Session) error {
	_, err := tx.exec(ctx, "INSERT INTO sessions (id_sha256, user_id, created_at, last_seen_at, remote_addr, method) VALUES (?, ?, ?, ?, ?, ?)",
		s.IDSHA256, s.UserID, s.CreatedAt, s.LastSeenAt, s.RemoteAddr, s.Method)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

const sessionAccountSQL = "SELECT s.created_at, s.last_seen_at, s.remote_addr, s.method, " + userCols +
	" FROM sessions s JOIN users u ON u.id = s.user_id JOIN agencies a ON a.id = u.agency_id WHERE s.id_sha256 = ?"

// SessionAccount is the session with that id hash and its user, in one
// indexed lookup by a prepared statement; ErrNotFound when there is none.
func (db *DB) SessionAccount(ctx context.Context, idSHA256 string) (Session, User, error) {
	var s Session
	var u User
	var disabled int
	st, err := db.prepared(ctx, sessionAccountSQL)
	if err != nil {
		return s, u, fmt.Errorf("session: %w", err)
	}
	err = st.QueryRowContext(ctx, idSHA256).
		Scan(&s.CreatedAt, &s.LastSeenAt, &s.RemoteAddr, &s.Method,
			&u.ID, &u.Name, &u.AgencyID, &u.Agency, &u.Role, &u.PasswordHash, &disabled, &u.FailedLogins, &u.LockedUntil, &u.CreatedAt, &u.CreatedBy, &u.OIDCIssuer, &u.OIDCSubject)
	if errors.Is(err, sql.ErrNoRows) {
		return s, u, fmt.Errorf("session: %w", ErrNotFound)
	}
	u.Disabled = disabled != 0
	s.IDSHA256, s.UserID = idSHA256, u.ID
	return s, u, err
}

// TouchSession records when a session was last seen. It is no audited
// change and runs outside a transaction.
func (q q) TouchSession(ctx context.Context, idSHA256, at string) error {
	_, err := q.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id_sha256 = ?", at, idSHA256)
	return err
}

// DeleteSession ends one session (a no-op when it does not exist).
func (q q) DeleteSession(ctx context.Context, idSHA256 string) error {
	_, err := q.exec(ctx, "DELETE FROM sessions WHERE id_sha256 = ?", idSHA256)
	return err
}

// DeleteUserSessions ends every session of a user.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return err
}

// DeleteSessionsBefore removes sessions last seen before idleBefore or
// created before createdBefore: expired ones.
func (q q) DeleteSessionsBefore(ctx context.Context, idleBefore, createdBefore string) (int64, error) {
	res, err := q.exec(ctx, "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?", idleBefore, createdBefore)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
