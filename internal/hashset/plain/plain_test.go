package plain_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/hashsettest"
	"github.com/vibora-project/vibora/internal/hashset/plain"
)

var update = flag.Bool("update", false, "rewrite golden files")

func syn(s string) []byte { return []byte("vibora-synthetic-" + s) }

func read(t *testing.T, name string, opts hashset.Options) ([]hashset.Record, []*hashset.RejectError, hashset.Meta) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := plain.NewReader(f, name, opts)
	recs, rejs, err := hashset.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return recs, rejs, r.Meta()
}

func TestMixed(t *testing.T) {
	recs, rejs, _ := read(t, "mixed.txt", hashset.Options{})
	if len(recs) != 4 || len(rejs) != 1 {
		t.Fatalf("%d records %d rejections %v", len(recs), len(rejs), rejs)
	}
	if recs[0].MD5 != md5.Sum(syn("p1")) || recs[0].Line != 3 || recs[0].Present != hashset.HasMD5 {
		t.Errorf("record 0 %s line %d", recs[0].HexMD5(), recs[0].Line)
	}
	if recs[1].SHA1 != sha1.Sum(syn("p2")) || recs[2].SHA256 != sha256.Sum256(syn("p3")) || recs[2].Present != hashset.HasSHA256 {
		t.Errorf("records 1-2: %s %s", recs[1].HexSHA1(), recs[2].HexSHA256())
	}
	if recs[3].MD5 != md5.Sum(syn("p4")) || recs[3].Line != 7 || recs[3].Class != hashset.ClassUncategorised || recs[3].Profile != hashset.ProfileCustom {
		t.Errorf("record 3: line %d class %q profile %q", recs[3].Line, recs[3].Class, recs[3].Profile)
	}
	if rejs[0].Line != 6 || !strings.Contains(rejs[0].Reason, "10 characters") || rejs[0].Raw != "not-a-hash" {
		t.Errorf("rejection %+v", rejs[0])
	}
}

func TestHash64(t *testing.T) {
	recs, _, _ := read(t, "pdq_hint.txt", hashset.Options{})
	if len(recs) != 2 || recs[0].Present != hashset.HasPDQ || recs[0].PDQ != pdq.Hash(sha256.Sum256(syn("q1"))) {
		t.Fatalf("hint ignored: %+v", recs)
	}
	// Without the hint a 64-hex value is SHA-256 unless the option says PDQ.
	in := hashsettest.Record(1).HexSHA256() + "\n"
	for _, tt := range []struct {
		opt  hashset.HashKind
		want hashset.Has
	}{{hashset.HashAuto, hashset.HasSHA256}, {hashset.HashSHA256, hashset.HasSHA256}, {hashset.HashPDQ, hashset.HasPDQ}} {
		recs, _, err := hashset.ReadAll(plain.NewReader(strings.NewReader(in), "t", hashset.Options{Hash64: tt.opt}))
		if err != nil || len(recs) != 1 || recs[0].Present != tt.want {
			t.Errorf("option %v: %+v %v", tt.opt, recs, err)
		}
	}
	// A header naming the column wins over the option.
	recs, _, err := hashset.ReadAll(plain.NewReader(strings.NewReader("pdq\n"+in), "t", hashset.Options{Hash64: hashset.HashSHA256}))
	if err != nil || len(recs) != 1 || recs[0].Present != hashset.HasPDQ || recs[0].Line != 2 {
		t.Errorf("pdq header: %+v %v", recs, err)
	}
}

func TestColumns(t *testing.T) {
	recs, rejs, meta := read(t, "columns.csv", hashset.Options{Profile: hashset.ProfileVICSUS})
	if len(recs) != 2 || len(rejs) != 1 || meta.FormatVersion != "header" {
		t.Fatalf("%d records %v meta %+v", len(recs), rejs, meta)
	}
	r := recs[0]
	if r.MD5 != md5.Sum(syn("c1")) || r.Class != hashset.ClassCSAM || r.Series != "Series, with comma" ||
		!reflect.DeepEqual(r.Tags, []string{"a", "b"}) || r.VictimIdentified != hashset.True || r.SourceID != "M-1" {
		t.Errorf("record 0 %+v", r)
	}
	if r := recs[1]; r.SHA1 != sha1.Sum(syn("c2")) || r.Class != hashset.ClassUncategorised || r.SourceID != "M-2" {
		t.Errorf("record 1 %+v", r)
	}
	if rejs[0].Line != 4 || !strings.Contains(rejs[0].Reason, `"maybe" is not true/false`) {
		t.Errorf("rejection %+v", rejs[0])
	}
}

func TestPositionalAndMD5Sum(t *testing.T) {
	recs, rejs, _ := read(t, "positional.tsv", hashset.Options{Profile: hashset.ProfileVICSLegacy})
	if len(recs) != 2 || len(rejs) != 0 || recs[0].Series != "Series T" || recs[0].Class != hashset.ClassUncategorised || recs[1].Class != hashset.ClassCSAM {
		t.Fatalf("tsv: %+v %v", recs, rejs)
	}
	recs, rejs, _ = read(t, "md5sum.txt", hashset.Options{})
	if len(recs) != 2 || len(rejs) != 0 || recs[1].MD5 != md5.Sum(syn("s2")) || recs[1].Series != "" {
		t.Fatalf("md5sum: %+v %v", recs, rejs)
	}
}

func TestRejections(t *testing.T) {
	good := hashsettest.Record(2).HexMD5()
	tests := []struct {
		name, in, reason string
		line             int64
	}{
		{"bad hex", good + "\n" + strings.Repeat("g", 32) + "\n" + good + "\n", "invalid hex character 'g'", 2},
		{"empty file md5", "d41d8cd98f00b204e9800998ecf8427e\n" + good + "\n", "empty file", 1},
		{"too long", good + "\n" + strings.Repeat("a", 5000) + "\n" + good + "\n", "exceeds", 2},
		{"quote", "hash,series\n" + good + ",\"open\n" + good + ",x\n", "unterminated", 2},
		{"extra fields", "hash,series\n" + good + ",a,b\n" + good + ",x\n", "3 fields, header has 2", 2},
		{"bad quality", "pdq,quality\n" + hashsettest.Record(3).HexSHA256() + ",101\n" + hashsettest.Record(4).HexSHA256() + ",1\n", "quality", 2},
		{"bad profile", "md5,profile\n" + good + ",nope\n" + good + ",icse\n", "profile", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, rejs, err := hashset.ReadAll(plain.NewReader(strings.NewReader(tt.in), "t", hashset.Options{MaxRecordBytes: 1000}))
			if err != nil {
				t.Fatal(err)
			}
			if len(rejs) != 1 || rejs[0].Line != tt.line || !strings.Contains(rejs[0].Reason, tt.reason) {
				t.Fatalf("rejections %v, want one at line %d containing %q", rejs, tt.line, tt.reason)
			}
			if len(recs) == 0 {
				t.Error("no record after the bad line")
			}
		})
	}
	if _, _, err := hashset.ReadAll(plain.NewReader(strings.NewReader("category,series\nx,1\n"), "t", hashset.Options{})); err == nil || !strings.Contains(err.Error(), "no hash column") {
		t.Errorf("header without hash column: %v", err)
	}
	// A damaged first line is not a header: it is rejected and the rest imported.
	recs, rejs, err := hashset.ReadAll(plain.NewReader(strings.NewReader(good[:20]+"\n"+good+"\n"), "t", hashset.Options{}))
	if err != nil || len(recs) != 1 || len(rejs) != 1 || rejs[0].Line != 1 {
		t.Errorf("damaged first line: %v %v %v", recs, rejs, err)
	}
}

func TestCSVRoundTripAndGolden(t *testing.T) {
	var buf bytes.Buffer
	w := plain.NewCSVWriter(&buf)
	var want []hashset.Record
	for i := 0; i < 8; i++ {
		r := hashsettest.Record(i)
		switch i {
		case 5:
			r.Series = `comma, "quotes" and  spaces `
			r.PhotoDNA = "QUJD"
		case 6:
			r.Profile, r.Category, r.Class = hashset.ProfileICSE, "baseline", hashset.ClassCSAM
			r.SourceID = "IMG-6"
		case 7:
			r.Profile, r.Category, r.Class = hashset.ProfileCAIDUK, "9", hashset.ClassUnmapped
		}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	golden(t, "export.golden.csv", buf.Bytes())
	got, rejs, err := hashset.ReadAll(plain.NewReader(&buf, "rt", hashset.Options{}))
	if err != nil || len(rejs) != 0 || len(got) != len(want) {
		t.Fatalf("%d records, %v, %v", len(got), rejs, err)
	}
	for i := range got {
		got[i].Line = 0
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from output:\n%s", name, got)
	}
}

func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; i < 100_000; i++ {
		buf.WriteString(hashsettest.Record(i).HexMD5())
		buf.WriteByte('\n')
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		recs, _, err := drain(plain.NewReader(bytes.NewReader(data), "b", hashset.Options{}))
		if err != nil || recs != 100_000 {
			b.Fatal(recs, err)
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "records/s")
}

func drain(r hashset.Reader) (n, rej int, err error) {
	for {
		_, err := r.Next()
		switch {
		case err == io.EOF:
			return n, rej, nil
		case hashset.IsReject(err):
			rej++
		case err != nil:
			return n, rej, err
		default:
			n++
		}
	}
}

func FuzzPlain(f *testing.F) {
	for _, name := range []string{"mixed.txt", "pdq_hint.txt", "columns.csv", "positional.tsv", "md5sum.txt", "export.golden.csv",
		"filepath_hash_quality.csv", "photos_pdq.txt", "pdq_named_sha256.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name := "fuzz"
		if len(data)%2 == 1 { // half the inputs go through the file-name PDQ lookahead
			name = "fuzz_pdq.txt"
		}
		r := plain.NewReader(bytes.NewReader(data), name, hashset.Options{MaxRecordBytes: 512})
		for i := 0; i <= len(data)+1; i++ {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if hashset.IsReject(err) {
				continue
			}
			if err != nil {
				return
			}
			if !rec.HasHash() || rec.Line < 1 {
				t.Fatalf("record without hash or line: %+v", rec)
			}
		}
		t.Fatal("reader did not terminate")
	})
}
