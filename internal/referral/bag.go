package referral

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Tag file names of a bag (RFC 8493) and the signature files Vibora adds.
const (
	BagItFile       = "bagit.txt"
	BagInfoFile     = "bag-info.txt"
	ManifestFile    = "manifest-sha256.txt"
	TagManifestFile = "tagmanifest-sha256.txt"
	ReferralFile    = "referral.json"
	SignatureFile   = "signatures/tagmanifest-sha256.txt.ed25519"
	SignerFile      = "signatures/signer.pub"
	PayloadDir      = "data/"
)

// Bounds of what the parsers read.
const (
	MaxTagFile   = 1 << 20   // bagit.txt, bag-info.txt, signer.pub
	MaxManifest  = 16 << 20  // a manifest
	MaxFile      = 256 << 20 // any one file of a package
	MaxPackage   = 1 << 30   // a whole package
	MaxFiles     = 100000    // files in a package
	MaxLineBytes = 64 << 10  // one line of a tag file or manifest
)

// bagitTxt is the bag declaration.
const bagitTxt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

// Package is a bag in memory: its directory name and its files, by
// slash-separated path relative to the bag's root.
type Package struct {
	Name  string
	Files map[string][]byte
}

// Paths returns the package's file paths, sorted.
func (p *Package) Paths() []string {
	paths := make([]string, 0, len(p.Files))
	for k := range p.Files {
		paths = append(paths, k)
	}
	slices.Sort(paths)
	return paths
}

// Tag is one line (label and value) of bag-info.txt.
type Tag struct {
	Label, Value string
}

// ManifestEntry is one line of a manifest: a SHA-256 and a path.
type ManifestEntry struct {
	SHA256 string
	Path   string
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// writeManifest writes the manifest of the given files, sorted by path.
func writeManifest(files map[string][]byte, paths []string) []byte {
	paths = slices.Clone(paths)
	slices.Sort(paths)
	var b bytes.Buffer
	for _, p := range paths {
		b.WriteString(sha256Hex(files[p]))
		b.WriteString("  ")
		b.WriteString(encodePath(p))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// encodePath percent-encodes the characters RFC 8493 §2.1.3 requires.
func encodePath(p string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(p)
}

func decodePath(p string) string {
	return strings.NewReplacer("%0D", "\r", "%0d", "\r", "%0A", "\n", "%0a", "\n", "%25", "%").Replace(p)
}

// writeBagInfo writes bag-info.txt; a value's line breaks become spaces.
func writeBagInfo(tags []Tag) []byte {
	var b bytes.Buffer
	for _, t := range tags {
		v := strings.Join(strings.Fields(t.Value), " ")
		fmt.Fprintf(&b, "%s: %s\n", t.Label, v)
	}
	return b.Bytes()
}

// lines splits a tag file into lines (LF or CRLF), rejecting over-long ones.
func lines(name string, b []byte) ([]string, error) {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		return nil, fmt.Errorf("%s: last line has no line break", name)
	}
	var out []string
	for i, l := range strings.SplitAfter(string(b), "\n") {
		if l == "" {
			continue
		}
		if len(l) > MaxLineBytes {
			return nil, fmt.Errorf("%s line %d: longer than %d bytes", name, i+1, MaxLineBytes)
		}
		l = strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r")
		out = append(out, l)
	}
	return out, nil
}

// ParseBagInfo reads bag-info.txt (or bagit.txt): "Label: value" lines, a
// line starting with a space or tab continuing the previous value.
func ParseBagInfo(name string, b []byte) ([]Tag, error) {
	if len(b) > MaxTagFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxTagFile)
	}
	ls, err := lines(name, b)
	if err != nil {
		return nil, err
	}
	var tags []Tag
	for i, l := range ls {
		if l == "" {
			return nil, fmt.Errorf("%s line %d: empty line", name, i+1)
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(tags) == 0 {
				return nil, fmt.Errorf("%s line %d: continuation line without a tag", name, i+1)
			}
			tags[len(tags)-1].Value += " " + strings.TrimSpace(l)
			continue
		}
		label, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("%s line %d: no colon after the label", name, i+1)
		}
		label = strings.TrimSpace(label)
		if label == "" {
			return nil, fmt.Errorf("%s line %d: bad label %q", name, i+1, label)
		}
		tags = append(tags, Tag{Label: label, Value: strings.TrimSpace(value)})
	}
	return tags, nil
}

// tagValue returns the value of the one tag labelled label.
func tagValue(tags []Tag, label string) (string, error) {
	var v string
	n := 0
	for _, t := range tags {
		if strings.EqualFold(t.Label, label) {
			v = t.Value
			n++
		}
	}
	switch n {
	case 0:
		return "", fmt.Errorf("no %s tag", label)
	case 1:
		return v, nil
	}
	return "", fmt.Errorf("%d %s tags", n, label)
}

// ParseManifest reads a SHA-256 manifest: "<64 hex> <path>" lines, paths
// clean, relative and unique.
func ParseManifest(name string, b []byte) ([]ManifestEntry, error) {
	if len(b) > MaxManifest {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxManifest)
	}
	ls, err := lines(name, b)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]ManifestEntry, 0, len(ls))
	for i, l := range ls {
		sum, rest, ok := strings.Cut(l, " ")
		if !ok {
			sum, rest, ok = strings.Cut(l, "\t")
		}
		if !ok {
			return nil, fmt.Errorf("%s line %d: no path after the checksum", name, i+1)
		}
		if len(sum) != 64 || !isLowerHex(sum) {
			return nil, fmt.Errorf("%s line %d: checksum is not 64 lower-case hex digits", name, i+1)
		}
		p := decodePath(strings.TrimLeft(rest, " \t"))
		if err := checkPath(p); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, i+1, err)
		}
		if seen[p] {
			return nil, fmt.Errorf("%s line %d: %s listed twice", name, i+1, p)
		}
		seen[p] = true
		out = append(out, ManifestEntry{SHA256: sum, Path: p})
	}
	return out, nil
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// checkPath accepts a clean, relative, slash-separated path of printable
// characters.
func checkPath(p string) error {
	if p == "" || len(p) > 1024 {
		return fmt.Errorf("bad path length %d", len(p))
	}
	if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
		return fmt.Errorf("path %q is not relative", p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("path %q is not clean", p)
		}
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("path %q has a control character", p)
		}
	}
	return nil
}

// payloadOxum is "<octets>.<files>" of the payload.
func payloadOxum(files map[string][]byte) string {
	var n, c int64
	for p, b := range files {
		if strings.HasPrefix(p, PayloadDir) {
			n += int64(len(b))
			c++
		}
	}
	return strconv.FormatInt(n, 10) + "." + strconv.FormatInt(c, 10)
}
