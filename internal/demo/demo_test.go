package demo

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/aigen"
	"github.com/vibora-project/vibora/internal/aigen/modelfile"
	"github.com/vibora-project/vibora/internal/hashset/vpdq"
	"github.com/vibora-project/vibora/internal/platform"
	"github.com/vibora-project/vibora/internal/platform/dump"
)

func TestGenerateIsReproducible(t *testing.T) {
	a, err := Generate(filepath.Join(t.TempDir(), "a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(filepath.Join(t.TempDir(), "b"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Images) != len(b.Images) || len(a.Images) < 20 || len(a.KnownImages) != 6 || len(a.Banks) != 2 {
		t.Fatalf("layout: %d images, %d known, %d banks", len(a.Images), len(a.KnownImages), len(a.Banks))
	}
	for i := range a.Images {
		if !bytes.Equal(a.Images[i].Data, b.Images[i].Data) {
			t.Fatalf("image %s differs between runs", a.Images[i].Path)
		}
	}
	for _, p := range []string{a.Chat + "/result.json", a.Watchlist, a.Banks[0].Path, a.Banks[1].Path} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	// Every file of the later sections is byte-identical between runs.
	n := 0
	for _, root := range []string{"chat", "platform", filepath.Join("evidence", "PC-02")} {
		filepath.WalkDir(filepath.Join(a.Root, root), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(a.Root, p)
			x, _ := os.ReadFile(p)
			y, err := os.ReadFile(filepath.Join(b.Root, rel))
			if err != nil || !bytes.Equal(x, y) {
				t.Errorf("%s differs between runs (%v)", rel, err)
			}
			n++
			return nil
		})
	}
	if n < 12 {
		t.Errorf("%d files in chat, platform and PC-02, want at least 12", n)
	}
	if _, err := Generate(a.Root); err == nil {
		t.Fatal("Generate wrote into a non-empty directory")
	}
}

// TestGeneratedSectionsReadBack reads the later sections' data with the
// parsers the demo's service calls use: the seller's group carries the
// three payment messages, the platform dump and mapping read without an
// error, and the generator machine's files carry A1111 and ComfyUI
// records and kohya claims that name one LoRA.
func TestGeneratedSectionsReadBack(t *testing.T) {
	l, err := Generate(filepath.Join(t.TempDir(), "d"))
	if err != nil {
		t.Fatal(err)
	}
	chat, err := os.ReadFile(filepath.Join(l.MarketChat, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"150 EUR", caseyIBAN, "40 USD", "$" + caseyTag, "0.0015 BTC", btcDemo, `"reply_to_message_id": 2`} {
		if !bytes.Contains(chat, []byte(w)) {
			t.Errorf("market chat lacks %q", w)
		}
	}

	mf, err := os.Open(l.PlatformMapping)
	if err != nil {
		t.Fatal(err)
	}
	defer mf.Close()
	m, err := platform.ParseMapping(mf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Platform != DemoPlatform || len(m.Tables) != 5 {
		t.Fatalf("mapping: %s with %d tables", m.Platform, len(m.Tables))
	}
	f, err := os.Open(l.PlatformDump)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := dump.Open(l.PlatformDump, f, "", dump.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows[row.Table]++
	}
	if rows["users"] != 5 || rows["uploads"] != 2 || rows["views"] != 4 || rows["logins"] != 4 || rows["payments"] != 1 || rows["sessions"] != 2 {
		t.Fatalf("dump rows by table: %v", rows)
	}

	gens := map[string]int{}
	for _, name := range []string{"outputs/txt2img/00001-1001.png", "outputs/txt2img/00002-1002.png", "outputs/ComfyUI_00001_.png", "Downloads/lighthouse.jpg"} {
		b, err := os.ReadFile(filepath.Join(l.AIEvidence, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := aigen.Read(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, rec := range recs {
			gens[rec.Generator]++
		}
	}
	if gens[aigen.A1111] != 2 || gens[aigen.ComfyUI] != 1 || len(gens) != 2 {
		t.Fatalf("generator records: %v (the stripped JPEG must carry none)", gens)
	}
	lora, err := os.ReadFile(filepath.Join(l.AIEvidence, "models", "loras", demoLoRA+".safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := modelfile.ReadHeader(bytes.NewReader(lora), int64(len(lora)))
	if err != nil {
		t.Fatal(err)
	}
	if tr := h.Training(); tr.OutputName != demoLoRA || tr.SessionID != "4242" {
		t.Fatalf("kohya claims: %+v", tr)
	}
}

// TestWriteVideos: with ffmpeg, the known video's hash list reads back
// with one frame a second, and the exhibit holds two videos; the same
// bytes on a second run.
func TestWriteVideos(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	var lists [][]byte
	for range 2 {
		v, err := WriteVideos(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(v.Bank)
		if err != nil {
			t.Fatal(err)
		}
		lists = append(lists, b)
		frames, _, err := vpdq.Read(bytes.NewReader(b))
		if err != nil || len(frames) != len(videoScenes) {
			t.Fatalf("hash list: %d frames, %v, want one a second for %d s", len(frames), err, len(videoScenes))
		}
		ms, _ := filepath.Glob(filepath.Join(v.Evidence, "Movies", "*.mp4"))
		if len(ms) != 2 {
			t.Fatalf("exhibit videos: %v", ms)
		}
	}
	if !bytes.Equal(lists[0], lists[1]) {
		t.Error("the known video's hash list differs between runs")
	}
}
