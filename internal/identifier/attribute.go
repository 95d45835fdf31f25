package identifier

import (
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// SignalKind says what a Signal's value is.
type SignalKind string

// Signal kinds.
const (
	SignalIdentifier       SignalKind = "identifier"        // any identifier; its kind is detected
	SignalStealerCountry   SignalKind = "stealer_country"   // a stealer log's Country/Location field
	SignalDeclaredLocation SignalKind = "declared_location" // a place a person states ("Madrid, Spain")
	SignalTimezone         SignalKind = "timezone"          // IANA zone or UTC offset
	SignalKey              SignalKind = "key"               // an identifier key, kind:normalized (see Key)
)

// Signal is one input to attribution.
type Signal struct {
	Kind  SignalKind `json:"kind"`
	Value string     `json:"value"`
}

// Evidence is one reason for a candidate country.
type Evidence struct {
	Identifier string  `json:"identifier"` // the value the reason is about, as given
	Reason     string  `json:"reason"`
	Weight     float64 `json:"-"`
}

// Candidate is a country the signals point to.
type Candidate struct {
	Country    string     `json:"country"`    // ISO 3166-1 alpha-2
	Confidence float64    `json:"confidence"` // 0..1, noisy-OR of the evidence weights
	Evidence   []Evidence `json:"evidence"`
}

// Evidence weights per source (see docs/attribution.md).
const (
	WeightPhone          = 0.6  // country calling code owned by one country
	WeightPhoneShared    = 0.5  // shared calling code (+1, +7, +44…): region from the number plan
	WeightGeoIP          = 0.5  // IP geolocation (VPNs and proxies are common)
	WeightStealerCountry = 0.5  // stealers usually geolocate the victim's IP themselves
	WeightDeclared       = 0.4  // a stated location
	WeightCCTLD          = 0.3  // country-code TLD of a domain, URL or e-mail address
	WeightTimezone       = 0.3  // IANA zone of one country
	WeightUTCOffset      = 0.05 // a bare UTC offset, spread over every country using it
	WeightIBAN           = 0.4  // the account's bank country (neobanks give one country's IBANs across a region)
	WeightBIC            = 0.3  // a bank office's country
	WeightVenmo          = 0.3  // Venmo serves US accounts only
	WeightCashApp        = 0.2  // Cash App serves the US and the UK, mostly the US
	WeightExchange       = 0.3  // an exchange's address (ExchangeBook): the holder may live anywhere it serves
)

// Attributor turns signals into candidate countries.
type Attributor struct {
	// GeoIP, optional, is a MaxMind-format database (GeoLite2/GeoIP2
	// Country or City, or any database with country.iso_code or
	// registered_country.iso_code) used for IP addresses.
	GeoIP *maxminddb.Reader
	// Exchanges, optional, names the addresses an operator knows to
	// belong to an exchange (ReadExchangeBook): such an address points to
	// the exchange's country.
	Exchanges ExchangeBook
}

type geoRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	RegisteredCountry struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
}

// Attribute returns candidate countries, best first. Every candidate has at
// least one piece of evidence; signals that say nothing about a country
// (generic TLDs, crypto addresses, unknown places) give no candidate.
func (a *Attributor) Attribute(signals []Signal) []Candidate {
	byCountry := map[string][]Evidence{}
	add := func(country string, ev Evidence) {
		country = strings.ToUpper(country)
		if len(country) != 2 {
			return
		}
		for _, e := range byCountry[country] {
			if e.Identifier == ev.Identifier && e.Reason == ev.Reason {
				return
			}
		}
		byCountry[country] = append(byCountry[country], ev)
	}
	for _, s := range signals {
		v := strings.TrimSpace(s.Value)
		if v == "" || len(v) > maxURLLen {
			continue
		}
		switch s.Kind {
		case SignalIdentifier:
			a.identifier(v, add)
		case SignalKey:
			kind, norm, ok := strings.Cut(v, ":")
			if ok && IsKind(Kind(kind)) {
				a.byKind(norm, Kind(kind), norm, add)
			}
		case SignalStealerCountry:
			if c, ok := locationCountry(v); ok {
				add(c, Evidence{v, fmt.Sprintf("stealer log country field → %s", c), WeightStealerCountry})
			}
		case SignalDeclaredLocation:
			if c, ok := locationCountry(v); ok {
				add(c, Evidence{v, fmt.Sprintf("declared location → %s (%s)", c, CountryName(c)), WeightDeclared})
			}
		case SignalTimezone:
			timezoneEvidence(v, add)
		}
	}
	out := make([]Candidate, 0, len(byCountry))
	for c, evs := range byCountry {
		p := 1.0
		for _, e := range evs {
			p *= 1 - e.Weight
		}
		out = append(out, Candidate{Country: c, Confidence: math.Round((1-p)*1000) / 1000, Evidence: evs})
	}
	slices.SortFunc(out, func(x, y Candidate) int {
		switch {
		case x.Confidence != y.Confidence:
			if x.Confidence > y.Confidence {
				return -1
			}
			return 1
		case len(x.Evidence) != len(y.Evidence):
			return len(y.Evidence) - len(x.Evidence)
		}
		return strings.Compare(x.Country, y.Country)
	})
	return out
}

func (a *Attributor) identifier(v string, add func(string, Evidence)) {
	kind, norm, err := Classify(v, NormalizeOptions{})
	if err != nil {
		return
	}
	a.byKind(v, kind, norm, add)
}

// byKind adds the evidence of identifier v of kind, normalized norm.
func (a *Attributor) byKind(v string, kind Kind, norm string, add func(string, Evidence)) {
	if e, ok := a.Exchanges[Key(kind, norm)]; ok {
		add(e.Country, Evidence{v, fmt.Sprintf("%s address of the exchange %s (operator's exchange list) → an account with an exchange in %s",
			kind, e.Name, CountryName(e.Country)), WeightExchange})
	}
	switch kind {
	case KindPhone:
		region, cc, shared := phoneRegion(norm)
		if region == "" || region == "001" {
			return
		}
		if shared {
			add(region, Evidence{v, fmt.Sprintf("phone country code +%d is shared by %s; the number plan places this number in %s",
				cc, strings.Join(sharedRegions(cc), ", "), region), WeightPhoneShared})
		} else {
			add(region, Evidence{v, fmt.Sprintf("phone country code +%d → %s", cc, region), WeightPhone})
		}
	case KindEmail:
		dom := norm[strings.LastIndexByte(norm, '@')+1:]
		if c := tldCountry(dom); c != "" {
			add(c, Evidence{v, fmt.Sprintf("e-mail domain country-code TLD .%s → %s", tldOf(dom), c), WeightCCTLD})
		}
	case KindDomain:
		if c := tldCountry(norm); c != "" {
			add(c, Evidence{v, fmt.Sprintf("domain country-code TLD .%s → %s", tldOf(norm), c), WeightCCTLD})
		}
	case KindURL:
		u, err := url.Parse(norm)
		if err != nil {
			return
		}
		host := u.Hostname()
		if ip, err := netip.ParseAddr(host); err == nil {
			a.geoIP(v, ip, add)
		} else if c := tldCountry(host); c != "" {
			add(c, Evidence{v, fmt.Sprintf("URL host country-code TLD .%s → %s", tldOf(host), c), WeightCCTLD})
		}
	case KindIPv4, KindIPv6:
		if ip, err := netip.ParseAddr(norm); err == nil {
			a.geoIP(v, ip, add)
		}
	case KindIBAN:
		if c := IBANCountry(norm); c != "" && validIs(kind, norm) {
			add(c, Evidence{v, fmt.Sprintf("IBAN country code %s → an account with a bank in %s", c, CountryName(c)), WeightIBAN})
		}
	case KindBIC:
		if validIs(kind, norm) {
			c := norm[4:6]
			add(c, Evidence{v, fmt.Sprintf("BIC country code %s → a bank office in %s", c, CountryName(c)), WeightBIC})
		}
	case KindVenmo:
		if validIs(kind, norm) {
			add("US", Evidence{v, "Venmo serves US accounts only", WeightVenmo})
		}
	case KindCashApp:
		if validIs(kind, norm) {
			add("US", Evidence{v, "Cash App $cashtag: Cash App serves the US and the UK, mostly the US", WeightCashApp})
		}
	}
}

// validIs reports whether norm is a valid identifier of kind (a key given
// as a signal is checked again).
func validIs(kind Kind, norm string) bool {
	n, err := Normalize(kind, norm, NormalizeOptions{})
	return err == nil && n == norm
}

func tldOf(d string) string { return d[strings.LastIndexByte(d, '.')+1:] }

func sharedRegions(cc int) []string {
	rs := phoneRegionsFor(cc)
	if len(rs) > 6 {
		return append(rs[:6:6], "…")
	}
	return rs
}

func (a *Attributor) geoIP(v string, ip netip.Addr, add func(string, Evidence)) {
	if a == nil || a.GeoIP == nil {
		return
	}
	var rec geoRecord
	if err := a.GeoIP.Lookup(ip.Unmap()).Decode(&rec); err != nil {
		return
	}
	db := a.GeoIP.Metadata.DatabaseType
	switch {
	case rec.Country.ISOCode != "":
		add(rec.Country.ISOCode, Evidence{v, fmt.Sprintf("IP geolocation (%s) → %s", db, strings.ToUpper(rec.Country.ISOCode)), WeightGeoIP})
	case rec.RegisteredCountry.ISOCode != "":
		add(rec.RegisteredCountry.ISOCode, Evidence{v, fmt.Sprintf("IP registered country (%s) → %s", db, strings.ToUpper(rec.RegisteredCountry.ISOCode)), WeightGeoIP})
	}
}

// locationCountry maps a country field or a stated place to a country: the
// whole value, then each comma-separated part from the last ("Madrid,
// Spain"), then the first ("EG, Cairo").
func locationCountry(v string) (string, bool) {
	if c, ok := ParseCountry(v); ok {
		return c, true
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '|' })
	for i := len(parts) - 1; i >= 0; i-- {
		if c, ok := ParseCountry(parts[i]); ok {
			return c, true
		}
	}
	return "", false
}

func timezoneEvidence(v string, add func(string, Evidence)) {
	if z, ok := zones[v]; ok {
		add(z.country, Evidence{v, fmt.Sprintf("time zone %s is used in %s", v, z.country), WeightTimezone})
		return
	}
	off, ok := parseUTCOffset(v)
	if !ok {
		return
	}
	cs := offsetCountries(off)
	for _, c := range cs {
		add(c, Evidence{v, fmt.Sprintf("offset %s is shared by %d countries in the zone table (weak)", formatOffset(off), len(cs)), WeightUTCOffset})
	}
}
