// Package payment finds payment events in text: an amount and a currency
// near a payment identifier (an IBAN, a card, a payment handle or a crypto
// address, as the identifier package extracts them), and decides who paid
// whom from the message and its reply. It also holds the exact decimal
// form amounts are stored in.
//
// The package is pure: text and identifiers in, values out.
package payment

import (
	"errors"
	"fmt"
	"strings"
)

// ErrAmount is returned for a value that is not an amount.
var ErrAmount = errors.New("not an amount")

// MaxAmountDigits bounds an amount's digits (integer and fraction).
const MaxAmountDigits = 40

// Decimal returns the canonical form of a plain decimal amount: digits,
// at most one '.', no sign, no thousands separators; leading zeros of the
// integer part are dropped ("0150.50" -> "150.50"), the fraction is kept as
// written (its digits are exact: "0.00150000" BTC stays so). Decimal is
// idempotent.
func Decimal(s string) (string, error) {
	s = strings.TrimSpace(s)
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" || len(intPart)+len(frac) > MaxAmountDigits {
		return "", fmt.Errorf("amount %q: %w", clip(s), ErrAmount)
	}
	if hasDot && frac == "" {
		return "", fmt.Errorf("amount %q: no digits after the point: %w", clip(s), ErrAmount)
	}
	if !digits(intPart) || !digits(frac) {
		return "", fmt.Errorf("amount %q: want digits and at most one '.': %w", clip(s), ErrAmount)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	if hasDot {
		return intPart + "." + frac, nil
	}
	return intPart, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 48 {
		return s[:48] + "…"
	}
	return s
}

// Currency returns the canonical (upper-case) form of a currency code: an
// ISO 4217 code or a crypto ticker, 3 to 6 letters or digits starting with
// a letter ("EUR", "BTC", "USDT").
func Currency(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) < 3 || len(s) > 6 || s[0] < 'A' || s[0] > 'Z' {
		return "", fmt.Errorf("currency %q: want a code of 3 to 6 letters: %w", clip(s), ErrAmount)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return "", fmt.Errorf("currency %q: want a code of 3 to 6 letters: %w", clip(s), ErrAmount)
		}
	}
	return s, nil
}
