package platform

import (
	"testing"
	"time"
)

// plainDateTime reads what the layout loop reads for its shape, in the
// mapping's zone, and leaves everything else (impossible dates, other
// shapes) to the layouts.
func TestPlainDateTime(t *testing.T) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		loc = time.FixedZone("UTC-5", -5*3600)
	}
	for _, s := range []string{"2024-03-01 05:41:37", "2024-03-10T02:30:00", "1999-12-31 23:59:59", "2024-02-29 00:00:00",
		"2023-02-29 00:00:00", "2024-13-01 00:00:00", "2024-00-10 00:00:00", "2024-01-00 00:00:00", "2024-01-01 24:00:00",
		"2024-01-01 00:60:00", "2024-01-01 00:00:60", "2024-01-01_00:00:00", "0000-02-29 12:00:00", "0001-01-01 00:00:00", "9999-12-31 23:59:59", "1900-02-29 00:00:00", "2000-02-29 00:00:00", "2024-01-01 0a:00:00", "2024-01-01 00:00:00Z", "+024-01-01 00:00:00"} {
		got, ok := plainDateTime(s, loc)
		layout := time.DateTime
		if len(s) > 10 && s[10] == 'T' {
			layout = "2006-01-02T15:04:05"
		}
		want, err := time.ParseInLocation(layout, s, loc)
		if ok != (err == nil) || (ok && !got.Equal(want)) {
			t.Errorf("%q: plainDateTime %v, %v; ParseInLocation %v, %v", s, got, ok, want, err)
		}
		want, err = time.ParseInLocation(layout, s, time.UTC)
		if sec, ok := plainSeconds([]byte(s)); ok != (err == nil) || (ok && sec != want.Unix()) {
			t.Errorf("%q: plainSeconds %d, %v; ParseInLocation in UTC %v, %v", s, sec, ok, want, err)
		}
	}
}

func FuzzPlainDateTime(f *testing.F) {
	for _, s := range []string{"2024-03-01 05:41:37", "2023-02-29T00:00:00", "2024-01-01 24:00:00", "0000-02-29 00:00:00", "1600-03-01 00:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := plainDateTime(s, time.UTC)
		if !ok {
			if _, ok := plainSeconds([]byte(s)); ok {
				t.Fatalf("%q: plainSeconds reads what plainDateTime does not", s)
			}
			return
		}
		layout := time.DateTime
		if s[10] == 'T' {
			layout = "2006-01-02T15:04:05"
		}
		want, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil || !got.Equal(want) {
			t.Fatalf("%q: plainDateTime %v; ParseInLocation %v, %v", s, got, want, err)
		}
		// plainSeconds is time.Date in UTC, by arithmetic.
		sec, ok := plainSeconds([]byte(s))
		if !ok || sec != got.Unix() {
			t.Fatalf("%q: plainSeconds %d, %v; plainDateTime %v", s, sec, ok, got)
		}
	})
}
