package vics_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/hashsettest"
	"github.com/vibora-project/vibora/internal/hashset/vics"
)

// outcome is everything a reader yields for a document.
type outcome struct {
	recs   []hashset.Record
	rejs   []hashset.RejectError
	fatal  bool
	looped bool // did not end
	meta   hashset.Meta
}

func readOutcome(r hashset.Reader, meta func() hashset.Meta) outcome {
	var o outcome
	for i := 0; ; i++ {
		if i == 10_000 {
			o.looped = true
			break
		}
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var rj *hashset.RejectError
		switch {
		case err == nil:
			o.recs = append(o.recs, rec)
			continue
		case hashset.IsReject(err):
			rj = err.(*hashset.RejectError)
			o.rejs = append(o.rejs, *rj)
			continue
		}
		o.fatal = true
		break
	}
	o.meta = meta()
	return o
}

// genDoc writes a random VICS document: data model 1.1–1.3 or 2.0, #Media
// or #Cases, with the variations real exports and hand edits bring (key
// case, white space, escapes, numbers and booleans as strings or not,
// nulls, repeated keys, unknown keys with nested values, bad hashes,
// elements that are not objects).
func genDoc(r *rand.Rand) string {
	var b strings.Builder
	ws := func() {
		switch r.IntN(6) {
		case 0:
			b.WriteString(" ")
		case 1:
			b.WriteString("\n")
		case 2:
			b.WriteString("\r\n\t ")
		}
	}
	key := func(k string) {
		switch r.IntN(12) {
		case 0:
			k = strings.ToLower(k)
		case 1:
			k = strings.ToUpper(k)
		case 2: // an escaped first letter
			k = fmt.Sprintf(`\u%04x`, k[0]) + k[1:]
		}
		ws()
		b.WriteString(`"` + k + `"`)
		ws()
		b.WriteString(":")
		ws()
	}
	str := func(s string) {
		if r.IntN(8) == 0 && s != "" { // escape one character
			i := r.IntN(len(s))
			s = s[:i] + fmt.Sprintf(`\u%04X`, s[i]) + s[i+1:]
		}
		b.WriteString(`"` + s + `"`)
	}
	var scalar func(depth int)
	scalar = func(depth int) {
		switch r.IntN(10) {
		case 0:
			b.WriteString("null")
		case 1:
			b.WriteString([]string{"true", "false"}[r.IntN(2)])
		case 2:
			b.WriteString([]string{"0", "-1", "12.5", "1e3", "-0.25E-2", "100"}[r.IntN(6)])
		case 3:
			if depth < 3 {
				b.WriteString("{")
				for i := r.IntN(3); i > 0; i-- {
					key(fmt.Sprintf("X%d", r.IntN(5)))
					scalar(depth + 1)
					if i > 1 {
						b.WriteString(",")
					}
				}
				b.WriteString("}")
				return
			}
			b.WriteString(`"deep"`)
		case 4:
			if depth < 3 {
				b.WriteString("[")
				for i := r.IntN(3); i > 0; i-- {
					ws()
					scalar(depth + 1)
					if i > 1 {
						b.WriteString(",")
					}
				}
				b.WriteString("]")
				return
			}
			b.WriteString("[]")
		case 5:
			str(`quote \" backslash \\ slash \/ tab \t nl \n ünïcödé \ud83d\ude00 lone \udc00 end`)
		default:
			str(fmt.Sprintf("text %d", r.IntN(100)))
		}
	}
	hexOf := func(kind string, i int) string {
		rec := hashsettest.Record(i)
		var h string
		switch kind {
		case "MD5":
			h = rec.HexMD5()
		case "SHA1":
			h = rec.HexSHA1()
		case "SHA256":
			h = rec.HexSHA256()
		default:
			h = rec.HexPDQ()
		}
		if h == "" {
			return h
		}
		switch r.IntN(20) {
		case 0:
			h = strings.ToUpper(h)
		case 1:
			h = h[1:] // wrong length
		case 2:
			h = "x" + h[1:] // not hex
		case 3:
			h = " " + h + " "
		}
		return h
	}
	hashValue := func(kind string, i int) {
		switch r.IntN(25) {
		case 0:
			b.WriteString("null")
		case 1:
			b.WriteString(`["` + hexOf(kind, i) + `"]`)
		case 2:
			b.WriteString("12")
		default:
			str(hexOf(kind, i))
		}
	}
	media := func(i int) {
		switch r.IntN(40) {
		case 0:
			b.WriteString("null")
			return
		case 1:
			scalar(3)
			return
		}
		b.WriteString("{")
		var fields []func()
		add := func(f func()) { fields = append(fields, f) }
		add(func() { key("MediaID"); fmt.Fprintf(&b, "%d", i) })
		if r.IntN(4) > 0 {
			add(func() {
				key("Category")
				switch r.IntN(8) {
				case 0:
					fmt.Fprintf(&b, `"%d"`, r.IntN(5))
				case 1:
					scalar(0)
				default:
					fmt.Fprintf(&b, "%d", r.IntN(5))
				}
			})
		}
		for _, k := range []string{"MD5", "SHA1", "SHA256", "PDQ"} {
			if r.IntN(3) > 0 || k == "MD5" && r.IntN(2) == 0 {
				add(func() { key(k); hashValue(k, i) })
			}
		}
		for _, k := range []string{"VictimIdentified", "OffenderIdentified", "IsDistributed"} {
			if r.IntN(3) == 0 {
				add(func() {
					key(k)
					switch r.IntN(4) {
					case 0:
						b.WriteString([]string{"true", "false", "null"}[r.IntN(3)])
					case 1:
						str([]string{"yes", "no", "", "maybe"}[r.IntN(4)])
					default:
						str([]string{"true", "false"}[r.IntN(2)])
					}
				})
			}
		}
		if r.IntN(3) == 0 {
			add(func() { key("Series"); str(fmt.Sprintf(" Series %d ", r.IntN(9))) })
		}
		if r.IntN(3) == 0 {
			add(func() { key("Tags"); str([]string{"a,b", " x ; y | z ", "", ",,"}[r.IntN(4)]) })
		}
		if r.IntN(6) == 0 {
			add(func() { key("PhotoDNA"); str("QUFBQQ==") })
		}
		if r.IntN(50) == 0 {
			add(func() { key("CaseID"); scalar(0) })
		}
		if r.IntN(3) == 0 {
			add(func() {
				key("AlternativeHashes")
				switch r.IntN(15) {
				case 0:
					b.WriteString("null")
					return
				case 1:
					scalar(0)
					return
				}
				b.WriteString("[")
				for j := r.IntN(4); j > 0; j-- {
					ws()
					switch r.IntN(15) {
					case 0:
						b.WriteString("null")
					case 1:
						b.WriteString(`"SHA256"`)
					default:
						name := []string{"SHA256", "SHA-1", "PDQ", "PhotoDNA", "MD5", "EDK", "sha256"}[r.IntN(7)]
						b.WriteString("{")
						key("HashName")
						str(name)
						b.WriteString(",")
						key("HashValue")
						switch strings.ToUpper(name) {
						case "PHOTODNA", "EDK":
							str("QkJCQg==")
						case "SHA-1":
							hashValue("SHA1", i+j)
						default:
							hashValue(strings.ToUpper(name), i+j)
						}
						if r.IntN(3) == 0 {
							b.WriteString(",")
							key("Quality")
							switch r.IntN(4) {
							case 0:
								str("80")
							case 1:
								b.WriteString("101")
							default:
								fmt.Fprintf(&b, "%d", r.IntN(101))
							}
						}
						b.WriteString("}")
					}
					ws()
					if j > 1 {
						b.WriteString(",")
					}
				}
				b.WriteString("]")
			})
		}
		for j := r.IntN(3); j > 0; j-- {
			add(func() { key([]string{"Exifs", "MediaFiles", "Comments", "odata.id"}[r.IntN(4)]); scalar(0) })
		}
		if r.IntN(10) == 0 && len(fields) > 1 { // a repeated key: the last one wins
			fields = append(fields, fields[1+r.IntN(len(fields)-1)])
		}
		r.Shuffle(len(fields), func(a, c int) { fields[a], fields[c] = fields[c], fields[a] })
		for j, f := range fields {
			if j > 0 {
				b.WriteString(",")
			}
			f()
		}
		ws()
		b.WriteString("}")
	}
	version := []string{"1.1", "1.2", "1.3", "2.0"}[r.IntN(4)]
	cases := r.IntN(3) == 0
	ctxKey, url := "odata.metadata", "http://github.com/ICMEC/ProjectVic/DataModels/"+version+".xml#"
	if version == "2.0" {
		ctxKey = "@odata.context"
		url = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/" + []string{"US", "UK", "Default", "Custom"}[r.IntN(4)] + "/$metadata#"
	}
	if cases {
		url += "Cases"
	} else {
		url += "Media"
	}
	if r.IntN(5) == 0 {
		b.WriteString("\xef\xbb\xbf")
	}
	b.WriteString("{")
	key(ctxKey)
	str(url)
	b.WriteString(",")
	if r.IntN(4) == 0 {
		key("odata.count")
		scalar(0)
		b.WriteString(",")
	}
	key("value")
	b.WriteString("[")
	n := r.IntN(30)
	id := 0
	for i := 0; i < n; i++ {
		ws()
		if cases {
			b.WriteString("{")
			key("CaseID")
			fmt.Fprintf(&b, "%d", i)
			if r.IntN(8) > 0 {
				b.WriteString(",")
				key("Media")
				if r.IntN(10) == 0 {
					b.WriteString("null")
				} else {
					b.WriteString("[")
					for j := r.IntN(6); j > 0; j-- {
						ws()
						media(id)
						id++
						if j > 1 {
							b.WriteString(",")
						}
					}
					b.WriteString("]")
				}
			}
			if r.IntN(3) == 0 {
				b.WriteString(",")
				key("CaseName")
				scalar(0)
			}
			b.WriteString("}")
		} else {
			media(id)
			id++
		}
		if i < n-1 {
			b.WriteString(",")
		}
	}
	ws()
	b.WriteString("]")
	ws()
	b.WriteString("}")
	ws()
	return b.String()
}

// TestDifferentialJSON holds the scanner to the encoding/json reader it
// replaced: on generated documents both give the same records, the same
// rejections (line, reason, text) and the same metadata.
func TestDifferentialJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 12))
	rounds := 3000
	if testing.Short() {
		rounds = 300
	}
	totalRecs, totalRejs, fatals := 0, 0, 0
	for i := 0; i < rounds; i++ {
		doc := genDoc(r)
		compareReaders(t, fmt.Sprintf("doc %d", i), []byte(doc))
		if t.Failed() {
			t.Logf("document:\n%s", doc)
			return
		}
		o := readOutcome(vics.NewReader(strings.NewReader(doc), "d", hashset.Options{}), func() hashset.Meta { return hashset.Meta{} })
		totalRecs += len(o.recs)
		totalRejs += len(o.rejs)
		if o.fatal {
			fatals++
		}
	}
	t.Logf("%d documents: %d records, %d rejections, %d fatal", rounds, totalRecs, totalRejs, fatals)
	// The generator must exercise both paths.
	if totalRecs < rounds || totalRejs < rounds/10 {
		t.Fatalf("generator too narrow: %d records, %d rejections", totalRecs, totalRejs)
	}
}

// compareReaders reads doc with both readers and reports differences. A
// fatal error must happen in both; its wording may differ.
func compareReaders(t *testing.T, label string, doc []byte) {
	t.Helper()
	opts := hashset.Options{MaxRecordBytes: 1 << 20}
	nr := vics.NewReader(bytes.NewReader(doc), "d", opts)
	jr := vics.NewJSONReader(bytes.NewReader(doc), "d", opts)
	got := readOutcome(nr, nr.Meta)
	want := readOutcome(jr, func() hashset.Meta { return jr.(interface{ Meta() hashset.Meta }).Meta() })
	if got.looped || want.looped {
		t.Fatalf("%s: a reader did not end: scanner %v, encoding/json %v", label, got.looped, want.looped)
	}
	if got.fatal != want.fatal {
		t.Errorf("%s: fatal error: scanner %v, encoding/json %v", label, got.fatal, want.fatal)
	}
	if !reflect.DeepEqual(got.meta, want.meta) {
		t.Errorf("%s: meta %+v, want %+v", label, got.meta, want.meta)
	}
	if len(got.recs) != len(want.recs) {
		t.Errorf("%s: %d records, want %d", label, len(got.recs), len(want.recs))
	}
	for i := range min(len(got.recs), len(want.recs)) {
		if !reflect.DeepEqual(got.recs[i], want.recs[i]) {
			t.Errorf("%s: record %d:\n got %+v\nwant %+v", label, i, got.recs[i], want.recs[i])
		}
	}
	if len(got.rejs) != len(want.rejs) {
		t.Errorf("%s: %d rejections, want %d:\n got %v\nwant %v", label, len(got.rejs), len(want.rejs), got.rejs, want.rejs)
	}
	for i := range min(len(got.rejs), len(want.rejs)) {
		if got.rejs[i] != want.rejs[i] {
			t.Errorf("%s: rejection %d:\n got %+v\nwant %+v", label, i, got.rejs[i], want.rejs[i])
		}
	}
}

// FuzzDifferentialJSON holds the scanner to the encoding/json reader on
// arbitrary input.
func FuzzDifferentialJSON(f *testing.F) {
	for _, name := range []string{"media_v2.json", "media_v13.json", "cases_v2_uk.json", "bad_middle.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	r := rand.New(rand.NewPCG(7, 7))
	for range 20 {
		f.Add([]byte(genDoc(r)))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		compareReaders(t, "input", doc)
	})
}
