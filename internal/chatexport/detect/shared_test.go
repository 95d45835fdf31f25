package detect

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// sharedFixtures is /work/shared/testdata/fixtures seen from this package.
const sharedFixtures = "../../../../shared/testdata/fixtures"

// TestFixtureCopies checks that the parser packages' copies of the shared
// fixtures have not drifted from the originals.
func TestFixtureCopies(t *testing.T) {
	if _, err := os.Stat(sharedFixtures); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared fixtures missing in CI: %v", err)
		}
		t.Skipf("shared fixtures not present at %s", sharedFixtures)
	}
	pairs := map[string]string{
		"telegram/ChatExport_2024-01-20/result.json":                          "../telegram/testdata/ChatExport_2024-01-20/result.json",
		"telegram/edge_cases/result_invalid_x_escape.json":                    "../telegram/testdata/edge_cases/result_invalid_x_escape.json",
		"telegram/edge_cases/result_legacy_pre_2021.json":                     "../telegram/testdata/edge_cases/result_legacy_pre_2021.json",
		"whatsapp/android_en_US/WhatsApp Chat with Example Trading Group.txt": "../whatsapp/testdata/android_en_US/WhatsApp Chat with Example Trading Group.txt",
		"discord/Example Guild - General - trading [100000000000000010].json": "../discord/testdata/Example Guild - General - trading [100000000000000010].json",
	}
	for shared, copy := range pairs {
		a, err := os.ReadFile(filepath.Join(sharedFixtures, shared))
		if err != nil {
			t.Errorf("%s: %v", shared, err)
			continue
		}
		b, err := os.ReadFile(copy)
		if err != nil {
			t.Errorf("%s: %v", copy, err)
			continue
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the shared fixture %s", copy, shared)
		}
	}
}
