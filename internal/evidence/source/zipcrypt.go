package source

import (
	"archive/zip"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

// This file decrypts zip members: the traditional PKWARE stream cipher
// (APPNOTE 6.1) and WinZip AES (AE-1/AE-2, extra field 0x9901), written
// from the published specifications.

func crc32Update(crc uint32, p []byte) uint32 { return crc32.Update(crc, crc32.IEEETable, p) }

// crcByte is the raw CRC-32 step the PKWARE cipher uses (no inversion).
func crcByte(crc uint32, b byte) uint32 {
	return crc32.IEEETable[byte(crc)^b] ^ crc>>8
}

type zipCryptoKeys [3]uint32

func newZipCryptoKeys(password string) *zipCryptoKeys {
	k := &zipCryptoKeys{0x12345678, 0x23456789, 0x34567890}
	for i := 0; i < len(password); i++ {
		k.update(password[i])
	}
	return k
}

func (k *zipCryptoKeys) update(b byte) {
	k[0] = crcByte(k[0], b)
	k[1] = (k[1]+k[0]&0xff)*134775813 + 1
	k[2] = crcByte(k[2], byte(k[1]>>24))
}

func (k *zipCryptoKeys) decrypt(p []byte) {
	for i, c := range p {
		t := k[2] | 2
		b := c ^ byte((t*(t^1))>>8)
		k.update(b)
		p[i] = b
	}
}

// zipCryptoCheck decrypts the 12-byte encryption header and compares its
// last byte with the CRC's high byte (or the DOS time's high byte when a
// data descriptor follows). One wrong password in 256 passes this test;
// the CRC check at the end catches it.
func zipCryptoCheck(f *zip.File, password string) bool {
	raw, err := f.OpenRaw()
	if err != nil {
		return false
	}
	var hdr [12]byte
	if _, err := io.ReadFull(raw, hdr[:]); err != nil {
		return false
	}
	newZipCryptoKeys(password).decrypt(hdr[:])
	want := byte(f.CRC32 >> 24)
	if f.Flags&0x8 != 0 {
		want = byte(f.ModifiedTime >> 8)
	}
	return hdr[11] == want
}

type zipCryptoReader struct {
	r io.Reader
	k *zipCryptoKeys
}

func (z *zipCryptoReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.k.decrypt(p[:n])
	return n, err
}

func zipCryptoDecrypt(raw io.Reader, password string) (io.Reader, error) {
	k := newZipCryptoKeys(password)
	var hdr [12]byte
	if _, err := io.ReadFull(raw, hdr[:]); err != nil {
		return nil, fmt.Errorf("encryption header: %w", err)
	}
	k.decrypt(hdr[:])
	return &zipCryptoReader{r: raw, k: k}, nil
}

// winzipAES is the content of a 0x9901 extra field.
type winzipAES struct {
	version uint16 // 1 (AE-1, CRC kept) or 2 (AE-2, CRC zero)
	keyLen  int    // 16, 24 or 32
	method  uint16 // the real compression method
	// Keys derived by a successful check.
	encKey, macKey []byte
}

func parseAESExtra(f *zip.File) (*winzipAES, bool, error) {
	if f.Method != 99 {
		return nil, false, nil
	}
	ex := f.Extra
	for len(ex) >= 4 {
		id, n := binary.LittleEndian.Uint16(ex), int(binary.LittleEndian.Uint16(ex[2:]))
		if 4+n > len(ex) {
			break
		}
		if id == 0x9901 && n >= 7 {
			d := ex[4 : 4+n]
			a := &winzipAES{version: binary.LittleEndian.Uint16(d), method: binary.LittleEndian.Uint16(d[5:])}
			switch d[4] {
			case 1:
				a.keyLen = 16
			case 2:
				a.keyLen = 24
			case 3:
				a.keyLen = 32
			default:
				return nil, true, fmt.Errorf("winzip aes: unknown strength %d", d[4])
			}
			return a, true, nil
		}
		ex = ex[4+n:]
	}
	return nil, true, errors.New("winzip aes: method 99 without a 0x9901 extra field")
}

// keys derives the AES key, the HMAC key and the 2-byte verifier.
func (a *winzipAES) keys(salt []byte, password string) (enc, mac, verify []byte) {
	dk, err := pbkdf2.Key(sha1.New, password, salt, 1000, 2*a.keyLen+2)
	if err != nil {
		return nil, nil, nil
	}
	return dk[:a.keyLen], dk[a.keyLen : 2*a.keyLen], dk[2*a.keyLen:]
}

// check derives the keys for password (PBKDF2, the costly part) and
// keeps them when the verifier matches.
func (a *winzipAES) check(f *zip.File, password string) bool {
	raw, err := f.OpenRaw()
	if err != nil {
		return false
	}
	hdr := make([]byte, a.keyLen/2+2)
	if _, err := io.ReadFull(raw, hdr); err != nil {
		return false
	}
	enc, mac, v := a.keys(hdr[:a.keyLen/2], password)
	if v == nil || !hmac.Equal(v, hdr[a.keyLen/2:]) {
		return false
	}
	a.encKey, a.macKey = enc, mac
	return true
}

// decrypt returns the plaintext (still compressed) of a member whose
// password check passed.
func (a *winzipAES) decrypt(raw io.Reader, compressed int64) (io.Reader, error) {
	saltLen := a.keyLen / 2
	overhead := int64(saltLen + 2 + 10)
	if compressed < overhead {
		return nil, errors.New("winzip aes: member shorter than its headers")
	}
	hdr := make([]byte, saltLen+2)
	if _, err := io.ReadFull(raw, hdr); err != nil {
		return nil, fmt.Errorf("winzip aes header: %w", err)
	}
	block, err := aes.NewCipher(a.encKey)
	if err != nil {
		return nil, err
	}
	return &aesCTRReader{
		r:     io.LimitReader(raw, compressed-overhead),
		trail: raw,
		block: block,
		mac:   hmac.New(sha1.New, a.macKey),
		ctr:   1,
	}, nil
}

// aesCTRReader decrypts WinZip's AES-CTR (little-endian counter from 1)
// and checks the 10-byte HMAC-SHA1 authentication code at the end.
type aesCTRReader struct {
	r, trail io.Reader
	block    cipher.Block
	mac      hash.Hash
	ctr      uint64
	ks       [16]byte
	ksUsed   int // bytes of ks consumed; 16 means empty
	started  bool
}

func (a *aesCTRReader) Read(p []byte) (int, error) {
	if !a.started {
		a.ksUsed = 16
		a.started = true
	}
	n, err := a.r.Read(p)
	a.mac.Write(p[:n])
	for i := 0; i < n; i++ {
		if a.ksUsed == 16 {
			var cb [16]byte
			binary.LittleEndian.PutUint64(cb[:], a.ctr)
			a.ctr++
			a.block.Encrypt(a.ks[:], cb[:])
			a.ksUsed = 0
		}
		p[i] ^= a.ks[a.ksUsed]
		a.ksUsed++
	}
	if errors.Is(err, io.EOF) {
		var code [10]byte
		if _, rerr := io.ReadFull(a.trail, code[:]); rerr != nil {
			return n, fmt.Errorf("winzip aes: authentication code: %w", rerr)
		}
		if !hmac.Equal(a.mac.Sum(nil)[:10], code[:]) {
			return n, errors.New("winzip aes: authentication failed (wrong password or damaged data)")
		}
	}
	return n, err
}
