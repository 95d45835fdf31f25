package platform

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/platform/dump"
)

// Record is one dump row read through the mapping: normalised values,
// empty when the row has none.
type Record struct {
	Entity string
	Table  string
	Line   int64
	Ref    string // the row within its table: "id=42", or "line 12 #3" without an id

	User  string // the platform user the row is about (user id; login, upload... user; message from)
	Other string // message to; payment payee

	Username    string
	DisplayName string
	Role        string
	Country     string
	Email       string     // normalised (identifier package)
	Phone       string     // E.164
	IP          netip.Addr // unmapped, without a zone; not valid when the row has none
	Time        time.Time
	UserAgent   string

	ID     string // upload id
	Upload string // the upload a download or view refers to
	SHA256 string // lower-case hex
	SHA1   string
	MD5    string
	Name   string
	Size   int64

	Chain    string // upper-case ticker
	Address  string // identifier key of a wallet ("eth:0x…")
	TxID     string
	Amount   string
	Currency string
}

// ColumnError is a value of a row that could not be read; the rest of
// the row is kept.
type ColumnError struct {
	Column string
	Err    error
}

func (e *ColumnError) Error() string { return fmt.Sprintf("column %q: %v", e.Column, e.Err) }
func (e *ColumnError) Unwrap() error { return e.Err }

// ErrFiltered is returned by Record for a row the table's filter leaves out.
var ErrFiltered = errors.New("filtered out")

// Max lengths of stored text values.
const (
	maxText = 512
)

// Record reads row through the mapping of its table. A value that cannot
// be read is listed in problems and left empty; err (a *ColumnError, or
// ErrFiltered) means the row yields no record: a required property is
// missing or unreadable. The table's mapping is resolved against the
// row's columns once and reused for the rows with the same columns; a
// Mapping must not be changed once it has read a row.
func (m *Mapping) Record(row *dump.Row) (rec Record, problems []error, err error) {
	problems, err = m.Read(row, &rec, nil)
	return rec, problems, err
}

// Read is Record into rec, which it overwrites, with the problems
// appended to problems (a slice the caller may reuse from row to row): an
// import reads every row into one Record, where a Record returned by
// value (some 500 bytes) was written three times a row.
func (m *Mapping) Read(row *dump.Row, rec *Record, problems []error) ([]error, error) {
	// A dump lists a table's rows together: the last row's table is
	// checked before the map (a reader names them with one string).
	var t *Table
	if h := m.last.Load(); h != nil && h.name == row.Table {
		t = h.t
	} else if t = m.Tables[row.Table]; t != nil {
		m.last.Store(&tableHit{row.Table, t})
	}
	if t == nil {
		*rec = Record{}
		return problems, ErrFiltered
	}
	p := t.planFor(row.Columns)
	if p.filtered(row) {
		*rec = Record{}
		return problems, ErrFiltered
	}
	*rec = Record{Entity: t.Entity, Table: row.Table, Line: row.Line}
	text := func(pr prop) (string, string, bool) {
		if !p.f[pr].on {
			return "", "", false
		}
		return p.text(pr, row, &problems)
	}
	rec.Username, _, _ = text(propUsername)
	rec.DisplayName, _, _ = text(propDisplayName)
	rec.Role, _, _ = text(propRole)
	rec.UserAgent, _, _ = text(propUserAgent)
	rec.Name, _, _ = text(propName)
	rec.TxID, _, _ = text(propTxID)
	rec.Currency, _, _ = text(propCurrency)
	rec.Upload, _, _ = text(propUpload)
	// The other party: a message's recipient, a payment's payee. (Both
	// read one after the other, the payee, which no message maps, left
	// every message without its recipient.)
	other := propTo
	if t.Entity == EntityPayment {
		other = propPayee
	}
	rec.Other, _, _ = text(other)
	switch t.Entity {
	case EntityUser:
		rec.User, _, _ = text(propID)
	case EntityMessage:
		rec.User, _, _ = text(propFrom)
	default:
		rec.User, _, _ = text(propUser)
		rec.ID, _, _ = text(propID)
	}
	if rec.User == "" && t.Entity != EntityPayment {
		return problems, &ColumnError{Column: p.userCol, Err: errNoUser}
	}
	if v, col, ok := text(propEmail); ok {
		if n, err := identifier.Normalize(identifier.KindEmail, v, identifier.NormalizeOptions{}); err == nil {
			rec.Email = n
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("e-mail %q: %v", clip(v), err)})
		}
	}
	if v, col, ok := text(propPhone); ok {
		if n, err := identifier.Normalize(identifier.KindPhone, v, identifier.NormalizeOptions{DefaultRegion: m.PhoneRegion}); err == nil {
			rec.Phone = n
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("phone %q: %v", clip(v), err)})
		}
	}
	if v, col, ok := text(propCountry); ok {
		if cc, ok := identifier.ParseCountry(v); ok {
			rec.Country = cc
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("country %q not understood", clip(v))})
		}
	}
	if f := &p.f[propIP]; f.on {
		if ip, err := p.ip(row); err != nil {
			problems = append(problems, &ColumnError{f.name, err})
		} else {
			rec.IP = ip
		}
	}
	for _, pr := range [...]prop{propTime, propCreated} {
		if f := &p.f[pr]; f.on {
			if tm, err := m.time(p, pr, row); err != nil {
				problems = append(problems, &ColumnError{f.name, err})
			} else if !tm.IsZero() {
				rec.Time = tm
			}
		}
	}
	for _, h := range [...]struct {
		pr  prop
		n   int
		dst *string
	}{{propSHA256, 32, &rec.SHA256}, {propSHA1, 20, &rec.SHA1}, {propMD5, 16, &rec.MD5}} {
		if f := &p.f[h.pr]; f.on {
			if v, err := p.hash(h.pr, row, h.n); err != nil {
				problems = append(problems, &ColumnError{f.name, err})
			} else {
				*h.dst = v
			}
		}
	}
	if b, col, ok := p.textBytes(propSize, row, &problems); ok {
		if n, ok := byteCount(b); ok {
			rec.Size = n
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("size %q is not a byte count", clip(string(b)))})
		}
	}
	if v, col, ok := text(propAmount); ok {
		if isDecimal(v) {
			rec.Amount = v
		} else {
			problems = append(problems, &ColumnError{col, fmt.Errorf("amount %q is not a decimal number", clip(v))})
		}
	}
	rec.Chain, _, _ = text(propChain)
	rec.Chain = strings.ToUpper(rec.Chain)
	for _, pr := range [...]prop{propAddress, propWallet} {
		if v, col, ok := text(pr); ok {
			if key, err := walletKey(rec.Chain, v); err == nil {
				rec.Address = key
			} else {
				problems = append(problems, &ColumnError{col, err})
			}
		}
	}
	if t.Entity == EntityDeposit && rec.Address == "" {
		return problems, &ColumnError{Column: p.addressCol, Err: errors.New("no valid address")}
	}
	if (t.Entity == EntityUpload || t.Entity == EntityDownload || t.Entity == EntityView) && rec.SHA256 == "" && rec.SHA1 == "" && rec.MD5 == "" && rec.Upload == "" {
		return problems, &ColumnError{Column: p.fileCol, Err: errors.New("no file hash and no upload")}
	}
	if t.Entity == EntityPayment && rec.User == "" && rec.Address == "" {
		return problems, &ColumnError{Column: p.payerCol, Err: errors.New("no payer and no address")}
	}
	if p.hasID && (rec.ID != "" || rec.User != "") && t.Entity != EntityLogin && t.Entity != EntityMessage && t.Entity != EntityPayment {
		rec.Ref = "id=" + cmpOr(rec.ID, rec.User)
	}
	return problems, nil
}

var (
	errNoUser      = errors.New("no user: the row names nobody")
	errNotUTF8     = errors.New("not valid UTF-8 (a latin1 or binary value?)")
	errOverMaxText = fmt.Errorf("value over %d bytes", maxText)
)

func required(entity string) string { return properties[entity].required[0] }

func firstOf(t *Table, props ...string) string {
	for _, p := range props {
		if _, ok := t.Properties[p]; ok {
			return p
		}
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// byteCount reads a size: plain decimal digits, or what strconv reads as
// a non-negative int64.
func byteCount(b []byte) (int64, bool) {
	if len(b) > 0 && len(b) <= 18 {
		var n int64
		for _, c := range b {
			if c < '0' || c > '9' {
				goto general
			}
			n = 10*n + int64(c-'0')
		}
		return n, true
	}
general:
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil && n >= 0
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// ip reads an address: text, an INET_ATON integer or INET6_ATON bytes.
// It is an address, not text: a login's IP is looked up by its value
// (store.PlatformBulk.Login), and only an IP not seen before is written
// out as text.
func (p *plan) ip(row *dump.Row) (netip.Addr, error) {
	b, ok := p.raw(propIP, row)
	if !ok {
		return netip.Addr{}, nil
	}
	switch p.f[propIP].typ {
	case TypeIPInt:
		n, err := strconv.ParseUint(string(b), 10, 32)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("IP integer %q: %v", clip(string(b)), err)
		}
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], uint32(n))
		return netip.AddrFrom4(a), nil
	case TypeIPBin:
		if a, ok := netip.AddrFromSlice(b); ok {
			return a.Unmap(), nil
		}
		return netip.Addr{}, fmt.Errorf("IP bytes: %d bytes, want 4 or 16", len(b))
	}
	if a, ok := plainIPv4(b); ok {
		return netip.AddrFrom4(a), nil
	}
	a, err := netip.ParseAddr(strings.TrimSpace(string(b)))
	if err != nil {
		if a, ok := netip.AddrFromSlice(b); ok && (len(b) == 4 || len(b) == 16) {
			return a.Unmap(), nil
		}
		return netip.Addr{}, fmt.Errorf("IP %q: %v", clip(string(b)), err)
	}
	return a.Unmap().WithZone(""), nil
}

// plainIPv4 reads an IPv4 address as netip writes it, four decimal
// octets up to 255 without leading zeros or spaces, without a copy of
// the text; ok is false for anything else (which netip then reads, or
// rejects).
func plainIPv4(b []byte) (a [4]byte, ok bool) {
	if len(b) < 7 || len(b) > 15 {
		return a, false
	}
	octets, digits, v := 0, 0, 0
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits == 1 && v == 0 { // a leading zero
				return a, false
			}
			v = 10*v + int(c-'0')
			digits++
			if v > 255 {
				return a, false
			}
		case c == '.' && digits > 0 && i < len(b)-1 && octets < 3:
			a[octets] = byte(v)
			octets++
			digits, v = 0, 0
		default:
			return a, false
		}
	}
	a[3] = byte(v)
	return a, octets == 3 && digits > 0
}

var timeLayouts = []string{time.DateTime, "2006-01-02 15:04:05.999999999", time.DateOnly, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"}
var zonedLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07", "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05-07"}

// time reads a time: a datetime (naive ones in the mapping's zone, zoned
// ones as written) or a unix time.
func (m *Mapping) time(p *plan, pr prop, row *dump.Row) (time.Time, error) {
	b, ok := p.raw(pr, row)
	if !ok {
		return time.Time{}, nil
	}
	typ := p.f[pr].typ
	b = bytes.TrimSpace(b)
	if typ != TypeUnix && typ != TypeUnixMs {
		// The commonest shape first, without a copy of the text.
		if sec, ok := plainSeconds(b); ok {
			return time.Unix(sec-int64(m.offset), 0).UTC(), nil
		}
	}
	s := string(b)
	if s == "0000-00-00 00:00:00" || s == "0000-00-00" {
		return time.Time{}, nil
	}
	unix := typ == TypeUnix || typ == TypeUnixMs
	if typ == "" && len(s) >= 9 && len(s) <= 13 && strings.Trim(s, "0123456789") == "" {
		unix = true
	}
	if unix {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("unix time %q: %v", clip(s), err)
		}
		if typ == TypeUnixMs || (typ == "" && len(s) == 13) {
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if t, ok := plainDateTime(s, m.loc); ok {
		return t.UTC(), nil
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, m.loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: not a datetime or unix time", clip(s))
}

// plainFields reads the commonest dump time, "2006-01-02 15:04:05" (or
// with a T), into year, month, day, hour, minute and second; ok is false
// for any other shape and for a field out of its range (but not for a
// day past the month's end).
func plainFields(s string) (f [6]int, ok bool) {
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return f, false
	}
	for i, at := range [6]int{0, 5, 8, 11, 14, 17} {
		end := at + 2
		if i == 0 {
			end = 4
		}
		for j := at; j < end; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return f, false
			}
			f[i] = 10*f[i] + int(c-'0')
		}
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return f, false
	}
	return f, true
}

// plainDateTime reads the commonest dump time, "2006-01-02 15:04:05"
// (or with a T), without the layout loop's failed attempts; ok is false
// for anything else, which the layouts then read (or reject).
func plainDateTime(s string, loc *time.Location) (time.Time, bool) {
	f, ok := plainFields(s)
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, loc)
	if t.Day() != f[2] { // past the month's end: the layouts reject it
		return time.Time{}, false
	}
	return t, true
}

// plainSeconds reads "2006-01-02 15:04:05" (or with a T) as seconds
// since 1970-01-01 00:00:00 of the same wall clock: what time.Date gives
// in UTC, by arithmetic (civilSeconds). ok is false for any other shape,
// a field out of its range and a day past the month's end.
func plainSeconds(b []byte) (int64, bool) {
	if len(b) != 19 || b[4] != '-' || b[7] != '-' || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	y1, ok1 := twoDigits(b, 0)
	y2, ok2 := twoDigits(b, 2)
	mo, ok3 := twoDigits(b, 5)
	d, ok4 := twoDigits(b, 8)
	h, ok5 := twoDigits(b, 11)
	mi, ok6 := twoDigits(b, 14)
	sec, ok7 := twoDigits(b, 17)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	return civilSeconds([6]int{100*y1 + y2, mo, d, h, mi, sec})
}

func twoDigits(b []byte, i int) (int, bool) {
	hi, lo := b[i]-'0', b[i+1]-'0'
	return 10*int(hi) + int(lo), hi <= 9 && lo <= 9
}

// civilSeconds is the date and time f (year, month, day, hour, minute,
// second, each in its range but the day) as seconds since 1970-01-01
// 00:00:00 in the proleptic Gregorian calendar; ok is false for a day
// past the month's end.
func civilSeconds(f [6]int) (int64, bool) {
	y, mo, d := f[0], f[1], f[2]
	if d > 28 {
		days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mo]
		if mo == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			days = 29
		}
		if d > days {
			return 0, false
		}
	}
	// Count years from March, so that the leap day ends a year.
	if mo <= 2 {
		y--
		mo += 9
	} else {
		mo -= 3
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	doy := (153*mo+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	return int64(days)*86400 + int64(f[3]*3600+f[4]*60+f[5]), true
}

// hash reads a hash of n bytes: hex text, or n raw bytes.
func (p *plan) hash(pr prop, row *dump.Row, n int) (string, error) {
	b, ok := p.raw(pr, row)
	if !ok {
		return "", nil
	}
	if len(b) == 2*n && lowerHex(b) {
		return string(b), nil
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

func lowerHex(b []byte) bool {
	for _, c := range b {
		if !isLowerHex[c] {
			return false
		}
	}
	return true
}

var isLowerHex = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
	}
	return t
}()

func isDecimal(s string) bool {
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

var chainKinds = map[string]identifier.Kind{"BTC": identifier.KindBTC, "ETH": identifier.KindETH, "LTC": identifier.KindLTC,
	"XMR": identifier.KindXMR, "TRX": identifier.KindTRX, "TON": identifier.KindTON, "USDT": identifier.KindETH}

// walletKey normalises a wallet address through the identifier package,
// with the chain when the mapping gives one, and returns its key.
func walletKey(chain, v string) (string, error) {
	if k, ok := chainKinds[chain]; ok {
		n, err := identifier.Normalize(k, v, identifier.NormalizeOptions{})
		if err == nil {
			return identifier.Key(k, n), nil
		}
		if chain != "USDT" {
			return "", fmt.Errorf("%s address %q: %v", chain, clip(v), err)
		}
	}
	kind, n, err := identifier.Classify(v, identifier.NormalizeOptions{})
	if err != nil || !isWallet(kind) {
		return "", fmt.Errorf("address %q: not a known cryptocurrency address", clip(v))
	}
	return identifier.Key(kind, n), nil
}

func isWallet(k identifier.Kind) bool {
	for _, c := range chainKinds {
		if c == k {
			return true
		}
	}
	return false
}
