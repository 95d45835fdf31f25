package platform

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/platform/dump"
	"github.com/vibora-project/vibora/internal/platform/synth"
)

// benchDump is a synthetic dump (1/1000 of the scale) and the
// mapping Suggest proposes for it.
func benchDump(b *testing.B, write func(io.Writer, synth.Scale) error) ([]byte, *Mapping) {
	b.Helper()
	var buf bytes.Buffer
	if err := write(&buf, synth.Full.Div(1000)); err != nil {
		b.Fatal(err)
	}
	r, err := dump.Open("bench.sql", bytes.NewReader(buf.Bytes()), "", dump.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	y, err := Suggest("benchvid", []dump.Reader{r})
	if err != nil {
		b.Fatal(err)
	}
	m, err := ParseMapping(bytes.NewReader(y))
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), m
}

// benchReadMap reads the dump and, with record, reads every row through
// the mapping as the import does (CheckColumns once per table, record
// per row). It reports the bytes of dump text per second and ns/row.
func benchReadMap(b *testing.B, write func(io.Writer, synth.Scale) error, record func(*Mapping, *dump.Row) (Record, []error, error)) {
	data, m := benchDump(b, write)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var rows int64
	var cpu0 time.Duration
	for b.Loop() {
		if cpu0 == 0 {
			cpu0 = cputime.Process()
		}
		r, err := dump.Open("bench.sql", bytes.NewReader(data), "", dump.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		checked := map[string]bool{}
		var row dump.Row
		for {
			row, err = r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
			if record == nil {
				continue
			}
			if !checked[row.Table] {
				if err := m.CheckColumns(row.Table, row.Columns); err != nil {
					b.Fatal(err)
				}
				checked[row.Table] = true
			}
			if _, problems, err := record(m, &row); err != nil || len(problems) > 0 {
				b.Fatalf("%s line %d: %v %v", row.Table, row.Line, err, problems)
			}
		}
	}
	cpu := cputime.Process() - cpu0
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(rows, 1)), "ns/row")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(max(rows, 1)), "cpu-ns/row")
	b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
}

// BenchmarkRead reads the synthetic dumps; /plan also maps every row
// (Record), /general maps it as Record did before its per-table plans
// (oldRecord), for a comparison in one run.
func BenchmarkRead(b *testing.B) {
	for _, f := range []struct {
		name  string
		write func(io.Writer, synth.Scale) error
	}{{"mysql", synth.WriteMySQL}, {"postgres", synth.WritePostgres}} {
		b.Run(f.name, func(b *testing.B) { benchReadMap(b, f.write, nil) })
		b.Run(f.name+"/plan", func(b *testing.B) { benchReadMap(b, f.write, (*Mapping).Record) })
		b.Run(f.name+"/general", func(b *testing.B) { benchReadMap(b, f.write, oldRecord) })
	}
}

// BenchmarkRecord maps rows read beforehand, per table: Record alone.
func BenchmarkRecord(b *testing.B) {
	data, m := benchDump(b, synth.WriteMySQL)
	r, err := dump.Open("bench.sql", bytes.NewReader(data), "", dump.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	rows := map[string][]dump.Row{}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		vals := make([]dump.Value, len(row.Values))
		for i, v := range row.Values {
			vals[i] = dump.Value{B: bytes.Clone(v.B), Null: v.Null}
		}
		row.Values = vals
		if len(rows[row.Table]) < 1000 {
			rows[row.Table] = append(rows[row.Table], row)
		}
	}
	for _, s := range synth.Schema {
		for _, f := range []struct {
			name   string
			record func(*Mapping, *dump.Row) (Record, []error, error)
		}{{"plan", (*Mapping).Record}, {"general", oldRecord}} {
			b.Run(s.Table+"/"+f.name, func(b *testing.B) {
				rs := rows[s.Table]
				b.ReportAllocs()
				var cpu0 time.Duration
				for i := 0; b.Loop(); i++ {
					if i == 0 {
						cpu0 = cputime.Process()
					}
					if _, problems, err := f.record(m, &rs[i%len(rs)]); err != nil || len(problems) > 0 {
						b.Fatal(err, problems)
					}
				}
				b.ReportMetric(float64((cputime.Process()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
