package payment

import "strings"

// Amount is a sum of money found in text.
type Amount struct {
	Value    string // canonical decimal (see Decimal)
	Currency string // ISO 4217 code or crypto ticker
	Offset   int    // byte offset of the amount as written
	Len      int    // its length in bytes
}

// currencySymbols map a sign to its currency. "$" is taken for USD and
// "¥" for JPY: both are shared, the evidence keeps the text.
var currencySymbols = []struct{ sym, code string }{
	{"R$", "BRL"}, {"US$", "USD"}, {"C$", "CAD"}, {"A$", "AUD"}, {"NZ$", "NZD"}, {"HK$", "HKD"}, {"€", "EUR"}, {"£", "GBP"}, {"$", "USD"}, {"¥", "JPY"}, {"₽", "RUB"}, {"₴", "UAH"}, {"₹", "INR"},
	{"₺", "TRY"}, {"₱", "PHP"}, {"₦", "NGN"}, {"₿", "BTC"}, {"zł", "PLN"}, {"Kč", "CZK"},
}

// currencyCodes are the codes and tickers recognised after or before a
// number ("150 EUR", "EUR 150", "0.5 BTC").
var currencyCodes = map[string]bool{
	"EUR": true, "USD": true, "GBP": true, "CHF": true, "CAD": true, "AUD": true, "NZD": true, "JPY": true, "CNY": true, "RUB": true,
	"UAH": true, "PLN": true, "CZK": true, "SEK": true, "NOK": true, "DKK": true, "HUF": true, "RON": true, "BGN": true, "TRY": true,
	"INR": true, "BRL": true, "MXN": true, "ARS": true, "COP": true, "PEN": true, "CLP": true, "PHP": true, "THB": true, "VND": true,
	"IDR": true, "MYR": true, "SGD": true, "HKD": true, "KRW": true, "NGN": true, "KES": true, "ZAR": true, "GHS": true, "EGP": true,
	"MAD": true, "AED": true, "SAR": true, "ILS": true, "PKR": true, "BDT": true, "KWD": true, "BHD": true, "OMR": true, "JOD": true,
	"TND": true, "LYD": true, "IQD": true,
	"BTC": true, "ETH": true, "LTC": true, "XMR": true, "TRX": true, "TON": true, "USDT": true, "USDC": true, "BNB": true, "SOL": true,
	"DOGE": true, "BCH": true, "XRP": true, "ZEC": true,
}

// currencyWords are spelled-out currencies (lower-case, singular and
// plural).
var currencyWords = map[string]string{
	"euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "bucks": "USD", "pound": "GBP", "pounds": "GBP",
	"quid": "GBP", "francs": "CHF", "rubles": "RUB", "roubles": "RUB", "hryvnia": "UAH", "rupees": "INR", "pesos": "MXN",
	"reais": "BRL", "zloty": "PLN", "lira": "TRY", "bitcoin": "BTC", "btc": "BTC", "eth": "ETH", "usdt": "USDT", "xmr": "XMR",
}

// Amounts finds the sums of money in text: a number with a currency sign
// or code right before or after it ("€150", "150 €", "EUR 150",
// "1,500.00 USD", "0.0015 BTC", "50 dollars", "CHF 1'500.50"). A number
// alone is not an amount. Numbers are read with the separators people
// use across locales; the ambiguous "1.500" is read by its currency (see
// number.go and docs/payments.md).
func Amounts(text string) []Amount {
	var out []Amount
	for i := 0; i < len(text); {
		if !numberStartsAt(text, i) {
			i++
			continue
		}
		n, b := scanNumber(text, i)
		if b < len(text) && (isDigitByte(text[b]) || isLetterNumberTail(text, b)) {
			i = max(b, i+1)
			continue
		}
		if cur, lo, hi, found := currencyAround(text, i, b); found {
			if v, ok := n.value(cur); ok {
				out = append(out, Amount{Value: v, Currency: cur, Offset: lo, Len: hi - lo})
			}
		}
		i = b
	}
	return out
}

// numberStartsAt: a digit, or a '.' before a digit (".5"), that does not
// continue a word or another number.
func numberStartsAt(text string, i int) bool {
	c := text[i]
	if c == '.' {
		if i+1 >= len(text) || !isDigitByte(text[i+1]) {
			return false
		}
	} else if !isDigitByte(c) {
		return false
	}
	return i == 0 || !isWordByte(text[i-1]) || symbolEndsAt(text, i)
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == ','
}

// symbolEndsAt: a currency sign written with letters ("R$", "zł", "Kč",
// "EUR150") may touch the number.
func symbolEndsAt(text string, i int) bool {
	for _, s := range currencySymbols {
		if strings.HasSuffix(text[:i], s.sym) {
			return true
		}
	}
	if i >= 3 && currencyCodes[text[i-3:i]] && (i == 3 || !isLetter(text[i-4])) {
		return true
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// spaceAt returns the length of a space between a number and its
// currency at text[p] (a space, a no-break or narrow no-break space), 0
// when there is none.
func spaceAt(text string, p int) int {
	for _, s := range []string{" ", "\u00a0", "\u202f"} {
		if strings.HasPrefix(text[p:], s) {
			return len(s)
		}
	}
	return 0
}

// spaceBefore is spaceAt for the space that ends at text[q].
func spaceBefore(text string, q int) int {
	for _, s := range []string{" ", "\u00a0", "\u202f"} {
		if strings.HasSuffix(text[:q], s) {
			return len(s)
		}
	}
	return 0
}

// isLetterNumberTail: "5k", "2x", "10th" are not amounts with a number
// alone; but a currency code touching the number ("150EUR") is fine.
func isLetterNumberTail(text string, b int) bool {
	if !isLetter(text[b]) {
		return false
	}
	e := b
	for e < len(text) && isLetter(text[e]) {
		e++
	}
	return !currencyCodes[strings.ToUpper(text[b:e])] && currencyWords[strings.ToLower(text[b:e])] == "" && !symbolAt(text, b)
}

func symbolAt(text string, i int) bool {
	for _, s := range currencySymbols {
		if strings.HasPrefix(text[i:], s.sym) {
			return true
		}
	}
	return false
}

// currencyAround finds a currency sign, code or word right after the
// number text[a:b] (optionally after one space) or right before it, and
// returns it with the span of the whole amount.
func currencyAround(text string, a, b int) (code string, lo, hi int, ok bool) {
	// After: "150 EUR", "150€", "150 euros".
	p := b + spaceAt(text, b)
	for _, s := range currencySymbols {
		if strings.HasPrefix(text[p:], s.sym) && s.sym != "$" || s.sym == "$" && strings.HasPrefix(text[p:], "$") && !startsCashtag(text, p) {
			return s.code, a, p + len(s.sym), true
		}
	}
	e := p
	for e < len(text) && isLetter(text[e]) {
		e++
	}
	if w := text[p:e]; e > p && (e == len(text) || !isDigitByte(text[e])) {
		if currencyCodes[w] {
			return w, a, e, true
		}
		if c := currencyWords[strings.ToLower(w)]; c != "" {
			return c, a, e, true
		}
	}
	// Before: "€150", "€ 150", "EUR 150", "USD150".
	q := a - spaceBefore(text, a)
	for _, s := range currencySymbols {
		if strings.HasSuffix(text[:q], s.sym) {
			lo := q - len(s.sym)
			if s.sym == "$" && lo > 0 && isWordByte(text[lo-1]) && text[lo-1] != 'R' || isLetter(s.sym[0]) && lo > 0 && isLetter(text[lo-1]) {
				continue
			}
			return s.code, lo, b, true
		}
	}
	s := q
	for s > 0 && isLetter(text[s-1]) {
		s--
	}
	if w := text[s:q]; currencyCodes[w] && (s == 0 || !isWordByte(text[s-1])) {
		return w, s, b, true
	}
	return "", 0, 0, false
}

// startsCashtag: "$alex" after a number is a cashtag, not a dollar sign.
func startsCashtag(text string, p int) bool {
	return p+1 < len(text) && isLetter(text[p+1])
}
