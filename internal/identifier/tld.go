package identifier

import (
	"strings"
	"sync"
)

// Top-level domains. Bare domains (without a scheme or '@') are only
// extracted when their TLD is a country code or one of these generic TLDs;
// URLs and e-mail addresses accept any alphabetic TLD.
const genericTLDs = "com net org info biz edu gov mil int name pro mobi tel travel aero coop museum " +
	"xyz top site online club shop store app dev page blog live tech space website fun icu " +
	"vip win bid loan work link click today world life news email cloud host digital agency " +
	"global network systems solutions services support media group company center zone " +
	"one art design studio academy finance money bank capital exchange market trade crypto " +
	"wiki social chat games game bet casino poker porn sex xxx adult sexy cam dating love " +
	"moe lol wtf rocks ninja guru run best cool team land photo photos pics video stream " +
	"download tube fans mom kim asia africa berlin london paris nyc tokyo moscow " +
	"onion i2p"

// fileExtTLD are country-code TLDs that are also common file extensions;
// a bare two-label name with one of them ("notes.md", "run.sh") is taken for
// a file name, not a domain.
var fileExtTLD = map[string]bool{
	"md": true, "py": true, "sh": true, "pl": true, "rs": true, "so": true, "cs": true,
	"ps": true, "ts": true, "ml": true, "pm": true, "am": true, "mk": true, "cc": true,
	"sc": true, "st": true, "vb": true, "zip": true, "mov": true, "ai": true, "jp": false,
	"in": true, "is": true, "it": true, "at": true, "to": true, "no": true, "me": true,
	"us": true, "my": true, "do": true, "go": true, "be": true, "as": true, "an": true,
	"id": true, "ms": true, "mp": true, "gz": false, "bz": true, "ax": true,
}

var tldSet struct {
	once sync.Once
	m    map[string]bool
}

func knownTLD(lower string) bool {
	tldSet.once.Do(func() {
		countryTable.once.Do(loadCountries)
		m := make(map[string]bool, 400)
		for code := range countryTable.name {
			m[strings.ToLower(code)] = true
		}
		for _, t := range []string{"uk", "eu", "su", "ac"} {
			m[t] = true
		}
		for _, t := range strings.Fields(genericTLDs) {
			m[t] = true
		}
		tldSet.m = m
	})
	return tldSet.m[lower] || strings.HasPrefix(lower, "xn--")
}

// genericCCTLD are country-code TLDs marketed and used worldwide; they are
// not evidence of a country.
var genericCCTLD = map[string]bool{
	"io": true, "co": true, "me": true, "tv": true, "fm": true, "ai": true, "ws": true,
	"cc": true, "to": true, "tk": true, "ml": true, "ga": true, "cf": true, "gq": true,
	"nu": true, "la": true, "gg": true, "ly": true, "sh": true, "vc": true, "im": true,
	"ac": true, "su": true, "eu": true, "bz": true, "xyz": true, "am": true, "so": true,
	"st": true, "pw": true, "cx": true, "tc": true, "vg": true, "sc": true, "mu": true,
}

// tldCountry returns the country a domain's TLD names ("" for generic TLDs
// and country codes used worldwide). .uk gives GB.
func tldCountry(domain string) string {
	tld := strings.ToLower(domain[strings.LastIndexByte(domain, '.')+1:])
	if len(tld) != 2 || genericCCTLD[tld] {
		return ""
	}
	if tld == "uk" {
		return "GB"
	}
	c, ok := ParseCountry(tld)
	if !ok {
		return ""
	}
	return c
}
