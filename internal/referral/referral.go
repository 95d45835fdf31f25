// Package referral writes and verifies referral packages: one signed BagIt
// bag (RFC 8493) per recipient country, holding what the sender knows of
// the suspects attributed to that country (identifiers, IP events, the
// text of their messages, masked stealer-log hits, known material as hashes
// only), the handling and grading of that information, the custody of the
// exhibits behind it and the provenance of every derivation. The package
// never carries media bytes.
//
// The package is pure: model values in, files (a path -> bytes map) out,
// and back. Build is deterministic: the same input, clock and key give the
// same bytes. Verify checks the detached Ed25519 signature over the exact
// bytes of tagmanifest-sha256.txt against a registry of trusted keys, every
// manifest, the file list, the Payload-Oxum and the embedded JSON Schema,
// and names each failure. docs/referral.md describes the layout.
package referral

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// SchemaVersion is the version of referral.json and the suspect files
// this package writes; Verify accepts only it.
const SchemaVersion = "vibora-referral/1"

// Handling codes (Europol SIENA). H3 carries free text.
const (
	H0 = "H0" // only for preventing and combating crime
	H1 = "H1" // not to be disclosed in judicial proceedings without the provider's permission
	H2 = "H2" // not to be disseminated without the provider's permission
	H3 = "H3" // other restrictions (Handling.H3Text)
)

// TLP 2.0 labels.
var TLPLabels = []string{"TLP:RED", "TLP:AMBER+STRICT", "TLP:AMBER", "TLP:GREEN", "TLP:CLEAR"}

// Actions a referral may request.
var Actions = []string{"identify", "locate", "preserve", "investigate", "search", "arrest", "victim-id"}

// Channels a referral may travel on.
var Channels = []string{"SIENA", "I-24/7", "bilateral", "other"}

// Referral is referral.json: who sends what to whom, under which rules.
type Referral struct {
	SchemaVersion    string      `json:"schema_version"`
	ID               string      `json:"referral_id"`
	Operation        string      `json:"operation"`
	CreatedAt        string      `json:"created_at"` // RFC 3339 UTC: the as-of time
	Sender           Sender      `json:"sender"`
	Recipient        Recipient   `json:"recipient"`
	LegalBasis       string      `json:"legal_basis"`
	Handling         Handling    `json:"handling"`
	RequestedActions []string    `json:"requested_actions"`
	Deadline         string      `json:"deadline,omitempty"` // YYYY-MM-DD
	MinScore         float64     `json:"min_score"`
	Suspects         []FileRef   `json:"suspects"`
	Counts           Counts      `json:"counts"`
	Tool             Tool        `json:"tool"`
	HashSets         []HashSet   `json:"hash_sets_used"`
	Sources          []string    `json:"source_cases"`
	Notes            string      `json:"notes,omitempty"`
	Grading          GradingNote `json:"grading"`
}

// Sender is the agency sending the referral.
type Sender struct {
	Agency  string `json:"agency"`
	Contact string `json:"contact,omitempty"`
	Country string `json:"country,omitempty"`
}

// Recipient is the country (and agency) the referral is for.
type Recipient struct {
	Country string `json:"country"` // ISO 3166-1 alpha-2
	Agency  string `json:"agency,omitempty"`
	Channel string `json:"channel"`
}

// Handling is the dissemination control: a SIENA code (binding) and a
// TLP 2.0 label (for the human report and non-police recipients).
type Handling struct {
	Code   string `json:"siena_code"`
	H3Text string `json:"h3_text,omitempty"`
	TLP    string `json:"tlp"`
}

// GradingNote names the grading scheme the records use.
type GradingNote struct {
	Scheme string `json:"scheme"` // "europol-4x4"
}

// Grading is a Europol 4x4 evaluation of one record: source reliability
// A, B, C or X, information accuracy 1 to 4.
type Grading struct {
	Source string `json:"source"`
	Info   string `json:"info"`
}

func (g Grading) String() string { return g.Source + g.Info }

// FileRef names a suspect file of the package and its SHA-256.
type FileRef struct {
	ID     string `json:"id"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Counts are the totals of the package, checked by Verify.
type Counts struct {
	Suspects    int `json:"suspects"`
	Identifiers int `json:"identifiers"`
	IPEvents    int `json:"ip_events"`
	Messages    int `json:"messages"`
	StealerHits int `json:"stealer_hits"`
	Payments    int `json:"payments"`
	Media       int `json:"media"`
	Custody     int `json:"custody_events"`
}

// Tool is the software that built the package.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// HashSet is a hash list the matches came from.
type HashSet struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Version string `json:"version,omitempty"`
	Records int64  `json:"records"`
}

// Suspect is one data/suspects/S-nnnn.json: one person attributed to the
// recipient country and what the evidence says of them.
type Suspect struct {
	SchemaVersion string       `json:"schema_version"`
	ID            string       `json:"id"`         // S-0001
	SourceRef     string       `json:"source_ref"` // the sender's person reference, e.g. CASE/P12
	Name          string       `json:"name"`
	Names         []string     `json:"names"`
	Score         float64      `json:"score"`
	Reasons       []string     `json:"reasons"`
	Trail         []string     `json:"evidence_trail"` // why the pieces are one person
	Attribution   Attribution  `json:"attribution"`
	Roles         []string     `json:"roles"`
	FirstSeen     string       `json:"first_seen,omitempty"`
	LastSeen      string       `json:"last_seen,omitempty"`
	Identifiers   []Identifier `json:"identifiers"`
	IPEvents      []IPEvent    `json:"ip_events"`
	Messages      []Message    `json:"messages"`
	StealerHits   []StealerHit `json:"stealer_hits"`
	Payments      []Payment    `json:"payments"`
	Media         []Media      `json:"media"`
	Exhibits      []string     `json:"exhibits"`
}

// Attribution is why the suspect is referred to this country.
type Attribution struct {
	Country string  `json:"country"`
	Basis   []Basis `json:"basis"`
}

// Basis is one fact pointing to the country.
type Basis struct {
	Kind     string  `json:"kind"` // phone_cc, cctld, stealer_log, ip_geo, ...
	Evidence string  `json:"evidence"`
	Grading  Grading `json:"grading"`
}

// Identifier is an account or identifier of the suspect.
type Identifier struct {
	Kind    string  `json:"kind"`
	Value   string  `json:"value"`
	Source  string  `json:"source"`
	Grading Grading `json:"grading"`
}

// IPEvent is an IP address seen with a time (a login, a stealer-log
// victim machine).
type IPEvent struct {
	Address string  `json:"ip_address"`
	Time    string  `json:"date_time,omitempty"`
	Event   string  `json:"event"`
	Source  string  `json:"source"`
	Grading Grading `json:"grading"`
}

// Message is one message the suspect wrote: text only.
type Message struct {
	Conversation string `json:"conversation"`
	ID           string `json:"id"`
	Time         string `json:"time,omitempty"`
	Text         string `json:"text"`
}

// StealerHit is one credential of a stealer log tied to the suspect. The
// password is always masked (MaskPassword).
type StealerHit struct {
	Lead     string `json:"lead"`
	URL      string `json:"url"`
	Login    string `json:"login"`
	Password string `json:"password_masked"`
	Watched  bool   `json:"watched_site"`
}

// Payment is one payment the suspect made or received, where the
// evidence records it (a chat message, a seized platform's ledger, an
// analyst's entry). Cards are only ever a brand and the last four digits.
type Payment struct {
	Direction           string  `json:"direction"`            // paid, received
	Identifier          string  `json:"identifier,omitempty"` // the suspect's side: an IBAN, a handle, an address
	Counterparty        string  `json:"counterparty,omitempty"`
	CounterpartyCountry string  `json:"counterparty_country,omitempty"`
	Amount              string  `json:"amount,omitempty"` // exact decimal text
	Currency            string  `json:"currency,omitempty"`
	Time                string  `json:"time,omitempty"` // RFC 3339 UTC
	Method              string  `json:"method,omitempty"`
	TxID                string  `json:"txid,omitempty"`
	Source              string  `json:"source"` // chat, platform, manual, and where
	Evidence            string  `json:"evidence,omitempty"`
	CrossBorder         bool    `json:"cross_border"`
	Grading             Grading `json:"grading"`
}

// Media is one known-material file the suspect shared: hashes and labels
// only, never content or a path.
type Media struct {
	SHA256   string `json:"sha256"`
	SHA1     string `json:"sha1,omitempty"`
	MD5      string `json:"md5,omitempty"`
	Category string `json:"category"` // normalised class (hashset.Class)
	Series   string `json:"series,omitempty"`
	HashSet  string `json:"hash_set"`
	Exhibit  string `json:"exhibit"`
}

// CustodyEvent is one custody event of an exhibit the package refers to.
type CustodyEvent struct {
	Case    string `json:"case"`
	Exhibit string `json:"exhibit,omitempty"`
	Event   string `json:"event"`
	Actor   string `json:"actor"`
	At      string `json:"at"`
	Reason  string `json:"reason,omitempty"`
	Digests string `json:"digests,omitempty"`
}

// Derivation is one automated step behind the package (an ingest, a hash
// match, the attribution), written as a CASE/UCO InvestigativeAction.
type Derivation struct {
	Name      string   `json:"name"`
	Start     string   `json:"start"`
	End       string   `json:"end"`
	Performer string   `json:"performer"`
	Objects   []string `json:"objects"` // exhibit names
	Result    string   `json:"result"`
}

// MaskPassword hides a password: its first character, then one asterisk
// per further character (at most 11). Masking a masked value keeps it.
func MaskPassword(p string) string {
	if p == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(p)
	n := utf8.RuneCountInString(p[size:])
	return string(r) + strings.Repeat("*", min(n, 11))
}

var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

// ValidCountry reports whether cc is an ISO 3166-1 alpha-2 code shape.
func ValidCountry(cc string) bool { return countryRE.MatchString(cc) }

// BagName is the bag's directory name: VIB-<operation>-<country>-<yyyymmdd>,
// the operation reduced to letters, digits and hyphens.
func BagName(operation, country string, at time.Time) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(operation) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	op := strings.Trim(b.String(), "-")
	if op == "" {
		op = "OP"
	}
	if len(op) > 40 {
		op = op[:40]
	}
	return fmt.Sprintf("VIB-%s-%s-%s", op, country, at.UTC().Format("20060102"))
}
