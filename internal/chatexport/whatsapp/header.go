package whatsapp

import (
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
}

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
	amMarkers     = []string{"a. m.", "a.m.", "a.m", "am", "vorm.", "π.μ.", "πμ", "ص", "ق.ظ", "ก่อนเที่ยง", "午前", "上午", "오전"}
	pmMarkers     = []string{"p. m.", "p.m.", "p.m", "pm", "nachm.", "μ.μ.", "μμ", "م", "ب.ظ", "หลังเที่ยง", "午後", "下午", "오후"}
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
	for j := 0; j < 3; j++ {
		v, n, next := digits(s, i, 4)
		if n == 0 {
			return h, "", false, buf, idx
		}
		h.f[j], h.flen[j] = v, n
		i = next
		if j < 2 {
			if i >= len(s) || (s[i] != '/' && s[i] != '.' && s[i] != '-') {
				return h, "", false, buf, idx
			}
			if j == 0 {
				h.sep = s[i]
			} else if s[i] != h.sep {
				return h, "", false, buf, idx
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
	if i < len(s) && s[i] == ',' {
		i++
	}
	if i >= len(s) || s[i] != ' ' {
		return h, "", false, buf, idx
	}
	i = spaces(s, i)
	// optional word before the time ("klo") or a prefix AM/PM marker
	if i < len(s) && (s[i] < '0' || s[i] > '9') {
		matched := false
		for _, m := range prefixMarkers {
			if hasPrefixFold(s[i:], m.s) {
				h.ampm, i, matched = m.ampm, i+len(m.s), true
				break
			}
		}
		if !matched {
			j := i
			for j < len(s) && j-i < 12 && s[j] != ' ' && (s[j] < '0' || s[j] > '9') {
				j++
			}
			if j >= len(s) || s[j] != ' ' || j == i {
				return h, "", false, buf, idx
			}
			i = j
		}
		i = spaces(s, i)
	}
	v, n, next := digits(s, i, 2)
	if n == 0 {
		return h, "", false, buf, idx
	}
	h.hour, i = v, next
	if i >= len(s) || (s[i] != ':' && s[i] != '.') {
		return h, "", false, buf, idx
	}
	v, n, next = digits(s, i+1, 2)
	if n != 2 {
		return h, "", false, buf, idx
	}
	h.min, i = v, next
	if i+2 < len(s) && (s[i] == ':' || s[i] == '.') && s[i+1] >= '0' && s[i+1] <= '9' {
		v, n, next = digits(s, i+1, 2)
		if n != 2 {
			return h, "", false, buf, idx
		}
		h.sec, i = v, next
	}
	// AM/PM after the time
	if h.ampm == 0 {
		j := spaces(s, i)
		for _, m := range amMarkers {
			if hasPrefixFold(s[j:], m) {
				h.ampm, i = 1, j+len(m)
				break
			}
		}
		if h.ampm == 0 {
			for _, m := range pmMarkers {
				if hasPrefixFold(s[j:], m) {
					h.ampm, i = 2, j+len(m)
					break
				}
			}
		}
	}
	if h.hour > 23 || h.min > 59 || h.sec > 59 || (h.ampm != 0 && (h.hour == 0 || h.hour > 12)) {
		return h, "", false, buf, idx
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
