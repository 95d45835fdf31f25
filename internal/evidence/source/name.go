package source

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// longName is the length past which a name earns a warning: longer than
// any path a file system accepts (PATH_MAX 4096 on Linux).
const longName = 4096

// displayName escapes what must not reach a display or a log verbatim:
// bytes that are not UTF-8 and control characters become \xNN. It reports
// what it changed.
func displayName(raw string) (disp string, invalidUTF8, control bool) {
	if utf8.ValidString(raw) && !strings.ContainsFunc(raw, isControl) {
		return raw, false, false
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, raw[i])
			invalidUTF8 = true
		case isControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
			control = true
		default:
			b.WriteString(raw[i : i+size])
		}
		i += size
	}
	return b.String(), invalidUTF8, control
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// memberName turns an archive member name into a safe relative path
// ('/'-separated, no "..", no leading '/', no drive letter) plus its
// display form. Everything neutralised is reported in warnings. raw is
// the name with its original bytes and form (for RawPath). cp437 asks for the name
// to be decoded from code page 437 (zip names without the UTF-8 flag).
func memberName(name string, cp437 bool) (clean, raw string, warnings []string) {
	if cp437 && !isASCII(name) {
		if dec, err := charmap.CodePage437.NewDecoder().String(name); err == nil {
			warnings = append(warnings, fmt.Sprintf("name %q decoded as CP437", dec))
			raw = name
			name = dec
		}
	}
	orig := name
	name = strings.ReplaceAll(name, `\`, "/")
	if len(name) >= 2 && name[1] == ':' && (name[0]|0x20 >= 'a' && name[0]|0x20 <= 'z') {
		name = name[2:]
	}
	var parts []string
	escaped := false
	for p := range strings.SplitSeq(name, "/") {
		switch p {
		case "", ".":
			continue
		case "..":
			escaped = escaped || len(parts) == 0
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
			continue
		}
		parts = append(parts, p)
	}
	clean = strings.Join(parts, "/")
	switch {
	case escaped || strings.HasPrefix(name, "/") || len(name) != len(strings.ReplaceAll(orig, `\`, "/")):
		d, _, _ := displayName(orig)
		warnings = append(warnings, fmt.Sprintf("path traversal name %q neutralised", d))
	}
	if clean == "" {
		clean = "_"
		warnings = append(warnings, "empty member name replaced by \"_\"")
	}
	if raw == "" {
		raw = orig // the name as the archive has it: "./a" and "a" stay apart
	}
	disp, bad, ctl := displayName(clean)
	if bad {
		warnings = append(warnings, "invalid UTF-8 name (bytes kept in RawPath, shown escaped)")
	}
	if ctl {
		warnings = append(warnings, "control characters in name (shown escaped)")
	}
	if len(clean) > longName {
		warnings = append(warnings, fmt.Sprintf("very long name (%d bytes)", len(clean)))
	}
	return disp, raw, warnings
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
