package hashset

import (
	"strings"
)

// Class is the normalised category of a record: one small vocabulary that
// means the same thing whatever scheme the list used. The string values
// are stable (stored, shown, exported).
type Class string

// Classes. See docs/hashsets.md for the full mapping table.
const (
	// ClassUncategorised: no category given (absent, null, empty), or a
	// code the profile defines as "uncategorised" (legacy VICS 0).
	ClassUncategorised Class = "uncategorised"
	// ClassCSAM: child abuse material, illegal (VICS 1; ICSE Baseline).
	ClassCSAM Class = "csam"
	// ClassExploitive: child exploitive, not illegal everywhere / age
	// difficult (VICS 2).
	ClassExploitive Class = "exploitive"
	// ClassCGI: computer-generated or animated, child exploitive (VICS 3).
	ClassCGI Class = "cgi"
	// ClassComparison: exemplar / comparison images (VICS 4).
	ClassComparison Class = "comparison"
	// ClassNotPertinent: reviewed and not pertinent (VICS US 0, legacy 5).
	ClassNotPertinent Class = "not_pertinent"
	// ClassKnownGood: known software/system file (NSRL).
	ClassKnownGood Class = "known_good"
	// ClassUnmapped: a category was given but the profile does not define
	// it (e.g. CAID UK codes, whose numbers are not public). The raw value
	// stays in Record.Category.
	ClassUnmapped Class = "unmapped"
)

// Classes lists every Class in a stable order.
var Classes = []Class{ClassUncategorised, ClassCSAM, ClassExploitive, ClassCGI, ClassComparison, ClassNotPertinent, ClassKnownGood, ClassUnmapped}

// Category profiles (schemes). A record's Category is interpreted in its
// Profile; the same number means different things in different profiles
// (VICS 0 is "non-pertinent" today and was "uncategorised" in the DHS
// scheme).
const (
	ProfileVICSUS     = "vics-us"     // current Project VIC US: 0 non-pertinent, 1 CAM, 2 exploitive, 3 CGI, 4 comparison
	ProfileVICSLegacy = "vics-legacy" // DHS / old Autopsy: 0 uncategorised, 1..4 as above, 5 non-pertinent
	ProfileCAIDUK     = "caid-uk"     // VICS 2.0 /UK/: only 0 (uncategorised, per UK writers) is known; others unmapped
	ProfileICSE       = "icse"        // INTERPOL ICSE: Category "baseline" or ""
	ProfileNSRL       = "nsrl"        // every record known-good
	ProfileHMA        = "hma"         // no categories
	ProfileCustom     = "custom"      // only class names and blanks are understood
)

// Profiles lists the profile names Options.Profile accepts.
var Profiles = []string{ProfileVICSUS, ProfileVICSLegacy, ProfileCAIDUK, ProfileICSE, ProfileNSRL, ProfileHMA, ProfileCustom}

// ValidProfile reports whether p is a known profile name.
func ValidProfile(p string) bool {
	for _, q := range Profiles {
		if p == q {
			return true
		}
	}
	return false
}

// NormaliseCategory maps a raw category in a profile to a Class.
//
// In every profile: an empty/null category is ClassUncategorised, and a
// category that is already a Class name (any case, '-' or ' ' for '_') maps
// to itself, so exports written by Vibora re-import unchanged. Otherwise:
//
//	vics-us:     0 not_pertinent, 1 csam, 2 exploitive, 3 cgi, 4 comparison
//	vics-legacy: 0 uncategorised, 1 csam, 2 exploitive, 3 cgi, 4 comparison, 5 not_pertinent
//	caid-uk:     0 uncategorised
//	icse:        "baseline" csam
//	nsrl:        anything known_good
//
// and any other value is ClassUnmapped (the raw value is kept on the
// record, so nothing is lost and a later mapping can reclassify it).
func NormaliseCategory(profile, raw string) Class {
	s := strings.TrimSpace(raw)
	if s == "" || strings.EqualFold(s, "null") {
		if profile == ProfileNSRL {
			return ClassKnownGood
		}
		return ClassUncategorised
	}
	if c, ok := classByName(s); ok {
		return c
	}
	s = strings.TrimSuffix(s, ".0") // "1.0" from spreadsheets
	switch profile {
	case ProfileVICSUS:
		switch s {
		case "0":
			return ClassNotPertinent
		case "1":
			return ClassCSAM
		case "2":
			return ClassExploitive
		case "3":
			return ClassCGI
		case "4":
			return ClassComparison
		}
	case ProfileVICSLegacy:
		switch s {
		case "0":
			return ClassUncategorised
		case "1":
			return ClassCSAM
		case "2":
			return ClassExploitive
		case "3":
			return ClassCGI
		case "4":
			return ClassComparison
		case "5":
			return ClassNotPertinent
		}
	case ProfileCAIDUK:
		if s == "0" {
			return ClassUncategorised
		}
	case ProfileICSE:
		if strings.EqualFold(s, "baseline") {
			return ClassCSAM
		}
	case ProfileNSRL:
		return ClassKnownGood
	}
	return ClassUnmapped
}

func classByName(s string) (Class, bool) {
	if len(s) > 20 || s[0] < 'A' { // digits and long text are never class names
		return "", false
	}
	n := HeaderName(s)
	if n == "uncategorized" {
		n = "uncategorised"
	}
	for _, c := range Classes {
		if string(c) == n {
			return c, true
		}
	}
	return "", false
}

// VICSCode returns the current Project VIC (vics-us) Category number for a
// class, and false for classes VICS has no number for (uncategorised,
// unmapped: write no Category). known_good is written as 0 (non-pertinent),
// as NSRL-to-VICS converters do.
func (c Class) VICSCode() (int, bool) {
	switch c {
	case ClassNotPertinent, ClassKnownGood:
		return 0, true
	case ClassCSAM:
		return 1, true
	case ClassExploitive:
		return 2, true
	case ClassCGI:
		return 3, true
	case ClassComparison:
		return 4, true
	}
	return 0, false
}
