package identifier

import (
	"strings"
)

// Extraction of bank and payment identifiers: IBANs and card numbers
// (possibly written in groups over several tokens), BICs after a label,
// $cashtags, Venmo and Revolut @names after a label, and payment links.

// labelWordBefore reports whether one of labels (lower-case) starts a
// word, case-insensitive, in the 40 bytes before a on the same line.
func labelWordBefore(text []byte, a int, labels ...string) bool {
	return labelWordWithin(text, a, 40, labels...)
}

// labelWordWithin is labelWordBefore in the window bytes before a.
func labelWordWithin(text []byte, a, window int, labels ...string) bool {
	lo := max(a-window, 0)
	for i := a - 1; i >= lo; i-- {
		if text[i] == '\n' {
			lo = i + 1
			break
		}
	}
	w := text[lo:a]
	for i := 0; i < len(w); i++ {
		if i > 0 && charClass[w[i-1]]&(clUpper|clLower) != 0 {
			continue
		}
		for _, l := range labels {
			if i+len(l) <= len(w) && equalFoldASCII(w[i:i+len(l)], l) {
				return true
			}
		}
	}
	return false
}

func equalFoldASCII(b []byte, lower string) bool {
	for j := 0; j < len(lower); j++ {
		c := b[j]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[j] {
			return false
		}
	}
	return true
}

// cardLabels are the words that make a bare run of digits a card
// candidate ("card", "Visa", "Kreditkarte", "tarjeta").
var cardLabels = []string{"card", "visa", "mastercard", "amex", "maestro", "karte", "kreditkarte", "tarjeta", "carte", "kaart", "carta", "cartão", "kort"}

// bankNumbers finds IBANs and grouped card numbers starting in the token;
// they may run on over the next tokens. It returns where scanning resumes.
func (s *scanner) bankNumbers(start, end int, f uint16) int {
	text := s.text
	resume := end
	for p := start; p < end; p++ {
		if p > start && (isAlnum(text[p-1]) || strings.IndexByte(".,-/+_=$€£", text[p-1]) >= 0) {
			continue
		}
		c := text[p]
		var e int
		switch {
		case f&clUpper != 0 && c >= 'A' && c <= 'Z':
			e = s.iban(p)
		case isDigit(c):
			e = s.groupedCard(p)
		}
		if e > p {
			resume = max(resume, e)
			p = e - 1
		}
	}
	return resume
}

// iban reads an IBAN at p, contiguous or in groups of four separated by
// single spaces, and returns its end (p when there is none).
func (s *scanner) iban(p int) int {
	text := s.text
	if p+4 > len(text) || text[p+1] < 'A' || text[p+1] > 'Z' || !isDigit(text[p+2]) || !isDigit(text[p+3]) {
		return p
	}
	want, ok := ibanLength[string(text[p:p+2])]
	if !ok {
		return p
	}
	run := func(i int) int {
		j := i
		for j < len(text) && (isDigit(text[j]) || text[j] >= 'A' && text[j] <= 'Z') && j-i <= want {
			j++
		}
		return j
	}
	e := run(p)
	n := e - p
	switch {
	case n == want:
	case n == 4:
		for n < want {
			if e+1 >= len(text) || text[e] != ' ' {
				return p
			}
			g := run(e + 1)
			size := g - (e + 1)
			if size == 0 || size > 4 || size < 4 && n+size != want {
				return p
			}
			n += size
			e = g
		}
	default:
		return p
	}
	if e < len(text) && (isAlnum(text[e]) || charClass[text[e]]&clHigh != 0) {
		return p
	}
	norm, err := normIBAN(string(text[p:e]))
	if err != nil || s.overlaps(p, e, false) {
		return p
	}
	s.add(KindIBAN, p, e, norm, "", false)
	return e
}

// groupedCard reads a card number written in groups (4-4-4-4, 4-4-4-4-1…3,
// 4-6-5, 4-6-4) separated by one kind of single separator (space or
// dash), Luhn checked and of a known brand's prefix and length.
func (s *scanner) groupedCard(p int) int {
	text := s.text
	var groups []int
	var sep byte
	e := p
	digits := 0
	for {
		g := e
		for g < len(text) && isDigit(text[g]) && g-e <= 6 {
			g++
		}
		size := g - e
		if size == 0 || size > 6 {
			return p
		}
		groups = append(groups, size)
		digits += size
		e = g
		if digits > 19 || len(groups) > 5 {
			return p
		}
		if e+1 < len(text) && (text[e] == ' ' || text[e] == '-') && isDigit(text[e+1]) && (sep == 0 || text[e] == sep) {
			if len(groups) == 1 && size != 4 {
				return p
			}
			sep = text[e]
			e++
			continue
		}
		break
	}
	if len(groups) < 3 || !cardGrouping(groups) {
		return p
	}
	if e < len(text) && (isAlnum(text[e]) || text[e] == ',' && e+1 < len(text) && isDigit(text[e+1]) ||
		text[e] == '.' && e+1 < len(text) && isDigit(text[e+1])) {
		return p
	}
	norm, err := normCard(string(text[p:e]))
	if err != nil || s.overlaps(p, e, false) {
		return p
	}
	s.addCard(p, e, norm)
	return e
}

func cardGrouping(g []int) bool {
	switch len(g) {
	case 3:
		return g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4)
	case 4:
		return g[0] == 4 && g[1] == 4 && g[2] == 4 && g[3] == 4
	case 5:
		return g[0] == 4 && g[1] == 4 && g[2] == 4 && g[3] == 4 && g[4] <= 3
	}
	return false
}

// addCard records a card found at text[a:b]: its value and context are
// masked (every digit but the last four of the number becomes '*'); the
// brand goes into Platform.
func (s *scanner) addCard(a, b int, norm string) {
	brand, _, _ := strings.Cut(norm, ":")
	s.spans = append(s.spans, span{a, b, false})
	masked := maskCard(s.text[a:b])
	id := Identifier{Kind: KindCard, Value: masked, Normalized: norm, Offset: s.base + a, Valid: true, Platform: brand}
	if s.opt.WithContext {
		ctx := s.text
		if s.ctx != nil {
			ctx = s.ctx
		}
		lo, hi := max(a-ContextBytes, 0), min(b+ContextBytes, len(ctx))
		id.Context = string(ctx[lo:a]) + masked + string(ctx[b:hi])
	}
	s.ids = append(s.ids, id)
}

// contiguousCard checks the digit run text[a:b] for a card number written
// without separators: only after a card label on the same line, since
// 13 to 19 bare digits are far more often other numbers.
func (s *scanner) contiguousCard(a, b int) bool {
	if !labelWordBefore(s.text, a, cardLabels...) {
		return false
	}
	norm, err := normCard(string(s.text[a:b]))
	if err != nil {
		return false
	}
	s.addCard(a, b, norm)
	return true
}

// bicRun reports whether the alphanumeric run text[a:b] is a BIC: 8 or 11
// capitals and digits of a BIC's shape after a "BIC" or "SWIFT" label on
// the same line, overlapping nothing found before. With add it records it.
func (s *scanner) bicRun(a, b int, add bool) bool {
	text := s.text
	if n := b - a; (n != 8 && n != 11) || s.overlaps(a, b, false) || !labelWordBefore(text, a, "bic", "swift") {
		return false
	}
	norm, err := normBIC(string(text[a:b]))
	if err != nil || strings.ToUpper(string(text[a:b])) != string(text[a:b]) {
		return false
	}
	if add {
		s.add(KindBIC, a, b, norm, "", false)
	}
	return true
}

// bicWithin reports whether an alphanumeric run of text[from:to] (the
// first starting at from or later) is a BIC, when the token may hold one.
func (s *scanner) bicWithin(from, to int) bool {
	if !s.bic {
		return false
	}
	text := s.text
	for p := from; p < to; {
		if !isAlnum(text[p]) {
			p++
			continue
		}
		a := p
		for p < to && isAlnum(text[p]) {
			p++
		}
		if s.bicRun(a, p, false) {
			return true
		}
	}
	return false
}

// cashtags finds Cash App $cashtags: a letter first, and a lower-case
// letter somewhere or a "Cash App" label right before ("$BTC" is a
// ticker; "Cash App: $ALEXEX" a cashtag).
func (s *scanner) cashtags(start, end int) {
	text := s.text
	for p := start; p < end; p++ {
		if text[p] != '$' || p > start && (isAlnum(text[p-1]) || text[p-1] == '$') {
			continue
		}
		e := p + 1
		for e < end && (isAlnum(text[e]) || text[e] == '_' || text[e] == '-') && e-p <= 21 {
			e++
		}
		for e > p+1 && text[e-1] == '-' {
			e--
		}
		name := string(text[p+1 : e])
		if validHandle(KindCashApp, name) != nil || s.overlaps(p, e, false) {
			continue
		}
		if name == strings.ToUpper(name) && !labelWordWithin(text, p, 12, "cash app", "cashapp", "cash.app") {
			continue
		}
		s.add(KindCashApp, p, e, strings.ToLower(name), "", false)
		p = e - 1
	}
}

// handlePath reads the payment handle in a service's link: host/name,
// host/u/name, cash.app/$name. p is the '/' after the host, r the end of
// the link.
func (s *scanner) handlePath(k Kind, host string, p, r int) {
	text := s.text
	if p >= r || text[p] != '/' {
		return
	}
	rule := handleRules[k]
	a := p + 1
	prefixed := false
	for _, pre := range rule.prefixes {
		if r-a > len(pre) && equalFoldASCII(text[a:a+len(pre)], pre) {
			a += len(pre)
			prefixed = true
			break
		}
	}
	for _, h := range rule.prefixed {
		if host == h && !prefixed {
			return
		}
	}
	if rule.sigil != 0 && a < r && text[a] == rule.sigil {
		a++
	}
	b := a
	for b < r && (isAlnum(text[b]) || rule.extra != "" && strings.IndexByte(rule.extra, text[b]) >= 0) {
		b++
	}
	if b < r && strings.IndexByte("/?#.,)", text[b]) < 0 {
		return
	}
	if validHandle(k, string(text[a:b])) == nil && !s.overlaps(a, b, false) {
		s.add(k, a, b, strings.ToLower(string(text[a:b])), "", false)
	}
}

// mentionHandle returns the payment-handle kind an @mention is, when a
// service label precedes it on the line ("Venmo @alex-example").
func mentionHandle(text []byte, p int) Kind {
	switch {
	case labelWordBefore(text, p, "venmo"):
		return KindVenmo
	case labelWordBefore(text, p, "revolut", "revtag"):
		return KindRevolut
	}
	return ""
}
