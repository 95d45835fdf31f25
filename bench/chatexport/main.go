// Command chatexport measures the Telegram export parser: it writes
// synthetic Telegram Desktop exports (mixed text, media and service
// messages of realistic size) to a temporary directory and parses each in
// a fresh child process, printing messages per second and peak memory.
//
//	go run ./bench/chatexport                 # 100k and 1M messages
//	go run ./bench/chatexport -sizes 100000   # one size
//
// Memory is reported as the peak of runtime HeapInuse (sampled every 2 ms)
// and the process's VmHWM (peak resident set, Linux). Both should stay flat
// as the export grows: the parser streams one message at a time.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vibora-project/vibora/internal/chatexport"
	"github.com/vibora-project/vibora/internal/chatexport/telegram"
	"github.com/vibora-project/vibora/internal/cputime"
)

type result struct {
	Messages     int64   `json:"messages"`
	Bytes        int64   `json:"bytes"`
	Wall         float64 `json:"wall_seconds"`
	CPU          float64 `json:"cpu_seconds"`
	PeakHeap     uint64  `json:"peak_heap_inuse"`
	VmHWM        uint64  `json:"vm_hwm"`
	Warnings     int     `json:"warnings"`
	Participants int64   `json:"participants"`
}

func main() {
	sizes := flag.String("sizes", "100000,1000000", "comma-separated message counts")
	dir := flag.String("dir", "", "directory for the generated exports (default: a temp dir, removed afterwards)")
	child := flag.String("parse", "", "internal: parse this result.json and print JSON figures")
	flag.Parse()
	if *child != "" {
		if err := parseChild(*child); err != nil {
			fmt.Fprintln(os.Stderr, "chatexport bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*sizes, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "chatexport bench:", err)
		os.Exit(1)
	}
}

func run(sizes, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "chatexport-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Printf("%-10s %10s %10s %12s %12s %14s %10s\n", "messages", "MB", "wall s", "msgs/s wall", "msgs/s CPU", "peak heap MB", "VmHWM MB")
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("bad size %q", s)
		}
		name := filepath.Join(dir, fmt.Sprintf("ChatExport_%d", n), "result.json")
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := generate(name, n); err != nil {
			return err
		}
		out, err := exec.Command(self, "-parse", name).Output()
		if err != nil {
			return fmt.Errorf("parse %d: %w", n, err)
		}
		var r result
		if err := json.Unmarshal(out, &r); err != nil {
			return err
		}
		if r.Messages != int64(n) {
			return fmt.Errorf("parsed %d messages, generated %d", r.Messages, n)
		}
		fmt.Printf("%-10d %10.1f %10.2f %12.0f %12.0f %14.1f %10.1f\n", n, float64(r.Bytes)/1e6, r.Wall,
			float64(r.Messages)/r.Wall, float64(r.Messages)/r.CPU, float64(r.PeakHeap)/(1<<20), float64(r.VmHWM)/(1<<20))
		os.Remove(name)
	}
	fmt.Printf("GOMAXPROCS=%d, %s\n", runtime.GOMAXPROCS(0), runtime.Version())
	return nil
}

func parseChild(name string) error {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	cpu0 := cputime.Process()
	start := time.Now()
	var count int64
	h := chatexport.Funcs{OnMessage: func(m *chatexport.Message) error { count++; return nil }}
	st, err := telegram.Parse(context.Background(), os.DirFS(filepath.Dir(name)), "result.json", h)
	wall := time.Since(start).Seconds()
	cpu := (cputime.Process() - cpu0).Seconds()
	close(stop)
	<-done
	if err != nil {
		return err
	}
	r := result{Messages: count, Bytes: st.Bytes, Wall: wall, CPU: cpu, PeakHeap: peak.Load(), VmHWM: vmHWM(), Warnings: len(st.Warnings), Participants: st.Participants}
	return json.NewEncoder(os.Stdout).Encode(r)
}

func vmHWM() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, _ := strconv.ParseUint(f[0], 10, 64)
				return v << 10
			}
		}
	}
	return 0
}

var words = strings.Fields(`the a price drop link send pack new old meet later today tomorrow
ok thanks please check file batch list update wallet address group channel admin rules pinned
ciao hola привет こんにちは 👍 🔥 café naïve`)

// generate writes a single-chat export of n messages: ~70% text (some as
// entity arrays, some replies, forwards, edits, reactions), ~20% media
// (photo, video, voice, document, sticker, some skipped placeholders) and
// ~10% service messages, from 500 participants.
func generate(name string, n int) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	fmt.Fprint(w, "{\n \"name\": \"Benchmark Group\",\n \"type\": \"private_supergroup\",\n \"id\": 1234567890,\n \"messages\": [\n")
	base := int64(1705305600)
	for i := 0; i < n; i++ {
		if i > 0 {
			w.WriteString(",\n")
		}
		writeMessage(w, rng, i+1, base+int64(i)*7)
	}
	fmt.Fprint(w, "\n ]\n}\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func sentence(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	return b.String()
}

func writeMessage(w io.Writer, rng *rand.Rand, id int, unix int64) {
	user := 1000000000 + rng.IntN(500)
	local := time.Unix(unix+3600, 0).UTC().Format("2006-01-02T15:04:05")
	head := fmt.Sprintf("  {\n   \"id\": %d,\n   \"type\": \"%%s\",\n   \"date\": \"%s\",\n   \"date_unixtime\": \"%d\",\n", id, local, unix)
	from := fmt.Sprintf("   \"from\": \"User %d\",\n   \"from_id\": \"user%d\",\n", user, user)
	text := sentence(rng, 3+rng.IntN(20))
	plain := fmt.Sprintf("   \"text\": %q,\n   \"text_entities\": [\n    {\n     \"type\": \"plain\",\n     \"text\": %q\n    }\n   ]\n  }", text, text)
	r := rng.IntN(100)
	switch {
	case r < 10: // service
		actions := []string{"invite_members", "remove_members", "join_group_by_link", "pin_message"}
		a := actions[rng.IntN(len(actions))]
		fmt.Fprintf(w, head, "service")
		fmt.Fprintf(w, "   \"actor\": \"User %d\",\n   \"actor_id\": \"user%d\",\n   \"action\": %q,\n", user, user, a)
		switch a {
		case "invite_members", "remove_members":
			fmt.Fprintf(w, "   \"members\": [\n    \"User %d\"\n   ],\n", rng.IntN(500))
		case "join_group_by_link":
			fmt.Fprintf(w, "   \"inviter\": \"User %d\",\n", rng.IntN(500))
		case "pin_message":
			fmt.Fprintf(w, "   \"message_id\": %d,\n", max(1, id-rng.IntN(100)))
		}
		fmt.Fprint(w, "   \"text\": \"\",\n   \"text_entities\": []\n  }")
	case r < 30: // media
		fmt.Fprintf(w, head, "message")
		w.Write([]byte(from))
		day := time.Unix(unix, 0).UTC().Format("02-01-2006_15-04-05")
		switch rng.IntN(6) {
		case 0, 1:
			fmt.Fprintf(w, "   \"photo\": \"photos/photo_%d@%s.jpg\",\n   \"photo_file_size\": %d,\n   \"width\": 1280,\n   \"height\": 960,\n", id, day, 40000+rng.IntN(200000))
		case 2:
			fmt.Fprintf(w, "   \"file\": \"video_files/video_%d@%s.mp4\",\n   \"file_name\": \"video_%d.mp4\",\n   \"file_size\": %d,\n   \"thumbnail\": \"video_files/video_%d@%s.mp4_thumb.jpg\",\n   \"thumbnail_file_size\": 9000,\n   \"media_type\": \"video_file\",\n   \"mime_type\": \"video/mp4\",\n   \"duration_seconds\": %d,\n   \"width\": 1280,\n   \"height\": 720,\n", id, day, id, 1000000+rng.IntN(9000000), id, day, 5+rng.IntN(120))
		case 3:
			fmt.Fprintf(w, "   \"file\": \"voice_messages/audio_%d@%s.ogg\",\n   \"file_size\": %d,\n   \"media_type\": \"voice_message\",\n   \"mime_type\": \"audio/ogg\",\n   \"duration_seconds\": %d,\n", id, day, 5000+rng.IntN(90000), 1+rng.IntN(60))
		case 4:
			fmt.Fprintf(w, "   \"file\": \"files/document_%d.pdf\",\n   \"file_name\": \"document_%d.pdf\",\n   \"file_size\": %d,\n   \"mime_type\": \"application/pdf\",\n", id, id, 10000+rng.IntN(900000))
		default:
			fmt.Fprint(w, "   \"photo\": \"(File not included. Change data exporting settings to download.)\",\n   \"width\": 1280,\n   \"height\": 960,\n")
		}
		if rng.IntN(3) == 0 {
			w.Write([]byte(plain))
		} else {
			fmt.Fprint(w, "   \"text\": \"\",\n   \"text_entities\": []\n  }")
		}
	default: // text
		fmt.Fprintf(w, head, "message")
		if rng.IntN(20) == 0 {
			fmt.Fprintf(w, "   \"edited\": %q,\n   \"edited_unixtime\": \"%d\",\n", local, unix+60)
		}
		w.Write([]byte(from))
		if rng.IntN(10) == 0 {
			fmt.Fprintf(w, "   \"reply_to_message_id\": %d,\n", max(1, id-1-rng.IntN(50)))
		}
		if rng.IntN(25) == 0 {
			fmt.Fprint(w, "   \"forwarded_from\": \"Example News Channel\",\n")
		}
		if rng.IntN(5) == 0 {
			link := fmt.Sprintf("https://example.org/%d", rng.IntN(1e6))
			fmt.Fprintf(w, "   \"text\": [\n    %q,\n    {\n     \"type\": \"link\",\n     \"text\": %q\n    }\n   ],\n   \"text_entities\": [\n    {\n     \"type\": \"plain\",\n     \"text\": %q\n    },\n    {\n     \"type\": \"link\",\n     \"text\": %q\n    }\n   ]", text+" ", link, text+" ", link)
			if rng.IntN(4) == 0 {
				fmt.Fprintf(w, ",\n   \"reactions\": [\n    {\n     \"type\": \"emoji\",\n     \"count\": %d,\n     \"emoji\": \"👍\"\n    }\n   ]", 1+rng.IntN(9))
			}
			fmt.Fprint(w, "\n  }")
		} else {
			w.Write([]byte(plain))
		}
	}
}
