package stealerlog

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Text encodings reported in SourceFile.Encoding.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
	EncCP1251  = "windows-1251"
	EncCP1252  = "windows-1252"
)

// decodeText turns file bytes into UTF-8 text:
//
//  1. a BOM decides (UTF-8, UTF-16LE, UTF-16BE);
//  2. without a BOM, text whose even or odd bytes are mostly NUL is
//     UTF-16 (LE or BE accordingly);
//  3. valid UTF-8 is UTF-8;
//  4. otherwise the text is Windows-1251 when most words that contain
//     bytes 0xC0–0xFF consist of such bytes only (Cyrillic words), and
//     Windows-1252 when they are mixed with ASCII letters (accented
//     Latin words such as "Café").
//
// NUL bytes left after decoding are removed.
func decodeText(b []byte) (string, string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		return stripNUL(toValidUTF8(b[3:])), EncUTF8BOM
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return decode16(b[2:], false), EncUTF16LE
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		return decode16(b[2:], true), EncUTF16BE
	}
	if le, be := nulParity(b); le {
		return decode16(b, false), EncUTF16LE
	} else if be {
		return decode16(b, true), EncUTF16BE
	}
	if utf8.Valid(b) {
		return stripNUL(string(b)), EncUTF8
	}
	if looksCyrillic1251(b) {
		s, _ := charmap.Windows1251.NewDecoder().Bytes(b)
		return stripNUL(string(s)), EncCP1251
	}
	s, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return stripNUL(string(s)), EncCP1252
}

func toValidUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func decode16(b []byte, big bool) string {
	end := unicode.LittleEndian
	if big {
		end = unicode.BigEndian
	}
	if len(b)%2 == 1 {
		b = b[:len(b)-1]
	}
	s, err := unicode.UTF16(end, unicode.IgnoreBOM).NewDecoder().Bytes(b)
	if err != nil {
		return stripNUL(toValidUTF8(b))
	}
	return stripNUL(string(s))
}

// nulParity reports UTF-16 without BOM: at least 64 bytes and more than
// 40% of the odd (LE) or even (BE) bytes are NUL while the others are not.
func nulParity(b []byte) (le, be bool) {
	n := len(b)
	if n > 4096 {
		n = 4096
	}
	if n < 64 {
		return false, false
	}
	var even, odd int
	for i := 0; i < n; i++ {
		if b[i] == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	half := n / 2
	return odd*10 > half*4 && even*10 < half, even*10 > half*4 && odd*10 < half
}

func looksCyrillic1251(b []byte) bool {
	var cyr, lat int
	i := 0
	for i < len(b) {
		c := b[i]
		isLetter := func(c byte) bool { return c >= 0xc0 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
		if !isLetter(c) {
			i++
			continue
		}
		j := i
		var hi, ascii int
		for j < len(b) && isLetter(b[j]) {
			if b[j] >= 0xc0 {
				hi++
			} else {
				ascii++
			}
			j++
		}
		switch {
		case hi >= 2 && ascii == 0:
			cyr++
		case hi > 0 && ascii > 0:
			lat++
		}
		i = j
	}
	return cyr > lat
}

func stripNUL(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}

// lines calls fn for every line of text, numbered from 1, with "\r\n",
// "\n" and a lone "\r" as line ends. Lines longer than maxLine bytes are
// skipped with a warning.
func lines(text string, maxLine int, warn func(line int, reason string), fn func(n int, line string)) {
	n := 0
	for len(text) > 0 {
		i := strings.IndexAny(text, "\r\n")
		var line string
		if i < 0 {
			line, text = text, ""
		} else {
			line = text[:i]
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				text = text[i+2:]
			} else {
				text = text[i+1:]
			}
		}
		n++
		if len(line) > maxLine {
			warn(n, "line longer than "+itoa(maxLine)+" bytes skipped")
			continue
		}
		fn(n, line)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
