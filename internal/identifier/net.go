package identifier

import (
	"crypto/sha3"
	"encoding/base32"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// Validators and normalisers for e-mail addresses, domains, URLs, onion
// services and IP addresses.

const (
	maxDomainLen = 253
	maxURLLen    = 2048
	maxLocalLen  = 64
)

var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.BidiRule())

// normDomain lower-cases and IDNA-encodes a host name (A-labels), drops a
// trailing dot and checks LDH syntax: at least two labels of 1–63
// letters, digits and inner hyphens, an alphabetic (or xn--) TLD.
func normDomain(s string) (string, error) {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 4*maxDomainLen {
		return "", errors.New("domain: empty or too long")
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	var a string
	if ascii {
		a = strings.ToLower(s)
	} else {
		var err error
		a, err = idnaProfile.ToASCII(s)
		if err != nil {
			return "", fmt.Errorf("domain idna: %w", err)
		}
		a = strings.ToLower(a)
	}
	if err := checkLDH(a); err != nil {
		return "", err
	}
	return a, nil
}

func checkLDH(a string) error {
	if len(a) > maxDomainLen {
		return errors.New("domain: too long")
	}
	labels := 0
	start := 0
	for i := 0; i <= len(a); i++ {
		if i < len(a) && a[i] != '.' {
			c := a[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("domain: character %q not allowed", c)
			}
			continue
		}
		l := a[start:i]
		if len(l) == 0 || len(l) > 63 {
			return errors.New("domain: empty or over-long label")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return errors.New("domain: label starts or ends with a hyphen")
		}
		labels++
		start = i + 1
	}
	if labels < 2 {
		return errors.New("domain: needs at least two labels")
	}
	tld := a[strings.LastIndexByte(a, '.')+1:]
	if strings.HasPrefix(tld, "xn--") {
		return nil
	}
	if len(tld) < 2 {
		return errors.New("domain: top-level domain too short")
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return errors.New("domain: top-level domain not alphabetic")
		}
	}
	return nil
}

// isLocalChar reports the e-mail local-part characters Extract accepts (a
// practical subset of RFC 5322 atext).
func isLocalChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// normEmail lower-cases the whole address and IDNA-encodes the domain.
// Sub-addresses (+tag) and dots in the local part are kept: whether they
// are significant depends on the provider.
func normEmail(s string) (string, error) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", errors.New("email: needs local@domain")
	}
	local, dom := s[:at], s[at+1:]
	if len(local) > maxLocalLen {
		return "", errors.New("email: local part too long")
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", errors.New("email: misplaced dot in local part")
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !isLocalChar(c) && !strings.ContainsRune("!#$&'*/=?^`{|}~", rune(c)) {
			return "", fmt.Errorf("email: character %q not allowed in local part", c)
		}
	}
	d, err := normDomain(dom)
	if err != nil {
		return "", fmt.Errorf("email: %w", err)
	}
	return strings.ToLower(local) + "@" + d, nil
}

var defaultPorts = map[string]string{"http": "80", "https": "443", "ftp": "21", "ws": "80", "wss": "443"}

// normURL canonicalises scheme://host[:port]/path?query#fragment: scheme and
// host lower-case (host IDNA-encoded), default port dropped, empty path of
// http(s) made "/". Path, query and fragment are kept as written.
func normURL(s string) (string, error) {
	if len(s) > maxURLLen {
		return "", errors.New("url: too long")
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return "", errors.New("url: contains space or control character")
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("url: %w", err)
	}
	if u.Scheme == "" || u.Opaque != "" || u.Host == "" {
		return "", errors.New("url: needs scheme://host")
	}
	scheme := strings.ToLower(u.Scheme)
	host, port := u.Hostname(), u.Port()
	if strings.Contains(u.Host, ":") && port == "" && !strings.HasSuffix(u.Host, "]") {
		return "", errors.New("url: empty port")
	}
	var h string
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return "", errors.New("url: zoned address")
		}
		h = a.String()
		if a.Is6() {
			h = "[" + h + "]"
		}
	} else if strings.HasPrefix(u.Host, "[") {
		return "", errors.New("url: bad bracketed host")
	} else if h, err = normDomain(host); err != nil {
		// Non-web schemes (tg://resolve, android://…) may name a
		// single-label host.
		if defaultPorts[scheme] != "" || checkLDH(strings.ToLower(host)+".invalid") != nil {
			return "", fmt.Errorf("url host: %w", err)
		}
		h = strings.ToLower(host)
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return "", errors.New("url: bad port")
		}
	}
	if port != "" && defaultPorts[scheme] != port {
		h += ":" + port
	}
	v := *u
	v.Scheme = scheme
	v.Host = h
	if v.Path == "" && (scheme == "http" || scheme == "https") {
		v.Path = "/"
		v.RawPath = ""
	}
	out := v.String()
	if len(out) > maxURLLen {
		return "", errors.New("url: too long")
	}
	return out, nil
}

var onionB32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// normOnion validates a v3 onion address (56 base32 characters encoding
// pubkey ‖ checksum ‖ version 3, checksum = SHA3-256(".onion checksum" ‖
// pubkey ‖ version)[:2]) or a v2 address (16 base32 characters, no
// checksum). Sub-domains are dropped: the canonical form is the service
// address, lower-case, with ".onion".
func normOnion(s string) (string, error) {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if !strings.HasSuffix(s, ".onion") {
		return "", errors.New("onion: needs .onion")
	}
	s = strings.TrimSuffix(s, ".onion")
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		s = s[i+1:]
	}
	switch len(s) {
	case 56:
		b, err := onionB32.DecodeString(strings.ToUpper(s))
		if err != nil || len(b) != 35 {
			return "", errors.New("onion v3: not base32")
		}
		if b[34] != 3 {
			return "", fmt.Errorf("onion v3: %w", errVersion)
		}
		h := sha3.New256()
		h.Write([]byte(".onion checksum"))
		h.Write(b[:32])
		h.Write([]byte{3})
		sum := h.Sum(nil)
		if sum[0] != b[32] || sum[1] != b[33] {
			return "", fmt.Errorf("onion v3: %w", errChecksum)
		}
	case 16:
		if _, err := onionB32.DecodeString(strings.ToUpper(s)); err != nil {
			return "", errors.New("onion v2: not base32")
		}
	default:
		return "", fmt.Errorf("onion: %w", errLength)
	}
	return s + ".onion", nil
}

func normIPv4(s string) (string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return "", errors.New("ipv4: not a dotted-quad address")
	}
	return a.String(), nil
}

// normIPv6 returns the RFC 5952 compressed lower-case form. Zones are
// rejected.
func normIPv6(s string) (string, error) {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if !strings.Contains(s, ":") {
		return "", errors.New("ipv6: no colon")
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return "", errors.New("ipv6: not an address")
	}
	return a.String(), nil
}
