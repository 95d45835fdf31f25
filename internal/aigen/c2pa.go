package aigen

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// c2paRecord reads a C2PA manifest store (JUMBF) without validating it:
// the active manifest (the last one) gives the claim generator, and its
// actions assertion the digital source type and software agent. The
// store's SHA-256 is kept so that a validator (c2patool) can be run on the
// same bytes later. A store that does not parse is still recorded as
// present.
func c2paRecord(f Field) Record {
	r := Record{Generator: C2PA, Sources: []Source{src(f)}, StoreSHA256: sha256Hex(f.Value), Claimed: "unvalidated"}
	boxes, err := jumbfBoxes(f.Value, 0)
	if err != nil || len(boxes) == 0 || boxes[0].label != "c2pa" {
		r.Claimed = "unvalidated, store unreadable"
		return r
	}
	var active *jumbfBox
	for i := range boxes[0].children {
		c := &boxes[0].children[i]
		if c.kind == "c2ma" || c.kind == "c2um" {
			active = c
		}
	}
	if active == nil {
		return r
	}
	for _, c := range active.children {
		switch {
		case c.kind == "c2cl":
			if claim, ok := c.cbor().(map[string]any); ok {
				r.Version = claimGenerator(claim)
			}
		case c.kind == "c2as":
			for _, a := range c.children {
				if !actionsLabel.MatchString(a.label) {
					continue
				}
				m, _ := a.cbor().(map[string]any)
				acts, _ := m["actions"].([]any)
				for _, x := range acts {
					act, _ := x.(map[string]any)
					if t, ok := act["digitalSourceType"].(string); ok && r.SourceType == "" {
						r.SourceType = t
					}
					if r.Settings == nil {
						if agent := softwareAgent(act["softwareAgent"]); agent != "" {
							r.Settings = map[string]string{"softwareAgent": agent}
						}
					}
				}
			}
		}
	}
	r.AIDeclared = aiSourceType(r.SourceType)
	return r
}

var actionsLabel = regexp.MustCompile(`^c2pa\.actions(\.v\d+)?(__\d+)?$`)

func claimGenerator(claim map[string]any) string {
	if s, ok := claim["claim_generator"].(string); ok && s != "" {
		return s
	}
	info := claim["claim_generator_info"]
	if list, ok := info.([]any); ok && len(list) > 0 {
		info = list[0]
	}
	if m, ok := info.(map[string]any); ok {
		name, _ := m["name"].(string)
		version, _ := m["version"].(string)
		return strings.TrimSpace(name + " " + version)
	}
	return ""
}

func softwareAgent(v any) string {
	switch a := v.(type) {
	case string:
		return a
	case map[string]any:
		name, _ := a["name"].(string)
		version, _ := a["version"].(string)
		return strings.TrimSpace(name + " " + version)
	}
	return ""
}

// jumbfBox is a JUMBF superbox: its description (type, label) and its
// children, or a content box's payload.
type jumbfBox struct {
	kind     string // the 4cc of the description's type UUID (c2pa, c2ma, c2cl, ...), or a content box's type
	label    string
	children []jumbfBox
	payload  []byte // content boxes (cbor, json)
}

// cbor decodes the first cbor content box of a superbox.
func (b jumbfBox) cbor() any {
	for _, c := range b.children {
		if c.kind == "cbor" && c.payload != nil {
			v, _, err := decodeCBOR(c.payload, 0)
			if err == nil {
				return v
			}
		}
	}
	return nil
}

const maxJUMBFDepth = 16

func jumbfBoxes(b []byte, depth int) ([]jumbfBox, error) {
	if depth > maxJUMBFDepth {
		return nil, errors.New("jumbf: boxes nested too deep")
	}
	var out []jumbfBox
	for len(b) >= 8 {
		n := uint64(binary.BigEndian.Uint32(b))
		typ := string(b[4:8])
		head := uint64(8)
		switch n {
		case 0:
			n = uint64(len(b))
		case 1:
			if len(b) < 16 {
				return out, errors.New("jumbf: truncated box")
			}
			n, head = binary.BigEndian.Uint64(b[8:]), 16
		}
		if n < head || n > uint64(len(b)) {
			return out, fmt.Errorf("jumbf box %q: length %d runs past its parent", typ, n)
		}
		body := b[head:n]
		b = b[n:]
		if typ != "jumb" {
			out = append(out, jumbfBox{kind: typ, payload: body})
			continue
		}
		// A superbox: its first child is the description (jumd).
		kids, err := jumbfBoxes(body, depth+1)
		box := jumbfBox{}
		if len(kids) > 0 && kids[0].kind == "jumd" && len(kids[0].payload) >= 17 {
			d := kids[0].payload
			box.kind = strings.TrimRight(string(d[:4]), "\x00")
			if d[16]&0x03 == 0x03 {
				label, _, _ := strings.Cut(string(d[17:]), "\x00")
				box.label = label
			}
			kids = kids[1:]
		}
		box.children = kids
		out = append(out, box)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

const maxCBORDepth = 32

// decodeCBOR decodes one CBOR item (RFC 8949) into Go values: maps with
// text keys as map[string]any (other keys are skipped), arrays, text and
// byte strings, integers, floats, booleans, nil; tags are read through.
// It is bounded by the input and a nesting depth.
func decodeCBOR(b []byte, depth int) (any, []byte, error) {
	if depth > maxCBORDepth {
		return nil, nil, errors.New("cbor: nested too deep")
	}
	if len(b) == 0 {
		return nil, nil, errors.New("cbor: truncated")
	}
	major, info := b[0]>>5, b[0]&0x1f
	b = b[1:]
	var arg uint64
	indefinite := false
	switch {
	case info < 24:
		arg = uint64(info)
	case info == 24 && len(b) >= 1:
		arg, b = uint64(b[0]), b[1:]
	case info == 25 && len(b) >= 2:
		arg, b = uint64(binary.BigEndian.Uint16(b)), b[2:]
	case info == 26 && len(b) >= 4:
		arg, b = uint64(binary.BigEndian.Uint32(b)), b[4:]
	case info == 27 && len(b) >= 8:
		arg, b = binary.BigEndian.Uint64(b), b[8:]
	case info == 31 && (major == 4 || major == 5):
		indefinite = true
	default:
		return nil, nil, errors.New("cbor: bad or truncated argument")
	}
	switch major {
	case 0:
		return arg, b, nil
	case 1:
		return -1 - int64(min(arg, math.MaxInt64)), b, nil
	case 2, 3:
		if arg > uint64(len(b)) {
			return nil, nil, errors.New("cbor: string runs past the end")
		}
		if major == 2 {
			return b[:arg], b[arg:], nil
		}
		return string(b[:arg]), b[arg:], nil
	case 4:
		var list []any
		for i := uint64(0); indefinite || i < arg; i++ {
			if indefinite && len(b) > 0 && b[0] == 0xff {
				return list, b[1:], nil
			}
			if len(b) == 0 {
				return nil, nil, errors.New("cbor: array runs past the end")
			}
			v, rest, err := decodeCBOR(b, depth+1)
			if err != nil {
				return nil, nil, err
			}
			list, b = append(list, v), rest
		}
		return list, b, nil
	case 5:
		m := map[string]any{}
		for i := uint64(0); indefinite || i < arg; i++ {
			if indefinite && len(b) > 0 && b[0] == 0xff {
				return m, b[1:], nil
			}
			if len(b) == 0 {
				return nil, nil, errors.New("cbor: map runs past the end")
			}
			k, rest, err := decodeCBOR(b, depth+1)
			if err != nil {
				return nil, nil, err
			}
			v, rest, err := decodeCBOR(rest, depth+1)
			if err != nil {
				return nil, nil, err
			}
			if ks, ok := k.(string); ok {
				m[ks] = v
			}
			b = rest
		}
		return m, b, nil
	case 6:
		return decodeCBOR(b, depth+1)
	default: // 7: simple values and floats
		switch info {
		case 20:
			return false, b, nil
		case 21:
			return true, b, nil
		case 22, 23:
			return nil, b, nil
		case 26:
			return float64(math.Float32frombits(uint32(arg))), b, nil
		case 27:
			return math.Float64frombits(arg), b, nil
		}
		return arg, b, nil
	}
}
