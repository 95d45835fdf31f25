package deconflict

// Kinds are the identifier kinds deconfliction matches on: phones,
// e-mail addresses, platform accounts (usernames, Telegram ids), wallets,
// bank accounts (IBANs), payment handles (PayPal.me, Cash App, Revolut,
// Venmo) and device ids. Tokens are made from identifier keys as the
// identifier package normalises them (an IBAN upper-case without spaces,
// a handle lower-case without its sigil or link), so two hubs that wrote
// the same account differently still match. Hosts, URLs and IP addresses
// are left out: shared infrastructure would match everywhere; so are a
// card's last four digits and a bank's BIC, which many people share.
// Media files match as MediaKind. Sorted.
var Kinds = []string{"btc", "cashapp", "email", "eth", "hwid", "iban", "imei", "ltc", "paypal", "phone", "revolut", "telegram_id", "ton", "trx",
	"username", "venmo", "xmr"}

// MediaKind names media files (their SHA-256, key "sha256:<hex>").
const MediaKind = "media"
