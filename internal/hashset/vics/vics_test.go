package vics_test

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
	"runtime"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/hashsettest"
	"github.com/vibora-project/vibora/internal/hashset/vics"
)

var update = flag.Bool("update", false, "rewrite golden files")

func syn(s string) []byte { return []byte("vibora-synthetic-" + s) }

func readFile(t *testing.T, name string, opts hashset.Options) ([]hashset.Record, []*hashset.RejectError, hashset.Meta, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := vics.NewReader(f, name, opts)
	recs, rejs, err := hashset.ReadAll(r)
	return recs, rejs, r.Meta(), err
}

func TestReadMediaV2(t *testing.T) {
	recs, rejs, meta, err := readFile(t, "media_v2.json", hashset.Options{})
	if err != nil || len(rejs) != 0 {
		t.Fatalf("err %v, rejections %v", err, rejs)
	}
	wantMeta := hashset.Meta{Format: "vics", FormatVersion: "2.0", Document: "media", Profile: hashset.ProfileVICSUS,
		Context: "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media"}
	if meta != wantMeta {
		t.Errorf("meta %+v, want %+v", meta, wantMeta)
	}
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4", len(recs))
	}
	r := recs[0]
	if r.MD5 != md5.Sum(syn("a")) || r.SHA1 != sha1.Sum(syn("a")) || !r.Has(hashset.HasMD5|hashset.HasSHA1) || r.Has(hashset.HasSHA256) {
		t.Errorf("record 0 hashes: %s %s present %b", r.HexMD5(), r.HexSHA1(), r.Present)
	}
	if len(r.PhotoDNA) != 192 {
		t.Errorf("photodna kept as %d chars, want 192", len(r.PhotoDNA))
	}
	if r.Class != hashset.ClassCSAM || r.Category != "1" || r.Profile != hashset.ProfileVICSUS {
		t.Errorf("record 0 class %q category %q profile %q", r.Class, r.Category, r.Profile)
	}
	if r.VictimIdentified != hashset.True || r.OffenderIdentified != hashset.False || r.Distributed != hashset.True {
		t.Errorf("flags %v %v %v", r.VictimIdentified, r.OffenderIdentified, r.Distributed)
	}
	if r.Series != "Synthetic Series A" || !reflect.DeepEqual(r.Tags, []string{"alpha", "beta", "gamma"}) || r.SourceID != "1" || r.Line != 4 {
		t.Errorf("series %q tags %q id %q line %d", r.Series, r.Tags, r.SourceID, r.Line)
	}
	if r := recs[1]; r.Class != hashset.ClassNotPertinent || r.Category != "0" || r.SourceID != "2" || r.Line != 22 {
		t.Errorf("record 1: class %q category %q id %q line %d", r.Class, r.Category, r.SourceID, r.Line)
	}
	if r := recs[2]; r.Class != hashset.ClassUncategorised || r.Present != hashset.HasSHA1 || r.VictimIdentified != hashset.Unknown {
		t.Errorf("record 2: class %q present %b victim %v", r.Class, r.Present, r.VictimIdentified)
	}
	r = recs[3]
	if r.SHA256 != sha256.Sum256(syn("d")) || r.PDQ != pdq.Hash(sha256.Sum256(syn("pdq-d"))) || !r.Has(hashset.HasPDQQuality) || r.PDQQuality != 87 {
		t.Errorf("record 3 alternative hashes: sha256 %s pdq %s quality %d (present %b)", r.HexSHA256(), r.HexPDQ(), r.PDQQuality, r.Present)
	}
	if r.Class != hashset.ClassExploitive || r.Line != 24 {
		t.Errorf("record 3 class %q line %d", r.Class, r.Line)
	}
}

func TestProfiles(t *testing.T) {
	tests := []struct {
		file, profile string
		want          []hashset.Class
		version, doc  string
	}{
		{"media_v2.json", "", []hashset.Class{"csam", "not_pertinent", "uncategorised", "exploitive"}, "2.0", "media"},
		{"media_v2.json", hashset.ProfileVICSLegacy, []hashset.Class{"csam", "uncategorised", "uncategorised", "exploitive"}, "2.0", "media"},
		{"media_v13.json", "", []hashset.Class{"cgi", "comparison"}, "1.3", "media"},
		{"cases_v2_uk.json", "", []hashset.Class{"uncategorised", "unmapped", "uncategorised"}, "2.0", "cases"},
		{"cases_v2_uk.json", hashset.ProfileVICSUS, []hashset.Class{"not_pertinent", "unmapped", "uncategorised"}, "2.0", "cases"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.profile, func(t *testing.T) {
			recs, rejs, meta, err := readFile(t, tt.file, hashset.Options{Profile: tt.profile})
			if err != nil || len(rejs) != 0 {
				t.Fatalf("err %v rejections %v", err, rejs)
			}
			var got []hashset.Class
			for _, r := range recs {
				got = append(got, r.Class)
				if r.Profile != meta.Profile {
					t.Errorf("record profile %q, meta %q", r.Profile, meta.Profile)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("classes %v, want %v", got, tt.want)
			}
			if meta.FormatVersion != tt.version || meta.Document != tt.doc {
				t.Errorf("meta %+v", meta)
			}
		})
	}
}

func TestMediaV13PhotoDNAInAlternativeHashes(t *testing.T) {
	recs, _, _, err := readFile(t, "media_v13.json", hashset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs[0].PhotoDNA) != 192 || recs[0].SourceID != "10" || recs[0].MD5 != md5.Sum(syn("e")) {
		t.Errorf("record 0: photodna %d chars, id %q, md5 %s", len(recs[0].PhotoDNA), recs[0].SourceID, recs[0].HexMD5())
	}
}

func TestCasesNested(t *testing.T) {
	recs, _, _, err := readFile(t, "cases_v2_uk.json", hashset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		md5  [16]byte
		line int64
		dist hashset.Tri
	}{{md5.Sum(syn("g")), 11, hashset.False}, {md5.Sum(syn("h")), 13, hashset.Unknown}, {md5.Sum(syn("i")), 19, hashset.Unknown}}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		if recs[i].MD5 != w.md5 || recs[i].Line != w.line || recs[i].Distributed != w.dist {
			t.Errorf("record %d: md5 %s line %d distributed %v", i, recs[i].HexMD5(), recs[i].Line, recs[i].Distributed)
		}
	}
}

func TestBadRecordsDoNotAbort(t *testing.T) {
	recs, rejs, _, err := readFile(t, "bad_middle.json", hashset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].SourceID != "1" || recs[1].SourceID != "10" || recs[1].Line != 13 {
		t.Fatalf("records %+v", recs)
	}
	want := []struct {
		line   int64
		reason string
	}{
		{4, "MD5: md5: want 32 hex characters, got 31"},
		{5, "MD5: md5: invalid hex character 'x' at 1"},
		{6, "no usable hash"},
		{7, "md5 is the digest of an empty file"},
		{8, "Category: want a number or string"},
		{9, "MD5: want a string"},
		{10, "only a photodna hash"},
		{11, "AlternativeHashes SHA256: sha256: want 64 hex characters, got 2"},
	}
	if len(rejs) != len(want) {
		t.Fatalf("%d rejections, want %d: %v", len(rejs), len(want), rejs)
	}
	for i, w := range want {
		if rejs[i].Line != w.line || !strings.Contains(rejs[i].Reason, w.reason) {
			t.Errorf("rejection %d: line %d %q, want line %d %q", i, rejs[i].Line, rejs[i].Reason, w.line, w.reason)
		}
		if !strings.HasPrefix(rejs[i].Raw, "{") {
			t.Errorf("rejection %d raw %q", i, rejs[i].Raw)
		}
	}
}

func TestFatal(t *testing.T) {
	const ctx = `{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",` + "\n"
	tests := []struct {
		name, doc, want string
		cap             int
	}{
		{"empty", "", "empty document", 0},
		{"not object", `[1,2]`, "want a json object", 0},
		{"no context", `{"value":[]}`, "not a VICS document", 0},
		{"truncated", ctx + `"value":[{"MD5":"`, "truncated", 0},
		{"syntax", ctx + "\"value\":[\n{\"MD5\":\"00\"},\n{\"MD5\" \"x\"}]}", "line 4: malformed json at column 8 (byte 138)", 0},
		{"value not array", ctx + `"value":{}}`, "value: want an array", 0},
		{"trailing", ctx + `"value":[]} {}`, "data after", 0},
		{"too big", ctx + `"value":[{"Comments":"` + strings.Repeat("x", 200<<10) + `"}]}`, "exceeds", 1024},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vics.NewReader(strings.NewReader(tt.doc), "t.json", hashset.Options{MaxRecordBytes: tt.cap})
			_, _, err := hashset.ReadAll(r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want it to contain %q", err, tt.want)
			}
			if _, err2 := r.Next(); err2 == nil || err2 == io.EOF {
				t.Errorf("Next after a fatal error returned %v", err2)
			}
		})
	}
}

func TestAlternativeHashesNotCarriedOver(t *testing.T) {
	p1, p2 := hashsettest.Record(0).HexPDQ(), hashsettest.Record(3).HexPDQ()
	doc := `{"@odata.context":"x#Media","value":[
{"AlternativeHashes":[{"HashName":"PDQ","HashValue":"` + p1 + `","Quality":5},{"HashName":"SHA256","HashValue":"` + p2 + `"}]},
{"AlternativeHashes":[{"HashValue":"` + p2 + `","HashName":"PDQ"}]}]}`
	recs, rejs, err := hashset.ReadAll(vics.NewReader(strings.NewReader(doc), "t", hashset.Options{}))
	if err != nil || len(rejs) != 0 || len(recs) != 2 {
		t.Fatalf("%v %v %v", recs, rejs, err)
	}
	if recs[1].Present != hashset.HasPDQ || recs[1].HexPDQ() != p2 {
		t.Errorf("second record inherited fields of the first: present %b", recs[1].Present)
	}
}

func TestContextAfterValueAndEmpty(t *testing.T) {
	doc := `{"value":[{"MD5":"` + hashsettest.Record(1).HexMD5() + `","Category":1}],"odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml#Media"}`
	r := vics.NewReader(strings.NewReader(doc), "t", hashset.Options{})
	recs, _, err := hashset.ReadAll(r)
	if err != nil || len(recs) != 1 || r.Meta().FormatVersion != "1.2" {
		t.Fatalf("recs %d err %v meta %+v", len(recs), err, r.Meta())
	}
	doc = `{"@odata.context":"x#Media","value":[` + "\n1,\n\"x\",\n" + `{"MD5":"` + hashsettest.Record(2).HexMD5() + `"}]}`
	recs, rejs, err := hashset.ReadAll(vics.NewReader(strings.NewReader(doc), "t", hashset.Options{}))
	if err != nil || len(recs) != 1 || recs[0].Line != 4 || len(rejs) != 2 || rejs[0].Line != 2 || !strings.Contains(rejs[1].Reason, "want a json object") {
		t.Fatalf("non-object media: %+v %v %v", recs, rejs, err)
	}
	r = vics.NewReader(strings.NewReader(`{"@odata.context":"x#Media","value":[]}`), "t", hashset.Options{})
	if recs, _, err := hashset.ReadAll(r); err != nil || len(recs) != 0 {
		t.Fatalf("empty set: %d records, %v", len(recs), err)
	}
}

// TestRoundTrip writes synthetic records and reads them back unchanged.
func TestRoundTrip(t *testing.T) {
	var want []hashset.Record
	var buf bytes.Buffer
	w := vics.NewWriter(&buf)
	for i := 0; i < 500; i++ {
		r := hashsettest.Record(i)
		if i == 7 {
			r.Series = "quote \" backslash \\ newline \n <tag> ünïcödé"
			r.PhotoDNA = "AAAA"
		}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, rejs, err := hashset.ReadAll(vics.NewReader(&buf, "rt", hashset.Options{}))
	if err != nil || len(rejs) != 0 {
		t.Fatalf("err %v rejections %v", err, rejs)
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Line != int64(i+2) {
			t.Errorf("record %d line %d", i, got[i].Line)
		}
		got[i].Line = 0
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("record %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestWriterGolden(t *testing.T) {
	var buf bytes.Buffer
	w := vics.NewWriter(&buf)
	for i := 0; i < 6; i++ {
		r := hashsettest.Record(i)
		if i == 5 {
			r.Category, r.Profile, r.Class = "7", hashset.ProfileCAIDUK, hashset.ClassUnmapped
			r.SourceID = "ICSE-0042"
		}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	golden(t, "export.golden.json", buf.Bytes())

	buf.Reset()
	w = vics.NewWriter(&buf)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	golden(t, "export_empty.golden.json", buf.Bytes())
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

// TestHeapFlat reads a generated document of n and 10n records and checks
// the live heap does not grow with the document (generous margin; not a
// timing test).
func TestHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 300k generated records")
	}
	live := func(n int) uint64 {
		src := hashsettest.VICS(n)
		defer src.Close()
		r := vics.NewReader(src, "gen", hashset.Options{})
		var peak uint64
		var ms runtime.MemStats
		for i := 0; ; i++ {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if i%(n/4) == n/8 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		return peak
	}
	small, big := live(30_000), live(300_000)
	t.Logf("live heap after GC: %d KiB at 30k records, %d KiB at 300k", small>>10, big>>10)
	if big > small+8<<20 {
		t.Errorf("heap grew from %d to %d bytes with a 10x larger document", small, big)
	}
}

func BenchmarkRead(b *testing.B) { benchmarkRead(b, vics.NewReader) }

// BenchmarkReadJSON is the encoding/json reader the scanner replaced.
func BenchmarkReadJSON(b *testing.B) {
	benchmarkRead(b, func(r io.Reader, name string, opts hashset.Options) hashset.Reader {
		return vics.NewJSONReader(r, name, opts)
	})
}

func benchmarkRead[R hashset.Reader](b *testing.B, open func(io.Reader, string, hashset.Options) R) {
	const n = 100_000
	var buf bytes.Buffer
	w := vics.NewWriter(&buf)
	for i := 0; i < n; i++ {
		r := hashsettest.Record(i)
		w.Write(&r)
	}
	w.Close()
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := open(bytes.NewReader(data), "bench", hashset.Options{})
		count := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != n {
			b.Fatalf("%d records", count)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkWrite(b *testing.B) {
	recs := make([]hashset.Record, 1000)
	for i := range recs {
		recs[i] = hashsettest.Record(i)
	}
	b.ReportAllocs()
	w := vics.NewWriter(io.Discard)
	for i := 0; i < b.N; i++ {
		w.Write(&recs[i%len(recs)])
	}
	w.Close()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func FuzzVICS(f *testing.F) {
	for _, name := range []string{"media_v2.json", "media_v13.json", "cases_v2_uk.json", "bad_middle.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"@odata.context":"#Cases","value":[{"Media":[{"MD5":"` + strings.Repeat("A", 32) + `"}]},{}]}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := vics.NewReader(bytes.NewReader(data), "fuzz", hashset.Options{MaxRecordBytes: 4096})
		for i := 0; i < 10000; i++ {
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
