package identifier

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/bits"
)

// Encodings and checksums used by the cryptocurrency address kinds:
// Base58 and Base58Check, CryptoNote (Monero) block Base58, Bech32 and
// Bech32m, and CRC16-XMODEM. All decoders are bounded by their callers
// (addresses are at most a few hundred characters).

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

var (
	errCharset  = errors.New("character outside the alphabet")
	errChecksum = errors.New("checksum mismatch")
	errLength   = errors.New("wrong length")
	errVersion  = errors.New("unknown version or prefix")
	errCase     = errors.New("mixed case")
	errPadding  = errors.New("non-zero padding")
	errOverflow = errors.New("block overflow")
)

// base58Decode decodes a Bitcoin-alphabet Base58 string (big-number form).
func base58Decode(s string) ([]byte, error) {
	if len(s) == 0 || len(s) > 128 {
		return nil, errLength
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) ≈ 0.733
	buf := make([]byte, len(s)*733/1000+1)
	for i := 0; i < len(s); i++ {
		v := base58Index[s[i]]
		if v < 0 {
			return nil, errCharset
		}
		carry := int(v)
		for j := len(buf) - 1; j >= 0; j-- {
			carry += 58 * int(buf[j])
			buf[j] = byte(carry)
			carry >>= 8
		}
		if carry != 0 {
			return nil, errOverflow
		}
	}
	k := 0
	for k < len(buf) && buf[k] == 0 {
		k++
	}
	out := make([]byte, zeros+len(buf)-k)
	copy(out[zeros:], buf[k:])
	return out, nil
}

// base58CheckDecode decodes Base58Check: payload ‖ first 4 bytes of
// SHA-256(SHA-256(payload)). It returns the payload (version byte included).
func base58CheckDecode(s string) ([]byte, error) {
	b, err := base58Decode(s)
	if err != nil {
		return nil, err
	}
	if len(b) < 5 {
		return nil, errLength
	}
	p := b[:len(b)-4]
	h1 := sha256.Sum256(p)
	h2 := sha256.Sum256(h1[:])
	if [4]byte(h2[:4]) != [4]byte(b[len(b)-4:]) {
		return nil, errChecksum
	}
	return p, nil
}

// moneroEncodedBlockSizes maps a decoded block size (index) to its encoded
// size in characters.
var moneroEncodedBlockSizes = [9]int{0, 2, 3, 5, 6, 7, 9, 10, 11}

// moneroBase58Decode decodes CryptoNote Base58: 8-byte blocks encoded as 11
// characters each, the last partial block per moneroEncodedBlockSizes.
func moneroBase58Decode(s string) ([]byte, error) {
	if len(s) > 256 {
		return nil, errLength
	}
	full := len(s) / 11
	rest := len(s) % 11
	lastSize := -1
	for i, n := range moneroEncodedBlockSizes {
		if n == rest {
			lastSize = i
		}
	}
	if lastSize < 0 {
		return nil, errLength
	}
	out := make([]byte, 0, full*8+lastSize)
	decodeBlock := func(blk string, size int) error {
		var v uint64
		for i := 0; i < len(blk); i++ {
			d := base58Index[blk[i]]
			if d < 0 {
				return errCharset
			}
			hi, lo := bits.Mul64(v, 58)
			if hi != 0 {
				return errOverflow
			}
			lo2, c := bits.Add64(lo, uint64(d), 0)
			if c != 0 {
				return errOverflow
			}
			v = lo2
		}
		if size < 8 && v>>(8*uint(size)) != 0 {
			return errOverflow
		}
		for i := size - 1; i >= 0; i-- {
			out = append(out, byte(v>>(8*uint(i))))
		}
		return nil
	}
	for i := 0; i < full; i++ {
		if err := decodeBlock(s[i*11:i*11+11], 8); err != nil {
			return nil, err
		}
	}
	if rest > 0 {
		if err := decodeBlock(s[full*11:], lastSize); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

var bech32Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(bech32Charset); i++ {
		c := bech32Charset[i]
		t[c] = int8(i)
		if c >= 'a' && c <= 'z' {
			t[c-'a'+'A'] = int8(i)
		}
	}
	return t
}()

const (
	bech32Const  = 1
	bech32mConst = 0x2bc830a3
)

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := 0; i < 5; i++ {
			if (top>>uint(i))&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

// bech32Decode decodes a Bech32 or Bech32m string. It returns the lower-case
// hrp, the 5-bit data without the checksum and the checksum constant that
// matched (bech32Const or bech32mConst).
func bech32Decode(s string) (hrp string, data []byte, constant uint32, err error) {
	if len(s) < 8 || len(s) > 90 {
		return "", nil, 0, errLength
	}
	lower, upper := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 {
			return "", nil, 0, errCharset
		}
		if c >= 'a' && c <= 'z' {
			lower = true
		}
		if c >= 'A' && c <= 'Z' {
			upper = true
		}
	}
	if lower && upper {
		return "", nil, 0, errCase
	}
	sep := -1
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '1' {
			sep = i
			break
		}
	}
	if sep < 1 || sep+7 > len(s) {
		return "", nil, 0, errLength
	}
	hb := []byte(s[:sep])
	for i, c := range hb {
		if c >= 'A' && c <= 'Z' {
			hb[i] = c + 'a' - 'A'
		}
	}
	values := make([]byte, 0, 2*len(hb)+1+len(s)-sep-1)
	for _, c := range hb {
		values = append(values, c>>5)
	}
	values = append(values, 0)
	for _, c := range hb {
		values = append(values, c&31)
	}
	data = make([]byte, 0, len(s)-sep-1)
	for i := sep + 1; i < len(s); i++ {
		v := bech32Index[s[i]]
		if v < 0 {
			return "", nil, 0, errCharset
		}
		data = append(data, byte(v))
	}
	values = append(values, data...)
	switch pm := bech32Polymod(values); pm {
	case bech32Const, bech32mConst:
		constant = pm
	default:
		return "", nil, 0, errChecksum
	}
	return string(hb), data[:len(data)-6], constant, nil
}

// convertBits regroups 5-bit values into bytes, rejecting non-zero or
// oversized padding.
func convertBits5to8(data []byte) ([]byte, error) {
	var acc uint32
	nbits := 0
	out := make([]byte, 0, len(data)*5/8)
	for _, v := range data {
		acc = acc<<5 | uint32(v)
		nbits += 5
		if nbits >= 8 {
			nbits -= 8
			out = append(out, byte(acc>>uint(nbits)))
		}
	}
	if nbits >= 5 || acc&(1<<uint(nbits)-1) != 0 {
		return nil, errPadding
	}
	return out, nil
}

// segwitDecode validates a segwit address for hrp (BIP-173 and BIP-350).
func segwitDecode(s, wantHRP string) error {
	hrp, data, constant, err := bech32Decode(s)
	if err != nil {
		return err
	}
	if hrp != wantHRP {
		return errVersion
	}
	if len(data) < 1 {
		return errLength
	}
	ver := data[0]
	if ver > 16 {
		return errVersion
	}
	prog, err := convertBits5to8(data[1:])
	if err != nil {
		return err
	}
	if len(prog) < 2 || len(prog) > 40 {
		return errLength
	}
	if ver == 0 {
		if constant != bech32Const {
			return errors.New("witness v0 needs a bech32 checksum")
		}
		if len(prog) != 20 && len(prog) != 32 {
			return errLength
		}
	} else if constant != bech32mConst {
		return errors.New("witness v1+ needs a bech32m checksum")
	}
	return nil
}

// crc16XModem is CRC-16/XMODEM (poly 0x1021, init 0), used by TON.
func crc16XModem(data []byte) uint16 {
	var crc uint16
	for _, b := range data {
		crc ^= uint16(b) << 8
		for i := 0; i < 8; i++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// decodeBase64Either decodes standard or URL-safe base64 (no mixing of the
// two alphabets' special characters), without padding.
func decodeBase64Either(s string) ([]byte, error) {
	std, url := false, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '+', '/':
			std = true
		case '-', '_':
			url = true
		}
	}
	if std && url {
		return nil, errCharset
	}
	if std {
		return base64.RawStdEncoding.Strict().DecodeString(s)
	}
	return base64.RawURLEncoding.Strict().DecodeString(s)
}
