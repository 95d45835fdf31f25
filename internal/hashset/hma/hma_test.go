package hma_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/hma"
)

func pdqOf(s string) pdq.Hash { return pdq.Hash(sha256.Sum256([]byte("vibora-synthetic-" + s))) }

func read(t *testing.T, name string) ([]hashset.Record, []*hashset.RejectError, hashset.Meta) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := hma.NewReader(f, name, hashset.Options{})
	recs, rejs, err := hashset.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return recs, rejs, r.Meta()
}

func TestBankExport(t *testing.T) {
	recs, rejs, meta := read(t, "bank_export.csv")
	if meta.FormatVersion != "header" || len(recs) != 4 || len(rejs) != 2 {
		t.Fatalf("meta %+v records %d rejections %v", meta, len(recs), rejs)
	}
	r := recs[0]
	if r.Present != hashset.HasPDQ|hashset.HasPDQQuality || r.PDQ != pdqOf("h1") || r.PDQQuality != 90 || r.SourceID != "1" ||
		!reflect.DeepEqual(r.Tags, []string{"synthetic", "test", "bank:SYNTHETIC_BANK"}) || r.Class != hashset.ClassUncategorised || r.Profile != "hma" || r.Line != 2 {
		t.Errorf("record 0: %+v", r)
	}
	if recs[1].PDQ != pdqOf("h2") || recs[1].Has(hashset.HasPDQQuality) {
		t.Errorf("record 1: %+v", recs[1])
	}
	if recs[2].Present != hashset.HasMD5 || recs[2].MD5 != md5.Sum([]byte("vibora-synthetic-h3")) {
		t.Errorf("video md5 record: %+v", recs[2])
	}
	if r := recs[3]; r.PDQQuality != 30 || r.Line != 7 || !reflect.DeepEqual(r.Tags, []string{"a", "b", "bank:SYNTHETIC_BANK"}) {
		t.Errorf("low-quality record kept with quality: %+v", r)
	}
	if rejs[0].Line != 5 || !strings.Contains(rejs[0].Reason, `signal type "tmk_pdqf"`) || rejs[1].Line != 6 || !strings.Contains(rejs[1].Reason, "pdq: want 64 hex characters, got 32") {
		t.Errorf("rejections %v", rejs)
	}
}

func TestHeaderlessLayouts(t *testing.T) {
	recs, rejs, meta := read(t, "te_data.csv")
	if meta.FormatVersion != "hma1" || len(recs) != 2 || len(rejs) != 0 || recs[0].PDQ != pdqOf("t1") || recs[0].SourceID != "1000000000000001" ||
		!reflect.DeepEqual(recs[0].Tags, []string{"media_type_photo", "synthetic"}) || recs[0].Line != 2 || recs[1].Tags != nil {
		t.Fatalf("te data: %+v %+v", meta, recs)
	}
	recs, _, meta = read(t, "pdq_hasher.csv")
	if meta.FormatVersion != "pdq-photo-hasher" || len(recs) != 2 || recs[1].PDQ != pdqOf("x2") || recs[1].PDQQuality != 45 || recs[1].SourceID != "" {
		t.Fatalf("pdq-photo-hasher: %+v %+v", meta, recs)
	}
}

// TestSourceShapes: the layouts found in public sources (see
// docs/hashsets.md): HMA's sample data files (hash, descriptor id, ISO 8601
// added_on, space-separated labels; PDQ and MD5) and python-threatexchange's
// CLI cache rows (indicator id first). Values are synthetic.
func TestSourceShapes(t *testing.T) {
	recs, rejs, meta := read(t, "hma_sample_iso.csv")
	if meta.FormatVersion != hma.LayoutHMA1 || len(recs) != 2 || len(rejs) != 0 || recs[0].PDQ != pdqOf("i1") || recs[0].SourceID != "1000000000000031" ||
		!reflect.DeepEqual(recs[0].Tags, []string{"synthetic_samples", "media_type_photo"}) || recs[1].PDQ != pdqOf("i2") || recs[1].Tags != nil {
		t.Errorf("hma sample: %+v %+v %v", meta, recs, rejs)
	}
	recs, rejs, meta = read(t, "hma_md5_iso.csv")
	if meta.FormatVersion != hma.LayoutHMA1 || len(recs) != 1 || len(rejs) != 0 || recs[0].Present != hashset.HasMD5 ||
		recs[0].MD5 != md5.Sum([]byte("vibora-synthetic-v1")) || recs[0].SourceID != "1000000000000041" {
		t.Errorf("hma md5 sample: %+v %+v %v", meta, recs, rejs)
	}
	recs, rejs, meta = read(t, "te_cache.csv")
	if meta.FormatVersion != hma.LayoutTECache || len(recs) != 2 || len(rejs) != 0 || recs[0].PDQ != pdqOf("c1") || recs[0].SourceID != "1000000000000052" ||
		!reflect.DeepEqual(recs[0].Tags, []string{"indicator:1000000000000051", "synthetic_samples", "media_type_photo"}) ||
		recs[1].PDQ != pdqOf("c2") || !reflect.DeepEqual(recs[1].Tags, []string{"indicator:1000000000000053"}) {
		t.Errorf("te cache: %+v %+v %v", meta, recs, rejs)
	}
}

// TestDatasetCSV: python-threatexchange's "dataset -P --csv" output in
// the column order of another version (signal_type first): columns are
// matched by name, the url signal is rejected with its line.
func TestDatasetCSV(t *testing.T) {
	recs, rejs, meta := read(t, "pytx_dataset.csv")
	if meta.FormatVersion != "header" || len(recs) != 1 || len(rejs) != 1 || recs[0].PDQ != pdqOf("d1") || rejs[0].Line != 3 ||
		!reflect.DeepEqual(recs[0].Tags, []string{"collab:Synthetic Signals", "category:WORTH_INVESTIGATING"}) {
		t.Errorf("dataset csv: %+v %+v %v", meta, recs, rejs)
	}
}

func TestBadInput(t *testing.T) {
	if _, _, err := hashset.ReadAll(hma.NewReader(strings.NewReader("quality,tags\nx,1\n"), "h", hashset.Options{})); err == nil {
		t.Error("header without a signal column accepted")
	}
	recs, rejs, err := hashset.ReadAll(hma.NewReader(strings.NewReader("0123,1\n"+pdqOf("y").String()+",2\n"), "d", hashset.Options{}))
	if err != nil || len(recs) != 1 || len(rejs) != 1 || rejs[0].Line != 1 || recs[0].SourceID != "2" {
		t.Errorf("damaged first line: %v %v %v", recs, rejs, err)
	}
	p := pdqOf("z").String()
	in := "pdq,quality\n" + p + ",101\n" + p + ",x\n" + p + ",1,extra\n\"" + p + "\n" + p + ",99\n"
	recs, rejs, err = hashset.ReadAll(hma.NewReader(strings.NewReader(in), "b", hashset.Options{}))
	if err != nil || len(recs) != 1 || recs[0].Line != 6 || len(rejs) != 4 {
		t.Fatalf("records %+v rejections %v err %v", recs, rejs, err)
	}
	for i, l := range []int64{2, 3, 4, 5} {
		if rejs[i].Line != l {
			t.Errorf("rejection %d at line %d, want %d", i, rejs[i].Line, l)
		}
	}
}

func FuzzHMA(f *testing.F) {
	for _, name := range []string{"bank_export.csv", "te_data.csv", "pdq_hasher.csv", "hma_headerless.csv", "hma_five_columns.csv", "threatexchange_signals.csv",
		"hma_sample_iso.csv", "hma_md5_iso.csv", "te_cache.csv", "pytx_dataset.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := hma.NewReader(bytes.NewReader(data), "fuzz", hashset.Options{MaxRecordBytes: 512})
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
