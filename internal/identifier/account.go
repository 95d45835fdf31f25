package identifier

import (
	"errors"
	"strings"
)

// Usernames, platform user ids and device ids.

func isUserChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// telegramUsername checks Telegram's rules: 5–32 characters of A–Z a–z 0–9
// and '_', starting with a letter, not ending with '_', no "__". The
// 4-character Fragment collectibles are not accepted.
func telegramUsername(s string) error {
	if len(s) < 5 || len(s) > 32 {
		return errors.New("telegram username: length must be 5–32")
	}
	c := s[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return errors.New("telegram username: must start with a letter")
	}
	for i := 0; i < len(s); i++ {
		if !isUserChar(s[i]) {
			return errors.New("telegram username: only a–z, 0–9 and '_'")
		}
	}
	if s[len(s)-1] == '_' {
		return errors.New("telegram username: must not end with '_'")
	}
	if strings.Contains(s, "__") {
		return errors.New("telegram username: no double underscore")
	}
	return nil
}

// discordUsername checks Discord's new-style rules (2–32 characters of
// a–z 0–9 '_' '.', no "..") or the legacy name#1234 form.
func discordUsername(s string) error {
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		name, disc := s[:i], s[i+1:]
		if len(disc) != 4 || !allDigits(disc) {
			return errors.New("discord legacy tag: needs #NNNN")
		}
		if n := len([]rune(name)); n < 2 || n > 32 || strings.ContainsAny(name, "@#:") || strings.TrimSpace(name) != name {
			return errors.New("discord legacy tag: bad name")
		}
		return nil
	}
	if len(s) < 2 || len(s) > 32 {
		return errors.New("discord username: length must be 2–32")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return errors.New("discord username: only a–z, 0–9, '_' and '.'")
		}
	}
	if strings.Contains(s, "..") {
		return errors.New("discord username: no double dot")
	}
	return nil
}

// genericUsername: 2–64 characters of letters, digits, '_', '.', '-', not
// starting or ending with '.' or '-'.
func genericUsername(s string) error {
	if len(s) < 2 || len(s) > 64 {
		return errors.New("username: length must be 2–64")
	}
	for i := 0; i < len(s); i++ {
		if !isUserChar(s[i]) && s[i] != '.' && s[i] != '-' {
			return errors.New("username: only letters, digits, '_', '.' and '-'")
		}
	}
	if strings.IndexByte(".-", s[0]) >= 0 || strings.IndexByte(".-", s[len(s)-1]) >= 0 {
		return errors.New("username: must not start or end with '.' or '-'")
	}
	return nil
}

// normUsername strips a leading '@' and lower-cases (Telegram, Discord and
// most platforms compare handles case-insensitively). Legacy Discord tags
// keep their #NNNN.
func normUsername(raw string) (string, error) {
	s := strings.TrimPrefix(raw, "@")
	if strings.Contains(s, "#") {
		if err := discordUsername(s); err != nil {
			return "", err
		}
		return strings.ToLower(s), nil
	}
	if err := genericUsername(s); err != nil {
		return "", err
	}
	return strings.ToLower(s), nil
}

// ValidateUsername checks raw (with or without '@') against a platform's
// rules: "telegram", "discord", "whatsapp" (a phone number in E.164 or
// international format) or "" for the generic rules.
func ValidateUsername(platform, raw string) error {
	s := strings.TrimPrefix(raw, "@")
	switch platform {
	case PlatformTelegram:
		return telegramUsername(s)
	case PlatformDiscord:
		if strings.Contains(s, "#") {
			return discordUsername(s)
		}
		return discordUsername(strings.ToLower(s))
	case PlatformWhatsApp:
		_, err := normPhone(raw, "")
		return err
	case "":
		_, err := normUsername(raw)
		return err
	}
	return errors.New("username: unknown platform " + platform)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// normTelegramID accepts "user123456" (as Telegram exports write from_id)
// or the bare number; the canonical form is the number without leading
// zeros.
func normTelegramID(raw string) (string, error) {
	s := strings.TrimPrefix(raw, "user")
	if !allDigits(s) || len(s) > 20 {
		return "", errors.New("telegram id: needs user<digits> or digits")
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "", errors.New("telegram id: zero")
	}
	return s, nil
}

func luhnValid(d string) bool {
	sum := 0
	for i := 0; i < len(d); i++ {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// normIMEI accepts 15 digits (optionally grouped with '-' or ' ') whose
// last digit is a Luhn check digit; the canonical form is the 15 digits.
func normIMEI(raw string) (string, error) {
	if len(raw) > 24 {
		return "", errors.New("imei: too long")
	}
	d := strings.NewReplacer("-", "", " ", "", "/", "").Replace(raw)
	if len(d) != 15 || !allDigits(d) {
		return "", errors.New("imei: needs 15 digits")
	}
	if !luhnValid(d) {
		return "", errors.New("imei: luhn check digit wrong")
	}
	return d, nil
}

// normHWID accepts the two shapes stealer logs print: 32 hex digits, or a
// GUID (8-4-4-4-12 hex, optionally in braces). The canonical form is
// upper-case, braces dropped, dashes kept.
func normHWID(raw string) (string, error) {
	s := strings.TrimSuffix(strings.TrimPrefix(raw, "{"), "}")
	if len(s) == 32 && isHex(s) {
		return strings.ToUpper(s), nil
	}
	if isGUID(s) {
		return strings.ToUpper(s), nil
	}
	return "", errors.New("hwid: needs 32 hex digits or a GUID")
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
		} else if hexVal[s[i]] < 0 {
			return false
		}
	}
	return true
}
