package identifier

import (
	"errors"
	"strings"
	"testing"
)

// Synthetic and documentation values only: the IBAN registry's and
// banks' published example IBANs, the card networks' published test
// numbers, example handles.

func TestNormalizeIBAN(t *testing.T) {
	for in, want := range map[string]string{
		"GB82 WEST 1234 5698 7654 32":       "GB82WEST12345698765432",
		"de89370400440532013000":            "DE89370400440532013000",
		"NL91ABNA0417164300":                "NL91ABNA0417164300",
		"BE68 5390 0754 7034":               "BE68539007547034",
		"FR14 2004 1010 0505 0001 3M02 606": "FR1420041010050500013M02606",
		"CH93 0076 2011 6238 5295 7":        "CH9300762011623852957",
		"ES91 2100 0418 4502 0005 1332":     "ES9121000418450200051332",
		"IT60X0542811101000000123456":       "IT60X0542811101000000123456",
	} {
		got, err := Normalize(KindIBAN, in, NormalizeOptions{})
		if err != nil || got != want {
			t.Errorf("Normalize(iban, %q) = %q, %v; want %q", in, got, err, want)
		}
		if c := IBANCountry(got); c != want[:2] {
			t.Errorf("IBANCountry(%q) = %q", got, c)
		}
	}
	for in, why := range map[string]error{
		"GB82WEST12345698765433":  errIBANChecksum, // last digit changed
		"GB28WEST12345698765432":  errIBANChecksum, // check digits swapped
		"GB82WEST1234569876543":   errLength,       // one short
		"DE89370400440532013000X": errLength,
		"ZZ82WEST12345698765432":  errIBANCountry,
		"US12345678901234567890":  errIBANCountry,
	} {
		if _, err := Normalize(KindIBAN, in, NormalizeOptions{}); !errors.Is(err, why) {
			t.Errorf("Normalize(iban, %q): %v, want %v", in, err, why)
		}
	}
	for _, in := range []string{"", "GB", "GB82-WEST-1234-5698-7654-32", "GBXXWEST12345698765432"} {
		if _, err := Normalize(KindIBAN, in, NormalizeOptions{}); err == nil {
			t.Errorf("Normalize(iban, %q) accepted", in)
		}
	}
}

func TestNormalizeBIC(t *testing.T) {
	for in, want := range map[string]string{"DEUTDEFF": "DEUTDEFF", "deutdeff500": "DEUTDEFF500", "NWBKGB2L": "NWBKGB2L", "ABNANL2A": "ABNANL2A"} {
		if got, err := Normalize(KindBIC, in, NormalizeOptions{}); err != nil || got != want {
			t.Errorf("Normalize(bic, %q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"DEUTDEF", "DEUTDEFF50", "DEUTXXFF", "DEU1DEFF", "DEUTD3FF", "DEUTDEFF5!0"} {
		if _, err := Normalize(KindBIC, in, NormalizeOptions{}); err == nil {
			t.Errorf("Normalize(bic, %q) accepted", in)
		}
	}
}

func TestNormalizeCard(t *testing.T) {
	for in, want := range map[string]string{
		"4111 1111 1111 1111": "visa:1111", "4012888888881881": "visa:1881", "5555-5555-5555-4444": "mastercard:4444",
		"2223003122003222": "mastercard:3222", "378282246310005": "amex:0005", "6011111111111117": "discover:1117",
		"3530111333300000": "jcb:0000", "30569309025904": "diners:5904", "6200000000000005": "unionpay:0005",
		"visa:1111": "visa:1111",
	} {
		got, err := Normalize(KindCard, in, NormalizeOptions{})
		if err != nil || got != want {
			t.Errorf("Normalize(card, %q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]error{
		"4111 1111 1111 1112": errLuhn,
		"1234567812345670":    errCardBrand, // Luhn-valid, no brand starts with 1
		"411111111111111":     errLuhn,
		"41111111111":         errLength,
	} {
		if _, err := Normalize(KindCard, in, NormalizeOptions{}); !errors.Is(err, why) {
			t.Errorf("Normalize(card, %q): %v, want %v", in, err, why)
		}
	}
	for _, in := range []string{"visa:111", "bank:1111", "4111.1111.1111.1111", "**** **** **** 1111"} {
		if _, err := Normalize(KindCard, in, NormalizeOptions{}); err == nil {
			t.Errorf("Normalize(card, %q) accepted", in)
		}
	}
}

func TestNormalizeHandles(t *testing.T) {
	for _, c := range []struct {
		kind     Kind
		in, want string
	}{
		{KindPayPal, "paypal.me/AlexExample", "alexexample"},
		{KindPayPal, "https://www.paypal.me/AlexExample/25EUR", "alexexample"},
		{KindPayPal, "https://www.paypal.com/paypalme/alexexample", "alexexample"},
		{KindPayPal, "alexexample", "alexexample"},
		{KindCashApp, "$Alex_Example", "alex_example"},
		{KindCashApp, "https://cash.app/$alexexample", "alexexample"},
		{KindRevolut, "@AlexEx", "alexex"},
		{KindRevolut, "revolut.me/alexex", "alexex"},
		{KindVenmo, "@Alex-Example", "alex-example"},
		{KindVenmo, "https://venmo.com/u/Alex-Example", "alex-example"},
		{KindVenmo, "venmo.com/alex-example", "alex-example"},
	} {
		got, err := Normalize(c.kind, c.in, NormalizeOptions{})
		if err != nil || got != c.want {
			t.Errorf("Normalize(%s, %q) = %q, %v; want %q", c.kind, c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		kind Kind
		in   string
	}{
		{KindPayPal, "paypal.com/signin"}, {KindPayPal, "ab"}, {KindPayPal, "example.org/alexexample"}, {KindCashApp, "$100"},
		{KindCashApp, "$5k"}, {KindCashApp, "$a.b"}, {KindVenmo, "venmo.com/about"}, {KindVenmo, "@abc"}, {KindRevolut, "@a b"},
	} {
		if got, err := Normalize(c.kind, c.in, NormalizeOptions{}); err == nil {
			t.Errorf("Normalize(%s, %q) = %q, want an error", c.kind, c.in, got)
		}
	}
}

func TestLuhnAndBrand(t *testing.T) {
	if !luhn("79927398713") || luhn("79927398710") {
		t.Fatal("luhn")
	}
	for d, want := range map[string]string{"4111111111111111": BrandVisa, "4111111111111": BrandVisa, "41111111111111": "",
		"2200000000000004": BrandMir, "6759000000000000": BrandMaestro, "5018000000000": BrandMaestro, "371449635398431": BrandAmex,
		"3714496353984311": ""} {
		if got := CardBrand(d); got != want {
			t.Errorf("CardBrand(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestExtractPayments: payment identifiers in text, and near-misses that
// must not be found.
func TestExtractPayments(t *testing.T) {
	for _, c := range []struct {
		text string
		want string // kind:normalized, space-separated
	}{
		{"IBAN: GB82 WEST 1234 5698 7654 32 please", "iban:GB82WEST12345698765432"},
		{"pay to DE89370400440532013000.", "iban:DE89370400440532013000"},
		{"IBAN:NL91ABNA0417164300, BIC: ABNANL2A", "iban:NL91ABNA0417164300 bic:ABNANL2A"},
		{"FR14 2004 1010 0505 0001 3M02 606 (Paris)", "iban:FR1420041010050500013M02606"},
		{"GB82 WEST 1234 5698 7654 33", ""},  // checksum
		{"GB82 WEST 1234 5698 7654", ""},     // short
		{"GB82WEST12345698765432X", ""},      // run on
		{"ref AB12 3456 7890 1234", ""},      // no IBAN country
		{"GB82  WEST 1234 5698 7654 32", ""}, // two spaces
		{"SWIFT: NWBKGB2L", "bic:NWBKGB2L"},
		{"DEUTDEFF", ""},        // no label
		{"public DEUTDEFF", ""}, // "bic" inside a word
		{"BIC: ABCDXXYY", ""},   // XX is no country
		{"bic: deutdeff", ""},   // lower case
		{"card 4111 1111 1111 1111 exp 12/29", "card:visa:1111"},
		{"5555-5555-5555-4444", "card:mastercard:4444"},
		{"amex 3782 822463 10005", "card:amex:0005"},
		{"Visa: 4012888888881881", "card:visa:1881"},
		{"Kreditkarte 4111111111111111", "card:visa:1111"},
		{"4111111111111111", ""}, // bare digits, no label
		{"order 4111111111111111", ""},
		{"discard 4111111111111111", ""},
		{"account 4111111111111111", ""},
		{"4111 1111 1111 1112", ""},           // Luhn
		{"1234 5678 1234 5670", ""},           // Luhn-valid, no brand
		{"4111 1111 1111 1111 1111 1111", ""}, // too many groups
		{"4111 1111-1111 1111", ""},           // mixed separators
		{"4111 1111 1111 1111.50", ""},
		{"send $25 to $alex_example", "cashapp:alex_example"},
		{"Cash App: $ALEXEX", "cashapp:alexex"},
		{"$BTC to the moon, $100 and $5k", ""},
		{"cash.app/$alexexample", "domain:cash.app cashapp:alexexample"},
		{"https://paypal.me/AlexExample/25EUR", "url:https://paypal.me/AlexExample/25EUR paypal:alexexample"},
		{"paypal.me/AlexExample", "domain:paypal.me paypal:alexexample"},
		{"https://www.paypal.com/signin", "url:https://www.paypal.com/signin"},
		{"revolut.me/alexex", "domain:revolut.me revolut:alexex"},
		{"my Revolut is @alexex", "revolut:alexex"},
		{"Venmo: @Alex-Example", "venmo:alex-example"},
		{"https://venmo.com/u/Alex-Example", "url:https://venmo.com/u/Alex-Example venmo:alex-example"},
		{"ask @alex_example", "username:alex_example"},
	} {
		var got []string
		for _, id := range Extract([]byte(c.text), ExtractOptions{}) {
			got = append(got, id.Key())
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("Extract(%q) = %q, want %q", c.text, g, c.want)
		}
	}
}

// TestCardMasked: the full card number never leaves Extract, in the value
// or the context; the value keeps the length and offset of the number as
// written.
func TestCardMasked(t *testing.T) {
	text := "x card: 4111 1111 1111 1111, then 5555-5555-5555-4444 and Visa 4012888888881881 end"
	ids := Extract([]byte(text), ExtractOptions{WithContext: true})
	if len(ids) != 3 {
		t.Fatalf("found %+v", ids)
	}
	for _, id := range ids {
		for _, full := range []string{"4111 1111 1111", "5555-5555-5555", "401288888888"} {
			if strings.Contains(id.Value, full) || strings.Contains(id.Context, full) {
				t.Errorf("%+v shows the card number", id)
			}
		}
		if strings.Count(id.Value, "*") < 8 || id.Platform == "" || text[id.Offset+len(id.Value)-4:id.Offset+len(id.Value)] != id.Value[len(id.Value)-4:] {
			t.Errorf("masked value %+v", id)
		}
	}
	if ids[0].Value != "**** **** **** 1111" || ids[1].Value != "****-****-****-4444" || ids[2].Value != "************1881" {
		t.Errorf("values %q %q %q", ids[0].Value, ids[1].Value, ids[2].Value)
	}
	if !strings.Contains(ids[0].Context, "card: **** **** **** 1111") {
		t.Errorf("context %q", ids[0].Context)
	}
}

func TestAttributePayments(t *testing.T) {
	a := Attributor{}
	for _, c := range []struct {
		sig  Signal
		want string
	}{
		{Signal{SignalIdentifier, "DE89 3704 0044 0532 0130 00"}, "DE"},
		{Signal{SignalKey, "iban:GB82WEST12345698765432"}, "GB"},
		{Signal{SignalKey, "bic:ABNANL2A"}, "NL"},
		{Signal{SignalKey, "venmo:alex-example"}, "US"},
		{Signal{SignalKey, "cashapp:alexex"}, "US"},
		{Signal{SignalKey, "phone:+442079460958"}, "GB"},
		{Signal{SignalKey, "card:visa:1111"}, ""},
		{Signal{SignalKey, "paypal:alexexample"}, ""},
		{Signal{SignalKey, "revolut:alexex"}, ""},
		{Signal{SignalKey, "iban:nonsense"}, ""},
	} {
		got := a.Attribute([]Signal{c.sig})
		g := ""
		if len(got) > 0 {
			g = got[0].Country
			if len(got[0].Evidence) == 0 || got[0].Evidence[0].Reason == "" {
				t.Errorf("%v: no evidence", c.sig)
			}
		}
		if g != c.want {
			t.Errorf("Attribute(%v) = %v, want %s", c.sig, got, c.want)
		}
	}
}
