package stealerlog

import (
	"path"
	"regexp"
	"strings"
)

// sysInfoNames are system-information file names (lowercase) and the
// family they suggest; "" means the content decides.
var sysInfoNames = map[string]Family{
	"userinformation.txt": RedLine,
	"information.txt":     "", // Vidar or RisePro
	"system_info.txt":     StealC,
	"system.txt":          "", // Lumma, or others
	"system info.txt":     Raccoon,
	"info.txt":            "",
	"_information.txt":    "",
	"userinfo.txt":        "",
	"user_info.txt":       "",
	"sysinfo.txt":         "",
	"systeminfo.txt":      "",
	"identification.txt":  "",
}

// File roles.
const (
	roleSysInfo      = "sysinfo"
	rolePasswords    = "passwords"
	roleCookies      = "cookies"
	roleAutofill     = "autofill"
	roleHistory      = "history"
	roleDomainDetect = "domaindetect"
)

// skipDirs are folders whose content is the victim's own files or binary
// application data (FileGrabber and the like): never parsed.
var skipDirs = map[string]bool{
	"filegrabber": true, "files": true, "important files": true, "grabber": true,
	"tdata": true, "screenshots": true, "downloads": true,
}

// walletDirs hold one folder or file per wallet application.
var walletDirs = map[string]bool{"wallets": true, "wallet": true, "crypto": true, "coldwallets": true}

// isPasswordFile is the generic name rule: a .txt whose name holds
// "password" (not "passwordcracker" nor a password-only list such as
// unique_passwords.txt), or any .txt inside a "Passwords" folder.
func isPasswordFile(rel string) bool {
	base := strings.ToLower(path.Base(rel))
	if !strings.HasSuffix(base, ".txt") {
		return false
	}
	if strings.Contains(base, "password") {
		return !strings.Contains(base, "cracker") && !strings.Contains(base, "unique")
	}
	return hasDir(rel, "passwords")
}

// hasDir reports whether a folder of rel (case-insensitive) is name.
func hasDir(rel, name string) bool {
	dir := path.Dir(rel)
	for dir != "." && dir != "/" && dir != "" {
		if strings.EqualFold(path.Base(dir), name) {
			return true
		}
		dir = path.Dir(dir)
	}
	return false
}

// role assigns a file (path relative to the victim folder) its parser.
func role(rel string) string {
	base := strings.ToLower(path.Base(rel))
	if !strings.HasSuffix(base, ".txt") {
		return ""
	}
	if path.Dir(rel) == "." {
		if _, ok := sysInfoNames[base]; ok {
			return roleSysInfo
		}
	}
	switch {
	case strings.Contains(base, "domaindetect") || strings.Contains(base, "domain detect") || strings.Contains(base, "domain_detect"):
		return roleDomainDetect
	case isPasswordFile(rel):
		return rolePasswords
	case hasDir(rel, "cookies") || strings.HasPrefix(base, "cookies") || strings.HasPrefix(base, "cookie_"):
		return roleCookies
	case hasDir(rel, "autofill") || hasDir(rel, "autofills") || strings.Contains(base, "autofill"):
		return roleAutofill
	case hasDir(rel, "history") || strings.HasPrefix(base, "history"):
		return roleHistory
	}
	return ""
}

// detectFamily decides the family from the system-information file (its
// name, its first key and fingerprint keys), the banner of the passwords
// file and the label style of the passwords file, in that order.
func detectFamily(sysName string, si SystemInfo, sysText, banner string, st labelStyle) Family {
	has := func(k string) bool {
		for _, f := range si.Fields {
			if strings.EqualFold(f.Key, k) {
				return true
			}
		}
		return false
	}
	var fam Family
	switch strings.ToLower(sysName) {
	case "userinformation.txt":
		fam = RedLine
	case "system_info.txt":
		fam = StealC
	case "system info.txt":
		fam = Raccoon
	case "information.txt":
		switch {
		case len(si.Fields) > 0 && strings.EqualFold(si.Fields[0].Key, "Build"), has("ZIP (Autofills)"):
			fam = RisePro
		default:
			fam = Vidar
		}
	}
	if fam == "" && sysText != "" {
		lower := strings.ToLower(sysText)
		switch {
		case strings.Contains(lower, "lummac2") || has("LID") || has("LID (Lumma ID)"):
			fam = Lumma
		case strings.Contains(lower, "network info:") && strings.Contains(lower, "system summary:"):
			fam = StealC
		case has("Bot_ID") || has("IP info") || strings.Contains(lower, "build compile date:"):
			fam = Raccoon
		case has("Build ID") && has("MachineName"):
			fam = RedLine
		case has("MachineID") && has("Computer Name"):
			fam = Vidar
		}
	}
	if fam == "" {
		switch {
		case st.browser || st.lowerURL:
			fam = StealC
		case st.soft || st.host:
			fam = Vidar
		case st.upperUser:
			fam = Raccoon
		case st.username:
			fam = RedLine
		}
	}
	if fam == "" {
		fam = Generic
	}
	if fam == RedLine && bannerSays(banner, "META") {
		fam = Meta
	}
	return fam
}

// bannerSays looks for a word in a seller banner written in ASCII art:
// it compares the letters of each line only, so "( M | E | T | A )"
// reads "META".
func bannerSays(banner, word string) bool {
	for _, l := range strings.Split(banner, "\n") {
		if ll := strings.ToLower(l); strings.Contains(ll, "http") || strings.Contains(ll, "t.me") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToUpper(l) {
			if r >= 'A' && r <= 'Z' {
				b.WriteRune(r)
			}
		}
		if strings.Contains(b.String(), word) {
			return true
		}
	}
	return false
}

// folderName parses victim folder names such as
// "US[4F1C…] [2024-01-20T14_05_33.1234567]": country and HWID.
var folderNameRE = regexp.MustCompile(`^([A-Z]{2})\[([0-9A-Fa-f]{8,64})\]`)

func parseFolderName(name string) (country, hwid string) {
	m := folderNameRE.FindStringSubmatch(name)
	if m == nil {
		return "", ""
	}
	return m[1], m[2]
}
