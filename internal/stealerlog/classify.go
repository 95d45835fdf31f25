package stealerlog

import (
	"strings"

	"github.com/vibora-project/vibora/internal/identifier"
)

// Identifier kinds used in profiles. Kinds found by the identifier
// package (btc, eth, ton, …) keep that package's names.
const (
	KindEmail    = "email"
	KindPhone    = "phone"
	KindUsername = "username" // a login that is neither e-mail nor phone
	KindName     = "name"     // a person's name from autofill
	KindAddress  = "address"  // postal address parts from autofill
	KindWallet   = "wallet"   // a wallet application folder
	KindIP       = "ip"
	KindCountry  = "country"
	KindHWID     = "hwid"
	KindMachine  = "machine" // machine (computer) name
	KindOSUser   = "os_user" // operating-system user name
)

// ClassifyLogin sorts a login into e-mail, phone or username and returns
// its normalised form (the key used to find reuse): e-mail addresses and
// usernames lowercased, phone numbers in E.164. It uses the identifier
// package's rules for e-mail and phone; a phone needs a leading '+'.
// Swap this variable to change the rules.
var ClassifyLogin = func(login string) (kind, normalized string) {
	s := strings.TrimSpace(login)
	if strings.Contains(s, "@") {
		if n, err := identifier.Normalize(identifier.KindEmail, s, identifier.NormalizeOptions{}); err == nil {
			return KindEmail, n
		}
	}
	if strings.HasPrefix(s, "+") {
		if n, err := identifier.Normalize(identifier.KindPhone, s, identifier.NormalizeOptions{}); err == nil {
			return KindPhone, n
		}
	}
	return KindUsername, strings.ToLower(s)
}

// LoginKey is the normalised login used to group credentials and find
// reuse across sites.
func LoginKey(login string) string {
	_, n := ClassifyLogin(login)
	return n
}

// autofillKind classifies an autofill field by its name.
func autofillKind(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "mail"):
		return KindEmail
	case strings.Contains(n, "phone") || strings.Contains(n, "tel") || strings.Contains(n, "mobile"):
		return KindPhone
	case strings.Contains(n, "user") || strings.Contains(n, "login") || strings.Contains(n, "nick"):
		return KindUsername
	case n == "name" || n == "nom" || n == "prenom" || n == "prénom" || n == "имя" || n == "фамилия" || strings.Contains(n, "first") || strings.Contains(n, "last") || strings.Contains(n, "full") ||
		strings.Contains(n, "surname") || strings.Contains(n, "given") || strings.Contains(n, "family") ||
		n == "fname" || n == "lname" || strings.Contains(n, "_name") || strings.Contains(n, "name_"):
		return KindName
	case strings.Contains(n, "address") || strings.Contains(n, "street") || strings.Contains(n, "city") ||
		strings.Contains(n, "zip") || strings.Contains(n, "postal") || strings.Contains(n, "postcode"):
		return KindAddress
	}
	return ""
}

type foundID struct{ kind, value string }

// autofillIdentifiers returns the identifiers of one autofill entry: the
// field name decides for names, addresses and usernames (only when the
// value holds no identifier: "btc_address" is not a postal address);
// e-mails, phones and crypto addresses are found in the value by the
// identifier package.
func autofillIdentifiers(a Autofill) []foundID {
	var out []foundID
	v := strings.TrimSpace(a.Value)
	if v == "" {
		return nil
	}
	ids := identifier.Extract([]byte(v), identifier.ExtractOptions{})
	for _, id := range ids {
		switch id.Kind {
		case identifier.KindURL, identifier.KindDomain, identifier.KindTelegramID, identifier.KindHWID:
			continue
		}
		out = append(out, foundID{string(id.Kind), id.Normalized})
	}
	switch k := autofillKind(a.Name); k {
	case KindName, KindAddress:
		if len(ids) == 0 && len(v) <= 200 {
			out = append(out, foundID{k, v})
		}
	case KindUsername:
		if len(ids) == 0 && len(v) <= 100 {
			out = append(out, foundID{KindUsername, strings.ToLower(v)})
		}
	case KindEmail, KindPhone:
		if len(ids) == 0 {
			if kind, n := ClassifyLogin(v); kind == k {
				out = append(out, foundID{k, n})
			}
		}
	}
	return out
}
