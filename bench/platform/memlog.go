package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"
)

// memSample is where the process's resident memory was at one moment:
// the Go runtime's part (heap objects, and everything it has mapped and
// not returned) and the rest (SQLite's page cache and allocations, the
// program), which is RSS less the Go runtime's part.
type memSample struct {
	at                time.Duration
	rss, anon, file   int64 // VmRSS, RssAnon, RssFile
	goObjects, goHeld int64
	goLive, goGoal    int64 // live at the last GC, and the next GC's goal
}

// memLog samples the process's memory every interval while an import
// runs and writes a line per sample; Stop returns the sample with the
// largest RSS.
type memLog struct {
	w     io.Writer
	label string
	stop  chan struct{}
	done  sync.WaitGroup
	peak  memSample
	// heap is the heap profile taken when the live heap was largest
	// (with -heapprofile).
	heap     bytes.Buffer
	wantHeap bool
	maxLive  int64
}

func startMemLog(w io.Writer, label string, every time.Duration, heap bool) *memLog {
	m := &memLog{w: w, label: label, stop: make(chan struct{}), wantHeap: heap}
	t0 := time.Now()
	m.done.Add(1)
	go func() {
		defer m.done.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			s := sampleMem()
			s.at = time.Since(t0)
			if s.rss > m.peak.rss {
				m.peak = s
			}
			if m.wantHeap && s.goLive > m.maxLive+8<<20 {
				m.maxLive = s.goLive
				m.heap.Reset()
				_ = pprof.Lookup("heap").WriteTo(&m.heap, 0)
			}
			fmt.Fprintf(m.w, "%s\t%.2f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", m.label, s.at.Seconds(), s.rss>>20, s.anon>>20, s.file>>20,
				s.goObjects>>20, s.goHeld>>20, s.goLive>>20, s.goGoal>>20)
			select {
			case <-m.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

func (m *memLog) Stop() memSample {
	close(m.stop)
	m.done.Wait()
	return m.peak
}

func sampleMem() memSample {
	var s memSample
	st := procStatus("VmRSS", "RssAnon", "RssFile")
	s.rss, s.anon, s.file = st[0], st[1], st[2]
	ms := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/goal:bytes"}}
	metrics.Read(ms)
	s.goLive, s.goGoal = int64(ms[3].Value.Uint64()), int64(ms[4].Value.Uint64())
	s.goObjects = int64(ms[0].Value.Uint64())
	s.goHeld = int64(ms[1].Value.Uint64() - ms[2].Value.Uint64())
	return s
}
