package identifier

import (
	"slices"
	"strconv"
	"strings"
)

// zoneInfo is an IANA time zone's country and standard UTC offset (minutes).
type zoneInfo struct {
	country string
	offset  int
}

// zones is a small table of common IANA zones (from the tz database's
// zone1970.tab country assignments and standard offsets). Zones shared by
// several countries are mapped to the country that gives them their name.
var zones = map[string]zoneInfo{
	"Europe/London": {"GB", 0}, "Europe/Dublin": {"IE", 0}, "Europe/Lisbon": {"PT", 0},
	"Atlantic/Reykjavik": {"IS", 0}, "Africa/Casablanca": {"MA", 60}, "Africa/Abidjan": {"CI", 0},
	"Africa/Accra": {"GH", 0}, "Africa/Dakar": {"SN", 0},
	"Europe/Madrid": {"ES", 60}, "Atlantic/Canary": {"ES", 0}, "Europe/Paris": {"FR", 60},
	"Europe/Berlin": {"DE", 60}, "Europe/Rome": {"IT", 60}, "Europe/Amsterdam": {"NL", 60},
	"Europe/Brussels": {"BE", 60}, "Europe/Luxembourg": {"LU", 60}, "Europe/Zurich": {"CH", 60},
	"Europe/Vienna": {"AT", 60}, "Europe/Prague": {"CZ", 60}, "Europe/Bratislava": {"SK", 60},
	"Europe/Warsaw": {"PL", 60}, "Europe/Budapest": {"HU", 60}, "Europe/Stockholm": {"SE", 60},
	"Europe/Oslo": {"NO", 60}, "Europe/Copenhagen": {"DK", 60}, "Europe/Belgrade": {"RS", 60},
	"Europe/Zagreb": {"HR", 60}, "Europe/Ljubljana": {"SI", 60}, "Europe/Sarajevo": {"BA", 60},
	"Europe/Skopje": {"MK", 60}, "Europe/Tirane": {"AL", 60}, "Europe/Malta": {"MT", 60},
	"Europe/Monaco": {"MC", 60}, "Africa/Lagos": {"NG", 60}, "Africa/Algiers": {"DZ", 60},
	"Africa/Tunis":  {"TN", 60},
	"Europe/Athens": {"GR", 120}, "Europe/Bucharest": {"RO", 120}, "Europe/Sofia": {"BG", 120},
	"Europe/Helsinki": {"FI", 120}, "Europe/Tallinn": {"EE", 120}, "Europe/Riga": {"LV", 120},
	"Europe/Vilnius": {"LT", 120}, "Europe/Kyiv": {"UA", 120}, "Europe/Kiev": {"UA", 120},
	"Europe/Chisinau": {"MD", 120}, "Asia/Jerusalem": {"IL", 120}, "Asia/Beirut": {"LB", 120},
	"Africa/Cairo": {"EG", 120}, "Africa/Johannesburg": {"ZA", 120}, "Asia/Nicosia": {"CY", 120},
	"Africa/Tripoli": {"LY", 120},
	"Europe/Moscow":  {"RU", 180}, "Europe/Minsk": {"BY", 180}, "Europe/Istanbul": {"TR", 180},
	"Asia/Riyadh": {"SA", 180}, "Asia/Baghdad": {"IQ", 180}, "Asia/Qatar": {"QA", 180},
	"Asia/Kuwait": {"KW", 180}, "Africa/Nairobi": {"KE", 180}, "Asia/Amman": {"JO", 180},
	"Asia/Damascus": {"SY", 180},
	"Asia/Tehran":   {"IR", 210}, "Asia/Dubai": {"AE", 240}, "Asia/Baku": {"AZ", 240},
	"Asia/Tbilisi": {"GE", 240}, "Asia/Yerevan": {"AM", 240}, "Europe/Samara": {"RU", 240},
	"Asia/Kabul": {"AF", 270}, "Asia/Karachi": {"PK", 300}, "Asia/Tashkent": {"UZ", 300},
	"Asia/Yekaterinburg": {"RU", 300}, "Asia/Kolkata": {"IN", 330}, "Asia/Calcutta": {"IN", 330},
	"Asia/Colombo": {"LK", 330}, "Asia/Kathmandu": {"NP", 345}, "Asia/Dhaka": {"BD", 360},
	"Asia/Almaty": {"KZ", 300}, "Asia/Novosibirsk": {"RU", 420}, "Asia/Bangkok": {"TH", 420},
	"Asia/Ho_Chi_Minh": {"VN", 420}, "Asia/Saigon": {"VN", 420}, "Asia/Jakarta": {"ID", 420},
	"Asia/Shanghai": {"CN", 480}, "Asia/Hong_Kong": {"HK", 480}, "Asia/Taipei": {"TW", 480},
	"Asia/Singapore": {"SG", 480}, "Asia/Kuala_Lumpur": {"MY", 480}, "Asia/Manila": {"PH", 480},
	"Australia/Perth": {"AU", 480}, "Asia/Irkutsk": {"RU", 480},
	"Asia/Tokyo": {"JP", 540}, "Asia/Seoul": {"KR", 540}, "Asia/Pyongyang": {"KP", 540},
	"Australia/Adelaide": {"AU", 570}, "Australia/Darwin": {"AU", 570},
	"Australia/Sydney": {"AU", 600}, "Australia/Melbourne": {"AU", 600}, "Australia/Brisbane": {"AU", 600},
	"Asia/Vladivostok": {"RU", 600}, "Pacific/Auckland": {"NZ", 720},
	"America/New_York": {"US", -300}, "America/Chicago": {"US", -360}, "America/Denver": {"US", -420},
	"America/Phoenix": {"US", -420}, "America/Los_Angeles": {"US", -480}, "America/Anchorage": {"US", -540},
	"Pacific/Honolulu": {"US", -600}, "America/Detroit": {"US", -300},
	"America/Toronto": {"CA", -300}, "America/Vancouver": {"CA", -480}, "America/Edmonton": {"CA", -420},
	"America/Winnipeg": {"CA", -360}, "America/Halifax": {"CA", -240}, "America/St_Johns": {"CA", -210},
	"America/Mexico_City": {"MX", -360}, "America/Tijuana": {"MX", -480}, "America/Bogota": {"CO", -300},
	"America/Lima": {"PE", -300}, "America/Caracas": {"VE", -240}, "America/Santiago": {"CL", -240},
	"America/Sao_Paulo": {"BR", -180}, "America/Argentina/Buenos_Aires": {"AR", -180},
	"America/Buenos_Aires": {"AR", -180}, "America/Montevideo": {"UY", -180},
	"America/Havana": {"CU", -300}, "America/Panama": {"PA", -300}, "America/Guatemala": {"GT", -360},
	"America/Puerto_Rico": {"PR", -240}, "America/Santo_Domingo": {"DO", -240},
}

// parseUTCOffset reads "UTC+01:00", "GMT-5", "+0300", "(UTC+05:30) Chennai…"
// (Windows display names) and returns the offset in minutes.
func parseUTCOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "(")
	up := strings.ToUpper(s)
	switch {
	case strings.HasPrefix(up, "UTC"), strings.HasPrefix(up, "GMT"):
		s = s[3:]
	}
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = s[1:]
	end := 0
	for end < len(s) && (isDigit(s[end]) || s[end] == ':') {
		end++
	}
	if end < len(s) && s[end] != ')' && s[end] != ' ' {
		return 0, false
	}
	num := strings.ReplaceAll(s[:end], ":", "")
	var h, m int
	var err error
	switch len(num) {
	case 1, 2:
		h, err = strconv.Atoi(num)
	case 3, 4:
		h, err = strconv.Atoi(num[:len(num)-2])
		if err == nil {
			m, err = strconv.Atoi(num[len(num)-2:])
		}
	default:
		return 0, false
	}
	if err != nil || h > 14 || m >= 60 {
		return 0, false
	}
	return sign * (h*60 + m), true
}

// offsetCountries lists the countries in the zone table whose standard
// offset is off, sorted.
func offsetCountries(off int) []string {
	seen := map[string]bool{}
	for _, z := range zones {
		if z.offset == off {
			seen[z.country] = true
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func formatOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign = '-'
		off = -off
	}
	return "UTC" + string(sign) + pad2(off/60) + ":" + pad2(off%60)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
