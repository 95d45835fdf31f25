package referral

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

var asOf = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func testSigner(seed byte, agency string) Signer {
	return NewSigner(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize)), agency, "referrals")
}

func synthHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func grade(s, i string) Grading { return Grading{Source: s, Info: i} }

// testInput is a synthetic referral: two invented suspects attributed to
// FR, documentation IPs, example.org addresses, synthetic hashes.
func testInput() Input {
	return Input{
		At: asOf,
		Referral: Referral{
			Operation:        "Op Synthetic",
			Sender:           Sender{Agency: "ES-TEST", Contact: "desk@example.org", Country: "ES"},
			Recipient:        Recipient{Country: "FR", Channel: "SIENA"},
			LegalBasis:       "Europol Regulation Art. 18 (test)",
			Handling:         Handling{Code: H3, H3Text: "Do not contact the platform", TLP: "TLP:AMBER+STRICT"},
			RequestedActions: []string{"identify", "search"},
			Deadline:         "2027-01-31",
			MinScore:         5,
			Tool:             Tool{Name: "vibora", Version: "test"},
			HashSets:         []HashSet{{Name: "synthetic-bank", Kind: "illegal", Records: 3}},
			Sources:          []string{"CASE-1"},
		},
		Suspects: []Suspect{
			{
				SourceRef: "CASE-1/P1", Name: "Alex Example", Names: []string{"alex_ex"}, Score: 42,
				Reasons:     []string{"shared 2 known files"},
				Trail:       []string{"phone:+12025550101: Alex (profile) and Alex (posted)"},
				Attribution: Attribution{Country: "FR", Basis: []Basis{{Kind: "phone_cc", Evidence: "+33 calling code", Grading: grade("B", "2")}}},
				Roles:       []string{"admin of Group <b>X</b>"},
				Identifiers: []Identifier{{Kind: "phone", Value: "+12025550101", Source: "profile", Grading: grade("B", "2")}, {Kind: "email", Value: "alex@example.org", Source: "stealer log", Grading: grade("C", "3")}},
				IPEvents:    []IPEvent{{Address: "192.0.2.10", Time: "2026-10-01T10:00:00Z", Event: "stealer-log victim machine", Source: "lead L1", Grading: grade("C", "3")}},
				Messages:    []Message{{Conversation: "Group X", ID: "m1", Time: "2026-10-01T10:05:00Z", Text: "<script>alert(1)</script> hello"}},
				StealerHits: []StealerHit{{Lead: "L1", URL: "https://forum.example.org/login", Login: "alex", Password: "hunter2secret", Watched: true}},
				Media: []Media{
					{SHA256: synthHash("one"), MD5: strings.Repeat("a", 32), Category: "csam", Series: "Series-1", HashSet: "synthetic-bank", Exhibit: "E1"},
					{SHA256: synthHash("two"), Category: "exploitive", HashSet: "synthetic-bank", Exhibit: "E1"},
				},
				Exhibits: []string{"E1"},
			},
			{
				SourceRef: "CASE-1/L2", Name: "Sam Sample", Score: 9,
				Attribution: Attribution{Country: "FR", Basis: []Basis{{Kind: "cctld", Evidence: "sam@example.fr", Grading: grade("B", "3")}}},
				Identifiers: []Identifier{{Kind: "email", Value: "sam@example.fr", Source: "lead L2", Grading: grade("C", "3")}},
				Media:       []Media{{SHA256: synthHash("one"), Category: "csam", Series: "Series-1", HashSet: "synthetic-bank", Exhibit: "E2"}},
			},
		},
		Custody: []CustodyEvent{
			{Case: "CASE-1", Exhibit: "E1", Event: "acquired", Actor: "officer", At: "2026-09-01T08:00:00Z", Digests: "sha256=" + synthHash("image")},
			{Case: "CASE-1", Exhibit: "E1", Event: "ingested", Actor: "analyst", At: "2026-09-02T08:00:00Z"},
		},
		Derivations: []Derivation{
			{Name: "ingest", Start: "2026-09-02T08:00:00Z", End: "2026-09-02T09:00:00Z", Performer: "analyst", Objects: []string{"E1"}, Result: "1200 files hashed"},
			{Name: "hash-set match", Start: "2026-09-02T09:00:00Z", End: "2026-09-02T09:01:00Z", Performer: "analyst", Objects: []string{"E1", "E2"}, Result: "3 known files"},
		},
	}
}

func build(t testing.TB) (*Package, Signer) {
	t.Helper()
	s := testSigner(1, "ES-TEST")
	p, err := Build(testInput(), s)
	if err != nil {
		t.Fatal(err)
	}
	return p, s
}

func tarBytes(t testing.TB, p *Package) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.WriteTar(&b, asOf); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func clone(p *Package) *Package {
	q := &Package{Name: p.Name, Files: map[string][]byte{}}
	for k, v := range p.Files {
		q.Files[k] = bytes.Clone(v)
	}
	return q
}

// wantFailure asserts that err is a Failures holding check c.
func wantFailure(t *testing.T, err error, c Check, what string) {
	t.Helper()
	var fs Failures
	if !errors.As(err, &fs) {
		t.Fatalf("%s: error %v, want a %s failure", what, err, c)
	}
	if !fs.Has(c) {
		t.Fatalf("%s: failures %v, want %s", what, fs, c)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	p1, _ := build(t)
	p2, _ := build(t)
	if !slices.Equal(p1.Paths(), p2.Paths()) {
		t.Fatalf("paths differ: %v / %v", p1.Paths(), p2.Paths())
	}
	for _, k := range p1.Paths() {
		if !bytes.Equal(p1.Files[k], p2.Files[k]) {
			t.Errorf("%s differs between two builds", k)
		}
	}
	if !bytes.Equal(tarBytes(t, p1), tarBytes(t, p2)) {
		t.Error("archives differ between two builds")
	}
	in := testInput()
	in.At = asOf.Add(time.Hour)
	p3, err := Build(in, testSigner(1, "ES-TEST"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(p3.Files[ReferralFile], p1.Files[ReferralFile]) {
		t.Error("another as-of time gave the same referral.json")
	}
}

func TestVerifyRoundTrip(t *testing.T) {
	p, s := build(t)
	got, err := ReadTar(tarBytes(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "VIB-OP-SYNTHETIC-FR-20261130" {
		t.Errorf("bag name %q", got.Name)
	}
	v, err := Verify(got, NewTrust(s.Public), asOf)
	if err != nil {
		t.Fatal(err)
	}
	if v.Signer.Agency != "ES-TEST" || len(v.Suspects) != 2 || v.Referral.Counts.Media != 2 || v.Referral.Counts.Suspects != 2 {
		t.Fatalf("verified %+v", v.Referral.Counts)
	}
	if h := v.Suspects[0].StealerHits[0].Password; h != "h***********" {
		t.Errorf("password written as %q, want it masked", h)
	}
	for name, b := range p.Files {
		if bytes.Contains(b, []byte("hunter2secret")) {
			t.Errorf("%s holds the clear password", name)
		}
	}
	if v.TagManifestSHA256 != synthHashBytes(p.Files[TagManifestFile]) {
		t.Error("tag manifest hash")
	}
	info := string(p.Files[BagInfoFile])
	for _, want := range []string{"Payload-Oxum: ", "External-Identifier: VIB-OP-SYNTHETIC-FR-20261130", "Vibora-Handling: H3", "Vibora-TLP: TLP:AMBER+STRICT", "Bagging-Date: 2026-11-30"} {
		if !strings.Contains(info, want) {
			t.Errorf("bag-info.txt lacks %q:\n%s", want, info)
		}
	}
}

func synthHashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestReportEscapesEvidence(t *testing.T) {
	p, _ := build(t)
	html := string(p.Files[ReportFile])
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<b>X</b>") {
		t.Fatal("evidence text reached the report unescaped")
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt; hello", "TLP:AMBER&#43;STRICT", "Do not contact the platform", synthHash("one"), "h***********"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, "<img") {
		t.Error("report holds an image")
	}
}

func TestMediaFiles(t *testing.T) {
	p, _ := build(t)
	csv := string(p.Files[MediaCSVFile])
	if !strings.Contains(csv, synthHash("one")+",,"+strings.Repeat("a", 32)+",csam,Series-1,synthetic-bank,E1;E2,S-0001;S-0002") {
		t.Errorf("media csv:\n%s", csv)
	}
	vics := string(p.Files[VICSFile])
	for _, want := range []string{`"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"`, `"Category":1`, `"Series":"Series-1"`, `exhibit:E1,exhibit:E2,suspect:S-0001,suspect:S-0002`} {
		if !strings.Contains(vics, want) {
			t.Errorf("VICS lacks %s:\n%s", want, vics)
		}
	}
	prov := string(p.Files[ProvenanceFile])
	for _, want := range []string{`"case-investigation:InvestigativeAction"`, `"uco-core:name": "hash-set match"`, `"case-investigation:exhibitNumber": "E2"`, synthHash("two")} {
		if !strings.Contains(prov, want) {
			t.Errorf("provenance lacks %s", want)
		}
	}
	if n := strings.Count(string(p.Files[CustodyFile]), "\n"); n != 2 {
		t.Errorf("%d custody lines", n)
	}
}

// expectedCheck is the failure a change to one byte of file must cause.
func expectedCheck(file string) []Check {
	switch {
	case strings.HasPrefix(file, PayloadDir):
		return []Check{CheckManifest}
	case file == TagManifestFile, file == SignatureFile:
		return []Check{CheckSignature, CheckTagManifest}
	case file == SignerFile:
		return []Check{CheckSignature, CheckUntrusted}
	}
	return []Check{CheckTagManifest}
}

func TestTamperingWithAnyByteIsRefused(t *testing.T) {
	p, s := build(t)
	trust := NewTrust(s.Public)
	tried := 0
	for _, name := range p.Paths() {
		data := p.Files[name]
		step := max(1, len(data)/300) // every byte of small files, ~300 places in larger ones
		for i := 0; i < len(data); i += step {
			q := clone(p)
			q.Files[name][i] ^= 0x01
			_, err := Verify(q, trust, asOf)
			var fs Failures
			if !errors.As(err, &fs) {
				t.Fatalf("%s byte %d changed: accepted (%v)", name, i, err)
			}
			if !slices.ContainsFunc(expectedCheck(name), fs.Has) {
				t.Fatalf("%s byte %d changed: %v, want one of %v", name, i, fs, expectedCheck(name))
			}
			tried++
		}
	}
	t.Logf("%d single-byte changes refused", tried)
}

func TestAddedOrRemovedFileIsRefused(t *testing.T) {
	p, s := build(t)
	trust := NewTrust(s.Public)
	for _, extra := range []string{"data/extra.txt", "notes.txt", "signatures/other.sig", "data/suspects/S-0003.json"} {
		q := clone(p)
		q.Files[extra] = []byte("added\n")
		_, err := Verify(q, trust, asOf)
		wantFailure(t, err, CheckExtra, "added "+extra)
	}
	for _, name := range p.Paths() {
		q := clone(p)
		delete(q.Files, name)
		_, err := Verify(q, trust, asOf)
		wantFailure(t, err, CheckMissing, "removed "+name)
	}
}

func TestUntrustedOrExpiredKeyIsRefused(t *testing.T) {
	p, s := build(t)
	other := testSigner(2, "XX-OTHER")
	_, err := Verify(p, NewTrust(other.Public), asOf)
	wantFailure(t, err, CheckUntrusted, "unknown key")
	_, err = Verify(p, Trust{}, asOf)
	wantFailure(t, err, CheckUntrusted, "empty registry")

	expired := s.Public
	expired.NotAfter = asOf.Add(-time.Hour).Format(time.RFC3339)
	_, err = Verify(p, NewTrust(expired), asOf)
	wantFailure(t, err, CheckExpired, "expired key")
	current := s.Public
	current.NotAfter = asOf.Add(time.Hour).Format(time.RFC3339)
	if _, err := Verify(p, NewTrust(current), asOf); err != nil {
		t.Fatalf("key trusted until later: %v", err)
	}

	// A package re-signed by another key that claims the trusted id.
	q := clone(p)
	forged := other.Public
	forged.ID = s.Public.ID
	q.Files[SignerFile] = forged.Marshal()
	q.Files[SignatureFile] = ed25519.Sign(other.Key, q.Files[TagManifestFile])
	_, err = Verify(q, NewTrust(s.Public), asOf)
	wantFailure(t, err, CheckSignature, "forged key id")
	// Signed by an untrusted key with its own id.
	q.Files[SignerFile] = other.Public.Marshal()
	_, err = Verify(q, NewTrust(s.Public), asOf)
	wantFailure(t, err, CheckUntrusted, "re-signed")
}

func TestTruncatedArchiveIsRefused(t *testing.T) {
	p, s := build(t)
	data := tarBytes(t, p)
	for n := 0; n < len(data); n += max(1, len(data)/500) {
		_, err := ReadTar(data[:n])
		wantFailure(t, err, CheckArchive, fmt.Sprintf("archive cut at %d of %d", n, len(data)))
	}
	for n := 512; n < len(data); n += 512 { // at every block boundary too
		_, err := ReadTar(data[:n])
		wantFailure(t, err, CheckArchive, fmt.Sprintf("archive cut at block %d", n/512))
	}
	got, err := ReadTar(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(got, NewTrust(s.Public), asOf); err != nil {
		t.Fatal(err)
	}
}

func TestDirectoryRoundTrip(t *testing.T) {
	p, s := build(t)
	root, err := p.WriteDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(got, NewTrust(s.Public), asOf); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WriteDir(strings.TrimSuffix(root, "/"+p.Name)); err == nil {
		t.Fatal("wrote over an existing package")
	}
}

func TestEncryptedArchive(t *testing.T) {
	p, s := build(t)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var enc bytes.Buffer
	if err := Encrypt(&enc, tarBytes(t, p), id.Recipient().String()); err != nil {
		t.Fatal(err)
	}
	if !IsEncrypted(enc.Bytes()) || bytes.Contains(enc.Bytes(), []byte("referral.json")) {
		t.Fatal("not encrypted")
	}
	plain, err := Decrypt(enc.Bytes(), id.String()+"\n")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadTar(plain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(got, NewTrust(s.Public), asOf); err != nil {
		t.Fatal(err)
	}
	wrong, _ := age.GenerateX25519Identity()
	_, err = Decrypt(enc.Bytes(), wrong.String())
	wantFailure(t, err, CheckArchive, "wrong identity")
}

func TestBuildRefusesWhatTheSchemaRefuses(t *testing.T) {
	for name, change := range map[string]func(*Input){
		"handling code":   func(in *Input) { in.Referral.Handling.Code = "H9" },
		"tlp":             func(in *Input) { in.Referral.Handling.TLP = "TLP:WHITE" },
		"no action":       func(in *Input) { in.Referral.RequestedActions = nil },
		"action":          func(in *Input) { in.Referral.RequestedActions = []string{"annoy"} },
		"deadline":        func(in *Input) { in.Referral.Deadline = "next week" },
		"grading":         func(in *Input) { in.Suspects[0].Identifiers[0].Grading = grade("F", "6") },
		"country":         func(in *Input) { in.Suspects[0].Attribution.Country = "france" },
		"no basis":        func(in *Input) { in.Suspects[1].Attribution.Basis = nil },
		"legal basis":     func(in *Input) { in.Referral.LegalBasis = "" },
		"media hash":      func(in *Input) { in.Suspects[0].Media[0].SHA256 = "abc" },
		"recipient":       func(in *Input) { in.Referral.Recipient.Country = "FRA" },
		"channel":         func(in *Input) { in.Referral.Recipient.Channel = "email" },
		"sender":          func(in *Input) { in.Referral.Sender.Agency = " " },
		"negative score":  func(in *Input) { in.Suspects[0].Score = -1 },
		"empty identity":  func(in *Input) { in.Suspects[0].Identifiers[0].Value = "" },
		"no source ref":   func(in *Input) { in.Suspects[0].SourceRef = "" },
		"custody missing": nil,
	} {
		if change == nil {
			continue
		}
		in := testInput()
		change(&in)
		if _, err := Build(in, testSigner(1, "ES-TEST")); err == nil {
			t.Errorf("%s: built", name)
		}
	}
}

func TestVerifyChecksSchemaAndCounts(t *testing.T) {
	s := testSigner(1, "ES-TEST")
	// A package whose referral.json is re-signed but breaks the schema or
	// the counts: the manifests hold, the content checks do not.
	resign := func(p *Package) {
		p.Files[TagManifestFile] = writeManifest(p.Files, tagFiles)
		p.Files[SignatureFile] = ed25519.Sign(s.Key, p.Files[TagManifestFile])
	}
	p, _ := build(t)
	q := clone(p)
	q.Files[ReferralFile] = bytes.Replace(q.Files[ReferralFile], []byte(`"siena_code": "H3"`), []byte(`"siena_code": "H7"`), 1)
	resign(q)
	_, err := Verify(q, NewTrust(s.Public), asOf)
	wantFailure(t, err, CheckSchema, "bad handling code")

	q = clone(p)
	q.Files[ReferralFile] = bytes.Replace(q.Files[ReferralFile], []byte(`"messages": 1`), []byte(`"messages": 7`), 1)
	resign(q)
	_, err = Verify(q, NewTrust(s.Public), asOf)
	wantFailure(t, err, CheckCounts, "wrong counts")
}

func TestAckRoundTrip(t *testing.T) {
	p, sender := build(t)
	v, err := Verify(p, NewTrust(sender.Public), asOf)
	if err != nil {
		t.Fatal(err)
	}
	recipient := testSigner(3, "FR-TEST")
	a, err := NewAck(v, AckAcknowledged, "FR-TEST", "received", map[string]string{"S-0002": AckDeclined}, asOf.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	file, err := SignAck(a, recipient)
	if err != nil {
		t.Fatal(err)
	}
	got, key, err := VerifyAck(file, NewTrust(recipient.Public), asOf.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if key.Agency != "FR-TEST" || got.TagManifestSHA256 != v.TagManifestSHA256 || got.Suspects[0].Status != AckAcknowledged || got.Suspects[1].Status != AckDeclined || got.Suspects[1].SourceRef != "CASE-1/L2" {
		t.Fatalf("ack %+v", got)
	}
	_, _, err = VerifyAck(file, NewTrust(sender.Public), asOf)
	wantFailure(t, err, CheckUntrusted, "ack from an unknown key")
	expired := recipient.Public
	expired.NotAfter = asOf.Format(time.RFC3339)
	_, _, err = VerifyAck(file, NewTrust(expired), asOf.Add(time.Hour))
	wantFailure(t, err, CheckExpired, "ack from an expired key")
	forged := bytes.Replace(file, []byte(`"payload": "`), []byte(`"payload": "A`), 1)
	_, _, err = VerifyAck(forged, NewTrust(recipient.Public), asOf)
	if err == nil {
		t.Fatal("changed ack accepted")
	}
	if _, err := NewAck(v, AckAcknowledged, "FR-TEST", "", map[string]string{"S-0009": AckAction}, asOf); err == nil {
		t.Fatal("ack for a suspect the package does not hold")
	}
	if _, err := NewAck(v, "maybe", "FR-TEST", "", nil, asOf); err == nil {
		t.Fatal("ack with an unknown status")
	}
}

func TestMaskPassword(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a", "ab": "a*", "pässwört": "p*******", "averyveryverylongpassword": "a***********"} {
		if got := MaskPassword(in); got != want || MaskPassword(got) != got {
			t.Errorf("MaskPassword(%q) = %q, want %q (and stable)", in, got, want)
		}
	}
}

func TestPublicKeyFile(t *testing.T) {
	s := testSigner(1, "ES-TEST")
	b := s.Public.Marshal()
	k, err := ParsePublicKey(b)
	if err != nil || k.ID != s.Public.ID || !bytes.Equal(k.Key, s.Public.Key) {
		t.Fatalf("%v %+v", err, k)
	}
	for name, bad := range map[string][]byte{
		"spaces":    bytes.Replace(b, []byte(`,"agency"`), []byte(`, "agency"`), 1),
		"wrong id":  bytes.Replace(b, []byte(s.Public.ID), []byte("0000000000000000"), 1),
		"unknown":   bytes.Replace(b, []byte(`{`), []byte(`{"x":1,`), 1),
		"algorithm": bytes.Replace(b, []byte(`ed25519`), []byte(`rsa`), 1),
	} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

// TestPDFReport: the package carries a PDF form of the report, listed in
// the manifest, dated by the as-of time, with the markings, every suspect
// and masked passwords, evidence text as text, and no image.
func TestPDFReport(t *testing.T) {
	p, _ := build(t)
	pdf := p.Files[ReportPDFFile]
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.Contains(p.Files[ManifestFile], []byte(" "+ReportPDFFile+"\n")) {
		t.Fatalf("no PDF report in the manifest: %.20q", pdf)
	}
	var r Referral
	if err := json.Unmarshal(p.Files[ReferralFile], &r); err != nil {
		t.Fatal(err)
	}
	at, _ := time.Parse(time.RFC3339, r.CreatedAt)
	for _, want := range []string{"/CreationDate (D:" + at.UTC().Format("20060102150405"), "TLP:AMBER+STRICT - SIENA H3", "Do not contact the platform",
		"S-0001", "h***********", synthHash("one")} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if bytes.Contains(pdf, []byte("/Subtype /Image")) || bytes.Contains(pdf, []byte("/JavaScript")) {
		t.Error("PDF holds an image or a script")
	}
}
