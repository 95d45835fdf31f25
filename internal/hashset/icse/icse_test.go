package icse_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/icse"
)

func syn(s string) []byte { return []byte("vibora-synthetic-" + s) }

func read(t *testing.T, name string) ([]hashset.Record, []*hashset.RejectError, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return hashset.ReadAll(icse.NewReader(f, name, hashset.Options{}))
}

func TestExport(t *testing.T) {
	recs, rejs, err := read(t, "export.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || len(rejs) != 2 {
		t.Fatalf("%d records, rejections %v", len(recs), rejs)
	}
	r := recs[0]
	if r.MD5 != md5.Sum(syn("i1")) || r.SHA1 != sha1.Sum(syn("i1")) || len(r.PhotoDNA) != 192 || r.SourceID != "100001" || r.Line != 2 {
		t.Errorf("record 0 hashes/id: %+v", r)
	}
	if r.Distributed != hashset.True || r.VictimIdentified != hashset.False || r.OffenderIdentified != hashset.False ||
		r.Series != "Synthetic Series" || r.Category != "baseline" || r.Class != hashset.ClassCSAM || r.Profile != hashset.ProfileICSE ||
		!reflect.DeepEqual(r.Tags, []string{"media-type:Image"}) {
		t.Errorf("record 0 classification: %+v", r)
	}
	r = recs[1]
	if r.MD5 != md5.Sum(syn("i2")) || r.Present != hashset.HasMD5 || r.Series != "Series; with semicolon" || r.Class != hashset.ClassUncategorised || r.VictimIdentified != hashset.True || r.OffenderIdentified != hashset.Unknown {
		t.Errorf("record 1 (quoted): %+v", r)
	}
	if r := recs[2]; r.SHA1 != sha1.Sum(syn("i5")) || r.Line != 6 || r.OffenderIdentified != hashset.True {
		t.Errorf("record 2: %+v", r)
	}
	if rejs[0].Line != 4 || !strings.Contains(rejs[0].Reason, `"maybe" is not a yes/no value`) {
		t.Errorf("rejection 0: %+v", rejs[0])
	}
	if rejs[1].Line != 5 || !strings.Contains(rejs[1].Reason, "only a photodna hash") {
		t.Errorf("rejection 1: %+v", rejs[1])
	}
}

func TestLayouts(t *testing.T) {
	recs, _, err := read(t, "reordered.csv")
	if err != nil || len(recs) != 2 || recs[0].SourceID != "200001" || recs[0].Class != hashset.ClassCSAM || recs[1].Class != hashset.ClassUncategorised || recs[1].MD5 != md5.Sum(syn("r2")) {
		t.Fatalf("reordered: %+v %v", recs, err)
	}
	recs, _, err = read(t, "noheader.csv")
	if err != nil || len(recs) != 1 || recs[0].SourceID != "300001" || recs[0].Class != hashset.ClassCSAM || recs[0].Line != 1 {
		t.Fatalf("no header: %+v %v", recs, err)
	}
	comma := "MD5,Image ID\n" + strings.Repeat("ab", 16) + ",7\n"
	recs, _, err = hashset.ReadAll(icse.NewReader(strings.NewReader(comma), "c", hashset.Options{}))
	if err != nil || len(recs) != 1 || recs[0].SourceID != "7" {
		t.Fatalf("comma: %+v %v", recs, err)
	}
	if _, _, err := hashset.ReadAll(icse.NewReader(strings.NewReader("Image ID;Series\n1;x\n"), "h", hashset.Options{})); err == nil {
		t.Error("header without hash columns accepted")
	}
	recs, rejs, err := hashset.ReadAll(icse.NewReader(strings.NewReader("0123;;;1;;;;;;;;\n"+strings.Repeat("ab", 16)+";;;2;;;;;;;;\n"), "d", hashset.Options{}))
	if err != nil || len(recs) != 1 || len(rejs) != 1 || rejs[0].Line != 1 || recs[0].SourceID != "2" {
		t.Errorf("damaged first line: %v %v %v", recs, rejs, err)
	}
}

func TestBadLinesInMiddle(t *testing.T) {
	good := func(i int) string {
		return strings.Repeat(string("0123456789"[i]), 32) + strings.Repeat(";", len(icse.Header)-1)
	}
	in := strings.Join(icse.Header, ";") + "\n" + good(1) + "\n" + good(2) + ";x;y;z;a;b;c;d;e;f;g;h;i;j\n" + `"` + good(3) + "\n" + good(4) + "\n"
	recs, rejs, err := hashset.ReadAll(icse.NewReader(strings.NewReader(in), "m", hashset.Options{}))
	if err != nil || len(recs) != 2 || len(rejs) != 2 || rejs[0].Line != 3 || rejs[1].Line != 4 || recs[1].Line != 5 {
		t.Fatalf("records %+v rejections %v err %v", recs, rejs, err)
	}
}

// TestShortRowsAndLineEnds: a row with fewer fields than the header is
// rejected, not read with its flags missing; lone CR line ends are lines.
func TestShortRowsAndLineEnds(t *testing.T) {
	md5 := strings.Repeat("ab", 16)
	rows := []string{
		"MD5;Image ID;Is distributed;Victim identified",
		md5 + ";1;Yes;No",
		`"` + strings.Repeat("cd", 16) + `";2;"Yes`, // cut by a line break in a quoted field
		`";No`,
		strings.Repeat("ef", 16) + ";3",
		strings.Repeat("12", 16) + ";4;No;Yes",
	}
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		recs, rejs, err := hashset.ReadAll(icse.NewReader(strings.NewReader(strings.Join(rows, eol)+eol), "s", hashset.Options{}))
		if err != nil || len(recs) != 2 || len(rejs) != 3 || recs[1].SourceID != "4" || recs[1].Line != 6 {
			t.Fatalf("%q: records %+v rejections %v err %v", eol, recs, rejs, err)
		}
		for i, want := range []int64{3, 4, 5} {
			if rejs[i].Line != want {
				t.Errorf("%q: rejection %d at line %d, want %d", eol, i, rejs[i].Line, want)
			}
		}
	}
}

func FuzzICSE(f *testing.F) {
	for _, name := range []string{"export.csv", "reordered.csv", "noheader.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := icse.NewReader(bytes.NewReader(data), "fuzz", hashset.Options{MaxRecordBytes: 512})
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
