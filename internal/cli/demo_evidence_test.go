package cli

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// demoSection returns the text of the demo's section that starts with
// title, up to the next section.
func demoSection(t *testing.T, out, title string) string {
	t.Helper()
	_, sec, ok := strings.Cut(out, "== "+title)
	if !ok {
		t.Fatalf("no section %q in:\n%s", title, out)
	}
	sec, _, _ = strings.Cut(sec, "\n== ")
	return sec
}

// checkDemoEvidence checks the key figures of the demo's sections 9 to
// 12: the payments found in the seller's group with the one cross-border
// payee flagged, the seized platform's import, ranking, country summary
// and the two users joined to chat members, the AI verdicts, model file
// and producer groups (and no prompt printed), and the vPDQ match of the
// re-encoded video (or, without ffmpeg, the reason the section skipped).
func checkDemoEvidence(t *testing.T, out string) {
	t.Helper()
	check := func(title string, want ...string) {
		t.Helper()
		sec := demoSection(t, out, title)
		for _, w := range want {
			if !regexp.MustCompile(w).MatchString(sec) {
				t.Errorf("section %q lacks %q:\n%s", title, w, sec)
			}
		}
	}
	check("9. Payments",
		`6 messages, 3 payment event\(s\) found`,
		`Rowan Example \(P1\) \[US\] +Casey Placeholder \(P5\) iban:GB82WEST12345698765432 \[GB\] +150 EUR +iban .* safeguard: GB payee`,
		`Rowan Example \(P1\) \[US\] +cashapp:caseyplace \[US\] +40 USD +cashapp`,
		`Sky Sample \(P4\) \[NL\] +btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 +0.0015 BTC`,
		`3 payment event\(s\), 1 cross-border payee\(s\) flagged to safeguard`,
		`payee in GB \(United Kingdom\) paid from US \(United States\): possible victim to safeguard`)
	check("10. A seized platform",
		`16 row\(s\) read, 5 user\(s\); 1 file row\(s\) a bank knows, 1 no bank knows; 1 payment\(s\)`,
		`not mapped: table sessions \(2 row\(s\)\)`,
		`(?m)^9\.0 +examplevid +1 +vid_admin +admin`,
		`(?m)^7\.0 +examplevid +13 +skys +uploader +NL +1 +1 .*possible new material`,
		`(?m)^NL +2 +1 +0 +0$`, `(?m)^BR +1 +0 +1 +0$`, `(?m)^DE +1 +0 +0 +1$`, `(?m)^US +1 +0 +0 +0$`,
		`joined: Rowan Example \(P1\) is rowan_x on examplevid \(#12\) through phone:\+12025550171`,
		`joined: Sky Sample \(P4\) is skys on examplevid \(#13\) through email:sky.sample@example.org`,
		`2 platform user\(s\) joined`)
	check("11. AI-generated",
		`exhibit PC-02: 5 files; 3 AI-generated \(generator metadata\), 1 probably AI .*, 1 model file\(s\), 2 producer group\(s\)`,
		`PC-02/Downloads/lighthouse.jpg +unknown +probably_ai +like file \d+ \(PDQ \d+\)`,
		`PC-02/models/loras/lighthouseStyle.safetensors +safetensors .* lighthouseStyle +3 image\(s\)`,
		`producer 1: score [0-9.]+, 2 file\(s\) on PC-02`,
		`seed series 1001..1002`,
		`PC-02 attributed to Rowan Example \(P1; vibora exhibit owner set\): score [0-9.]+ -> [0-9.]+`,
		`\+5\.0 shared or holds 1 LoRA\(s\) with training metadata, evidence of the training data \(PC-02/models/loras/lighthouseStyle\.safetensors on exhibit PC-02\)`)
	if strings.Contains(out, "lighthouse at dusk") || strings.Contains(out, "paper boat") {
		t.Errorf("the demo printed a prompt (evidence text, --json only):\n%s", demoSection(t, out, "11. AI-generated"))
	}
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		check("12. Video",
			`bank demo-video: 1 video hash list\(s\) \(vpdq\); exhibit DVR-01: 2 files`,
			`DVR-01/Movies/clip_0001.mp4 +mpeg4 240x180 4.0s +matched +bank demo-video by vPDQ \(q% 100 c% 100\)`,
			`DVR-01/Movies/holiday.mp4 +mpeg4 160x120 3.0s +unknown`,
			`1 video\(s\) matched a known video by vPDQ`)
	} else {
		check("12. Video", `skipped: .*ffmpeg`)
	}
}

// TestDemoVideoSkipsWithoutFFmpeg: with no ffmpeg on PATH the video
// section says it skipped and why, touches nothing, and succeeds; the
// whole demo then still exits 0 with every other section.
func TestDemoVideoSkipsWithoutFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var b bytes.Buffer
	if err := demoVideo(context.Background(), &b, nil, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "skipped: ffmpeg not found") || !strings.Contains(b.String(), "install ffmpeg") {
		t.Fatalf("skip message: %q", b.String())
	}
	dir := filepath.Join(t.TempDir(), "demo")
	out, stderr, code := run(t, filepath.Join(t.TempDir(), "v.db"), "demo", "--dir", dir)
	if code != 0 {
		t.Fatalf("demo without ffmpeg: exit %d: %s", code, stderr)
	}
	checkDemoEvidence(t, out)
	if !strings.Contains(out, "chain intact") {
		t.Errorf("audit chain not intact:\n%s", out)
	}
}
