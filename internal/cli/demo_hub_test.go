package cli

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemoShowsTheHub runs the whole demo and checks what its hub section
// shows each analyst: the owner's analyst sees the case, the partner's
// analyst gets 404 until the case is shared, can match hashes, reads the
// shared files, may not reshare, and gets 404 again once unshared. Then
// it checks the operation and referral section (checkDemoReferral) and
// the payments, platform, AI and video sections (checkDemoEvidence).
func TestDemoShowsTheHub(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo")
			out, stderr, code := run(t, db, "demo", "--dir", dir)
			if code != 0 {
				t.Fatalf("demo exit %d: %s", code, stderr)
			}
			checkDemoReferral(t, db, dir, out)
			checkDemoEvidence(t, out)
			_, hub, ok := strings.Cut(out, "== 7. The hub")
			if !ok {
				t.Fatalf("no hub section in:\n%s", out)
			}
			hub, _, _ = strings.Cut(hub, "== 8.")
			want := []string{
				`ana +GET /cases +200 +1 case\(s\): op-demo`,
				`ben +GET /cases/op-demo +404 +error not_found`,
				`ben +POST /match +200 +1 match\(es\), bank demo-known`,
				`ben +GET /cases/op-demo/files\?status=matched&limit=2 +200 +2 matched file\(s\)`,
				`ben +POST /cases/op-demo/shares +403 +error forbidden`,
			}
			for _, w := range want {
				if !regexp.MustCompile(w).MatchString(hub) {
					t.Errorf("hub section lacks %q:\n%s", w, hub)
				}
			}
			if n := len(regexp.MustCompile(`ben +GET /cases/op-demo +404`).FindAllString(hub, -1)); n != 2 {
				t.Errorf("partner's analyst got 404 on the case %d times, want 2 (before the share and after it was withdrawn):\n%s", n, hub)
			}
			if !strings.Contains(out, "chain intact") {
				t.Errorf("audit chain not intact:\n%s", out)
			}
		})
	}
}

// checkDemoReferral checks the demo's section 8: the top suspect went
// through the operation's statuses to referred, and the package it wrote
// verifies with `vibora referral verify` and holds that suspect.
func checkDemoReferral(t *testing.T, db, dir, out string) {
	t.Helper()
	_, sec, ok := strings.Cut(out, "== 8. Across borders")
	if !ok {
		t.Fatalf("no operation section in:\n%s", out)
	}
	sec, _, _ = strings.Cut(sec, "== 9. Payments")
	for _, w := range []string{
		`Rowan Example \(P1\): identified, attributed to US, deconflicted, referred`,
		`referral VIB-DEMO-US-\d{8} to US: 1 suspect\(s\), 3 media hash record\(s\)`,
		`verified by the recipient`,
		`operation report: 1 suspect\(s\); referred 1`,
	} {
		if !regexp.MustCompile(w).MatchString(sec) {
			t.Errorf("operation section lacks %q:\n%s", w, sec)
		}
	}
	pkgs, err := filepath.Glob(filepath.Join(dir, "referrals", "VIB-DEMO-US-*"))
	if err != nil || len(pkgs) != 1 {
		t.Fatalf("referral packages in %s: %v %v, want one", dir, pkgs, err)
	}
	vout, verr, code := run(t, db, "--json", "referral", "verify", pkgs[0])
	if code != 0 {
		t.Fatalf("referral verify exit %d: %s %s", code, vout, verr)
	}
	var v struct {
		Country string `json:"country"`
		Sender  string `json:"sender"`
		Counts  struct {
			Suspects int `json:"suspects"`
			Media    int `json:"media"`
		} `json:"counts"`
	}
	if err := json.Unmarshal([]byte(vout), &v); err != nil {
		t.Fatalf("referral verify --json: %v:\n%s", err, vout)
	}
	if v.Country != "US" || v.Sender != "NL-DEMO" || v.Counts.Suspects != 1 || v.Counts.Media != 3 {
		t.Errorf("referral verify: %+v, want US from NL-DEMO with 1 suspect and 3 media records", v)
	}
}
