package investigation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/store"
)

// Agency is an organisation on a hub: the owner of its cases and of its
// users' accounts.
type Agency struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Country   string `json:"country"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

func agencyView(a store.Agency) Agency { return Agency(a) }

// User is an account. Its password hash is never part of it.
type User struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Agency       string `json:"agency"`
	Role         string `json:"role"`
	Disabled     bool   `json:"disabled"`
	FailedLogins int    `json:"failed_logins"`
	LockedUntil  string `json:"locked_until,omitempty"`
	CreatedAt    string `json:"created_at"`
	CreatedBy    string `json:"created_by"`
	OIDCIssuer   string `json:"oidc_issuer,omitempty"`  // the OpenID Connect identity it logs in as
	OIDCSubject  string `json:"oidc_subject,omitempty"` // (omitted when none)
}

func userView(u store.User) User {
	return User{ID: u.ID, Name: u.Name, Agency: u.Agency, Role: u.Role, Disabled: u.Disabled, FailedLogins: u.FailedLogins,
		LockedUntil: u.LockedUntil, CreatedAt: u.CreatedAt, CreatedBy: u.CreatedBy, OIDCIssuer: u.OIDCIssuer, OIDCSubject: u.OIDCSubject}
}

// Token is an API token, without its secret (never stored) or the secret's
// digest.
type Token struct {
	ID         int64  `json:"id"`
	User       string `json:"user"`
	Agency     string `json:"agency"`
	Name       string `json:"name"`
	CreatedAt  string `json:"created_at"`
	CreatedBy  string `json:"created_by"`
	ExpiresAt  string `json:"expires_at,omitempty"`
	RevokedAt  string `json:"revoked_at,omitempty"`
	LastUsedAt string `json:"last_used_at,omitempty"`
}

func tokenView(t store.Token) Token {
	return Token{ID: t.ID, User: t.User, Agency: t.Agency, Name: t.Name, CreatedAt: t.CreatedAt, CreatedBy: t.CreatedBy,
		ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt}
}

// CaseShare is a case shared with another agency, with a role.
type CaseShare struct {
	Case      string `json:"case"`
	Agency    string `json:"agency"`
	Role      string `json:"role"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

func shareView(s store.CaseShare) CaseShare {
	return CaseShare{Case: s.Case, Agency: s.Agency, Role: s.Role, CreatedAt: s.CreatedAt, CreatedBy: s.CreatedBy}
}

// CaseMember is a user's role on one case.
type CaseMember struct {
	Case      string `json:"case"`
	User      string `json:"user"`
	Agency    string `json:"agency"`
	Role      string `json:"role"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

func memberView(m store.CaseMember) CaseMember {
	return CaseMember{Case: m.Case, User: m.User, Agency: m.Agency, Role: m.Role, CreatedAt: m.CreatedAt, CreatedBy: m.CreatedBy}
}

// ErrUnknownAgency marks a name that is no registered agency.
var ErrUnknownAgency = fmt.Errorf("unknown agency: %w", ErrInvalid)

// WithPasswordParams sets the argon2id parameters of new password hashes
// (secret.DefaultParams unless set; tests use cheap ones).
func WithPasswordParams(p secret.Params) Option { return func(s *Service) { s.pwParams = p } }

// accountName checks the name of an agency or user: 1 to 64 letters,
// digits and . _ - @, starting with a letter or digit.
func accountName(kind, name string) (string, error) {
	name = strings.TrimSpace(name)
	ok := name != "" && len(name) <= 64
	for i, c := range name {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !letter && (i == 0 || !strings.ContainsRune("._-@", c)) {
			ok = false
		}
	}
	if !ok {
		shown := name
		if !utf8.ValidString(shown) || len(shown) > 64 {
			shown = "(invalid)"
		}
		return "", fmt.Errorf("%s name %q: want 1 to 64 letters, digits and . _ - @, starting with a letter or digit: %w", kind, shown, ErrInvalid)
	}
	return name, nil
}

// AddAgency registers an agency (hub administrators only). country is an
// ISO 3166 alpha-2 code.
func (s *Service) AddAgency(ctx context.Context, name, country string) (Agency, error) {
	if err := s.check(ctx, access.Agency, access.Admin); err != nil {
		return Agency{}, err
	}
	name, err := accountName("agency", name)
	if err != nil {
		return Agency{}, err
	}
	country = strings.ToUpper(strings.TrimSpace(country))
	if len(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' || country[1] > 'Z' {
		return Agency{}, fmt.Errorf("country %q: want an ISO 3166 alpha-2 code such as NL: %w", country, ErrInvalid)
	}
	a := store.Agency{Name: name, Country: country, CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	ch := &change{action: "agency.add", object: "agency:" + name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertAgency(ctx, &a); err != nil {
			return err
		}
		ch.after = agencyView(a)
		return nil
	})
	return agencyView(a), err
}

// Agencies lists the agencies by name.
func (s *Service) Agencies(ctx context.Context) ([]Agency, error) {
	if err := s.check(ctx, access.Agency, access.Read); err != nil {
		return nil, err
	}
	list, err := s.db.Agencies(ctx)
	return views(list, agencyView), err
}

// caseAgency checks the agency a new case names: on a store with agencies
// it must be one of them; on a local store without any, any name goes.
func (s *Service) caseAgency(ctx context.Context, name string) error {
	if name == "" {
		return nil
	}
	has, err := s.db.HasAgencies(ctx)
	if err != nil || !has {
		return err
	}
	if !nameMayExist(name) {
		return fmt.Errorf("%w: %w", notFound("agency", name), ErrUnknownAgency)
	}
	if _, err := s.db.AgencyByName(ctx, name); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("agency %q is not registered on this store: %w", name, ErrUnknownAgency)
	} else if err != nil {
		return err
	}
	return nil
}

// NewUser is what AddUser needs.
type NewUser struct {
	Name     string
	Agency   string
	Role     string
	Password string // checked by secret.CheckPasswordPolicy
}

// AddUser creates an account. Administrators of an agency add users to
// their agency; hub administrators (and the owner of a local store) to any,
// and only they may make hub administrators.
func (s *Service) AddUser(ctx context.Context, nu NewUser) (User, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return User{}, err
	}
	name, err := accountName("user", nu.Name)
	if err != nil {
		return User{}, err
	}
	role, err := access.ParseRole(nu.Role)
	if err != nil {
		return User{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	if !p.Allows(access.User, access.Admin, nu.Agency) {
		return User{}, fmt.Errorf("add user %q to agency %q: %w", name, nu.Agency, access.ErrForbidden)
	}
	if role == access.HubAdmin && !p.Allows(access.Agency, access.Admin, "") {
		return User{}, fmt.Errorf("add user %q as %s: %w", name, role, access.ErrForbidden)
	}
	if !nameMayExist(nu.Agency) {
		return User{}, fmt.Errorf("%w: %w", notFound("agency", nu.Agency), ErrUnknownAgency)
	}
	a, err := s.db.AgencyByName(ctx, nu.Agency)
	if errors.Is(err, store.ErrNotFound) {
		return User{}, fmt.Errorf("%w: %w", err, ErrUnknownAgency)
	} else if err != nil {
		return User{}, err
	}
	if err := secret.CheckPasswordPolicy(nu.Password); err != nil {
		return User{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	hash, err := secret.HashPassword(nu.Password, s.pwParams)
	if err != nil {
		return User{}, err
	}
	u := store.User{Name: name, AgencyID: a.ID, Agency: a.Name, Role: string(role), PasswordHash: hash, CreatedAt: s.timestamp(), CreatedBy: p.Name}
	ch := &change{action: "user.add", object: "user:" + name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, &u); err != nil {
			return err
		}
		ch.after = userView(u) // without the password hash
		return nil
	})
	return userView(u), err
}

// userScope is the agency whose users p may see (0: every agency), or
// ErrForbidden when it may see none.
func (s *Service) userScope(ctx context.Context, p access.Principal) (int64, error) {
	if p.AllowsAnyAgency(access.User, access.Read) {
		return 0, nil
	}
	if p.Allows(access.User, access.Read, p.Agency) {
		a, err := s.db.AgencyByName(ctx, p.Agency)
		if err != nil {
			return 0, err
		}
		return a.ID, nil
	}
	return 0, fmt.Errorf("users: %w", access.ErrForbidden)
}

// Users lists the users the principal manages, by name: of every agency
// for a hub administrator, of its own agency for an agency administrator.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	agencyID, err := s.userScope(ctx, p)
	if err != nil {
		return nil, err
	}
	list, err := s.db.Users(ctx, agencyID)
	return views(list, userView), err
}

// userFor loads a user the principal may act on: itself (when self is
// allowed) or a user of an agency it administers. Any other user is not
// found, like a user that does not exist.
func (s *Service) userFor(ctx context.Context, name string, self bool) (access.Principal, store.User, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return p, store.User{}, err
	}
	if !nameMayExist(name) {
		return p, store.User{}, notFound("user", name)
	}
	u, err := s.db.UserByName(ctx, name)
	if err != nil {
		return p, u, err
	}
	if uid, ok := p.UserID(); self && ok && uid == u.ID {
		return p, u, nil
	}
	if !p.Allows(access.User, access.Read, u.Agency) {
		return p, store.User{}, fmt.Errorf("user %q: %w", name, store.ErrNotFound)
	}
	if !p.Allows(access.User, access.Admin, u.Agency) {
		return p, store.User{}, fmt.Errorf("user %q: %w", name, access.ErrForbidden)
	}
	if u.Role == string(access.HubAdmin) && !p.Allows(access.Agency, access.Admin, "") {
		return p, store.User{}, fmt.Errorf("user %q is a hub admin: %w", name, access.ErrForbidden)
	}
	return p, u, nil
}

// SetPassword replaces a user's password: its own, or one of a user its
// principal administers. It ends the user's sessions and lockout.
func (s *Service) SetPassword(ctx context.Context, name, password string) (User, error) {
	_, u, err := s.userFor(ctx, name, true)
	if err != nil {
		return User{}, err
	}
	if err := secret.CheckPasswordPolicy(password); err != nil {
		return User{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	hash, err := secret.HashPassword(password, s.pwParams)
	if err != nil {
		return User{}, err
	}
	u.PasswordHash, u.FailedLogins, u.LockedUntil = hash, 0, ""
	ch := &change{action: "user.passwd", object: "user:" + u.Name}
	return userView(u), s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.SetUserPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := tx.SetLoginFailures(ctx, u.ID, 0, ""); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, u.ID)
	})
}

// DisableUser disables an account: its sessions end, and its sessions and
// tokens are refused from the next request on.
func (s *Service) DisableUser(ctx context.Context, name string) (User, error) {
	_, u, err := s.userFor(ctx, name, false)
	if err != nil {
		return User{}, err
	}
	before := userView(u)
	u.Disabled = true
	ch := &change{action: "user.disable", object: "user:" + u.Name, before: before, after: userView(u)}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.SetUserDisabled(ctx, u.ID, true); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, u.ID)
	})
	return userView(u), err
}

// EnableUser enables a disabled account. Its failed-login count and
// lockout are cleared; it logs in again with its password (its old
// sessions ended when it was disabled).
func (s *Service) EnableUser(ctx context.Context, name string) (User, error) {
	_, u, err := s.userFor(ctx, name, false)
	if err != nil {
		return User{}, err
	}
	before := userView(u)
	u.Disabled, u.FailedLogins, u.LockedUntil = false, 0, ""
	ch := &change{action: "user.enable", object: "user:" + u.Name, before: before, after: userView(u)}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.SetUserDisabled(ctx, u.ID, false); err != nil {
			return err
		}
		return tx.SetLoginFailures(ctx, u.ID, 0, "")
	})
	return userView(u), err
}

// SetRole changes a user's role. Administrators of the user's agency may
// give any role but hub-admin; only a hub administrator (or the owner of a
// local store) makes or unmakes a hub administrator. Nobody changes its own
// role, so an agency is never left without the administrator who acted.
// The user's sessions end: the next login carries the new role, and its
// tokens carry it from the next request on.
func (s *Service) SetRole(ctx context.Context, name, role string) (User, error) {
	p, u, err := s.userFor(ctx, name, false)
	if err != nil {
		return User{}, err
	}
	r, err := access.ParseRole(role)
	if err != nil {
		return User{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	if r == access.HubAdmin && !p.Allows(access.Agency, access.Admin, "") {
		return User{}, fmt.Errorf("make user %q a %s: %w", name, r, access.ErrForbidden)
	}
	if uid, ok := p.UserID(); ok && uid == u.ID {
		return User{}, fmt.Errorf("change your own role: %w", access.ErrForbidden)
	}
	before := userView(u)
	if u.Role == string(r) {
		return before, nil
	}
	u.Role = string(r)
	ch := &change{action: "user.role", object: "user:" + u.Name, before: before, after: userView(u)}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.SetUserRole(ctx, u.ID, string(r)); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, u.ID)
	})
	return userView(u), err
}
