package dump

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/vibora-project/vibora/internal/platform/synth"
)

// The MySQL reader reads rows of mysqldump's own shape without copying
// them (plainRow) and every other row the general way. Both must yield
// the same rows and errors: these tests read dumps both ways, in whole
// and in pieces (rows across the buffer's end), and compare everything.

// readTrace reads data with the MySQL reader (general: the general way
// only) and writes every row and error, with every field, to a string.
func readTrace(t testing.TB, data []byte, general bool, wrap func(io.Reader) io.Reader, lim Limits) string {
	t.Helper()
	r, err := Open("d.sql", wrap(bytes.NewReader(data)), MySQL, lim)
	if err != nil {
		t.Fatal(err)
	}
	r.(*mysqlReader).general = general
	var b strings.Builder
	for i := 0; ; i++ {
		if i > len(data)+2 {
			t.Fatalf("more than %d results from %d bytes", len(data)+2, len(data))
		}
		row, err := r.Next()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not a *dump.Error", err)
			}
			fmt.Fprintf(&b, "error %s|%s|%d|%s|%d|%v\n", e.File, e.Table, e.Line, e.Column, e.Offset, e.Err)
			continue
		}
		// Whether an empty value's bytes are nil is left out: the general
		// way's depends on whether its buffer was ever used.
		fmt.Fprintf(&b, "row %s|%q|%d|%d", row.Table, row.Columns, row.Line, row.Offset)
		for _, v := range row.Values {
			fmt.Fprintf(&b, "|%q,%v,%d", v.B, v.Null, cap(v.B)-len(v.B))
		}
		b.WriteByte('\n')
	}
}

var readerWraps = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"bytes", iotest.OneByteReader},
	{"halves", iotest.HalfReader},
}

func samePlainGeneral(t *testing.T, data []byte, lims ...Limits) {
	t.Helper()
	for _, lim := range lims {
		for _, w := range readerWraps {
			want := readTrace(t, data, true, w.wrap, lim)
			if got := readTrace(t, data, false, w.wrap, lim); got != want {
				t.Fatalf("%s, limits %+v: read\n%s\nthe general way\n%s", w.name, lim, got, want)
			}
		}
	}
}

func TestMySQLPlainRowsSameAsGeneral(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.WriteMySQL(&buf, synth.Scale{Users: 50, Logins: 80, Uploads: 30, Views: 20, Messages: 10, Payments: 10, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	samePlainGeneral(t, buf.Bytes(), Limits{}, Limits{MaxValue: 64, MaxRow: 256}, Limits{MaxValue: 3, MaxRow: 40})
	samePlainGeneral(t, []byte(mysqlDump), Limits{}, Limits{MaxValue: 4, MaxRow: 12})
	// Random rows of odd values between plain ones.
	pieces := []string{"1", "-2", "1.5e3", "NULL", "null", "NUL", "NULLS", "0x4869", "0X", "x'6869'", "X'zz'", "b'0101'", "_binary 'ab'",
		"_utf8mb4'x'", "'plain'", "''", "'it''s'", "'a\\'b'", "'\\\\'", "\"dq\"", "\"d\"\"q\"", "'multi\nline'", "' spaced '",
		" 1", "1 ", "\t'x'", "/* c */ 2", "-- c\n3", "#c\n4", "--5", "'unterminated", "CURRENT_TIMESTAMP", "@x", "1:2", "'é'",
		"'\xff'", "(", ")", "", "'" + strings.Repeat("v", 70) + "'", strings.Repeat("9", 70)}
	r := rand.New(rand.NewPCG(3, 4))
	var d strings.Builder
	d.WriteString("CREATE TABLE `t` (`a` int, `b` text, `c` text);\n")
	for range 300 {
		d.WriteString("INSERT INTO `t` VALUES ")
		for j := range 1 + r.IntN(5) {
			if j > 0 {
				d.WriteString([]string{",", ", ", ",\n", " ,"}[r.IntN(4)])
			}
			d.WriteByte('(')
			for k := range [...]int{2, 3, 3, 3, 3, 4}[r.IntN(6)] {
				if k > 0 {
					d.WriteString([]string{",", ",", ",", ", ", ",/**/"}[r.IntN(5)])
				}
				if r.IntN(3) == 0 {
					d.WriteString(pieces[r.IntN(len(pieces))])
				} else {
					d.WriteString([]string{"7", "'ok'", "NULL", "'2024-03-01 05:41:37'"}[r.IntN(4)])
				}
			}
			d.WriteByte(')')
		}
		d.WriteString([]string{";\n", ";", "\n;\n", " ON DUPLICATE KEY UPDATE a=1;\n"}[r.IntN(4)])
	}
	d.WriteString("INSERT INTO u VALUES (1,'no create table'),(2,NULL,3);\nINSERT INTO `t` VALUES (1,'cut")
	samePlainGeneral(t, []byte(d.String()), Limits{}, Limits{MaxValue: 64, MaxRow: 256}, Limits{MaxValue: 3, MaxRow: 10},
		Limits{MaxValue: 8, MaxRow: 6}, Limits{MaxValue: 20, MaxRow: 24})
}

func FuzzMySQLPlainRow(f *testing.F) {
	f.Add([]byte(mysqlDump))
	f.Add([]byte("CREATE TABLE t (a int, b text);\nINSERT INTO t VALUES (1,'a'),(2,NULL),(0x41,'b''c');"))
	f.Fuzz(func(t *testing.T, data []byte) {
		data = append([]byte("-- MySQL dump\n"), data...)
		for _, lim := range []Limits{{MaxValue: 1 << 10, MaxRow: 4 << 10}, {MaxValue: 4, MaxRow: 12}} {
			want := readTrace(t, data, true, iotest.HalfReader, lim)
			if got := readTrace(t, data, false, iotest.HalfReader, lim); got != want {
				t.Fatalf("limits %+v: read\n%s\nthe general way\n%s", lim, got, want)
			}
		}
	})
}
