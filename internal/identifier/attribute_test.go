package identifier

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/oschwald/maxminddb-golang/v2"
	"github.com/vibora-project/vibora/internal/identifier/identifiertest"
)

// testGeoIP maps the documentation ranges to invented countries.
func testGeoIP(t *testing.T) *maxminddb.Reader {
	t.Helper()
	db, err := identifiertest.MMDB("Vibora-Test-Country", []identifiertest.Network{
		{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Country: "ES"},
		{Prefix: netip.MustParsePrefix("198.51.100.0/24"), Country: "BR"},
		{Prefix: netip.MustParsePrefix("203.0.113.0/24"), Country: "JP"},
		{Prefix: netip.MustParsePrefix("2001:db8::/32"), Country: "DE"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := maxminddb.OpenBytes(db)
	if err != nil {
		t.Fatalf("open generated mmdb: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestGeneratedMMDB(t *testing.T) {
	r := testGeoIP(t)
	for ip, want := range map[string]string{
		"192.0.2.1": "ES", "198.51.100.200": "BR", "203.0.113.45": "JP",
		"2001:db8::1": "DE", "::ffff:203.0.113.9": "JP", "10.0.0.1": "", "2001:db9::1": "",
	} {
		var rec geoRecord
		res := r.Lookup(netip.MustParseAddr(ip).Unmap())
		if err := res.Decode(&rec); err != nil {
			t.Fatalf("%s: %v", ip, err)
		}
		if rec.Country.ISOCode != want {
			t.Errorf("%s: got %q want %q", ip, rec.Country.ISOCode, want)
		}
	}
	if err := r.Verify(); err != nil {
		t.Errorf("verify generated mmdb: %v", err)
	}
}

func top(t *testing.T, cs []Candidate) Candidate {
	t.Helper()
	if len(cs) == 0 {
		t.Fatal("no candidates")
	}
	return cs[0]
}

func TestAttributeSources(t *testing.T) {
	a := &Attributor{GeoIP: testGeoIP(t)}
	tests := []struct {
		name    string
		signals []Signal
		want    string  // top country; "" = no candidate
		conf    float64 // expected confidence of the top candidate
		reason  string  // substring of an evidence reason
	}{
		{"phone ES", []Signal{{SignalIdentifier, "+34 612 34 56 78"}}, "ES", WeightPhone, "country code +34"},
		{"phone NANP", []Signal{{SignalIdentifier, "+1 202 555 0143"}}, "US", WeightPhoneShared, "shared by"},
		{"ipv4 geo", []Signal{{SignalIdentifier, "203.0.113.45"}}, "JP", WeightGeoIP, "IP geolocation (Vibora-Test-Country)"},
		{"ipv6 geo", []Signal{{SignalIdentifier, "2001:db8::7"}}, "DE", WeightGeoIP, "IP geolocation"},
		{"url ip", []Signal{{SignalIdentifier, "http://192.0.2.7/login"}}, "ES", WeightGeoIP, "IP geolocation"},
		{"email uk", []Signal{{SignalIdentifier, "alex@example.co.uk"}}, "GB", WeightCCTLD, "TLD .uk"},
		{"domain de", []Signal{{SignalIdentifier, "shop.example.de"}}, "DE", WeightCCTLD, "TLD .de"},
		{"url fr", []Signal{{SignalIdentifier, "https://forum.example.fr/x"}}, "FR", WeightCCTLD, "TLD .fr"},
		{"generic tld", []Signal{{SignalIdentifier, "alex@example.org"}}, "", 0, ""},
		{"generic cc io", []Signal{{SignalIdentifier, "example.io"}}, "", 0, ""},
		{"btc nothing", []Signal{{SignalIdentifier, "12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E"}}, "", 0, ""},
		{"stealer", []Signal{{SignalStealerCountry, "US"}}, "US", WeightStealerCountry, "stealer log"},
		{"stealer location", []Signal{{SignalStealerCountry, "EG, Cairo"}}, "EG", WeightStealerCountry, "stealer log"},
		{"declared", []Signal{{SignalDeclaredLocation, "Madrid, Spain"}}, "ES", WeightDeclared, "declared location"},
		{"declared alias", []Signal{{SignalDeclaredLocation, "UK"}}, "GB", WeightDeclared, "declared"},
		{"declared unknown", []Signal{{SignalDeclaredLocation, "Atlantis"}}, "", 0, ""},
		{"tz", []Signal{{SignalTimezone, "Europe/Madrid"}}, "ES", WeightTimezone, "Europe/Madrid"},
		{"no geoip for private", []Signal{{SignalIdentifier, "10.1.2.3"}}, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := a.Attribute(tt.signals)
			if tt.want == "" {
				if len(cs) != 0 {
					t.Fatalf("want no candidate, got %+v", cs)
				}
				return
			}
			c := top(t, cs)
			if c.Country != tt.want || c.Confidence != tt.conf {
				t.Fatalf("got %s %.3f, want %s %.3f (%+v)", c.Country, c.Confidence, tt.want, tt.conf, cs)
			}
			found := false
			for _, e := range c.Evidence {
				if strings.Contains(e.Reason, tt.reason) && e.Identifier != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("no evidence with %q: %+v", tt.reason, c.Evidence)
			}
		})
	}
}

func TestAttributeCombines(t *testing.T) {
	a := &Attributor{GeoIP: testGeoIP(t)}
	cs := a.Attribute([]Signal{
		{SignalIdentifier, "+34 612 34 56 78"},
		{SignalIdentifier, "192.0.2.10"},
		{SignalTimezone, "Europe/Madrid"},
		{SignalIdentifier, "203.0.113.45"},
		{SignalIdentifier, "+34 612 34 56 78"}, // duplicate: counted once
	})
	c := top(t, cs)
	// noisy-OR: 1 - (1-0.6)(1-0.5)(1-0.3) = 0.86
	if c.Country != "ES" || c.Confidence != 0.86 || len(c.Evidence) != 3 {
		t.Fatalf("got %+v", c)
	}
	if len(cs) != 2 || cs[1].Country != "JP" || cs[1].Confidence != WeightGeoIP {
		t.Fatalf("second candidate: %+v", cs)
	}
	for _, c := range cs {
		if len(c.Evidence) == 0 {
			t.Errorf("candidate %s without evidence", c.Country)
		}
	}
}

func TestAttributeOffsetIsWeakAndSpread(t *testing.T) {
	a := &Attributor{}
	cs := a.Attribute([]Signal{{SignalTimezone, "(UTC+01:00) Amsterdam, Berlin, Bern, Rome"}})
	if len(cs) < 5 {
		t.Fatalf("want several countries for UTC+01:00, got %d", len(cs))
	}
	for _, c := range cs {
		if c.Confidence != WeightUTCOffset {
			t.Errorf("%s: confidence %.3f, want %.3f", c.Country, c.Confidence, WeightUTCOffset)
		}
	}
	// Sorted by country when confidences tie.
	for i := 1; i < len(cs); i++ {
		if cs[i-1].Country > cs[i].Country {
			t.Fatalf("not sorted: %v then %v", cs[i-1].Country, cs[i].Country)
		}
	}
}

func TestAttributeWithoutGeoIP(t *testing.T) {
	var a Attributor
	if cs := a.Attribute([]Signal{{SignalIdentifier, "203.0.113.45"}}); len(cs) != 0 {
		t.Fatalf("no database: want no candidates, got %+v", cs)
	}
}

func TestParseUTCOffset(t *testing.T) {
	for in, want := range map[string]int{
		"UTC+01:00": 60, "GMT-5": -300, "+0530": 330, "(UTC+05:30) Chennai, Kolkata": 330,
		"UTC-03:30": -210, "UTC+0": 0,
	} {
		got, ok := parseUTCOffset(in)
		if !ok || got != want {
			t.Errorf("%q: got %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "UTC", "Europe/Nowhere", "+99", "UTC+1x"} {
		if _, ok := parseUTCOffset(in); ok {
			t.Errorf("%q: want failure", in)
		}
	}
}

func TestParseCountry(t *testing.T) {
	for in, want := range map[string]string{
		"ES": "ES", "es": "ES", "Spain": "ES", "spain": "ES", "ESP": "ES", "UK": "GB",
		"United Kingdom": "GB", "United States": "US", "USA": "US", "Germany": "DE", "Brazil": "BR",
	} {
		if got, ok := ParseCountry(in); !ok || got != want {
			t.Errorf("%q: got %q %v want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "XX", "Atlantis", "EU", "ZZ"} {
		if got, ok := ParseCountry(in); ok {
			t.Errorf("%q: want no country, got %q", in, got)
		}
	}
}
