package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/hostile"
)

// bombChild is the environment variable that makes TestImageBombChild run
// (in a child process, so that its peak resident set is its own).
const bombChild = "VIBORA_TEST_BOMB_DIR"

type bombResult struct {
	Path string
	Err  string
	PDQ  bool
}

// TestImageBombChild walks the directory named by $VIBORA_TEST_BOMB_DIR
// under a memory limit and prints one JSON result a line. It does nothing
// in a normal test run.
func TestImageBombChild(t *testing.T) {
	dir := os.Getenv(bombChild)
	if dir == "" {
		t.Skip("helper for TestImageBombsStayUnderMemoryLimit")
	}
	limit, _ := strconv.ParseInt(os.Getenv(bombChild+"_LIMIT"), 10, 64)
	enc := json.NewEncoder(os.Stdout)
	err := Run(context.Background(), []string{dir}, RunOptions{Process: ProcessOptions{PDQ: true}, Workers: 4, MemoryLimit: limit}, func(it Item) error {
		return enc.Encode(bombResult{Path: it.Path, Err: it.Err, PDQ: it.PDQ != nil})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Small files that declare huge images (decompression bombs), and large
// honest images, walked by four workers under a 256 MiB budget: the bombs
// are refused before decoding with a limit error, the honest images are
// hashed, and the process's peak resident set stays within the budget
// (plus the binary's own pages). Asserted on the child's peak, not on time.
func TestImageBombsStayUnderMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and decodes a few hundred MB of pixels")
	}
	dir := t.TempDir()
	files := map[string][]byte{}
	for i := range 4 {
		// 4000x4000 16-bit RGBA: 128 MiB of pixels and as much of strip,
		// from a file of ~130 KB.
		files[fmt.Sprintf("tiff-bomb-%d.tif", i)] = hostile.TIFFBomb(4000, 4000)
	}
	files["png-bomb.png"] = hostile.PNGBomb(4000, 4000)
	for i := range 4 {
		// 2500x2500 16-bit RGBA: 48 MiB to decode; fits, two at a time.
		files[fmt.Sprintf("png-large-%d.png", i)] = hostile.PNGBomb(2500, 2500)
	}
	files["notes.txt"] = []byte("synthetic notes\n")
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const limit = 256 << 20
	cmd := exec.Command(os.Args[0], "-test.run=^TestImageBombChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), bombChild+"="+dir, bombChild+"_LIMIT="+strconv.Itoa(limit), "GOMEMLIMIT=", "GOGC=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s\n%s", err, out.String(), errb.String())
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
	t.Logf("peak resident set %d MiB under a %d MiB budget", peak>>20, limit>>20)
	if peak > limit+64<<20 {
		t.Errorf("peak resident set %d MiB: over the %d MiB budget (+64 MiB for the binary)", peak>>20, limit>>20)
	}
	got := map[string]bombResult{}
	for _, line := range strings.Split(out.String(), "\n") {
		var r bombResult
		if json.Unmarshal([]byte(line), &r) == nil && r.Path != "" {
			got[filepath.Base(r.Path)] = r
		}
	}
	for name := range files {
		r, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: no result", name)
		case strings.Contains(name, "bomb"):
			if !strings.Contains(r.Err, source.ErrLimit.Error()) || r.PDQ {
				t.Errorf("%s: %+v; want a limit error and no PDQ", name, r)
			}
		case strings.HasSuffix(name, ".png"):
			if r.Err != "" || !r.PDQ {
				t.Errorf("%s: %+v; want a PDQ hash", name, r)
			}
		}
	}
}
