package dump

import (
	"bytes"
	"io"
	"testing"

	"github.com/vibora-project/vibora/internal/platform/synth"
)

func benchRead(b *testing.B, write func(io.Writer, synth.Scale) error, general bool) {
	var buf bytes.Buffer
	if err := write(&buf, synth.Full.Div(1000)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open("bench.sql", bytes.NewReader(data), "", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if m, ok := r.(*mysqlReader); ok {
			m.general = general
		}
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkMySQL(b *testing.B)    { benchRead(b, synth.WriteMySQL, false) }
func BenchmarkPostgres(b *testing.B) { benchRead(b, synth.WritePostgres, false) }

// BenchmarkMySQLGeneral reads every row the general way (no plainRow),
// for a comparison with BenchmarkMySQL in one run.
func BenchmarkMySQLGeneral(b *testing.B) { benchRead(b, synth.WriteMySQL, true) }
