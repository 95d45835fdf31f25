package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/operation"
)

// The demo operation and its partner in the suspect's country.
const (
	demoOperation = "DEMO"
	demoUS        = "US-DEMO"
	demoKey       = "demo-signing"
)

// demoAcrossBorders shows the work between countries on the demo store:
// the case joins an operation with two partner agencies, the top suspect
// is identified and attributed to a country, and a signed referral
// package for that country is built into DIR/referrals and verified, as
// `vibora operation` and `vibora referral` do (docs/operations.md,
// docs/referral.md). It writes nothing outside the demo directory.
func demoAcrossBorders(ctx context.Context, w io.Writer, s *investigation.Service, dir string, people []investigation.Person) error {
	if len(people) == 0 {
		return fmt.Errorf("demo operation: the case has no suspects to refer")
	}
	top := people[0]
	if len(top.Countries) == 0 {
		return fmt.Errorf("demo operation: %s has no country to refer to", top.ID)
	}
	country := top.Countries[0].Country
	steps := []struct {
		what string
		do   func() error
	}{
		{"agency " + demoUS, func() error { _, err := s.AddAgency(ctx, demoUS, country); return err }},
		{"operation", func() error {
			_, err := s.CreateOperation(ctx, demoOperation, demoAgency, "desk@example.org")
			return err
		}},
		{"partner " + demoPartner, func() error {
			_, err := s.AddOperationPartner(ctx, demoOperation, demoPartner, "partner", "+1 202 555 0102")
			return err
		}},
		{"partner " + demoUS, func() error {
			_, err := s.AddOperationPartner(ctx, demoOperation, demoUS, "partner", "+1 202 555 0103")
			return err
		}},
		{"case", func() error { _, err := s.AddOperationCase(ctx, demoOperation, DemoCase); return err }},
		{"identified", func() error {
			return demoStatus(ctx, s, top.ID, operation.Change{Status: "identified", Why: "creator of the demo group; same phone in a stealer log"})
		}},
		{"attributed", func() error {
			return demoStatus(ctx, s, top.ID, operation.Change{Status: "attributed", Country: country, Evidence: "CHAT-01",
				Why: "phone number and stealer-log country"})
		}},
		{"deconflicted", func() error {
			return demoStatus(ctx, s, top.ID, operation.Change{Status: "deconflicted", Why: "no partner agency holds the suspect (demo)"})
		}},
		{"signing key", func() error { _, err := s.CreateKey(ctx, demoAgency, demoKey, nil); return err }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			return fmt.Errorf("demo operation: %s: %w", st.what, err)
		}
	}
	res, err := s.CreateReferral(ctx, investigation.ReferralOptions{
		Operation: demoOperation, Country: country, RecipientAgency: demoUS, Channel: "I-24/7",
		KeyAgency: demoAgency, Key: demoKey, Contact: "desk@example.org",
		LegalBasis: "Mutual legal assistance request EX-2024-017 (synthetic)",
	})
	if err != nil {
		return fmt.Errorf("demo referral: %w", err)
	}
	refDir := filepath.Join(dir, "referrals")
	if err := os.MkdirAll(refDir, 0o755); err != nil {
		return err
	}
	out, err := res.Package.WriteDir(refDir)
	if err != nil {
		return fmt.Errorf("demo referral: %w", err)
	}
	if err := demoStatus(ctx, s, top.ID, operation.Change{Status: "referred", Channel: "I-24/7", Package: res.ReferralID,
		Why: "referral package sent to " + demoUS}); err != nil {
		return fmt.Errorf("demo operation: referred: %w", err)
	}
	// The recipient trusts the sender's exported public key (its id checked
	// out of band), then verifies the package; on the demo store both
	// sides are one registry.
	pub, _, err := s.ExportKey(ctx, demoAgency, demoKey)
	if err != nil {
		return fmt.Errorf("demo referral: export key: %w", err)
	}
	if _, err := s.TrustKey(ctx, pub, time.Time{}); err != nil {
		return fmt.Errorf("demo referral: trust key: %w", err)
	}
	verdict := "verified by the recipient: signature, manifests and contents hold"
	if _, err := s.VerifyReferral(ctx, res.Package); err != nil {
		verdict = "NOT verified: " + err.Error()
	}
	rep, err := s.OperationReport(ctx, demoOperation, "")
	if err != nil {
		return fmt.Errorf("demo operation report: %w", err)
	}
	l := newLines(w)
	l.Printf("operation %s led by %s with partners %s and %s; case %s\n", demoOperation, demoAgency, demoPartner, demoUS, DemoCase)
	l.Printf("%s (%s): identified, attributed to %s, deconflicted, referred through I-24/7\n", top.Name, top.ID, country)
	l.Printf("referral %s to %s: %d suspect(s), %d media hash record(s), signed by key %s\n", res.ReferralID, country, res.Suspects, res.Media, res.KeyID)
	l.Printf("  package %s\n  %s\n", out, verdict)
	var funnel []string
	for _, st := range rep.Statuses {
		if st.Count > 0 {
			funnel = append(funnel, fmt.Sprintf("%s %d", st.Status, st.Count))
		}
	}
	l.Printf("operation report: %d suspect(s); %s\n", rep.Totals.Suspects, strings.Join(funnel, ", "))
	return nil
}

func demoStatus(ctx context.Context, s *investigation.Service, person string, c operation.Change) error {
	_, err := s.SetSuspectStatus(ctx, demoOperation, investigation.SuspectKey(DemoCase, person), investigation.StatusRequest{Change: c})
	return err
}
