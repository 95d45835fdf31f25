package identifier

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// Test-only encoders: they build synthetic addresses from sequential-byte
// payloads (no key is known for any of them) so every address kind has
// valid and corrupted cases beyond the shared fixture.

func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	digits := []byte{}
	for _, c := range b {
		carry := int(c)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := strings.Repeat("1", zeros)
	for i := len(digits) - 1; i >= 0; i-- {
		out += string(base58Alphabet[digits[i]])
	}
	return out
}

func base58CheckEncode(version byte, payload []byte) string {
	p := append([]byte{version}, payload...)
	h1 := sha256.Sum256(p)
	h2 := sha256.Sum256(h1[:])
	return base58Encode(append(p, h2[:4]...))
}

func moneroEncode(b []byte) string {
	var out strings.Builder
	for len(b) > 0 {
		n := min(8, len(b))
		var v uint64
		for _, c := range b[:n] {
			v = v<<8 | uint64(c)
		}
		size := moneroEncodedBlockSizes[n]
		blk := make([]byte, size)
		for i := size - 1; i >= 0; i-- {
			blk[i] = base58Alphabet[v%58]
			v /= 58
		}
		out.Write(blk)
		b = b[n:]
	}
	return out.String()
}

func moneroAddress(netbyte byte, extra int) string {
	body := []byte{netbyte}
	for i := 0; i < 64+extra; i++ {
		body = append(body, byte(i+1))
	}
	h := keccak256(body)
	return moneroEncode(append(body, h[:4]...))
}

func segwitEncode(hrp string, version byte, prog []byte, m bool) string {
	data := []byte{version}
	var acc, nbits uint32
	for _, b := range prog {
		acc = acc<<8 | uint32(b)
		nbits += 8
		for nbits >= 5 {
			nbits -= 5
			data = append(data, byte(acc>>nbits)&31)
		}
	}
	if nbits > 0 {
		data = append(data, byte(acc<<(5-nbits))&31)
	}
	values := []byte{}
	for _, c := range []byte(hrp) {
		values = append(values, c>>5)
	}
	values = append(values, 0)
	for _, c := range []byte(hrp) {
		values = append(values, c&31)
	}
	values = append(values, data...)
	values = append(values, 0, 0, 0, 0, 0, 0)
	constant := uint32(bech32Const)
	if m {
		constant = bech32mConst
	}
	pm := bech32Polymod(values) ^ constant
	for i := 0; i < 6; i++ {
		data = append(data, byte(pm>>(5*(5-i)))&31)
	}
	out := hrp + "1"
	for _, d := range data {
		out += string(bech32Charset[d])
	}
	return out
}

func seq(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

func corrupt(s string) string {
	i := len(s) - 3
	c := s[i]
	r := byte('2')
	if c == '2' {
		r = '3'
	}
	return s[:i] + string(r) + s[i+1:]
}

func TestSyntheticAddresses(t *testing.T) {
	tonBody := append([]byte{0x11, 0xff}, seq(32, 0x51)...) // bounceable masterchain
	crc := crc16XModem(tonBody)
	tonMaster := base64.URLEncoding.EncodeToString(append(tonBody, byte(crc>>8), byte(crc)))
	stdBody := append([]byte{0x51, 0x00}, seq(32, 0xe0)...) // non-bounceable; bytes ≥ 0xf8 give '+' and '/'
	crc = crc16XModem(stdBody)
	tonStd := base64.StdEncoding.EncodeToString(append(stdBody, byte(crc>>8), byte(crc)))
	if !strings.ContainsAny(tonStd, "+/") {
		t.Fatalf("test vector %s lacks the standard alphabet", tonStd)
	}
	badFlags := append([]byte{0x00, 0x00}, seq(32, 1)...)
	crc = crc16XModem(badFlags)
	tonBadFlags := base64.URLEncoding.EncodeToString(append(badFlags, byte(crc>>8), byte(crc)))
	if Validate(KindTON, tonBadFlags) == nil {
		t.Errorf("TON with flags 0x00 accepted: %s", tonBadFlags)
	}
	tests := []struct {
		kind Kind
		addr string
	}{
		{KindBTC, base58CheckEncode(0x00, seq(20, 1))},
		{KindBTC, base58CheckEncode(0x05, seq(20, 2))},
		{KindBTC, segwitEncode("bc", 0, seq(32, 3), false)}, // P2WSH
		{KindLTC, base58CheckEncode(0x30, seq(20, 4))},
		{KindLTC, base58CheckEncode(0x32, seq(20, 5))},
		{KindLTC, segwitEncode("ltc", 0, seq(20, 6), false)},
		{KindLTC, segwitEncode("ltc", 1, seq(32, 7), true)},
		{KindTRX, base58CheckEncode(0x41, seq(20, 8))},
		{KindXMR, moneroAddress(18, 0)},
		{KindXMR, moneroAddress(42, 0)},
		{KindXMR, moneroAddress(19, 8)}, // integrated: 106 characters
		{KindTON, tonMaster},
		{KindTON, tonStd},
	}
	for _, tt := range tests {
		if err := Validate(tt.kind, tt.addr); err != nil {
			t.Errorf("%s %s: %v", tt.kind, tt.addr, err)
			continue
		}
		ids := Extract([]byte("pay "+tt.addr+" now"), ExtractOptions{})
		if len(ids) != 1 || ids[0].Kind != tt.kind || ids[0].Value != tt.addr {
			t.Errorf("Extract %s %s: %+v", tt.kind, tt.addr, ids)
		}
		bad := corrupt(tt.addr)
		if Validate(tt.kind, bad) == nil {
			t.Errorf("%s corrupted %s accepted", tt.kind, bad)
		}
		if ids := Extract([]byte(bad), ExtractOptions{}); len(ids) != 0 {
			t.Errorf("corrupted %s extracted: %+v", bad, ids)
		}
	}
	if n, err := Normalize(KindTON, tonMaster, NormalizeOptions{}); err != nil || n != "-1:"+hex.EncodeToString(seq(32, 0x51)) {
		t.Errorf("masterchain TON: %q %v", n, err)
	}
	// Wrong network or version.
	for kind, addr := range map[Kind]string{
		KindBTC: base58CheckEncode(0x6f, seq(20, 1)), // testnet
		KindLTC: base58CheckEncode(0x00, seq(20, 1)), // a BTC version
		KindTRX: base58CheckEncode(0x00, seq(20, 1)),
		KindXMR: moneroAddress(53, 0), // testnet
	} {
		if Validate(kind, addr) == nil {
			t.Errorf("%s %s: wrong version accepted", kind, addr)
		}
	}
	if Validate(KindBTC, segwitEncode("bc", 0, seq(25, 1), false)) == nil {
		t.Error("v0 program of 25 bytes accepted")
	}
	if Validate(KindBTC, segwitEncode("bc", 1, seq(32, 1), false)) == nil {
		t.Error("v1 with bech32 (not bech32m) accepted")
	}
	if Validate(KindBTC, segwitEncode("bc", 0, seq(20, 1), true)) == nil {
		t.Error("v0 with bech32m accepted")
	}
	if Validate(KindBTC, segwitEncode("tb", 0, seq(20, 1), false)) == nil {
		t.Error("testnet bech32 accepted as btc")
	}
}
