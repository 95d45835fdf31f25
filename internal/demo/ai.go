package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"path/filepath"
)

// The demo's LoRA: its kohya output name, and the checkpoint the
// generators name (an invented AutoV2).
const (
	demoLoRA       = "lighthouseStyle"
	demoCheckpoint = "v1-5-pruned-emaonly"
	demoModelHash  = "6ce0161689"
)

// writeAI writes the disk of a seized generator machine (exhibit PC-02):
// a small LoRA in safetensors form with kohya training claims, two A1111
// outputs that name it by its AutoV3 prefix (seeds 1001 and 1002), a
// ComfyUI output whose graph loads it by file name, and a JPEG copy of
// the first output with its metadata stripped. The pictures are the
// demo's abstract renders; the prompts are benign.
func writeAI(l *Layout) error {
	l.AIEvidence = filepath.Join(l.Root, "evidence", "PC-02")
	lora, autov3 := safetensors(map[string]any{
		"ss_output_name":         demoLoRA,
		"ss_session_id":          "4242",
		"ss_training_started_at": "1709280000.0",
		"ss_sd_model_name":       demoCheckpoint + ".safetensors",
		"ss_dataset_dirs":        `{"10_lighthouse": {"n_repeats": 10, "img_count": 12}}`,
		"ss_tag_frequency":       `{"10_lighthouse": {"lighthouse": 12, "dusk": 8, "watercolor": 5}}`,
	}, []byte("synthetic demo LoRA weights, not a model"))
	if err := writeFile(filepath.Join(l.AIEvidence, "models", "loras", demoLoRA+".safetensors"), lora); err != nil {
		return err
	}
	for i, seed := range []int{1001, 1002} {
		params := fmt.Sprintf("a lighthouse at dusk, watercolor <lora:%s:0.7>\nNegative prompt: blurry\n"+
			"Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: %d, Size: 256x256, Model hash: %s, Model: %s, Lora hashes: \"%s: %s\", Version: v1.10.1",
			demoLoRA, seed, demoModelHash, demoCheckpoint, demoLoRA, autov3[:12])
		img := encodePNG(Picture{Seed: uint64(700 + i), Width: 256, Height: 256}.Render())
		name := fmt.Sprintf("outputs/txt2img/%05d-%d.png", i+1, seed)
		if err := writeFile(filepath.Join(l.AIEvidence, filepath.FromSlash(name)), pngText(img, "parameters", params)); err != nil {
			return err
		}
	}
	graph, err := comfyGraph(1003, "a paper boat on a calm pond")
	if err != nil {
		return err
	}
	img := encodePNG(Picture{Seed: 710, Width: 256, Height: 256}.Render())
	if err := writeFile(filepath.Join(l.AIEvidence, "outputs", "ComfyUI_00001_.png"), pngText(img, "prompt", graph)); err != nil {
		return err
	}
	// The first output as a platform would serve it: re-encoded, no metadata.
	stripped := encodeJPEG(Picture{Seed: 700, Width: 256, Height: 256}.Render(), 85)
	return writeFile(filepath.Join(l.AIEvidence, "Downloads", "lighthouse.jpg"), stripped)
}

// safetensors builds a safetensors file holding one U8 tensor with the
// given metadata, and returns it with its AutoV3 (SHA-256 of the bytes
// after the header).
func safetensors(meta map[string]any, tensor []byte) ([]byte, string) {
	header, _ := json.Marshal(map[string]any{
		"__metadata__":          meta,
		"lora_unet_down.weight": map[string]any{"dtype": "U8", "shape": []int{len(tensor)}, "data_offsets": []int{0, len(tensor)}},
	})
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(append(b, header...), tensor...)
	sum := sha256.Sum256(tensor)
	return b, hex.EncodeToString(sum[:])
}

// comfyGraph is a ComfyUI API graph (the PNG "prompt" text): checkpoint,
// the demo LoRA, two text encoders, an empty latent and a sampler.
func comfyGraph(seed int64, prompt string) (string, error) {
	type node struct {
		Class  string         `json:"class_type"`
		Inputs map[string]any `json:"inputs"`
	}
	g := map[string]node{
		"1": {"CheckpointLoaderSimple", map[string]any{"ckpt_name": demoCheckpoint + ".safetensors"}},
		"2": {"LoraLoader", map[string]any{"lora_name": demoLoRA + ".safetensors", "strength_model": 0.7, "strength_clip": 0.7,
			"model": []any{"1", 0}, "clip": []any{"1", 1}}},
		"3": {"CLIPTextEncode", map[string]any{"text": prompt, "clip": []any{"2", 1}}},
		"4": {"CLIPTextEncode", map[string]any{"text": "blurry", "clip": []any{"2", 1}}},
		"5": {"EmptyLatentImage", map[string]any{"width": 256, "height": 256, "batch_size": 1}},
		"6": {"KSampler", map[string]any{"seed": seed, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal", "denoise": 1,
			"model": []any{"2", 0}, "positive": []any{"3", 0}, "negative": []any{"4", 0}, "latent_image": []any{"5", 0}}},
	}
	b, err := json.Marshal(g)
	return string(b), err
}

// pngText inserts a tEXt chunk key=text after a PNG's IHDR chunk.
func pngText(png []byte, key, text string) []byte {
	data := append(append([]byte(key), 0), text...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(append(chunk, "tEXt"...), data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(append([]byte("tEXt"), data...)))
	const ihdrEnd = 8 + 8 + 13 + 4 // signature, IHDR length and type, its data, its CRC
	return append(append(append([]byte(nil), png[:ihdrEnd]...), chunk...), png[ihdrEnd:]...)
}
