package platform

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sync/atomic"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/platform/dump"
)

// A table's mapping is resolved against the columns of the dump's table
// once (a plan): every property becomes the index of its column, so that
// reading a row costs no lookup by name. Plans are cached per table and
// checked against each row's column list, which the readers share between
// the rows of a table.

// prop is a property, by index.
type prop uint8

const (
	propID prop = iota
	propUser
	propUsername
	propDisplayName
	propEmail
	propPhone
	propRole
	propCreated
	propIP
	propCountry
	propWallet
	propChain
	propTime
	propUserAgent
	propUpload
	propSHA256
	propSHA1
	propMD5
	propName
	propSize
	propFrom
	propTo
	propTxID
	propAmount
	propCurrency
	propAddress
	propPayee
	numProps
)

var propNames = [numProps]string{"id", "user", "username", "display_name", "email", "phone", "role", "created", "ip", "country",
	"wallet", "chain", "time", "user_agent", "upload", "sha256", "sha1", "md5", "name", "size", "from", "to", "txid", "amount",
	"currency", "address", "payee"}

// field is a mapped property resolved against a table's columns.
type field struct {
	on   bool              // the mapping maps the property
	col  int               // index of its column in the row's values; -1 for a literal or a column the row lacks
	name string            // the column's name ("" for a literal)
	lit  []byte            // the literal, when the field is one
	vmap map[string][]byte // the value map, when the field has one (nil: mapped to "")
	typ  string
	seen *recent // recent values, for a property whose values repeat (user agents)
}

// recent holds recent values of a property, so that a value that repeats
// (a browser's user agent) is one string rather than a copy per row. A
// slot holds the last value whose bytes hashed to it; readers that share
// a plan may race on a slot, each reading a whole string or none.
type recent [256]atomic.Pointer[string]

// slot is where b's string is kept.
func (r *recent) slot(b []byte) *atomic.Pointer[string] {
	h := uint(len(b))
	if len(b) >= 8 {
		h ^= uint(binary.LittleEndian.Uint64(b[len(b)-8:])) ^ uint(binary.LittleEndian.Uint64(b[len(b)/2-4:]))*0x9e3779b97f4a7c15
	}
	return &r[(h^h>>29^h>>47)%uint(len(r))]
}

// known returns the recent string with b's bytes, if any.
func (r *recent) known(b []byte) (string, bool) {
	if s := r.slot(b).Load(); s != nil && *s == string(b) {
		return *s, true
	}
	return "", false
}

// text returns b as a string: the recent one with its bytes, or a copy.
func (r *recent) text(b []byte) string {
	slot := r.slot(b)
	if s := slot.Load(); s != nil && *s == string(b) {
		return *s
	}
	s := string(b)
	slot.Store(&s)
	return s
}

// filterCol is one filter of a table: the column's index (-1: the row
// lacks it) and the value a row must have.
type filterCol struct {
	col  int
	want string
}

// plan is a table's mapping resolved against one column list.
type plan struct {
	cols   []string
	entity string
	f      [numProps]field
	filter []filterCol

	userCol    string // the column named when a row has no user
	addressCol string // ... no deposit address
	fileCol    string // ... no file hash and no upload
	payerCol   string // ... no payer and no address
	hasID      bool
}

// planFor returns t's plan for a row with columns: the cached one when
// it was made for the same column names.
func (t *Table) planFor(columns []string) *plan {
	if p := t.plan.Load(); p != nil && sameColumns(p.cols, columns) {
		return p
	}
	p := newPlan(t, columns)
	t.plan.Store(p)
	return p
}

// sameColumns reports whether a and b name the same columns. A reader
// gives the rows of one INSERT or COPY the same slice, so that is checked
// first.
func sameColumns(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0] || slices.Equal(a, b)
}

func newPlan(t *Table, columns []string) *plan {
	index := func(column string) int {
		// The first column of that name, as dump.Row.Get finds it.
		return slices.Index(columns, column)
	}
	p := &plan{cols: columns, entity: t.Entity}
	for i, name := range propNames {
		f, ok := t.Properties[name]
		if !ok {
			continue
		}
		pf := field{on: true, col: -1, name: f.Column, typ: f.Type}
		if f.Literal != "" {
			pf.lit = []byte(f.Literal)
		} else {
			pf.col = index(f.Column)
		}
		if prop(i) == propUserAgent {
			pf.seen = new(recent)
		}
		if f.Map != nil {
			pf.vmap = make(map[string][]byte, len(f.Map))
			for k, v := range f.Map {
				pf.vmap[k] = []byte(v)
			}
		}
		p.f[i] = pf
	}
	for _, c := range slices.Sorted(mapsKeys(t.Filter)) {
		p.filter = append(p.filter, filterCol{col: index(c), want: t.Filter[c]})
	}
	p.userCol = t.Properties[required(t.Entity)].Column
	p.addressCol = t.Properties["address"].Column
	p.fileCol = t.Properties[firstOf(t, "sha256", "sha1", "md5", "upload")].Column
	p.payerCol = t.Properties["user"].Column
	p.hasID = firstOf(t, "id") != ""
	return p
}

// filtered reports whether the table's filter leaves row out.
func (p *plan) filtered(row *dump.Row) bool {
	for _, fc := range p.filter {
		var v dump.Value
		if fc.col >= 0 && fc.col < len(row.Values) {
			v = row.Values[fc.col]
		}
		if v.Null || string(v.B) != fc.want {
			return true
		}
	}
	return false
}

// raw returns the bytes of a property: its literal, or its column's value
// through its map; ok is false for an unmapped property, NULL, an empty
// value or a missing column. The bytes must not be changed.
func (p *plan) raw(pr prop, row *dump.Row) ([]byte, bool) {
	f := &p.f[pr]
	if !f.on {
		return nil, false
	}
	if f.lit != nil {
		return f.lit, true
	}
	if f.col < 0 || f.col >= len(row.Values) {
		return nil, false
	}
	v := row.Values[f.col]
	if v.Null || len(v.B) == 0 {
		return nil, false
	}
	if f.vmap != nil {
		if m, ok := f.vmap[string(v.B)]; ok {
			return m, len(m) > 0
		}
	}
	return v.B, true
}

// textBytes reads a property as trimmed UTF-8 text (at most maxText
// bytes), without copying it; col is its column. ok is false for an
// unmapped, absent or empty value, and for one that is not text (listed
// in problems).
func (p *plan) textBytes(pr prop, row *dump.Row, problems *[]error) (b []byte, col string, ok bool) {
	f := &p.f[pr]
	if !f.on {
		return nil, "", false
	}
	if b, ok = p.raw(pr, row); !ok {
		return nil, f.name, false
	}
	if !utf8.Valid(b) {
		*problems = append(*problems, &ColumnError{f.name, errNotUTF8})
		return nil, f.name, false
	}
	b = bytes.TrimSpace(b)
	if len(b) > maxText {
		*problems = append(*problems, &ColumnError{f.name, errOverMaxText})
		return nil, f.name, false
	}
	return b, f.name, len(b) > 0
}

// text is textBytes as a string. A value whose raw bytes are a recent
// value's is that value: it was read as text, and trimmed, when it was
// kept (a user agent of some 100 bytes is then not checked as UTF-8 in
// every login row).
func (p *plan) text(pr prop, row *dump.Row, problems *[]error) (string, string, bool) {
	if r := p.f[pr].seen; r != nil {
		if b, ok := p.raw(pr, row); ok {
			if s, ok := r.known(b); ok {
				return s, p.f[pr].name, true
			}
		}
	}
	b, col, ok := p.textBytes(pr, row, problems)
	if len(b) == 0 {
		return "", col, ok
	}
	if r := p.f[pr].seen; r != nil {
		return r.text(b), col, ok
	}
	return string(b), col, ok
}
