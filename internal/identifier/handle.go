package identifier

import (
	"errors"
	"strings"
)

// Payment handles: PayPal.me names, Cash App $cashtags, Revolut tags
// (revtags) and Venmo usernames. The canonical form is the lower-case name
// without '$' or '@'; Normalize also takes the service's link
// ("paypal.me/Name", "cash.app/$name", "revolut.me/name",
// "venmo.com/u/name") and, for Cash App, Revolut and Venmo, the name with
// its sigil.

var errHandle = errors.New("not a valid handle for the service")

// handleRule is one service's handle syntax.
type handleRule struct {
	min, max int
	extra    string // characters allowed besides letters and digits
	sigil    byte   // '$' or '@' written before the name (0: none)
	hosts    []string
	prefixes []string // path prefixes before the name ("u/", "paypalme/")
	// prefixed are hosts where the name follows a prefix only
	// (paypal.com/paypalme/name; paypal.com/signin is no handle).
	prefixed []string
	reserved []string // paths that are the service's own pages
}

var handleRules = map[Kind]handleRule{
	KindPayPal: {min: 3, max: 20, hosts: []string{"paypal.me", "www.paypal.me", "paypal.com", "www.paypal.com"},
		prefixes: []string{"paypalme/"}, prefixed: []string{"paypal.com", "www.paypal.com"}},
	KindCashApp: {min: 1, max: 20, extra: "_-", sigil: '$', hosts: []string{"cash.app", "cash.me"}},
	KindRevolut: {min: 3, max: 32, extra: "_-", sigil: '@', hosts: []string{"revolut.me"}},
	KindVenmo: {min: 5, max: 30, extra: "_-", sigil: '@', hosts: []string{"venmo.com", "www.venmo.com", "account.venmo.com", "venmo.me"},
		prefixes: []string{"u/"}, reserved: []string{"about", "legal", "signup", "login", "pay", "business", "resources", "u", "code",
			"account", "support", "privacy", "terms", "security", "blog", "careers", "contact", "help", "mobile", "developers", "info"}},
}

// validHandle checks a name (without sigil) against the service's rules.
func validHandle(k Kind, name string) error {
	r := handleRules[k]
	if len(name) < r.min || len(name) > r.max {
		return errLength
	}
	letter := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case charClass[c]&(clUpper|clLower) != 0:
			letter = true
		case isDigit(c), r.extra != "" && strings.IndexByte(r.extra, c) >= 0:
		default:
			return errHandle
		}
	}
	if !letter {
		return errHandle // "$100" is an amount, not a cashtag
	}
	if k == KindCashApp && !(charClass[name[0]]&(clUpper|clLower) != 0) {
		return errHandle
	}
	for _, res := range r.reserved {
		if strings.EqualFold(name, res) {
			return errHandle
		}
	}
	return nil
}

// normHandle accepts a name, the name with its sigil, or the service's
// link (with or without scheme and a trailing path).
func normHandle(k Kind, s string) (string, error) {
	r := handleRules[k]
	name := s
	if i := strings.Index(name, "://"); i >= 0 {
		name = name[i+3:]
	}
	if host, rest, ok := strings.Cut(name, "/"); ok {
		if !hostOf(r, host) {
			return "", errHandle
		}
		prefixed := false
		for _, p := range r.prefixes {
			if len(rest) > len(p) && strings.EqualFold(rest[:len(p)], p) {
				rest, prefixed = rest[len(p):], true
				break
			}
		}
		for _, h := range r.prefixed {
			if strings.EqualFold(host, h) && !prefixed {
				return "", errHandle
			}
		}
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			rest = rest[:i]
		}
		name = rest
	}
	if r.sigil != 0 && len(name) > 0 && name[0] == r.sigil {
		name = name[1:]
	}
	if err := validHandle(k, name); err != nil {
		return "", err
	}
	return strings.ToLower(name), nil
}

func hostOf(r handleRule, host string) bool {
	for _, h := range r.hosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}

// handleKindOfHost returns the payment-handle kind whose links live on
// host (lower-case), or "".
func handleKindOfHost(host string) Kind {
	for _, k := range []Kind{KindPayPal, KindCashApp, KindRevolut, KindVenmo} {
		if hostOf(handleRules[k], host) {
			return k
		}
	}
	return ""
}
