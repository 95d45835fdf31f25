package investigation_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// aiPNG encodes a synthetic gradient picture (variant v) and, when
// parameters is not empty, inserts an A1111 "parameters" tEXt chunk
// after IHDR.
func aiPNG(t *testing.T, v int, parameters string) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			img.Set(x, y, color.NRGBA{uint8((x*4 + v*37) ^ (y * v * 3)), uint8(y * 4), uint8((x + y) * 2 * (v + 1)), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if parameters == "" {
		return b.Bytes()
	}
	data := append([]byte("parameters\x00"), parameters...)
	var c bytes.Buffer
	binary.Write(&c, binary.BigEndian, uint32(len(data)))
	c.WriteString("tEXt")
	c.Write(data)
	binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("tEXt"), data...)))
	raw := b.Bytes()
	return slices.Concat(raw[:33], c.Bytes(), raw[33:]) // signature and IHDR are 33 bytes
}

// safetensors builds a tiny safetensors file with the given metadata and
// returns it with its AutoV3 (the SHA-256 of its tensor bytes).
func safetensors(meta string, tensor []byte) ([]byte, string) {
	head := `{"__metadata__":` + meta + `,"w":{"dtype":"U8","shape":[` + strconv.Itoa(len(tensor)) + `],"data_offsets":[0,` + strconv.Itoa(len(tensor)) + `]}}`
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(head)))
	b.WriteString(head)
	b.Write(tensor)
	sum := sha256.Sum256(tensor)
	return b.Bytes(), hex.EncodeToString(sum[:])
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAIGeneration: ingest stores what generators wrote into images and
// the hashes of model files; images join the LoRA on another exhibit and
// the checkpoint in another case by the hashes they name, the other
// case's file named only to a principal who may read it; an image
// stripped of its metadata is probably AI by its likeness; the two
// outputs of one LoRA and seed series are one producer.
func TestAIGeneration(t *testing.T) {
	lora, loraV3 := safetensors(`{"ss_output_name":"paperTexture","ss_dataset_dirs":"{\"10_lighthouses\": {\"n_repeats\": 10, \"img_count\": 12}}","ss_training_started_at":"1700000000"}`,
		[]byte("synthetic lora weights"))
	ckpt, _ := safetensors(`{"modelspec.title":"demoModel"}`, bytes.Repeat([]byte{7}, 300))
	ckptSum := sha256.Sum256(ckpt)
	ckptV2 := hex.EncodeToString(ckptSum[:])[:10]
	infotext := func(prompt, seed string) string {
		return prompt + " <lora:paperTexture:0.6>\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: " + seed +
			", Size: 64x64, Model hash: " + ckptV2 + ", Model: demoModel, Lora hashes: \"paperTexture: " + loraV3[:12] + "\", Version: v1.10.1"
	}
	phone, pc, other := t.TempDir(), t.TempDir(), t.TempDir()
	writeFiles(t, phone, map[string][]byte{
		"DCIM/lighthouse.png": aiPNG(t, 1, infotext("a lighthouse on a cliff, watercolor", "1000")),
		"DCIM/bicycle.png":    aiPNG(t, 2, infotext("a red bicycle by a fence", "1003")),
		"Download/copy.png":   aiPNG(t, 1, ""), // the lighthouse's pixels, metadata stripped
		"DCIM/camera.png":     aiPNG(t, 5, ""),
	})
	writeFiles(t, pc, map[string][]byte{"models/Lora/paperTexture.safetensors": lora})
	writeFiles(t, other, map[string][]byte{"sd/models/Stable-diffusion/demoModel.safetensors": ckpt})

	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		for _, c := range []investigation.Case{{Name: "op-ai", Agency: "NL-POL"}, {Name: "op-other", Agency: "BE-FCCU"}} {
			if _, err := s.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		for _, in := range []struct{ c, e, dir string }{{"op-ai", "PHONE-1", phone}, {"op-ai", "PC-1", pc}, {"op-other", "PC-9", other}} {
			if _, err := s.Ingest(ctx, in.c, investigation.IngestOptions{Exhibit: in.e, Paths: []string{in.dir}, Workers: 1}); err != nil {
				t.Fatal(err)
			}
		}

		files, err := s.AIFiles(ctx, "op-ai", investigation.AIFileQuery{})
		if err != nil {
			t.Fatal(err)
		}
		byPath := map[string]investigation.AIFileView{}
		for _, f := range files {
			byPath[filepath.Base(f.Path)] = f
		}
		if len(files) != 3 || byPath["lighthouse.png"].Verdict != investigation.VerdictAI || byPath["bicycle.png"].Verdict != investigation.VerdictAI {
			t.Fatalf("ai files %+v", files)
		}
		lh := byPath["lighthouse.png"]
		if cp := byPath["copy.png"]; cp.Verdict != investigation.VerdictProbablyAI || cp.NearFile != lh.FileID || cp.NearDistance != 0 {
			t.Fatalf("stripped copy %+v, want probably AI near file %d", cp, lh.FileID)
		}
		if len(lh.Generation) != 1 || lh.Generation[0].Seed != "1000" || !strings.HasPrefix(lh.Generation[0].Prompt, "a lighthouse") {
			t.Fatalf("lighthouse generation %+v", lh.Generation)
		}
		links := map[string]investigation.AIModelRef{}
		for _, r := range lh.Resources {
			for _, f := range r.Files {
				links[r.Kind] = f
			}
		}
		if l := links["lora"]; l.Case != "op-ai" || l.Exhibit != "PC-1" || l.By != "autov3 prefix" {
			t.Fatalf("lora link %+v (resources %+v)", l, lh.Resources)
		}
		if l := links["checkpoint"]; l.Case != "op-other" || l.By != "sha256 prefix" {
			t.Fatalf("checkpoint link across cases %+v", l)
		}

		// A principal of NL-POL may not read op-other: its model file is
		// counted, not named.
		nl, err := s.AIFiles(as(nlInv), "op-ai", investigation.AIFileQuery{Generator: "a1111"})
		if err != nil || len(nl) != 2 {
			t.Fatalf("as NL: %+v %v", nl, err)
		}
		for _, r := range nl[0].Resources {
			if r.Kind == "checkpoint" && (len(r.Files) != 0 || r.FilesUnnamed != 1) {
				t.Fatalf("as NL, checkpoint resource %+v: want it counted in 1 other case, not named", r)
			}
		}
		if m, err := s.AIFiles(ctx, "op-ai", investigation.AIFileQuery{Model: loraV3[:10]}); err != nil || len(m) != 2 {
			t.Fatalf("--model %s: %+v %v", loraV3[:10], m, err)
		}
		if _, err := s.AIFiles(ctx, "op-ai", investigation.AIFileQuery{Model: "xyz"}); err == nil {
			t.Fatal("a model filter that is not hex was accepted")
		}
		if _, err := s.AIFiles(as(beInv), "op-ai", investigation.AIFileQuery{}); err == nil {
			t.Fatal("BE read NL's case")
		}

		models, err := s.AIModels(ctx, "op-ai")
		if err != nil || len(models) != 1 {
			t.Fatalf("models %+v %v", models, err)
		}
		m := models[0]
		if m.Format != "safetensors" || m.Digests.AutoV3 != loraV3 || m.Training == nil || m.Training.OutputName != "paperTexture" || len(m.UsedBy) != 2 {
			t.Fatalf("model %+v", m)
		}
		// The checkpoint's case sees the NL images only as a count when
		// its principal may not read op-ai.
		be, err := s.AIModels(as(beInv), "op-other")
		if err != nil || len(be) != 1 || len(be[0].UsedBy) != 0 || be[0].UsedByUnnamed != 1 {
			t.Fatalf("as BE, op-other models %+v %v", be, err)
		}

		prods, err := s.AIProducers(ctx, "op-ai")
		if err != nil || len(prods) != 1 {
			t.Fatalf("producers %+v %v", prods, err)
		}
		p := prods[0]
		joined := strings.Join(p.Reasons, "\n")
		for _, want := range []string{"same LoRA paperTexture", "seed series 1000..1003", "is on seized exhibit PC-1", "training metadata", "on seized exhibit op-other/PC-9"} {
			if !strings.Contains(joined, want) {
				t.Errorf("producer reasons lack %q:\n%s", want, joined)
			}
		}
		if len(p.Files) != 2 || p.Score != 0.5*2+4+2+5+5+5 || len(p.Held) != 2 {
			t.Errorf("producer %+v", p)
		}
		var sum float64
		for _, r := range p.Reasons {
			var v float64
			if _, err := fmtSscanf(r, &v); err != nil {
				t.Fatalf("reason %q: %v", r, err)
			}
			sum += v
		}
		if sum != p.Score {
			t.Errorf("reasons add to %.1f, score %.1f", sum, p.Score)
		}

		rep, err := s.Report(ctx, "op-ai")
		if err != nil {
			t.Fatal(err)
		}
		if rep.AI.Generated != 2 || rep.AI.Probably != 1 || rep.AI.ModelFiles != 1 || rep.AI.Generators["a1111"] != 2 {
			t.Fatalf("report AI counts %+v", rep.AI)
		}
	})
}

// TestAISuspects: a member who posted an AI-generated image and the LoRA
// it names (trained on their own dataset) rises in the suspect ranking,
// each part with its reason; a member who only talked does not.
func TestAISuspects(t *testing.T) {
	lora, loraV3 := safetensors(`{"ss_output_name":"paperTexture","ss_dataset_dirs":"{\"10_lighthouses\": {\"n_repeats\": 10, \"img_count\": 12}}"}`, []byte("synthetic lora weights"))
	params := "a lighthouse on a cliff <lora:paperTexture:0.6>\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 64x64, Lora hashes: \"paperTexture: " + loraV3[:12] + "\""
	dir := writeTelegramChat(t, "Example Art Group", 4401, []tgMessage{{"Rowan Example", "user1001", "new one"}, {"Sam Example", "user1002", "nice"}, {"Rowan Example", "user1001", "the lora"}})
	writeFiles(t, dir, map[string][]byte{"photos/photo_1.png": aiPNG(t, 3, params), "files/paperTexture.safetensors": lora})
	b, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"text": "new one"`), []byte(`"photo": "photos/photo_1.png", "text": "new one"`), 1)
	b = bytes.Replace(b, []byte(`"text": "the lora"`), []byte(`"file": "files/paperTexture.safetensors", "text": "the lora"`), 1)
	if err := os.WriteFile(filepath.Join(dir, "result.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := newService(t, open)
		people := peopleOf(t, s, "op-ai-chat", dir)
		rowan, sam := personNamed(t, people, "Rowan Example"), personNamed(t, people, "Sam Example")
		if rowan.AIFiles != 1 || len(rowan.AIModels) != 1 || len(rowan.AITraining) != 1 {
			t.Fatalf("Rowan: AI files %d, models %q, training %q; reasons %q", rowan.AIFiles, rowan.AIModels, rowan.AITraining, rowan.Reasons)
		}
		joined := strings.Join(rowan.Reasons, "\n")
		for _, want := range []string{"+2.0 shared or holds 1 AI-generated file(s)", "+5.0 shared or holds 1 model/LoRA file(s) that generated images of the case name",
			"+5.0 shared or holds 1 LoRA(s) with training metadata"} {
			if !strings.Contains(joined, want) {
				t.Errorf("Rowan's reasons lack %q:\n%s", want, joined)
			}
		}
		if sam.AIFiles != 0 || len(sam.AIModels) != 0 || strings.Contains(strings.Join(sam.Reasons, "\n"), "AI-generated") {
			t.Errorf("Sam: %+v", sam.Reasons)
		}
		if people[0].Name != "Rowan Example" {
			t.Errorf("first suspect %q, want Rowan", people[0].Name)
		}
	})
}
