package identifier

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// An exchange book names the payment addresses an operator knows to
// belong to an exchange (a hot wallet, a customer deposit address), with
// the exchange's country: paying from or being paid at such an address
// suggests an account there, and the exchange answers legal requests in
// its country. The file is the operator's, documented in
// docs/payments.md: CSV lines of chain,address,exchange,country; an
// optional header line; blank lines and lines starting with '#' skipped.

// Exchange is the operator of an address.
type Exchange struct {
	Name    string // "Example Exchange"
	Country string // ISO 3166-1 alpha-2: where the exchange is registered
}

// ExchangeBook maps identifier keys (btc:…, eth:…) to their exchange.
type ExchangeBook map[string]Exchange

// Limits of an exchange book.
const (
	MaxExchangeLine    = 1024
	MaxExchangeEntries = 1_000_000
)

// ErrExchangeBook is wrapped by the errors of ReadExchangeBook.
var ErrExchangeBook = errors.New("exchange book")

// ReadExchangeBook reads an exchange book. chain is an identifier kind
// of a crypto address or payment identifier (btc, eth, ltc, xmr, trx,
// ton, iban…); the address is normalised and checked as the identifier
// package does; country is an ISO code. A line that does not read is an
// error naming its number: the book is the operator's own, small, and
// wrong entries would attribute people wrongly.
func ReadExchangeBook(name string, r io.Reader) (ExchangeBook, error) {
	book := ExchangeBook{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxExchangeLine)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if line == 1 && len(f) == 4 && strings.EqualFold(f[0], "chain") && strings.EqualFold(f[1], "address") {
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("%s line %d: want chain,address,exchange,country, got %d fields: %w", name, line, len(f), ErrExchangeBook)
		}
		kind := Kind(strings.ToLower(f[0]))
		if !IsPaymentKind(kind) || kind == KindCard {
			return nil, fmt.Errorf("%s line %d: chain %q is not a payment identifier kind (btc, eth, ltc, xmr, trx, ton, iban, paypal…): %w", name, line, clipText(f[0]), ErrExchangeBook)
		}
		norm, err := Normalize(kind, f[1], NormalizeOptions{})
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %s address: %v: %w", name, line, kind, err, ErrExchangeBook)
		}
		country, ok := ParseCountry(f[3])
		if !ok {
			return nil, fmt.Errorf("%s line %d: country %q is not an ISO 3166-1 code: %w", name, line, clipText(f[3]), ErrExchangeBook)
		}
		if f[2] == "" {
			return nil, fmt.Errorf("%s line %d: no exchange name: %w", name, line, ErrExchangeBook)
		}
		if len(book) >= MaxExchangeEntries {
			return nil, fmt.Errorf("%s line %d: more than %d addresses: %w", name, line, MaxExchangeEntries, ErrExchangeBook)
		}
		book[Key(kind, norm)] = Exchange{Name: f[2], Country: country}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s line %d: %v: %w", name, line+1, err, ErrExchangeBook)
	}
	return book, nil
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
