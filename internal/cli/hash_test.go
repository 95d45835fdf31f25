package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
)

func TestHashCommand(t *testing.T) {
	dir := t.TempDir()
	l, err := demo.Generate(filepath.Join(dir, "demo"))
	if err != nil {
		t.Fatal(err)
	}
	ev := filepath.Join(dir, "ev")
	os.MkdirAll(ev, 0o755)
	os.WriteFile(filepath.Join(ev, "b.jpg"), l.KnownImages[0].Data, 0o644)
	os.WriteFile(filepath.Join(ev, "a.txt"), []byte("synthetic"), 0o644)
	db := filepath.Join(dir, "v.db")
	out, e, code := run(t, db, "--json", "hash", "--dihedral", ev)
	if code != 0 {
		t.Fatalf("hash: %d %s", code, e)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", out)
	}
	var a, b investigation.HashView
	json.Unmarshal([]byte(lines[0]), &a)
	json.Unmarshal([]byte(lines[1]), &b)
	if !strings.HasSuffix(a.Path, "a.txt") || a.SHA256 == "" || a.PDQ != "" || a.MediaType != "application/octet-stream" {
		t.Errorf("text file line: %+v", a)
	}
	if !strings.HasSuffix(b.Path, "b.jpg") || b.MediaType != "image/jpeg" || len(b.PDQ) != 64 || b.PDQQuality == nil || len(b.PDQDihedral) != 8 || b.PDQDihedral[0] != b.PDQ {
		t.Errorf("image line: %+v", b)
	}
	// A file that cannot be read makes the exit code 1, and is still listed.
	if err := syscall.Mkfifo(filepath.Join(ev, "c.fifo"), 0o644); err == nil {
		out, _, code = run(t, db, "--json", "hash", ev)
		if code != ExitFailure || !strings.Contains(out, `"error"`) {
			t.Fatalf("fifo: code %d out %q", code, out)
		}
	}
	if _, _, code := run(t, db, "hash", filepath.Join(dir, "missing")); code != ExitUsage {
		t.Fatalf("missing path: code %d", code)
	}
}

func TestMatchFilesAgainstDemoBanks(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range l.Banks {
				if _, e, code := run(t, db, "bank", "import", "--name", b.Name, "--kind", b.Kind, b.Path); code != 0 {
					t.Fatal(e)
				}
			}
			ev := l.Evidence
			files := []string{filepath.Join(ev, "DCIM/Camera/IMG_0101.jpg"), filepath.Join(ev, "DCIM/Camera/IMG_0202.jpg"),
				filepath.Join(ev, "system/res_00.dat"), filepath.Join(ev, "Download/new_00.png"), filepath.Join(ev, "Pictures/saved/IMG_0204.jpg")}
			out, e, code := run(t, db, append([]string{"--json", "match", "--dihedral"}, files...)...)
			if code != 0 {
				t.Fatalf("match: %d %s", code, e)
			}
			want := map[string]string{"IMG_0101.jpg": "matched", "IMG_0202.jpg": "matched", "res_00.dat": "ignorable", "new_00.png": "unknown", "IMG_0204.jpg": "matched"}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var m investigation.QueryMatches
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatal(err)
				}
				if got := m.Status; got != want[filepath.Base(m.Query)] {
					t.Errorf("%s: status %s, want %s (%+v)", m.Query, got, want[filepath.Base(m.Query)], m.Matches)
				}
				if filepath.Base(m.Query) == "IMG_0202.jpg" && (m.Matches[0].Kind != "pdq" || m.Matches[0].Distance == 0 || m.Matches[0].Series != "DEMO-SERIES-B") {
					t.Errorf("resized copy should be a PDQ near match in DEMO-SERIES-B: %+v", m.Matches)
				}
			}
			// Without --dihedral the mirrored copy is not matched.
			out, _, _ = run(t, db, "--json", "match", files[4])
			if !strings.Contains(out, `"status":"unknown"`) {
				t.Errorf("mirrored copy without --dihedral: %s", out)
			}
		})
	}
}

// withText inserts a PNG tEXt chunk after IHDR, as AUTOMATIC1111 writes
// its "parameters".
func withText(png []byte, key, text string) []byte {
	data := append(append([]byte(key), 0), text...)
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, "tEXt"...)
	c = append(c, data...)
	c = binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte("tEXt"), data...)))
	const ihdrEnd = 8 + 25
	return append(append(append([]byte(nil), png[:ihdrEnd]...), c...), png[ihdrEnd:]...)
}

// TestHashShowsGeneration: an image carrying A1111 infotext shows its
// generator in the table and the full record in --json.
func TestHashShowsGeneration(t *testing.T) {
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	params := "a lighthouse on a cliff, watercolor <lora:paperTexture:0.5>\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 64x64, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1"
	p := filepath.Join(dir, "gen.png")
	if err := os.WriteFile(p, withText(buf.Bytes(), "parameters", params), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "v.db")
	out, e, code := run(t, db, "hash", p)
	if code != ExitOK || !strings.Contains(out, "GENERATOR") || !strings.Contains(out, "a1111") {
		t.Fatalf("hash table: %d %s %s", code, out, e)
	}
	out, e, code = run(t, db, "--json", "hash", p)
	if code != ExitOK {
		t.Fatalf("hash --json: %d %s", code, e)
	}
	var v investigation.HashView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Generation) != 1 || v.Generation[0].Seed != "42" || v.Generation[0].Prompt != "a lighthouse on a cliff, watercolor <lora:paperTexture:0.5>" || v.PDQ == "" {
		t.Errorf("generation: %+v", v)
	}
}

// TestHashShowsModelFile: a safetensors file gets its generator hashes
// and training claims in the same read.
func TestHashShowsModelFile(t *testing.T) {
	dir := t.TempDir()
	header := `{"__metadata__":{"ss_output_name":"demoStyle","ss_training_started_at":"1700000000.0"},"w":{"dtype":"U8","shape":[16],"data_offsets":[0,16]}}`
	tensor := []byte("0123456789abcdef")
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(append(b, header...), tensor...)
	p := filepath.Join(dir, "demoStyle.safetensors")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "v.db")
	out, e, code := run(t, db, "--json", "hash", p)
	if code != ExitOK {
		t.Fatalf("hash: %d %s", code, e)
	}
	var v investigation.HashView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(tensor)
	if v.Model == nil || v.Model.Format != "safetensors" || v.Model.Digests.AutoV3 != hex.EncodeToString(sum[:]) ||
		v.Model.Digests.AutoV2 != v.SHA256[:10] || v.Model.Training == nil || v.Model.Training.OutputName != "demoStyle" {
		t.Errorf("model facts: %s", out)
	}
	out, _, _ = run(t, db, "hash", p)
	if !strings.Contains(out, "model file (safetensors) AutoV2 "+v.SHA256[:10]) {
		t.Errorf("table: %s", out)
	}
}
