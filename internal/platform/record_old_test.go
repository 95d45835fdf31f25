package platform

// The mapping as it read rows before the per-table plans and fast paths
// (record.go): a frozen copy that the differential test
// (record_diff_test.go) holds the current Record to, value for value and
// error for error. Change it only to follow a deliberate change of what
// Record returns.

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/platform/dump"
)

func oldRecord(m *Mapping, row *dump.Row) (rec Record, problems []error, err error) {
	t := m.Tables[row.Table]
	if t == nil {
		return rec, nil, ErrFiltered
	}
	for col, want := range t.Filter {
		v, _ := row.Get(col)
		if string(v.B) != want || v.Null {
			return rec, nil, ErrFiltered
		}
	}
	rec = Record{Entity: t.Entity, Table: row.Table, Line: row.Line}
	get := func(prop string) (string, string, bool) { return oldText(m, t, row, prop, &problems) }
	set := func(prop string, dst *string) { *dst, _, _ = get(prop) }
	for _, p := range []struct {
		prop string
		dst  *string
	}{{"username", &rec.Username}, {"display_name", &rec.DisplayName}, {"role", &rec.Role}, {"user_agent", &rec.UserAgent},
		{"name", &rec.Name}, {"txid", &rec.TxID}, {"currency", &rec.Currency}, {"upload", &rec.Upload}} {
		set(p.prop, p.dst)
	}
	if t.Entity == EntityPayment {
		set("payee", &rec.Other)
	} else {
		set("to", &rec.Other)
	}
	switch t.Entity {
	case EntityUser:
		set("id", &rec.User)
	case EntityMessage:
		set("from", &rec.User)
	default:
		set("user", &rec.User)
		set("id", &rec.ID)
	}
	if rec.User == "" && t.Entity != EntityPayment {
		return rec, problems, &ColumnError{Column: t.Properties[oldRequired(t.Entity)].Column, Err: errors.New("no user: the row names nobody")}
	}
	if v, col, ok := get("email"); ok {
		if n, err := identifier.Normalize(identifier.KindEmail, v, identifier.NormalizeOptions{}); err == nil {
			rec.Email = n
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("e-mail %q: %v", oldClip(v), err)})
		}
	}
	if v, col, ok := get("phone"); ok {
		if n, err := identifier.Normalize(identifier.KindPhone, v, identifier.NormalizeOptions{DefaultRegion: m.PhoneRegion}); err == nil {
			rec.Phone = n
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("phone %q: %v", oldClip(v), err)})
		}
	}
	if v, col, ok := get("country"); ok {
		if cc, ok := identifier.ParseCountry(v); ok {
			rec.Country = cc
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("country %q not understood", oldClip(v))})
		}
	}
	if f, ok := t.Properties["ip"]; ok {
		if ip, err := oldIP(m, f, row); err != nil {
			problems = append(problems, &ColumnError{f.Column, err})
		} else if ip != "" {
			// The text the old reading gave, as the address Record now gives.
			rec.IP = netip.MustParseAddr(ip)
		}
	}
	for _, prop := range []string{"time", "created"} {
		if f, ok := t.Properties[prop]; ok {
			if tm, err := oldTime(m, f, row); err != nil {
				problems = append(problems, &ColumnError{f.Column, err})
			} else if !tm.IsZero() {
				rec.Time = tm
			}
		}
	}
	for _, h := range []struct {
		prop string
		n    int
		dst  *string
	}{{"sha256", 32, &rec.SHA256}, {"sha1", 20, &rec.SHA1}, {"md5", 16, &rec.MD5}} {
		if f, ok := t.Properties[h.prop]; ok {
			if v, err := oldHashValue(f, row, h.n); err != nil {
				problems = append(problems, &ColumnError{f.Column, err})
			} else {
				*h.dst = v
			}
		}
	}
	if v, col, ok := get("size"); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			rec.Size = n
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("size %q is not a byte count", oldClip(v))})
		}
	}
	if v, col, ok := get("amount"); ok {
		if oldIsDecimal(v) {
			rec.Amount = v
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("amount %q is not a decimal number", oldClip(v))})
		}
	}
	set("chain", &rec.Chain)
	rec.Chain = strings.ToUpper(rec.Chain)
	for _, prop := range []string{"address", "wallet"} {
		if v, col, ok := get(prop); ok {
			if key, err := oldWalletKey(rec.Chain, v); err == nil {
				rec.Address = key
			} else {
				problems = append(problems, &ColumnError{col, err})
			}
		}
	}
	if (t.Entity == EntityDeposit) && rec.Address == "" {
		return rec, problems, &ColumnError{Column: t.Properties["address"].Column, Err: errors.New("no valid address")}
	}
	if (t.Entity == EntityUpload || t.Entity == EntityDownload || t.Entity == EntityView) && rec.SHA256+rec.SHA1+rec.MD5+rec.Upload == "" {
		return rec, problems, &ColumnError{Column: t.Properties[oldFirstOf(t, "sha256", "sha1", "md5", "upload")].Column, Err: errors.New("no file hash and no upload")}
	}
	if t.Entity == EntityPayment && rec.User == "" && rec.Address == "" {
		return rec, problems, &ColumnError{Column: t.Properties["user"].Column, Err: errors.New("no payer and no address")}
	}
	if key := oldFirstOf(t, "id"); key != "" && rec.ID+rec.User != "" && t.Entity != EntityLogin && t.Entity != EntityMessage && t.Entity != EntityPayment {
		rec.Ref = "id=" + oldCmpOr(rec.ID, rec.User)
	}
	return rec, problems, nil
}

func oldRequired(entity string) string { return properties[entity].required[0] }

func oldFirstOf(t *Table, props ...string) string {
	for _, p := range props {
		if _, ok := t.Properties[p]; ok {
			return p
		}
	}
	return ""
}

func oldCmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// raw returns the bytes of a field: its literal, or its column's value
// through its map; ok is false for NULL, an empty value or a missing column.
func oldRaw(f Field, row *dump.Row) ([]byte, bool) {
	if f.Literal != "" {
		return []byte(f.Literal), true
	}
	v, ok := row.Get(f.Column)
	if !ok || v.Null || len(v.B) == 0 {
		return nil, false
	}
	if f.Map != nil {
		if m, ok := f.Map[string(v.B)]; ok {
			return []byte(m), m != ""
		}
	}
	return v.B, true
}

// text reads a property as trimmed UTF-8 text (at most maxText bytes).
func oldText(m *Mapping, t *Table, row *dump.Row, prop string, problems *[]error) (string, string, bool) {
	f, ok := t.Properties[prop]
	if !ok {
		return "", "", false
	}
	b, ok := oldRaw(f, row)
	if !ok {
		return "", f.Column, false
	}
	if !utf8.Valid(b) {
		*problems = append(*problems, &ColumnError{f.Column, errors.New("not valid UTF-8 (a latin1 or binary value?)")})
		return "", f.Column, false
	}
	s := strings.TrimSpace(string(b))
	if len(s) > maxText {
		*problems = append(*problems, &ColumnError{f.Column, fmt.Errorf("value over %d bytes", maxText)})
		return "", f.Column, false
	}
	return s, f.Column, s != ""
}

func oldClip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// ip reads an address: text, an INET_ATON integer or INET6_ATON bytes.
func oldIP(m *Mapping, f Field, row *dump.Row) (string, error) {
	b, ok := oldRaw(f, row)
	if !ok {
		return "", nil
	}
	switch f.Type {
	case TypeIPInt:
		n, err := strconv.ParseUint(string(b), 10, 32)
		if err != nil {
			return "", fmt.Errorf("IP integer %q: %v", oldClip(string(b)), err)
		}
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], uint32(n))
		return netip.AddrFrom4(a).String(), nil
	case TypeIPBin:
		if a, ok := netip.AddrFromSlice(b); ok {
			return a.Unmap().String(), nil
		}
		return "", fmt.Errorf("IP bytes: %d bytes, want 4 or 16", len(b))
	}
	a, err := netip.ParseAddr(strings.TrimSpace(string(b)))
	if err != nil {
		if a, ok := netip.AddrFromSlice(b); ok && (len(b) == 4 || len(b) == 16) {
			return a.Unmap().String(), nil
		}
		return "", fmt.Errorf("IP %q: %v", oldClip(string(b)), err)
	}
	return a.Unmap().WithZone("").String(), nil
}

var oldTimeLayouts = []string{time.DateTime, "2006-01-02 15:04:05.999999999", time.DateOnly, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"}
var oldZonedLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07", "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05-07"}

// time reads a time: a datetime (naive ones in the mapping's zone, zoned
// ones as written) or a unix time.
func oldTime(m *Mapping, f Field, row *dump.Row) (time.Time, error) {
	b, ok := oldRaw(f, row)
	if !ok {
		return time.Time{}, nil
	}
	s := strings.TrimSpace(string(b))
	if s == "0000-00-00 00:00:00" || s == "0000-00-00" {
		return time.Time{}, nil
	}
	unix := f.Type == TypeUnix || f.Type == TypeUnixMs
	if f.Type == "" && len(s) >= 9 && len(s) <= 13 && strings.Trim(s, "0123456789") == "" {
		unix = true
	}
	if unix {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("unix time %q: %v", oldClip(s), err)
		}
		if f.Type == TypeUnixMs || (f.Type == "" && len(s) == 13) {
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if t, ok := oldPlainDateTime(s, m.loc); ok {
		return t.UTC(), nil
	}
	for _, l := range oldZonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range oldTimeLayouts {
		if t, err := time.ParseInLocation(l, s, m.loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: not a datetime or unix time", oldClip(s))
}

// plainDateTime reads the commonest dump time, "2006-01-02 15:04:05"
// (or with a T), without the layout loop's failed attempts; ok is false
// for anything else, which the layouts then read (or reject).
func oldPlainDateTime(s string, loc *time.Location) (time.Time, bool) {
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	var f [6]int
	for i, at := range [6]int{0, 5, 8, 11, 14, 17} {
		end := at + 2
		if i == 0 {
			end = 4
		}
		for _, c := range []byte(s[at:end]) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			f[i] = 10*f[i] + int(c-'0')
		}
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return time.Time{}, false
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, loc)
	if t.Day() != f[2] { // past the month's end: the layouts reject it
		return time.Time{}, false
	}
	return t, true
}

// hashValue reads a hash of n bytes: hex text, or n raw bytes.
func oldHashValue(f Field, row *dump.Row, n int) (string, error) {
	b, ok := oldRaw(f, row)
	if !ok {
		return "", nil
	}
	s := strings.ToLower(strings.TrimSpace(string(b)))
	if len(s) == 2*n {
		if _, err := hex.DecodeString(s); err == nil {
			return s, nil
		}
	}
	if len(b) == n {
		return hex.EncodeToString(b), nil
	}
	return "", fmt.Errorf("not a %d-byte hash in hex", n)
}

func oldIsDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0 && digits <= 40
}

var oldChainKinds = map[string]identifier.Kind{"BTC": identifier.KindBTC, "ETH": identifier.KindETH, "LTC": identifier.KindLTC,
	"XMR": identifier.KindXMR, "TRX": identifier.KindTRX, "TON": identifier.KindTON, "USDT": identifier.KindETH}

// walletKey normalises a wallet address through the identifier package,
// with the chain when the mapping gives one, and returns its key.
func oldWalletKey(chain, v string) (string, error) {
	if k, ok := oldChainKinds[chain]; ok {
		n, err := identifier.Normalize(k, v, identifier.NormalizeOptions{})
		if err == nil {
			return identifier.Key(k, n), nil
		}
		if chain != "USDT" {
			return "", fmt.Errorf("%s address %q: %v", chain, oldClip(v), err)
		}
	}
	kind, n, err := identifier.Classify(v, identifier.NormalizeOptions{})
	if err != nil || !oldIsWallet(kind) {
		return "", fmt.Errorf("address %q: not a known cryptocurrency address", oldClip(v))
	}
	return identifier.Key(kind, n), nil
}

func oldIsWallet(k identifier.Kind) bool {
	for _, c := range oldChainKinds {
		if c == k {
			return true
		}
	}
	return false
}
