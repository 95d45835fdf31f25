package format_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/format"
	"github.com/vibora-project/vibora/internal/hashset/hma"
)

// TestListVariants opens each hash-list variant of issue 18 by detection
// (docs/hashsets.md lists them) and checks the format, the hash kinds,
// ids, tags, what the reader says it assumed, and the suggested bank kind.
func TestListVariants(t *testing.T) {
	tests := []struct {
		path     string
		format   string
		kinds    string // hash kinds of the records, in order: "pdq,md5"
		rejected int
		ids      string // source ids, in order
		tag      string // a tag every record carries ("" for none)
		hash64   string // "kind/reason" of Meta().Hash64, "" for nil
		suggest  hashset.Kind
		cats     string // "value=count" of the categories seen
	}{
		{path: "../hma/testdata/te_data.csv", format: "hma", kinds: "pdq,pdq", ids: "1000000000000001,1000000000000002"},
		{path: "../hma/testdata/hma_headerless.csv", format: "hma", kinds: "pdq,pdq,pdq",
			ids: "1000000000000010,1000000000000011,1000000000000012", tag: "synthetic"},
		{path: "../hma/testdata/hma_five_columns.csv", format: "hma", kinds: "pdq,pdq,pdq",
			ids: "1000000000000020,1000000000000021,1000000000000022", tag: "synthetic"},
		{path: "../hma/testdata/threatexchange_signals.csv", format: "hma", kinds: "pdq,md5", rejected: 2, tag: "collab:SYNTHETIC_COLLAB"},
		{path: "../hma/testdata/pdq_hasher.csv", format: "hma", kinds: "pdq,pdq"},
		{path: "../hma/testdata/hma_sample_iso.csv", format: "hma", kinds: "pdq,pdq", ids: "1000000000000031,1000000000000032"},
		{path: "../hma/testdata/hma_md5_iso.csv", format: "hma", kinds: "md5", ids: "1000000000000041", tag: "synthetic_samples"},
		{path: "../hma/testdata/te_cache.csv", format: "hma", kinds: "pdq,pdq", ids: "1000000000000052,1000000000000054"},
		{path: "../plain/testdata/filepath_hash_quality.csv", format: "plain", kinds: "pdq,pdq,pdq", hash64: "pdq/header"},
		{path: "../plain/testdata/evidence_pdq_filepath_hash.csv", format: "plain", kinds: "pdq,pdq,pdq", hash64: "pdq/file name"},
		{path: "../plain/testdata/photos_pdq.txt", format: "plain", kinds: "pdq,pdq,pdq,pdq,pdq,pdq", hash64: "pdq/file name"},
		{path: "../plain/testdata/pdq_named_sha256.txt", format: "plain", kinds: "sha256,sha256,sha256,sha256,sha256",
			hash64: "sha256/" + hashset.Hash64NotPDQLike},
		{path: "../vics/testdata/nsrl_vics12.json", format: "vics", kinds: "md5+sha1,md5+sha1,md5+sha1", ids: "1,2,3",
			suggest: hashset.KindIgnorable, cats: "8=3"},
		{path: "../vics/testdata/media_v2.json", format: "vics", kinds: "", cats: "*"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, err := format.Open(context.Background(), tt.path, format.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, rejs, err := hashset.ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tt.format || len(rejs) != tt.rejected {
				t.Fatalf("format %q, %d rejected (%v); want %q, %d", f.Format, len(rejs), rejs, tt.format, tt.rejected)
			}
			var kinds, ids []string
			for _, r := range recs {
				kinds = append(kinds, kindsOf(r))
				if r.SourceID != "" {
					ids = append(ids, r.SourceID)
				}
				if tt.tag != "" && !slices.Contains(r.Tags, tt.tag) {
					t.Errorf("record line %d tags %v lack %q", r.Line, r.Tags, tt.tag)
				}
				if tt.suggest == hashset.KindIgnorable && r.Class != hashset.ClassKnownGood {
					t.Errorf("record line %d class %s, want known_good", r.Line, r.Class)
				}
			}
			if tt.kinds != "" && strings.Join(kinds, ",") != tt.kinds {
				t.Errorf("kinds %s, want %s", strings.Join(kinds, ","), tt.kinds)
			}
			if tt.ids != "" && strings.Join(ids, ",") != tt.ids {
				t.Errorf("ids %s, want %s", strings.Join(ids, ","), tt.ids)
			}
			m := f.Meta()
			got := ""
			if m.Hash64 != nil {
				got = m.Hash64.Kind.String() + "/" + m.Hash64.Reason
				if m.Hash64.NotPDQLike != 0 {
					t.Errorf("%d values read as PDQ are not PDQ-like", m.Hash64.NotPDQLike)
				}
			}
			if got != tt.hash64 {
				t.Errorf("hash64 %q, want %q", got, tt.hash64)
			}
			if m.SuggestedKind != tt.suggest {
				t.Errorf("suggested kind %q, want %q", m.SuggestedKind, tt.suggest)
			}
			if tt.cats != "" {
				cc, ok := f.Reader.(hashset.CategoryCounter)
				if !ok {
					t.Fatal("reader counts no categories")
				}
				var s []string
				for k, v := range cc.Categories() {
					s = append(s, fmt.Sprintf("%s=%d", k, v))
				}
				if tt.cats != "*" && strings.Join(s, ",") != tt.cats || len(s) == 0 {
					t.Errorf("categories %v, want %s", s, tt.cats)
				}
			}
		})
	}
}

func kindsOf(r hashset.Record) string {
	var k []string
	for _, h := range []struct {
		has  hashset.Has
		name string
	}{{hashset.HasMD5, "md5"}, {hashset.HasSHA1, "sha1"}, {hashset.HasSHA256, "sha256"}, {hashset.HasPDQ, "pdq"}} {
		if r.Has(h.has) {
			k = append(k, h.name)
		}
	}
	return strings.Join(k, "+")
}

// TestHMALayoutByShape: the five-column layout's columns are matched by
// their shape, in any order, and plain lists are not taken for HMA.
func TestHMALayoutByShape(t *testing.T) {
	const h = "5a2b23278f2bce4fae50e67662ff19fa8a6485746a47388d110f500ac8657d7b"
	for _, tc := range []struct {
		line string
		want string
	}{
		{h + ",1000000000000001,1700000000,tag", hma.LayoutHMA1},
		{h + ",123456789,1700000000,tag", hma.LayoutHMA1},
		{h + ",1000000000000001,1700000000,", hma.LayoutHMA1},
		{h + ",1000000000000001,0,1700000000,tag", hma.LayoutHMA1},
		{h + ",0,1000000000000001,1700000000,tag", hma.LayoutHMA1},
		{h + ",1000000000000001,1700000000,tag,0", hma.LayoutHMA1},
		{h + ",90,C:\\img\\a.jpg", hma.LayoutPDQHasher},
		{h + ",100,a.png", hma.LayoutPDQHasher},
		{h + ",1,Series name", ""},                              // plain: hash,category,series
		{h + ",1,2,3", ""},                                      // no timestamp
		{h + ",1000000000000001,1700000000,tag,5", ""},          // five columns without a 0
		{"d41d8cd98f00b204e9800998ecf8427e,1,1700000000,x", ""}, // MD5 with a Unix time: may be plain
		// the shapes of facebook/ThreatExchange hasher-matcher-actioner
		// sample_data/pdq.csv and examples/hma-lite/sample_data/photo_md5.csv
		// (ISO 8601 times, space-separated labels), and of
		// python-threatexchange's CLI cache row (cli/dataset/simple_serialization.py)
		{h + ",1000000000000001,2020-07-31T18:47:52+0000,media_type_photo synthetic", hma.LayoutHMA1},
		{"d41d8cd98f00b204e9800998ecf8427e,1000000000000002,2020-07-31T20:23:47+0000,media_type_video", hma.LayoutHMA1},
		{"1000000000000003," + h + ",1000000000000004,2021-05-07T18:07:52+0000,synthetic", hma.LayoutTECache},
		{h + ",1000000000000001,2020-07-31,tag", ""}, // a date without a time is no added_on
	} {
		fields := strings.Split(tc.line, ",")
		got, _ := hma.Layout(fields)
		if got != tc.want {
			t.Errorf("Layout(%q) = %q, want %q", tc.line, got, tc.want)
		}
		want := "plain"
		if tc.want != "" {
			want = "hma"
		}
		if f, err := format.Detect([]byte(tc.line + "\n")); err != nil || f != want {
			t.Errorf("Detect(%q) = %q, %v; want %s", tc.line, f, err, want)
		}
	}
}

func TestPDQLike(t *testing.T) {
	if !hashset.PDQLike("5a2b23278f2bce4fae50e67662ff19fa8a6485746a47388d110f500ac8657d7b") {
		t.Error("a 128-bit-set value is not PDQ-like")
	}
	for _, v := range []string{strings.Repeat("0", 64), strings.Repeat("f", 64), "abc", strings.Repeat("zz", 32)} {
		if hashset.PDQLike(v) {
			t.Errorf("PDQLike(%q) = true", v)
		}
	}
}
