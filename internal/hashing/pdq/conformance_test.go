package pdq

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// refDir is the shared reference set (ThreatExchange pdq/data images and
// generated images, with hashes from Meta's C++ pdq-photo-hasher).
const refDir = "../../../../shared/testdata/pdq"

type refCase struct {
	file    string // path
	name    string
	hash    Hash
	quality int
}

func loadRef(t testing.TB) []refCase {
	t.Helper()
	if _, err := os.Stat(refDir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("reference data %s missing: %v", refDir, err)
		}
		t.Skipf("reference data %s not present; set CI to make this fatal", refDir)
	}
	var out []refCase
	for _, set := range []struct{ csv, dir string }{
		{"expected-cpp.csv", "images"},
		{"expected-cpp-synthetic.csv", "synthetic"},
	} {
		f, err := os.Open(filepath.Join(refDir, set.csv))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", set.csv, err)
		}
		for i, r := range recs {
			if i == 0 {
				continue
			}
			h, err := ParseHex(r[0])
			if err != nil {
				t.Fatalf("%s line %d: %v", set.csv, i+1, err)
			}
			q, err := strconv.Atoi(r[1])
			if err != nil {
				t.Fatalf("%s line %d: %v", set.csv, i+1, err)
			}
			out = append(out, refCase{file: filepath.Join(refDir, set.dir, r[2]), name: r[2], hash: h, quality: q})
		}
	}
	return out
}

func hashFile(t testing.TB, path string, opt Options) Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := FromReader(f, opt)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res
}

// TestConformance checks every reference image: bit-exact hash and
// quality for PNGs and for images of 512x512 or less; for larger JPEGs,
// the fast luma-only path within the agreement target (mean <= 1 bit, <= 4
// bits at reference quality >= 50) and the ExactJPEG path bit-exact.
func TestConformance(t *testing.T) {
	for _, exact := range []bool{false, true} {
		name := "fast"
		if exact {
			name = "exactjpeg"
		}
		t.Run(name, func(t *testing.T) {
			cases := loadRef(t)
			var sum, n, maxD, maxD50 int
			for _, c := range cases {
				res := hashFile(t, c.file, Options{ExactJPEG: exact})
				d := Distance(res.Hash, c.hash)
				small := res.Width <= 512 && res.Height <= 512
				isJPEG := strings.HasSuffix(c.name, ".jpg")
				if !isJPEG || small {
					if d != 0 || res.Quality != c.quality {
						t.Errorf("%s (%dx%d): got %s q%d, want %s q%d (distance %d)",
							c.name, res.Width, res.Height, res.Hash, res.Quality, c.hash, c.quality, d)
					}
				}
				if isJPEG && exact && d != 0 {
					// The libjpeg-exact path reproduces the reference on
					// every JPEG of the set.
					t.Errorf("%s: exact path %d bits from the reference", c.name, d)
				}
				if isJPEG {
					t.Logf("%-26s %4dx%-4d q%3d distance %2d", c.name, res.Width, res.Height, c.quality, d)
					sum += d
					n++
					maxD = max(maxD, d)
					if c.quality >= 50 {
						maxD50 = max(maxD50, d)
						if d > 4 {
							t.Errorf("%s: distance %d to the reference, want <= 4", c.name, d)
						}
					}
				}
			}
			mean := float64(sum) / float64(n)
			t.Logf("JPEG: %d images, mean distance %.3f, max %d, max at quality>=50 %d", n, mean, maxD, maxD50)
			if mean > 1 {
				t.Errorf("mean JPEG distance %.3f, want <= 1", mean)
			}
		})
	}
}
