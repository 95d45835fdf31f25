package identifier

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Phone numbers: validated and formatted by github.com/nyaruka/phonenumbers
// (libphonenumber metadata). The canonical form is E.164.

const maxPhoneLen = 64

// cleanPhone maps the separators WhatsApp and Telegram write (NBSP, narrow
// NBSP, thin space, non-breaking hyphen) to ASCII and drops bidirectional
// marks. It rejects letters, so vanity numbers are not phone identifiers.
func cleanPhone(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '+', r == '(', r == ')', r == '-', r == '.', r == '/', r == ' ':
			b.WriteRune(r)
		case r == '\u00a0', r == '\u202f', r == '\u2009', r == '\t':
			b.WriteByte(' ')
		case r == '\u2010', r == '\u2011':
			b.WriteByte('-')
		case r == '\u200e', r == '\u200f', r >= '\u202a' && r <= '\u202e':
		default:
			return "", fmt.Errorf("phone: character %q not allowed", r)
		}
	}
	c := strings.TrimSpace(b.String())
	if strings.LastIndexByte(c, '+') > 0 {
		return "", errors.New("phone: '+' only at the start")
	}
	return c, nil
}

// normPhone parses raw (international with '+', or national for region) and
// returns E.164 when libphonenumber deems the number valid.
func normPhone(raw, region string) (string, error) {
	if len(raw) > maxPhoneLen {
		return "", errors.New("phone: too long")
	}
	c, err := cleanPhone(raw)
	if err != nil {
		return "", err
	}
	digits := 0
	for i := 0; i < len(c); i++ {
		if c[i] >= '0' && c[i] <= '9' {
			digits++
		}
	}
	if digits < 5 || digits > 17 {
		return "", errors.New("phone: wrong number of digits")
	}
	if region == "" {
		region = "ZZ"
	}
	region = strings.ToUpper(region)
	if !strings.HasPrefix(c, "+") && region == "ZZ" {
		return "", errors.New("phone: national number without a default region")
	}
	n, err := phonenumbers.Parse(c, region)
	if err != nil {
		return "", fmt.Errorf("phone: %w", err)
	}
	if !phonenumbers.IsValidNumber(n) {
		return "", errors.New("phone: not a valid number for its country")
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// phoneRegion returns the ISO region of a valid E.164 number and whether its
// calling code is shared by several regions (e.g. +1 NANP, +7 RU/KZ).
func phoneRegion(e164 string) (region string, cc int, shared bool) {
	n, err := phonenumbers.Parse(e164, "ZZ")
	if err != nil {
		return "", 0, false
	}
	cc = int(n.GetCountryCode())
	return phonenumbers.GetRegionCodeForNumber(n), cc, len(phonenumbers.GetRegionCodesForCountryCode(cc)) > 1
}

// phoneSep returns the byte length of a phone separator at text[i] (0 if
// none): ASCII space - . / ( ) and the Unicode spaces, hyphens and bidi marks
// that chat exports put into numbers.
func phoneSep(text []byte, i int) int {
	switch c := text[i]; c {
	case ' ', '-', '.', '/', '(', ')':
		return 1
	case 0xc2:
		if i+1 < len(text) && text[i+1] == 0xa0 {
			return 2
		}
	case 0xe2:
		if i+2 < len(text) && text[i+1] == 0x80 {
			switch text[i+2] {
			case 0xaf, 0x89, 0x90, 0x91, 0x8e, 0x8f, 0xaa, 0xab, 0xac, 0xad, 0xae:
				return 3
			}
		}
	}
	return 0
}

// scanPhone tries to read a phone number starting at p (a '+', a '(' or a
// digit). It returns the end offset and the E.164 form.
func scanPhone(text []byte, p int, region string, memo *phoneMemo) (int, string, bool) {
	const maxGroups = 8
	plus := text[p] == '+'
	i := p
	if plus || text[p] == '(' {
		i++
	}
	var ends [maxGroups]int
	var seps [maxGroups]byte
	var counts [maxGroups]int
	groups, digits := 0, 0
	truncated := false
	for i < len(text) {
		if groups == maxGroups {
			truncated = true
			break
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j == i {
			break
		}
		if digits+j-i > 17 {
			truncated = true
			break // the rest belongs to something else
		}
		digits += j - i
		ends[groups] = j
		counts[groups] = digits
		groups++
		// Up to two separators (e.g. ") ") before the next group.
		k, n := j, 0
		var sep byte
		for n < 2 && k < len(text) {
			w := phoneSep(text, k)
			if w == 0 {
				break
			}
			if sep == 0 || sep == ' ' {
				sep = text[k]
			}
			k += w
			n++
		}
		if n == 0 || k >= len(text) || !isDigit(text[k]) {
			break
		}
		seps[groups-1] = sep
		i = k
	}
	if groups == 0 || digits < 7 {
		return 0, "", false
	}
	last := ends[groups-1]
	if !plus {
		// National format: the whole run of digit groups must be one
		// number in a phone-like layout; no trimming of trailing groups.
		if truncated || digits > 15 || looksLikeDateOrAddr(text[p:last], ends[:groups], seps[:groups-1], p) {
			return 0, "", false
		}
	}
	if !plus && groups < 2 && text[p] != '(' {
		return 0, "", false
	}
	for g := groups; g >= 1; g-- {
		end := ends[g-1]
		if counts[g-1] > 15 {
			continue
		}
		if counts[g-1] < 7 {
			break
		}
		// A candidate must end at a boundary: not before a letter or digit,
		// nor before ".<digit>" (dotted numbers).
		if end < len(text) && (isAlnum(text[end]) || text[end] == '.' && end+1 < len(text) && isDigit(text[end+1])) {
			continue
		}
		if e, ok := memo.norm(text[p:end], region); ok {
			if !plus && !groupingMatches(counts[:g], e) {
				return 0, "", false
			}
			return end, e, true
		}
		if !plus {
			break
		}
	}
	return 0, "", false
}

// looksLikeDateOrAddr rejects national-format candidates shaped like dates
// (2024-01-15, 15.01.2024, 01/15/2024), dotted quads and version numbers:
// groups joined only by '.', '-' or '/' with date-like lengths.
func looksLikeDateOrAddr(s []byte, ends []int, seps []byte, p int) bool {
	if len(seps) == 0 {
		return false
	}
	lens := make([]int, len(ends))
	prev := p
	for i, e := range ends {
		d := e
		for d > prev && isDigit(s[d-1-p]) {
			d--
		}
		lens[i] = e - d
		prev = e
	}
	dot, other := false, false
	for _, c := range seps {
		if c == '.' {
			dot = true
		} else {
			other = true
		}
	}
	if dot && other {
		return true // "1.2.3 15", "25 15.01": numbers in prose, not a phone format
	}
	for i := 1; i < len(lens); i++ {
		if lens[i] < 2 {
			return true // "2024 7 10": national formats group 2+ digits
		}
	}
	for i := 0; i+2 < len(lens); i++ {
		if seps[i] != seps[i+1] || (seps[i] != '.' && seps[i] != '-' && seps[i] != '/') {
			continue
		}
		a, b, c := lens[i], lens[i+1], lens[i+2]
		if a == 4 && b <= 2 && c <= 2 || a <= 2 && b <= 2 && (c == 4 || c == 2) {
			return true // a date somewhere in the run
		}
		if seps[i] == '.' && i+3 < len(lens) && seps[i+2] == '.' {
			return true // dotted quad or version
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return charClass[c]&(clDigit|clUpper|clLower) != 0 }

// phoneMemo remembers recent phone candidates and their results:
// libphonenumber's parser is the most expensive validator, and chats repeat
// the same numbers. It is bounded and reset when full.
type phoneMemo struct{ m map[string]string }

const phoneMemoMax = 4096

func (pm *phoneMemo) norm(raw []byte, region string) (string, bool) {
	if pm.m == nil {
		pm.m = make(map[string]string)
	}
	if e, ok := pm.m[string(raw)]; ok {
		return e, e != ""
	}
	e, err := normPhone(string(raw), region)
	if err != nil {
		e = ""
	}
	if len(pm.m) >= phoneMemoMax {
		clear(pm.m)
	}
	pm.m[string(raw)] = e
	return e, e != ""
}

func phoneRegionsFor(cc int) []string {
	return slices.Clone(phonenumbers.GetRegionCodesForCountryCode(cc))
}

// groupingMatches reports whether the digit groups of a national-format
// candidate (cumulative digit counts at each group end) split the number
// where its national format does: "202 555 0143" and "2025550143" match
// "(202) 555-0143", "2024 25 2024" does not. Leading digits beyond the
// national number (a trunk or access prefix) must form their own group.
func groupingMatches(cum []int, e164 string) bool {
	n, err := phonenumbers.Parse(e164, "ZZ")
	if err != nil {
		return false
	}
	nat := phonenumbers.Format(n, phonenumbers.NATIONAL)
	bounds := map[int]bool{}
	d, inDigits := 0, false
	for i := 0; i < len(nat); i++ {
		if isDigit(nat[i]) {
			d++
			inDigits = true
		} else if inDigits {
			bounds[d] = true
			inDigits = false
		}
	}
	total := cum[len(cum)-1]
	offset := total - d
	if offset < 0 {
		return false
	}
	if offset > 0 {
		bounds[0] = true
	}
	for _, c := range cum[:len(cum)-1] {
		if !bounds[c-offset] {
			return false
		}
	}
	return true
}
