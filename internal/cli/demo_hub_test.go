package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemoShowsTheHub runs the whole demo and checks what its hub section
// shows each analyst: the owner's analyst sees the case, the partner's
// analyst gets 404 until the case is shared, can match hashes, reads the
// shared files, may not reshare, and gets 404 again once unshared.
func TestDemoShowsTheHub(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			out, stderr, code := run(t, db, "demo", "--dir", filepath.Join(t.TempDir(), "demo"))
			if code != 0 {
				t.Fatalf("demo exit %d: %s", code, stderr)
			}
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
