package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// clock is a settable clock shared by the service and the authenticator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var fast = secret.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const password = "synthetic-pass-0001"

type hub struct {
	clk   *clock
	owner *investigation.Service // the local owner, who sets accounts up
	svc   *investigation.Service // the server's service: no local actor
	a     *auth.Authenticator
}

func newHub(t *testing.T, open storetest.Opener, cfg auth.Config) hub {
	db := open(t, -1)
	clk := &clock{t: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
	opts := []investigation.Option{investigation.WithClock(clk.Now), investigation.WithPasswordParams(fast)}
	h := hub{clk: clk, owner: investigation.New(db, "owner", opts...), svc: investigation.New(db, "", opts...)}
	cfg.Now = clk.Now
	h.a = auth.New(h.svc, cfg)
	ctx := context.Background()
	if _, err := h.owner.AddAgency(ctx, "NL-POL", "NL"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"vera", "ivo"} {
		if _, err := h.owner.AddUser(ctx, investigation.NewUser{Name: u, Agency: "NL-POL", Role: "analyst", Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// actions lists the audit actions on an object, oldest first.
func (h hub) actions(t *testing.T, object string) string {
	t.Helper()
	var out []string
	err := h.owner.AuditLog(context.Background(), object, func(r audit.Record) error {
		if strings.HasPrefix(r.Action, "auth.") {
			out = append(out, r.Action)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

func TestLoginSessionLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open, auth.Config{})
		ctx := context.Background()
		id, p, err := h.a.Login(ctx, "vera", password, "192.0.2.10:51000")
		if err != nil {
			t.Fatal(err)
		}
		if uid, ok := p.UserID(); !ok || uid == 0 || p.Name != "vera" || p.Agency != "NL-POL" || p.Method != access.Password || p.RoleList() != "analyst" {
			t.Fatalf("principal %+v", p)
		}
		got, err := h.a.Session(ctx, id)
		if err != nil || got.ID != p.ID || got.Name != "vera" {
			t.Fatalf("Session = %+v, %v", got, err)
		}
		for _, tc := range []struct{ user, pw string }{{"vera", "wrong-password-01"}, {"nobody", password}, {"vera", ""}, {"", ""}, {strings.Repeat("x", 5000), password}} {
			if _, _, err := h.a.Login(ctx, tc.user, tc.pw, "192.0.2.11"); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("login %.20q / %.20q: %v, want ErrUnauthenticated", tc.user, tc.pw, err)
			}
		}
		for _, bad := range []string{"", "x", id + "x", strings.Repeat("A", 43)} {
			if _, err := h.a.Session(ctx, bad); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("Session(%q): %v", bad, err)
			}
		}
		if err := h.a.Logout(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := h.a.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("session after logout: %v", err)
		}
		if err := h.a.Logout(ctx, id); err != nil {
			t.Errorf("second logout: %v", err)
		}
		if got := h.actions(t, "user:vera"); got != "auth.login auth.login.failure auth.login.failure auth.logout" {
			t.Errorf("audit of vera's logins: %q", got)
		}
		if got := h.actions(t, "user:nobody"); got != "auth.login.failure" {
			t.Errorf("audit of an unknown user's login: %q", got)
		}
		// Login records name the address the login came from.
		var addrs []string
		h.owner.AuditLog(ctx, "user:vera", func(r audit.Record) error { addrs = append(addrs, r.RemoteAddr); return nil })
		if len(addrs) < 4 || addrs[len(addrs)-4] != "192.0.2.10:51000" || addrs[len(addrs)-3] != "192.0.2.11" {
			t.Errorf("remote addresses of vera's audit records: %q", addrs)
		}
		if rep, err := h.owner.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("audit chain: %+v, %v", rep, err)
		}
	})
}

// TestLockout: after MaxFailures wrong passwords the account is locked,
// even for the right password, until LockFor has passed.
func TestLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open, auth.Config{MaxFailures: 3, LockFor: 10 * time.Minute})
		ctx := context.Background()
		for i := 1; i <= 3; i++ {
			_, _, err := h.a.Login(ctx, "vera", "wrong-password-01", "192.0.2.20")
			want := auth.ErrUnauthenticated
			if i == 3 {
				want = auth.ErrLockedOut
			}
			if !errors.Is(err, want) {
				t.Fatalf("failure %d: %v, want %v", i, err, want)
			}
		}
		if _, _, err := h.a.Login(ctx, "vera", password, "192.0.2.21"); !errors.Is(err, auth.ErrLockedOut) {
			t.Fatalf("right password while locked: %v, want ErrLockedOut", err)
		}
		if _, _, err := h.a.Login(ctx, "ivo", password, "192.0.2.20"); err != nil {
			t.Errorf("another account is not locked: %v", err)
		}
		h.clk.Add(9 * time.Minute)
		if _, _, err := h.a.Login(ctx, "vera", password, "192.0.2.21"); !errors.Is(err, auth.ErrLockedOut) {
			t.Fatalf("right password before the lockout ends: %v", err)
		}
		h.clk.Add(time.Minute)
		if _, _, err := h.a.Login(ctx, "vera", password, "192.0.2.21"); err != nil {
			t.Fatalf("login after the lockout: %v", err)
		}
		// A success resets the count: two more failures do not lock.
		for range 2 {
			if _, _, err := h.a.Login(ctx, "vera", "wrong-password-01", "192.0.2.22"); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Fatalf("failure after success: %v", err)
			}
		}
		if _, _, err := h.a.Login(ctx, "vera", password, "192.0.2.22"); err != nil {
			t.Fatalf("login below the threshold: %v", err)
		}
		want := "auth.login.failure auth.login.failure auth.lockout auth.login.refused auth.login.refused auth.login auth.login.failure auth.login.failure auth.login"
		if got := h.actions(t, "user:vera"); got != want {
			t.Errorf("audit:\n got %s\nwant %s", got, want)
		}
	})
}

// TestAddressThrottle: an address that fails too often is refused for a
// while, whichever accounts it tries; other addresses are not.
func TestAddressThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open, auth.Config{AddressMaxFailures: 4, LockFor: 5 * time.Minute, AddressWindow: time.Minute})
		ctx := context.Background()
		// Failures spread beyond the window do not add up.
		for range 3 {
			h.a.Login(ctx, "guess", "wrong-password-01", "203.0.113.9:1000")
		}
		h.clk.Add(2 * time.Minute)
		for i := 1; i <= 4; i++ {
			_, _, err := h.a.Login(ctx, "guess", "wrong-password-01", "203.0.113.9:1001")
			if !errors.Is(err, auth.ErrUnauthenticated) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, _, err := h.a.Login(ctx, "vera", password, "203.0.113.9:1002"); !errors.Is(err, auth.ErrLockedOut) {
			t.Fatalf("locked address with a right password: %v", err)
		}
		if _, _, err := h.a.Login(ctx, "vera", password, "198.51.100.7"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		// IPv6: one /64 is one key.
		for range 4 {
			h.a.Login(ctx, "guess", "wrong-password-01", "[2001:db8:1:2::1]:443")
		}
		if _, _, err := h.a.Login(ctx, "vera", password, "[2001:db8:1:2::ffff]:443"); !errors.Is(err, auth.ErrLockedOut) {
			t.Errorf("same /64: %v, want ErrLockedOut", err)
		}
		if _, _, err := h.a.Login(ctx, "vera", password, "[2001:db8:1:3::1]:443"); err != nil {
			t.Errorf("another /64: %v", err)
		}
		h.clk.Add(5 * time.Minute)
		if _, _, err := h.a.Login(ctx, "vera", password, "203.0.113.9:1003"); err != nil {
			t.Fatalf("after the address lockout: %v", err)
		}
		if got := h.actions(t, "address:"); got != "auth.lockout auth.lockout" {
			t.Errorf("address lockouts audited: %q", got)
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open, auth.Config{Idle: 30 * time.Minute, Absolute: 2 * time.Hour})
		ctx := context.Background()
		id, _, err := h.a.Login(ctx, "vera", password, "192.0.2.30")
		if err != nil {
			t.Fatal(err)
		}
		// Used every 25 minutes it stays open, up to the absolute limit.
		for elapsed := 25 * time.Minute; elapsed < 2*time.Hour; elapsed += 25 * time.Minute {
			h.clk.Add(25 * time.Minute)
			if _, err := h.a.Session(ctx, id); err != nil {
				t.Fatalf("session used after %s: %v", elapsed, err)
			}
		}
		h.clk.Add(20 * time.Minute) // 2h05m after login
		if _, err := h.a.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Fatalf("session past its absolute timeout: %v", err)
		}
		id, _, err = h.a.Login(ctx, "vera", password, "192.0.2.30")
		if err != nil {
			t.Fatal(err)
		}
		h.clk.Add(29 * time.Minute)
		if _, err := h.a.Session(ctx, id); err != nil {
			t.Fatalf("session idle 29 minutes: %v", err)
		}
		h.clk.Add(30 * time.Minute)
		if _, err := h.a.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Fatalf("session idle 30 minutes: %v", err)
		}
		// Changing the password ends the user's sessions.
		id, _, err = h.a.Login(ctx, "vera", password, "192.0.2.30")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.owner.SetPassword(ctx, "vera", "synthetic-pass-0002"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.a.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("session after a password change: %v", err)
		}
		if _, _, err := h.a.Login(ctx, "vera", password, "192.0.2.30"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("old password: %v", err)
		}
		id, _, err = h.a.Login(ctx, "vera", "synthetic-pass-0002", "192.0.2.30")
		if err != nil {
			t.Fatal(err)
		}
		// Disabling the user refuses its session at once.
		if _, err := h.owner.DisableUser(ctx, "vera"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.a.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("session of a disabled user: %v", err)
		}
		if _, _, err := h.a.Login(ctx, "vera", "synthetic-pass-0002", "192.0.2.30"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("login of a disabled user: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open, auth.Config{})
		ctx := context.Background()
		tok, err := h.owner.CreateToken(ctx, "vera", "ci", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok.Secret, "vbr_") || !secret.LooksLikeToken(tok.Secret) || tok.ExpiresAt != "2024-03-02T09:00:00.000000000Z" {
			t.Fatalf("token %+v", tok)
		}
		p, err := h.a.Token(ctx, tok.Secret)
		if err != nil || p.Name != "vera" || p.Method != access.Token || p.Agency != "NL-POL" {
			t.Fatalf("Token = %+v, %v", p, err)
		}
		for _, bad := range []string{"", "vbr_", flipLast(tok.Secret), "Bearer " + tok.Secret, tok.Secret + " "} {
			if _, err := h.a.Token(ctx, bad); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("Token(%q): %v", bad, err)
			}
		}
		// Revoking refuses it from the next request on.
		if _, err := h.owner.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.a.Token(ctx, tok.Secret); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("revoked token: %v", err)
		}
		// Expiry.
		short, err := h.owner.CreateToken(ctx, "ivo", "", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		forever, err := h.owner.CreateToken(ctx, "ivo", "forever", 0)
		if err != nil || forever.ExpiresAt != "" {
			t.Fatalf("token without expiry: %+v, %v", forever, err)
		}
		h.clk.Add(59 * time.Minute)
		if _, err := h.a.Token(ctx, short.Secret); err != nil {
			t.Errorf("token before expiry: %v", err)
		}
		h.clk.Add(time.Minute)
		if _, err := h.a.Token(ctx, short.Secret); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("expired token: %v", err)
		}
		if _, err := h.a.Token(ctx, forever.Secret); err != nil {
			t.Errorf("token without expiry: %v", err)
		}
		list, err := h.owner.Tokens(ctx)
		if err != nil || len(list) != 3 || list[2].LastUsedAt == "" || list[0].RevokedAt == "" {
			t.Errorf("token list: %+v, %v; want three, the last used, the first revoked", list, err)
		}
		// A disabled user's tokens are refused at once.
		if _, err := h.owner.DisableUser(ctx, "ivo"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.a.Token(ctx, forever.Secret); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("token of a disabled user: %v", err)
		}
		if _, err := h.owner.CreateToken(ctx, "ivo", "", 0); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("token for a disabled user: %v", err)
		}
		// Token checks write no audit record.
		n := 0
		h.owner.AuditLog(ctx, "", func(r audit.Record) error {
			if strings.HasPrefix(r.Action, "auth.") {
				n++
			}
			return nil
		})
		if n != 0 {
			t.Errorf("%d auth audit records from token checks, want 0", n)
		}
	})
}

// TestHostileCredentials: names, passwords, addresses, session ids and
// tokens that no store could hold are refused as unauthenticated, never
// as a store error, and the audit chain stays intact.
func TestHostileCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open, auth.Config{AddressMaxFailures: 1000, MaxFailures: 1000})
		ctx := context.Background()
		hostile := []string{"\xff\xfe", "a\x00b", strings.Repeat("é", 5000), "' OR 1=1 --", "../../etc/passwd", "vera\n", "\u202evera"}
		for _, v := range hostile {
			if _, _, err := h.a.Login(ctx, v, password, "192.0.2.40"); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("login as %.20q: %v", v, err)
			}
			if _, _, err := h.a.Login(ctx, "vera", v, "192.0.2.40"); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("password %.20q: %v", v, err)
			}
			if _, err := h.a.Session(ctx, v); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("session %.20q: %v", v, err)
			}
			if _, err := h.a.Token(ctx, v); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("token %.20q: %v", v, err)
			}
			if err := h.a.Logout(ctx, v); err != nil {
				t.Errorf("logout %.20q: %v", v, err)
			}
		}
		// A hostile remote address is recorded harmlessly with a session.
		if _, _, err := h.a.Login(ctx, "vera", password, "\xff\x00"); err != nil {
			t.Errorf("login from a hostile address: %v", err)
		}
		if rep, err := h.owner.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("audit chain: %+v, %v", rep, err)
		}
	})
}

// flipLast returns secret with its last character replaced by a different
// one, so the result is never the secret itself.
func flipLast(secret string) string {
	last := "A"
	if strings.HasSuffix(secret, "A") {
		last = "B"
	}
	return secret[:len(secret)-1] + last
}
