package referral

import (
	"bytes"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Payload file paths.
const (
	SuspectDir     = "data/suspects/"
	VICSFile       = "data/media/hashes-vics.json"
	MediaCSVFile   = "data/media/hashes.csv"
	IdentifierFile = "data/evidence/identifiers.csv"
	IPEventFile    = "data/evidence/ip-events.csv"
	PaymentFile    = "data/evidence/payments.csv"
	ProvenanceFile = "data/provenance/case-uco.jsonld"
	CustodyFile    = "data/provenance/custody-log.jsonl"
	ReportFile     = "data/report/referral-report.html"
)

// Input is what a package is built from. Referral carries the metadata;
// Build fills its schema version, ID, suspect list and counts.
type Input struct {
	Referral    Referral
	Suspects    []Suspect
	Custody     []CustodyEvent
	Derivations []Derivation
	At          time.Time // the as-of time: created_at, Bagging-Date, tar times
}

// Build makes the signed bag of in: deterministic (the same input, time
// and key give byte-identical files), validated against the schema before
// it is returned.
func Build(in Input, s Signer) (*Package, error) {
	if len(s.Key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("build referral: no signing key")
	}
	r := in.Referral
	if !ValidCountry(r.Recipient.Country) {
		return nil, fmt.Errorf("build referral: recipient country %q is not an ISO 3166-1 alpha-2 code", r.Recipient.Country)
	}
	at := in.At.UTC().Truncate(time.Second)
	r.SchemaVersion = SchemaVersion
	r.CreatedAt = at.Format(time.RFC3339)
	r.ID = BagName(r.Operation, r.Recipient.Country, at)
	r.Grading = GradingNote{Scheme: "europol-4x4"}
	r.Sender.Agency = strings.TrimSpace(r.Sender.Agency)
	if r.Handling.Code != H3 {
		r.Handling.H3Text = ""
	}
	r.RequestedActions = nonNil(r.RequestedActions)
	r.HashSets = nonNil(r.HashSets)
	r.Sources = nonNil(r.Sources)
	r.Suspects = []FileRef{}
	r.Counts = Counts{Custody: len(in.Custody)}

	files := map[string][]byte{}
	suspects := make([]Suspect, len(in.Suspects))
	for i, sp := range in.Suspects {
		sp = normalise(sp)
		sp.SchemaVersion = SchemaVersion
		sp.ID = fmt.Sprintf("S-%04d", i+1)
		b, err := marshal(sp)
		if err != nil {
			return nil, fmt.Errorf("build referral: suspect %s: %w", sp.SourceRef, err)
		}
		if err := Validate(SchemaSuspect, b); err != nil {
			return nil, fmt.Errorf("build referral: suspect %s (%s) does not match the schema: %w", sp.ID, sp.SourceRef, err)
		}
		path := SuspectDir + sp.ID + ".json"
		files[path] = b
		r.Suspects = append(r.Suspects, FileRef{ID: sp.ID, Path: path, SHA256: sha256Hex(b)})
		r.Counts.Suspects++
		r.Counts.Identifiers += len(sp.Identifiers)
		r.Counts.IPEvents += len(sp.IPEvents)
		r.Counts.Messages += len(sp.Messages)
		r.Counts.StealerHits += len(sp.StealerHits)
		r.Counts.Payments += len(sp.Payments)
		suspects[i] = sp
	}
	media := mediaRows(suspects)
	r.Counts.Media = len(media)
	var err error
	if files[VICSFile], err = writeVICS(media); err != nil {
		return nil, fmt.Errorf("build referral: %w", err)
	}
	files[MediaCSVFile] = writeMediaCSV(media)
	files[IdentifierFile] = writeIdentifierCSV(suspects)
	files[IPEventFile] = writeIPEventCSV(suspects)
	files[PaymentFile] = writePaymentCSV(suspects)
	if files[CustodyFile], err = writeCustody(in.Custody); err != nil {
		return nil, fmt.Errorf("build referral: %w", err)
	}
	if files[ProvenanceFile], err = writeProvenance(r, media, in.Derivations); err != nil {
		return nil, fmt.Errorf("build referral: %w", err)
	}
	if files[ReportFile], err = writeReport(r, suspects, media); err != nil {
		return nil, fmt.Errorf("build referral: %w", err)
	}
	if files[ReportPDFFile], err = writePDF(r, suspects, media, at); err != nil {
		return nil, fmt.Errorf("build referral: %w", err)
	}

	rb, err := marshal(r)
	if err != nil {
		return nil, fmt.Errorf("build referral: %w", err)
	}
	if err := Validate(SchemaReferral, rb); err != nil {
		return nil, fmt.Errorf("build referral: referral.json does not match the schema: %w", err)
	}
	payload := slices.Sorted(maps.Keys(files))
	files[BagItFile] = []byte(bagitTxt)
	files[ReferralFile] = rb
	files[BagInfoFile] = writeBagInfo([]Tag{
		{"Source-Organization", r.Sender.Agency},
		{"Contact-Name", r.Sender.Contact},
		{"External-Identifier", r.ID},
		{"External-Description", "Vibora referral package for " + r.Recipient.Country + ", operation " + r.Operation},
		{"Bagging-Date", at.Format(time.DateOnly)},
		{"Bag-Software-Agent", r.Tool.Name + " " + r.Tool.Version},
		{"Payload-Oxum", payloadOxum(files)},
		{"Vibora-Schema", SchemaVersion},
		{"Vibora-Handling", r.Handling.Code},
		{"Vibora-TLP", r.Handling.TLP},
	})
	files[ManifestFile] = writeManifest(files, payload)
	files[TagManifestFile] = writeManifest(files, []string{BagItFile, BagInfoFile, ManifestFile, ReferralFile})
	files[SignatureFile] = ed25519.Sign(s.Key, files[TagManifestFile])
	pub := s.Public
	pub.NotAfter = ""
	files[SignerFile] = pub.Marshal()
	return &Package{Name: r.ID, Files: files}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// normalise masks passwords and turns absent lists into empty ones.
func normalise(s Suspect) Suspect {
	s.Names = nonNil(s.Names)
	s.Reasons = nonNil(s.Reasons)
	s.Trail = nonNil(s.Trail)
	s.Roles = nonNil(s.Roles)
	s.Identifiers = nonNil(s.Identifiers)
	s.IPEvents = nonNil(s.IPEvents)
	s.Messages = nonNil(s.Messages)
	s.Payments = nonNil(s.Payments)
	s.Media = nonNil(s.Media)
	s.Exhibits = nonNil(s.Exhibits)
	s.Attribution.Basis = nonNil(s.Attribution.Basis)
	hits := make([]StealerHit, len(s.StealerHits))
	for i, h := range s.StealerHits {
		h.Password = MaskPassword(h.Password)
		hits[i] = h
	}
	s.StealerHits = hits
	return s
}

// marshal is the one JSON encoding of the package: two-space indent, a
// final line break.
func marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// mediaRow is one distinct file (by SHA-256) of the package's media list.
type mediaRow struct {
	Media
	Exhibits []string
	Suspects []string
}

func mediaRows(suspects []Suspect) []mediaRow {
	by := map[string]*mediaRow{}
	for _, s := range suspects {
		for _, m := range s.Media {
			r := by[m.SHA256]
			if r == nil {
				r = &mediaRow{Media: m}
				by[m.SHA256] = r
			}
			if m.Exhibit != "" && !slices.Contains(r.Exhibits, m.Exhibit) {
				r.Exhibits = append(r.Exhibits, m.Exhibit)
			}
			if !slices.Contains(r.Suspects, s.ID) {
				r.Suspects = append(r.Suspects, s.ID)
			}
		}
	}
	rows := make([]mediaRow, 0, len(by))
	for _, k := range slices.Sorted(maps.Keys(by)) {
		r := by[k]
		slices.Sort(r.Exhibits)
		slices.Sort(r.Suspects)
		rows = append(rows, *r)
	}
	return rows
}

func csvBytes(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header) // a bytes.Buffer does not fail
	for _, r := range rows {
		for i, f := range r {
			r[i] = csvSafe(f)
		}
		_ = w.Write(r)
	}
	w.Flush()
	return b.Bytes()
}

// csvSafe keeps a spreadsheet from reading evidence text as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeMediaCSV(rows []mediaRow) []byte {
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, []string{r.SHA256, r.SHA1, r.MD5, r.Category, r.Series, r.HashSet, strings.Join(r.Exhibits, ";"), strings.Join(r.Suspects, ";")})
	}
	return csvBytes([]string{"sha256", "sha1", "md5", "category", "series", "hash_set", "exhibits", "suspects"}, out)
}

func writeIdentifierCSV(suspects []Suspect) []byte {
	var out [][]string
	for _, s := range suspects {
		for _, id := range s.Identifiers {
			out = append(out, []string{s.ID, id.Kind, id.Value, id.Source, id.Grading.String()})
		}
	}
	return csvBytes([]string{"suspect", "kind", "value", "source", "grading"}, out)
}

func writeIPEventCSV(suspects []Suspect) []byte {
	var out [][]string
	for _, s := range suspects {
		for _, e := range s.IPEvents {
			out = append(out, []string{s.ID, e.Address, e.Time, e.Event, e.Source, e.Grading.String()})
		}
	}
	return csvBytes([]string{"suspect", "ip_address", "date_time", "event", "source", "grading"}, out)
}

func writePaymentCSV(suspects []Suspect) []byte {
	var out [][]string
	for _, s := range suspects {
		for _, p := range s.Payments {
			out = append(out, []string{s.ID, p.Direction, p.Identifier, p.Counterparty, p.CounterpartyCountry, p.Amount, p.Currency, p.Time, p.Method, p.TxID,
				p.Source, p.Evidence, strconv.FormatBool(p.CrossBorder), p.Grading.String()})
		}
	}
	return csvBytes([]string{"suspect", "direction", "identifier", "counterparty", "counterparty_country", "amount", "currency", "time", "method", "txid",
		"source", "evidence", "cross_border", "grading"}, out)
}

func writeCustody(events []CustodyEvent) ([]byte, error) {
	var b bytes.Buffer
	for _, e := range events {
		line, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

func itoa(n int) string { return strconv.Itoa(n) }
