package investigation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/store"
)

// Authentication errors. Every refusal of a login, session or token is
// ErrUnauthenticated, worded alike whatever the reason (unknown user, wrong
// password, disabled, expired, revoked), so that it tells an attacker
// nothing; ErrLockedOut marks an account (or address) locked after too many
// failed logins; ErrProviderUnavailable an agency's identity provider that
// cannot be reached or answers nonsense (the login may work later).
var (
	ErrUnauthenticated     = errors.New("not authenticated")
	ErrLockedOut           = errors.New("locked out after too many failed logins: try again later")
	ErrProviderUnavailable = errors.New("the agency's identity provider cannot be reached: try again later or log in with a password")
)

// LoginPolicy bounds logins and sessions.
type LoginPolicy struct {
	MaxFailures int           // consecutive failed logins that lock an account
	LockFor     time.Duration // how long a lockout lasts
	Idle        time.Duration // a session unused this long ends
	Absolute    time.Duration // a session ends this long after its login
}

// touchEvery is how stale a token's last use may get before it is written
// again: a token on the hot path is written at most once a minute.
const touchEvery = time.Minute

// shownName is a user name as the audit trail may record it when it names
// no account: valid UTF-8, at most 64 bytes.
func shownName(name string) string {
	name = strings.ReplaceAll(strings.ToValidUTF8(name, "?"), "\x00", "?")
	if len(name) > 64 {
		name = strings.ToValidUTF8(name[:64], "")
	}
	return name
}

// authAudit appends an audit record of an authentication event acting as p,
// running fn (if any) in the same transaction; fn may change the record.
func (s *Service) authAudit(ctx context.Context, p access.Principal, action, object string, detail map[string]any, fn func(tx *store.Tx, ch *change) error) error {
	// The request's id and address, from the anonymous principal a server
	// may have put in ctx, or the address the login came from.
	if cp, ok := access.FromContext(ctx); ok {
		p.RequestID, p.RemoteAddr = cp.RequestID, cp.RemoteAddr
	}
	if ra, _ := detail["remote_addr"].(string); p.RemoteAddr == "" {
		p.RemoteAddr = ra
	}
	ctx = access.NewContext(ctx, p)
	ch := &change{action: action, object: object, detail: detail}
	return s.mutate(ctx, ch, func(tx *store.Tx) error {
		if fn == nil {
			return nil
		}
		return fn(tx, ch)
	})
}

func (s *Service) dummyPHC() string {
	s.dummyHash.Do(func() {
		s.dummyHash.phc, _ = secret.HashPassword(secret.GeneratePassword(), s.pwParams)
	})
	return s.dummyHash.phc
}

func parseTime(v string) time.Time {
	t, err := time.Parse(audit.TimeFormat, v)
	if err != nil {
		return time.Time{}
	}
	return t
}

// PasswordLogin checks a user's password and, when it is right, opens a
// session and returns its opaque id (to be sent as a cookie, never stored)
// and the principal. Every outcome is audited: a success, a failure, the
// lockout a failure starts, and a refusal while locked. After
// pol.MaxFailures consecutive failures the account is locked for
// pol.LockFor, and refused even with the right password until then.
func (s *Service) PasswordLogin(ctx context.Context, username, password, remoteAddr string, pol LoginPolicy) (string, access.Principal, error) {
	now := s.now()
	detail := map[string]any{"remote_addr": shownName(remoteAddr)}
	u, err := store.User{}, notFound("user", username)
	if nameMayExist(username) {
		u, err = s.db.UserByName(ctx, username)
	}
	if errors.Is(err, store.ErrNotFound) {
		secret.CheckPassword(s.dummyPHC(), password) // take as long as a real check
		detail["reason"] = "unknown user"
		name := shownName(username)
		if err := s.authAudit(ctx, access.Principal{Name: name, Method: access.Password}, "auth.login.failure", "user:"+name, detail, nil); err != nil {
			return "", access.Principal{}, err
		}
		return "", access.Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return "", access.Principal{}, err
	}
	p := accountPrincipal(u, access.Password)
	if u.LockedUntil != "" && now.Before(parseTime(u.LockedUntil)) {
		detail["reason"], detail["locked_until"] = "locked", u.LockedUntil
		if err := s.authAudit(ctx, p, "auth.login.refused", "user:"+u.Name, detail, nil); err != nil {
			return "", access.Principal{}, err
		}
		return "", access.Principal{}, ErrLockedOut
	}
	phc := u.PasswordHash
	if u.Disabled || phc == "" {
		phc = s.dummyPHC()
	}
	ok, err := secret.CheckPassword(phc, password)
	if err != nil {
		s.log.Error("password hash unreadable", "user", u.Name, "err", err)
		ok = false
	}
	if !ok || u.Disabled || u.PasswordHash == "" {
		detail["reason"] = "wrong password"
		if u.Disabled {
			detail["reason"] = "disabled"
		}
		locked := false
		err := s.authAudit(ctx, p, "auth.login.failure", "user:"+u.Name, detail, func(tx *store.Tx, ch *change) error {
			n, err := tx.AddLoginFailure(ctx, u.ID)
			if err != nil || pol.MaxFailures <= 0 || n < pol.MaxFailures {
				return err
			}
			locked, ch.action = true, "auth.lockout" // the failure that locks the account
			until := audit.FormatTime(now.Add(pol.LockFor))
			detail["locked_until"], detail["failures"] = until, n
			if err := tx.SetLoginFailures(ctx, u.ID, 0, until); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			return "", access.Principal{}, err
		}
		if locked {
			return "", access.Principal{}, ErrLockedOut
		}
		return "", access.Principal{}, ErrUnauthenticated
	}
	return s.openSession(ctx, p, u, password, remoteAddr, detail, pol)
}

// openSession opens a session for u after a successful login (with the
// password, to rehash it when the parameters changed; "" otherwise),
// audited in the same transaction.
func (s *Service) openSession(ctx context.Context, p access.Principal, u store.User, password, remoteAddr string, detail map[string]any, pol LoginPolicy) (string, access.Principal, error) {
	now := s.now()
	id, digest := secret.NewSessionID()
	at := audit.FormatTime(now)
	err := s.authAudit(ctx, p, "auth.login", "user:"+u.Name, detail, func(tx *store.Tx, _ *change) error {
		if u.FailedLogins != 0 || u.LockedUntil != "" {
			if err := tx.SetLoginFailures(ctx, u.ID, 0, ""); err != nil {
				return err
			}
		}
		if password != "" && secret.NeedsRehash(u.PasswordHash, s.pwParams) {
			hash, err := secret.HashPassword(password, s.pwParams)
			if err != nil {
				return err
			}
			if err := tx.SetUserPassword(ctx, u.ID, hash); err != nil {
				return err
			}
		}
		return tx.InsertSession(ctx, store.Session{IDSHA256: digest, UserID: u.ID, CreatedAt: at, LastSeenAt: at,
			RemoteAddr: shownName(remoteAddr), Method: string(p.Method)})
	})
	if err != nil {
		return "", access.Principal{}, err
	}
	// Expired sessions of anyone are removed at logins, which are rare.
	if _, err := s.db.DeleteSessionsBefore(ctx, audit.FormatTime(now.Add(-pol.Idle)), audit.FormatTime(now.Add(-pol.Absolute))); err != nil {
		s.log.Warn("remove expired sessions", "err", err)
	}
	return id, p, nil
}

// OIDCLogin opens a session for the user linked to an identity that
// agency's OpenID Connect provider vouched for (the caller verified the ID
// token: signature, issuer, audience, expiry, nonce). The user must belong
// to that agency and not be disabled. Every outcome is audited.
func (s *Service) OIDCLogin(ctx context.Context, agency, issuer, subject, remoteAddr string, pol LoginPolicy) (string, access.Principal, error) {
	detail := map[string]any{"remote_addr": shownName(remoteAddr), "issuer": shownName(issuer), "subject": shownName(subject), "agency": shownName(agency)}
	u, err := store.User{}, notFound("user", subject)
	if nameMayExist(issuer) && nameMayExist(subject) {
		u, err = s.db.UserByOIDC(ctx, issuer, subject)
	}
	fail := func(p access.Principal, object, reason string) (string, access.Principal, error) {
		detail["reason"] = reason
		if err := s.authAudit(ctx, p, "auth.login.failure", object, detail, nil); err != nil {
			return "", access.Principal{}, err
		}
		return "", access.Principal{}, ErrUnauthenticated
	}
	if errors.Is(err, store.ErrNotFound) {
		return fail(access.Principal{Name: shownName(subject), Method: access.OIDC}, "oidc:"+shownName(subject), "identity linked to no user")
	}
	if err != nil {
		return "", access.Principal{}, err
	}
	p := accountPrincipal(u, access.OIDC)
	switch {
	case u.Agency != agency:
		return fail(p, "user:"+u.Name, "user of another agency")
	case u.Disabled:
		return fail(p, "user:"+u.Name, "disabled")
	}
	return s.openSession(ctx, p, u, "", remoteAddr, detail, pol)
}

// LinkOIDC links a user to the identity (issuer, subject) its agency's
// OpenID Connect provider knows it by; an empty subject unlinks it. Only
// an administrator of the user's agency may. A user is never linked by
// e-mail address.
func (s *Service) LinkOIDC(ctx context.Context, user, issuer, subject string) (User, error) {
	_, u, err := s.userFor(ctx, user, false)
	if err != nil {
		return User{}, err
	}
	if subject == "" {
		issuer = ""
	}
	if err := checkText("issuer", issuer, MaxNameLen); err != nil {
		return User{}, err
	}
	if err := checkText("subject", subject, MaxNameLen); err != nil {
		return User{}, err
	}
	if subject != "" && !strings.HasPrefix(issuer, "https://") && !strings.HasPrefix(issuer, "http://") {
		return User{}, fmt.Errorf("issuer %q: want the provider's URL: %w", issuer, ErrInvalid)
	}
	u.OIDCIssuer, u.OIDCSubject = issuer, subject
	ch := &change{action: "user.oidc.link", object: "user:" + u.Name, detail: map[string]string{"issuer": issuer, "subject": subject}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.SetUserOIDC(ctx, u.ID, issuer, subject); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, u.ID)
	})
	return userView(u), err
}

// RecordAddressLockout audits that logins from an address were locked out
// (the throttle that counts them lives with the server).
func (s *Service) RecordAddressLockout(ctx context.Context, remoteAddr string, until time.Time) error {
	remoteAddr = shownName(remoteAddr)
	return s.authAudit(ctx, access.Principal{Name: "(address)", Method: access.Password}, "auth.lockout", "address:"+remoteAddr,
		map[string]any{"remote_addr": remoteAddr, "locked_until": audit.FormatTime(until)}, nil)
}

// SessionPrincipal returns the principal of an open session, refusing (and
// removing) one that has been idle for pol.Idle, is older than pol.Absolute
// or whose user is disabled. It records the session's use, so that it stays
// open while used.
func (s *Service) SessionPrincipal(ctx context.Context, sessionID string, pol LoginPolicy) (access.Principal, error) {
	if len(sessionID) != 43 {
		return access.Principal{}, ErrUnauthenticated
	}
	digest := secret.Digest(sessionID)
	sess, u, err := s.db.SessionAccount(ctx, digest)
	if errors.Is(err, store.ErrNotFound) {
		return access.Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return access.Principal{}, err
	}
	now := s.now()
	seen := parseTime(sess.LastSeenAt)
	if u.Disabled || !now.Before(seen.Add(pol.Idle)) || !now.Before(parseTime(sess.CreatedAt).Add(pol.Absolute)) {
		if err := s.db.DeleteSession(ctx, digest); err != nil {
			return access.Principal{}, err
		}
		return access.Principal{}, ErrUnauthenticated
	}
	if now.Sub(seen) >= min(touchEvery, pol.Idle/10) {
		if err := s.db.TouchSession(ctx, digest, audit.FormatTime(now)); err != nil {
			return access.Principal{}, err
		}
	}
	m := access.Method(sess.Method)
	if m == "" {
		m = access.Password
	}
	return accountPrincipal(u, m), nil
}

// EndSession ends a session (logout) and audits it; ending one that does
// not exist is no error.
func (s *Service) EndSession(ctx context.Context, sessionID string) error {
	digest := secret.Digest(sessionID)
	_, u, err := s.db.SessionAccount(ctx, digest)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.authAudit(ctx, accountPrincipal(u, access.Password), "auth.logout", "user:"+u.Name, nil, func(tx *store.Tx, _ *change) error {
		return tx.DeleteSession(ctx, digest)
	})
}

// TokenPrincipal returns the principal of an API token: one indexed lookup
// of the token's SHA-256, no password hashing and no audit record. A
// revoked or expired token, or one of a disabled user, is refused at once.
// The token's last use is written at most once a minute.
//
// It also says until when the answer may be reused without another lookup
// by a caller that checks AuthEpoch before each use (read before this
// call): the token's expiry, or the next time its last use is due to be
// written, whichever comes first.
func (s *Service) TokenPrincipal(ctx context.Context, bearer string) (access.Principal, time.Time, error) {
	if !secret.LooksLikeToken(bearer) {
		return access.Principal{}, time.Time{}, ErrUnauthenticated
	}
	t, u, err := s.db.TokenAccount(ctx, secret.Digest(bearer))
	if errors.Is(err, store.ErrNotFound) {
		return access.Principal{}, time.Time{}, ErrUnauthenticated
	}
	if err != nil {
		return access.Principal{}, time.Time{}, err
	}
	now := s.now()
	var expires time.Time
	if t.ExpiresAt != "" {
		expires = parseTime(t.ExpiresAt)
	}
	if t.RevokedAt != "" || u.Disabled || (t.ExpiresAt != "" && !now.Before(expires)) {
		return access.Principal{}, time.Time{}, ErrUnauthenticated
	}
	until := now.Add(touchEvery)
	if t.LastUsedAt == "" || now.Sub(parseTime(t.LastUsedAt)) >= touchEvery {
		if err := s.db.TouchToken(ctx, t.ID, audit.FormatTime(now)); err != nil {
			return access.Principal{}, time.Time{}, fmt.Errorf("token last use: %w", err)
		}
	} else {
		until = parseTime(t.LastUsedAt).Add(touchEvery)
	}
	if t.ExpiresAt != "" && expires.Before(until) {
		until = expires
	}
	return accountPrincipal(u, access.Token), until, nil
}

// AuthEpoch is a counter that every change to accounts, tokens, sessions,
// case memberships and shares bumps in the change's own transaction,
// whichever process makes it: a cache of what credentials grant is valid
// while it stays the same.
func (s *Service) AuthEpoch(ctx context.Context) (int64, error) {
	return s.db.AuthEpoch(ctx)
}

// CommitMark is the store's fingerprint of its last commit by any process
// (store.DB.CommitMark): while it is unchanged, an AuthEpoch read after the
// mark was taken still holds. ok is false where the store has none.
func (s *Service) CommitMark() (mark [store.CommitMarkSize]byte, ok bool) {
	return s.db.CommitMark()
}
