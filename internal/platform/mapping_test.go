package platform

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/platform/dump"
	"github.com/vibora-project/vibora/internal/platform/synth"
)

func synthReader(t *testing.T, sc synth.Scale) dump.Reader {
	t.Helper()
	var buf bytes.Buffer
	if err := synth.WriteMySQL(&buf, sc); err != nil {
		t.Fatal(err)
	}
	r, err := dump.Open("platform.sql", &buf, "", dump.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var small = synth.Scale{Users: 60, Logins: 100, Uploads: 30, Views: 20, Messages: 10, Payments: 10, Seed: 3}

func TestSuggestOnSyntheticDump(t *testing.T) {
	y, err := Suggest("examplevid", []dump.Reader{synthReader(t, small)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMapping(bytes.NewReader(y))
	if err != nil {
		t.Fatalf("suggested mapping does not parse: %v\n%s", err, y)
	}
	want := map[string]string{"users": EntityUser, "logins": EntityLogin, "uploads": EntityUpload, "views": EntityView,
		"messages": EntityMessage, "deposit_addresses": EntityDeposit, "payments": EntityPayment}
	for table, entity := range want {
		if m.Tables[table] == nil || m.Tables[table].Entity != entity {
			t.Errorf("table %s: %+v, want entity %s\n%s", table, m.Tables[table], entity, y)
		}
	}
	u := m.Tables["users"].Properties
	for prop, col := range map[string]string{"id": "id", "username": "username", "email": "email", "phone": "phone", "role": "role", "created": "created_at", "ip": "reg_ip"} {
		if u[prop].Column != col {
			t.Errorf("users.%s = %q, want column %q", prop, u[prop].Column, col)
		}
	}
	if !strings.Contains(string(y), "# not mapped: password_hash") {
		t.Errorf("the password column is not left out visibly:\n%s", y)
	}
	if up := m.Tables["uploads"].Properties; up["sha256"].Column != "sha256" || up["md5"].Column != "md5" || up["user"].Column != "user_id" {
		t.Errorf("uploads: %+v", up)
	}
	// The suggested mapping reads every row of the dump.
	r := synthReader(t, small)
	counts := map[string]int{}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := m.CheckColumns(row.Table, row.Columns); err != nil {
			t.Fatal(err)
		}
		rec, problems, err := m.Record(&row)
		if err != nil || len(problems) > 0 {
			t.Fatalf("%s line %d: %v %v", row.Table, row.Line, err, problems)
		}
		counts[rec.Entity]++
		if rec.Table == "users" && rec.User == "50" {
			if rec.Email != synth.Email(50) || rec.Phone != "+12025550101" || rec.Username != synth.Username(50) || rec.IP.String() != synth.IP(50) || rec.Time.IsZero() {
				t.Errorf("user 50: %+v", rec)
			}
		}
		if rec.Table == "uploads" && rec.Ref == "id=1" && rec.SHA256 != synth.UploadSHA256(small.Seed, 1) {
			t.Errorf("upload 1: %+v", rec)
		}
		if rec.Entity == EntityDeposit && !strings.HasPrefix(rec.Address, "eth:0x") {
			t.Errorf("deposit address %q", rec.Address)
		}
		if rec.Entity == EntityMessage && (rec.User == "" || rec.Other == "") {
			t.Errorf("message without its sender or recipient: %+v", rec)
		}
	}
	if counts[EntityUser] != 60 || counts[EntityLogin] != 100 || counts[EntityUpload] != 30 || counts[EntityPayment] != 10 || counts[EntityMessage] != 10 {
		t.Errorf("counts %v", counts)
	}
}

func TestMappingErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"mapping_version: 2\nplatform: x\ntables: {u: {entity: user, properties: {id: id}}}", "mapping_version 2"},
		{"mapping_version: 1\nplatform: X Y\ntables: {u: {entity: user, properties: {id: id}}}", `platform "x y"`},
		{"mapping_version: 1\nplatform: x\ntables: {u: {entity: person, properties: {id: id}}}", `entity "person" unknown`},
		{"mapping_version: 1\nplatform: x\ntables: {u: {entity: user, properties: {id: id, mail: m}}}", `property "mail" unknown`},
		{"mapping_version: 1\nplatform: x\ntables: {u: {entity: login, properties: {user: uid}}}", `property "ip" is required`},
		{"mapping_version: 1\nplatform: x\ntables: {u: {entity: user, properties: {id: {column: id, type: ipv9}}}}", `type "ipv9" unknown`},
		{"mapping_version: 1\nplatform: x\ntables: {u: {entity: upload, properties: {user: uid}}}", "map a file hash"},
		{"mapping_version: 1\nplatform: x\nbogus: 1\ntables: {u: {entity: user, properties: {id: id}}}", "field bogus not found"},
	} {
		_, err := ParseMapping(strings.NewReader(c.yaml))
		if err == nil || !errors.Is(err, ErrMapping) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n  %v, want %q", c.yaml, err, c.want)
		}
	}
	m, err := ParseMapping(strings.NewReader("mapping_version: 1\nplatform: x\ntables: {u: {entity: user, properties: {id: id, email: mail}}}"))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.CheckColumns("u", []string{"id", "name"}); err == nil || !strings.Contains(err.Error(), `column "mail" is not in the dump`) {
		t.Errorf("CheckColumns: %v", err)
	}
	if miss := m.Missing(map[string]bool{}); len(miss) != 1 || miss[0] != "u" {
		t.Errorf("Missing: %v", miss)
	}
}

func TestRecordValueTypes(t *testing.T) {
	m, err := ParseMapping(strings.NewReader(`
mapping_version: 1
platform: examplevid
timezone: "-05:00"
tables:
  l:
    entity: login
    filter: {kind: web}
    properties:
      user: uid
      ip: {column: ip, type: ip_int}
      time: at
  u:
    entity: upload
    properties:
      user: uid
      sha256: h
      md5: {column: m, type: hex}
      time: {column: t, type: unixtime_ms}
      size: s
  p:
    entity: payment
    properties:
      user: uid
      chain: {literal: ETH}
      address: a
      amount: amt
      payee: to
  msg:
    entity: message
    properties:
      from: sender
      to: recipient
`))
	if err != nil {
		t.Fatal(err)
	}
	row := func(table string, cols []string, vals ...string) *dump.Row {
		r := &dump.Row{Table: table, Columns: cols, Line: 7}
		for _, v := range vals {
			if v == `\N` {
				r.Values = append(r.Values, dump.Value{Null: true})
			} else {
				r.Values = append(r.Values, dump.Value{B: []byte(v)})
			}
		}
		return r
	}
	rec, problems, err := m.Record(row("l", []string{"uid", "ip", "at", "kind"}, "9", "3221225985", "2024-03-01 10:00:00", "web"))
	if err != nil || len(problems) > 0 || rec.IP.String() != "192.0.2.1" || !rec.Time.Equal(time.Date(2024, 3, 1, 15, 0, 0, 0, time.UTC)) || rec.User != "9" {
		t.Errorf("login: %+v %v %v", rec, problems, err)
	}
	if _, _, err := m.Record(row("l", []string{"uid", "ip", "at", "kind"}, "9", "1", "", "api")); err != ErrFiltered {
		t.Errorf("filter: %v", err)
	}
	if _, _, err := m.Record(row("l", []string{"uid", "ip", "at", "kind"}, `\N`, "1", "", "web")); err == nil || !strings.Contains(err.Error(), `column "uid"`) {
		t.Errorf("no user: %v", err)
	}
	bin := string([]byte{0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04, 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e})
	rec, problems, err = m.Record(row("u", []string{"uid", "h", "m", "t", "s"}, "3", "nothex", bin, "1700000000000", "12"))
	if err != nil || rec.MD5 != "d41d8cd98f00b204e9800998ecf8427e" || rec.Time.Unix() != 1700000000 || rec.Size != 12 || len(problems) != 1 ||
		!strings.Contains(problems[0].Error(), `column "h"`) {
		t.Errorf("upload: %+v %v %v", rec, problems, err)
	}
	rec, problems, err = m.Record(row("p", []string{"uid", "a", "amt", "to"}, "3", "0x52908400098527886E0F7030069857D2E4169EE7", "1.5e3", "12"))
	if err != nil || !strings.EqualFold(rec.Address, "eth:0x52908400098527886E0F7030069857D2E4169EE7") || len(problems) != 1 || !strings.Contains(problems[0].Error(), "decimal") ||
		rec.Other != "12" {
		t.Errorf("payment: %+v %v %v", rec, problems, err)
	}
	// A message names its recipient (the other party), as a payment its
	// payee: reading the payee after the recipient once left it empty.
	rec, problems, err = m.Record(row("msg", []string{"sender", "recipient"}, "3", "4"))
	if err != nil || len(problems) > 0 || rec.User != "3" || rec.Other != "4" {
		t.Errorf("message: %+v %v %v", rec, problems, err)
	}
	_, problems, _ = m.Record(row("p", []string{"uid", "a", "amt", "to"}, "3", "\xff\xfe", "1", "12"))
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "UTF-8") {
		t.Errorf("broken encoding: %v", problems)
	}
}
