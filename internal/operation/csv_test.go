package operation

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestWriteCSV(t *testing.T) {
	in := sampleInput()
	in.AsOf = "2025-05-31"
	var b bytes.Buffer
	if err := WriteCSV(&b, Compute(in)); err != nil {
		t.Fatal(err)
	}
	want := `as_of,country,identified,attributed,referred,acknowledged,arrested,exited,stalled_at,devices_seized,victims_safeguarded
2025-05-31,AR,2,2,2,0,0,0,referred,0,0
2025-05-31,BR,1,1,0,0,0,0,attributed,0,0
2025-05-31,ES,2,2,2,2,2,0,,6,1
2025-05-31,unattributed,0,0,0,0,0,1,,0,3
2025-05-31,total,5,5,4,2,2,1,,6,4
`
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
	// It reads back as a rectangular CSV.
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 6 {
		t.Errorf("read back: %d records, %v", len(recs), err)
	}
}
