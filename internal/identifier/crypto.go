package identifier

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Validators for cryptocurrency addresses. Each returns the canonical form
// (see the package documentation) or an error saying why the address is not
// valid.

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func normBTC(s string) (string, error) {
	if hasPrefixFold(s, "bc1") {
		if err := segwitDecode(s, "bc"); err != nil {
			return "", fmt.Errorf("bitcoin bech32: %w", err)
		}
		return strings.ToLower(s), nil
	}
	if len(s) < 26 || len(s) > 35 {
		return "", fmt.Errorf("bitcoin base58: %w", errLength)
	}
	p, err := base58CheckDecode(s)
	if err != nil {
		return "", fmt.Errorf("bitcoin base58check: %w", err)
	}
	if len(p) != 21 || (p[0] != 0x00 && p[0] != 0x05) {
		return "", fmt.Errorf("bitcoin base58check: %w", errVersion)
	}
	return s, nil
}

func normLTC(s string) (string, error) {
	if hasPrefixFold(s, "ltc1") {
		if err := segwitDecode(s, "ltc"); err != nil {
			return "", fmt.Errorf("litecoin bech32: %w", err)
		}
		return strings.ToLower(s), nil
	}
	if len(s) < 26 || len(s) > 35 {
		return "", fmt.Errorf("litecoin base58: %w", errLength)
	}
	p, err := base58CheckDecode(s)
	if err != nil {
		return "", fmt.Errorf("litecoin base58check: %w", err)
	}
	// 0x30 = L (P2PKH), 0x32 = M (P2SH), 0x05 = legacy 3 P2SH (shared with
	// Bitcoin; Extract reports such addresses as btc).
	if len(p) != 21 || (p[0] != 0x30 && p[0] != 0x32 && p[0] != 0x05) {
		return "", fmt.Errorf("litecoin base58check: %w", errVersion)
	}
	return s, nil
}

func normTRX(s string) (string, error) {
	if len(s) != 34 {
		return "", fmt.Errorf("tron base58: %w", errLength)
	}
	p, err := base58CheckDecode(s)
	if err != nil {
		return "", fmt.Errorf("tron base58check: %w", err)
	}
	if len(p) != 21 || p[0] != 0x41 {
		return "", fmt.Errorf("tron base58check: %w", errVersion)
	}
	return s, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if hexVal[s[i]] < 0 {
			return false
		}
	}
	return true
}

var hexVal = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = int8(c - 'a' + 10)
		t[c-'a'+'A'] = int8(c - 'a' + 10)
	}
	return t
}()

// eip55 returns the EIP-55 checksummed form of a 40-hex-digit address,
// built in one buffer: one allocation, the result.
func eip55(hex40 string) string {
	var out [42]byte
	out[0], out[1] = '0', 'x'
	lower := out[2:]
	for i := range lower {
		c := hex40[i]
		if 'A' <= c && c <= 'F' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	h := keccak256(lower)
	for i, c := range lower {
		if c >= 'a' && c <= 'f' {
			nib := h[i/2]
			if i%2 == 0 {
				nib >>= 4
			}
			if nib&0xf >= 8 {
				lower[i] = c - 'a' + 'A'
			}
		}
	}
	return string(out[:])
}

// normETH accepts 0x + 40 hex digits. Mixed case must carry a correct
// EIP-55 checksum; all-lower or all-upper addresses carry no checksum and are
// accepted as valid but unverifiable. The canonical form is EIP-55.
func normETH(s string) (string, error) {
	if len(s) != 42 || (s[:2] != "0x" && s[:2] != "0X") {
		return "", fmt.Errorf("ethereum: %w", errLength)
	}
	h := s[2:]
	if !isHex(h) {
		return "", fmt.Errorf("ethereum: %w", errCharset)
	}
	sum := eip55(h)
	if strings.ContainsAny(h, "abcdef") && strings.ContainsAny(h, "ABCDEF") && h != sum[2:] {
		return "", fmt.Errorf("ethereum: eip-55 %w", errChecksum)
	}
	return sum, nil
}

// normXMR validates a Monero mainnet address: standard (netbyte 18, 95
// characters), integrated (19, 106) or subaddress (42, 95). Checksum: the
// first 4 bytes of Keccak-256 over the preceding bytes.
func normXMR(s string) (string, error) {
	if len(s) != 95 && len(s) != 106 {
		return "", fmt.Errorf("monero: %w", errLength)
	}
	b, err := moneroBase58Decode(s)
	if err != nil {
		return "", fmt.Errorf("monero base58: %w", err)
	}
	if len(b) < 5 {
		return "", fmt.Errorf("monero: %w", errLength)
	}
	body := b[:len(b)-4]
	h := keccak256(body)
	if [4]byte(h[:4]) != [4]byte(b[len(b)-4:]) {
		return "", fmt.Errorf("monero: %w", errChecksum)
	}
	switch {
	case (body[0] == 18 || body[0] == 42) && len(body) == 65:
	case body[0] == 19 && len(body) == 73:
	default:
		return "", fmt.Errorf("monero: %w", errVersion)
	}
	return s, nil
}

// tonFriendly decodes a 48-character user-friendly TON address and returns
// its raw form.
func tonFriendly(s string) (string, error) {
	if len(s) != 48 {
		return "", fmt.Errorf("ton: %w", errLength)
	}
	b, err := decodeBase64Either(s)
	if err != nil || len(b) != 36 {
		return "", fmt.Errorf("ton base64: %w", errCharset)
	}
	if crc16XModem(b[:34]) != uint16(b[34])<<8|uint16(b[35]) {
		return "", fmt.Errorf("ton: crc16 %w", errChecksum)
	}
	switch b[0] {
	case 0x11, 0x51: // bounceable, non-bounceable; |0x80 (testnet) is rejected
	default:
		return "", fmt.Errorf("ton flags %#x: %w", b[0], errVersion)
	}
	return strconv.Itoa(int(int8(b[1]))) + ":" + hex.EncodeToString(b[2:34]), nil
}

// normTON accepts the user-friendly form (base64 or base64url, 48
// characters, CRC16) and the raw form workchain:64-hex. The canonical form
// is raw with lower-case hex, so EQ…/UQ…/raw spellings of one account share a
// key; the bounceable and testnet flags are not kept.
func normTON(s string) (string, error) {
	if i := strings.IndexByte(s, ':'); i > 0 {
		wc, err := strconv.Atoi(s[:i])
		if err != nil || wc < -128 || wc > 127 || (s[0] == '+') {
			return "", errors.New("ton raw: bad workchain")
		}
		h := s[i+1:]
		if len(h) != 64 || !isHex(h) {
			return "", fmt.Errorf("ton raw: %w", errLength)
		}
		return strconv.Itoa(wc) + ":" + strings.ToLower(h), nil
	}
	return tonFriendly(s)
}
