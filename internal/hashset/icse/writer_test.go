package icse

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/vibora-project/vibora/internal/hashset"
)

// TestWriterRoundTrip: what the Writer writes, the Reader reads back,
// series names with the delimiter, quotes and line breaks included.
func TestWriterRoundTrip(t *testing.T) {
	var recs []hashset.Record
	for i, name := range []string{"plain series", `semi;colon "quoted"`, " spaced ", "two\nlines"} {
		var r hashset.Record
		r.SetMD5([16]byte{byte(i + 1)})
		if i%2 == 0 {
			r.SetSHA1([20]byte{byte(i + 7)})
		}
		r.Series, r.SourceID = name, "IMG-"+string(rune('A'+i))
		r.VictimIdentified, r.OffenderIdentified, r.Distributed = hashset.True, hashset.False, hashset.Unknown
		if i == 1 {
			r.Category = "baseline"
			r.Tags = []string{"media-type:image"}
		}
		recs = append(recs, r)
	}
	var b bytes.Buffer
	w := NewWriter(&b)
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil || w.Count() != 4 {
		t.Fatalf("close: %v, count %d", err, w.Count())
	}
	r := NewReader(bytes.NewReader(b.Bytes()), "rt.csv", hashset.Options{})
	for i, want := range recs {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("record %d: %v\n%s", i, err, b.String())
		}
		wantSeries := want.Series
		if i == 3 {
			wantSeries = "two lines"
		}
		if got.MD5 != want.MD5 || got.HexSHA1() != want.HexSHA1() || got.Series != wantSeries || got.SourceID != want.SourceID ||
			got.VictimIdentified != hashset.True || got.OffenderIdentified != hashset.False || got.Distributed != hashset.Unknown ||
			(got.Category == "baseline") != (i == 1) {
			t.Errorf("record %d: got %+v\nwant %+v", i, got, want)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the last record: %v", err)
	}
	var none hashset.Record
	none.SetSHA256([32]byte{1})
	if err := NewWriter(io.Discard).Write(&none); !errors.Is(err, ErrNoICSEHash) {
		t.Errorf("a record without MD5 or SHA1: %v", err)
	}
}
