// Package aigen reads what image generators write into their files: the
// AUTOMATIC1111/Forge/SD.Next "parameters" infotext, ComfyUI graphs,
// InvokeAI, NovelAI, Fooocus, SwarmUI and Midjourney metadata, EXIF
// UserComment variants, the IPTC DigitalSourceType in XMP and the presence
// and claims of a C2PA manifest. It works on the container's bytes (PNG
// chunks, JPEG segments, WebP RIFF chunks, TIFF directories); it decodes
// pixels only to read the stealth (LSB) copy NovelAI writes into a PNG,
// and only when the first rows spell its signature (stealth.go).
//
// Everything read is a claim of the file, recorded with where it was found
// (container, chunk or tag, offset); nothing is validated, and absence
// proves nothing (platforms strip metadata). Prompts are evidence text:
// callers show them collapsed and escaped. The package is pure: bytes in,
// records out.
package aigen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"slices"
	"strings"
)

// Generators a record may name.
const (
	A1111         = "a1111" // AUTOMATIC1111, Forge, SD.Next and savers that copy their infotext
	ComfyUI       = "comfyui"
	InvokeAI      = "invokeai"
	NovelAI       = "novelai"
	Fooocus       = "fooocus"
	SwarmUI       = "swarmui"
	Midjourney    = "midjourney"
	EasyDiffusion = "easydiffusion"
	IPTC          = "iptc" // an XMP DigitalSourceType that declares algorithmic media
	C2PA          = "c2pa" // a Content Credentials manifest store
)

// Resource kinds.
const (
	Checkpoint = "checkpoint"
	LoRA       = "lora"
	Embedding  = "embedding"
	VAE        = "vae"
	UNet       = "unet"
	CLIP       = "clip"
	ControlNet = "controlnet"
	Model      = "model" // a model file of a kind the metadata does not say
)

// Hash kinds a generator records (see modelfile for how each is computed).
const (
	HashSHA256 = "sha256"
	HashAutoV1 = "autov1" // 8 hex
	HashAutoV2 = "autov2" // the first 10 hex of the whole file's SHA-256
	HashAutoV3 = "autov3" // SHA-256 of a safetensors file's tensor bytes (A1111 LoRA hashes: 12 hex)
	HashBLAKE3 = "blake3"
	HashNovel  = "novelai-source" // the 8 hex NovelAI prints after the model name in Source
)

// Resource is a model, LoRA, embedding or other file a generation used.
type Resource struct {
	Kind     string `json:"kind"`
	Name     string `json:"name,omitempty"` // as written (a path relative to the generator's model folder, or a stem)
	Weight   string `json:"weight,omitempty"`
	Hash     string `json:"hash,omitempty"` // lower-case hex, maybe a prefix
	HashKind string `json:"hash_kind,omitempty"`
	URL      string `json:"url,omitempty"` // where the workflow says it was downloaded from
}

// Source says where a record's fields were read.
type Source struct {
	Place  string `json:"place"` // the chunk, segment or tag kind
	Key    string `json:"key"`
	Offset int64  `json:"offset"`
}

// Record is what one generator's metadata in a file says. A file may hold
// several (ComfyUI with an A1111-compatible saver, and a C2PA manifest).
type Record struct {
	Generator      string            `json:"generator"`
	Version        string            `json:"version,omitempty"`
	Sources        []Source          `json:"sources"`
	Prompt         string            `json:"prompt,omitempty"`
	NegativePrompt string            `json:"negative_prompt,omitempty"`
	Seed           string            `json:"seed,omitempty"` // text: ComfyUI seeds pass 2^53
	Sampler        string            `json:"sampler,omitempty"`
	Scheduler      string            `json:"scheduler,omitempty"`
	Steps          string            `json:"steps,omitempty"`
	CFG            string            `json:"cfg,omitempty"`
	Width          int               `json:"width,omitempty"`
	Height         int               `json:"height,omitempty"`
	Resources      []Resource        `json:"resources,omitempty"`
	User           string            `json:"user,omitempty"`   // A1111 User, Midjourney Author: an account
	JobID          string            `json:"job_id,omitempty"` // Midjourney job
	Workflow       string            `json:"workflow_fingerprint,omitempty"`
	SourceType     string            `json:"digital_source_type,omitempty"`
	AIDeclared     bool              `json:"ai_declared"` // the file says it is (partly) AI-generated
	Claimed        string            `json:"claimed_by,omitempty"`
	StoreSHA256    string            `json:"store_sha256,omitempty"` // a C2PA store's bytes, for later validation
	Settings       map[string]string `json:"settings,omitempty"`
}

// Read returns the generation records an image's bytes carry, one per
// generator found, in a fixed order. A damaged container yields the
// records read before the damage and the error.
func Read(b []byte) ([]Record, error) {
	fields, err := Fields(b)
	return Detect(fields), err
}

// Detect turns a file's fields into generation records: every detector
// runs, and every hit is kept.
func Detect(fields []Field) []Record {
	d := detector{text: map[string]Field{}}
	for _, f := range fields {
		switch f.Place {
		case "tEXt", "iTXt", "zTXt", "comf":
			if _, dup := d.text[f.Key]; !dup || f.Place == "comf" {
				d.text[f.Key] = f
			}
			if f.Key == "XML:com.adobe.xmp" {
				d.xmp = append(d.xmp, f)
			}
		case "EXIF", "eXIf":
			if _, dup := d.exif[f.Key]; !dup {
				if d.exif == nil {
					d.exif = map[string]Field{}
				}
				d.exif[f.Key] = f
			}
		case "XMP":
			d.xmp = append(d.xmp, f)
		case "caBX", "APP11", "C2PA":
			d.c2pa = append(d.c2pa, f)
		case "COM":
			d.comment = append(d.comment, f)
		case stealthPlace:
			d.stealth = append(d.stealth, f)
		}
	}
	d.run()
	return d.out
}

type detector struct {
	text    map[string]Field // PNG text by keyword (the first; comf chunks win)
	exif    map[string]Field
	xmp     []Field
	c2pa    []Field
	comment []Field
	stealth []Field
	out     []Record
}

func src(f Field) Source { return Source{Place: f.Place, Key: f.Key, Offset: f.Offset} }

func (d *detector) add(r Record) {
	if r.Generator == "" {
		return
	}
	slices.SortStableFunc(r.Resources, func(a, b Resource) int {
		return strings.Compare(a.Kind+"\x00"+a.Name, b.Kind+"\x00"+b.Name)
	})
	d.out = append(d.out, r)
}

func (d *detector) run() {
	// PNG text keys.
	if f, ok := d.text["parameters"]; ok {
		d.parameters(f)
	}
	if f, ok := d.text["prompt"]; ok {
		if r, ok := comfyRecord(f, d.text["workflow"]); ok {
			d.add(r)
		} else if _, ed := d.text["use_stable_diffusion_model"]; ed {
			d.add(easyDiffusion(d.text))
		}
	}
	if f, ok := d.text["invokeai_metadata"]; ok {
		d.add(invokeRecord(f))
	}
	if f, ok := d.text["Software"]; ok && strings.HasPrefix(string(f.Value), "NovelAI") {
		d.add(novelAIRecord(d.text))
	}
	if f, ok := d.text["Description"]; ok && strings.Contains(string(f.Value), "Job ID:") {
		d.add(midjourneyRecord(f, d.text["Author"]))
	}
	// EXIF: ComfyUI WebP, then UserComment in its encodings.
	if f, ok := d.exif["Model"]; ok && strings.HasPrefix(string(f.Value), "prompt:") {
		wf := d.exif["Make"]
		wf.Value = []byte(strings.TrimPrefix(string(wf.Value), "workflow:"))
		f.Value = []byte(strings.TrimPrefix(string(f.Value), "prompt:"))
		if r, ok := comfyRecord(f, wf); ok {
			d.add(r)
		}
	}
	if f, ok := d.exif["UserComment"]; ok {
		f.Value = []byte(userComment(f.Value))
		d.userComment(f)
	}
	for _, f := range d.comment {
		if r, ok := fooocusJSON(f, ""); ok {
			d.add(r)
		}
	}
	for _, f := range d.xmp {
		if r, ok := xmpRecord(f); ok {
			d.add(r)
		}
	}
	for _, f := range d.c2pa {
		d.add(c2paRecord(f))
	}
	// Stealth pixels: NovelAI JSON or A1111 infotext. The same claims as
	// a record read from text chunks join it as one more source.
	for _, f := range d.stealth {
		r, ok := novelAIJSON(f)
		if !ok && !bytes.HasPrefix(bytes.TrimSpace(f.Value), []byte("{")) {
			r, ok = infotextRecord(f)
		}
		if ok {
			d.addOrJoin(r)
		}
	}
}

// addOrJoin adds r, or joins its sources to a record that claims the same.
func (d *detector) addOrJoin(r Record) {
	for i, o := range d.out {
		a, b := o, r
		a.Sources, b.Sources = nil, nil
		if reflect.DeepEqual(a, b) {
			d.out[i].Sources = append(d.out[i].Sources, r.Sources...)
			return
		}
	}
	d.add(r)
}

// parameters reads a PNG "parameters" text: SwarmUI or Fooocus JSON, or
// A1111 infotext.
func (d *detector) parameters(f Field) {
	v := strings.TrimSpace(string(f.Value))
	if strings.HasPrefix(v, "{") {
		if r, ok := swarmRecord(f); ok {
			d.add(r)
			return
		}
		if r, ok := fooocusJSON(f, string(d.text["fooocus_scheme"].Value)); ok {
			d.add(r)
			return
		}
	}
	r, ok := infotextRecord(f)
	if !ok {
		return
	}
	if s, ok := d.text["fooocus_scheme"]; ok || strings.Contains(r.Version, "Fooocus") {
		r.Generator = Fooocus
		if ok {
			r.Sources = append(r.Sources, src(s))
		}
	}
	d.add(r)
}

// userComment reads EXIF UserComment text: SwarmUI, NovelAI or Fooocus
// JSON, Easy Diffusion JSON, or A1111 infotext.
func (d *detector) userComment(f Field) {
	v := strings.TrimSpace(string(f.Value))
	soft := string(d.exif["Software"].Value)
	if strings.HasPrefix(v, "{") {
		if r, ok := swarmRecord(f); ok {
			d.add(r)
			return
		}
		if r, ok := novelAIJSON(f); ok {
			d.add(r)
			return
		}
		if r, ok := fooocusJSON(f, string(d.exif["MakerNote"].Value)); ok {
			d.add(r)
			return
		}
		return
	}
	if r, ok := infotextRecord(f); ok {
		if strings.HasPrefix(soft, "Fooocus") || strings.Contains(r.Version, "Fooocus") {
			r.Generator = Fooocus
		}
		d.add(r)
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
