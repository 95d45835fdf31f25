package aigen

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// comfyNode is a node of ComfyUI's API-format graph ("prompt").
type comfyNode struct {
	ClassType string                     `json:"class_type"`
	Inputs    map[string]json.RawMessage `json:"inputs"`
}

var (
	modelExt     = regexp.MustCompile(`(?i)\.(safetensors|ckpt|pt|pth|bin|gguf|sft|onnx)$`)
	modelNameKey = regexp.MustCompile(`(?i)^(ckpt|lora|unet|vae|clip|model|control_?net|style_model|gligen)[_ ]?name(_?\d+)?$`)
)

// comfyRecord reads a ComfyUI "prompt" graph (and its UI "workflow", when
// given) into a record. ok is false when the text is not a graph (a
// custom node may have overwritten "prompt" with plain text).
func comfyRecord(prompt, workflow Field) (Record, bool) {
	var g map[string]comfyNode
	if err := json.Unmarshal(prompt.Value, &g); err != nil || len(g) == 0 {
		return Record{}, false
	}
	for _, n := range g {
		if n.ClassType == "" {
			return Record{}, false
		}
	}
	r := Record{Generator: ComfyUI, Sources: []Source{src(prompt)}}
	res := resources{}
	ids := make([]string, 0, len(g))
	for id := range g {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		n := g[id]
		keys := make([]string, 0, len(n.Inputs))
		for k := range n.Inputs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			comfyResources(&res, n, k, n.Inputs[k])
		}
		switch n.ClassType {
		case "KSampler", "KSamplerAdvanced", "SamplerCustom":
			if r.Seed == "" {
				r.Seed = cmp.Or(scalar(n.Inputs["seed"]), scalar(n.Inputs["noise_seed"]))
				r.Steps = scalar(n.Inputs["steps"])
				r.CFG = scalar(n.Inputs["cfg"])
				r.Sampler = scalar(n.Inputs["sampler_name"])
				r.Scheduler = scalar(n.Inputs["scheduler"])
				r.Prompt = comfyText(g, n.Inputs["positive"], 0)
				r.NegativePrompt = comfyText(g, n.Inputs["negative"], 0)
			}
		case "EmptyLatentImage", "EmptySD3LatentImage":
			r.Width, _ = strconv.Atoi(scalar(n.Inputs["width"]))
			r.Height, _ = strconv.Atoi(scalar(n.Inputs["height"]))
		}
	}
	r.Workflow = comfyFingerprint(g, res)
	if len(workflow.Value) > 0 {
		var wf struct {
			Models []struct {
				Name     string `json:"name"`
				URL      string `json:"url"`
				Hash     string `json:"hash"`
				HashType string `json:"hash_type"`
			} `json:"models"`
			Extra struct {
				FrontendVersion string `json:"frontendVersion"`
			} `json:"extra"`
		}
		if json.Unmarshal(workflow.Value, &wf) == nil {
			r.Sources = append(r.Sources, src(workflow))
			r.Version = wf.Extra.FrontendVersion
			for _, m := range wf.Models {
				x := res.get(Model, m.Name)
				x.URL = m.URL
				if m.Hash != "" {
					res.hash(Model, m.Name, m.Hash, strings.ToLower(cmp.Or(m.HashType, HashSHA256)))
				}
			}
		}
	}
	r.Resources = res.list()
	return r, true
}

func comfyResources(res *resources, n comfyNode, key string, raw json.RawMessage) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		// Nested inputs of custom loaders: {"on": true, "lora": "x.safetensors", "strength": 1}.
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) == nil {
			for k, v := range m {
				if json.Unmarshal(v, &s) == nil && modelExt.MatchString(s) {
					x := res.get(comfyKind(k, n.ClassType), s)
					x.Weight = cmp.Or(scalar(m["strength"]), scalar(m["strength_model"]))
				}
			}
		}
		return
	}
	if !modelExt.MatchString(s) && !modelNameKey.MatchString(key) {
		return
	}
	if s == "" || s == "None" {
		return
	}
	x := res.get(comfyKind(key, n.ClassType), s)
	if w := scalar(n.Inputs["strength_model"]); w != "" {
		x.Weight = w
	}
}

func comfyKind(key, class string) string {
	k := strings.ToLower(key + " " + class)
	switch {
	case strings.Contains(k, "lora"):
		return LoRA
	case strings.Contains(k, "ckpt") || strings.Contains(k, "checkpoint"):
		return Checkpoint
	case strings.Contains(k, "unet"):
		return UNet
	case strings.Contains(k, "vae"):
		return VAE
	case strings.Contains(k, "control"):
		return ControlNet
	case strings.Contains(k, "clip"):
		return CLIP
	}
	return Model
}

// comfyText follows a sampler's positive or negative link back to the text
// node it comes from (through conditioning nodes, a few steps deep).
func comfyText(g map[string]comfyNode, link json.RawMessage, depth int) string {
	var l []json.RawMessage
	if depth > 8 || json.Unmarshal(link, &l) != nil || len(l) != 2 {
		return ""
	}
	var id string
	if json.Unmarshal(l[0], &id) != nil {
		id = string(l[0])
	}
	n, ok := g[id]
	if !ok {
		return ""
	}
	for _, k := range []string{"text", "text_g", "prompt"} {
		if raw, ok := n.Inputs[k]; ok {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				return s
			}
			if t := comfyText(g, raw, depth+1); t != "" {
				return t
			}
		}
	}
	for _, k := range []string{"conditioning", "conditioning_1", "conditioning_to", "positive", "negative"} {
		if raw, ok := n.Inputs[k]; ok {
			if t := comfyText(g, raw, depth+1); t != "" {
				return t
			}
		}
	}
	return ""
}

// comfyFingerprint hashes a graph's shape: its node classes, the edges
// between them by class, slot and input name, and the model files it
// names; never widget values (seeds, prompts, sizes) nor node ids, so that
// one producer's template collides across runs.
func comfyFingerprint(g map[string]comfyNode, res resources) string {
	var lines []string
	for _, n := range g {
		lines = append(lines, "node "+n.ClassType)
		for k, raw := range n.Inputs {
			var l []json.RawMessage
			if json.Unmarshal(raw, &l) != nil || len(l) != 2 {
				continue
			}
			var id string
			if json.Unmarshal(l[0], &id) != nil {
				id = string(l[0])
			}
			if from, ok := g[id]; ok {
				lines = append(lines, fmt.Sprintf("edge %s:%s -> %s.%s", from.ClassType, string(l[1]), n.ClassType, k))
			}
		}
	}
	for _, r := range res.order {
		lines = append(lines, "model "+r.Kind+" "+strings.ToLower(strings.ReplaceAll(r.Name, `\`, "/")))
	}
	slices.Sort(lines)
	return "comfy-v1:" + sha256Hex([]byte(strings.Join(lines, "\n")))[:32]
}

// scalar renders a JSON number, string or boolean as text ("" otherwise).
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return strconv.FormatBool(b)
	}
	return ""
}
