package identifier

import (
	"errors"
	"fmt"
	"strings"
)

// Kind names a type of identifier. The values are a stable JSON contract.
type Kind string

// The identifier kinds. Do not rename: the strings appear in JSON output
// and in stored keys.
const (
	KindPhone      Kind = "phone"       // E.164 phone number
	KindEmail      Kind = "email"       // e-mail address
	KindUsername   Kind = "username"    // a handle; Identifier.Platform says where
	KindURL        Kind = "url"         // scheme://host/…
	KindDomain     Kind = "domain"      // host name (not .onion)
	KindOnion      Kind = "onion"       // Tor onion service (v3 checksummed, v2)
	KindIPv4       Kind = "ipv4"        // IPv4 address
	KindIPv6       Kind = "ipv6"        // IPv6 address
	KindBTC        Kind = "btc"         // Bitcoin mainnet address
	KindETH        Kind = "eth"         // Ethereum/EVM address
	KindLTC        Kind = "ltc"         // Litecoin address
	KindXMR        Kind = "xmr"         // Monero mainnet address
	KindTRX        Kind = "trx"         // TRON address
	KindTON        Kind = "ton"         // TON address
	KindTelegramID Kind = "telegram_id" // numeric Telegram user id ("user123…" in exports)
	KindIMEI       Kind = "imei"        // 15-digit IMEI with a Luhn check digit
	KindHWID       Kind = "hwid"        // hardware id as stealer logs print it
	KindIBAN       Kind = "iban"        // IBAN, mod-97 checked, the country's length
	KindBIC        Kind = "bic"         // BIC (SWIFT code) of a bank office
	KindCard       Kind = "card"        // payment card: brand and last four digits only
	KindPayPal     Kind = "paypal"      // PayPal.me name
	KindCashApp    Kind = "cashapp"     // Cash App $cashtag
	KindRevolut    Kind = "revolut"     // Revolut tag (revtag)
	KindVenmo      Kind = "venmo"       // Venmo username
)

// Kinds lists every kind, in the order Classify tries them.
var Kinds = []Kind{
	KindPhone, KindEmail, KindURL, KindOnion, KindIPv4, KindIPv6, KindETH, KindBTC,
	KindLTC, KindTRX, KindXMR, KindTON, KindTelegramID, KindIMEI, KindHWID,
	KindIBAN, KindBIC, KindCard, KindPayPal, KindCashApp, KindRevolut, KindVenmo,
	KindDomain, KindUsername,
}

// PaymentKinds are the kinds that name a means of payment: bank accounts,
// cards, payment handles and crypto addresses.
var PaymentKinds = []Kind{KindIBAN, KindCard, KindPayPal, KindCashApp, KindRevolut, KindVenmo,
	KindBTC, KindETH, KindLTC, KindXMR, KindTRX, KindTON}

// IsPaymentKind reports whether k names a means of payment.
func IsPaymentKind(k Kind) bool {
	for _, x := range PaymentKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Platforms for usernames.
const (
	PlatformTelegram = "telegram"
	PlatformDiscord  = "discord"
	PlatformWhatsApp = "whatsapp"
)

// Identifier is one identifier found in text.
type Identifier struct {
	Kind       Kind   `json:"kind"`
	Value      string `json:"value"`      // exactly as found (a card: masked, see KindCard)
	Normalized string `json:"normalized"` // canonical form (see Normalize)
	Offset     int    `json:"offset"`     // byte offset of Value in the input
	Valid      bool   `json:"valid"`
	Platform   string `json:"platform,omitempty"` // usernames: the platform; cards: the brand
	Context    string `json:"context,omitempty"`  // surrounding bytes, when asked for
}

// Key returns the identifier's stable key, e.g. "phone:+12025550143".
func (id Identifier) Key() string { return Key(id.Kind, id.Normalized) }

// ErrUnknownKind is returned for a kind outside Kinds.
var ErrUnknownKind = errors.New("unknown identifier kind")

// ErrNotIdentifier is returned by Classify when no kind accepts a value.
var ErrNotIdentifier = errors.New("not a recognised identifier")

// NormalizeOptions tune Normalize and Validate.
type NormalizeOptions struct {
	// DefaultRegion (ISO 3166-1 alpha-2) is used for phone numbers written
	// without a country code. Empty: such numbers are invalid.
	DefaultRegion string
}

// Normalize returns the canonical form of raw as kind. It is idempotent:
// Normalize(k, Normalize(k, x)) == Normalize(k, x). Invalid input gives an
// error.
func Normalize(kind Kind, raw string, opt NormalizeOptions) (string, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > maxURLLen {
		return "", fmt.Errorf("normalize %s: input too long", kind)
	}
	var (
		n   string
		err error
	)
	switch kind {
	case KindPhone:
		n, err = normPhone(raw, opt.DefaultRegion)
	case KindEmail:
		n, err = normEmail(raw)
	case KindUsername:
		n, err = normUsername(raw)
	case KindURL:
		n, err = normURL(raw)
	case KindDomain:
		n, err = normDomain(raw)
		if err == nil && strings.HasSuffix(n, ".onion") {
			err = errors.New("domain: .onion is kind onion")
		}
	case KindOnion:
		n, err = normOnion(raw)
	case KindIPv4:
		n, err = normIPv4(raw)
	case KindIPv6:
		n, err = normIPv6(raw)
	case KindBTC:
		n, err = normBTC(raw)
	case KindETH:
		n, err = normETH(raw)
	case KindLTC:
		n, err = normLTC(raw)
	case KindXMR:
		n, err = normXMR(raw)
	case KindTRX:
		n, err = normTRX(raw)
	case KindTON:
		n, err = normTON(raw)
	case KindTelegramID:
		n, err = normTelegramID(raw)
	case KindIMEI:
		n, err = normIMEI(raw)
	case KindHWID:
		n, err = normHWID(raw)
	case KindIBAN:
		n, err = normIBAN(raw)
	case KindBIC:
		n, err = normBIC(raw)
	case KindCard:
		n, err = normCard(raw)
	case KindPayPal, KindCashApp, KindRevolut, KindVenmo:
		n, err = normHandle(kind, raw)
	default:
		return "", fmt.Errorf("normalize %q: %w", kind, ErrUnknownKind)
	}
	if err != nil {
		return "", fmt.Errorf("normalize %s: %w", kind, err)
	}
	return n, nil
}

// Validate reports why raw is not a valid identifier of kind (nil if it
// is). Phone numbers need a '+' here; use Normalize with a DefaultRegion
// for national numbers. Usernames are checked against the generic rules;
// use ValidateUsername for a platform's rules.
func Validate(kind Kind, raw string) error {
	_, err := Normalize(kind, raw, NormalizeOptions{})
	return err
}

// Key returns one stable key per identifier: kind ":" normalized, e.g.
// "phone:+12025550143", "email:alex@example.org".
func Key(kind Kind, normalized string) string { return string(kind) + ":" + normalized }

// Classify finds the kind of a single value (trying Kinds in order) and
// returns it with its normalized form.
func Classify(raw string, opt NormalizeOptions) (Kind, string, error) {
	raw = strings.TrimSpace(raw)
	for _, k := range Kinds {
		if k == KindPhone && !strings.HasPrefix(raw, "+") && opt.DefaultRegion == "" {
			continue
		}
		if k == KindUsername && !strings.HasPrefix(raw, "@") && !strings.Contains(raw, "#") {
			continue // bare words are not usernames
		}
		if k == KindTelegramID && !strings.HasPrefix(raw, "user") {
			continue // bare numbers are not taken for Telegram ids
		}
		if (k == KindPayPal || k == KindRevolut || k == KindVenmo) && !strings.Contains(raw, "/") ||
			k == KindCashApp && !strings.HasPrefix(raw, "$") && !strings.Contains(raw, "/") || k == KindBIC {
			continue // bare words are not handles; nor BICs ("FACEBOOK" has a BIC's shape)
		}
		if n, err := Normalize(k, raw, opt); err == nil {
			return k, n, nil
		}
	}
	return "", "", fmt.Errorf("classify %q: %w", raw, ErrNotIdentifier)
}

// IsKind reports whether k is one of Kinds.
func IsKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}
