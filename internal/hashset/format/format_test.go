package format_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/format"
	"github.com/vibora-project/vibora/internal/hashset/hashsettest"
	"github.com/vibora-project/vibora/internal/hashset/nsrl/nsrltest"
)

func TestDetect(t *testing.T) {
	md5 := hashsettest.Record(1).HexMD5()
	tests := []struct {
		name, head, want string
	}{
		{"sqlite", "SQLite format 3\x00\x10\x00", "nsrl"},
		{"vics", "\xef\xbb\xbf\r\n  {\"@odata.context\":1", "vics"},
		{"icse header", "\xef\xbb\xbfMD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name;Number of submissions;File Available;Media Type;Baseline\n", "icse"},
		{"icse reordered", "\"Image ID\",\"MD5\"\n", "icse"},
		{"icse headerless", md5 + ";;;1;;;;;;;;yes\n", "icse"},
		{"hma header", "# exported\nsignal_type,signal_value,bank_content_id\n", "hma"},
		{"hma te header", "pdq_hash\tindicator_id\n", "hma"},
		{"plain", "# list\n\n" + md5 + "\n", "plain"},
		{"plain columns", "hash,category,series\n", "plain"},
		{"plain csv export", "md5,sha1,sha256,pdq,pdq_quality,photodna,category\n", "plain"},
		{"headerless hma looks plain", md5 + ",1000000001,1700000000,tag\n", "plain"},
		{"comments only", "# nothing\n", "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := format.Detect([]byte(tt.head))
			if err != nil || got != tt.want {
				t.Errorf("Detect = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", " \n\t", "\x00\x01binary"} {
		if _, err := format.Detect([]byte(bad)); !errors.Is(err, format.ErrUnknown) {
			t.Errorf("Detect(%q) err %v", bad, err)
		}
	}
}

func TestOpen(t *testing.T) {
	nsrlPath := filepath.Join(t.TempDir(), "rds.db")
	if err := nsrltest.Build(context.Background(), nsrlPath, 40, "2024.03.1"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, format, want string
		records, rejected  int
		opts               hashset.Options
	}{
		{"../vics/testdata/media_v2.json", "", "vics", 4, 0, hashset.Options{}},
		{"../vics/testdata/cases_v2_uk.json", "", "vics", 3, 0, hashset.Options{}},
		{"../vics/testdata/bad_middle.json", "", "vics", 2, 8, hashset.Options{}},
		{"../icse/testdata/export.csv", "", "icse", 3, 2, hashset.Options{}},
		{"../icse/testdata/reordered.csv", "", "icse", 2, 0, hashset.Options{}},
		{"../hma/testdata/bank_export.csv", "", "hma", 4, 2, hashset.Options{}},
		{"../hma/testdata/te_data.csv", "hma", "hma", 2, 0, hashset.Options{}},
		{"../hma/testdata/te_data.csv", "", "hma", 2, 0, hashset.Options{}},
		{"../plain/testdata/mixed.txt", "auto", "plain", 4, 1, hashset.Options{}},
		{"../plain/testdata/export.golden.csv", "", "plain", 8, 0, hashset.Options{}},
		{nsrlPath, "", "nsrl", 40, 0, hashset.Options{}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path)+"/"+tt.format, func(t *testing.T) {
			f, err := format.Open(context.Background(), tt.path, format.Options{Options: tt.opts, Format: tt.format})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, rejs, err := hashset.ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tt.want || f.Meta().Format != tt.want || len(recs) != tt.records || len(rejs) != tt.rejected {
				t.Errorf("format %q (meta %q): %d records, %d rejected; want %q %d %d", f.Format, f.Meta().Format, len(recs), len(rejs), tt.want, tt.records, tt.rejected)
			}
			b, err := os.ReadFile(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := f.SHA256()
			if err != nil || sum != sha256.Sum256(b) {
				t.Errorf("SHA256 %x, %v; want %x", sum, err, sha256.Sum256(b))
			}
			if done, total := f.Progress(); total != int64(len(b)) || (tt.want != "nsrl" && done != total) {
				t.Errorf("progress %d/%d, size %d", done, total, len(b))
			}
		})
	}
}

func TestSHA256CoversTrailingBytes(t *testing.T) {
	// The VICS reader stops at the closing brace; the digest must still
	// cover the whole file.
	doc := `{"@odata.context":"x#Media","value":[]}` + strings.Repeat("\n", 70000)
	path := filepath.Join(t.TempDir(), "v.json")
	os.WriteFile(path, []byte(doc), 0o644)
	f, err := format.Open(context.Background(), path, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := hashset.ReadAll(f); err != nil {
		t.Fatal(err)
	}
	if sum, _ := f.SHA256(); sum != sha256.Sum256([]byte(doc)) {
		t.Error("digest does not cover the whole file")
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.WriteFile(bin, []byte("\x00\x01\x02"), 0o644)
	other := filepath.Join(dir, "other.db")
	os.WriteFile(other, append([]byte("SQLite format 3\x00"), make([]byte, 100)...), 0o644)
	for _, tt := range []struct {
		path, format, profile, want string
	}{
		{bin, "", "", "binary data"},
		{dir, "vics", "", "a directory is read as video hash lists"},
		{filepath.Join(dir, "missing"), "", "", "no such file"},
		{bin, "xml", "", `format "xml"`},
		{bin, "", "dhs", `profile "dhs"`},
		{other, "", "", "nsrl"},
	} {
		_, err := format.Open(context.Background(), tt.path, format.Options{Format: tt.format, Options: hashset.Options{Profile: tt.profile}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%s, %q, %q) = %v, want %q", filepath.Base(tt.path), tt.format, tt.profile, err, tt.want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"SQLite format 3\x00", "{", "MD5;SHA1\n", "signal_type,signal_value\n", "# x\n" + strings.Repeat("ab", 16)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		name, err := format.Detect(head)
		if err == nil && name == "" {
			t.Fatal("no format and no error")
		}
		if err != nil && !errors.Is(err, format.ErrUnknown) {
			t.Fatalf("error %v does not wrap ErrUnknown", err)
		}
	})
}

// TestReaderContract checks what every reader promises the importer:
// records carry a hash and a line, lines never go backwards, rejections
// carry a line and a reason, and io.EOF is sticky.
func TestReaderContract(t *testing.T) {
	paths, _ := filepath.Glob("../*/testdata/*")
	nsrlPath := filepath.Join(t.TempDir(), "rds.db")
	if err := nsrltest.Build(context.Background(), nsrlPath, 25, "v"); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, nsrlPath)
	tested := 0
	for _, path := range paths {
		f, err := format.Open(context.Background(), path, format.Options{})
		if err != nil {
			continue // e.g. empty golden file: detection refuses it
		}
		tested++
		var last int64
		for {
			rec, err := f.Next()
			if err == io.EOF {
				break
			}
			var re *hashset.RejectError
			switch {
			case errors.As(err, &re):
				if re.Line < 1 || re.Line < last || re.Reason == "" {
					t.Errorf("%s: rejection %+v after line %d", path, re, last)
				}
				last = re.Line
			case err != nil:
				t.Errorf("%s: %v", path, err)
			default:
				if !rec.HasHash() || rec.Line < 1 || (f.Format != "nsrl" && rec.Line <= last) || rec.Profile == "" || rec.Class == "" {
					t.Errorf("%s: record %+v after line %d", path, rec, last)
				}
				last = rec.Line
			}
			if err != nil && !hashset.IsReject(err) {
				break
			}
		}
		if _, err := f.Next(); err != io.EOF {
			t.Errorf("%s: Next after EOF = %v", path, err)
		}
		f.Close()
	}
	if tested < 15 {
		t.Errorf("only %d files tested", tested)
	}
}

// TestLoneCRLineEnds: lists whose lines end in a lone carriage return are
// detected and read line by line, with the same records and line numbers
// as with "\n" or "\r\n"; the file digest covers the bytes as they are.
func TestLoneCRLineEnds(t *testing.T) {
	md5s := []string{hashsettest.Record(1).HexMD5(), hashsettest.Record(2).HexMD5(), hashsettest.Record(3).HexMD5()}
	icseHeader := "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name;Number of submissions;File Available;Media Type;Baseline"
	lists := map[string][]string{
		"plain": {"# synthetic", md5s[0], md5s[1], "not-a-hash", md5s[2]},
		"icse":  {icseHeader, md5s[0] + ";;;1;;;;;;;;", md5s[1] + ";;;2;;;;;;;;", "x;;;3;;;;;;;;", md5s[2] + ";;;4;;;;;;;;"},
		"hma":   {"signal_type,signal_value,bank_content_id", "md5," + md5s[0] + ",1", "md5," + md5s[1] + ",2", "md5,zz,3", "md5," + md5s[2] + ",4"},
	}
	for want, lines := range lists {
		for _, eol := range []string{"\n", "\r\n", "\r"} {
			data := strings.Join(lines, eol) + eol
			path := filepath.Join(t.TempDir(), "list.txt")
			os.WriteFile(path, []byte(data), 0o644)
			f, err := format.Open(context.Background(), path, format.Options{})
			if err != nil {
				t.Fatalf("%s %q: %v", want, eol, err)
			}
			recs, rejs, err := hashset.ReadAll(f)
			if err != nil || f.Format != want || len(recs) != 3 || len(rejs) != 1 || rejs[0].Line != 4 || recs[2].Line != 5 {
				t.Errorf("%s %q: format %s, %d records, rejections %v, err %v", want, eol, f.Format, len(recs), rejs, err)
			}
			if sum, _ := f.SHA256(); sum != sha256.Sum256([]byte(data)) {
				t.Errorf("%s %q: digest is not of the file's bytes", want, eol)
			}
			f.Close()
		}
	}
}
