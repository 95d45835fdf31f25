package identifier

import (
	"errors"
	"strings"
	"testing"
)

const exchangeBook = `chain,address,exchange,country
# the operator's notes
btc, bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 ,Example Exchange,DE

ETH,0x52908400098527886E0F7030069857D2E4169EE7,Sample Markets,gb
iban,GB82 WEST 1234 5698 7654 32,Example Exchange,Germany
`

func TestReadExchangeBook(t *testing.T) {
	book, err := ReadExchangeBook("exchanges.csv", strings.NewReader(exchangeBook))
	if err != nil {
		t.Fatal(err)
	}
	if len(book) != 3 {
		t.Fatalf("book = %+v", book)
	}
	for key, want := range map[string]Exchange{
		"btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4": {"Example Exchange", "DE"},
		"iban:GB82WEST12345698765432":                    {"Example Exchange", "DE"},
	} {
		if got := book[key]; got != want {
			t.Errorf("%s: %+v, want %+v", key, got, want)
		}
	}
	for _, c := range []struct{ text, want string }{
		{"btc,bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4,X\n", "line 1: want chain,address,exchange,country"},
		{"# c\ncard,4111111111111111,X,DE\n", "line 2: chain \"card\""},
		{"dns,example.org,X,DE\n", "line 1: chain \"dns\""},
		{"btc,notanaddress,X,DE\n", "line 1: btc address"},
		{"btc,bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4,X,Atlantis\n", "line 1: country \"Atlantis\""},
		{"btc,bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4,,DE\n", "line 1: no exchange name"},
		{strings.Repeat("x", 2000) + "\n", "line 1:"},
	} {
		_, err := ReadExchangeBook("exchanges.csv", strings.NewReader(c.text))
		if !errors.Is(err, ErrExchangeBook) || !strings.Contains(err.Error(), "exchanges.csv "+c.want) {
			t.Errorf("%.40q: %v, want %q", c.text, err, c.want)
		}
	}
}

// TestAttributeExchange: an address in the book points to the exchange's
// country with its name in the reason; others say nothing.
func TestAttributeExchange(t *testing.T) {
	book, err := ReadExchangeBook("exchanges.csv", strings.NewReader(exchangeBook))
	if err != nil {
		t.Fatal(err)
	}
	a := Attributor{Exchanges: book}
	got := a.Attribute([]Signal{{Kind: SignalKey, Value: "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}, {Kind: SignalKey, Value: "btc:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"}})
	if len(got) != 1 || got[0].Country != "DE" || len(got[0].Evidence) != 1 || got[0].Confidence != WeightExchange ||
		!strings.Contains(got[0].Evidence[0].Reason, "Example Exchange") {
		t.Fatalf("attribution = %+v", got)
	}
	if got := a.Attribute([]Signal{{Kind: SignalIdentifier, Value: "0x52908400098527886E0F7030069857D2E4169EE7"}}); len(got) != 1 || got[0].Country != "GB" {
		t.Fatalf("an address given as an identifier: %+v", got)
	}
	if got := (&Attributor{}).Attribute([]Signal{{Kind: SignalKey, Value: "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}}); len(got) != 0 {
		t.Fatalf("without a book: %+v", got)
	}
}

func FuzzReadExchangeBook(f *testing.F) {
	f.Add(exchangeBook)
	f.Add("btc,,,\n")
	f.Fuzz(func(t *testing.T, s string) {
		book, err := ReadExchangeBook("f", strings.NewReader(s))
		if err != nil && !errors.Is(err, ErrExchangeBook) {
			t.Fatalf("error %v does not wrap ErrExchangeBook", err)
		}
		for k, e := range book {
			if e.Name == "" || len(e.Country) != 2 || !strings.Contains(k, ":") {
				t.Fatalf("entry %q: %+v", k, e)
			}
		}
	})
}
