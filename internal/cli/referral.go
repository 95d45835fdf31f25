package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/referral"
)

func newReferralCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "referral", Short: "Signed referral packages per country: create, verify, import, acknowledge"}
	cmd.AddCommand(newReferralCreateCmd(g), newReferralVerifyCmd(g), newReferralImportCmd(g), newReferralAckCmd(g), newReferralAckImportCmd(g))
	return cmd
}

// referralCreated is the --json output of referral create.
type referralCreated struct {
	investigation.ReferralResult
	Dir       string `json:"dir,omitempty"`
	Archive   string `json:"archive"`
	Encrypted bool   `json:"encrypted"`
}

func newReferralCreateCmd(g *globals) *cobra.Command {
	var o investigation.ReferralOptions
	var out, asOf, recipient string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "create --operation OP --country CC --key NAME --out DIR",
		Short: "Build the signed package of the suspects attributed to one country",
		Long: `Build one signed BagIt package for a recipient country (docs/referral.md):
the suspects attributed to it with a score of at least --min-score, the
reasons and evidence trail behind each, their identifiers, IP events,
the messages they wrote (text only), stealer-log hits (passwords masked),
the known-material files they shared as hashes only (VICS 2.0 and CSV),
the hash sets and tool version used, the custody of the exhibits drawn
on, CASE/UCO provenance, and a human report; handling code, TLP, legal
basis, requested actions and deadline. It is signed with --key and
written under --out as the bag directory and a .tar archive, or only as
an age-encrypted .tar.age with --recipient. The same data at the same
--as-of gives the same bytes.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asOf != "" {
				t, err := parseAsOf(asOf)
				if err != nil {
					return usagef("--as-of %q: want a date (YYYY-MM-DD) or an RFC 3339 time", asOf)
				}
				o.AsOf = t
			}
			var err error
			if o.Passphrase, err = g.readPassphrase(fromStdin); err != nil {
				return err
			}
			o.ToolVersion = Version
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			res, err := s.CreateReferral(cmd.Context(), o)
			if err != nil {
				return classify(err, "'vibora key list' shows the keys; a sealed key needs --passphrase-stdin")
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			var tar bytes.Buffer
			if err := res.Package.WriteTar(&tar, res.AsOf); err != nil {
				return err
			}
			c := referralCreated{ReferralResult: res, Archive: filepath.Join(out, res.ReferralID+".tar")}
			if recipient != "" {
				var enc bytes.Buffer
				if err := referral.Encrypt(&enc, tar.Bytes(), recipient); err != nil {
					return usagef("--recipient: %v", err)
				}
				c.Archive += ".age"
				c.Encrypted = true
				if err := writeNewFile(c.Archive, enc.Bytes()); err != nil {
					return err
				}
			} else {
				if c.Dir, err = res.Package.WriteDir(out); err != nil {
					return usagef("%v", err)
				}
				if err := writeNewFile(c.Archive, tar.Bytes()); err != nil {
					return err
				}
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(c)
			}
			return newLines(g.streams.Out).Printf("referral %s for %s: %d suspects, %d identifiers, %d known files (hashes only), %d custody events\nsigned by key %s; tag manifest sha256 %s\nwritten to %s\n",
				res.ReferralID, res.Country, res.Suspects, res.Counts.Identifiers, res.Media, res.Counts.Custody, res.KeyID, res.TagManifestSHA256, c.Archive)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Operation, "operation", "", "the operation whose cases are the sources")
	f.StringSliceVar(&o.Cases, "case", nil, "a source case (repeatable; with or without --operation)")
	f.StringVar(&o.Country, "country", "", "the recipient country (ISO 3166-1 alpha-2)")
	f.StringVar(&o.Key, "key", "", "the signing key ('vibora key list')")
	f.StringVar(&o.KeyAgency, "key-agency", "", "the signing key's agency (default: yours)")
	f.BoolVar(&fromStdin, "passphrase-stdin", false, "the sealed key's passphrase on the first line of stdin")
	f.StringVar(&out, "out", "", "the directory to write the package in")
	f.StringVar(&o.RecipientAgency, "agency", "", "the recipient agency")
	f.StringVar(&o.Channel, "channel", "SIENA", "the channel: SIENA, I-24/7, bilateral, other")
	f.Float64Var(&o.MinScore, "min-score", 0, "only suspects with at least this score")
	f.StringVar(&asOf, "as-of", "", "the time the package speaks for (default now): a date or an RFC 3339 time")
	f.StringVar(&o.LegalBasis, "legal-basis", "", "the legal basis (default: the case's legal reference)")
	f.StringVar(&o.Handling, "handling", "H2", "SIENA handling code: H0, H1, H2, H3")
	f.StringVar(&o.H3Text, "h3-text", "", "the restriction of handling code H3")
	f.StringVar(&o.TLP, "tlp", "TLP:AMBER", "TLP 2.0 label: TLP:RED, TLP:AMBER+STRICT, TLP:AMBER, TLP:GREEN, TLP:CLEAR")
	f.StringSliceVar(&o.Actions, "action", nil, "a requested action (repeatable): identify, locate, preserve, investigate, search, arrest, victim-id")
	f.StringVar(&o.Deadline, "deadline", "", "deadline of the requested actions (YYYY-MM-DD)")
	f.StringVar(&o.Contact, "contact", "", "the sender's contact")
	f.StringVar(&o.Notes, "notes", "", "a note for the recipient")
	f.StringVar(&recipient, "recipient", "", "encrypt the archive to this age recipient (age1...) and write only the .tar.age")
	cmd.MarkFlagRequired("country")
	cmd.MarkFlagRequired("key")
	cmd.MarkFlagRequired("out")
	return cmd
}

// openPackage reads a package (directory, .tar, .tar.age) for a command.
func openPackage(name, identityFile string) (*referral.Package, error) {
	var ids string
	if identityFile != "" {
		b, err := readBounded(identityFile, 1<<16)
		if err != nil {
			return nil, err
		}
		ids = string(b)
	}
	return referral.Open(name, ids)
}

// referralFailure prints every verification failure and returns the exit
// 1 error naming the first; other errors pass through.
func (g *globals) referralFailure(err error) error {
	var fs referral.Failures
	if !errors.As(err, &fs) {
		return classify(err, "")
	}
	for _, f := range fs {
		fmt.Fprintf(g.streams.Err, "vibora: refused: %s\n", f.Error())
	}
	return failureError{fmt.Sprintf("package refused (%d failures; first: %s)", len(fs), fs[0].Check)}
}

// referralSummary is the --json output of referral verify.
type referralSummary struct {
	ReferralID        string          `json:"referral_id"`
	Sender            string          `json:"sender"`
	SignerKeyID       string          `json:"signer_key_id"`
	CreatedAt         string          `json:"created_at"`
	Country           string          `json:"country"`
	Handling          string          `json:"handling"`
	TLP               string          `json:"tlp"`
	Counts            referral.Counts `json:"counts"`
	TagManifestSHA256 string          `json:"tagmanifest_sha256"`
}

func newReferralVerifyCmd(g *globals) *cobra.Command {
	var identity string
	cmd := &cobra.Command{
		Use:   "verify PACKAGE",
		Short: "Verify a package: trusted signer, manifests, files, Payload-Oxum, schema (exit 1 naming each failure)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			pkg, err := openPackage(args[0], identity)
			if err != nil {
				return g.referralFailure(err)
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			v, err := s.VerifyReferral(cmd.Context(), pkg)
			if err != nil {
				return g.referralFailure(err)
			}
			r := v.Referral
			sum := referralSummary{ReferralID: r.ID, Sender: v.Signer.Agency, SignerKeyID: v.Signer.ID, CreatedAt: r.CreatedAt, Country: r.Recipient.Country,
				Handling: r.Handling.Code, TLP: r.Handling.TLP, Counts: r.Counts, TagManifestSHA256: v.TagManifestSHA256}
			if g.json {
				return newJSONLines(g.streams.Out).Write(sum)
			}
			h := r.Handling.Code
			if r.Handling.H3Text != "" {
				h += " (" + r.Handling.H3Text + ")"
			}
			return newLines(g.streams.Out).Printf("verified %s from %s (key %s) as of %s\nfor %s; handling %s; %s\n%d suspects, %d identifiers, %d IP events, %d messages, %d stealer-log hits, %d known files, %d custody events\n",
				r.ID, v.Signer.Agency, v.Signer.ID, r.CreatedAt, r.Recipient.Country, h, r.Handling.TLP,
				r.Counts.Suspects, r.Counts.Identifiers, r.Counts.IPEvents, r.Counts.Messages, r.Counts.StealerHits, r.Counts.Media, r.Counts.Custody)
		},
	}
	cmd.Flags().StringVar(&identity, "identity", "", "age identity file to decrypt a .tar.age")
	return cmd
}

func newReferralImportCmd(g *globals) *cobra.Command {
	var caseName, identity string
	cmd := &cobra.Command{
		Use:   "import PACKAGE --case NEWCASE",
		Short: "Verify a package and open a case from it (suspects, identifiers, hash list, custody)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			pkg, err := openPackage(args[0], identity)
			if err != nil {
				return g.referralFailure(err)
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			res, err := s.ImportReferral(cmd.Context(), pkg, caseName)
			if err != nil {
				return g.referralFailure(err)
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(res)
			}
			bank := ""
			if res.Bank != "" {
				bank = fmt.Sprintf("; hash list in bank %s (%d records)", res.Bank, res.BankRecords)
			}
			return newLines(g.streams.Out).Printf("case %s from %s (%s): %d suspects, %d identifiers%s\n", res.Case, res.ReferralID, res.Sender, res.Suspects, res.Identifiers, bank)
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "the new case")
	cmd.Flags().StringVar(&identity, "identity", "", "age identity file to decrypt a .tar.age")
	cmd.MarkFlagRequired("case")
	return cmd
}

func newReferralAckCmd(g *globals) *cobra.Command {
	var o investigation.AckOptions
	var identity, out string
	var perSuspect []string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "ack PACKAGE --status acknowledged|declined|action --key NAME --out FILE",
		Short: "Write a signed acknowledgement of a package (per suspect where needed)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.PerSuspect = map[string]string{}
			for _, ps := range perSuspect {
				id, st, ok := strings.Cut(ps, "=")
				if !ok {
					return usagef("--suspect %q: want S-0001=declined", ps)
				}
				o.PerSuspect[id] = st
			}
			var err error
			if o.Passphrase, err = g.readPassphrase(fromStdin); err != nil {
				return err
			}
			pkg, err := openPackage(args[0], identity)
			if err != nil {
				return g.referralFailure(err)
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			file, a, err := s.AckReferral(cmd.Context(), pkg, o)
			if err != nil {
				return g.referralFailure(err)
			}
			if err := writeNewFile(out, file); err != nil {
				return err
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(map[string]any{"ack": a, "file": out})
			}
			return newLines(g.streams.Out).Printf("acknowledgement of %s (%s, %d suspects) written to %s\n", a.ReferralID, a.Status, len(a.Suspects), out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Status, "status", "acknowledged", "acknowledged, declined or action")
	f.StringSliceVar(&perSuspect, "suspect", nil, "one suspect's status, e.g. S-0002=declined (repeatable)")
	f.StringVar(&o.Note, "note", "", "a note for the sender")
	f.StringVar(&o.Key, "key", "", "the signing key")
	f.StringVar(&o.KeyAgency, "key-agency", "", "the signing key's agency (default: yours)")
	f.BoolVar(&fromStdin, "passphrase-stdin", false, "the sealed key's passphrase on the first line of stdin")
	f.StringVar(&out, "out", "", "the acknowledgement file to write")
	f.StringVar(&identity, "identity", "", "age identity file to decrypt a .tar.age")
	cmd.MarkFlagRequired("key")
	cmd.MarkFlagRequired("out")
	return cmd
}

func newReferralAckImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "ack-import FILE",
		Short: "Verify an acknowledgement of a package you sent and move its suspects' statuses",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := readBounded(args[0], referral.MaxManifest)
			if err != nil {
				return err
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			res, err := s.ImportAck(cmd.Context(), b)
			if err != nil {
				return g.referralFailure(err)
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(res)
			}
			l := newLines(g.streams.Out)
			if err := l.Printf("acknowledgement of %s by %s: %s\n", res.ReferralID, res.Agency, res.Status); err != nil {
				return err
			}
			for _, x := range res.Suspects {
				moved := "status unchanged"
				if x.Moved != "" {
					moved = "moved to " + x.Moved
				}
				if err := l.Printf("  %s %s: %s, %s\n", x.ID, x.SourceRef, x.Status, moved); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
