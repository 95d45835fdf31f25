package stealerlog

import (
	"strings"
)

// Password-file labels, lowercase, mapped to the field they fill. The
// union of the labels of every family: RedLine/META/Lumma "URL:
// Username: Password: Application:", Vidar/RisePro "Soft: Host: Login:
// Password:", StealC "browser: profile: url: login: password:", Raccoon
// "URL: USER: PASS:", and obfuscated spellings seen in resold logs.
var passwordLabels = map[string]credField{
	"soft": fApp, "software": fApp, "browser": fApp, "application": fApp, "storage": fApp, "app": fApp,
	"profile": fProfile,
	"url":     fURL, "ur1": fURL, "host": fURL, "hostname": fURL, "location": fURL, "site": fURL, "origin": fURL, "website": fURL,
	"username": fLogin, "user": fLogin, "login": fLogin, "user login": fLogin, "u53rn4m3": fLogin, "email": fLogin, "e-mail": fLogin,
	"password": fPassword, "pass": fPassword, "user password": fPassword, "p455w0rd": fPassword, "pwd": fPassword,
}

type credField int

const (
	fNone credField = iota
	fApp
	fProfile
	fURL
	fLogin
	fPassword
)

// labelStyle is the set of labels a file used, for family detection.
type labelStyle struct {
	soft, host, lowerURL, upperUser, username, browser bool
}

type credBuilder struct {
	c                       Credential
	have                    [fPassword + 1]bool
	profile                 string
	firstLine               int
	strayLines, strayFirstN int
}

// parsePasswords reads a passwords file. Records are groups of labelled
// lines; a record ends at a separator line (===, ---, ___ or ***), at a
// blank line, or when a label repeats. Records without URL and login
// are dropped with a warning. Lines
// outside records that are not labelled (seller banners, Telegram
// links) are collected as the banner. Values are what follows the first
// ':' minus one space; passwords are not trimmed further.
func parsePasswords(text, file string, maxLine int, warn func(Warning)) (creds []Credential, banner string, st labelStyle) {
	var (
		b       credBuilder
		banners []string
		started bool
	)
	flush := func() {
		if b.firstLine == 0 {
			return
		}
		switch {
		case b.c.URL != "" || b.c.Login != "":
			c := b.c
			if b.profile != "" {
				if c.Application != "" {
					c.Application += " (" + b.profile + ")"
				} else {
					c.Application = b.profile
				}
			}
			c.Host, c.Android = hostOf(c.URL)
			c.File, c.Line = file, b.firstLine
			creds = append(creds, c)
		default:
			warn(Warning{File: file, Line: b.firstLine, Reason: "credential record without URL or login skipped"})
		}
		if b.strayLines > 0 {
			warn(Warning{File: file, Line: b.strayFirstN, Reason: "unlabelled line(s) inside a credential record ignored: " + itoa(b.strayLines)})
		}
		b = credBuilder{}
	}
	lines(text, maxLine, func(n int, reason string) {
		warn(Warning{File: file, Line: n, Reason: reason})
	}, func(n int, line string) {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			flush()
			return
		}
		if isSeparator(trimmed) {
			flush()
			if !started {
				banners = append(banners, trimmed)
			}
			return
		}
		f, value := labelled(line)
		if f == fNone {
			if !started || b.firstLine == 0 {
				banners = append(banners, trimmed)
			} else {
				if b.strayLines == 0 {
					b.strayFirstN = n
				}
				b.strayLines++
			}
			return
		}
		started = true
		noteStyle(&st, line)
		if b.have[f] {
			flush()
		}
		if b.firstLine == 0 {
			b.firstLine = n
		}
		b.have[f] = true
		switch f {
		case fApp:
			b.c.Application = strings.TrimSpace(value)
		case fProfile:
			b.profile = strings.TrimSpace(value)
		case fURL:
			b.c.URL = strings.TrimSpace(value)
		case fLogin:
			b.c.Login = strings.TrimSpace(value)
		case fPassword:
			b.c.Password = value
		}
	})
	flush()
	if len(banners) > 50 {
		banners = banners[:50]
	}
	return creds, strings.Join(banners, "\n"), st
}

// labelled splits "Label: value". Labels are matched case-insensitively
// after trimming; the value loses one leading space (a second one is part
// of a password).
func labelled(line string) (credField, string) {
	i := strings.IndexByte(line, ':')
	if i <= 0 || i > 24 {
		return fNone, ""
	}
	key := strings.ToLower(strings.TrimSpace(line[:i]))
	f, ok := passwordLabels[key]
	if !ok {
		return fNone, ""
	}
	v := line[i+1:]
	v = strings.TrimPrefix(v, " ")
	return f, v
}

func noteStyle(st *labelStyle, line string) {
	i := strings.IndexByte(line, ':')
	key := strings.TrimSpace(line[:i])
	switch key {
	case "Soft", "SOFT":
		st.soft = true
	case "Host":
		st.host = true
	case "url":
		st.lowerURL = true
	case "browser":
		st.browser = true
	case "USER", "PASS":
		st.upperUser = true
	case "Username":
		st.username = true
	}
}

func isSeparator(s string) bool {
	if len(s) < 3 {
		return false
	}
	c := s[0]
	if c != '=' && c != '-' && c != '_' && c != '*' {
		return false
	}
	return strings.Trim(s, string(c)) == ""
}

// hostOf returns the lowercase host of a credential URL. Android app
// URLs (android://<hash>@<package>/) give the package name.
func hostOf(u string) (string, bool) {
	s := strings.TrimSpace(u)
	if len(s) >= 10 && strings.EqualFold(s[:10], "android://") {
		rest := s[10:]
		if i := strings.LastIndexByte(rest, '@'); i >= 0 {
			rest = rest[i+1:]
		}
		if i := strings.IndexAny(rest, "/?#:"); i >= 0 {
			rest = rest[:i]
		}
		return strings.ToLower(rest), true
	}
	if i := strings.Index(s, "://"); i >= 0 && i < 32 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if strings.HasPrefix(s, "[") {
		if i := strings.IndexByte(s, ']'); i > 0 {
			return strings.ToLower(s[1:i]), false
		}
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(strings.ToLower(s), "."), false
}
