package referral

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Check names what a verification failure is about.
type Check string

// Checks, in the order Verify runs them.
const (
	CheckArchive     Check = "archive"       // the archive cannot be read (truncated, not a tar, a link)
	CheckSignature   Check = "signature"     // missing, malformed or wrong signature
	CheckUntrusted   Check = "untrusted-key" // the signer's key is not in the trusted registry
	CheckExpired     Check = "expired-key"   // the trust in the signer's key has ended
	CheckBagIt       Check = "bagit"         // bagit.txt or bag-info.txt malformed
	CheckTagManifest Check = "tag-manifest"  // a tag file does not match tagmanifest-sha256.txt
	CheckManifest    Check = "manifest"      // a payload file does not match manifest-sha256.txt
	CheckMissing     Check = "missing-file"  // a listed file is absent
	CheckExtra       Check = "extra-file"    // a file no manifest lists
	CheckOxum        Check = "payload-oxum"  // Payload-Oxum does not match the payload
	CheckSchema      Check = "schema"        // referral.json or a suspect file does not match the schema
	CheckCounts      Check = "counts"        // referral.json's counts or suspect list disagree with the files
)

// Failure is one reason a package is refused.
type Failure struct {
	Check  Check
	File   string
	Detail string
}

func (f *Failure) Error() string {
	if f.File == "" {
		return string(f.Check) + ": " + f.Detail
	}
	return string(f.Check) + ": " + f.File + ": " + f.Detail
}

// Failures is every reason a package is refused; it is the error Verify
// returns.
type Failures []*Failure

func (fs Failures) Error() string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}

// Has reports whether one of the failures is of check c.
func (fs Failures) Has(c Check) bool {
	return slices.ContainsFunc(fs, func(f *Failure) bool { return f.Check == c })
}

// Verified is a package that passed every check, decoded.
type Verified struct {
	Package  *Package
	Referral Referral
	Suspects []Suspect
	Signer   PublicKey // the trusted registry's entry
	// TagManifestSHA256 identifies exactly what was received (the
	// acknowledgement and the custody event quote it).
	TagManifestSHA256 string
}

// tagFiles are the tag files a Vibora bag lists in its tag manifest.
var tagFiles = []string{BagItFile, BagInfoFile, ManifestFile, ReferralFile}

// Verify checks p: the signer's key is trusted and current at now, the
// signature over the exact bytes of the tag manifest holds, every tag and
// payload file matches its manifest, no file is missing or extra, the
// Payload-Oxum matches, referral.json and every suspect file match the
// schema, and the counts agree. It returns every failure, each named.
func Verify(p *Package, trust Trust, now time.Time) (*Verified, error) {
	v := &verifier{p: p}
	out := &Verified{Package: p}
	v.signature(trust, now, out)
	v.bagit()
	tagged := v.manifest(TagManifestFile, CheckTagManifest, func(path string) error {
		if strings.HasPrefix(path, PayloadDir) || strings.HasPrefix(path, "signatures/") || path == TagManifestFile {
			return fmt.Errorf("%s may not be listed in the tag manifest", path)
		}
		return nil
	})
	for _, f := range tagFiles {
		if !tagged[f] && p.Files[f] != nil {
			v.fail(CheckTagManifest, TagManifestFile, "does not list %s", f)
		}
	}
	listed := v.manifest(ManifestFile, CheckManifest, func(path string) error {
		if !strings.HasPrefix(path, PayloadDir) {
			return fmt.Errorf("%s is not under data/", path)
		}
		return nil
	})
	for _, path := range p.Paths() {
		switch {
		case listed[path], tagged[path], path == TagManifestFile, path == SignatureFile, path == SignerFile:
		case strings.HasPrefix(path, PayloadDir):
			v.fail(CheckExtra, path, "not in %s", ManifestFile)
		default:
			v.fail(CheckExtra, path, "not in %s", TagManifestFile)
		}
	}
	v.oxum()
	v.contents(out)
	if len(v.fails) > 0 {
		return nil, v.fails
	}
	out.TagManifestSHA256 = sha256Hex(p.Files[TagManifestFile])
	return out, nil
}

type verifier struct {
	p     *Package
	fails Failures
}

func (v *verifier) fail(c Check, file, format string, args ...any) {
	v.fails = append(v.fails, &Failure{Check: c, File: file, Detail: fmt.Sprintf(format, args...)})
}

// file returns a file, recording it as missing when absent.
func (v *verifier) file(path string) ([]byte, bool) {
	b, ok := v.p.Files[path]
	if !ok {
		v.fail(CheckMissing, path, "absent")
	}
	return b, ok
}

func (v *verifier) signature(trust Trust, now time.Time, out *Verified) {
	pubBytes, ok1 := v.file(SignerFile)
	sig, ok2 := v.file(SignatureFile)
	tm, ok3 := v.file(TagManifestFile)
	if !ok1 {
		return
	}
	signer, err := ParsePublicKey(pubBytes)
	if err != nil {
		v.fail(CheckSignature, SignerFile, "%v", err)
		return
	}
	key, f := trust.check(signer, now)
	if f != nil {
		v.fails = append(v.fails, f)
		return
	}
	out.Signer = key
	if !ok2 || !ok3 {
		return
	}
	if len(sig) != ed25519.SignatureSize {
		v.fail(CheckSignature, SignatureFile, "%d bytes, want %d", len(sig), ed25519.SignatureSize)
		return
	}
	if !ed25519.Verify(key.Key, tm, sig) {
		v.fail(CheckSignature, SignatureFile, "does not verify %s under key %s (%s)", TagManifestFile, key.ID, key.Agency)
	}
}

func (v *verifier) bagit() {
	b, ok := v.file(BagItFile)
	if !ok {
		return
	}
	tags, err := ParseBagInfo(BagItFile, b)
	if err != nil {
		v.fail(CheckBagIt, BagItFile, "%v", err)
		return
	}
	if ver, err := tagValue(tags, "BagIt-Version"); err != nil || ver != "1.0" {
		v.fail(CheckBagIt, BagItFile, "BagIt-Version is not 1.0")
	}
	if enc, err := tagValue(tags, "Tag-File-Character-Encoding"); err != nil || enc != "UTF-8" {
		v.fail(CheckBagIt, BagItFile, "Tag-File-Character-Encoding is not UTF-8")
	}
}

// manifest checks every entry of a manifest against the files and
// returns the set of paths it lists.
func (v *verifier) manifest(name string, c Check, allowed func(string) error) map[string]bool {
	listed := map[string]bool{}
	b, ok := v.file(name)
	if !ok {
		return listed
	}
	entries, err := ParseManifest(name, b)
	if err != nil {
		v.fail(c, name, "%v", err)
		return listed
	}
	for _, e := range entries {
		if err := allowed(e.Path); err != nil {
			v.fail(c, name, "%v", err)
			continue
		}
		listed[e.Path] = true
		data, ok := v.p.Files[e.Path]
		if !ok {
			v.fail(CheckMissing, e.Path, "listed in %s but absent", name)
			continue
		}
		if got := sha256Hex(data); got != e.SHA256 {
			v.fail(c, e.Path, "SHA-256 %s, %s says %s", got, name, e.SHA256)
		}
	}
	return listed
}

func (v *verifier) oxum() {
	b, ok := v.p.Files[BagInfoFile]
	if !ok {
		v.fail(CheckMissing, BagInfoFile, "absent")
		return
	}
	tags, err := ParseBagInfo(BagInfoFile, b)
	if err != nil {
		v.fail(CheckBagIt, BagInfoFile, "%v", err)
		return
	}
	want, err := tagValue(tags, "Payload-Oxum")
	if err != nil {
		v.fail(CheckOxum, BagInfoFile, "%v", err)
		return
	}
	if got := payloadOxum(v.p.Files); got != want {
		v.fail(CheckOxum, BagInfoFile, "Payload-Oxum %s, the payload is %s (octets.files)", want, got)
	}
}

// decodeStrict decodes JSON refusing unknown fields.
func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

func (v *verifier) contents(out *Verified) {
	rb, ok := v.p.Files[ReferralFile]
	if !ok {
		v.fail(CheckMissing, ReferralFile, "absent")
		return
	}
	if err := Validate(SchemaReferral, rb); err != nil {
		v.fail(CheckSchema, ReferralFile, "%v", err)
		return
	}
	r := &out.Referral
	if err := decodeStrict(rb, r); err != nil {
		v.fail(CheckSchema, ReferralFile, "%v", err)
		return
	}
	if b, ok := v.p.Files[BagInfoFile]; ok {
		if tags, err := ParseBagInfo(BagInfoFile, b); err == nil {
			if id, _ := tagValue(tags, "External-Identifier"); id != r.ID {
				v.fail(CheckBagIt, BagInfoFile, "External-Identifier %q is not the referral's id %q", id, r.ID)
			}
		}
	}
	counts := Counts{Custody: bytes.Count(v.p.Files[CustodyFile], []byte("\n"))}
	referenced := map[string]bool{}
	for _, ref := range r.Suspects {
		referenced[ref.Path] = true
		b, ok := v.p.Files[ref.Path]
		if !ok {
			v.fail(CheckMissing, ref.Path, "suspect %s is in %s but its file is absent", ref.ID, ReferralFile)
			continue
		}
		if got := sha256Hex(b); got != ref.SHA256 {
			v.fail(CheckCounts, ref.Path, "SHA-256 %s, %s says %s", got, ReferralFile, ref.SHA256)
		}
		if err := Validate(SchemaSuspect, b); err != nil {
			v.fail(CheckSchema, ref.Path, "%v", err)
			continue
		}
		var s Suspect
		if err := decodeStrict(b, &s); err != nil {
			v.fail(CheckSchema, ref.Path, "%v", err)
			continue
		}
		if s.ID != ref.ID {
			v.fail(CheckCounts, ref.Path, "holds suspect %s, %s says %s", s.ID, ReferralFile, ref.ID)
		}
		if s.Attribution.Country != r.Recipient.Country {
			v.fail(CheckCounts, ref.Path, "attributed to %s, the referral is for %s", s.Attribution.Country, r.Recipient.Country)
		}
		counts.Suspects++
		counts.Identifiers += len(s.Identifiers)
		counts.IPEvents += len(s.IPEvents)
		counts.Messages += len(s.Messages)
		counts.StealerHits += len(s.StealerHits)
		counts.Payments += len(s.Payments)
		out.Suspects = append(out.Suspects, s)
	}
	for _, path := range v.p.Paths() {
		if strings.HasPrefix(path, SuspectDir) && !referenced[path] {
			v.fail(CheckCounts, path, "a suspect file %s does not list", ReferralFile)
		}
	}
	counts.Media = len(mediaRows(out.Suspects))
	if counts != r.Counts {
		v.fail(CheckCounts, ReferralFile, "counts %+v, the files hold %+v", r.Counts, counts)
	}
}
