package payment

import (
	"strings"
	"testing"
)

func TestAmounts(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"150 EUR", "150 EUR"},
		{"€150", "150 EUR"},
		{"€ 150,50 please", "150.50 EUR"},
		{"150€", "150 EUR"},
		{"EUR 1.500,00", "1500.00 EUR"},
		{"USD1,500.00", "1500.00 USD"},
		{"1,500 USD", "1500 USD"},
		{"1,50 €", "1.50 EUR"},
		{"1 500 EUR", "1500 EUR"},
		{"0.0015 BTC", "0.0015 BTC"},
		{"send $25 to $alex", "25 USD"},
		{"£10.50 and 20 pounds", "10.50 GBP|20 GBP"},
		{"50 dollars, 3 euros", "50 USD|3 EUR"},
		{"R$ 200", "200 BRL"},
		{"100 zł", "100 PLN"},
		{"150EUR", "150 EUR"},
		{"paypal.me/alex/25EUR", "25 EUR"},
		{"100 USDT on TRX", "100 USDT"},
		// Near-misses: numbers without a currency, tickers, dates, times.
		{"meet at 14:05 on 2024-03-02", ""},
		{"150 photos", ""},
		{"$BTC to the moon", ""},
		{"5k for the set", ""},
		{"version 1.2.3 EUR", ""},
		{"order 12345", ""},
		{"EURO2024", ""},
		{"20 $alex", ""},
		{"abc150 EUR", ""},
	} {
		var got []string
		for _, a := range Amounts(c.text) {
			got = append(got, a.Value+" "+a.Currency)
			if a.Offset < 0 || a.Offset+a.Len > len(c.text) {
				t.Errorf("%q: span %d+%d", c.text, a.Offset, a.Len)
			}
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("Amounts(%q) = %q, want %q", c.text, g, c.want)
		}
	}
}

func FuzzAmounts(f *testing.F) {
	for _, s := range []string{"€ 1.500,00", "1,500.00 USD", "0.0015 BTC", "R$ 200", "$alex 20", "1 500 000 EUR", "1.2.3.4 EUR", "₿0.1", "EUR"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range Amounts(s) {
			if a.Offset < 0 || a.Len <= 0 || a.Offset+a.Len > len(s) {
				t.Fatalf("%q: span %d+%d", s, a.Offset, a.Len)
			}
			if v, err := Decimal(a.Value); err != nil || v != a.Value {
				t.Fatalf("%q: amount %q is not canonical: %q, %v", s, a.Value, v, err)
			}
			if c, err := Currency(a.Currency); err != nil || c != a.Currency {
				t.Fatalf("%q: currency %q: %v", s, a.Currency, err)
			}
		}
	})
}
