package stealerlog

import (
	"strconv"
	"strings"
)

// parseCookies reads a Netscape-format cookie file: one cookie per line,
// seven TAB-separated fields (domain, include-subdomains, path, secure,
// expires, name, value). '#' starts a comment except for the
// "#HttpOnly_" domain prefix. The header is optional; lines with spaces
// instead of TABs are accepted when they have at least seven fields (the
// value is then the rest of the line); a TAB inside the value is kept.
// Expiry values that do not fit an int64 are kept as 0 with a warning.
func parseCookies(text, file string, maxLine int, warn func(Warning)) []Cookie {
	var out []Cookie
	bad := 0
	lines(text, maxLine, func(n int, reason string) {
		warn(Warning{File: file, Line: n, Reason: reason})
	}, func(n int, line string) {
		c, ok, reason := parseCookieLine(line)
		if ok {
			c.File, c.Line = file, n
			out = append(out, c)
			return
		}
		if reason != "" {
			bad++
			if bad <= 5 {
				warn(Warning{File: file, Line: n, Reason: reason})
			}
		}
	})
	if bad > 5 {
		warn(Warning{File: file, Reason: "more malformed cookie lines: " + itoa(bad-5)})
	}
	return out
}

// parseCookieLine returns ok=false with an empty reason for blank and
// comment lines.
func parseCookieLine(line string) (Cookie, bool, string) {
	var c Cookie
	s := strings.TrimLeft(line, " ")
	if strings.TrimSpace(s) == "" {
		return c, false, ""
	}
	if strings.HasPrefix(s, "#HttpOnly_") {
		c.HTTPOnly = true
		s = s[len("#HttpOnly_"):]
	} else if s[0] == '#' {
		return c, false, ""
	}
	f := strings.SplitN(s, "\t", 7)
	if len(f) < 7 {
		ws := strings.Fields(s)
		if len(ws) < 6 {
			return c, false, "not a cookie line (want 7 TAB-separated fields)"
		}
		if len(ws) == 6 { // empty value
			ws = append(ws, "")
		}
		// The value is everything after the sixth field.
		rest := s
		for i := 0; i < 6; i++ {
			rest = strings.TrimLeft(rest, " \t")
			rest = rest[len(ws[i]):]
		}
		f = append(ws[:6:6], strings.TrimLeft(rest, " \t"))
	}
	c.Domain = strings.TrimSpace(f[0])
	if c.Domain == "" {
		return c, false, "cookie without domain"
	}
	c.IncludeSubdomains = strings.EqualFold(strings.TrimSpace(f[1]), "TRUE")
	c.Path = strings.TrimSpace(f[2])
	c.Secure = strings.EqualFold(strings.TrimSpace(f[3]), "TRUE")
	exp := strings.TrimSpace(f[4])
	if v, err := strconv.ParseInt(exp, 10, 64); err == nil {
		c.Expires = v
	} else if fv, ferr := strconv.ParseFloat(exp, 64); ferr == nil && fv >= 0 && fv < 9.2e18 {
		c.Expires = int64(fv)
	} else if exp != "" {
		return c, false, "cookie expiry is not a number"
	}
	c.Name = f[5]
	c.Value = f[6]
	return c, true, ""
}
