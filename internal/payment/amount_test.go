package payment

import (
	"errors"
	"testing"
)

func TestDecimal(t *testing.T) {
	for in, want := range map[string]string{
		"150": "150", "150.00": "150.00", "0150.50": "150.50", "0.00150000": "0.00150000", ".5": "0.5", "000": "0", " 12.3 ": "12.3",
	} {
		got, err := Decimal(in)
		if err != nil || got != want {
			t.Errorf("Decimal(%q) = %q, %v; want %q", in, got, err, want)
		}
		if again, err := Decimal(got); err != nil || again != got {
			t.Errorf("Decimal not idempotent on %q: %q, %v", got, again, err)
		}
	}
	for _, in := range []string{"", ".", "1.", "-5", "+5", "1,500.00", "1.500,00", "1e3", "12.3.4", "five", "1 000",
		"1234567890123456789012345678901234567890.1"} {
		if got, err := Decimal(in); !errors.Is(err, ErrAmount) {
			t.Errorf("Decimal(%q) = %q, %v; want ErrAmount", in, got, err)
		}
	}
}

func TestCurrency(t *testing.T) {
	for in, want := range map[string]string{"eur": "EUR", " BTC ": "BTC", "usdt": "USDT"} {
		if got, err := Currency(in); err != nil || got != want {
			t.Errorf("Currency(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "E", "EU", "1EUR", "EURO€", "TOOLONGX", "E-R"} {
		if _, err := Currency(in); !errors.Is(err, ErrAmount) {
			t.Errorf("Currency(%q): want ErrAmount", in)
		}
	}
}
