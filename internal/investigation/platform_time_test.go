package investigation

import (
	"testing"
	"time"
)

// utcText writes what the general formatter writes, for times of any
// zone and year.
func TestUTCText(t *testing.T) {
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	for _, tm := range []time.Time{
		time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 999, time.UTC),
		time.Date(2024, 2, 29, 23, 30, 0, 0, zone), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 2, 0, 0, 0, zone),
	} {
		if got, want := utcText(tm), tm.UTC().Format(time.RFC3339); got != want {
			t.Errorf("utcText(%v) = %q, want %q", tm, got, want)
		}
	}
}

func FuzzUTCText(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(-62135596800), int64(19800))
	f.Fuzz(func(t *testing.T, sec, offset int64) {
		tm := time.Unix(sec, 0).In(time.FixedZone("z", int(offset%86400)))
		if got, want := utcText(tm), tm.UTC().Format(time.RFC3339); got != want {
			t.Errorf("utcText(%d) = %q, want %q", sec, got, want)
		}
	})
}
