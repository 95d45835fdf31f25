package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

// TestReferralCommands runs the referral round trip through the command
// line: a sender store with the demo case, a recipient store, keys
// exchanged as files, the package verified, refused when changed,
// imported and acknowledged.
func TestReferralCommands(t *testing.T) {
	dir := t.TempDir()
	sender := filepath.Join(dir, "sender.db")
	recipient := filepath.Join(dir, "recipient.db")
	if _, e, code := run(t, sender, "demo", "--dir", filepath.Join(dir, "demo")); code != 0 {
		t.Fatalf("demo: %d %s", code, e)
	}
	if _, e, code := runIn(t, sender, "synthetic passphrase one\n", "key", "create", "referrals", "--agency", "ES-TEST", "--passphrase-stdin"); code != 0 {
		t.Fatalf("key create: %d %s", code, e)
	}
	if _, e, code := run(t, recipient, "key", "create", "acks", "--agency", "US-TEST"); code != 0 {
		t.Fatalf("key create: %d %s", code, e)
	}
	out, _, _ := run(t, sender, "--json", "key", "list")
	if !strings.Contains(out, `"sealed":true`) || strings.Contains(out, "private") {
		t.Fatalf("key list: %s", out)
	}
	senderPub, recipientPub := filepath.Join(dir, "es.pub"), filepath.Join(dir, "us.pub")
	if _, e, code := run(t, sender, "key", "export", "referrals", "--out", senderPub); code != 0 {
		t.Fatalf("key export: %d %s", code, e)
	}
	if _, e, code := run(t, recipient, "key", "export", "acks", "--out", recipientPub); code != 0 {
		t.Fatalf("key export: %d %s", code, e)
	}

	pkgDir := filepath.Join(dir, "out")
	args := []string{"--json", "referral", "create", "--case", "op-demo", "--country", "US", "--key", "referrals", "--out", pkgDir,
		"--legal-basis", "synthetic MLA request 1", "--handling", "H3", "--h3-text", "no contact with the platform", "--action", "identify", "--action", "search",
		"--as-of", "2030-01-01T00:00:00Z", "--passphrase-stdin"}
	if _, e, code := run(t, sender, args[:len(args)-1]...); code != ExitUsage || !strings.Contains(e, "passphrase") {
		t.Fatalf("sealed key without passphrase: %d %s", code, e)
	}
	out, e, code := runIn(t, sender, "synthetic passphrase one\n", args...)
	if code != 0 {
		t.Fatalf("referral create: %d %s", code, e)
	}
	var created struct {
		ReferralID string `json:"referral_id"`
		Suspects   int    `json:"suspects"`
		Archive    string `json:"archive"`
		Dir        string `json:"dir"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.Suspects == 0 || created.Dir == "" {
		t.Fatalf("referral create: %s %v", out, err)
	}

	// Untrusted, then trusted.
	if _, e, code := run(t, recipient, "referral", "verify", created.Archive); code != ExitFailure || !strings.Contains(e, "untrusted-key") {
		t.Fatalf("verify before trust: %d %s", code, e)
	}
	if _, e, code := run(t, recipient, "key", "trust", senderPub); code != 0 {
		t.Fatalf("key trust: %d %s", code, e)
	}
	for _, p := range []string{created.Archive, created.Dir} {
		if out, e, code := run(t, recipient, "referral", "verify", p); code != 0 || !strings.Contains(out, "verified "+created.ReferralID) {
			t.Fatalf("verify %s: %d %s %s", p, code, out, e)
		}
	}
	// A changed file, an extra file: refused, each named.
	report := filepath.Join(created.Dir, "data", "report", "referral-report.html")
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(report, append(b, ' '), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(created.Dir, "data", "extra.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, e, code := run(t, recipient, "referral", "verify", created.Dir); code != ExitFailure || !strings.Contains(e, "manifest: data/report/referral-report.html") || !strings.Contains(e, "extra-file: data/extra.txt") {
		t.Fatalf("changed package: %d %s", code, e)
	}
	// A truncated archive.
	tb, err := os.ReadFile(created.Archive)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.tar")
	if err := os.WriteFile(cut, tb[:len(tb)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, e, code := run(t, recipient, "referral", "verify", cut); code != ExitFailure || !strings.Contains(e, "archive: truncated") {
		t.Fatalf("truncated archive: %d %s", code, e)
	}

	// An encrypted copy, for the recipient's age identity only.
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	idFile := filepath.Join(dir, "us.age")
	if err := os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	encOut := filepath.Join(dir, "enc")
	out, e, code = runIn(t, sender, "synthetic passphrase one\n", "--json", "referral", "create", "--case", "op-demo", "--country", "US", "--key", "referrals", "--out", encOut,
		"--legal-basis", "synthetic MLA request 1", "--passphrase-stdin", "--recipient", id.Recipient().String())
	if code != 0 || !strings.Contains(out, `"encrypted":true`) {
		t.Fatalf("encrypted create: %d %s %s", code, out, e)
	}
	var enc struct{ Archive string }
	json.Unmarshal([]byte(out), &enc)
	if _, e, code := run(t, recipient, "referral", "verify", enc.Archive); code != ExitFailure || !strings.Contains(e, "encrypted") {
		t.Fatalf("encrypted without identity: %d %s", code, e)
	}

	// Import, acknowledge, import the acknowledgement.
	if out, e, code := run(t, recipient, "referral", "import", enc.Archive, "--identity", idFile, "--case", "received"); code != 0 || !strings.Contains(out, "case received") {
		t.Fatalf("import: %d %s %s", code, out, e)
	}
	ackFile := filepath.Join(dir, "ack.json")
	if out, e, code := run(t, recipient, "referral", "ack", created.Archive, "--status", "action", "--key", "acks", "--out", ackFile); code != 0 {
		t.Fatalf("ack: %d %s %s", code, out, e)
	}
	if _, e, code := run(t, sender, "referral", "ack-import", ackFile); code != ExitFailure || !strings.Contains(e, "untrusted-key") {
		t.Fatalf("ack from an untrusted key: %d %s", code, e)
	}
	if _, e, code := run(t, sender, "key", "trust", recipientPub, "--until", "2099-01-01"); code != 0 {
		t.Fatalf("trust: %d %s", code, e)
	}
	if out, e, code := run(t, sender, "referral", "ack-import", ackFile); code != 0 || !strings.Contains(out, "acknowledgement of "+created.ReferralID+" by US-TEST: action") {
		t.Fatalf("ack-import: %d %s %s", code, out, e)
	}
	out, _, _ = run(t, sender, "--json", "audit", "log")
	for _, action := range []string{"key.create", "key.export", "key.trust", "referral.create", "referral.ack-import"} {
		if !strings.Contains(out, action) {
			t.Errorf("audit trail lacks %s", action)
		}
	}
}
