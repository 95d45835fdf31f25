package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/operation"
)

var update = flag.Bool("update", false, "rewrite the golden files of the --json outputs")

// TestJSONGolden pins the --json output of the commands (docs/cli-json.md)
// on the synthetic demo scenario: every line is decoded strictly into the
// type the command prints (no unknown field, every field name exactly as
// that type spells it) and compared byte for byte with
// testdata/golden/NAME.jsonl. The clock, the OS user and the paths are
// fixed; measured figures (elapsed time, peak memory) are zeroed; go test ./internal/cli -run JSONGolden -update rewrites them.
func TestJSONGolden(t *testing.T) {
	clock := time.Date(2024, 3, 4, 12, 0, 0, 0, time.UTC)
	serviceOptions = []investigation.Option{investigation.WithClock(func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	})}
	defer func() { serviceOptions = nil }()
	t.Setenv("USER", "tester")
	t.Setenv("VIBORA_ACTOR", "")

	root := t.TempDir()
	l, err := demo.Generate(filepath.Join(root, "demo"))
	if err != nil {
		t.Fatal(err)
	}
	// Files get one modification time, so mtimes in the output are fixed.
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			os.Chtimes(p, demo.Epoch, demo.Epoch)
		}
		return err
	})
	db := filepath.Join(root, "golden.db")
	notes := filepath.Join(root, "notes.txt")
	if err := os.WriteFile(notes, []byte("Reach jane.doe@example.org or +1 202 555 0142; wallet at example.org/u/jdoe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	scrub := strings.NewReplacer(root, "$TMP")
	elapsed := regexp.MustCompile(`"(elapsed_seconds|peak_memory_bytes)":[0-9.e+-]+`)
	// Manifests and audit digests cover the evidence's absolute paths, which
	// live in a new temporary directory each run: their values are replaced
	// (the audit and evidence packages pin how they are computed).
	digests := regexp.MustCompile(`((?:manifest_sha256|prev_hash|after_digest|before_digest)\\?":\\?"|manifest-sha256=)[0-9a-f]{64}`)
	// The toolchain and platform of the test run.
	toolchain := strings.NewReplacer(`"go":"`+runtime.Version()+`"`, `"go":"<go>"`, `"os":"`+runtime.GOOS+`"`, `"os":"<os>"`, `"arch":"`+runtime.GOARCH+`"`, `"arch":"<arch>"`)
	chainHash := regexp.MustCompile(`"hash":"[0-9a-f]{64}"`)
	batchEnds := regexp.MustCompile(`(\\"(?:first|last)\\":\\")[^\\]*`)
	// Files of a chat's attachments get their ids in the workers'
	// finishing order.
	fileIDs := regexp.MustCompile(`"file_id":[0-9]+`)

	const c = "op-golden"
	type step struct {
		name string
		args []string
		typ  any // a value of the type each line decodes into (nil: not decoded)
	}
	steps := []step{
		{"case-create", []string{"case", "create", c, "--agency", "Example Unit", "--country", "nl"}, investigation.Case{}},
		{"case-list", []string{"case", "list"}, investigation.Case{}},
		{"exhibit-add", []string{"exhibit", "add", "--case", c, "PHONE-01", "--type", "phone", "--imei", "490154203237518"}, investigation.Exhibit{}},
		{"exhibit-list", []string{"exhibit", "list", "--case", c}, investigation.Exhibit{}},
	}
	for _, b := range l.Banks {
		steps = append(steps, step{"bank-import-" + b.Name, []string{"bank", "import", "--name", b.Name, "--kind", b.Kind, b.Path}, investigation.BankImportResult{}})
	}
	steps = append(steps,
		step{"bank-list", []string{"bank", "list"}, investigation.Bank{}},
		step{"bank-show", []string{"bank", "show", l.Banks[0].Name}, investigation.BankSummary{}},
		step{"ingest", []string{"ingest", "--case", c, "--exhibit", "PHONE-01", "--workers", "1", l.Evidence}, investigation.IngestReport{}},
		step{"files", []string{"files", "--case", c}, investigation.FileEntry{}},
		step{"files-matched", []string{"files", "--case", c, "--matched"}, investigation.FileEntry{}},
		step{"clusters", []string{"clusters", "--case", c, "--all"}, investigation.Cluster{}},
		step{"clusters-mark", []string{"clusters", "mark", "2", "--case", c, "--flag-victim-id", "--note", "school logo on a wall"}, investigation.Cluster{}},
		step{"clusters-marked", []string{"clusters", "--case", c}, investigation.Cluster{}},
		step{"verify", []string{"verify", "--case", c, "--exhibit", "PHONE-01", "--workers", "1"}, investigation.VerifyReport{}},
		step{"hash", []string{"hash", filepath.Join(l.Evidence, l.Images[0].Path)}, investigation.HashView{}},
		step{"match", []string{"match", filepath.Join(l.Evidence, l.Images[0].Path)}, investigation.QueryMatches{}},
		step{"chat-import", []string{"chat", "import", "--case", c, "--exhibit", "CHAT-01", l.Chat}, investigation.ChatImportReport{}},
		step{"chat-list", []string{"chat", "list", "--case", c}, investigation.Conversation{}},
		step{"stealer-scan", []string{"stealer", "scan", "--case", c, "--watchlist", l.Watchlist, l.Stealer}, investigation.StealerProfileView{}},
		step{"leads", []string{"leads", "--case", c}, investigation.LeadView{}},
		step{"suspects", []string{"suspects", "--case", c}, investigation.Suspect{}},
		step{"chat-show", []string{"chat", "show", "--case", c, "7700000001"}, investigation.ConversationView{}},
		step{"person-show", []string{"person", "show", "--case", c, "P1"}, investigation.PersonView{}},
		step{"case-show", []string{"case", "show", c}, investigation.CaseDetail{}},
		step{"exhibit-show", []string{"exhibit", "show", "--case", c, "PHONE-01"}, investigation.ExhibitDetail{}},
		step{"case-report", []string{"case", "report", c}, investigation.CaseReport{}},
		step{"id-extract", []string{"id", "extract", notes}, investigation.IdentifierView{}},
		step{"id-normalize", []string{"id", "normalize", "phone", "+1 (202) 555-0142"}, investigation.NormalizedIdentifier{}},
		step{"id-attribute", []string{"id", "attribute", "+12025550142", "jane@example.org"}, investigation.Attribution{}},
		step{"audit-verify", []string{"audit", "verify"}, investigation.AuditVerifyView{}},
		step{"audit-log", []string{"audit", "log"}, audit.Record{}},
		// An export is the exchange format itself (docs/formats), not a
		// JSON line: pinned byte for byte.
		step{"bank-export-vics", []string{"bank", "export", l.Banks[0].Name, "--format", "vics"}, nil},
		step{"bank-export-csv", []string{"bank", "export", l.Banks[0].Name, "--format", "csv"}, nil},
		step{"bank-remove", []string{"bank", "remove", l.Banks[len(l.Banks)-1].Name}, investigation.BankRemoved{}},
		step{"version", []string{"version"}, investigation.VersionInfo{}},
		step{"verify-store", []string{"verify", "--store"}, investigation.StoreReport{}},
		// An operation on the demo case (docs/operations.md).
		step{"operation-create", []string{"operation", "create", "VIBORA", "--lead-agency", "Example Unit", "--contact", "desk@example.org"}, investigation.Operation{}},
		step{"operation-add-partner", []string{"operation", "add-partner", "VIBORA", "ES-PN", "--role", "partner", "--contact", "+1 202 555 0101"}, investigation.OperationAgency{}},
		step{"operation-add-case", []string{"operation", "add-case", "VIBORA", c}, investigation.OperationCase{}},
		step{"operation-status", []string{"operation", "status", "VIBORA", c + "/P1", "identified", "--why", "named in the group", "--date", "2024-02-19"}, investigation.OperationSuspect{}},
		step{"operation-status-attributed", []string{"operation", "status", "VIBORA", c + "/P1", "attributed", "--country", "es", "--why", "phone +34", "--evidence", "PHONE-01", "--date", "2024-02-20"}, investigation.OperationSuspect{}},
		step{"operation-status-deconflicted", []string{"operation", "status", "VIBORA", c + "/P1", "deconflicted", "--why", "no other holder", "--date", "2024-02-21"}, investigation.OperationSuspect{}},
		step{"operation-status-prepared", []string{"operation", "status", "VIBORA", c + "/P1", "referral-prepared", "--why", "package built", "--date", "2024-02-22"}, investigation.OperationSuspect{}},
		step{"operation-status-referred", []string{"operation", "status", "VIBORA", c + "/P1", "referred", "--channel", "SIENA", "--package", "VIB-ES-1", "--why", "sent to ES", "--date", "2024-02-23"}, investigation.OperationSuspect{}},
		step{"operation-status-arrested", []string{"operation", "status", "VIBORA", c + "/P1", "arrested", "--why", "ES reported the arrest", "--date", "2024-03-01"}, investigation.OperationSuspect{}},
		step{"operation-seized", []string{"operation", "seized", "VIBORA", c + "/P1", "--devices", "3", "--date", "2024-03-01"}, investigation.OperationTally{}},
		step{"operation-safeguarded", []string{"operation", "safeguarded", "VIBORA", "--victims", "1", "--date", "2024-03-02"}, investigation.OperationTally{}},
		step{"operation-list", []string{"operation", "list"}, investigation.OperationSummary{}},
		step{"operation-show", []string{"operation", "show", "VIBORA"}, investigation.Operation{}},
		step{"operation-report", []string{"operation", "report", "VIBORA"}, operation.Report{}},
		step{"operation-report-as-of", []string{"operation", "report", "VIBORA", "--as-of", "2024-02-24"}, operation.Report{}},
		// A victim-identification series from the largest new-material
		// cluster (docs/series.md).
		step{"series-create", []string{"series", "create", "--case", c, "Garden", "--cluster", "1", "--victim-identified", "--country", "es", "--contact", "vid@example.org"}, investigation.SeriesView{}},
		step{"series-share", []string{"series", "share", "--case", c, "Garden", "--agency", "VID-DESK"}, investigation.SeriesSummary{}},
		step{"series-list", []string{"series", "list"}, investigation.SeriesSummary{}},
		step{"series-show", []string{"series", "show", "--case", c, "Garden"}, investigation.SeriesView{}},
		step{"series-export-icse", []string{"series", "export", "--case", c, "Garden", "--format", "icse"}, nil},
		step{"series-export-vics", []string{"series", "export", "--case", c, "Garden", "--format", "vics"}, nil},
		// The phone attributed to the first suspect, who then holds what is
		// on it (docs/ai.md), and the attribution taken back.
		step{"exhibit-owner-set", []string{"exhibit", "owner", "set", "--case", c, "PHONE-01", "--person", "P1"}, investigation.Exhibit{}},
		step{"exhibit-owner-list", []string{"exhibit", "list", "--case", c}, investigation.Exhibit{}},
		step{"exhibit-owner-person", []string{"person", "show", "--case", c, "P1"}, investigation.PersonView{}},
		step{"exhibit-owner-clear", []string{"exhibit", "owner", "clear", "--case", c, "PHONE-01"}, investigation.Exhibit{}},
	)
	for _, st := range steps {
		out, errOut, code := run(t, db, append([]string{"--json"}, st.args...)...)
		if code != ExitOK && !(st.name == "match" && code == ExitFailure) {
			t.Fatalf("%s: exit %d: %s", st.name, code, errOut)
		}
		got := elapsed.ReplaceAllString(scrub.Replace(out), `"${1}":0`)
		got = digests.ReplaceAllString(got, "${1}<sha256>")
		if st.name == "version" {
			got = toolchain.Replace(got)
		}
		if strings.HasPrefix(st.name, "audit-") || st.name == "case-report" || st.name == "verify-store" {
			got = chainHash.ReplaceAllString(got, `"hash":"<sha256>"`)
			// The first and last path of a chat's attachment batch follow
			// the workers' finishing order.
			got = batchEnds.ReplaceAllString(got, `${1}<path>`)
		}
		if st.name == "case-report" {
			got = fileIDs.ReplaceAllString(got, `"file_id":0`)
		}
		for i, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
			if line == "" || st.typ == nil {
				continue
			}
			if err := decodeStrict([]byte(line), reflect.TypeOf(st.typ)); err != nil {
				t.Errorf("%s line %d: %v\n%s", st.name, i+1, err, line)
			}
		}
		ext := ".jsonl"
		switch st.name {
		case "bank-export-vics":
			ext = ".json"
		case "bank-export-csv", "series-export-icse":
			ext = ".csv"
		case "series-export-vics":
			ext = ".json"
		}
		golden := filepath.Join("testdata", "golden", st.name+ext)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", st.name, err)
		}
		if got != string(want) {
			t.Errorf("%s: --json output differs from %s (run with -update after checking the change)\ngot:\n%s\nwant:\n%s", st.name, golden, got, want)
		}
	}
}

// decodeStrict decodes line into a new value of typ, refusing unknown
// fields, then encodes it again: the result must be the same document, so
// that a field whose name differs only in case (which encoding/json would
// accept) or a value the type cannot hold fails.
func decodeStrict(line []byte, typ reflect.Type) error {
	v := reflect.New(typ)
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v.Interface()); err != nil {
		return err
	}
	back, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	var a, b any
	if err := json.Unmarshal(line, &a); err != nil {
		return err
	}
	if err := json.Unmarshal(back, &b); err != nil {
		return err
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Errorf("not the document %s prints (a field name cased differently, or a value it cannot hold): re-encoded as\n%s", typ, back)
	}
	return nil
}

// TestDecodeStrict: the golden check itself refuses unknown and
// wrongly-cased fields.
func TestDecodeStrict(t *testing.T) {
	typ := reflect.TypeOf(investigation.Case{})
	for doc, ok := range map[string]bool{
		`{"id":1,"name":"x","created_at":"t","created_by":"a"}`:           true,
		`{"id":1,"Name":"x","created_at":"t","created_by":"a"}`:           false,
		`{"id":1,"name":"x","created_at":"t","created_by":"a","extra":1}`: false,
	} {
		if err := decodeStrict([]byte(doc), typ); (err == nil) != ok {
			t.Errorf("%s: err %v, want ok=%v", doc, err, ok)
		}
	}
}
