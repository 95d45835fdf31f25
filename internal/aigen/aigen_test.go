package aigen

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
)

const (
	bicyclePrompt = "a red bicycle leaning against a brick wall, watercolor, <lora:watercolorStyle:0.8> <lora:paperTexture:0.5>"
	bicycleParams = bicyclePrompt + "\nNegative prompt: easynegative, blurry\n" +
		`Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234567890, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Clip skip: 2, Lora hashes: "watercolorStyle: 0a1b2c3d4e5f, paperTexture: 112233445566", TI hashes: "easynegative: c74b4e810b03", Version: v1.10.1`
	civitaiHashes = `, Hashes: {"vae": "735e4c3a44", "model": "6ce0161689", "lora:watercolorStyle": "e3afeb944f"}`
)

func one(t *testing.T, b []byte, generator string) Record {
	t.Helper()
	recs, err := Read(b)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var found []Record
	for _, r := range recs {
		if r.Generator == generator {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s record, got %+v", generator, recs)
	}
	return found[0]
}

func resource(t *testing.T, r Record, kind, name, hashKind string) Resource {
	t.Helper()
	for _, x := range r.Resources {
		if x.Kind == kind && x.Name == name && x.HashKind == hashKind {
			return x
		}
	}
	t.Fatalf("no %s %q (%s) in %+v", kind, name, hashKind, r.Resources)
	return Resource{}
}

func checkBicycle(t *testing.T, r Record) {
	t.Helper()
	if r.Prompt != bicyclePrompt || r.NegativePrompt != "easynegative, blurry" {
		t.Errorf("prompt %q negative %q", r.Prompt, r.NegativePrompt)
	}
	if r.Seed != "1234567890" || r.Steps != "20" || r.Sampler != "DPM++ 2M" || r.Scheduler != "Karras" || r.CFG != "7" ||
		r.Width != 512 || r.Height != 768 || r.Version != "v1.10.1" || r.Settings["Clip skip"] != "2" {
		t.Errorf("settings: %+v", r)
	}
	if c := resource(t, r, Checkpoint, "v1-5-pruned-emaonly", HashAutoV2); c.Hash != "6ce0161689" {
		t.Errorf("checkpoint %+v", c)
	}
	if l := resource(t, r, LoRA, "watercolorStyle", HashAutoV3); l.Hash != "0a1b2c3d4e5f" || l.Weight != "0.8" {
		t.Errorf("lora %+v", l)
	}
	if l := resource(t, r, LoRA, "paperTexture", HashAutoV3); l.Hash != "112233445566" || l.Weight != "0.5" {
		t.Errorf("lora %+v", l)
	}
	if e := resource(t, r, Embedding, "easynegative", HashSHA256); e.Hash != "c74b4e810b03" {
		t.Errorf("embedding %+v", e)
	}
}

func TestA1111PNG(t *testing.T) {
	r := one(t, pngFile(tEXt("parameters", bicycleParams), idat()), A1111)
	checkBicycle(t, r)
	if len(r.Sources) != 1 || r.Sources[0].Place != "tEXt" || r.Sources[0].Key != "parameters" || r.Sources[0].Offset != 33 {
		t.Errorf("sources %+v", r.Sources)
	}
	// The Civitai extension's Hashes JSON survives whole; its LoRA hash
	// (AutoV2) is kept next to A1111's own (AutoV3).
	r = one(t, pngFile(tEXt("parameters", bicycleParams+civitaiHashes), idat()), A1111)
	checkBicycle(t, r)
	if l := resource(t, r, LoRA, "watercolorStyle", HashAutoV2); l.Hash != "e3afeb944f" {
		t.Errorf("civitai lora hash %+v", l)
	}
	if v := resource(t, r, VAE, "", HashAutoV2); v.Hash != "735e4c3a44" {
		t.Errorf("vae %+v", v)
	}
	// Non-Latin-1 text goes to iTXt; compressed iTXt too.
	for _, c := range []chunk{iTXt("parameters", "aquarelle à l'été —\n"+strings.SplitN(bicycleParams, "\n", 3)[2], false), iTXt("parameters", bicycleParams, true)} {
		r := one(t, pngFile(c, idat()), A1111)
		if r.Seed != "1234567890" || r.Sources[0].Place != "iTXt" {
			t.Errorf("iTXt: %+v", r)
		}
	}
}

func TestInfotextGrammar(t *testing.T) {
	// A prompt with no settings line is not a generation record.
	if recs, _ := Read(pngFile(tEXt("parameters", "just a prompt, with: colons, and commas"))); len(recs) != 0 {
		t.Errorf("prompt-only text: %+v", recs)
	}
	it := ParseInfotext("line one\nline two\nNegative prompt: bad\nworse\nSteps: 5, Sampler: Euler, Seed: 7, Comment: \"a, \\\"quoted\\\"\\nvalue\"")
	if it.Prompt != "line one\nline two" || it.Negative != "bad\nworse" {
		t.Errorf("multi-line: %+v", it)
	}
	if len(it.Settings) != 4 || it.Settings[3].Value != "a, \"quoted\"\nvalue" {
		t.Errorf("quoted value: %+v", it.Settings)
	}
}

func TestA1111JPEGAndWebP(t *testing.T) {
	// piexif's layout: APP1 right after SOI, a big-endian TIFF, UserComment
	// "UNICODE\0" + UTF-16BE in the Exif sub-IFD.
	exif := tiffBlock(binary.BigEndian, nil, []tag{{0x9286, 7, unicodeComment(bicycleParams, binary.BigEndian)}})
	checkBicycle(t, one(t, jpegFile(segment(0xE1, append([]byte("Exif\x00\x00"), exif...))), A1111))
	// A little-endian TIFF whose writer used UTF-16LE.
	exifLE := tiffBlock(binary.LittleEndian, nil, []tag{{0x9286, 7, unicodeComment(bicycleParams, binary.LittleEndian)}})
	checkBicycle(t, one(t, jpegFile(segment(0xE1, append([]byte("Exif\x00\x00"), exifLE...))), A1111))
	// WebP: the EXIF chunk without the "Exif\0\0" prefix, and with it.
	checkBicycle(t, one(t, webpFile(chunk{"EXIF", exif}), A1111))
	checkBicycle(t, one(t, webpFile(chunk{"EXIF", append([]byte("Exif\x00\x00"), exif...)}), A1111))
}

const (
	comfyPrompt = `{"4": {"inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}, "class_type": "CheckpointLoaderSimple", "_meta": {"title": "Load Checkpoint"}},
 "10": {"inputs": {"lora_name": "styles/watercolorStyle_v2.safetensors", "strength_model": 0.8, "strength_clip": 0.8, "model": ["4", 0], "clip": ["4", 1]}, "class_type": "LoraLoader"},
 "6": {"inputs": {"text": "a lighthouse on a cliff at sunset, oil painting", "clip": ["10", 1]}, "class_type": "CLIPTextEncode"},
 "7": {"inputs": {"text": "blurry", "clip": ["10", 1]}, "class_type": "CLIPTextEncode"},
 "5": {"inputs": {"width": 1024, "height": 1024, "batch_size": 1}, "class_type": "EmptyLatentImage"},
 "3": {"inputs": {"seed": 156680208700286, "steps": 25, "cfg": 7.5, "sampler_name": "euler", "scheduler": "normal", "denoise": 1, "model": ["10", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}, "class_type": "KSampler"}}`
	comfyWorkflow = `{"last_node_id": 10, "nodes": [], "extra": {"frontendVersion": "1.28.7"}, "version": 0.4,
 "models": [{"name": "sd_xl_base_1.0.safetensors", "url": "https://example.org/models/sd_xl_base_1.0.safetensors", "hash": "31E35C80FC4829D14F90153F4C74CD59C90B779F6AFE05A74CD6FFB7E8E4B4D0", "hash_type": "SHA256", "directory": "checkpoints"}]}`
)

func TestComfyUI(t *testing.T) {
	png := pngFile(tEXt("prompt", comfyPrompt), tEXt("workflow", comfyWorkflow), idat())
	r := one(t, png, ComfyUI)
	if r.Seed != "156680208700286" || r.Steps != "25" || r.CFG != "7.5" || r.Sampler != "euler" || r.Width != 1024 ||
		r.Prompt != "a lighthouse on a cliff at sunset, oil painting" || r.NegativePrompt != "blurry" || r.Version != "1.28.7" {
		t.Errorf("comfy record %+v", r)
	}
	resource(t, r, Checkpoint, "sd_xl_base_1.0.safetensors", "")
	if l := resource(t, r, LoRA, "styles/watercolorStyle_v2.safetensors", ""); l.Weight != "0.8" {
		t.Errorf("lora %+v", l)
	}
	if m := resource(t, r, Model, "sd_xl_base_1.0.safetensors", HashSHA256); !strings.HasPrefix(m.Hash, "31e35c80") || m.URL == "" {
		t.Errorf("workflow model %+v", m)
	}
	// The fingerprint ignores seeds, prompts and node ids, not models.
	other := strings.NewReplacer("156680208700286", "42", "a lighthouse", "a red bicycle", `"10"`, `"11"`, `["10"`, `["11"`).Replace(comfyPrompt)
	if r2 := one(t, pngFile(tEXt("prompt", other)), ComfyUI); r2.Workflow != r.Workflow || r.Workflow == "" {
		t.Errorf("same template, other seed and prompt: %s vs %s", r2.Workflow, r.Workflow)
	}
	swapped := strings.Replace(comfyPrompt, "watercolorStyle_v2", "inkStyle_v1", 1)
	if r3 := one(t, pngFile(tEXt("prompt", swapped)), ComfyUI); r3.Workflow == r.Workflow {
		t.Errorf("another LoRA, same fingerprint")
	}
	// Animated PNG: comf chunks after the image data.
	apng := pngFile(idat(), chunk{"comf", []byte("prompt\x00" + comfyPrompt)}, chunk{"comf", []byte("workflow\x00" + comfyWorkflow)})
	if r4 := one(t, apng, ComfyUI); r4.Seed != r.Seed || r4.Sources[0].Place != "comf" {
		t.Errorf("apng: %+v", r4)
	}
	// WebP: EXIF Model "prompt:{...}", Make "workflow:{...}".
	exif := tiffBlock(binary.BigEndian, []tag{{0x010F, 2, ascii("workflow:" + comfyWorkflow)}, {0x0110, 2, ascii("prompt:" + comfyPrompt)}}, nil)
	if r5 := one(t, webpFile(chunk{"EXIF", exif}), ComfyUI); r5.Workflow != r.Workflow || r5.Version != "1.28.7" {
		t.Errorf("webp: %+v", r5)
	}
	// A "prompt" that a custom node overwrote with plain text is no graph.
	if recs, _ := Read(pngFile(tEXt("prompt", "a lighthouse"))); len(recs) != 0 {
		t.Errorf("plain prompt text: %+v", recs)
	}
}

func TestOtherGenerators(t *testing.T) {
	invoke := `{"app_version": "5.6.0", "generation_mode": "sdxl_txt2img", "positive_prompt": "a lighthouse", "negative_prompt": "", "seed": 99, "steps": 30, "cfg_scale": 6, "scheduler": "euler", "width": 1024, "height": 768,
 "model": {"key": "k1", "hash": "blake3:1F425FA4F06D13461182D6450764AAAD858FF3D8DB4BC5513E0BEC46791731A7", "name": "juggernautXL", "base": "sdxl", "type": "main"},
 "loras": [{"model": {"key": "k2", "hash": "blake3:aa", "name": "watercolorStyle", "base": "sdxl", "type": "lora"}, "weight": 0.75}]}`
	r := one(t, pngFile(tEXt("invokeai_metadata", invoke)), InvokeAI)
	if r.Version != "5.6.0" || r.Seed != "99" || resource(t, r, Checkpoint, "juggernautXL", HashBLAKE3).Hash != "1f425fa4f06d13461182d6450764aaad858ff3d8db4bc5513e0bec46791731a7" ||
		resource(t, r, LoRA, "watercolorStyle", HashBLAKE3).Weight != "0.75" {
		t.Errorf("invoke %+v", r)
	}

	nai := pngFile(tEXt("Title", "AI generated image"), tEXt("Description", "a red bicycle"), tEXt("Software", "NovelAI"),
		tEXt("Source", "Stable Diffusion XL 9CC2F394"), tEXt("Comment", `{"prompt": "a red bicycle", "steps": 28, "height": 1216, "width": 832, "scale": 5.0, "seed": 3735928559, "sampler": "k_euler_ancestral", "uc": "lowres"}`))
	r = one(t, nai, NovelAI)
	if r.Seed != "3735928559" || r.NegativePrompt != "lowres" || r.Width != 832 || resource(t, r, Checkpoint, "Stable Diffusion XL", HashNovel).Hash != "9cc2f394" {
		t.Errorf("novelai %+v", r)
	}

	fooocus := `{"prompt": "a lighthouse", "negative_prompt": "", "resolution": "(896, 1152)", "seed": "12345", "steps": 30, "guidance_scale": 4, "sampler": "dpmpp_2m_sde_gpu", "scheduler": "karras",
 "base_model": "juggernautXL_v8Rundiffusion", "base_model_hash": "aeb7e9e689", "loras": [["sd_xl_offset_example-lora_1.0.safetensors", 0.1, "4852686128"]], "version": "Fooocus v2.5.5"}`
	// JPEG: UserComment with no charset prefix, Software "Fooocus v2.5.5".
	exif := tiffBlock(binary.LittleEndian, []tag{{0x0131, 2, ascii("Fooocus v2.5.5")}}, []tag{{0x9286, 7, []byte(fooocus)}, {0x927C, 7, []byte("fooocus")}})
	r = one(t, jpegFile(segment(0xE1, append([]byte("Exif\x00\x00"), exif...))), Fooocus)
	if r.Width != 896 || r.Height != 1152 || resource(t, r, Checkpoint, "juggernautXL_v8Rundiffusion", HashAutoV2).Hash != "aeb7e9e689" ||
		resource(t, r, LoRA, "sd_xl_offset_example-lora_1.0.safetensors", HashAutoV2).Weight != "0.1" {
		t.Errorf("fooocus %+v", r)
	}
	// PNG: parameters + fooocus_scheme.
	one(t, pngFile(tEXt("parameters", fooocus), tEXt("fooocus_scheme", "fooocus")), Fooocus)

	swarm := `{"sui_image_params": {"prompt": "a lighthouse", "negativeprompt": "", "model": "OfficialStableDiffusion/sd_xl_base_1.0", "seed": 1, "steps": 20, "cfgscale": 7, "width": 1024, "height": 1024, "loras": ["watercolorStyle"], "loraweights": ["0.6"], "swarm_version": "0.9.4.0"},
 "sui_extra_data": {"date": "2025-01-25"}, "sui_models": [{"name": "watercolorStyle.safetensors", "param": "loras", "hash": "0x1e2032e8e59f05df577f13d27bd7a4367d5893142d99f5e430c0556556ab094c"}]}`
	r = one(t, pngFile(tEXt("parameters", swarm)), SwarmUI)
	if l := resource(t, r, LoRA, "watercolorStyle", HashSHA256); l.Weight != "0.6" || !strings.HasPrefix(l.Hash, "1e2032e8") || r.Version != "0.9.4.0" {
		t.Errorf("swarm %+v", r)
	}

	xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:foo="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" foo:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"><foo:DigImageGUID>00000000-0000-4000-8000-000000000001</foo:DigImageGUID></rdf:Description></rdf:RDF></x:xmpmeta>`
	mj := pngFile(tEXt("Description", "a lighthouse at dawn --ar 3:2 --v 6 Job ID: 00000000-0000-4000-8000-000000000001"), tEXt("Author", "synthetic_user"), iTXt("XML:com.adobe.xmp", xmp, false))
	r = one(t, mj, Midjourney)
	if r.Prompt != "a lighthouse at dawn" || r.User != "synthetic_user" || r.JobID != "00000000-0000-4000-8000-000000000001" || r.Settings["ar"] != "3:2" || r.Version != "6" {
		t.Errorf("midjourney %+v", r)
	}
	r = one(t, mj, IPTC)
	if !r.AIDeclared || r.JobID != "00000000-0000-4000-8000-000000000001" {
		t.Errorf("iptc %+v", r)
	}
	// The element form, in a JPEG's XMP segment.
	xmpElem := strings.Replace(xmp, ` foo:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia">`, `><foo:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture</foo:DigitalSourceType>`, 1)
	r = one(t, jpegFile(segment(0xE1, append(xmpPrefix, xmpElem...))), IPTC)
	if r.AIDeclared || !strings.HasSuffix(r.SourceType, "/digitalCapture") {
		t.Errorf("iptc element form %+v", r)
	}
}

func TestC2PA(t *testing.T) {
	store := c2paStore()
	check := func(name string, b []byte) {
		t.Helper()
		r := one(t, b, C2PA)
		if !r.AIDeclared || r.Version != "vibora-fixture 0.1" || r.Settings["softwareAgent"] != "synthetic-gen/1.0" || r.StoreSHA256 != sha256Hex(store) || r.Claimed != "unvalidated" {
			t.Errorf("%s: %+v", name, r)
		}
	}
	check("png caBX", pngFile(chunk{"caBX", store}, idat()))
	check("webp C2PA", webpFile(chunk{"C2PA", store}))
	segs := app11(store, 2)
	check("jpeg APP11 in two packets", jpegFile(segs...))
	// A damaged store is still recorded as present.
	r := one(t, pngFile(chunk{"caBX", store[:40]}), C2PA)
	if r.AIDeclared || !strings.Contains(r.Claimed, "unreadable") {
		t.Errorf("damaged store %+v", r)
	}
}

func TestNegativeControls(t *testing.T) {
	camera := tiffBlock(binary.BigEndian, []tag{{0x010F, 2, ascii("ExampleCam")}, {0x0110, 2, ascii("EC-1")}, {0x0131, 2, ascii("ExampleCam Firmware 1.0")}}, nil)
	for name, b := range map[string][]byte{
		"camera jpeg":         jpegFile(segment(0xE1, append([]byte("Exif\x00\x00"), camera...))),
		"png with a comment":  pngFile(tEXt("Comment", "holiday photo"), idat()),
		"jpeg with a comment": jpegFile(segment(0xFE, []byte("holiday photo"))),
		"bare webp":           webpFile(chunk{"VP8 ", []byte{0, 1, 2, 3}}),
	} {
		recs, err := Read(b)
		if err != nil || len(recs) != 0 {
			t.Errorf("%s: %+v %v", name, recs, err)
		}
	}
	if _, err := Read([]byte("GIF89a")); err != ErrNotImage {
		t.Errorf("gif: %v", err)
	}
}

func TestDamagedContainers(t *testing.T) {
	png := pngFile(tEXt("parameters", bicycleParams), idat())
	// Cut inside IDAT: the record before the damage survives, the error says where.
	recs, err := Read(png[:len(png)-20])
	if err == nil || !strings.Contains(err.Error(), "offset") || len(recs) != 1 {
		t.Errorf("truncated png: %+v %v", recs, err)
	}
	// A chunk length running past the end.
	bad := append([]byte(nil), png...)
	binary.BigEndian.PutUint32(bad[8:], 0x7fffffff)
	if _, err := Read(bad); err == nil || !strings.Contains(err.Error(), "IHDR") {
		t.Errorf("huge chunk: %v", err)
	}
	// A wrong CRC is noted, the text still read.
	crc := append([]byte(nil), png...)
	crc[40] ^= 0xff
	fields, _ := Fields(crc)
	var sawCRC bool
	for _, f := range fields {
		sawCRC = sawCRC || f.Place == "crc-error"
	}
	if !sawCRC {
		t.Errorf("crc error not noted: %+v", fields)
	}
	// A JPEG segment running past the end.
	j := jpegFile(segment(0xFE, []byte("x")))
	binary.BigEndian.PutUint16(j[4:], 0xfff0)
	if _, err := Read(j); err == nil || !strings.Contains(err.Error(), "0xFE") {
		t.Errorf("jpeg: %v", err)
	}
}

func TestRecordJSON(t *testing.T) {
	r := one(t, pngFile(tEXt("parameters", bicycleParams)), A1111)
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"generator":"a1111"`) || !strings.Contains(string(b), `"hash_kind":"autov3"`) {
		t.Errorf("json %s %v", b, err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(pngFile(tEXt("parameters", bicycleParams+civitaiHashes), idat()))
	f.Add(pngFile(tEXt("prompt", comfyPrompt), tEXt("workflow", comfyWorkflow)))
	f.Add(pngFile(chunk{"caBX", c2paStore()}))
	f.Add(jpegFile(app11(c2paStore(), 2)...))
	f.Add(jpegFile(segment(0xE1, append([]byte("Exif\x00\x00"), tiffBlock(binary.BigEndian, nil, []tag{{0x9286, 7, unicodeComment(bicycleParams, binary.BigEndian)}})...))))
	f.Add(webpFile(chunk{"EXIF", tiffBlock(binary.LittleEndian, []tag{{0x0110, 2, ascii("prompt:" + comfyPrompt)}}, nil)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, _ := Read(b)
		if _, err := json.Marshal(recs); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzInfotext(f *testing.F) {
	f.Add(bicycleParams + civitaiHashes)
	f.Add("a\nNegative prompt: b\nSteps: 1, Sampler: \"x, \\\"y\", Hashes: {\"a\": [1, {\"b\": \"}\"}]}")
	f.Fuzz(func(t *testing.T, s string) {
		it := ParseInfotext(s)
		if strings.Contains(it.Prompt, "Negative prompt:") && !strings.Contains(strings.ToLower(s), "negative prompt:negative prompt:") {
			// The first "Negative prompt:" line starts the negative part.
			for _, l := range strings.Split(it.Prompt, "\n") {
				if strings.HasPrefix(strings.ToLower(l), "negative prompt:") {
					t.Fatalf("negative line left in the prompt: %q", it.Prompt)
				}
			}
		}
		infotextRecord(Field{Value: []byte(s)})
	})
}

func FuzzCBOR(f *testing.F) {
	f.Add(cborEncode(map[string]any{"actions": []any{map[string]any{"action": "c2pa.created", "n": 3}}}))
	f.Add([]byte{0x9f, 0x01, 0xff})
	f.Add([]byte{0xbf, 0x61, 0x61, 0x01, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeCBOR(b, 0)
		jumbfBoxes(b, 0)
	})
}
