package cli

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const victimPasswords = "URL: https://forum.example.net/index.php\r\nUsername: blake_s\r\nPassword: Sample-Pass-1\r\nApplication: Google_[Chrome]_Default\r\n===============\r\n"

// zipCrypto writes a zip whose members are stored and encrypted with the
// traditional PKWARE cipher under password.
func zipCrypto(t *testing.T, path, password string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		var k [3]uint32
		k[0], k[1], k[2] = 0x12345678, 0x23456789, 0x34567890
		upd := func(c byte) {
			k[0] = crc32.IEEETable[byte(k[0])^c] ^ (k[0] >> 8)
			k[1] = (k[1]+(k[0]&0xff))*134775813 + 1
			k[2] = crc32.IEEETable[byte(k[2])^byte(k[1]>>24)] ^ (k[2] >> 8)
		}
		for i := range len(password) {
			upd(password[i])
		}
		crc := crc32.ChecksumIEEE([]byte(body))
		plain := append([]byte("0123456789a"), byte(crc>>24))
		plain = append(plain, body...)
		enc := make([]byte, len(plain))
		for i, p := range plain {
			tmp := k[2] | 2
			enc[i] = p ^ byte((tmp*(tmp^1))>>8)
			upd(p)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, Flags: 0x1, CRC32: crc,
			CompressedSize64: uint64(len(enc)), UncompressedSize64: uint64(len(body))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(enc)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStealerScanLosses: an archive encrypted without the right password,
// a corrupt archive and a file cut at the size cap are reported on stderr
// and exit 1, never a quiet "0 hits"; UTF-16 BE without a byte-order mark
// is decoded and its hits found.
func TestStealerScanLosses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	dir := t.TempDir()
	if _, e, code := run(t, db, "case", "create", "op"); code != 0 {
		t.Fatal(e)
	}
	wl := filepath.Join(dir, "wl.txt")
	os.WriteFile(wl, []byte("forum.example.net\n"), 0o644)
	enc := filepath.Join(dir, "logs.zip")
	zipCrypto(t, enc, "secret", map[string]string{
		"US[0A1B2C3D4E5F60718293A4B5C6D7E8F9] [2024-02-03T08_15_00.0000000]/Passwords.txt": victimPasswords,
	})
	out, e, code := run(t, db, "stealer", "scan", "--case", "op", "--watchlist", wl, enc)
	if code != ExitFailure || !strings.Contains(e, "unreadable") || !strings.Contains(e, "Passwords.txt") || !strings.Contains(e, "--password") {
		t.Fatalf("encrypted, no password: code %d\n%s\n%s", code, out, e)
	}
	out, e, code = run(t, db, "stealer", "scan", "--case", "op", "--watchlist", wl, "--password", "wrong", enc)
	if code != ExitFailure || !strings.Contains(e, "unreadable") {
		t.Fatalf("encrypted, wrong password: code %d\n%s\n%s", code, out, e)
	}
	out, e, code = run(t, db, "stealer", "scan", "--case", "op", "--watchlist", wl, "--password", "secret", enc)
	if code != 0 || !strings.Contains(out, "blake_s") {
		t.Fatalf("encrypted, right password: code %d\n%s\n%s", code, out, e)
	}

	corrupt := filepath.Join(dir, "corrupt.zip")
	b, _ := os.ReadFile(enc)
	os.WriteFile(corrupt, append([]byte("PK\x03\x04"), b[len(b)/2:]...), 0o644)
	if out, e, code := run(t, db, "stealer", "scan", "--case", "op", "--watchlist", wl, corrupt); code != ExitFailure || !strings.Contains(e, "scan incomplete") {
		t.Fatalf("corrupt archive: code %d\n%s\n%s", code, out, e)
	}

	// A ULP combo list in UTF-16 BE without a byte-order mark.
	ulp := filepath.Join(dir, "combo.txt")
	var be []byte
	for _, r := range "https://forum.example.net/login:blake_s:pw1\nhttps://other.example.org/:x:y\n" {
		be = append(be, byte(r>>8), byte(r))
	}
	os.WriteFile(ulp, be, 0o644)
	out, e, code = run(t, db, "stealer", "scan", "--case", "op", "--watchlist", wl, ulp)
	if code != 0 || !strings.Contains(out, "1 hit machine(s)/login(s)") || !strings.Contains(e, "utf-16be") {
		t.Fatalf("utf-16be ULP: code %d\n%s\n%s", code, out, e)
	}
}
