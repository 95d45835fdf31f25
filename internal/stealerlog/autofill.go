package stealerlog

import (
	"strings"
)

// parseAutofill reads saved form values. Two layouts are accepted: blocks
// of "Name: <field>" / "Value: <value>" (also "Form:", "Field:", "Key:"
// for the name), and one "<field>\t<value>" per line.
func parseAutofill(text, file string, maxLine int, warn func(Warning)) []Autofill {
	var (
		out     []Autofill
		pending *Autofill
	)
	lines(text, maxLine, func(n int, reason string) {
		warn(Warning{File: file, Line: n, Reason: reason})
	}, func(n int, line string) {
		s := strings.TrimSpace(line)
		if s == "" {
			return
		}
		if k, v, ok := strings.Cut(s, ":"); ok && len(k) <= 12 {
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "name", "form", "field", "key":
				pending = &Autofill{Name: strings.TrimSpace(v), File: file, Line: n}
				return
			case "value":
				if pending != nil {
					pending.Value = strings.TrimSpace(v)
					out = append(out, *pending)
					pending = nil
				} else {
					out = append(out, Autofill{Value: strings.TrimSpace(v), File: file, Line: n})
				}
				return
			}
		}
		if k, v, ok := strings.Cut(s, "\t"); ok {
			out = append(out, Autofill{Name: strings.TrimSpace(k), Value: strings.TrimSpace(v), File: file, Line: n})
		}
	})
	return out
}

// parseHistory takes every line that holds an http(s) URL; the text after
// the URL (TAB or space separated) is the title.
func parseHistory(text, file string, maxLine int, warn func(Warning)) []HistoryEntry {
	var out []HistoryEntry
	lines(text, maxLine, func(n int, reason string) {
		warn(Warning{File: file, Line: n, Reason: reason})
	}, func(n int, line string) {
		i := strings.Index(line, "http://")
		if j := strings.Index(line, "https://"); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 {
			return
		}
		rest := line[i:]
		end := strings.IndexAny(rest, " \t")
		u, title := rest, ""
		if end >= 0 {
			u, title = rest[:end], strings.TrimSpace(rest[end:])
		}
		out = append(out, HistoryEntry{URL: u, Title: title, File: file, Line: n})
	})
	return out
}

// parseDomainDetects reads one domain (or URL) per line; lines with
// spaces or without a dot are ignored.
func parseDomainDetects(text, file string, maxLine int, warn func(Warning)) []DomainDetect {
	var out []DomainDetect
	lines(text, maxLine, func(n int, reason string) {
		warn(Warning{File: file, Line: n, Reason: reason})
	}, func(n int, line string) {
		s := strings.TrimSpace(line)
		if s == "" || strings.ContainsAny(s, " \t") || !strings.Contains(s, ".") {
			return
		}
		h, _ := hostOf(s)
		if h == "" {
			return
		}
		out = append(out, DomainDetect{Domain: h, File: file, Line: n})
	})
	return out
}
