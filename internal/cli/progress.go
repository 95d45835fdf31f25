package cli

import (
	"encoding/json"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// progress reports long work: a bar (files, bytes, rate, ETA) when stderr is
// a terminal, JSON lines on stderr once a second with --json, nothing
// otherwise (pipes and logs stay clean).
type progress struct {
	mu        sync.Mutex
	p         *mpb.Progress
	bar       *mpb.Bar
	json      *json.Encoder
	label     string
	total     int64
	files     int64
	bytes     int64
	start     time.Time
	lastPrint time.Time
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newProgress(g *globals, label string, total int64) *progress {
	pr := &progress{label: label, total: total, start: time.Now()}
	switch {
	case g.json:
		if isTerminal(g.streams.Err) || os.Getenv("VIBORA_PROGRESS") == "json" {
			pr.json = json.NewEncoder(g.streams.Err)
		}
	case isTerminal(g.streams.Err):
		pr.p = mpb.New(mpb.WithOutput(g.streams.Err), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
		pr.bar = pr.p.AddBar(total,
			mpb.PrependDecorators(decor.Name(label+" "), decor.CountersNoUnit("%d/%d files")),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return pr.rate() }), decor.Name(" "), decor.AverageETA(decor.ET_STYLE_GO)),
		)
	}
	return pr
}

// SetTotal updates the number of files expected (discovered while walking).
func (pr *progress) SetTotal(n int64) {
	pr.mu.Lock()
	pr.total = n
	pr.mu.Unlock()
	if pr.bar != nil {
		pr.bar.SetTotal(n, false)
	}
}

func (pr *progress) rate() string {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	sec := time.Since(pr.start).Seconds()
	if sec <= 0 {
		return ""
	}
	return humanBytes(float64(pr.bytes)/sec) + "/s"
}

// Add records n more files of size bytes done.
func (pr *progress) Add(n int, bytes int64) {
	if pr == nil {
		return
	}
	pr.mu.Lock()
	pr.files += int64(n)
	pr.bytes += bytes
	emit := pr.json != nil && time.Since(pr.lastPrint) >= time.Second
	if emit {
		pr.lastPrint = time.Now()
	}
	pr.mu.Unlock()
	if pr.bar != nil {
		pr.bar.IncrBy(n)
	}
	if emit {
		pr.emitJSON(false)
	}
}

func (pr *progress) emitJSON(done bool) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	sec := time.Since(pr.start).Seconds()
	pr.json.Encode(map[string]any{"progress": pr.label, "files": pr.files, "total": pr.total, "bytes": pr.bytes,
		"elapsed_s": int64(sec), "mb_per_s": float64(pr.bytes) / 1e6 / max(sec, 1e-9), "done": done})
}

// Done ends the report.
func (pr *progress) Done() {
	if pr == nil {
		return
	}
	if pr.bar != nil {
		if pr.total == 0 {
			pr.bar.SetTotal(pr.files, true)
		} else {
			pr.bar.SetTotal(-1, true)
		}
		pr.p.Wait()
	}
	if pr.json != nil {
		pr.emitJSON(true)
	}
}

func humanBytes(b float64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	return trimFloat(b) + " " + units[i]
}

func trimFloat(f float64) string {
	if f >= 100 {
		return json.Number(itoa(int64(f))).String()
	}
	b, _ := json.Marshal(float64(int64(f*10)) / 10)
	return string(b)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
