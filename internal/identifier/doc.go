// Package identifier extracts, validates, normalises and attributes the
// identifiers found in chat exports, stealer logs and other seized text:
// phone numbers, e-mail addresses, usernames, URLs and domains, onion
// services, IP addresses, cryptocurrency addresses, bank accounts (IBAN,
// BIC), payment cards (masked), payment handles, platform user ids and
// device ids.
//
// The package is pure: bytes or an io.Reader in, values out.
//
// # Kinds and canonical forms
//
// Kind strings are a stable JSON contract.
//
//	phone        E.164 ("+12025550143"), via libphonenumber metadata
//	             (github.com/nyaruka/phonenumbers); national numbers need
//	             a default region
//	email        lower-case local part and IDNA (A-label) lower-case domain;
//	             +tags and dots are kept
//	username     lower-case, without '@'; legacy Discord tags keep "#1234".
//	             Identifier.Platform says telegram/discord/"" (generic)
//	url          scheme and host lower-case, host IDNA, default port dropped,
//	             empty http(s) path → "/"; path, query, fragment as written
//	domain       lower-case A-labels, no trailing dot
//	onion        the service label lower-case + ".onion" (sub-domains dropped);
//	             v3 checksum verified (SHA3-256), v2 syntax only
//	ipv4, ipv6   net/netip form (IPv6 RFC 5952 compressed, lower-case)
//	btc, ltc     Base58Check as written; Bech32/Bech32m lower-case
//	eth          EIP-55 checksummed. Mixed-case input must carry a correct
//	             checksum; all-lower/all-upper input has none and is
//	             accepted as valid but unverified
//	xmr          as written (CryptoNote Base58 + Keccak-256 checksum;
//	             mainnet standard, integrated and subaddress)
//	trx          as written (Base58Check, version 0x41)
//	ton          raw form "workchain:hex" lower-case; the user-friendly
//	             forms (EQ…/UQ…, base64 or base64url, CRC16 checked) map to
//	             it, so one account has one key whatever its flags
//	telegram_id  the number ("user1000000001" → "1000000001")
//	imei         15 digits, Luhn check digit verified
//	hwid         upper-case 32 hex digits, or an upper-case GUID
//	iban         upper-case, no spaces; the country's registered length and
//	             the mod-97 check digits verified; the country is its prefix
//	bic          upper-case, 8 or 11 characters as written; characters 5-6
//	             a country code
//	card         brand ":" last four digits ("visa:1111"): the Luhn digit
//	             and the brand's issuer prefix and length verified. The full
//	             number is never returned: Identifier.Value is the number as
//	             written with every digit but the last four replaced by '*'
//	             (same length and offset), Context is masked the same way,
//	             Platform is the brand
//	paypal, cashapp, revolut, venmo
//	             the handle lower-case, without '$' or '@'
//
// Key(kind, normalized) = kind + ":" + normalized is the one stable key of an
// identifier. The username key does not include the platform: the same
// handle on two platforms shares a key (Platform is kept on Identifier).
//
// Only mainnet addresses are accepted (testnet/stagenet versions and the
// tb/bcrt/tltc prefixes are rejected). TON's CRC16 is the weakest checksum
// here (1 in 65,536 random strings of the right shape and flags pass).
//
// # Extraction
//
// Extract makes one pass over the text, splitting it into
// whitespace-delimited tokens and recording which character classes each
// token holds. Only tokens with a cheap anchor — a digit, '@', '.', ':' or
// '+', or 25+ characters — are examined further, and validators (checksums,
// libphonenumber) run only on candidates of the right shape. There is no
// regular expression. Rules that keep look-alikes out:
//
//   - checksummed kinds (btc, ltc, trx, xmr, ton, eth mixed case, onion v3,
//     imei) are reported only when the checksum verifies;
//   - phone numbers need a leading '+', or a DefaultRegion and two or more
//     digit groups with separators; they must pass
//     phonenumbers.IsValidNumber. ':' never joins groups, so times are not
//     numbers. With '+', trailing groups that spoil the number are dropped
//     ("+1 202 555 0143 2024"). National candidates are stricter: the whole
//     run of groups must be the number, must not contain a date
//     (2024-01-15, 15.01.2024) or a dotted quad/version, must not mix '.'
//     with other separators, every group after the first has 2+ digits, and
//     the group boundaries must fall where libphonenumber's national format
//     puts them ("202 555 0143" yes, "2024 25 2024" no);
//   - bare domains need a known TLD (country codes and a list of generic
//     TLDs), a TLD not in mixed case, and, for two-label names, a TLD that is
//     not also a common file extension ("notes.md");
//   - imei and hwid are reported only after an "IMEI"/"HWID" label on the
//     same line (stealer logs print them so); elsewhere 15 digits and 32 hex
//     digits are far more often other numbers and hashes;
//   - legacy Discord name#1234 tags only with Platform "discord";
//   - a URL ends where a "URL:login:password" combo line goes on (the first
//     ':' after the authority that is not a port, or the first of two or
//     more ';'), so credentials never become part of a URL identifier;
//   - @mentions need 3+ characters with a letter (generic rules) or the
//     platform's rules when ExtractOptions.Platform is set; t.me/<name>,
//     telegram.me/<name> and tg://resolve?domain=<name> give Telegram
//     usernames (invite links t.me/+… and t.me/joinchat/… do not);
//   - a URL's host is not reported again as a domain, nor an e-mail's
//     domain; an onion URL also yields the onion identifier;
//   - an IBAN is written as one run or in groups of four separated by
//     single spaces, starts a word, has a registered country, its
//     country's length and valid check digits;
//   - a card number is written in groups (4-4-4-4, 4-4-4-4-1..3, 4-6-5,
//     4-6-4) with one kind of single separator, or as one run of 12 to 19
//     digits only after a card word ("card", "Visa", "Kreditkarte",
//     "tarjeta"…) on the same line; Luhn and the brand's prefix and
//     length must verify;
//   - a BIC only after a "BIC" or "SWIFT" word on the same line, written in
//     capitals (elsewhere "FACEBOOK" has a BIC's shape); Classify never
//     returns bic;
//   - a $cashtag starts with a letter and holds a lower-case letter, or
//     follows "Cash App" right before it ("$BTC" is a ticker, "$100" an
//     amount); Venmo and Revolut @names only after a "Venmo" or
//     "Revolut"/"revtag" word on the line (else they are usernames);
//     paypal.me/<name>, paypal.com/paypalme/<name>, cash.app/$<name>,
//     revolut.me/<name> and venmo.com/[u/]<name> links give the handle.
//     Classify takes handles only as links (or $cashtags): a bare word is
//     not a handle.
//
// ExtractReader gives the same results as Extract over a stream, reading 1
// MiB chunks cut at line ends (no identifier spans a line). Only a line
// longer than 4 MiB is cut elsewhere: at a space at least 4 KiB before the
// end of the buffer, so only an identifier inside such a run could be split.
//
// An address shape shared by two coins is reported once: Base58 "3…"
// addresses (P2SH, version 5) are reported as btc though Litecoin once used
// the same version. EVM chains share the eth form.
//
// # Attribution
//
// Attributor.Attribute turns signals (identifiers, stealer-log country
// fields, declared locations, time zones) into candidate countries. Each
// piece of evidence has a weight; the pieces for one country combine by
// noisy-OR, confidence = 1 − Π(1 − wᵢ). See docs/attribution.md for the
// weights. Confidences of different countries are independent and do not sum
// to one. An IBAN points to its country code, a BIC to its bank office's
// country, a Venmo name to the US and a $cashtag (weakly) to the US; cards,
// PayPal and Revolut names say nothing about a country. SignalKey takes an
// identifier key ("iban:DE89…") as stored, without classifying it again.
package identifier
