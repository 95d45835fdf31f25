package identifier

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country names and codes. The table of ISO 3166-1 alpha-2 codes and their
// English names comes from golang.org/x/text (CLDR data), plus a few
// common aliases.

var countryAliases = map[string]string{
	"uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
	"scotland": "GB", "wales": "GB", "northern ireland": "GB",
	"usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US", "america": "US",
	"russia": "RU", "russian federation": "RU", "south korea": "KR", "korea": "KR",
	"republic of korea": "KR", "north korea": "KP", "czech republic": "CZ", "czechia": "CZ",
	"holland": "NL", "the netherlands": "NL", "vietnam": "VN", "viet nam": "VN",
	"iran": "IR", "syria": "SY", "laos": "LA", "bolivia": "BO", "venezuela": "VE",
	"tanzania": "TZ", "moldova": "MD", "ivory coast": "CI", "cote d'ivoire": "CI",
	"turkey": "TR", "türkiye": "TR", "turkiye": "TR", "burma": "MM", "myanmar": "MM",
	"uae": "AE", "emirates": "AE", "macedonia": "MK", "north macedonia": "MK",
	"vatican": "VA", "vatican city": "VA", "taiwan": "TW", "hong kong": "HK", "macau": "MO",
	"palestine": "PS", "congo": "CG", "dr congo": "CD", "drc": "CD", "brasil": "BR",
	"españa": "ES", "espana": "ES", "deutschland": "DE", "méxico": "MX", "mexico": "MX",
}

var countryTable struct {
	once   sync.Once
	byName map[string]string // lower-case English name, alias or alpha-3 → alpha-2
	name   map[string]string // alpha-2 → English name
}

func loadCountries() {
	countryTable.byName = make(map[string]string, 600)
	countryTable.name = make(map[string]string, 300)
	en := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code || r.ISO3() == "ZZZ" {
				continue
			}
			switch code {
			case "EU", "EZ", "UN", "QO":
				continue
			}
			n := en.Name(r)
			countryTable.name[code] = n
			countryTable.byName[strings.ToLower(n)] = code
			countryTable.byName[strings.ToLower(r.ISO3())] = code
		}
	}
	for k, v := range countryAliases {
		countryTable.byName[k] = v
	}
}

// CountryName returns the English name of an ISO 3166-1 alpha-2 code, or ""
// when the code is unknown.
func CountryName(code string) string {
	countryTable.once.Do(loadCountries)
	return countryTable.name[strings.ToUpper(code)]
}

// ParseCountry maps a country code (alpha-2, alpha-3, "UK") or an English
// country name, case-insensitive, to an ISO 3166-1 alpha-2 code.
func ParseCountry(s string) (string, bool) {
	countryTable.once.Do(loadCountries)
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return "", false
	}
	if len(s) == 2 {
		u := strings.ToUpper(s)
		if u == "UK" {
			return "GB", true
		}
		if _, ok := countryTable.name[u]; ok {
			return u, true
		}
		return "", false
	}
	c, ok := countryTable.byName[strings.ToLower(s)]
	return c, ok
}
