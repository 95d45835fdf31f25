package aigen

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
)

// invokeRecord reads InvokeAI's invokeai_metadata (v3 and later; model
// hashes are "blake3:<hex>").
func invokeRecord(f Field) Record {
	var m struct {
		AppVersion string          `json:"app_version"`
		Positive   string          `json:"positive_prompt"`
		Negative   string          `json:"negative_prompt"`
		Seed       json.RawMessage `json:"seed"`
		Steps      json.RawMessage `json:"steps"`
		CFG        json.RawMessage `json:"cfg_scale"`
		Scheduler  string          `json:"scheduler"`
		Width      int             `json:"width"`
		Height     int             `json:"height"`
		Model      json.RawMessage `json:"model"`
		VAE        json.RawMessage `json:"vae"`
		Loras      []struct {
			Model  json.RawMessage `json:"model"`
			Lora   json.RawMessage `json:"lora"`
			Weight json.RawMessage `json:"weight"`
		} `json:"loras"`
	}
	if json.Unmarshal(f.Value, &m) != nil {
		return Record{}
	}
	r := Record{Generator: InvokeAI, Version: m.AppVersion, Sources: []Source{src(f)}, Prompt: m.Positive, NegativePrompt: m.Negative,
		Seed: scalar(m.Seed), Steps: scalar(m.Steps), CFG: scalar(m.CFG), Scheduler: m.Scheduler, Width: m.Width, Height: m.Height}
	res := resources{}
	invokeModel(&res, Checkpoint, m.Model, "")
	invokeModel(&res, VAE, m.VAE, "")
	for _, l := range m.Loras {
		invokeModel(&res, LoRA, cmpRaw(l.Model, l.Lora), scalar(l.Weight))
	}
	r.Resources = res.list()
	return r
}

func invokeModel(res *resources, kind string, raw json.RawMessage, weight string) {
	var id struct {
		Name      string `json:"name"`
		ModelName string `json:"model_name"`
		Hash      string `json:"hash"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &id) != nil {
		return
	}
	name := cmp.Or(id.Name, id.ModelName)
	if name == "" && id.Hash == "" {
		return
	}
	x := res.get(kind, name)
	x.Weight = weight
	if algo, h, ok := strings.Cut(id.Hash, ":"); ok {
		res.hash(kind, name, h, strings.ToLower(algo))
	}
}

func cmpRaw(a, b json.RawMessage) json.RawMessage {
	if len(a) > 0 && string(a) != "null" {
		return a
	}
	return b
}

var novelSource = regexp.MustCompile(`^(.*?)\s+([0-9A-Fa-f]{8})$`)

// novelAIRecord reads NovelAI's PNG text: Description (the prompt), Source
// (model name and an 8-hex hash) and the Comment JSON.
func novelAIRecord(text map[string]Field) Record {
	r := Record{Generator: NovelAI, Sources: []Source{src(text["Software"])}, Prompt: string(text["Description"].Value)}
	if f, ok := text["Source"]; ok {
		r.Sources = append(r.Sources, src(f))
		novelModel(&r, string(f.Value))
	}
	if f, ok := text["Comment"]; ok {
		r.Sources = append(r.Sources, src(f))
		novelComment(&r, f.Value)
	}
	return r
}

func novelModel(r *Record, source string) {
	if m := novelSource.FindStringSubmatch(strings.TrimSpace(source)); m != nil {
		r.Resources = append(r.Resources, Resource{Kind: Checkpoint, Name: m[1], Hash: strings.ToLower(m[2]), HashKind: HashNovel})
	} else if source != "" {
		r.Resources = append(r.Resources, Resource{Kind: Checkpoint, Name: source})
	}
}

func novelComment(r *Record, b []byte) {
	var c struct {
		Prompt  string          `json:"prompt"`
		UC      string          `json:"uc"`
		Seed    json.RawMessage `json:"seed"`
		Steps   json.RawMessage `json:"steps"`
		Scale   json.RawMessage `json:"scale"`
		Sampler string          `json:"sampler"`
		Width   int             `json:"width"`
		Height  int             `json:"height"`
	}
	if json.Unmarshal(b, &c) != nil {
		return
	}
	r.Prompt = cmp.Or(c.Prompt, r.Prompt)
	r.NegativePrompt, r.Seed, r.Steps, r.CFG, r.Sampler = c.UC, scalar(c.Seed), scalar(c.Steps), scalar(c.Scale), c.Sampler
	r.Width, r.Height = c.Width, c.Height
}

// novelAIJSON reads NovelAI's JSON form (WebP UserComment, and the
// stealth pixels): one object holding the PNG keys, Comment a JSON string
// (or an object).
func novelAIJSON(f Field) (Record, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(f.Value, &m) != nil || !strings.HasPrefix(scalar(m["Software"]), "NovelAI") {
		return Record{}, false
	}
	r := Record{Generator: NovelAI, Sources: []Source{src(f)}, Prompt: scalar(m["Description"])}
	novelModel(&r, scalar(m["Source"]))
	comment := m["Comment"]
	var s string
	if json.Unmarshal(comment, &s) == nil {
		comment = []byte(s)
	}
	novelComment(&r, comment)
	return r, true
}

// fooocusJSON reads Fooocus's JSON scheme (parameters, a JPEG comment or
// UserComment). scheme is the fooocus_scheme text or MakerNote, if any.
func fooocusJSON(f Field, scheme string) (Record, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(bytes.TrimSpace(f.Value), &m) != nil {
		return Record{}, false
	}
	_, hasHash := m["base_model_hash"]
	version := scalar(m["version"])
	if !hasHash && !strings.Contains(version, "Fooocus") && scheme != "fooocus" {
		return Record{}, false
	}
	r := Record{Generator: Fooocus, Version: version, Sources: []Source{src(f)},
		Prompt: cmp.Or(scalar(m["full_prompt"]), scalar(m["prompt"])), NegativePrompt: cmp.Or(scalar(m["full_negative_prompt"]), scalar(m["negative_prompt"])),
		Seed: scalar(m["seed"]), Steps: scalar(m["steps"]), CFG: scalar(m["guidance_scale"]), Sampler: scalar(m["sampler"]), Scheduler: scalar(m["scheduler"]),
		User: scalar(m["created_by"])}
	if res := scalar(m["resolution"]); res != "" {
		w, h, _ := strings.Cut(strings.Trim(res, "()[] "), ",")
		r.Width, _ = strconv.Atoi(strings.TrimSpace(w))
		r.Height, _ = strconv.Atoi(strings.TrimSpace(h))
	}
	rs := resources{}
	if name := scalar(m["base_model"]); name != "" {
		rs.get(Checkpoint, name)
		rs.hash(Checkpoint, name, scalar(m["base_model_hash"]), HashAutoV2)
	}
	if name := scalar(m["refiner_model"]); name != "" && name != "None" {
		rs.get(Model, name)
		rs.hash(Model, name, scalar(m["refiner_model_hash"]), HashAutoV2)
	}
	var loras [][]json.RawMessage
	if json.Unmarshal(m["loras"], &loras) == nil {
		for _, l := range loras {
			if len(l) < 1 {
				continue
			}
			name := scalar(l[0])
			x := rs.get(LoRA, name)
			if len(l) > 1 {
				x.Weight = scalar(l[1])
			}
			if len(l) > 2 {
				rs.hash(LoRA, name, scalar(l[2]), HashAutoV2)
			}
		}
	}
	r.Resources = rs.list()
	return r, true
}

// swarmRecord reads SwarmUI's JSON (sui_image_params, sui_models).
func swarmRecord(f Field) (Record, bool) {
	var m struct {
		Params map[string]json.RawMessage `json:"sui_image_params"`
		Models []struct {
			Name  string `json:"name"`
			Param string `json:"param"`
			Hash  string `json:"hash"`
		} `json:"sui_models"`
	}
	if json.Unmarshal(bytes.TrimSpace(f.Value), &m) != nil || m.Params == nil {
		return Record{}, false
	}
	p := m.Params
	r := Record{Generator: SwarmUI, Version: scalar(p["swarm_version"]), Sources: []Source{src(f)},
		Prompt: scalar(p["prompt"]), NegativePrompt: scalar(p["negativeprompt"]), Seed: scalar(p["seed"]), Steps: scalar(p["steps"]),
		CFG: scalar(p["cfgscale"]), Sampler: scalar(p["sampler"]), Scheduler: scalar(p["scheduler"])}
	r.Width, _ = strconv.Atoi(scalar(p["width"]))
	r.Height, _ = strconv.Atoi(scalar(p["height"]))
	rs := resources{}
	if name := scalar(p["model"]); name != "" {
		rs.get(Checkpoint, name)
	}
	var loras, weights []string
	json.Unmarshal(p["loras"], &loras)
	json.Unmarshal(p["loraweights"], &weights)
	for i, l := range loras {
		x := rs.get(LoRA, l)
		if i < len(weights) {
			x.Weight = weights[i]
		}
	}
	for _, mo := range m.Models {
		kind := Model
		switch mo.Param {
		case "model":
			kind = Checkpoint
		case "loras":
			kind = LoRA
		case "vae":
			kind = VAE
		case "used_embeddings":
			kind = Embedding
		}
		name := mo.Name
		if kind != Model {
			name = strings.TrimSuffix(name, ".safetensors")
		}
		rs.get(kind, name)
		rs.hash(kind, name, mo.Hash, HashSHA256)
	}
	r.Resources = rs.list()
	return r, true
}

var mjJob = regexp.MustCompile(`Job ID:\s*([0-9a-fA-F-]{36})`)

// midjourneyRecord reads Midjourney's Description ("<prompt> --flags Job
// ID: <uuid>") and Author (the account name).
func midjourneyRecord(desc, author Field) Record {
	d := string(desc.Value)
	r := Record{Generator: Midjourney, Sources: []Source{src(desc)}, User: string(author.Value), Settings: map[string]string{}}
	if author.Key != "" {
		r.Sources = append(r.Sources, src(author))
	}
	if m := mjJob.FindStringSubmatch(d); m != nil {
		r.JobID = strings.ToLower(m[1])
		d = strings.TrimSpace(d[:strings.Index(d, m[0])])
	}
	prompt, flags, _ := strings.Cut(d, " --")
	r.Prompt = strings.TrimSpace(prompt)
	if flags != "" {
		for _, fl := range strings.Split("--"+flags, " --") {
			k, v, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(fl), "--"), " ")
			if k != "" {
				r.Settings[k] = strings.TrimSpace(v)
			}
		}
	}
	if v := r.Settings["v"]; v != "" {
		r.Version = v
	}
	if s := r.Settings["seed"]; s != "" {
		r.Seed = s
	}
	return r
}

// easyDiffusion reads Easy Diffusion's PNG keys.
func easyDiffusion(text map[string]Field) Record {
	get := func(k string) string { return string(text[k].Value) }
	r := Record{Generator: EasyDiffusion, Sources: []Source{src(text["use_stable_diffusion_model"])}, Prompt: get("prompt"),
		NegativePrompt: get("negative_prompt"), Seed: get("seed"), Steps: get("num_inference_steps"), CFG: get("guidance_scale"), Sampler: get("sampler_name")}
	r.Width, _ = strconv.Atoi(get("width"))
	r.Height, _ = strconv.Atoi(get("height"))
	r.Resources = []Resource{{Kind: Checkpoint, Name: get("use_stable_diffusion_model")}}
	if v := get("use_vae_model"); v != "" {
		r.Resources = append(r.Resources, Resource{Kind: VAE, Name: v})
	}
	return r
}

const (
	iptcExtNS  = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
	sourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/"
)

// aiSourceType reports whether a DigitalSourceType declares trained
// algorithmic (AI) media, whole or composited.
func aiSourceType(uri string) bool {
	return strings.HasSuffix(uri, "/trainedAlgorithmicMedia") || strings.HasSuffix(uri, "/compositeWithTrainedAlgorithmicMedia") ||
		strings.HasSuffix(uri, "/trainedAlgorithmicData")
}

// xmpRecord reads the IPTC DigitalSourceType (and DigImageGUID) of an XMP
// packet, as an attribute or an element, by namespace URI (the prefix is
// the writer's choice). ok is false when the packet declares none.
func xmpRecord(f Field) (Record, bool) {
	dec := xml.NewDecoder(bytes.NewReader(f.Value))
	dec.Strict = false
	var typ, guid, in string
	for range 100000 {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = ""
			for _, a := range t.Attr {
				if a.Name.Space == iptcExtNS && a.Name.Local == "DigitalSourceType" {
					typ = a.Value
				}
				if a.Name.Space == iptcExtNS && a.Name.Local == "DigImageGUID" {
					guid = a.Value
				}
				if a.Name.Local == "resource" && in == "" && t.Name.Space == iptcExtNS && t.Name.Local == "DigitalSourceType" {
					typ = a.Value
				}
			}
			if t.Name.Space == iptcExtNS {
				in = t.Name.Local
			}
		case xml.CharData:
			v := strings.TrimSpace(string(t))
			switch {
			case v == "":
			case in == "DigitalSourceType":
				typ = v
			case in == "DigImageGUID":
				guid = v
			}
		case xml.EndElement:
			in = ""
		}
	}
	if typ == "" {
		return Record{}, false
	}
	r := Record{Generator: IPTC, Sources: []Source{src(f)}, SourceType: typ, AIDeclared: aiSourceType(typ), JobID: guid}
	return r, true
}
