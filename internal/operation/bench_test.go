package operation

import (
	"fmt"
	"testing"
)

// benchInput is an operation of n suspects across 40 countries, each with
// a history of up to eight changes over twelve weeks.
func benchInput(n int) Input {
	in := Input{Operation: "BENCH", AsOf: "2025-05-31"}
	main := []Status{Candidate, Identified, Attributed, Deconflicted, ReferralPrepared, Referred, Acknowledged, Arrested}
	for i := range n {
		cc := fmt.Sprintf("%c%c", 'A'+i%20, 'A'+i%2)
		s := Suspect{Key: fmt.Sprintf("c%d/P%d", i%50, i), Role: []string{"admin", "uploader", "viewer", "payer"}[i%4]}
		for j, st := range main[:1+i%len(main)] {
			e := Event{Status: st, Date: fmt.Sprintf("2025-%02d-%02d", 3+(j+i%3)/4, 1+(i+j*3)%28)}
			if st == Attributed {
				e.Country = cc
			}
			if st == Referred || st == Acknowledged {
				e.Package = "PKG-" + cc
			}
			s.Events = append(s.Events, e)
		}
		in.Suspects = append(in.Suspects, s)
		if i%10 == 0 {
			in.Tallies = append(in.Tallies, Tally{Suspect: s.Key, Devices: 3, Date: "2025-04-01"})
		}
	}
	return in
}

// BenchmarkCompute: the report of an operation with 100,000 suspects.
func BenchmarkCompute(b *testing.B) {
	in := benchInput(100_000)
	b.ResetTimer()
	for b.Loop() {
		r := Compute(in)
		if r.Totals.Suspects != 100_000 {
			b.Fatal(r.Totals)
		}
	}
}
