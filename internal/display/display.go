// Package display makes text taken from evidence safe to show on a
// terminal. Seized files, chat exports, hash lists and outside databases
// can carry control characters (a cursor move or a colour change in an
// escape sequence, a carriage return that overwrites a line), bidirectional
// overrides that make "gpj.exe" read as "exe.jpg", and zero-width or
// invisible characters that make two different names look the same. Every
// human-readable line Vibora prints passes evidence text through Escape
// (or EscapeText for multi-line text); JSON output is never escaped, it
// carries the exact value.
//
// Escaped characters become visible, unambiguous sequences: \n, \r, \t,
// \xNN for other control characters and for bytes that are not UTF-8,
// \uNNNN (or \UNNNNNNNN) for format characters (Unicode category Cf:
// bidirectional marks, overrides and isolates, zero-width spaces and
// joiners, the byte-order mark, tag characters), the line and paragraph
// separators, and other invisible characters. Printable text, including
// any script and emoji, is left as it is.
package display

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every control, format and invisible character
// escaped, line breaks and tabs included: the result is one line.
func Escape(s string) string { return escape(s, false) }

// EscapeText is Escape that keeps line feeds and tabs, for text that is
// meant to span lines (a message body); carriage returns are escaped.
func EscapeText(s string) string { return escape(s, true) }

// NeedsEscape reports whether Escape would change s.
func NeedsEscape(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafe(r, n, false) {
			return true
		}
		i += n
	}
	return false
}

func escape(s string, text bool) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafe(r, n, text) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unsafe(r, n, text) {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0xa0:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += n
	}
	return b.String()
}

// unsafe reports whether the rune r (n bytes long) must be escaped; text
// keeps '\n' and '\t'.
func unsafe(r rune, n int, text bool) bool {
	switch {
	case r == utf8.RuneError && n <= 1:
		return true // not UTF-8
	case text && (r == '\n' || r == '\t'):
		return false
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		return true
	case r < 0x7f:
		return false
	case unicode.Is(unicode.Cf, r), r == '\u2028', r == '\u2029':
		return true
	case invisible(r):
		return true
	}
	return false
}

// invisible lists characters outside Cf that render as nothing or as
// blank space a reader cannot tell from an ordinary one.
func invisible(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', // Hangul fillers
		'\u034f',                               // combining grapheme joiner
		'\u180b', '\u180c', '\u180d', '\u180f', // Mongolian variation selectors
		'\u2800': // braille blank
		return true
	}
	return false
}
