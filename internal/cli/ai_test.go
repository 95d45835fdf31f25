package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
)

// decodeLines decodes JSON lines strictly (no unknown field) into T.
func decodeLines[T any](t *testing.T, out string) []T {
	t.Helper()
	var vs []T
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("decode %T: %v\n%s", v, err, out)
		}
		vs = append(vs, v)
	}
	return vs
}

// aiEvidence writes a seized generator machine's files: a LoRA
// (safetensors with a kohya output name) and two PNGs whose A1111
// infotext names it by its AutoV3 prefix, seeds 7 and 8. It returns the
// LoRA's AutoV3.
func aiEvidence(t *testing.T, ev string) string {
	t.Helper()
	tensor := []byte("synthetic lora weights")
	header := `{"__metadata__":{"ss_output_name":"paperTexture"},"w":{"dtype":"U8","shape":[22],"data_offsets":[0,22]}}`
	st := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	st = append(append(st, header...), tensor...)
	sum := sha256.Sum256(tensor)
	v3 := hex.EncodeToString(sum[:])
	os.MkdirAll(filepath.Join(ev, "out"), 0o755)
	if err := os.WriteFile(filepath.Join(ev, "paperTexture.safetensors"), st, 0o644); err != nil {
		t.Fatal(err)
	}
	for i, seed := range []string{"7", "8"} {
		img := image.NewRGBA(image.Rect(0, 0, 64, 64))
		for j := range img.Pix {
			img.Pix[j] = byte(j*(7+i*5) + i)
		}
		var buf bytes.Buffer
		png.Encode(&buf, img)
		params := "a red bicycle <lora:paperTexture:0.5>\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: " + seed + ", Size: 64x64, Lora hashes: \"paperTexture: " + v3[:12] + "\""
		if err := os.WriteFile(filepath.Join(ev, "out", seed+".png"), withText(buf.Bytes(), "parameters", params), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return v3
}

// TestAICommands: after ingest, vibora ai files, models and producers
// print the generated image, the LoRA on the seized machine it names and
// the producer group, as tables and as JSON lines (docs/cli-json.md).
func TestAICommands(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "ev")
	v3 := aiEvidence(t, ev)
	db := filepath.Join(dir, "v.db")
	for _, args := range [][]string{{"case", "create", "op-ai"}, {"ingest", "--case", "op-ai", "--exhibit", "PC-1", ev}} {
		if _, e, code := run(t, db, args...); code != ExitOK {
			t.Fatalf("%v: %d %s", args, code, e)
		}
	}
	out, e, code := run(t, db, "--json", "ai", "files", "--case", "op-ai", "--model", v3[:10])
	if code != ExitOK {
		t.Fatalf("ai files: %d %s", code, e)
	}
	files := decodeLines[investigation.AIFileView](t, out)
	if len(files) != 2 || files[0].Verdict != investigation.VerdictAI || len(files[0].Resources) != 1 || len(files[0].Resources[0].Files) != 1 ||
		!strings.HasSuffix(files[0].Resources[0].Files[0].Path, "paperTexture.safetensors") {
		t.Fatalf("ai files: %s", out)
	}
	out, _, code = run(t, db, "ai", "files", "--case", "op-ai")
	if code != ExitOK || !strings.Contains(out, "lora:paperTexture") || !strings.Contains(out, "op-ai/PC-1") || strings.Contains(out, "bicycle") {
		t.Fatalf("ai files table (prompts stay out of tables): %s", out)
	}
	out, _, code = run(t, db, "--json", "ai", "models", "--case", "op-ai")
	models := decodeLines[investigation.AIModelView](t, out)
	if code != ExitOK || len(models) != 1 || models[0].Digests.AutoV3 != v3 || len(models[0].UsedBy) != 2 {
		t.Fatalf("ai models: %s", out)
	}
	out, _, code = run(t, db, "--json", "ai", "producers", "--case", "op-ai")
	groups := decodeLines[investigation.AIProducerView](t, out)
	if code != ExitOK || len(groups) != 1 || len(groups[0].Files) != 2 {
		t.Fatalf("ai producers: %s", out)
	}
	out, _, code = run(t, db, "ai", "producers", "--case", "op-ai")
	if code != ExitOK || !strings.Contains(out, "same LoRA paperTexture") || !strings.Contains(out, "seed series 7..8") {
		t.Fatalf("ai producers table: %s", out)
	}
	if _, e, code := run(t, db, "ai", "files", "--case", "op-ai", "--generator", "photoshop"); code != ExitUsage || !strings.Contains(e, "generator") {
		t.Fatalf("unknown generator: %d %s", code, e)
	}
	if _, _, code := run(t, db, "ai", "models", "--case", "nope"); code != ExitUsage {
		t.Fatalf("unknown case: %d", code)
	}
}

// TestAIJSONGolden pins the --json output of the ai commands (as
// TestJSONGolden does for the demo scenario, which holds no AI-generated
// files): a store built from aiEvidence, with the clock, the OS user,
// the files' times and the paths fixed; every line decoded strictly into
// the type the command prints and compared with testdata/golden/ai-*.jsonl
// (go test ./internal/cli -run AIJSONGolden -update rewrites them).
func TestAIJSONGolden(t *testing.T) {
	clock := time.Date(2024, 3, 4, 12, 0, 0, 0, time.UTC)
	serviceOptions = []investigation.Option{investigation.WithClock(func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	})}
	defer func() { serviceOptions = nil }()
	t.Setenv("USER", "tester")
	t.Setenv("VIBORA_ACTOR", "")
	root := t.TempDir()
	ev := filepath.Join(root, "ev")
	v3 := aiEvidence(t, ev)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			os.Chtimes(p, demo.Epoch, demo.Epoch)
		}
		return err
	})
	db := filepath.Join(root, "ai.db")
	const c = "op-ai"
	for _, args := range [][]string{{"case", "create", c}, {"ingest", "--case", c, "--exhibit", "PC-1", "--workers", "1", ev}} {
		if _, e, code := run(t, db, args...); code != ExitOK {
			t.Fatalf("%v: %d %s", args, code, e)
		}
	}
	scrub := strings.NewReplacer(root, "$TMP")
	for _, st := range []struct {
		name string
		args []string
		typ  any
	}{
		{"ai-files", []string{"ai", "files", "--case", c}, investigation.AIFileView{}},
		{"ai-files-model", []string{"ai", "files", "--case", c, "--model", v3[:12], "--generator", "a1111"}, investigation.AIFileView{}},
		{"ai-models", []string{"ai", "models", "--case", c}, investigation.AIModelView{}},
		{"ai-producers", []string{"ai", "producers", "--case", c}, investigation.AIProducerView{}},
	} {
		out, e, code := run(t, db, append([]string{"--json"}, st.args...)...)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", st.name, code, e)
		}
		got := scrub.Replace(out)
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		for i, line := range lines {
			if err := decodeStrict([]byte(line), reflect.TypeOf(st.typ)); err != nil {
				t.Errorf("%s line %d: %v\n%s", st.name, i+1, err, line)
			}
		}
		golden := filepath.Join("testdata", "golden", st.name+".jsonl")
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", st.name, err)
		}
		if got != string(want) {
			t.Errorf("%s: --json output differs from %s (run with -update after checking the change)\ngot:\n%s\nwant:\n%s", st.name, golden, got, want)
		}
	}
}
