package aigen

import (
	"encoding/binary"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// KV is one "key: value" of an infotext settings line, value unquoted.
type KV struct {
	Key, Value string
}

// Infotext is A1111's "parameters" text taken apart.
type Infotext struct {
	Prompt, Negative string
	Settings         []KV // in the order written
}

var paramKey = regexp.MustCompile(`^\w[\w \-/]*$`)

// ParseInfotext splits A1111/Forge/SD.Next infotext: the prompt (maybe
// several lines), the line starting "Negative prompt:" and those after it,
// and the last line of settings when it holds at least three "key: value"
// pairs. Unlike A1111's own pattern, the settings scanner keeps quoted
// values, {...} and [...] whole, so `Hashes: {...}` and `Civitai
// resources: [...]` survive.
func ParseInfotext(text string) Infotext {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	lines := strings.Split(text, "\n")
	var it Infotext
	last := lines[len(lines)-1]
	if kv := splitSettings(last); len(kv) >= 3 {
		it.Settings = kv
		lines = lines[:len(lines)-1]
	}
	var prompt, negative []string
	negativeSeen := false
	for _, l := range lines {
		if len(l) >= 16 && strings.EqualFold(l[:16], "Negative prompt:") {
			negativeSeen = true
			l = strings.TrimSpace(l[16:])
		}
		if negativeSeen {
			negative = append(negative, l)
		} else {
			prompt = append(prompt, l)
		}
	}
	it.Prompt = strings.TrimSpace(strings.Join(prompt, "\n"))
	it.Negative = strings.TrimSpace(strings.Join(negative, "\n"))
	return it
}

// splitSettings splits a settings line on the commas outside quotes,
// braces and brackets.
func splitSettings(line string) []KV {
	var out []KV
	var depth int
	inQuote, escaped := false, false
	start := 0
	emit := func(part string) {
		k, v, ok := strings.Cut(part, ":")
		k = strings.TrimSpace(k)
		if !ok || !paramKey.MatchString(k) {
			return
		}
		out = append(out, KV{Key: k, Value: unquote(strings.TrimSpace(v))})
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case escaped:
			escaped = false
		case inQuote && c == '\\':
			escaped = true
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '{' || c == '[':
			depth++
		case (c == '}' || c == ']') && depth > 0:
			depth--
		case c == ',' && depth == 0:
			emit(line[start:i])
			start = i + 1
		}
	}
	emit(line[start:])
	return out
}

// unquote decodes a value A1111 wrote as a JSON string (it quotes values
// holding ',', ':' or a newline); anything else is kept as it is.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		var s string
		if json.Unmarshal([]byte(v), &s) == nil {
			return s
		}
	}
	return v
}

var (
	loraInPrompt = regexp.MustCompile(`<(lora|lyco|hypernet):([^:>]+)(?::([^:>]*))?[^>]*>`)
	hexOnly      = regexp.MustCompile(`^[0-9a-fA-F]+$`)
)

// infotextRecord reads A1111 infotext into a record; ok is false for text
// with no settings line (any text could be a prompt).
func infotextRecord(f Field) (Record, bool) {
	it := ParseInfotext(string(f.Value))
	if len(it.Settings) == 0 {
		return Record{}, false
	}
	r := Record{Generator: A1111, Sources: []Source{src(f)}, Prompt: it.Prompt, NegativePrompt: it.Negative, Settings: map[string]string{}}
	res := resources{}
	for _, kv := range it.Settings {
		r.Settings[kv.Key] = kv.Value
		switch kv.Key {
		case "Steps":
			r.Steps = kv.Value
		case "Sampler":
			r.Sampler = kv.Value
		case "Schedule type":
			r.Scheduler = kv.Value
		case "CFG scale":
			r.CFG = kv.Value
		case "Seed":
			r.Seed = kv.Value
		case "Size":
			r.Width, r.Height = size(kv.Value)
		case "Version":
			r.Version = kv.Value
		case "App":
			r.Version = strings.TrimSpace(kv.Value + " " + r.Version)
		case "User":
			r.User = kv.Value
		case "Model":
			res.get(Checkpoint, kv.Value).Name = kv.Value
		case "Model hash":
			res.hash(Checkpoint, "", kv.Value, shortKind(kv.Value))
		case "VAE":
			res.get(VAE, kv.Value).Name = kv.Value
		case "VAE hash":
			res.hash(VAE, "", kv.Value, HashAutoV2)
		case "Lora hashes":
			for name, h := range namedHashes(kv.Value) {
				res.hash(LoRA, name, h, HashAutoV3)
			}
		case "TI hashes":
			for name, h := range namedHashes(kv.Value) {
				res.hash(Embedding, name, h, HashSHA256)
			}
		case "Hashes":
			// The Civitai extension: {"model": h, "vae": h, "lora:NAME": h, "embed:NAME": h}, all AutoV2.
			var m map[string]string
			if json.Unmarshal([]byte(kv.Value), &m) == nil {
				for k, h := range m {
					kind, name, _ := strings.Cut(k, ":")
					switch kind {
					case "model":
						kind = Checkpoint
					case "embed":
						kind = Embedding
					case "lora", "hypernet", "vae":
					default:
						kind = Model
					}
					res.hash(kind, name, h, HashAutoV2)
				}
			}
		}
	}
	for _, m := range loraInPrompt.FindAllStringSubmatch(it.Prompt, -1) {
		kind := LoRA
		if m[1] == "hypernet" {
			kind = Model
		}
		res.get(kind, m[2]).Weight = m[3]
	}
	r.Resources = res.list()
	return r, true
}

// namedHashes splits "name: hash, name: hash" on ", " and each part on its
// last ": " (names lose ':' and ',' when written).
func namedHashes(v string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(v, ",") {
		i := strings.LastIndex(part, ":")
		if i < 0 {
			continue
		}
		name, h := strings.TrimSpace(part[:i]), strings.TrimSpace(part[i+1:])
		if name != "" && hexOnly.MatchString(h) {
			out[name] = strings.ToLower(h)
		}
	}
	return out
}

func shortKind(h string) string {
	if len(h) == 8 {
		return HashAutoV1
	}
	return HashAutoV2
}

func size(v string) (w, h int) {
	a, b, ok := strings.Cut(v, "x")
	if !ok {
		return 0, 0
	}
	w, _ = strconv.Atoi(strings.TrimSpace(a))
	h, _ = strconv.Atoi(strings.TrimSpace(b))
	return w, h
}

// resources collects a record's resources by kind and name; an unnamed
// resource of a kind (the checkpoint) is the one of that kind.
type resources struct {
	order []*Resource
}

func (rs *resources) get(kind, name string) *Resource {
	for _, r := range rs.order {
		if r.Kind == kind && (r.Name == name || name == "" || r.Name == "") {
			if r.Name == "" {
				r.Name = name
			}
			return r
		}
	}
	r := &Resource{Kind: kind, Name: name}
	rs.order = append(rs.order, r)
	return r
}

func (rs *resources) hash(kind, name, h, hashKind string) {
	h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "0x"))
	if h == "" || !hexOnly.MatchString(h) {
		return
	}
	r := rs.get(kind, name)
	if r.Hash != "" && r.HashKind != hashKind {
		// Two hashes of one resource (A1111's AutoV3 and the Civitai
		// extension's AutoV2 of the same LoRA): keep both.
		c := *r
		c.Hash, c.HashKind = h, hashKind
		rs.order = append(rs.order, &c)
		return
	}
	r.Hash, r.HashKind = h, hashKind
}

func (rs *resources) list() []Resource {
	out := make([]Resource, 0, len(rs.order))
	for _, r := range rs.order {
		out = append(out, *r)
	}
	return out
}

// userComment decodes an EXIF UserComment: the 8-byte character-code
// prefix (ASCII, UNICODE, JIS, undefined), or none at all (Fooocus).
// UNICODE text is UTF-16 of either byte order (piexif writes big-endian
// whatever the TIFF's order): the order with fewer NULs and no unpaired
// surrogates wins.
func userComment(b []byte) string {
	if len(b) >= 8 {
		switch string(b[:8]) {
		case "ASCII\x00\x00\x00":
			return strings.TrimRight(string(b[8:]), "\x00")
		case "UNICODE\x00":
			return utf16Text(b[8:])
		case "JIS\x00\x00\x00\x00\x00":
			return strings.ToValidUTF8(string(b[8:]), "\uFFFD")
		case "\x00\x00\x00\x00\x00\x00\x00\x00":
			b = b[8:]
		}
	}
	s := strings.TrimRight(string(b), "\x00")
	if utf8.ValidString(s) {
		return s
	}
	return latin1([]byte(s))
}

func utf16Text(b []byte) string {
	if len(b)%2 == 1 {
		b = b[:len(b)-1]
	}
	decode := func(bo binary.ByteOrder) (string, int) {
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = bo.Uint16(b[2*i:])
		}
		s := string(utf16.Decode(u))
		bad := strings.Count(s, "\x00") + strings.Count(s, "\uFFFD")
		// Text written in the wrong order decodes to CJK-range runes.
		for _, r := range s {
			if r >= 0x3400 && r <= 0x9FFF {
				bad++
			}
		}
		return strings.TrimRight(s, "\x00"), bad
	}
	be, badBE := decode(binary.BigEndian)
	le, badLE := decode(binary.LittleEndian)
	if badLE < badBE {
		return le
	}
	return be
}
