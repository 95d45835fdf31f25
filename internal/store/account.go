package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Agency is an organisation on a hub: the owner of its cases and its users.
type Agency struct {
	ID        int64
	Name      string
	Country   string
	CreatedAt string
	CreatedBy string
}

// InsertAgency stores a new agency and sets its ID.
func (tx *Tx) InsertAgency(ctx context.Context, a *Agency) error {
	id, err := tx.insertID(ctx, "INSERT INTO agencies (name, country, created_at, created_by) VALUES (?, ?, ?, ?)",
		a.Name, a.Country, a.CreatedAt, a.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("agency %q: %w", a.Name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert agency %q: %w", a.Name, err)
	}
	a.ID = id
	return nil
}

const agencyCols = "id, name, country, created_at, created_by"

func scanAgency(s interface{ Scan(...any) error }) (Agency, error) {
	var a Agency
	err := s.Scan(&a.ID, &a.Name, &a.Country, &a.CreatedAt, &a.CreatedBy)
	return a, err
}

// AgencyByName returns the agency with that name, or ErrNotFound.
func (q q) AgencyByName(ctx context.Context, name string) (Agency, error) {
	a, err := scanAgency(q.queryRow(ctx, "SELECT "+agencyCols+" FROM agencies WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("agency %q: %w", name, ErrNotFound)
	}
	return a, err
}

// Agencies lists every agency by name.
func (q q) Agencies(ctx context.Context) ([]Agency, error) {
	return q.AgencyPage(ctx, "", 0)
}

// AgencyPage reads one page of the agencies by name: those whose name
// sorts after after ("" for the first page), at most limit (0: all).
func (q q) AgencyPage(ctx context.Context, after string, limit int) ([]Agency, error) {
	where, args := keyset("WHERE 1 = 1", "name", after, limit)
	rows, err := q.query(ctx, "SELECT "+agencyCols+" FROM agencies "+where, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAgency)
}

// HasAgencies reports whether any agency exists: a store without agencies is
// a local store, whose cases name their agency freely.
func (q q) HasAgencies(ctx context.Context) (bool, error) {
	var n int
	err := q.queryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM agencies LIMIT 1) a").Scan(&n)
	return n > 0, err
}

// User is an account.
type User struct {
	ID           int64
	Name         string
	AgencyID     int64
	Agency       string
	Role         string
	PasswordHash string
	Disabled     bool
	FailedLogins int
	LockedUntil  string
	CreatedAt    string
	CreatedBy    string
	OIDCIssuer   string // the identity the user logs in as through OIDC
	OIDCSubject  string // ('' for none)
}

const userCols = "u.id, u.name, u.agency_id, a.name, u.role, u.password_hash, u.disabled, u.failed_logins, u.locked_until, u.created_at, u.created_by, u.oidc_issuer, u.oidc_subject"
const userFrom = " FROM users u JOIN agencies a ON a.id = u.agency_id"

func scanUser(s interface{ Scan(...any) error }) (User, error) {
	var u User
	var disabled int
	err := s.Scan(&u.ID, &u.Name, &u.AgencyID, &u.Agency, &u.Role, &u.PasswordHash, &disabled, &u.FailedLogins, &u.LockedUntil, &u.CreatedAt, &u.CreatedBy, &u.OIDCIssuer, &u.OIDCSubject)
	u.Disabled = disabled != 0
	return u, err
}

// InsertUser stores a new user and sets its ID.
func (tx *Tx) InsertUser(ctx context.Context, u *User) error {
	id, err := tx.insertID(ctx, "INSERT INTO users (name, agency_id, role, password_hash, disabled, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
		u.Name, u.AgencyID, u.Role, u.PasswordHash, boolInt(u.Disabled), u.CreatedAt, u.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("user %q: %w", u.Name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert user %q: %w", u.Name, err)
	}
	u.ID = id
	return nil
}

// UserByName returns the user with that name, or ErrNotFound.
func (q q) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(q.queryRow(ctx, "SELECT "+userCols+userFrom+" WHERE u.name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	return u, err
}

// UserByID returns the user with that id, or ErrNotFound.
func (q q) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(q.queryRow(ctx, "SELECT "+userCols+userFrom+" WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	return u, err
}

// Users lists users by name: of one agency, or of every agency when
// agencyID is 0.
func (q q) Users(ctx context.Context, agencyID int64) ([]User, error) {
	return q.UserPage(ctx, agencyID, "", 0)
}

// UserPage reads one page of Users: those whose name sorts after after
// ("" for the first page), at most limit of them (0: all).
func (q q) UserPage(ctx context.Context, agencyID int64, after string, limit int) ([]User, error) {
	cond, args := "WHERE (u.agency_id = ? OR ? = 0)", []any{agencyID, agencyID}
	where, more := keyset(cond, "u.name", after, limit)
	rows, err := q.query(ctx, "SELECT "+userCols+userFrom+" "+where, append(args, more...)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanUser)
}

// SetUserPassword replaces a user's password hash.
func (tx *Tx) SetUserPassword(ctx context.Context, id int64, hash string) error {
	return tx.updateOne(ctx, "user", id, "UPDATE users SET password_hash = ? WHERE id = ?", hash, id)
}

// SetUserDisabled disables or enables a user.
func (tx *Tx) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	return tx.updateOne(ctx, "user", id, "UPDATE users SET disabled = ? WHERE id = ?", boolInt(disabled), id)
}

// SetUserRole changes a user's role.
func (tx *Tx) SetUserRole(ctx context.Context, id int64, role string) error {
	return tx.updateOne(ctx, "user", id, "UPDATE users SET role = ? WHERE id = ?", role, id)
}

// SetLoginFailures records a user's failed login count and the end of its
// lockout ("" for none).
func (tx *Tx) SetLoginFailures(ctx context.Context, id int64, failures int, lockedUntil string) error {
	return tx.updateOne(ctx, "user", id, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", failures, lockedUntil, id)
}

func (q q) updateOne(ctx context.Context, what string, id int64, query string, args ...any) error {
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("update %s %d: %w", what, id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%s %d: %w", what, id, ErrNotFound)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddLoginFailure counts one more failed login of a user and returns the
// new count.
func (tx *Tx) AddLoginFailure(ctx context.Context, id int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins", id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	return n, err
}

// UserByOIDC returns the user linked to an OIDC identity, or ErrNotFound.
func (q q) UserByOIDC(ctx context.Context, issuer, subject string) (User, error) {
	if subject == "" {
		return User{}, fmt.Errorf("oidc identity: %w", ErrNotFound)
	}
	u, err := scanUser(q.queryRow(ctx, "SELECT "+userCols+userFrom+" WHERE u.oidc_issuer = ? AND u.oidc_subject = ?", issuer, subject))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("oidc identity: %w", ErrNotFound)
	}
	return u, err
}

// SetUserOIDC links a user to an OIDC identity (” subject: unlinks it);
// ErrExists when another user holds that identity.
func (tx *Tx) SetUserOIDC(ctx context.Context, id int64, issuer, subject string) error {
	err := tx.updateOne(ctx, "user", id, "UPDATE users SET oidc_issuer = ?, oidc_subject = ? WHERE id = ?", issuer, subject, id)
	if isUnique(err) {
		return fmt.Errorf("oidc identity %s %s: %w", issuer, subject, ErrExists)
	}
	return err
}
