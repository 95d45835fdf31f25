package referral

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// SchemaJSON is the JSON Schema (draft 2020-12) of referral.json; its
// $defs "suspect" and "ack" describe the suspect files and
// acknowledgements. It ships in the binary; docs/referral.md shows it.
//
//go:embed schema/referral.v1.schema.json
var SchemaJSON []byte

// The parts of the schema a document is checked against.
const (
	SchemaReferral = ""
	SchemaSuspect  = "suspect"
	SchemaAck      = "ack"
)

// schema is a node of a JSON Schema, the subset this package uses: type,
// const, enum, properties, required, additionalProperties (false), items,
// minItems, minLength, maxLength, minimum, pattern, format (date-time,
// date) and $ref to #/$defs.
type schema struct {
	Type       string             `json:"type"`
	Const      any                `json:"const"`
	Enum       []any              `json:"enum"`
	Properties map[string]*schema `json:"properties"`
	Required   []string           `json:"required"`
	AddProps   *bool              `json:"additionalProperties"`
	Items      *schema            `json:"items"`
	MinItems   *int               `json:"minItems"`
	MinLength  *int               `json:"minLength"`
	MaxLength  *int               `json:"maxLength"`
	Minimum    *float64           `json:"minimum"`
	Pattern    string             `json:"pattern"`
	Format     string             `json:"format"`
	Ref        string             `json:"$ref"`
	Defs       map[string]*schema `json:"$defs"`

	re *regexp.Regexp
}

var (
	rootOnce   sync.Once
	rootSchema *schema
	rootErr    error
)

func loadSchema() (*schema, error) {
	rootOnce.Do(func() {
		var s schema
		if err := json.Unmarshal(SchemaJSON, &s); err != nil {
			rootErr = fmt.Errorf("embedded schema: %w", err)
			return
		}
		rootErr = s.compile(&s)
		rootSchema = &s
	})
	return rootSchema, rootErr
}

func (s *schema) compile(root *schema) error {
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return fmt.Errorf("embedded schema: pattern %q: %w", s.Pattern, err)
		}
		s.re = re
	}
	if s.Ref != "" {
		name, ok := strings.CutPrefix(s.Ref, "#/$defs/")
		if !ok || root.Defs[name] == nil {
			return fmt.Errorf("embedded schema: unknown $ref %q", s.Ref)
		}
	}
	for _, c := range s.children() {
		if err := c.compile(root); err != nil {
			return err
		}
	}
	return nil
}

func (s *schema) children() []*schema {
	var out []*schema
	for _, k := range sortedKeys(s.Properties) {
		out = append(out, s.Properties[k])
	}
	for _, k := range sortedKeys(s.Defs) {
		out = append(out, s.Defs[k])
	}
	if s.Items != nil {
		out = append(out, s.Items)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Validate checks a JSON document against the schema (part "" for
// referral.json, SchemaSuspect, SchemaAck). The error names the first
// offending place as a JSON pointer.
func Validate(part string, doc []byte) error {
	root, err := loadSchema()
	if err != nil {
		return err
	}
	s := root
	if part != "" {
		if s = root.Defs[part]; s == nil {
			return fmt.Errorf("schema has no part %q", part)
		}
	}
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("not JSON: data after the document")
	}
	return s.validate(root, v, "")
}

func (s *schema) validate(root *schema, v any, at string) error {
	fail := func(format string, args ...any) error {
		where := at
		if where == "" {
			where = "/"
		}
		return fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...))
	}
	if s.Ref != "" {
		return root.Defs[strings.TrimPrefix(s.Ref, "#/$defs/")].validate(root, v, at)
	}
	if s.Const != nil && !jsonEqual(s.Const, v) {
		return fail("must be %v", s.Const)
	}
	if s.Enum != nil && !slices.ContainsFunc(s.Enum, func(e any) bool { return jsonEqual(e, v) }) {
		return fail("%v is not one of %v", v, s.Enum)
	}
	switch s.Type {
	case "":
	case "object":
		if _, ok := v.(map[string]any); !ok {
			return fail("must be an object")
		}
	case "array":
		if _, ok := v.([]any); !ok {
			return fail("must be an array")
		}
	case "string":
		if _, ok := v.(string); !ok {
			return fail("must be a string")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fail("must be true or false")
		}
	case "number", "integer":
		n, ok := v.(json.Number)
		if !ok {
			return fail("must be a number")
		}
		f, err := n.Float64()
		if err != nil || math.IsInf(f, 0) {
			return fail("bad number %s", n)
		}
		if s.Type == "integer" && f != math.Trunc(f) {
			return fail("must be an integer")
		}
		if s.Minimum != nil && f < *s.Minimum {
			return fail("must be at least %v", *s.Minimum)
		}
	default:
		return fail("schema type %q not supported", s.Type)
	}
	switch x := v.(type) {
	case map[string]any:
		for _, r := range s.Required {
			if _, ok := x[r]; !ok {
				return fail("missing %q", r)
			}
		}
		for _, k := range sortedKeys(x) {
			p, ok := s.Properties[k]
			if !ok {
				if s.AddProps != nil && !*s.AddProps {
					return fail("unknown property %q", k)
				}
				continue
			}
			if err := p.validate(root, x[k], at+"/"+k); err != nil {
				return err
			}
		}
	case []any:
		if s.MinItems != nil && len(x) < *s.MinItems {
			return fail("needs at least %d items", *s.MinItems)
		}
		if s.Items != nil {
			for i, e := range x {
				if err := s.Items.validate(root, e, fmt.Sprintf("%s/%d", at, i)); err != nil {
					return err
				}
			}
		}
	case string:
		n := utf8.RuneCountInString(x)
		if s.MinLength != nil && n < *s.MinLength {
			return fail("shorter than %d characters", *s.MinLength)
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			return fail("longer than %d characters", *s.MaxLength)
		}
		if s.re != nil && !s.re.MatchString(x) {
			return fail("%q does not match %s", clip(x), s.Pattern)
		}
		switch s.Format {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, x); err != nil {
				return fail("%q is not an RFC 3339 time", clip(x))
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, x); err != nil {
				return fail("%q is not a date (YYYY-MM-DD)", clip(x))
			}
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// jsonEqual compares a schema constant with a decoded value (numbers as
// json.Number).
func jsonEqual(a, b any) bool {
	if n, ok := b.(json.Number); ok {
		f, err := n.Float64()
		af, ok := a.(float64)
		return err == nil && ok && af == f
	}
	return a == b
}
