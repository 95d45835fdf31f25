package payment

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/identifier/identifiertest"
)

// chatFixture is synthetic chat traffic: the identifier corpus's
// chat-like lines, one in 20 a payment line (an amount with an IBAN, a
// handle, a card or an address), every fourth message a reply.
func chatFixture(size int) []Message {
	pay := []string{
		"150 EUR to IBAN GB82 WEST 1234 5698 7654 32",
		"sent €40 to paypal.me/AlexExample",
		"card 4111 1111 1111 1111 for the 60 EUR",
		"0.0015 BTC to bc1qzqg3yyc5z5tpwxqergd3c8g7ruszzg3r8jj72z",
		"$25 to $alex_example",
	}
	var out []Message
	for i, line := range bytes.Split(identifiertest.Text(size, 8, 7), []byte("\n")) {
		m := Message{ID: fmt.Sprint(i + 1), Sender: int64(i%7 + 1), Text: string(line)}
		if i%20 == 0 {
			m.Text = pay[(i/20)%len(pay)]
		}
		if i%4 == 3 {
			m.ReplyTo = fmt.Sprint(i)
		}
		out = append(out, m)
	}
	return out
}

func BenchmarkFinder(b *testing.B) {
	msgs := chatFixture(4 << 20)
	var n int64
	for _, m := range msgs {
		n += int64(len(m.Text))
	}
	b.SetBytes(n)
	b.ResetTimer()
	events := 0
	cpu0 := cputime.Process().Seconds()
	for b.Loop() {
		f := NewFinder("")
		for _, m := range msgs {
			f.Add(m)
		}
		events = len(f.Events())
	}
	// The machine is shared: CPU time, not wall time, is the rate to
	// compare.
	cpu := cputime.Process().Seconds() - cpu0
	b.ReportMetric(float64(n)*float64(b.N)/cpu/1e6, "MB/cpu-s")
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(len(msgs)), "messages")
}
