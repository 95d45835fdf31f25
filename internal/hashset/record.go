package hashset

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// Has is a bit set naming the hashes and optional values a Record carries.
type Has uint8

// Presence bits.
const (
	HasMD5 Has = 1 << iota
	HasSHA1
	HasSHA256
	HasPDQ
	HasPDQQuality
	HasVPDQ // a video's vPDQ frame hashes (Record.VPDQ)
)

// Tri is a tri-state flag: unknown, true or false.
type Tri uint8

// Tri values; the zero value is Unknown.
const (
	Unknown Tri = iota
	True
	False
)

// String returns "", "true" or "false" (the store's representation).
func (t Tri) String() string {
	switch t {
	case True:
		return "true"
	case False:
		return "false"
	}
	return ""
}

// ParseTri reads the flag spellings seen in hash lists: JSON-ish
// true/false, yes/no, y/n, 1/0 (any case, surrounding space ignored).
// Anything else, including the empty string and "null", is Unknown; ok is
// false only for non-empty text that is not a recognised spelling.
func ParseTri(s string) (t Tri, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "t":
		return True, true
	case "false", "no", "n", "0", "f":
		return False, true
	case "", "null", "unknown", "?":
		return Unknown, true
	}
	return Unknown, false
}

// Record is one entry of a hash list. It is a value type sized for
// streaming: the digests are fixed arrays (Present says which are set), so
// a record costs one allocation per non-empty string field and none for
// hashes. A Record with no hash present is never returned by a Reader.
type Record struct {
	Present    Has
	PDQQuality uint8 // 0..100, valid when Present&HasPDQQuality
	MD5        [16]byte
	SHA1       [20]byte
	SHA256     [32]byte
	PDQ        pdq.Hash
	// VPDQ is a video's frame hashes in the reference text form
	// (frame,quality,pdqHex,timestamp lines, as video.WriteText writes
	// them); set with HasVPDQ by the vpdq format.
	VPDQ string

	// PhotoDNA is kept exactly as given (base64 or hex text) and never
	// compared: matching it needs Microsoft's licence.
	PhotoDNA string

	Category string // the category as given in the file ("" when absent or null)
	Profile  string // the scheme Category belongs to (Profile* constants)
	Class    Class  // Category normalised through Profile (see NormaliseCategory)

	Series             string
	VictimIdentified   Tri
	OffenderIdentified Tri
	Distributed        Tri
	Tags               []string
	SourceID           string // the list's own identifier: VICS MediaID, ICSE Image ID, HMA id

	Line int64 // 1-based line (row for NSRL) of the record in its file
}

// Has reports whether all bits in h are present.
func (r *Record) Has(h Has) bool { return r.Present&h == h }

// SetMD5 etc. store a digest and mark it present.
func (r *Record) SetMD5(d [16]byte)    { r.MD5 = d; r.Present |= HasMD5 }
func (r *Record) SetSHA1(d [20]byte)   { r.SHA1 = d; r.Present |= HasSHA1 }
func (r *Record) SetSHA256(d [32]byte) { r.SHA256 = d; r.Present |= HasSHA256 }
func (r *Record) SetPDQ(h pdq.Hash)    { r.PDQ = h; r.Present |= HasPDQ }

// SetPDQQuality records a PDQ quality (0..100).
func (r *Record) SetPDQQuality(q uint8) { r.PDQQuality = q; r.Present |= HasPDQQuality }

// HexMD5 etc. return the lower-case hex form, or "" when absent.
func (r Record) HexMD5() string    { return hexIf(r.Present&HasMD5 != 0, r.MD5[:]) }
func (r Record) HexSHA1() string   { return hexIf(r.Present&HasSHA1 != 0, r.SHA1[:]) }
func (r Record) HexSHA256() string { return hexIf(r.Present&HasSHA256 != 0, r.SHA256[:]) }
func (r Record) HexPDQ() string    { return hexIf(r.Present&HasPDQ != 0, r.PDQ[:]) }

func hexIf(ok bool, b []byte) string {
	if !ok {
		return ""
	}
	return hex.EncodeToString(b)
}

// HasHash reports whether the record carries at least one comparable hash
// (PhotoDNA does not count: it is never compared).
func (r *Record) HasHash() bool { return r.Present&(HasMD5|HasSHA1|HasSHA256|HasPDQ|HasVPDQ) != 0 }

// SetHash stores a parsed hash of the given kind.
func (r *Record) SetHash(k HashKind, b []byte) {
	switch k {
	case HashMD5:
		r.SetMD5([16]byte(b))
	case HashSHA1:
		r.SetSHA1([20]byte(b))
	case HashSHA256:
		r.SetSHA256([32]byte(b))
	case HashPDQ:
		r.SetPDQ(pdq.Hash(b))
	}
}

// Key identifies a record's hashes for duplicate detection: two records
// with the same Key carry the same set of digests.
type Key struct {
	Present Has
	MD5     [16]byte
	SHA1    [20]byte
	SHA256  [32]byte
	PDQ     pdq.Hash
	VPDQ    [32]byte // SHA-256 of Record.VPDQ when present
}

// Key returns the record's duplicate-detection key (quality excluded).
func (r *Record) Key() Key {
	k := Key{Present: r.Present &^ HasPDQQuality, MD5: r.MD5, SHA1: r.SHA1, SHA256: r.SHA256, PDQ: r.PDQ}
	if r.Has(HasVPDQ) {
		k.VPDQ = sha256.Sum256([]byte(r.VPDQ))
	}
	return k
}

// Deduper counts records whose hashes already appeared in the same file.
// It keeps one 104-byte key per distinct record in memory (about 150 bytes
// with map overhead): fine for VICS/ICSE/HMA lists of a few million,
// too much for NSRL (~74M distinct rows): there, rely on the store's
// unique index instead. The zero value is ready to use.
type Deduper struct{ seen map[Key]struct{} }

// Seen records r and reports whether its Key was seen before.
func (d *Deduper) Seen(r *Record) bool {
	if d.seen == nil {
		d.seen = make(map[Key]struct{})
	}
	k := r.Key()
	if _, ok := d.seen[k]; ok {
		return true
	}
	d.seen[k] = struct{}{}
	return false
}

// SplitTags splits a tag string on ',', ';' and '|' (the separators seen in
// VICS Tags and HMA tag columns), trims each tag and drops empty ones.
func SplitTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '|' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
