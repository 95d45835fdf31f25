// Package vibora_test checks the architecture rules of docs/architecture.md
// by reading the source: leaf packages stay pure, and the command line
// never reaches the store except through internal/investigation.
package vibora_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vibora-project/vibora/"

// leaves are the pure packages (and everything under them).
var leaves = []string{
	"internal/access", "internal/audit", "internal/hashing", "internal/hashset", "internal/matchindex",
	"internal/evidence/source", "internal/auth/secret", "internal/identifier", "internal/chatexport", "internal/stealerlog", "internal/display", "internal/lineend", "internal/operation", "internal/video", "internal/deconflict", "internal/payment",
}

// forbidden imports for leaf packages, with the exceptions that need them.
var forbidden = map[string][]string{
	module + "internal/store":         nil,
	module + "internal/investigation": nil,
	module + "internal/cli":           nil,
	"github.com/spf13/cobra":          nil,
	"net/http":                        nil,
	"database/sql":                    {"internal/hashset/nsrl"}, // reads NSRL's own SQLite file
}

func TestLeafPackagesArePure(t *testing.T) {
	for _, leaf := range leaves {
		if _, err := os.Stat(leaf); err != nil {
			continue
		}
		filepath.WalkDir(leaf, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "testdata") {
				return nil
			}
			for _, imp := range imports(t, path) {
				allowed, bad := forbidden[imp]
				if !bad {
					continue
				}
				ok := false
				for _, a := range allowed {
					if strings.HasPrefix(filepath.ToSlash(path), a+"/") {
						ok = true
					}
				}
				if !ok {
					t.Errorf("%s imports %s: leaf packages must stay pure (docs/architecture.md)", path, imp)
				}
			}
			return nil
		})
	}
}

func TestCLIWritesOnlyThroughInvestigation(t *testing.T) {
	files, _ := filepath.Glob("internal/cli/*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"InTx(", "*store.Tx", ".SQL()"} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s uses %s: commands must change the store through internal/investigation", f, s)
			}
		}
	}
}

// TestCLIDoesNotReachTheStore: the command line reads and changes data only
// through internal/investigation, which checks access; it never imports the
// store.
func TestCLIDoesNotReachTheStore(t *testing.T) {
	files, _ := filepath.Glob("internal/cli/*.go")
	if len(files) == 0 {
		t.Fatal("no files in internal/cli")
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		for _, imp := range imports(t, f) {
			if imp == module+"internal/store" || strings.HasPrefix(imp, module+"internal/store/") {
				t.Errorf("%s imports %s: commands go through internal/investigation (docs/architecture.md)", f, imp)
			}
		}
	}
}

func imports(t *testing.T, path string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		out = append(out, p)
	}
	return out
}

// TestAPIGoesThroughInvestigation: the REST API's and the UI's handlers
// reach the data only through internal/investigation, never the store.
func TestAPIGoesThroughInvestigation(t *testing.T) {
	files, _ := filepath.Glob("internal/api/*.go")
	web, _ := filepath.Glob("internal/web/*.go")
	files = append(files, web...)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		for _, imp := range imports(t, f) {
			if strings.HasPrefix(imp, module+"internal/store") {
				t.Errorf("%s imports %s: the API changes and reads data through internal/investigation", f, imp)
			}
		}
	}
}
