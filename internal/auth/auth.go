// Package auth authenticates the requests of a hub: password logins and
// logins through an agency's OpenID Connect provider that open server-side
// sessions, sessions with idle and absolute timeouts, and API tokens. It is the contract the HTTP layer codes against; the accounts
// themselves, and the audit records of every login, live in
// internal/investigation, and the secrets (argon2id password hashes,
// tokens, session ids) in auth/secret.
//
// Brute force is bounded twice: an account locks after MaxFailures
// consecutive failed logins (stored, so it holds across restarts and
// servers), and a remote address that fails AddressMaxFailures times
// within AddressWindow is refused for LockFor (kept in memory by this
// Authenticator). Password checks run at most CPU-count at a time, since
// each takes 64 MiB and about a fifth of a second of CPU.
package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
)

// Errors: ErrUnauthenticated for every refused credential, worded alike;
// ErrLockedOut for an account or address locked after failed logins;
// ErrProviderUnavailable when an agency's OIDC provider cannot be reached.
var (
	ErrUnauthenticated     = investigation.ErrUnauthenticated
	ErrLockedOut           = investigation.ErrLockedOut
	ErrProviderUnavailable = investigation.ErrProviderUnavailable
)

// Config bounds logins and sessions. The zero value of a field takes its
// default.
type Config struct {
	MaxFailures        int                   // failed logins in a row that lock an account: 5
	LockFor            time.Duration         // lockout of an account or address: 15 minutes
	AddressMaxFailures int                   // failed logins from one address within AddressWindow that lock it: 20
	AddressWindow      time.Duration         // 15 minutes
	Idle               time.Duration         // a session unused this long ends: 30 minutes
	Absolute           time.Duration         // a session ends this long after login: 12 hours
	OIDC               map[string]OIDCClient // agency name -> its OpenID Connect provider (optional)
	Now                func() time.Time
}

// Defaults.
const (
	DefaultMaxFailures        = 5
	DefaultLockFor            = 15 * time.Minute
	DefaultAddressMaxFailures = 20
	DefaultAddressWindow      = 15 * time.Minute
	DefaultIdle               = 30 * time.Minute
	DefaultAbsolute           = 12 * time.Hour
)

// maxAddresses bounds the memory the address throttle holds.
const maxAddresses = 100_000

// Authenticator turns credentials into principals.
type Authenticator struct {
	svc  *investigation.Service
	cfg  Config
	pol  investigation.LoginPolicy
	sem  chan struct{} // password checks in flight
	mu   sync.Mutex
	addr map[netip.Prefix]*addrState
	oidc oidcState

	tokens tokenCache // token_cache.go
	epoch  epochGate
}

type addrState struct {
	failures    int
	windowStart time.Time
	lockedUntil time.Time
}

// New returns an Authenticator on svc, which should be a service without a
// local actor (investigation.New(db, "")). Use the same clock for both.
func New(svc *investigation.Service, cfg Config) *Authenticator {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = DefaultMaxFailures
	}
	if cfg.AddressMaxFailures <= 0 {
		cfg.AddressMaxFailures = DefaultAddressMaxFailures
	}
	def(&cfg.LockFor, DefaultLockFor)
	def(&cfg.AddressWindow, DefaultAddressWindow)
	def(&cfg.Idle, DefaultIdle)
	def(&cfg.Absolute, DefaultAbsolute)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Authenticator{
		svc: svc, cfg: cfg,
		epoch: epochGate{read: svc.AuthEpoch, mark: svc.CommitMark},
		pol:   investigation.LoginPolicy{MaxFailures: cfg.MaxFailures, LockFor: cfg.LockFor, Idle: cfg.Idle, Absolute: cfg.Absolute},
		sem:   make(chan struct{}, runtime.NumCPU()),
		addr:  map[netip.Prefix]*addrState{},
		oidc:  oidcState{pending: map[string]pendingLogin{}, providers: map[string]*oidc.Provider{}},
	}
}

// Config is the configuration in effect, defaults filled in (a server sets
// its cookie's lifetime from Absolute).
func (a *Authenticator) Config() Config { return a.cfg }

// Login checks a user name and password from remoteAddr ("host:port" or
// "host") and opens a session: the opaque id to send as a cookie, and the
// principal. Failures are ErrUnauthenticated or ErrLockedOut.
func (a *Authenticator) Login(ctx context.Context, username, password, remoteAddr string) (string, access.Principal, error) {
	key := addressKey(remoteAddr)
	if a.addressLocked(key) {
		return "", access.Principal{}, ErrLockedOut
	}
	select {
	case a.sem <- struct{}{}:
	case <-ctx.Done():
		return "", access.Principal{}, ctx.Err()
	}
	id, p, err := a.svc.PasswordLogin(ctx, username, password, remoteAddr, a.pol)
	<-a.sem
	switch {
	case err == nil:
		return id, p, nil
	case errors.Is(err, ErrUnauthenticated) || errors.Is(err, ErrLockedOut):
		if until, locked := a.addressFailed(key); locked {
			if aerr := a.svc.RecordAddressLockout(ctx, key.String(), until); aerr != nil {
				return "", access.Principal{}, aerr
			}
		}
	}
	return "", access.Principal{}, err
}

// Session returns the principal of a session id (from a cookie), and
// keeps the session open while it is used.
func (a *Authenticator) Session(ctx context.Context, sessionID string) (access.Principal, error) {
	return a.svc.SessionPrincipal(ctx, sessionID, a.pol)
}

// Logout ends a session.
func (a *Authenticator) Logout(ctx context.Context, sessionID string) error {
	return a.svc.EndSession(ctx, sessionID)
}

// Token returns the principal of an API token (the value of an
// "Authorization: Bearer" header, without the scheme). What a token grants
// is cached while the store's auth epoch stays the same (token_cache.go):
// a token revoked or a user disabled, by this process or another, is
// refused from the next request on.
func (a *Authenticator) Token(ctx context.Context, bearer string) (access.Principal, error) {
	epoch, err := a.epoch.current(ctx)
	if err != nil {
		return access.Principal{}, err
	}
	key := sha256.Sum256([]byte(bearer))
	if p, ok := a.tokens.get(key, epoch, a.cfg.Now()); ok {
		return p, nil
	}
	p, until, err := a.svc.TokenPrincipal(ctx, bearer)
	if err != nil {
		return access.Principal{}, err
	}
	a.tokens.put(key, epoch, p, until)
	return p, nil
}

// addressKey is the unit the throttle counts: an IPv4 address, or the /64
// of an IPv6 one (a host holds a whole /64). Unparsable addresses share one
// key.
func addressKey(remoteAddr string) netip.Prefix {
	host := remoteAddr
	if ap, err := netip.ParseAddrPort(remoteAddr); err == nil {
		host = ap.Addr().String()
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return netip.Prefix{}
	}
	ip = ip.Unmap().WithZone("")
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}

func (a *Authenticator) addressLocked(key netip.Prefix) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.addr[key]
	return st != nil && a.cfg.Now().Before(st.lockedUntil)
}

// addressFailed counts a failed login from key and reports whether it
// locked the address, and until when.
func (a *Authenticator) addressFailed(key netip.Prefix) (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.cfg.Now()
	st := a.addr[key]
	if st == nil {
		if len(a.addr) >= maxAddresses {
			a.prune(now)
		}
		st = &addrState{windowStart: now}
		a.addr[key] = st
	}
	if now.Sub(st.windowStart) >= a.cfg.AddressWindow {
		st.failures, st.windowStart = 0, now
	}
	st.failures++
	if st.failures < a.cfg.AddressMaxFailures {
		return time.Time{}, false
	}
	st.failures, st.windowStart, st.lockedUntil = 0, now, now.Add(a.cfg.LockFor)
	return st.lockedUntil, true
}

// prune drops the addresses whose window and lockout are over; if that
// frees nothing, it drops every unlocked one.
func (a *Authenticator) prune(now time.Time) {
	for k, st := range a.addr {
		if now.Sub(st.windowStart) >= a.cfg.AddressWindow && !now.Before(st.lockedUntil) {
			delete(a.addr, k)
		}
	}
	if len(a.addr) >= maxAddresses {
		for k, st := range a.addr {
			if !now.Before(st.lockedUntil) {
				delete(a.addr, k)
			}
		}
	}
}
