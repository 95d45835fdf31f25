package identifier

import (
	"errors"
	"fmt"
	"strings"
)

// Validators for bank and card identifiers: IBAN (ISO 13616), BIC
// (ISO 9362) and payment-card numbers. A card number is never kept whole:
// its canonical form is the brand and the last four digits.

var (
	errIBANCountry  = errors.New("no IBAN registered for the country code")
	errIBANChecksum = errors.New("mod-97 checksum does not verify")
	errBICShape     = errors.New("want 4 letters (bank), 2 letters (country), 2 letters or digits (location) and optionally 3 (branch)")
	errLuhn         = errors.New("check digit (Luhn) does not verify")
	errCardBrand    = errors.New("no card brand issues numbers of this prefix and length")
)

// ibanLength is the length of an IBAN per country code, from the IBAN
// registry (SWIFT, ISO 13616). The French overseas departments and
// territories use FR IBANs.
var ibanLength = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
	"JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
	"MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
	"NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
	"SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// normIBAN: spaces dropped, upper-case; the country's length and the
// mod-97 checksum verified.
func normIBAN(s string) (string, error) {
	if len(s) > 64 {
		return "", errLength
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return "", fmt.Errorf("iban: character %q", c)
		}
		b.WriteByte(c)
	}
	n := b.String()
	if len(n) < 5 {
		return "", fmt.Errorf("iban: %w", errLength)
	}
	want, ok := ibanLength[n[:2]]
	if !ok {
		return "", fmt.Errorf("iban %s…: %w", n[:2], errIBANCountry)
	}
	if len(n) != want {
		return "", fmt.Errorf("iban: %s IBANs have %d characters, not %d: %w", n[:2], want, len(n), errLength)
	}
	if !isDigit(n[2]) || !isDigit(n[3]) {
		return "", fmt.Errorf("iban: check digits are not digits")
	}
	if ibanMod97(n) != 1 {
		return "", fmt.Errorf("iban: %w", errIBANChecksum)
	}
	return n, nil
}

// ibanMod97 computes the IBAN remainder: the first four characters moved
// to the end, letters as 10…35, the number taken modulo 97.
func ibanMod97(n string) int {
	r := 0
	for i := 0; i < len(n); i++ {
		c := n[(i+4)%len(n)]
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return -1
		}
	}
	return r
}

// IBANCountry returns the country code of a normalised IBAN ("" if it is
// not one).
func IBANCountry(normalized string) string {
	if len(normalized) < 2 {
		return ""
	}
	if _, ok := ibanLength[normalized[:2]]; !ok {
		return ""
	}
	return normalized[:2]
}

// normBIC: upper-case, 8 or 11 characters, the country an ISO 3166-1
// code. The canonical form is the 11-character BIC only when written so
// ("DEUTDEFF" and "DEUTDEFFXXX" name the same office but are kept as
// written; XXX is the head office).
func normBIC(s string) (string, error) {
	if len(s) != 8 && len(s) != 11 {
		return "", fmt.Errorf("bic: %w", errLength)
	}
	u := strings.ToUpper(s)
	for i := 0; i < len(u); i++ {
		c := u[i]
		letter := c >= 'A' && c <= 'Z'
		if i < 6 && !letter || i >= 6 && !letter && !isDigit(c) {
			return "", fmt.Errorf("bic: %w", errBICShape)
		}
	}
	if CountryName(u[4:6]) == "" {
		return "", fmt.Errorf("bic: %q is not a country code: %w", u[4:6], errBICShape)
	}
	return u, nil
}

// Card brands (the canonical form's first part).
const (
	BrandVisa       = "visa"
	BrandMastercard = "mastercard"
	BrandAmex       = "amex"
	BrandDiscover   = "discover"
	BrandDiners     = "diners"
	BrandJCB        = "jcb"
	BrandUnionPay   = "unionpay"
	BrandMaestro    = "maestro"
	BrandMir        = "mir"
)

// cardBrands: issuer identification number ranges (first digits) and the
// lengths each brand issues. The first matching range wins; the list runs
// from narrow ranges to broad ones.
var cardBrands = []struct {
	lo, hi  int // inclusive range of the first len(digits(lo)) digits
	width   int // how many leading digits lo and hi cover
	brand   string
	lengths []int
}{
	{2200, 2204, 4, BrandMir, []int{16, 17, 18, 19}},
	{2221, 2720, 4, BrandMastercard, []int{16}},
	{300, 305, 3, BrandDiners, []int{14, 15, 16, 17, 18, 19}},
	{3528, 3589, 4, BrandJCB, []int{16, 17, 18, 19}},
	{34, 34, 2, BrandAmex, []int{15}},
	{37, 37, 2, BrandAmex, []int{15}},
	{36, 36, 2, BrandDiners, []int{14, 15, 16, 17, 18, 19}},
	{38, 39, 2, BrandDiners, []int{16, 17, 18, 19}},
	{4, 4, 1, BrandVisa, []int{13, 16, 19}},
	{51, 55, 2, BrandMastercard, []int{16}},
	{6011, 6011, 4, BrandDiscover, []int{16, 17, 18, 19}},
	{644, 649, 3, BrandDiscover, []int{16, 17, 18, 19}},
	{65, 65, 2, BrandDiscover, []int{16, 17, 18, 19}},
	{62, 62, 2, BrandUnionPay, []int{16, 17, 18, 19}},
	{5018, 5018, 4, BrandMaestro, []int{12, 13, 14, 15, 16, 17, 18, 19}},
	{5020, 5020, 4, BrandMaestro, []int{12, 13, 14, 15, 16, 17, 18, 19}},
	{5038, 5038, 4, BrandMaestro, []int{12, 13, 14, 15, 16, 17, 18, 19}},
	{5893, 5893, 4, BrandMaestro, []int{12, 13, 14, 15, 16, 17, 18, 19}},
	{6304, 6304, 4, BrandMaestro, []int{12, 13, 14, 15, 16, 17, 18, 19}},
	{6759, 6759, 4, BrandMaestro, []int{12, 13, 14, 15, 16, 17, 18, 19}},
	{6761, 6763, 4, BrandMaestro, []int{12, 13, 14, 15, 16, 17, 18, 19}},
}

// CardBrand returns the brand issuing card numbers of these digits (the
// whole number), or "".
func CardBrand(digits string) string {
	for _, b := range cardBrands {
		if len(digits) < b.width {
			continue
		}
		v := 0
		for i := 0; i < b.width; i++ {
			v = v*10 + int(digits[i]-'0')
		}
		if v < b.lo || v > b.hi {
			continue
		}
		for _, l := range b.lengths {
			if l == len(digits) {
				return b.brand
			}
		}
		return ""
	}
	return ""
}

func isBrand(s string) bool {
	for _, b := range cardBrands {
		if b.brand == s {
			return true
		}
	}
	return false
}

// luhn reports whether the digits end in a valid Luhn check digit.
func luhn(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// normCard returns "brand:last4" for a card number (digits with optional
// spaces or dashes, Luhn checked, a known brand's prefix and length), or
// accepts that masked form itself. The full number is never returned.
func normCard(s string) (string, error) {
	if brand, last, ok := strings.Cut(s, ":"); ok {
		if isBrand(brand) && len(last) == 4 && allDigits(last) {
			return s, nil
		}
		return "", errors.New("card: want a card number or brand:last4")
	}
	var d []byte
	for i := 0; i < len(s) && len(d) <= 19; i++ {
		switch c := s[i]; {
		case isDigit(c):
			d = append(d, c)
		case c == ' ' || c == '-':
		default:
			return "", errors.New("card: want digits, spaces and dashes")
		}
	}
	if len(d) < 12 || len(d) > 19 {
		return "", fmt.Errorf("card: %w", errLength)
	}
	digits := string(d)
	if !luhn(digits) {
		return "", fmt.Errorf("card: %w", errLuhn)
	}
	brand := CardBrand(digits)
	if brand == "" {
		return "", fmt.Errorf("card: %w", errCardBrand)
	}
	return brand + ":" + digits[len(digits)-4:], nil
}

// maskCard replaces every digit of a card number as written except the
// last four by '*', keeping separators and length.
func maskCard(b []byte) string {
	out := []byte(string(b))
	keep := 4
	for i := len(out) - 1; i >= 0; i-- {
		if !isDigit(out[i]) {
			continue
		}
		if keep > 0 {
			keep--
			continue
		}
		out[i] = '*'
	}
	return string(out)
}
