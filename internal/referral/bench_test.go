package referral

import (
	"bytes"
	"fmt"
	"testing"
)

// benchInput is a synthetic referral of n suspects, each with 10
// identifiers, 2 IP events, 50 messages, 3 stealer-log hits and 20 known
// files (half shared with the next suspect).
func benchInput(n int) Input {
	in := testInput()
	in.Suspects = nil
	for i := range n {
		s := Suspect{SourceRef: fmt.Sprintf("CASE-1/P%d", i), Name: fmt.Sprintf("Person %d", i), Score: float64(n - i),
			Reasons:     []string{"shared known files"},
			Attribution: Attribution{Country: "FR", Basis: []Basis{{Kind: "phone_cc", Evidence: "+1 202 555 0100", Grading: grade("B", "3")}}},
			Exhibits:    []string{"E1"}}
		for j := range 10 {
			s.Identifiers = append(s.Identifiers, Identifier{Kind: "email", Value: fmt.Sprintf("p%d.%d@example.org", i, j), Source: "profile", Grading: grade("B", "2")})
		}
		for j := range 2 {
			s.IPEvents = append(s.IPEvents, IPEvent{Address: fmt.Sprintf("198.51.100.%d", (i+j)%250), Time: "2026-10-01T10:00:00Z", Event: "login", Source: "lead", Grading: grade("C", "3")})
		}
		for j := range 50 {
			s.Messages = append(s.Messages, Message{Conversation: "Group", ID: fmt.Sprintf("m%d-%d", i, j), Time: "2026-10-01T10:00:00Z", Text: "a synthetic message of ordinary length, with <angle> brackets & an ampersand"})
		}
		for j := range 3 {
			s.StealerHits = append(s.StealerHits, StealerHit{Lead: "L1", URL: "https://forum.example.org", Login: fmt.Sprintf("user%d", j), Password: "synthetic-secret"})
		}
		for j := range 20 {
			s.Media = append(s.Media, Media{SHA256: synthHash(fmt.Sprint(i/2*20 + j)), Category: "csam", Series: "S", HashSet: "synthetic-bank", Exhibit: "E1"})
		}
		in.Suspects = append(in.Suspects, s)
	}
	return in
}

func benchmarkBuild(b *testing.B, n int) {
	in := benchInput(n)
	s := testSigner(1, "ES-TEST")
	trust := NewTrust(s.Public)
	var size int
	for b.Loop() {
		p, err := Build(in, s)
		if err != nil {
			b.Fatal(err)
		}
		var tar bytes.Buffer
		if err := p.WriteTar(&tar, asOf); err != nil {
			b.Fatal(err)
		}
		if _, err := Verify(p, trust, asOf); err != nil {
			b.Fatal(err)
		}
		size = tar.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/package")
}

// BenchmarkBuild builds, archives and verifies a package (go test
// ./internal/referral -run X -bench Build -benchtime 5x).
func BenchmarkBuild10(b *testing.B)   { benchmarkBuild(b, 10) }
func BenchmarkBuild100(b *testing.B)  { benchmarkBuild(b, 100) }
func BenchmarkBuild1000(b *testing.B) { benchmarkBuild(b, 1000) }
