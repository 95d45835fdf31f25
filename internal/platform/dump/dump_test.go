package dump

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

type got struct {
	rows []string
	errs []*Error
}

// readAll reads every row as "table|col=value|..." (NULL as \N) and every
// error.
func readAll(t testing.TB, name, data string, f Format) got {
	t.Helper()
	r, err := Open(name, strings.NewReader(data), f, Limits{MaxValue: 64, MaxRow: 256})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var g got
	for i := 0; i < 10000; i++ {
		row, err := r.Next()
		if err == io.EOF {
			return g
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not a *dump.Error", err)
			}
			g.errs = append(g.errs, e)
			continue
		}
		var b strings.Builder
		b.WriteString(row.Table)
		for i, v := range row.Values {
			fmt.Fprintf(&b, "|%s=", row.Columns[i])
			if v.Null {
				b.WriteString(`\N`)
			} else {
				fmt.Fprintf(&b, "%q", v.B)
			}
		}
		fmt.Fprintf(&b, "@%d", row.Line)
		g.rows = append(g.rows, b.String())
	}
	t.Fatal("reader does not end")
	return g
}

func same(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

const mysqlDump = "-- MySQL dump 10.13  Distrib 8.0.36\n" +
	"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n" +
	"DROP TABLE IF EXISTS `users`;\n" +
	"CREATE TABLE `users` (\n" +
	"  `id` int NOT NULL AUTO_INCREMENT,\n" +
	"  `name` varchar(64) COLLATE utf8mb4_bin DEFAULT 'a,b' COMMENT 'x)y',\n" +
	"  `data` blob,\n" +
	"  `n` decimal(10,2) DEFAULT NULL,\n" +
	"  PRIMARY KEY (`id`),\n" +
	"  UNIQUE KEY `u` (`name`(10),`id`)\n" +
	") ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4;\n" +
	"LOCK TABLES `users` WRITE;\n" +
	"/*!40000 ALTER TABLE `users` DISABLE KEYS */;\n" +
	"INSERT INTO `users` VALUES (1,'bob\\'s \\\"x\\\"; -- not a comment',_binary 'ab\\0\\n',1.50),(2,'it''s\\%',0x7F000001,NULL),\n" +
	"(3,'multi\nline',X'6869',-2);\n" +
	"/*!40000 ALTER TABLE `users` ENABLE KEYS */;\n" +
	"UNLOCK TABLES;\n" +
	"DELIMITER ;;\n" +
	"CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW BEGIN INSERT INTO users VALUES (9,'no',NULL,NULL); END ;;\n" +
	"DELIMITER ;\n" +
	"# a hash comment\n" +
	"INSERT IGNORE INTO `shop`.`orders` (`oid`, `who`) VALUES (7, 'x') ON DUPLICATE KEY UPDATE who = 'y';\n" +
	"INSERT INTO logins VALUES (1,'192.0.2.1');\n"

func TestMySQL(t *testing.T) {
	g := readAll(t, "dump.sql", mysqlDump, "")
	same(t, g.rows, []string{
		`users|id="1"|name="bob's \"x\"; -- not a comment"|data="ab\x00\n"|n="1.50"@14`,
		`users|id="2"|name="it's\\%"|data="\x7f\x00\x00\x01"|n=\N@14`,
		`users|id="3"|name="multi\nline"|data="hi"|n="-2"@15`,
		`orders|oid="7"|who="x"@23`,
		`logins|col1="1"|col2="192.0.2.1"@24`,
	})
	if len(g.errs) != 0 {
		t.Errorf("errors: %v", g.errs)
	}
}

func TestMySQLBadRowsKeepTheRest(t *testing.T) {
	dump := "CREATE TABLE `t` (`a` int, `b` text);\n" +
		"INSERT INTO `t` VALUES (1,'ok'),(2),(3,'" + strings.Repeat("x", 100) + "'),(4,'fine');\n" +
		"INSERT INTO `t` VALUES (5,'a' 'b'),(6,'lost');\n" +
		"INSERT INTO `t` VALUES (7,'after');\n" +
		"INSERT INTO `t` VALUES (8,'trunc"
	g := readAll(t, "bad.sql", dump, "")
	same(t, g.rows, []string{`t|a="1"|b="ok"@2`, `t|a="4"|b="fine"@2`, `t|a="7"|b="after"@4`})
	want := []struct {
		line int64
		col  string
		err  error
	}{{2, "", ErrColumnCount}, {2, "b", ErrTooLarge}, {3, "b", ErrSyntax}, {5, "", ErrTruncated}}
	if len(g.errs) != len(want) {
		t.Fatalf("errors %v, want %d", g.errs, len(want))
	}
	for i, w := range want {
		e := g.errs[i]
		if e.Line != w.line || e.Column != w.col || !errors.Is(e, w.err) || e.Table != "t" || e.File != "bad.sql" {
			t.Errorf("error %d: %v (line %d column %q), want line %d column %q %v", i, e, e.Line, e.Column, w.line, w.col, w.err)
		}
	}
	if !strings.Contains(g.errs[1].Error(), `bad.sql line 2 table "t" column "b"`) {
		t.Errorf("message %q does not name file, line, table and column", g.errs[1].Error())
	}
}

const pgDump = "--\n-- PostgreSQL database dump\n--\n" +
	"SET client_encoding = 'UTF8';\n" +
	"CREATE FUNCTION f() RETURNS void AS $$\nCOPY is not here\n$$;\n" +
	"COPY public.\"Users\" (id, \"E-mail\", note, raw) FROM stdin;\n" +
	"1\ta@example.org\ttab\\there\\nnew\t\\\\x4869\n" +
	"2\t\\N\toct\\101hex\\x42 back\\\\slash\t\\N\n" +
	"\\.\n" +
	"COPY logins (id, ip) FROM stdin;\r\n" +
	"1\t192.0.2.1\r\n" +
	"2\t198.51.100.2\textra\n" +
	"3\t203.0.113.3\n" +
	"\\.\n" +
	"COPY cut (a) FROM stdin;\n1\n"

func TestPostgres(t *testing.T) {
	g := readAll(t, "pg.sql", pgDump, "")
	same(t, g.rows, []string{
		`Users|id="1"|E-mail="a@example.org"|note="tab\there\nnew"|raw="\\x4869"@9`,
		`Users|id="2"|E-mail=\N|note="octAhexB back\\slash"|raw=\N@10`,
		`logins|id="1"|ip="192.0.2.1"@13`,
		`logins|id="3"|ip="203.0.113.3"@15`,
		`cut|a="1"@18`,
	})
	if len(g.errs) != 2 || !errors.Is(g.errs[0], ErrColumnCount) || g.errs[0].Line != 14 || g.errs[0].Table != "logins" ||
		!errors.Is(g.errs[1], ErrTruncated) || g.errs[1].Table != "cut" {
		t.Errorf("errors %v", g.errs)
	}
}

func TestTSVAndCSV(t *testing.T) {
	tsv := "\xef\xbb\xbfid\tname\n1\tann\\tb\n2\t\\N\n3\n"
	g := readAll(t, "dir/users.tsv", tsv, "")
	same(t, g.rows, []string{`users|id="1"|name="ann\tb"@2`, `users|id="2"|name=\N@3`})
	if len(g.errs) != 1 || !errors.Is(g.errs[0], ErrColumnCount) || g.errs[0].Line != 4 {
		t.Errorf("tsv errors %v", g.errs)
	}
	csvData := "id;name;note\r\n1;\"a;b\";\"multi\nline\"\r\n2;x\r\n3;\\N;ok\r\n"
	g = readAll(t, "logins.csv", csvData, "")
	same(t, g.rows, []string{`logins|id="1"|name="a;b"|note="multi\nline"@2`, `logins|id="3"|name=\N|note="ok"@5`})
	if len(g.errs) != 1 || !errors.Is(g.errs[0], ErrColumnCount) || g.errs[0].Line != 4 {
		t.Errorf("csv errors %v", g.errs)
	}
	g = readAll(t, "long.csv", "a,b\n"+strings.Repeat("x", 1000)+"\n", "")
	if len(g.errs) != 1 || !strings.Contains(g.errs[0].Error(), "row size limit") {
		t.Errorf("long csv line: %v", g.errs)
	}
}

func TestDetect(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(mysqlDump))
	zw.Close()
	r, err := Open("dump.sql.gz", &gz, "", Limits{})
	if err != nil || r.Format() != MySQL {
		t.Fatalf("gzip: %v", err)
	}
	n := 0
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 5 {
		t.Errorf("gzip: %d rows", n)
	}
	for _, c := range []struct{ name, head, err string }{
		{"x.dump", "PGDMP\x01\x0e", "pg_restore -f"},
		{"x.db", "SQLite format 3\x00", "SQLite"},
		{"x.bin", "\x00\x01\x02", "not a MySQL"},
	} {
		if _, err := Open(c.name, strings.NewReader(c.head), "", Limits{}); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want %q", c.name, err, c.err)
		}
	}
	if r, _ := Open("pg.sql", strings.NewReader(pgDump), "", Limits{}); r.Format() != Postgres {
		t.Error("pg dump not detected")
	}
}

// fuzzRead reads everything a reader yields and checks that it ends and
// that every error names the file and a line.
func fuzzRead(t *testing.T, name string, data []byte) {
	r, err := Open(name, bytes.NewReader(data), "", Limits{MaxValue: 1 << 10, MaxRow: 4 << 10})
	if err != nil {
		return
	}
	for i := 0; i <= len(data)+2; i++ {
		row, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != name || e.Line < 1 {
				t.Fatalf("bad error %#v", err)
			}
			continue
		}
		if len(row.Values) != len(row.Columns) {
			t.Fatalf("row with %d values and %d columns", len(row.Values), len(row.Columns))
		}
	}
	t.Fatalf("more than %d results from %d bytes", len(data)+2, len(data))
}

func FuzzMySQL(f *testing.F) {
	f.Add([]byte(mysqlDump))
	f.Add([]byte("INSERT INTO t VALUES (1,'a'),(2,'b');"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.sql", append([]byte("-- MySQL dump\n"), data...)) })
}

func FuzzPostgres(f *testing.F) {
	f.Add([]byte(pgDump))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.sql", append([]byte("-- PostgreSQL database dump\n"), data...))
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("id;name\n1;\"a\"\"b\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.csv", data) })
}

func FuzzTSV(f *testing.F) {
	f.Add([]byte("id\tname\n1\t\\N\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.tsv", data) })
}
