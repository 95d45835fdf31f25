package platform

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/platform/dump"
	"github.com/vibora-project/vibora/internal/platform/synth"
)

// Record (per-table plans, fast paths for the common value shapes) must
// return exactly what the general reading of every value returned before
// it (oldRecord, record_old_test.go): the same fields, the same problems
// in the same order and the same error, for every row.

// sameRecord reports how got differs from want ("" when it does not).
func sameRecord(got, want Record, gotP, wantP []error, gotErr, wantErr error) string {
	if got != want {
		return fmt.Sprintf("record\n  got  %+v\n  want %+v", got, want)
	}
	if len(gotP) != len(wantP) {
		return fmt.Sprintf("problems\n  got  %v\n  want %v", gotP, wantP)
	}
	for i := range gotP {
		if d := sameErr(gotP[i], wantP[i]); d != "" {
			return fmt.Sprintf("problem %d: %s", i, d)
		}
	}
	return sameErr(gotErr, wantErr)
}

func sameErr(got, want error) string {
	if (got == nil) != (want == nil) {
		return fmt.Sprintf("error %v, want %v", got, want)
	}
	if got == nil {
		return ""
	}
	if errors.Is(want, ErrFiltered) != errors.Is(got, ErrFiltered) {
		return fmt.Sprintf("error %v, want %v", got, want)
	}
	var g, w *ColumnError
	if errors.As(got, &g) != errors.As(want, &w) {
		return fmt.Sprintf("error %T %v, want %T %v", got, got, want, want)
	}
	if g != nil && (g.Column != w.Column || g.Err.Error() != w.Err.Error()) {
		return fmt.Sprintf("column error %q %q, want %q %q", g.Column, g.Err, w.Column, w.Err)
	}
	if got.Error() != want.Error() {
		return fmt.Sprintf("error %q, want %q", got, want)
	}
	return ""
}

// diffRow maps row both ways and fails on any difference.
func diffRow(t testing.TB, m *Mapping, row *dump.Row) {
	t.Helper()
	wantRec, wantP, wantErr := oldRecord(m, row)
	gotRec, gotP, gotErr := m.Record(row)
	if d := sameRecord(gotRec, wantRec, gotP, wantP, gotErr, wantErr); d != "" {
		t.Fatalf("table %q columns %q values %s:\n%s", row.Table, row.Columns, showValues(row.Values), d)
	}
	// Read into a record every field of which is set, with a problems
	// slice that has room: nothing of either may show through.
	stale := staleRecord()
	gotP, gotErr = m.Read(row, &stale, make([]error, 0, 4))
	if d := sameRecord(stale, wantRec, gotP, wantP, gotErr, wantErr); d != "" {
		t.Fatalf("Read, table %q columns %q values %s:\n%s", row.Table, row.Columns, showValues(row.Values), d)
	}
}

// staleRecord is a Record with every field set.
func staleRecord() Record {
	var r Record
	v := reflect.ValueOf(&r).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString("stale")
		case reflect.Int64:
			f.SetInt(-7)
		default:
			switch f.Interface().(type) {
			case time.Time:
				f.Set(reflect.ValueOf(time.Unix(1, 0)))
			case netip.Addr:
				f.Set(reflect.ValueOf(netip.MustParseAddr("203.0.113.7")))
			default:
				panic(fmt.Sprintf("staleRecord: field %s of type %s", v.Type().Field(i).Name, f.Type()))
			}
		}
	}
	return r
}

func showValues(vs []dump.Value) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		if v.Null {
			b.WriteString("NULL")
		} else {
			fmt.Fprintf(&b, "%q", v.B)
		}
	}
	return "[" + b.String() + "]"
}

// synthMapping is the mapping Suggest proposes for the synthetic dumps,
// in timezone tz.
func synthMapping(t testing.TB, tz string) *Mapping {
	t.Helper()
	var buf bytes.Buffer
	if err := synth.WriteMySQL(&buf, small); err != nil {
		t.Fatal(err)
	}
	r, err := dump.Open("platform.sql", &buf, "", dump.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	y, err := Suggest("examplevid", []dump.Reader{r})
	if err != nil {
		t.Fatal(err)
	}
	y = bytes.Replace(y, []byte(`timezone: "+00:00"`), []byte(`timezone: "`+tz+`"`), 1)
	m, err := ParseMapping(bytes.NewReader(y))
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	return m
}

func TestRecordSameAsGeneralOnSyntheticDumps(t *testing.T) {
	sc := synth.Scale{Users: 400, Logins: 2000, Uploads: 300, Views: 200, Messages: 100, Payments: 100, Seed: 11}
	for _, tz := range []string{"+00:00", "-05:00", "+05:45"} {
		m := synthMapping(t, tz)
		for _, format := range []struct {
			name  string
			write func(io.Writer, synth.Scale) error
		}{{"mysql", synth.WriteMySQL}, {"postgres", synth.WritePostgres}} {
			var buf bytes.Buffer
			if err := format.write(&buf, sc); err != nil {
				t.Fatal(err)
			}
			r, err := dump.Open("platform.sql", &buf, "", dump.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			tables := map[string]int{}
			for {
				row, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				tables[row.Table]++
				diffRow(t, m, &row)
			}
			if len(tables) != len(synth.Schema) {
				t.Errorf("%s %s: tables %v", format.name, tz, tables)
			}
		}
	}
}

// hostileMapping maps every property of every entity, through columns,
// literals, value maps, filters and every value type.
const hostileMapping = `
mapping_version: 1
platform: examplevid
timezone: "%s"
phone_region: US
tables:
  users:
    entity: user
    properties: {id: c1, username: c2, display_name: c3, email: c4, phone: c5, role: {column: c6, map: {"1": admin, "2": "", "3": member}},
                 created: c7, ip: c8, country: c9, wallet: c10, chain: c11}
  users_typed:
    entity: user
    filter: {c12: "web"}
    properties: {id: {column: c1, type: text}, chain: {literal: btc}, wallet: c10, created: {column: c7, type: unixtime},
                 ip: {column: c8, type: ip_int}, email: {column: c4, map: {}}}
  users_missing:
    entity: user
    properties: {id: c1, username: nope}
  logins:
    entity: login
    properties: {user: c1, ip: {column: c8, type: ip_bin}, time: {column: c7, type: unixtime_ms}, user_agent: c2}
  logins_text:
    entity: login
    filter: {c12: "", c11: "ETH"}
    properties: {user: {column: c1, map: {"0": ""}}, ip: {column: c8, type: text}, time: {column: c7, type: datetime}, user_agent: {literal: " literal agent "}}
  uploads:
    entity: upload
    properties: {id: c1, user: c2, sha256: c3, sha1: c4, md5: {column: c5, type: hex}, name: c6, size: c9, time: c7}
  uploads_lit:
    entity: upload
    properties: {user: c2, sha256: {literal: "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"}, size: {literal: " 42"}, time: {literal: "2024-02-29 23:59:59"}}
  downloads:
    entity: download
    properties: {user: c1, upload: c2, sha256: c3, sha1: c4, md5: c5, time: c7}
  views:
    entity: view
    properties: {user: c1, upload: c2, time: c7}
  messages:
    entity: message
    properties: {from: c1, to: c2, time: c7}
  payments:
    entity: payment
    properties: {user: c1, chain: c11, address: c10, txid: c3, amount: c9, currency: c6, time: c7, payee: c2}
  deposits:
    entity: deposit_address
    properties: {user: c1, chain: c11, address: c10}
  deposits_lit:
    entity: deposit_address
    properties: {user: c1, chain: {literal: usdt}, address: c10}
`

var hostileTables = []string{"users", "users_typed", "users_missing", "logins", "logins_text", "uploads", "uploads_lit",
	"downloads", "views", "messages", "payments", "deposits", "deposits_lit", "unmapped"}

var hostileColumns = []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "other"}

// hostileValues are the odd values a seized dump holds: odd encodings,
// bad dates, bad hashes, odd addresses, sizes and amounts.
var hostileValues = []string{
	"", " ", "\t", "0", "1", "2", "3", "42", " 42 ", "007", "+5", "-0", "-1", "18446744073709551616", "9223372036854775807",
	"999999999999999999", "1000000000000000000", "9223372036854775808", "9999999999999999999", "4294967295", "4294967296", "3221225985",
	"web", "ETH", "eth", "BTC", "usdt", "XMR", "member", "Admin",
	"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "\xff\xfe", "caf\xe9", "ca\u00e9", "\u00a0x\u00a0", "\u2028",
	strings.Repeat("a", 512), strings.Repeat("a", 513), " " + strings.Repeat("b", 512) + " ", strings.Repeat("é", 300),
	"user5@example.org", "User5@Example.ORG", " user5@example.org ", "not-an-email", "a@b", "@example.org",
	"+1 202 555 0101", "2025550101", "+12025550101", "555", "US", "us", "Germany", "XX",
	"2024-03-01 05:41:37", "2024-03-01T05:41:37", " 2024-03-01 05:41:37 ", "2024-02-29 00:00:00", "2023-02-29 00:00:00",
	"2024-04-31 12:00:00", "2024-13-01 00:00:00", "2024-00-10 00:00:00", "2024-01-00 00:00:00", "2024-01-01 24:00:00",
	"2024-01-01 00:60:00", "2024-01-01 00:00:60", "0000-00-00 00:00:00", "0000-00-00", "0000-01-01 00:00:00", "0000-02-29 12:00:00",
	"9999-12-31 23:59:59", "1969-12-31 23:59:59", "1900-02-29 00:00:00", "2000-02-29 00:00:00", "2024-03-01 05:41:37.123456",
	"2024-03-01", "2024-03-01T05:41:37Z", "2024-03-01T05:41:37+02:00", "2024-03-01 05:41:37+00", "2024-03-01 05:41:37-05:30",
	"2024-03-01_05:41:37", "2024-03-01 0a:41:37", "+024-03-01 05:41:37", "1700000000", "1700000000000", "170000000", "17000000000000",
	"99999999999999", "-1700000000", "1e9", "yesterday",
	"192.0.2.1", "198.51.100.254", "203.0.113.0", "0.0.0.0", "255.255.255.255", "256.1.1.1", "192.0.2.01", "192.0.02.1", "192.0.2",
	"192.0.2.1.", ".192.0.2.1", "192.0.2.1 ", " 192.0.2.1", "192..0.2", "2001:db8::1", "2001:DB8::1", "::ffff:192.0.2.1", "fe80::1%eth0",
	"2001:db8::1%1", "\xc0\x00\x02\x01", "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01",
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xc0\x00\x02\x01", "1.2.3",
	"d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E", " d41d8cd98f00b204e9800998ecf8427e ",
	"d41d8cd98f00b204e9800998ecf8427g", "d41d8cd98f00b204e9800998ecf8427", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	"\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\x09\x98\xec\xf8\x42\x7e", strings.Repeat("\x01", 20), strings.Repeat("\xaa", 32),
	"0x52908400098527886E0F7030069857D2E4169EE7", "0x52908400098527886e0f7030069857d2e4169ee7", "0xde709f2102306220921060314715629080e2fb77",
	"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "0x123", "0.5", "1.5e3", "-0.000001", "1.", ".5", "1.2.3",
	strings.Repeat("9", 41), "NaN",
}

func hostile(t testing.TB, tz string) *Mapping {
	t.Helper()
	m, err := ParseMapping(strings.NewReader(fmt.Sprintf(hostileMapping, tz)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// randomRow is a row of a random table with a random column list (some
// mapped columns missing, some twice, unknown ones) and random values
// (hostile ones, NULLs, sometimes fewer values than columns).
func randomRow(r *rand.Rand) *dump.Row {
	row := &dump.Row{Table: hostileTables[r.IntN(len(hostileTables))], Line: int64(r.IntN(1000)), Offset: int64(r.IntN(1 << 20))}
	cols := append([]string(nil), hostileColumns...)
	r.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
	switch r.IntN(8) {
	case 0:
		cols = cols[:r.IntN(len(cols))]
	case 1:
		cols = append(cols, cols[r.IntN(len(cols))])
	}
	row.Columns = cols
	n := len(cols)
	if r.IntN(10) == 0 {
		n = r.IntN(n + 1)
	}
	for range n {
		switch k := r.IntN(12); {
		case k == 0:
			row.Values = append(row.Values, dump.Value{Null: true})
		case k < 3:
			var b []byte
			for range r.IntN(40) {
				b = append(b, byte(r.Uint32()))
			}
			row.Values = append(row.Values, dump.Value{B: b})
		default:
			row.Values = append(row.Values, dump.Value{B: []byte(hostileValues[r.IntN(len(hostileValues))])})
		}
	}
	return row
}

func TestRecordSameAsGeneralOnHostileRows(t *testing.T) {
	for _, tz := range []string{"+00:00", "+05:30", "-11:00", "+14:00"} {
		m := hostile(t, tz)
		r := rand.New(rand.NewPCG(7, uint64(len(tz))))
		var prev *dump.Row
		for i := 0; i < 20000; i++ {
			row := randomRow(r)
			if prev != nil && prev.Table == row.Table && r.IntN(2) == 0 {
				row.Columns = prev.Columns[:len(prev.Columns):len(prev.Columns)] // the same column list, as a reader shares it
				row.Values = row.Values[:min(len(row.Values), len(row.Columns))]
			}
			diffRow(t, m, row)
			prev = row
		}
	}
	// Every value in every mapped column of every table, once.
	m := hostile(t, "-05:00")
	for _, table := range hostileTables {
		for _, v := range append(hostileValues, "\\N") {
			row := &dump.Row{Table: table, Columns: hostileColumns, Line: 3}
			for range hostileColumns {
				row.Values = append(row.Values, dump.Value{B: []byte(v), Null: v == "\\N"})
			}
			diffRow(t, m, row)
		}
	}
}

// FuzzRecord maps fuzzed rows both ways: the first byte picks the table
// and the time zone, the rest is the row's values split at 0x1f (a value
// of one 0x1e byte is NULL).
func FuzzRecord(f *testing.F) {
	for _, s := range []string{
		"\x00user5@example.org\x1f2024-03-01 05:41:37\x1f192.0.2.1",
		"\x05d41d8cd98f00b204e9800998ecf8427e\x1f7\x1f\x1e\x1f2024-02-29 00:00:00",
		"\x0a0x52908400098527886E0F7030069857D2E4169EE7\x1fETH\x1f0.5",
		"\x14\x1f\x1f\x1f\x1f\x1f\x1f1700000000000\x1f3221225985",
	} {
		f.Add([]byte(s))
	}
	zones := []string{"+00:00", "-05:00", "+05:45"}
	maps := make([]*Mapping, len(zones))
	for i, tz := range zones {
		maps[i] = hostile(f, tz)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		sel := int(data[0])
		m := maps[sel/len(hostileTables)%len(maps)]
		row := &dump.Row{Table: hostileTables[sel%len(hostileTables)], Columns: hostileColumns, Line: 1}
		for _, v := range bytes.Split(data[1:], []byte{0x1f}) {
			if len(row.Values) == len(hostileColumns) {
				break
			}
			row.Values = append(row.Values, dump.Value{B: v, Null: len(v) == 1 && v[0] == 0x1e})
		}
		// The columns in the value order, and shifted by one.
		diffRow(t, m, row)
		row.Columns = append(hostileColumns[1:len(hostileColumns):len(hostileColumns)], hostileColumns[0])
		diffRow(t, m, row)
	})
}
