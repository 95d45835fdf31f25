package whatsapp

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// header is a parsed message header: a date of three numeric fields in an
// order decided per file, a time, and an optional AM/PM marker.
type header struct {
	f       [3]int
	flen    [3]int
	sep     byte
	hour    int
	min     int
	sec     int
	ampm    int // 0 none, 1 AM, 2 PM
	bracket bool
	// era is the first year of a Japanese era ("R4" = 2022) when the year
	// field carries an era letter; the year is then f[0].
	era int
	// timeFirst marks the time-before-date layout (Vietnamese iOS).
	timeFirst bool
	// noSep marks a dash header without the " - " before the sender.
	noSep bool
}

// japaneseEras maps the era letters WhatsApp writes for the Japanese
// calendar to the Gregorian year of the era's first year.
var japaneseEras = map[byte]int{'M': 1868, 'T': 1912, 'S': 1926, 'H': 1989, 'R': 2019}

const normPrefix = 128 // bytes of a line normalised for header matching

// normalise copies up to normPrefix bytes of line into buf with the
// direction marks and BOM removed, NBSP/NNBSP/thin spaces turned into ' ',
// Arabic-Indic digits into ASCII digits and the Arabic comma into ','.
// idx maps each output byte to its input offset (plus one final entry).
func normalise(line string, buf []byte, idx []int) ([]byte, []int) {
	buf, idx = buf[:0], idx[:0]
	i := 0
	for i < len(line) && len(buf) < normPrefix {
		c := line[i]
		if c < utf8.RuneSelf {
			buf = append(buf, c)
			idx = append(idx, i)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(line[i:])
		switch {
		case r == 0x200E || r == 0x200F || r >= 0x202A && r <= 0x202E || r == 0xFEFF || r == 0x2066 || r == 0x2067 || r == 0x2068 || r == 0x2069:
			// dropped
		case r == 0x00A0 || r == 0x202F || r == 0x2009 || r == 0x2007:
			buf = append(buf, ' ')
			idx = append(idx, i)
		case r >= 0x0660 && r <= 0x0669:
			buf = append(buf, byte('0'+r-0x0660))
			idx = append(idx, i)
		case r >= 0x06F0 && r <= 0x06F9:
			buf = append(buf, byte('0'+r-0x06F0))
			idx = append(idx, i)
		case r == 0x060C: // Arabic comma
			buf = append(buf, ',')
			idx = append(idx, i)
		default:
			for k := 0; k < n; k++ {
				buf = append(buf, line[i+k])
				idx = append(idx, i+k)
			}
		}
		i += n
	}
	idx = append(idx, i)
	return buf, idx
}

// AM/PM markers, matched case-insensitively (ASCII) after the time; the
// prefix ones come before the time (Japanese, Chinese, Korean).
var (
	amMarkers = []string{"a. m.", "a.m.", "a.m", "am", "a", "vorm.", "fm", "f.m.", "ap.", "öö", "ÖÖ", "sa", "π.μ.", "πμ", "дп", "ДП", "ص", "ق.ظ",
		"पूर्वाह्न", "ก่อนเที่ยง", "午前", "上午", "오전"}
	pmMarkers = []string{"p. m.", "p.m.", "p.m", "pm", "p", "nachm.", "em", "e.m.", "ip.", "ös", "ÖS", "ch", "μ.μ.", "μμ", "пп", "ПП", "م", "ب.ظ",
		"अपराह्न", "หลังเที่ยง", "午後", "下午", "오후"}
	prefixMarkers = []struct {
		s    string
		ampm int
	}{{"午前", 1}, {"午後", 2}, {"上午", 1}, {"下午", 2}, {"오전", 1}, {"오후", 2}}
)

func hasPrefixFold(s []byte, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		a, b := s[i], p[i]
		if a >= 'A' && a <= 'Z' {
			a += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

func digits(s []byte, i, maxN int) (v, n, next int) {
	for i+n < len(s) && n < maxN && s[i+n] >= '0' && s[i+n] <= '9' {
		v = v*10 + int(s[i+n]-'0')
		n++
	}
	return v, n, i + n
}

func spaces(s []byte, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// markerEnds reports whether an AM/PM marker ending at i stands alone:
// "9:05 a" followed by "lex: hi" is not a marker.
func markerEnds(s []byte, i int) bool {
	return i >= len(s) || s[i] == ' ' || s[i] == ']' || s[i] == '-' || s[i] == ',' || s[i] >= 0x80
}

// parseDate reads three numeric date fields at s[i:], the first optionally
// with a Japanese era letter.
func parseDate(s []byte, i int, h *header) (int, bool) {
	if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
		if base, ok := japaneseEras[s[i]]; ok {
			h.era = base
			i++
		}
	}
	for j := 0; j < 3; j++ {
		v, n, next := digits(s, i, 4)
		if n == 0 {
			return i, false
		}
		h.f[j], h.flen[j] = v, n
		i = next
		if j < 2 {
			if i >= len(s) || (s[i] != '/' && s[i] != '.' && s[i] != '-') {
				return i, false
			}
			if j == 0 {
				h.sep = s[i]
			} else if s[i] != h.sep {
				return i, false
			}
			i++
			if i < len(s) && s[i] == ' ' {
				i++
			}
		}
	}
	if i < len(s) && s[i] == '.' { // "13. 6. 2018."
		i++
	}
	return i, true
}

// parseTime reads h:mm[:ss] and an AM/PM marker before or after it. A
// short word before the time ("klo") is skipped when allowWord is set.
func parseTime(s []byte, i int, h *header, allowWord bool) (int, bool) {
	if i < len(s) && (s[i] < '0' || s[i] > '9') {
		matched := false
		for _, m := range prefixMarkers {
			if hasPrefixFold(s[i:], m.s) {
				h.ampm, i, matched = m.ampm, i+len(m.s), true
				break
			}
		}
		if !matched {
			if !allowWord {
				return i, false
			}
			j := i
			for j < len(s) && j-i < 12 && s[j] != ' ' && (s[j] < '0' || s[j] > '9') {
				j++
			}
			if j >= len(s) || s[j] != ' ' || j == i {
				return i, false
			}
			i = j
		}
		i = spaces(s, i)
	}
	v, n, next := digits(s, i, 2)
	if n == 0 {
		return i, false
	}
	h.hour, i = v, next
	if i >= len(s) || (s[i] != ':' && s[i] != '.') {
		return i, false
	}
	v, n, next = digits(s, i+1, 2)
	if n != 2 {
		return i, false
	}
	h.min, i = v, next
	if i+2 < len(s) && (s[i] == ':' || s[i] == '.') && s[i+1] >= '0' && s[i+1] <= '9' {
		v, n, next = digits(s, i+1, 2)
		if n != 2 {
			return i, false
		}
		h.sec, i = v, next
	}
	if h.ampm == 0 {
		j := spaces(s, i)
		for k, list := range [][]string{amMarkers, pmMarkers} {
			for _, m := range list {
				if hasPrefixFold(s[j:], m) && markerEnds(s, j+len(m)) {
					h.ampm, i = k+1, j+len(m)
					break
				}
			}
			if h.ampm != 0 {
				break
			}
		}
	}
	// 12-hour clocks write 12 or 0 for the first hour (Japanese "午後0:15")
	if h.hour > 23 || h.min > 59 || h.sec > 59 || (h.ampm != 0 && h.hour > 12) {
		return i, false
	}
	return i, true
}

// matchHeader recognises a message header at the start of line. rest is
// the remainder of the original line (sender and body).
func matchHeader(line string, nb []byte, ni []int) (h header, rest string, ok bool, buf []byte, idx []int) {
	s, idx := normalise(line, nb, ni)
	buf = s
	i := 0
	if i < len(s) && s[i] == '[' {
		h.bracket = true
		i++
	}
	// time first ("[09:05:12, 15/01/2024]"): digits then ':' before any date separator
	if v, n, next := digits(s, i, 2); n > 0 && next < len(s) && s[next] == ':' && v <= 23 {
		h.timeFirst = true
		var good bool
		if i, good = parseTime(s, i, &h, false); !good {
			return h, "", false, buf, idx
		}
		if i < len(s) && s[i] == ',' {
			i++
		}
		if i >= len(s) || s[i] != ' ' {
			return h, "", false, buf, idx
		}
		if i, good = parseDate(s, spaces(s, i), &h); !good {
			return h, "", false, buf, idx
		}
	} else {
		var good bool
		if i, good = parseDate(s, i, &h); !good {
			return h, "", false, buf, idx
		}
		if i < len(s) && s[i] == ',' {
			i++
		}
		if i >= len(s) || s[i] != ' ' {
			return h, "", false, buf, idx
		}
		if i, good = parseTime(s, spaces(s, i), &h, true); !good {
			return h, "", false, buf, idx
		}
	}
	if h.bracket {
		i = spaces(s, i)
		if i >= len(s) || s[i] != ']' {
			return h, "", false, buf, idx
		}
		i++
		if i < len(s) && s[i] == ' ' {
			i++
		}
	} else {
		i = spaces(s, i)
		switch {
		case i < len(s) && s[i] == '-':
			i++
		case strings.HasPrefix(string(s[i:min(len(s), i+3)]), "–"):
			i += 3
		case i < len(s) && s[i] == ':': // Finnish "klo 21.25:"
			i++
		case i > 0 && s[i-1] == ' ' && i < len(s):
			// no separator before the sender: accepted only when a
			// "Name: " follows, so a line of text that starts with a date
			// and a time stays text
			h.noSep = true
			if i >= len(idx) || !strings.Contains(line[idx[i]:min(len(line), idx[i]+160)], ": ") {
				return h, "", false, buf, idx
			}
			return h, line[idx[i]:], true, buf, idx
		default:
			return h, "", false, buf, idx
		}
		if i < len(s) && s[i] != ' ' {
			return h, "", false, buf, idx
		}
		if i < len(s) {
			i++
		}
	}
	if i >= len(idx) {
		return h, "", false, buf, idx
	}
	return h, line[idx[i]:], true, buf, idx
}

// headerLikeRe matches the start of a line that carries a date and a
// time the way headers do.
var headerLikeRe = regexp.MustCompile(`^\[?(?:[A-Z]?\d{1,4}[./-] ?\d{1,4}[./-] ?\d{1,4}[^0-9]{1,16}?\d{1,2}[:.]\d{2}|\d{1,2}:\d{2}.{0,16}?\d{1,4}[./-]\d{1,4}[./-]\d{1,4})`)

// headerLike reports whether line starts like a message header (a date
// and a time) without being one that matchHeader accepts: such a line is
// a header form the parser does not know, and is reported rather than
// merged silently into the previous message.
func headerLike(line string) bool {
	if line == "" {
		return false
	}
	if c := line[0]; c != '[' && (c < '0' || c > '9') && (c < 'A' || c > 'Z') && c < 0x80 {
		return false
	}
	s, _ := normalise(line, nil, nil)
	return headerLikeRe.Match(s)
}
