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
	{"R$", "BRL"}, {"€", "EUR"}, {"£", "GBP"}, {"$", "USD"}, {"¥", "JPY"}, {"₽", "RUB"}, {"₴", "UAH"}, {"₹", "INR"},
	{"₺", "TRY"}, {"₱", "PHP"}, {"₦", "NGN"}, {"₿", "BTC"}, {"zł", "PLN"}, {"Kč", "CZK"},
}

// currencyCodes are the codes and tickers recognised after or before a
// number ("150 EUR", "EUR 150", "0.5 BTC").
var currencyCodes = map[string]bool{
	"EUR": true, "USD": true, "GBP": true, "CHF": true, "CAD": true, "AUD": true, "NZD": true, "JPY": true, "CNY": true, "RUB": true,
	"UAH": true, "PLN": true, "CZK": true, "SEK": true, "NOK": true, "DKK": true, "HUF": true, "RON": true, "BGN": true, "TRY": true,
	"INR": true, "BRL": true, "MXN": true, "ARS": true, "COP": true, "PEN": true, "CLP": true, "PHP": true, "THB": true, "VND": true,
	"IDR": true, "MYR": true, "SGD": true, "HKD": true, "KRW": true, "NGN": true, "KES": true, "ZAR": true, "GHS": true, "EGP": true,
	"MAD": true, "AED": true, "SAR": true, "ILS": true, "PKR": true, "BDT": true,
	"BTC": true, "ETH": true, "LTC": true, "XMR": true, "TRX": true, "TON": true, "USDT": true, "USDC": true, "BNB": true, "SOL": true,
	"DOGE": true, "BCH": true,
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
// "1,500.00 USD", "0.0015 BTC", "50 dollars"). A number alone is not an
// amount. Separators: with both ',' and '.', the last one is the decimal
// point ("1.500,00", "1,500.00"); a lone ',' followed by exactly three
// digits groups thousands ("1,500"), otherwise it is the decimal point
// ("1,50"); '.' is the decimal point unless it occurs twice
// ("1.500.000"); a single space groups thousands only between a group
// and exactly three digits ("1 500 EUR").
func Amounts(text string) []Amount {
	var out []Amount
	for i := 0; i < len(text); {
		c := text[i]
		if c < '0' || c > '9' || i > 0 && isWordByte(text[i-1]) && !symbolEndsAt(text, i) {
			i++
			continue
		}
		a, b, value, ok := readNumber(text, i)
		if !ok {
			i = max(b, i+1)
			continue
		}
		if cur, lo, hi, found := currencyAround(text, a, b); found {
			out = append(out, Amount{Value: value, Currency: cur, Offset: lo, Len: hi - lo})
		}
		i = b
	}
	return out
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

// readNumber reads a number at i: digits with ',', '.' or single-space
// separators. It returns its span and canonical decimal.
func readNumber(text string, i int) (a, b int, value string, ok bool) {
	a, b = i, i
	var groups []string // digit runs
	var seps []byte     // separator after each run but the last
	for {
		g := b
		for g < len(text) && isDigitByte(text[g]) && g-b < MaxAmountDigits {
			g++
		}
		groups = append(groups, text[b:g])
		b = g
		if b+1 < len(text) && (text[b] == ',' || text[b] == '.' || text[b] == ' ') && isDigitByte(text[b+1]) && len(groups) < 8 {
			if text[b] == ' ' {
				// "1 500": only a thousands group of exactly three digits.
				e := b + 1
				for e < len(text) && isDigitByte(text[e]) {
					e++
				}
				if e-(b+1) != 3 || len(groups[len(groups)-1]) > 3 {
					break
				}
			}
			seps = append(seps, text[b])
			b++
			continue
		}
		break
	}
	if b < len(text) && (isDigitByte(text[b]) || isLetterNumberTail(text, b)) {
		return a, b, "", false
	}
	// Decide the decimal separator.
	dec := byte(0)
	last := byte(0)
	if len(seps) > 0 {
		last = seps[len(seps)-1]
	}
	hasComma, hasDot := strings.IndexByte(string(seps), ',') >= 0, strings.IndexByte(string(seps), '.') >= 0
	switch {
	case hasComma && hasDot:
		dec = last
	case hasComma && strings.Count(string(seps), ",") == 1 && len(groups[len(groups)-1]) != 3:
		dec = ','
	case hasDot && strings.Count(string(seps), ".") == 1:
		dec = '.'
	}
	if dec != 0 && last != dec {
		return a, b, "", false // "1.500,00.5"
	}
	var n strings.Builder
	for k, g := range groups {
		if k > 0 {
			s := seps[k-1]
			switch {
			case s == dec && k == len(groups)-1:
				n.WriteByte('.')
			case s != dec && len(g) == 3 && (k > 1 || len(groups[0]) <= 3):
				// a thousands group
			default:
				return a, b, "", false
			}
		}
		n.WriteString(g)
	}
	v, err := Decimal(n.String())
	if err != nil {
		return a, b, "", false
	}
	return a, b, v, true
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
	p := b
	if p < len(text) && text[p] == ' ' {
		p++
	}
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
	q := a
	if q > 0 && text[q-1] == ' ' {
		q--
	}
	for _, s := range currencySymbols {
		if strings.HasSuffix(text[:q], s.sym) {
			lo := q - len(s.sym)
			if s.sym == "$" && lo > 0 && isWordByte(text[lo-1]) && text[lo-1] != 'R' {
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
