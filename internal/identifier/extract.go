package identifier

import (
	"bytes"
	"strings"
)

// ExtractOptions tune Extract and ExtractReader.
type ExtractOptions struct {
	// DefaultRegion (ISO 3166-1 alpha-2) lets Extract find phone numbers
	// written in national format (digit groups with separators, e.g.
	// "(202) 555-0143"). Empty: only numbers with a leading '+' are found.
	DefaultRegion string
	// Platform ("telegram", "discord") says where the text comes from:
	// @mentions are then checked against that platform's rules and
	// labelled with it, and "discord" also finds legacy name#1234 tags.
	// Empty: @mentions follow the generic username rules, Platform "".
	Platform string
	// WithContext fills Identifier.Context with up to ContextBytes bytes on
	// each side (bulk_extractor style).
	WithContext bool
}

// ContextBytes is the size of the context window on each side.
const ContextBytes = 16

// Character classes for the single-pass scanner.
const (
	clDigit uint16 = 1 << iota
	clUpper
	clLower
	clAt
	clDot
	clColon
	clPlus
	clHash
	clDelim
	clParen
	clDash
	clUnder
	clHigh
	clDollar
)

var charClass = func() (t [256]uint16) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= '0' && c <= '9':
			t[c] = clDigit
		case c >= 'A' && c <= 'Z':
			t[c] = clUpper
		case c >= 'a' && c <= 'z':
			t[c] = clLower
		case c <= ' ' || c == 0x7f:
			t[c] = clDelim
		case c >= 0x80:
			t[c] = clHigh
		}
	}
	t['@'] = clAt
	t['.'] = clDot
	t[':'] = clColon
	t['+'] = clPlus
	t['#'] = clHash
	t['('] = clParen
	t['-'] = clDash
	t['_'] = clUnder
	t['$'] = clDollar
	return t
}()

// clInteresting: a token without any of these (and shorter than the
// shortest letter-only candidate) cannot hold an identifier.
const clInteresting = clDigit | clAt | clDot | clColon | clPlus | clDollar

// Extract finds every identifier in text, in order of offset. Checksummed
// kinds are only reported when their checksum verifies; other kinds when
// they pass their syntax rules (see the package documentation). Every
// returned identifier has Valid set and text[Offset:Offset+len(Value)] ==
// Value.
func Extract(text []byte, opt ExtractOptions) []Identifier {
	var out []Identifier
	s := scanner{text: text, opt: opt, memo: &phoneMemo{}, emit: func(id Identifier) error {
		out = append(out, id)
		return nil
	}}
	s.run(0, len(text))
	return out
}

type span struct {
	a, b int
	url  bool
}

type scanner struct {
	text  []byte
	base  int // offset of text[0] in the stream
	opt   ExtractOptions
	emit  func(Identifier) error
	err   error
	spans []span
	ids   []Identifier // identifiers of the current token, sorted before emitting
	memo  *phoneMemo   // per-region; shared across chunks of one stream
	ctx   []byte       // when set, text plus what follows it, for Context
	bic   bool         // the current token may hold a BIC (see token)
}

// run scans text[from:to]; bytes before from are only looked at for context
// and labels.
func (s *scanner) run(from, to int) {
	text := s.text[:to]
	i := from
	for i < to && s.err == nil {
		if charClass[text[i]]&clDelim != 0 {
			i++
			continue
		}
		start := i
		var f uint16
		for i < to {
			cl := charClass[text[i]]
			if cl&clDelim != 0 {
				break
			}
			f |= cl
			i++
		}
		// An all-capitals word of 8 to 14 bytes may be a BIC (after a label).
		bic := f&clUpper != 0 && f&clLower == 0 && i-start >= 8 && i-start <= 14
		if f&clInteresting == 0 && i-start < 25 && !bic {
			continue
		}
		if end := s.token(start, i, f); end > i {
			i = end
		}
	}
}

func (s *scanner) add(k Kind, a, b int, norm, platform string, url bool) {
	s.spans = append(s.spans, span{a, b, url})
	id := Identifier{Kind: k, Value: string(s.text[a:b]), Normalized: norm, Offset: s.base + a, Valid: true, Platform: platform}
	if s.opt.WithContext {
		ctx := s.text
		if s.ctx != nil {
			ctx = s.ctx
		}
		lo, hi := max(a-ContextBytes, 0), min(b+ContextBytes, len(ctx))
		id.Context = string(ctx[lo:hi])
	}
	s.ids = append(s.ids, id)
}

func (s *scanner) overlaps(a, b int, withURL bool) bool {
	for _, sp := range s.spans {
		if a < sp.b && sp.a < b && (withURL || !sp.url) {
			return true
		}
	}
	return false
}

// token examines one whitespace-delimited token text[start:end] whose
// character classes are f. It returns the offset scanning resumes at (past
// end when a phone number ran over several tokens).
func (s *scanner) token(start, end int, f uint16) int {
	s.spans = s.spans[:0]
	s.ids = s.ids[:0]
	resume := end
	if f&clDigit != 0 {
		resume = s.bankNumbers(start, end, f)
		if e := s.phones(start, end); e > resume {
			resume = e
		}
	}
	if f&clColon != 0 {
		s.urls(start, end)
	}
	if f&clAt != 0 {
		s.atSigns(start, end)
	}
	if f&clDot != 0 {
		s.hosts(start, end)
	}
	if f&clColon != 0 && f&(clDigit|clUpper|clLower) != 0 {
		s.ipv6(start, end)
	}
	if f&clHash != 0 && s.opt.Platform == PlatformDiscord {
		s.discordTags(start, end)
	}
	if f&clDollar != 0 {
		s.cashtags(start, end)
	}
	// One pass over the token's alphanumeric runs looks for BICs (after a
	// label) and classifies words.
	s.bic = f&clUpper != 0 && end-start >= 8
	if words := f&(clDigit|clUpper|clLower) != 0 && end-start >= 9; words || s.bic {
		s.words(start, end, words)
	}
	if len(s.ids) > 1 {
		sortByOffset(s.ids)
	}
	for _, id := range s.ids {
		if s.err == nil {
			s.err = s.emit(id)
		}
	}
	return resume
}

func sortByOffset(ids []Identifier) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j].Offset < ids[j-1].Offset; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

// phones finds phone numbers starting in the token.
func (s *scanner) phones(start, end int) int {
	text := s.text
	region := s.opt.DefaultRegion
	resume := end
	for p := start; p < end; p++ {
		if len(s.spans) > 0 && s.overlaps(p, p+1, false) {
			continue // inside an IBAN or a card number
		}
		c := text[p]
		var prev byte = ' '
		if p > 0 {
			prev = text[p-1]
		}
		switch {
		case c == '+':
			if p+1 >= len(text) || !isDigit(text[p+1]) || isAlnum(prev) || prev == '+' {
				continue
			}
		case region != "" && c == '(':
			if p+1 >= len(text) || !isDigit(text[p+1]) || isAlnum(prev) {
				continue
			}
		case region != "" && isDigit(c):
			if isAlnum(prev) || strings.IndexByte(".-/+_,:=", prev) >= 0 {
				for p+1 < end && isDigit(text[p+1]) {
					p++
				}
				continue
			}
		default:
			continue
		}
		if e, norm, ok := scanPhone(text, p, region, s.memo); ok {
			s.add(KindPhone, p, e, norm, "", false)
			if e > resume {
				resume = e
			}
			p = e - 1
			continue
		}
		for p+1 < end && isDigit(text[p+1]) {
			p++
		}
	}
	return resume
}

// atSigns finds e-mail addresses and @mentions.
func (s *scanner) atSigns(start, end int) {
	text := s.text
	for p := start; p < end; p++ {
		if text[p] != '@' || s.overlaps(p, p+1, false) {
			continue
		}
		l := p
		for l > start && isLocalChar(text[l-1]) && p-l < maxLocalLen {
			l--
		}
		for l < p && strings.IndexByte(".+-%", text[l]) >= 0 {
			l++
		}
		if l < p && !s.overlaps(l, p+1, false) {
			r := p + 1
			for r < end && (isAlnum(text[r]) || text[r] == '-' || text[r] == '.') && r-p <= maxDomainLen {
				r++
			}
			for r > p+1 && (text[r-1] == '.' || text[r-1] == '-') {
				r--
			}
			if bytes.IndexByte(text[p+1:r], '.') > 0 {
				if n, err := normEmail(string(text[l:r])); err == nil {
					s.add(KindEmail, l, r, n, "", false)
					p = r - 1
					continue
				}
			}
		}
		if l != p || (p > start && (isUserChar(text[p-1]) || text[p-1] == '.')) {
			continue
		}
		if k := mentionHandle(text, p); k != "" {
			r := p + 1
			for r < end && (isAlnum(text[r]) || text[r] == '_' || text[r] == '-') && r-p <= 33 {
				r++
			}
			for r > p+1 && text[r-1] == '-' {
				r--
			}
			if validHandle(k, string(text[p+1:r])) == nil && (r >= end || !isUserChar(text[r])) {
				s.add(k, p, r, strings.ToLower(string(text[p+1:r])), "", false)
				p = r - 1
				continue
			}
		}
		// '.' belongs to Discord names only; elsewhere "@example.org" or
		// "@alex." end at the dot.
		dots := s.opt.Platform == PlatformDiscord
		r := p + 1
		for r < end && (isUserChar(text[r]) || dots && text[r] == '.') && r-p <= 65 {
			r++
		}
		for r > p+1 && text[r-1] == '.' {
			r--
		}
		if r < end && (text[r] == '@' || text[r] == '.' && r+1 < end && isAlnum(text[r+1])) {
			continue // "@a@b", "@example.org": not a mention
		}
		name := string(text[p+1 : r])
		platform := s.opt.Platform
		var err error
		switch platform {
		case PlatformTelegram:
			err = telegramUsername(name)
		case PlatformDiscord:
			err = discordUsername(strings.ToLower(name))
		default:
			platform = ""
			err = genericUsername(name)
			if err == nil && (len(name) < 3 || !hasLetter(name)) {
				continue
			}
		}
		if err != nil || genericUsername(name) != nil {
			continue
		}
		s.add(KindUsername, p, r, strings.ToLower(name), platform, false)
		p = r - 1
	}
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&(clUpper|clLower) != 0 {
			return true
		}
	}
	return false
}

// discordTags finds legacy name#1234 tags (Platform "discord" only).
func (s *scanner) discordTags(start, end int) {
	text := s.text
	for p := start + 2; p+5 <= end; p++ {
		if text[p] != '#' || !allDigits(string(text[p+1:p+5])) || (p+5 < end && isAlnum(text[p+5])) {
			continue
		}
		a := p
		for a > start && (isUserChar(text[a-1]) || text[a-1] == '.') {
			a--
		}
		if p-a < 2 || s.overlaps(a, p+5, true) {
			continue
		}
		raw := string(text[a : p+5])
		if discordUsername(raw) == nil {
			s.add(KindUsername, a, p+5, strings.ToLower(raw), PlatformDiscord, false)
		}
	}
}

func isBase64Char(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '+' || c == '/' }

// words examines each run of letters and digits in the token for the
// address and id kinds.
func (s *scanner) words(start, end int, words bool) {
	text := s.text
	for p := start; p < end; {
		if !isAlnum(text[p]) {
			p++
			continue
		}
		a := p
		for p < end && isAlnum(text[p]) {
			p++
		}
		b := p
		// A BIC is taken before the run is classified as a word (its span
		// then keeps the word from claiming it).
		if s.bic {
			s.bicRun(a, b, true)
		}
		if !words {
			continue
		}
		if next := s.word(a, b, end); next > p {
			p = next
		}
	}
}

// word classifies the alphanumeric run text[a:b]; it returns where
// scanning continues (past b when an identifier extended beyond the run).
func (s *scanner) word(a, b, end int) int {
	text := s.text
	n := b - a
	c0 := text[a]
	// TON user-friendly: 48 base64(url) characters starting EQ/UQ/Ef/Uf/kQ/0Q/kf/0f.
	if n >= 2 && end-a >= 48 && (a == 0 || !isBase64Char(text[a-1])) && tonPrefix(c0, text[a+1]) {
		e := a
		for e < end && e-a < 49 && isBase64Char(text[e]) {
			e++
		}
		if e-a == 48 && (e >= len(text) || text[e] != '=') && !s.overlaps(a, e, false) {
			// A BIC inside the address (in a run not reached yet) wins,
			// as when BICs were found before words.
			if raw, err := tonFriendly(string(text[a:e])); err == nil && !s.bicWithin(b, e) {
				s.add(KindTON, a, e, raw, "", false)
				return e
			}
		}
	}
	if n == 1 && (c0 == '0' || c0 == '1') && b+65 <= end && text[b] == ':' {
		// TON raw: 0:<64 hex> or -1:<64 hex>.
		aa := a
		if c0 == '1' {
			if a == 0 || text[a-1] != '-' {
				return b
			}
			aa = a - 1
		}
		e := b + 65
		if isHex(string(text[b+1:e])) && (e >= len(text) || !isAlnum(text[e])) && (aa == 0 || !isAlnum(text[aa-1])) {
			if raw, err := normTON(string(text[aa:e])); err == nil {
				s.add(KindTON, aa, e, raw, "", false)
				return e
			}
		}
		return b
	}
	if n < 9 || s.overlaps(a, b, false) {
		if n == 8 && hexVal[c0] >= 0 {
			return s.guid(a, end)
		}
		return b
	}
	w := text[a:b]
	var (
		k    Kind
		norm string
		err  error
	)
	switch {
	case n == 42 && c0 == '0' && (w[1] == 'x' || w[1] == 'X'):
		k = KindETH
		norm, err = normETH(string(w))
	case n >= 14 && n <= 90 && hasPrefixFold(string(w[:3]), "bc1"):
		k = KindBTC
		norm, err = normBTC(string(w))
	case n >= 14 && n <= 90 && hasPrefixFold(string(w[:4]), "ltc1"):
		k = KindLTC
		norm, err = normLTC(string(w))
	case n >= 26 && n <= 35 && (c0 == '1' || c0 == '3'):
		k = KindBTC
		norm, err = normBTC(string(w))
	case n >= 26 && n <= 35 && (c0 == 'L' || c0 == 'M'):
		k = KindLTC
		norm, err = normLTC(string(w))
	case n == 34 && c0 == 'T':
		k = KindTRX
		norm, err = normTRX(string(w))
	case (n == 95 || n == 106) && (c0 == '4' || c0 == '8'):
		k = KindXMR
		norm, err = normXMR(string(w))
	case n >= 9 && n <= 24 && c0 == 'u' && bytes.HasPrefix(w, []byte("user")) && n-4 >= 5 && allDigits(string(w[4:])):
		k = KindTelegramID
		norm, err = normTelegramID(string(w))
	case n == 15 && allDigits(string(w)) && labelBefore(text, a, "imei"):
		k = KindIMEI
		norm, err = normIMEI(string(w))
	case n == 32 && isHex(string(w)) && labelBefore(text, a, "hwid"):
		k = KindHWID
		norm, err = normHWID(string(w))
	case n >= 12 && n <= 19 && allDigits(string(w)):
		s.contiguousCard(a, b)
		return b
	default:
		return b
	}
	if err == nil {
		s.add(k, a, b, norm, "", false)
	}
	return b
}

// guid reads a GUID-shaped HWID at a (8-4-4-4-12 hex), only after a "HWID"
// label on the same line.
func (s *scanner) guid(a, end int) int {
	text := s.text
	e := a + 36
	if e > end || text[a+8] != '-' || !isGUID(string(text[a:e])) || (e < len(text) && isAlnum(text[e])) {
		return a + 8
	}
	if !labelBefore(text, a, "hwid") || s.overlaps(a, e, false) {
		return a + 8
	}
	lo, hi := a, e
	if a > 0 && text[a-1] == '{' && e < len(text) && text[e] == '}' {
		lo, hi = a-1, e+1
	}
	if n, err := normHWID(string(text[lo:hi])); err == nil {
		s.add(KindHWID, lo, hi, n, "", false)
	}
	return e
}

func tonPrefix(c0, c1 byte) bool {
	switch c0 {
	case 'E', 'U', 'k', '0':
		return c1 == 'Q' || c1 == 'f'
	}
	return false
}

// labelBefore reports whether label (lower-case) occurs, case-insensitive,
// in the 40 bytes before a on the same line.
func labelBefore(text []byte, a int, label string) bool {
	lo := a - 40
	if lo < 0 {
		lo = 0
	}
	if nl := bytes.LastIndexByte(text[lo:a], '\n'); nl >= 0 {
		lo += nl + 1
	}
	w := text[lo:a]
	for i := 0; i+len(label) <= len(w); i++ {
		ok := true
		for j := 0; j < len(label); j++ {
			c := w[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != label[j] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
