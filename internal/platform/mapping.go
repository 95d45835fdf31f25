// Package platform turns the tables of a seized platform's database into
// Vibora's model: a mapping file (YAML, in the spirit of FollowTheMoney
// mappings) says which table holds which kind of record (users, logins,
// uploads, downloads and views, messages, payments, deposit addresses)
// and which column holds which property; Mapping.Record reads one dump
// row (internal/platform/dump) into a Record with typed, normalised
// values. Suggest proposes a mapping from a dump's schema and values.
// The package is pure: rows in, records out; the investigation package
// stores them.
package platform

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"
)

// MappingVersion is the version of the mapping format this package reads.
const MappingVersion = 1

// Entity kinds a table can hold.
const (
	EntityUser     = "user"
	EntityLogin    = "login"
	EntityUpload   = "upload"
	EntityDownload = "download"
	EntityView     = "view"
	EntityMessage  = "message"
	EntityPayment  = "payment"
	EntityDeposit  = "deposit_address"
)

// properties lists, per entity, the properties a mapping may set, and
// which of them are required.
var properties = map[string]struct{ all, required []string }{
	EntityUser:     {[]string{"id", "username", "display_name", "email", "phone", "role", "created", "ip", "country", "wallet", "chain"}, []string{"id"}},
	EntityLogin:    {[]string{"user", "ip", "time", "user_agent"}, []string{"user", "ip"}},
	EntityUpload:   {[]string{"id", "user", "sha256", "sha1", "md5", "name", "size", "time"}, []string{"user"}},
	EntityDownload: {[]string{"user", "upload", "sha256", "sha1", "md5", "time"}, []string{"user"}},
	EntityView:     {[]string{"user", "upload", "sha256", "sha1", "md5", "time"}, []string{"user"}},
	EntityMessage:  {[]string{"from", "to", "time"}, []string{"from"}},
	EntityPayment:  {[]string{"user", "chain", "address", "txid", "amount", "currency", "time", "payee"}, []string{"user"}},
	EntityDeposit:  {[]string{"user", "chain", "address"}, []string{"user", "address"}},
}

// Value types a field may declare (the default is read from the property).
const (
	TypeText     = "text"
	TypeDatetime = "datetime" // 2006-01-02 15:04:05 (zone from the mapping), RFC 3339, with +00 offsets
	TypeUnix     = "unixtime" // seconds since 1970
	TypeUnixMs   = "unixtime_ms"
	TypeIPInt    = "ip_int" // IPv4 as an unsigned integer (MySQL INET_ATON)
	TypeIPBin    = "ip_bin" // 4 or 16 raw bytes (MySQL INET6_ATON)
	TypeHex      = "hex"    // a hash: hex text, or raw bytes hex-encoded
)

var fieldTypes = []string{TypeText, TypeDatetime, TypeUnix, TypeUnixMs, TypeIPInt, TypeIPBin, TypeHex}

// Mapping is a parsed, structurally valid mapping file.
type Mapping struct {
	Version     int               `yaml:"mapping_version"`
	Platform    string            `yaml:"platform"`     // the platform's name, scopes its usernames
	Timezone    string            `yaml:"timezone"`     // offset of naive datetimes, "+00:00" by default
	PhoneRegion string            `yaml:"phone_region"` // ISO country of numbers without a country code
	Tables      map[string]*Table `yaml:"tables"`
	loc         *time.Location
	offset      int                      // of loc, seconds east of UTC
	last        atomic.Pointer[tableHit] // the table of the last row read (Read)
}

// tableHit is a table of the mapping by its name.
type tableHit struct {
	name string
	t    *Table
}

// Table maps one table of the dump.
type Table struct {
	Entity     string            `yaml:"entity"`
	Properties map[string]Field  `yaml:"properties"`
	Filter     map[string]string `yaml:"filter"` // only rows whose column equals the value
	name       string
	plan       atomic.Pointer[plan] // the last columns' plan (plan.go)
}

// Field says where a property's value comes from: a column (optionally
// through a value map) or a literal.
type Field struct {
	Column  string            `yaml:"column"`
	Literal string            `yaml:"literal"`
	Type    string            `yaml:"type"`
	Map     map[string]string `yaml:"map"`
}

// UnmarshalYAML accepts a bare column name as a field.
func (f *Field) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		f.Column = n.Value
		return nil
	}
	type plain Field
	return n.Decode((*plain)(f))
}

// ErrMapping is wrapped by every mapping error.
var ErrMapping = errors.New("mapping")

var platformName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ParseMapping reads and checks a mapping file: known entities,
// properties and types, required properties present. Whether the tables
// and columns exist is checked against the dump (CheckColumns, Missing).
func ParseMapping(r io.Reader) (*Mapping, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMapping, err)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return &m, nil
}

func mapErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMapping, fmt.Sprintf(format, a...))
}

func (m *Mapping) check() error {
	if m.Version != MappingVersion {
		return mapErr("mapping_version %d, this Vibora reads version %d", m.Version, MappingVersion)
	}
	m.Platform = strings.ToLower(strings.TrimSpace(m.Platform))
	if !platformName.MatchString(m.Platform) {
		return mapErr("platform %q: a short lower-case name (letters, digits, . _ -) is required", m.Platform)
	}
	m.loc = time.UTC
	if m.Timezone != "" {
		t, err := time.Parse("-07:00", m.Timezone)
		if err != nil {
			return mapErr("timezone %q: an offset such as +00:00 or -05:00", m.Timezone)
		}
		_, off := t.Zone()
		m.loc = time.FixedZone(m.Timezone, off)
		m.offset = off
	}
	if len(m.Tables) == 0 {
		return mapErr("no tables")
	}
	for _, name := range slices.Sorted(mapsKeys(m.Tables)) {
		t := m.Tables[name]
		if t == nil {
			return mapErr("table %q: empty", name)
		}
		t.name = name
		spec, ok := properties[t.Entity]
		if !ok {
			return mapErr("table %q: entity %q unknown (one of %s)", name, t.Entity, strings.Join(slices.Sorted(mapsKeys(properties)), ", "))
		}
		for _, p := range slices.Sorted(mapsKeys(t.Properties)) {
			f := t.Properties[p]
			if !slices.Contains(spec.all, p) {
				return mapErr("table %q (%s): property %q unknown (one of %s)", name, t.Entity, p, strings.Join(spec.all, ", "))
			}
			if (f.Column == "") == (f.Literal == "") {
				return mapErr("table %q property %q: give a column or a literal", name, p)
			}
			if f.Type != "" && !slices.Contains(fieldTypes, f.Type) {
				return mapErr("table %q property %q: type %q unknown (one of %s)", name, p, f.Type, strings.Join(fieldTypes, ", "))
			}
		}
		for _, p := range spec.required {
			if _, ok := t.Properties[p]; !ok {
				return mapErr("table %q (%s): property %q is required", name, t.Entity, p)
			}
		}
		switch t.Entity {
		case EntityUpload, EntityDownload, EntityView:
			_, a := t.Properties["sha256"]
			_, b := t.Properties["sha1"]
			_, c := t.Properties["md5"]
			_, d := t.Properties["upload"]
			if !a && !b && !c && !d {
				return mapErr("table %q (%s): map a file hash (sha256, sha1, md5) or the upload it refers to", name, t.Entity)
			}
		}
	}
	return nil
}

func mapsKeys[M ~map[string]V, V any](m M) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Columns lists the columns a table's mapping reads (properties and
// filters), sorted.
func (t *Table) Columns() []string {
	set := map[string]bool{}
	for _, f := range t.Properties {
		if f.Column != "" {
			set[f.Column] = true
		}
	}
	for c := range t.Filter {
		set[c] = true
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// CheckColumns reports the first column the mapping of table reads that
// the dump's table does not have.
func (m *Mapping) CheckColumns(table string, columns []string) error {
	t := m.Tables[table]
	if t == nil {
		return nil
	}
	for _, c := range t.Columns() {
		if !slices.Contains(columns, c) {
			return mapErr("table %q: column %q is not in the dump (its columns: %s)", table, c, strings.Join(columns, ", "))
		}
	}
	return nil
}

// Missing lists the mapped tables that are not among seen.
func (m *Mapping) Missing(seen map[string]bool) []string {
	var out []string
	for name := range m.Tables {
		if !seen[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
