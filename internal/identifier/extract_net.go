package identifier

import (
	"bytes"
	"strings"
)

// The scanner's URL, host and IP address passes.

func isURLChar(c byte) bool {
	return c > ' ' && c < 0x7f && strings.IndexByte("\"<>\\^`{|}", c) < 0
}

func isSchemeChar(c byte) bool {
	return isAlnum(c) || c == '+' || c == '-' || c == '.'
}

// urls finds scheme://… URLs, and the onion services and Telegram
// usernames they name.
func (s *scanner) urls(start, end int) {
	text := s.text
	for p := start; p+3 < end; p++ {
		if text[p] != ':' || text[p+1] != '/' || text[p+2] != '/' {
			continue
		}
		l := p
		for l > start && isSchemeChar(text[l-1]) && p-l < 16 {
			l--
		}
		for l < p && charClass[text[l]]&(clUpper|clLower) == 0 {
			l++
		}
		if p-l < 2 {
			continue
		}
		r := p + 3
		for r < end && isURLChar(text[r]) && r-l < maxURLLen {
			r++
		}
		r = cutCombo(text, p+3, r)
		r = trimURLEnd(text, l, r)
		if r <= p+3 {
			continue
		}
		raw := string(text[l:r])
		n, err := normURL(raw)
		if err != nil {
			continue
		}
		s.add(KindURL, l, r, n, "", true)
		// The host as written.
		ha := p + 3
		if at := bytes.IndexByte(text[ha:r], '@'); at >= 0 {
			if sl := bytes.IndexByte(text[ha:r], '/'); sl < 0 || at < sl {
				// User info is not an e-mail address.
				s.spans = append(s.spans, span{a: ha, b: ha + at + 1})
				ha += at + 1
			}
		}
		hb := ha
		for hb < r && (isAlnum(text[hb]) || text[hb] == '.' || text[hb] == '-') {
			hb++
		}
		host := strings.ToLower(string(text[ha:hb]))
		switch {
		case strings.HasSuffix(host, ".onion"):
			if on, err := normOnion(host); err == nil {
				s.add(KindOnion, ha, hb, on, "", false)
			}
		case host == "t.me" || host == "telegram.me" || host == "telegram.dog":
			s.telegramPath(hb, r)
		case handleKindOfHost(host) != "":
			s.handlePath(handleKindOfHost(host), host, hb, r)
		case strings.HasPrefix(n, "tg://resolve?domain="):
			q := bytes.Index(text[l:r], []byte("domain="))
			if q >= 0 {
				a := l + q + len("domain=")
				b := a
				for b < r && isUserChar(text[b]) {
					b++
				}
				if telegramUsername(string(text[a:b])) == nil {
					s.add(KindUsername, a, b, strings.ToLower(string(text[a:b])), PlatformTelegram, false)
				}
			}
		}
		p = r - 1
	}
}

// telegramPath reads the username in t.me/<name>; invite links
// (t.me/+hash, t.me/joinchat/hash) and service paths are not usernames.
func (s *scanner) telegramPath(p, r int) {
	text := s.text
	if p >= r || text[p] != '/' {
		return
	}
	a := p + 1
	b := a
	for b < r && isUserChar(text[b]) {
		b++
	}
	name := string(text[a:b])
	switch strings.ToLower(name) {
	case "joinchat", "addstickers", "share", "proxy", "socks", "iv", "login", "addlist", "setlanguage", "c", "s":
		return
	}
	if b < r && text[b] != '/' && text[b] != '?' && text[b] != '#' && text[b] != '.' && text[b] != ',' && text[b] != ')' {
		return
	}
	if telegramUsername(name) == nil {
		s.add(KindUsername, a, b, strings.ToLower(name), PlatformTelegram, false)
	}
}

// cutCombo ends a URL where a "URL:login:password" (ULP) or
// "URL;login;password" combo line goes on: at the first ':' after the
// authority, or at the first ';' when two or more follow it. So a
// credential never becomes part of a URL identifier; the price is that the
// rare URL with ':' in its path is cut short.
func cutCombo(text []byte, a, r int) int {
	path := a
	for path < r && text[path] != '/' && text[path] != '?' && text[path] != '#' {
		if text[path] == ':' {
			// host:port is fine; host:login is a combo line.
			e := path + 1
			for e < r && isDigit(text[e]) {
				e++
			}
			if e > path+1 && e < r && text[e] == ':' {
				return e // host:port:login…
			}
			if e == path+1 || (e < r && text[e] != '/' && text[e] != '?' && text[e] != '#') {
				return path
			}
		}
		path++
	}
	if i := bytes.IndexByte(text[path:r], ':'); i >= 0 {
		r = path + i
	}
	if bytes.Count(text[path:r], []byte{';'}) >= 2 {
		r = path + bytes.IndexByte(text[path:r], ';')
	}
	return r
}

// trimURLEnd drops trailing punctuation that usually ends a sentence, and
// a closing bracket that has no opening partner inside the URL.
func trimURLEnd(text []byte, l, r int) int {
	for r > l {
		c := text[r-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '*':
			r--
			continue
		case ')', ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			if bytes.Count(text[l:r], []byte{open}) < bytes.Count(text[l:r], []byte{c}) {
				r--
				continue
			}
		}
		break
	}
	return r
}

func isHostChar(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

// hosts finds bare domains, onion services and IPv4 addresses.
func (s *scanner) hosts(start, end int) {
	text := s.text
	for p := start; p < end; {
		if !isHostChar(text[p]) {
			p++
			continue
		}
		a := p
		dots := 0
		for p < end && isHostChar(text[p]) {
			if text[p] == '.' {
				dots++
			}
			p++
		}
		b := p
		if dots == 0 {
			continue
		}
		for a < b && (text[a] == '.' || text[a] == '-') {
			a++
		}
		for b > a && (text[b-1] == '.' || text[b-1] == '-') {
			b--
		}
		if b-a < 4 || bytes.IndexByte(text[a:b], '.') < 0 || s.overlaps(a, b, true) {
			continue
		}
		if a > 0 && (text[a-1] == '_' || text[a-1] == '@' || text[a-1] == '\\') {
			continue
		}
		h := text[a:b]
		if isDigitsAndDots(h) {
			if dots != 3 || len(h) > 15 {
				continue
			}
			if n, err := normIPv4(string(h)); err == nil && (b >= len(text) || text[b] != '.') {
				s.add(KindIPv4, a, b, n, "", false)
			}
			continue
		}
		tld := h[bytes.LastIndexByte(h, '.')+1:]
		if !tldShapeOK(tld) {
			continue
		}
		lt := strings.ToLower(string(tld))
		if lt == "onion" {
			if n, err := normOnion(string(h)); err == nil {
				s.add(KindOnion, a, b, n, "", false)
			}
			continue
		}
		if !knownTLD(lt) {
			continue
		}
		labels := bytes.Count(h, []byte{'.'}) + 1
		if labels == 2 && (fileExtTLD[lt] || bytes.IndexByte(h, '.') < 2) && !bytes.EqualFold(h, []byte("t.me")) && handleKindOfHost(strings.ToLower(string(h))) == "" {
			continue
		}
		n, err := normDomain(string(h))
		if err != nil {
			continue
		}
		s.add(KindDomain, a, b, n, "", false)
		if n == "t.me" || n == "telegram.me" {
			r := b
			for r < end && isURLChar(text[r]) {
				r++
			}
			s.telegramPath(b, trimURLEnd(text, b, r))
		}
		if k := handleKindOfHost(n); k != "" {
			r := b
			for r < end && isURLChar(text[r]) {
				r++
			}
			s.handlePath(k, n, b, trimURLEnd(text, b, r))
		}
	}
}

func isDigitsAndDots(h []byte) bool {
	for _, c := range h {
		if c != '.' && !isDigit(c) {
			return false
		}
	}
	return true
}

// tldShapeOK: letters only, all lower- or all upper-case (a mixed-case
// "sentence.It" is prose, not a domain).
func tldShapeOK(t []byte) bool {
	if len(t) < 2 || len(t) > 24 {
		return false
	}
	up, lo := false, false
	for _, c := range t {
		switch charClass[c] {
		case clUpper:
			up = true
		case clLower:
			lo = true
		default:
			return false
		}
	}
	return !(up && lo)
}

func isIPv6Char(c byte) bool { return hexVal[c] >= 0 || c == ':' || c == '.' }

// ipv6 finds IPv6 addresses: runs of hex digits, ':' and '.' with either
// "::" or seven colons, bounded by non-word characters.
func (s *scanner) ipv6(start, end int) {
	text := s.text
	for p := start; p < end; {
		if !isIPv6Char(text[p]) {
			p++
			continue
		}
		a := p
		colons := 0
		for p < end && isIPv6Char(text[p]) {
			if text[p] == ':' {
				colons++
			}
			p++
		}
		b := p
		if colons < 2 {
			continue
		}
		if (a > 0 && (isUserChar(text[a-1]))) || (b < len(text) && isUserChar(text[b]) && text[b] != '%') {
			continue
		}
		for b > a && text[b-1] == '.' {
			b--
		}
		if b-a >= 2 && text[b-1] == ':' && text[b-2] != ':' {
			b--
		}
		run := text[a:b]
		if !bytes.Contains(run, []byte("::")) && bytes.Count(run, []byte{':'}) != 7 {
			continue
		}
		if groups := len(bytes.FieldsFunc(run, func(r rune) bool { return r == ':' })); groups < 2 {
			continue
		}
		if s.overlaps(a, b, true) {
			continue
		}
		if n, err := normIPv6(string(run)); err == nil {
			s.add(KindIPv6, a, b, n, "", false)
		}
	}
}
