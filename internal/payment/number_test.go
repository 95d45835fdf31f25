package payment

import (
	"errors"
	"strings"
	"testing"
)

// TestAmountsLocales reads the ways people write amounts across locales;
// the ambiguous "1.500" follows the rule in number.go.
func TestAmountsLocales(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		// The ambiguous single separator before three digits: fiat groups.
		{"1.500 EUR", "1500 EUR"},
		{"1,500 EUR", "1500 EUR"},
		{"€1.500", "1500 EUR"},
		{"12.000 €", "12000 EUR"},
		{"100.000 ¥", "100000 JPY"},
		{"1.500 USDT", "1500 USDT"},
		// … crypto and three-minor-digit currencies: a decimal.
		{"1.500 BTC", "1.500 BTC"},
		{"1,500 ETH", "1.500 ETH"},
		{"1.500 KWD", "1.500 KWD"},
		{"₿1.500", "1.500 BTC"},
		// Never ambiguous.
		{"0.500 EUR", "0.500 EUR"},
		{"0,5 EUR", "0.5 EUR"},
		{"1234.567 EUR", "1234.567 EUR"},
		{"1.50 EUR", "1.50 EUR"},
		{"1,5 €", "1.5 EUR"},
		{"1.5000 EUR", "1.5000 EUR"},
		{"1.500,50 €", "1500.50 EUR"},
		{"1,500.50 USD", "1500.50 USD"},
		{"1.500.000 EUR", "1500000 EUR"},
		{"1,500,000 USD", "1500000 USD"},
		{"1.500.000,75 €", "1500000.75 EUR"},
		{"1,500,000.75 $", "1500000.75 USD"},
		{".5 BTC", "0.5 BTC"},
		{"pay .5 ETH now", "0.5 ETH"},
		// Grouping-only separators.
		{"1 500 EUR", "1500 EUR"},
		{"1 500,50 €", "1500.50 EUR"},
		{"1\u00a0500,50\u00a0€", "1500.50 EUR"},
		{"1\u202f500,50\u202f€", "1500.50 EUR"},
		{"CHF 1'500", "1500 CHF"},
		{"CHF 1'500.50", "1500.50 CHF"},
		{"1’500.50 CHF", "1500.50 CHF"},
		{"1'000'000 CHF", "1000000 CHF"},
		// Indian grouping.
		{"₹1,50,000", "150000 INR"},
		{"12,34,567 INR", "1234567 INR"},
		// Whole units.
		{"150,- €", "150 EUR"},
		{"1.500,- EUR", "1500 EUR"},
		{"150.– CHF", "150 CHF"},
		// Signs and codes before and after.
		{"US$1,200", "1200 USD"},
		{"C$ 40", "40 CAD"},
		{"A$40 and NZ$ 50", "40 AUD|50 NZD"},
		{"USD 1.500", "1500 USD"},
		{"0.25 XMR", "0.25 XMR"},
		{"300 usdt", "300 USDT"},
		// Not numbers.
		{"1.2.3 EUR", ""},
		{"1,5.5 EUR", ""},
		{"1.500,00.5 EUR", ""},
		{"1'50 CHF", ""},
		{"1 500'000 EUR", ""},
		{"1.50.000 EUR", ""},
		{"1234,567,890 USD", ""},
		{"ABC$100", ""},
		{"v.5 EUR", ""},
	} {
		var got []string
		for _, a := range Amounts(c.text) {
			got = append(got, a.Value+" "+a.Currency)
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("Amounts(%q) = %q, want %q", c.text, g, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, cur, want string }{
		{"150", "EUR", "150"},
		{"1.500", "EUR", "1.500"}, // the machine form comes first: a dump's DECIMAL
		{"1500.00", "", "1500.00"},
		{"1,500.00", "USD", "1500.00"},
		{"1.500,00", "EUR", "1500.00"},
		{"1,500", "EUR", "1500"},
		{"1,500", "BTC", "1.500"},
		{"1,500", "", "1.500"},
		{"1'500.50", "CHF", "1500.50"},
		{"1 500,50", "EUR", "1500.50"},
		{"€ 1.500,00", "EUR", "1500.00"},
		{"1,500.00 USD", "USD", "1500.00"},
		{"1,500.00 USD", "", "1500.00"},
		{"0,5", "BTC", "0.5"},
		{".5", "", "0.5"},
		{" 42 ", "", "42"},
	} {
		got, err := Parse(c.in, c.cur)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q, %q) = %q, %v; want %q", c.in, c.cur, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, cur string }{
		{"", ""}, {"abc", "EUR"}, {"1.2.3", "EUR"}, {"150 EUR", "USD"}, {"-5", ""}, {"1,5.5", ""},
		{"150 EUR 20 EUR", ""}, {"1e3", ""}, {strings.Repeat("1", 300), ""},
	} {
		if got, err := Parse(c.in, c.cur); !errors.Is(err, ErrAmount) {
			t.Errorf("Parse(%q, %q) = %q, %v; want ErrAmount", c.in, c.cur, got, err)
		}
	}
}

// FuzzParse: Parse never panics, returns canonical decimals, and a value
// it returns reads back as itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.500", "1,500.00", "1.500,00", "1'500", "1 500", ".5", "0,5", "₹1,50,000", "150,-", "€ 1.500,00", "1\u00a0500"} {
		f.Add(s, "EUR")
		f.Add(s, "BTC")
	}
	f.Fuzz(func(t *testing.T, s, cur string) {
		v, err := Parse(s, cur)
		if err != nil {
			if !errors.Is(err, ErrAmount) {
				t.Fatalf("Parse(%q, %q): %v is not ErrAmount", s, cur, err)
			}
			return
		}
		if d, err := Decimal(v); err != nil || d != v {
			t.Fatalf("Parse(%q, %q) = %q: not canonical (%q, %v)", s, cur, v, d, err)
		}
		if again, err := Parse(v, cur); err != nil || again != v {
			t.Fatalf("Parse(%q, %q) = %q, but Parse(%q) = %q, %v", s, cur, v, v, again, err)
		}
	})
}
