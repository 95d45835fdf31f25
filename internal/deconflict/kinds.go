package deconflict

// Kinds are the identifier kinds deconfliction matches on: phones,
// e-mail addresses, platform accounts (usernames, Telegram ids), wallets
// and device ids. Hosts, URLs and IP addresses are left out: shared
// infrastructure would match everywhere. Media files match as MediaKind.
var Kinds = []string{"btc", "email", "eth", "hwid", "imei", "ltc", "phone", "telegram_id", "ton", "trx", "username", "xmr"}

// MediaKind names media files (their SHA-256, key "sha256:<hex>").
const MediaKind = "media"
