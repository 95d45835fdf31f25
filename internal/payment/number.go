package payment

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// How a number is read as people write it (docs/payments.md, "Amounts"):
//
//   - Grouping-only separators: a space, a no-break space (U+00A0), a
//     narrow no-break space (U+202F), a thin space (U+2009), an apostrophe
//     (' or ’, as in Switzerland). They only ever group thousands.
//   - ',' and '.' are either the decimal mark or a grouping separator.
//     With both, the last one is the decimal mark ("1.500,50",
//     "1,500.50"); one of them repeated only groups ("1.500.000");
//     after a grouping-only separator, a single one is the decimal mark
//     ("1 500,50", "1'500.50").
//   - The ambiguous case, one ',' or '.' followed by exactly three digits
//     after one to three digits that do not start with 0 ("1.500",
//     "12,000"): it groups thousands when the currency is fiat with at most
//     two minor digits (EUR, USD, JPY…) or a stablecoin (USDT, USDC), and
//     is the decimal mark otherwise (crypto tickers: "1.500 BTC" is 1.5;
//     currencies with three minor digits such as KWD; no currency).
//     "0.500" and "1234.567" are always decimals.
//   - Grouped digits come in threes after a first group of one to three;
//     with ',' Indian grouping is read too ("1,50,000": twos, then a
//     final three).
//   - A leading decimal mark is read (".5" is 0.5), and a trailing ",-",
//     ".-" or ",–" marks whole units ("150,- €"): the separator before it
//     then only groups.
//
// Anything else ("1.2.3", "1,5.5", "1 50") is not a number.

// number is a number as written: its digit runs and the separators
// between them.
type number struct {
	groups []string // digit runs; groups[0] is "" for ".5"
	seps   []string // seps[k] is between groups[k] and groups[k+1]
	whole  bool     // a trailing ",-": no fraction
}

// maxGroups bounds the digit runs of one number.
const maxGroups = 16

// groupingSeps are the separators that only ever group thousands.
var groupingSeps = []string{" ", "\u00a0", "\u202f", "\u2009", "'", "\u2019"}

func groupingAt(text string, p int) string {
	for _, s := range groupingSeps {
		if strings.HasPrefix(text[p:], s) {
			return s
		}
	}
	return ""
}

func isGrouping(sep string) bool { return sep != "," && sep != "." }

// scanNumber reads the number that starts at text[i] (a digit, or '.'
// before a digit). It returns the number and the end of its span.
func scanNumber(text string, i int) (number, int) {
	var n number
	b := i
	if text[b] == '.' {
		n.groups = append(n.groups, "")
		n.seps = append(n.seps, ".")
		b++
	}
	for {
		g := b
		for g < len(text) && isDigitByte(text[g]) && g-b < MaxAmountDigits {
			g++
		}
		n.groups = append(n.groups, text[b:g])
		b = g
		if len(n.groups) >= maxGroups || b >= len(text) {
			break
		}
		sep := groupingAt(text, b)
		if sep == "" && (text[b] == ',' || text[b] == '.') {
			sep = text[b : b+1]
		}
		if sep == "" || b+len(sep) >= len(text) || !isDigitByte(text[b+len(sep)]) {
			break
		}
		if sep == " " || strings.HasPrefix(sep, "\u2009") {
			// A plain or thin space groups only a run of at most three
			// digits and exactly three more: "1 500", not "12 34".
			e := b + len(sep)
			for e < len(text) && isDigitByte(text[e]) {
				e++
			}
			if e-(b+len(sep)) != 3 || len(n.groups[len(n.groups)-1]) > 3 {
				break
			}
		}
		n.seps = append(n.seps, sep)
		b += len(sep)
	}
	if b+1 < len(text) && (text[b] == ',' || text[b] == '.') {
		if r, size := utf8.DecodeRuneInString(text[b+1:]); r == '-' || r == '–' || r == '—' {
			n.whole = true
			b += 1 + size
		}
	}
	return n, b
}

// value returns the canonical decimal of n read with the currency cur
// ("" unknown), and false when n is not a number.
func (n number) value(cur string) (string, bool) {
	groups, seps := n.groups, n.seps
	dec := -1 // the index in seps of the decimal mark
	if k := len(seps) - 1; k >= 0 && !isGrouping(seps[k]) && !n.whole {
		last := seps[k]
		switch {
		case groups[0] == "":
			dec = k // ".5"
		case k > 0 && seps[0] != last:
			dec = k // "1.500,50", "1 500,50"
		case k > 0:
			// "1.500.000": all group
		case !thousandsReading(groups[0], groups[1], cur):
			dec = k
		}
	}
	intGroups, frac := groups, ""
	if dec >= 0 {
		intGroups, frac = groups[:dec+1], groups[dec+1]
	}
	if groups[0] == "" && dec != 0 {
		return "", false
	}
	if len(intGroups) > 1 {
		for _, sep := range seps[:len(intGroups)-1] {
			if sep != seps[0] {
				return "", false
			}
		}
		if !grouped(intGroups, seps[0]) {
			return "", false
		}
	}
	v := strings.Join(intGroups, "")
	if dec >= 0 {
		v += "." + frac
	}
	v, err := Decimal(v)
	return v, err == nil
}

// grouped reports whether the digit runs of an integer part are grouped
// as people group them: a first run of one to three digits and runs of
// three; with ',' Indian grouping too (a first run of one or two, runs
// of two, a last run of three: "1,50,000").
func grouped(runs []string, sep string) bool {
	last := len(runs) - 1
	if len(runs[0]) < 1 || len(runs[0]) > 3 || len(runs[last]) != 3 {
		return false
	}
	threes, twos := true, sep == "," && len(runs[0]) <= 2
	for _, r := range runs[1:last] {
		threes = threes && len(r) == 3
		twos = twos && len(r) == 2
	}
	return threes || twos
}

// thousandsReading decides the ambiguous "1.500": intPart, one ',' or
// '.', and frac.
func thousandsReading(intPart, frac, cur string) bool {
	if len(frac) != 3 || len(intPart) < 1 || len(intPart) > 3 || intPart[0] == '0' {
		return false
	}
	return cur != "" && !decimalCurrencies[cur]
}

// decimalCurrencies read "1.500" as a decimal: crypto tickers (amounts
// of them are small and written with many decimals) and currencies with
// three minor digits. Stablecoins (USDT, USDC) are priced like dollars
// and read as fiat.
var decimalCurrencies = map[string]bool{
	"BTC": true, "ETH": true, "LTC": true, "XMR": true, "TRX": true, "TON": true, "BNB": true, "SOL": true, "DOGE": true, "BCH": true,
	"XRP": true, "ZEC": true,
	"KWD": true, "BHD": true, "OMR": true, "JOD": true, "TND": true, "LYD": true, "IQD": true,
}

// Parse reads a whole string as an amount of currency cur ("" unknown):
// a value from a dump column or a form. The plain machine form comes
// first, as databases write it ("1.500" in a dump is one and a half, as
// Decimal reads it); otherwise the number is read as people write it
// (see number.go), with currency signs and codes around it allowed when
// they agree with cur ("€ 1.500,00", "1,500.00 USD").
func Parse(s, cur string) (string, error) {
	s = strings.TrimSpace(s)
	if v, err := Decimal(s); err == nil {
		return v, nil
	}
	if len(s) > 4*MaxAmountDigits {
		return "", fmt.Errorf("amount %q: too long: %w", clip(s), ErrAmount)
	}
	if as := Amounts(s); len(as) == 1 && as[0].Offset == 0 && as[0].Len == len(s) && (cur == "" || as[0].Currency == cur) {
		return as[0].Value, nil
	}
	if s != "" && (isDigitByte(s[0]) || s[0] == '.' && len(s) > 1 && isDigitByte(s[1])) {
		if n, b := scanNumber(s, 0); b == len(s) {
			if v, ok := n.value(cur); ok {
				return v, nil
			}
		}
	}
	return "", fmt.Errorf("amount %q: not a number as written in any locale read here: %w", clip(s), ErrAmount)
}
