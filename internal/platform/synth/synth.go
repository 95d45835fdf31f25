// Package synth writes synthetic seized-platform dumps for tests and
// benchmarks: a MySQL dump (mysqldump layout, extended INSERTs) or a
// PostgreSQL plain dump (COPY blocks) of an invented video platform with
// users, logins, uploads, views, messages, deposit addresses and payments.
// Every value is invented: example.org/.net/.com e-mail addresses,
// +1 202 555 01xx phone numbers, documentation IP ranges, random file
// hashes and random Ethereum-format addresses. Output is deterministic for
// a seed.
package synth

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// Scale sets how many rows each table gets.
type Scale struct {
	Users, Logins, Uploads, Views, Messages, Payments int
	Seed                                              uint64
}

// Full is the scale of the benchmark in the issue: 1M users, 20M logins,
// 5M uploads.
var Full = Scale{Users: 1_000_000, Logins: 20_000_000, Uploads: 5_000_000, Views: 2_000_000, Messages: 500_000, Payments: 300_000, Seed: 1}

// Div returns s with every count divided by n (at least 1 user).
func (s Scale) Div(n int) Scale {
	d := Scale{Users: max(1, s.Users/n), Logins: s.Logins / n, Uploads: s.Uploads / n, Views: s.Views / n,
		Messages: s.Messages / n, Payments: s.Payments / n, Seed: s.Seed}
	return d
}

// Mul returns s with every count multiplied by n.
func (s Scale) Mul(n int) Scale {
	return Scale{Users: s.Users * n, Logins: s.Logins * n, Uploads: s.Uploads * n, Views: s.Views * n,
		Messages: s.Messages * n, Payments: s.Payments * n, Seed: s.Seed}
}

// Schema of the synthetic platform: table -> columns in order.
var Schema = []struct {
	Table   string
	Columns []string
}{
	{"users", []string{"id", "username", "email", "phone", "password_hash", "role", "created_at", "reg_ip"}},
	{"logins", []string{"id", "user_id", "ip", "user_agent", "created_at"}},
	{"uploads", []string{"id", "user_id", "sha256", "md5", "filename", "size", "created_at"}},
	{"views", []string{"id", "user_id", "upload_id", "created_at"}},
	{"messages", []string{"id", "sender_id", "recipient_id", "body", "created_at"}},
	{"deposit_addresses", []string{"id", "user_id", "chain", "address"}},
	{"payments", []string{"id", "user_id", "chain", "address", "txid", "amount", "created_at"}},
}

// Username, Email and friends give the values of user id (1-based), so
// tests can name what they expect.
func Username(id int) string { return fmt.Sprintf("user%07d", id) }

// Email is user id's e-mail address.
func Email(id int) string {
	dom := [...]string{"example.org", "example.net", "example.com"}[id%3]
	return fmt.Sprintf("user%d@%s", id, dom)
}

// Phone is user id's phone number, or "" (one user in 50 has one).
func Phone(id int) string {
	if id%50 != 0 {
		return ""
	}
	return fmt.Sprintf("+1 202 555 01%02d", id/50%100)
}

// Role is user id's role on the platform.
func Role(id int) string {
	switch {
	case id%100_000 == 1:
		return "admin"
	case id%10 == 0:
		return "uploader"
	}
	return "member"
}

// IP is a documentation-range address derived from n.
func IP(n int) string {
	nets := [...]string{"192.0.2.", "198.51.100.", "203.0.113."}
	return nets[n%3] + strconv.Itoa(n/3%254+1)
}

// Address is user id's deposit address (Ethereum format, random).
func Address(seed uint64, id int) string {
	r := rand.New(rand.NewPCG(seed, uint64(id)+1<<40))
	var b [20]byte
	fill(r, b[:])
	return "0x" + hex.EncodeToString(b[:])
}

// UploadSHA256 is the SHA-256 recorded for upload id (random, not of any
// file).
func UploadSHA256(seed uint64, id int) string {
	r := rand.New(rand.NewPCG(seed, uint64(id)+2<<40))
	var b [32]byte
	fill(r, b[:])
	return hex.EncodeToString(b[:])
}

// UploadMD5 is the MD5 recorded for upload id.
func UploadMD5(seed uint64, id int) string {
	r := rand.New(rand.NewPCG(seed, uint64(id)+3<<40))
	var b [16]byte
	fill(r, b[:])
	return hex.EncodeToString(b[:])
}

func fill(r *rand.Rand, b []byte) {
	for i := 0; i < len(b); i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
}

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func stamp(r *rand.Rand) string {
	return epoch.Add(time.Duration(r.Int64N(365*24*3600)) * time.Second).Format(time.DateTime)
}

var agents = [...]string{
	"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
	"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
}

// cell is one value: a string, a number, or NULL.
type cell struct {
	s    string
	num  bool
	null bool
}

func str(s string) cell  { return cell{s: s} }
func num(n int) cell     { return cell{s: strconv.Itoa(n), num: true} }
func numS(s string) cell { return cell{s: s, num: true} }
func nullable(s string) cell {
	if s == "" {
		return cell{null: true}
	}
	return cell{s: s}
}

// rows calls fn for every row of every table, in Schema order.
func rows(s Scale, fn func(table int, row []cell) error) error {
	r := rand.New(rand.NewPCG(s.Seed, 7))
	row := make([]cell, 0, 8)
	emit := func(t int, cells ...cell) error { return fn(t, append(row[:0], cells...)) }
	for id := 1; id <= s.Users; id++ {
		if err := emit(0, num(id), str(Username(id)), str(Email(id)), nullable(Phone(id)),
			str(fmt.Sprintf("$2y$10$%016x", r.Uint64())), str(Role(id)), str(stamp(r)), str(IP(id))); err != nil {
			return err
		}
	}
	user := func() int { return 1 + r.IntN(s.Users) }
	for id := 1; id <= s.Logins; id++ {
		if err := emit(1, num(id), num(user()), str(IP(r.IntN(762))), str(agents[id%len(agents)]), str(stamp(r))); err != nil {
			return err
		}
	}
	for id := 1; id <= s.Uploads; id++ {
		u := 10 * (1 + r.IntN(max(1, s.Users/10)))
		if u > s.Users {
			u = user()
		}
		if err := emit(2, num(id), num(u), str(UploadSHA256(s.Seed, id)), str(UploadMD5(s.Seed, id)),
			str(fmt.Sprintf("clip_%d.mp4", id)), num(1000+r.IntN(1<<30)), str(stamp(r))); err != nil {
			return err
		}
	}
	for id := 1; id <= s.Views; id++ {
		if err := emit(3, num(id), num(user()), num(1+r.IntN(max(1, s.Uploads))), str(stamp(r))); err != nil {
			return err
		}
	}
	for id := 1; id <= s.Messages; id++ {
		body := fmt.Sprintf("it's message %d, \"quoted\"\nsecond line \\ end", id)
		if err := emit(4, num(id), num(user()), num(user()), str(body), str(stamp(r))); err != nil {
			return err
		}
	}
	for id := 1; id <= s.Users; id += 3 {
		if err := emit(5, num(id), num(id), str("ETH"), str(Address(s.Seed, id))); err != nil {
			return err
		}
	}
	for id := 1; id <= s.Payments; id++ {
		u := 1 + 3*r.IntN(max(1, (s.Users+2)/3))
		var tx [32]byte
		fill(r, tx[:])
		amount := fmt.Sprintf("0.%06d", r.IntN(1_000_000))
		if err := emit(6, num(id), num(u), str("ETH"), str(Address(s.Seed, u)), str("0x"+hex.EncodeToString(tx[:])), numS(amount), str(stamp(r))); err != nil {
			return err
		}
	}
	return nil
}

// WriteMySQL writes the platform as mysqldump does: a header, per table
// DROP/CREATE TABLE, LOCK TABLES and extended INSERTs of about 1 MB.
func WriteMySQL(w io.Writer, s Scale) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: platform\n" +
		"-- ------------------------------------------------------\n/*!40101 SET NAMES utf8mb4 */;\n/*!40103 SET TIME_ZONE='+00:00' */;\n\n")
	cur := -1
	var stmt []byte
	flush := func() {
		if len(stmt) > 0 {
			bw.Write(stmt)
			bw.WriteString(";\n")
			stmt = stmt[:0]
		}
	}
	endTable := func() {
		flush()
		if cur >= 0 {
			fmt.Fprintf(bw, "/*!40000 ALTER TABLE `%s` ENABLE KEYS */;\nUNLOCK TABLES;\n\n", Schema[cur].Table)
		}
	}
	err := rows(s, func(t int, row []cell) error {
		if t != cur {
			endTable()
			cur = t
			fmt.Fprintf(bw, "--\n-- Table structure for table `%s`\n--\n\nDROP TABLE IF EXISTS `%s`;\nCREATE TABLE `%s` (\n", Schema[t].Table, Schema[t].Table, Schema[t].Table)
			for i, c := range Schema[t].Columns {
				typ := "varchar(255) DEFAULT NULL"
				if c == "id" {
					typ = "bigint NOT NULL AUTO_INCREMENT"
				}
				fmt.Fprintf(bw, "  `%s` %s,\n", c, typ)
				_ = i
			}
			fmt.Fprintf(bw, "  PRIMARY KEY (`id`),\n  KEY `idx_%s` (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;\n\n", Schema[t].Table)
			fmt.Fprintf(bw, "LOCK TABLES `%s` WRITE;\n/*!40000 ALTER TABLE `%s` DISABLE KEYS */;\n", Schema[t].Table, Schema[t].Table)
		}
		if len(stmt) > 1<<20 {
			flush()
		}
		if len(stmt) == 0 {
			stmt = append(stmt, "INSERT INTO `"...)
			stmt = append(stmt, Schema[t].Table...)
			stmt = append(stmt, "` VALUES ("...)
		} else {
			stmt = append(stmt, ",("...)
		}
		for i, c := range row {
			if i > 0 {
				stmt = append(stmt, ',')
			}
			switch {
			case c.null:
				stmt = append(stmt, "NULL"...)
			case c.num:
				stmt = append(stmt, c.s...)
			default:
				stmt = appendMySQLString(stmt, c.s)
			}
		}
		stmt = append(stmt, ')')
		return nil
	})
	if err != nil {
		return err
	}
	endTable()
	bw.WriteString("-- Dump completed on 2025-01-01  0:00:00\n")
	return bw.Flush()
}

func appendMySQLString(b []byte, s string) []byte {
	b = append(b, '\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case 0:
			b = append(b, '\\', '0')
		default:
			b = append(b, c)
		}
	}
	return append(b, '\'')
}

// WritePostgres writes the platform as pg_dump's plain format does: DDL,
// then one COPY block per table.
func WritePostgres(w io.Writer, s Scale) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n\n")
	cur := -1
	var line []byte
	err := rows(s, func(t int, row []cell) error {
		if t != cur {
			if cur >= 0 {
				bw.WriteString("\\.\n\n")
			}
			cur = t
			fmt.Fprintf(bw, "CREATE TABLE public.%s (\n    id bigint NOT NULL\n);\n\n", Schema[t].Table)
			fmt.Fprintf(bw, "COPY public.%s (", Schema[t].Table)
			for i, c := range Schema[t].Columns {
				if i > 0 {
					bw.WriteString(", ")
				}
				bw.WriteString(c)
			}
			bw.WriteString(") FROM stdin;\n")
		}
		line = line[:0]
		for i, c := range row {
			if i > 0 {
				line = append(line, '\t')
			}
			if c.null {
				line = append(line, '\\', 'N')
				continue
			}
			for j := 0; j < len(c.s); j++ {
				switch ch := c.s[j]; ch {
				case '\\':
					line = append(line, '\\', '\\')
				case '\n':
					line = append(line, '\\', 'n')
				case '\t':
					line = append(line, '\\', 't')
				case '\r':
					line = append(line, '\\', 'r')
				default:
					line = append(line, ch)
				}
			}
		}
		line = append(line, '\n')
		_, err := bw.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	if cur >= 0 {
		bw.WriteString("\\.\n\n")
	}
	bw.WriteString("--\n-- PostgreSQL database dump complete\n--\n")
	return bw.Flush()
}
