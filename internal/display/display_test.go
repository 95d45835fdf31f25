package display

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want, text string }{
		{"plain name.jpg", "plain name.jpg", "plain name.jpg"},
		{"Zoë 🙂 日本語 مرحبا", "Zoë 🙂 日本語 مرحبا", "Zoë 🙂 日本語 مرحبا"},
		{"a\nb\tc\rd", `a\nb\tc\rd`, "a\nb\tc\\rd"},
		{"\x1b[2J\x1b]0;title\x07", `\x1b[2J\x1b]0;title\x07`, `\x1b[2J\x1b]0;title\x07`},
		{"invoice\u202egpj.exe", `invoice\u202egpj.exe`, `invoice\u202egpj.exe`},
		{"\u2066x\u2069\u200e\u200f\u061c", `\u2066x\u2069\u200e\u200f\u061c`, `\u2066x\u2069\u200e\u200f\u061c`},
		{"al\u200bice\u200c\u200d\u2060\ufeff", `al\u200bice\u200c\u200d\u2060\ufeff`, `al\u200bice\u200c\u200d\u2060\ufeff`},
		{"x\u2028y\u2029", `x\u2028y\u2029`, `x\u2028y\u2029`},
		{"tag\U000e0041", `tag\U000e0041`, `tag\U000e0041`},
		{"\x85\x9b\u00ad", `\x85\x9b\u00ad`, `\x85\x9b\u00ad`}, // invalid bytes, soft hyphen
		{"\u009b31m", `\x9b31m`, `\x9b31m`},                    // C1 CSI
		{"\x7f", `\x7f`, `\x7f`},
		{"\u3164", `\u3164`, `\u3164`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := EscapeText(c.in); got != c.text {
			t.Errorf("EscapeText(%q) = %q, want %q", c.in, got, c.text)
		}
		if NeedsEscape(c.in) != (c.in != c.want) {
			t.Errorf("NeedsEscape(%q) = %v", c.in, NeedsEscape(c.in))
		}
	}
}

// clean reports whether s holds nothing a terminal would interpret or hide.
func clean(t *testing.T, s string, text bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("not UTF-8: %q", s)
	}
	for _, r := range s {
		if (r == '\n' || r == '\t') && text {
			continue
		}
		if unsafe(r, utf8.RuneLen(r), false) {
			t.Fatalf("%q left in %q", r, s)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a\x1b[31mb", "x\u202ey", "\xff\xfe", "e\u0301", "👨\u200d👩\u200d👧"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		clean(t, e, false)
		if strings.ContainsAny(e, "\n\t") {
			t.Fatalf("line break left: %q", e)
		}
		clean(t, EscapeText(s), true)
		if !NeedsEscape(s) && e != s {
			t.Fatalf("changed a clean string: %q -> %q", s, e)
		}
		if Escape(e) != e {
			t.Fatalf("escaped output needs escaping again: %q", e)
		}
	})
}
