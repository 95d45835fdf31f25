package web

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// vendoredFile is one file line of static/vendor/VERSIONS.
type vendoredFile struct {
	name, sha256, pkg string
}

// parseVendorVersions parses static/vendor/VERSIONS as scripts/vendor-ui.sh
// writes it: "package NAME VERSION LICENCE INTEGRITY" lines, each followed by
// the "file NAME SHA256" lines of that package.
func parseVendorVersions(data []byte) ([]vendoredFile, error) {
	integrity := regexp.MustCompile(`^sha512-[A-Za-z0-9+/]{86}==$`)
	hexSum := regexp.MustCompile(`^[0-9a-f]{64}$`)
	var files []vendoredFile
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 5 && f[0] == "package":
			if !integrity.MatchString(f[4]) {
				return nil, fmt.Errorf("line %d: %s: integrity %q is not a SHA-512 SRI string", n, f[1], f[4])
			}
			pkg = f[1] + "@" + f[2]
		case len(f) == 3 && f[0] == "file":
			if pkg == "" {
				return nil, fmt.Errorf("line %d: file %s before any package line", n, f[1])
			}
			if !hexSum.MatchString(f[2]) || f[1] != filepath.Base(f[1]) || strings.HasPrefix(f[1], ".") {
				return nil, fmt.Errorf("line %d: malformed file line %q", n, line)
			}
			files = append(files, vendoredFile{name: f[1], sha256: f[2], pkg: pkg})
		default:
			return nil, fmt.Errorf("line %d: unexpected %q", n, line)
		}
	}
	return files, sc.Err()
}

// TestVendoredAssets checks every vendored browser file against the SHA-256
// that scripts/vendor-ui.sh recorded, and that no file is there unlisted.
func TestVendoredAssets(t *testing.T) {
	dir := filepath.Join("static", "vendor")
	data, err := os.ReadFile(filepath.Join(dir, "VERSIONS"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := parseVendorVersions(data)
	if err != nil {
		t.Fatalf("VERSIONS %v", err)
	}
	if len(files) == 0 {
		t.Fatal("VERSIONS lists no file")
	}
	listed := map[string]bool{"VERSIONS": true}
	for _, f := range files {
		if listed[f.name] {
			t.Errorf("%s listed twice", f.name)
		}
		listed[f.name] = true
		body, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			t.Errorf("%s (%s): %v", f.name, f.pkg, err)
			continue
		}
		sum := sha256.Sum256(body)
		if got := hex.EncodeToString(sum[:]); got != f.sha256 {
			t.Errorf("%s (%s): SHA-256 %s, VERSIONS says %s (edited by hand? rerun scripts/vendor-ui.sh)", f.name, f.pkg, got, f.sha256)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			t.Errorf("%s is in static/vendor but not in VERSIONS", e.Name())
		}
	}
	for _, want := range []string{"htmx.min.js", "cytoscape.min.js", "cytoscape-fcose.js", "cose-base.js", "layout-base.js", "echarts.common.min.js"} {
		if !listed[want] {
			t.Errorf("%s not vendored", want)
		}
	}
}

// TestParseVendorVersions shows the parser refuses what the script never
// writes (a missing package line, a weaker digest, a path outside vendor/).
func TestParseVendorVersions(t *testing.T) {
	pkgLine := "package x 1.0.0 MIT sha512-" + strings.Repeat("A", 86) + "==\n"
	fileLine := "file a.js " + strings.Repeat("0", 64) + "\n"
	got, err := parseVendorVersions([]byte("# comment\n" + pkgLine + fileLine))
	if err != nil || len(got) != 1 || got[0] != (vendoredFile{name: "a.js", sha256: strings.Repeat("0", 64), pkg: "x@1.0.0"}) {
		t.Fatalf("well-formed VERSIONS: %+v, %v", got, err)
	}
	for _, bad := range []string{
		fileLine,
		"package x 1.0.0 MIT sha256-abc\n",
		pkgLine + "file ../a.js " + strings.Repeat("0", 64) + "\n",
		pkgLine + "file a.js ABC\n",
		"something else\n",
	} {
		if _, err := parseVendorVersions([]byte(bad)); err == nil {
			t.Errorf("VERSIONS %q accepted", bad)
		}
	}
}
