package whatsapp

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// classifyAll is the plain reference for classify: every rule in order,
// no word index, no keyword prefilter.
func classifyAll(text string) (sysInfo, bool) {
	t := cleanText(text)
	if len(t) > 4096 || t == "" {
		return sysInfo{}, false
	}
	if s, ok := classify(text); ok && s.action == "encryption_notice" {
		return s, true // the notice is a prefix lookup, not a rule
	}
	for i := range vocab.rules {
		r := &vocab.rules[i]
		m := r.re.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		s := fill(r, m)
		s.locales = []int{r.locale}
		for j := i + 1; j < len(vocab.rules) && vocab.rules[j].ev.key == r.ev.key; j++ {
			if o := &vocab.rules[j]; !slices.Contains(s.locales, o.locale) && o.re.MatchString(t) {
				s.locales = append(s.locales, o.locale)
			}
		}
		return s, true
	}
	return sysInfo{}, false
}

// TestClassifyIndex checks that the word index picks the same rule as
// trying every rule, on every line of every fixture, each line also
// without its header and sender.
func TestClassifyIndex(t *testing.T) {
	for _, l := range fixtureLines(t) {
		got, gok := classify(l)
		want, wok := classifyAll(l)
		if gok != wok || !reflect.DeepEqual(got, want) {
			t.Errorf("classify(%q) = %+v %v, reference %+v %v", l, got, gok, want, wok)
		}
	}
}

// FuzzClassify compares classify with the reference on any text.
func FuzzClassify(f *testing.F) {
	for _, l := range fixtureLines(f) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, l string) {
		got, gok := classify(l)
		want, wok := classifyAll(l)
		if gok != wok || !reflect.DeepEqual(got, want) {
			t.Errorf("classify(%q) = %+v %v, reference %+v %v", l, got, gok, want, wok)
		}
	})
}

func fixtureLines(t testing.TB) []string {
	t.Helper()
	seen := map[string]bool{}
	var lines []string
	add := func(l string) {
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	for _, glob := range []string{"testdata/locales/*.txt", "testdata/variants/*.txt", "testdata/*/*.txt", "testdata/*/*/*.txt"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(string(b), "\n") {
				add(l)
				if _, rest, ok := strings.Cut(l, " - "); ok {
					add(rest)
				}
				if _, rest, ok := strings.Cut(l, "] "); ok {
					add(rest)
					if _, body, ok := strings.Cut(rest, ": "); ok {
						add(body)
					}
				}
			}
		}
	}
	if len(lines) < 500 {
		t.Fatalf("only %d fixture lines", len(lines))
	}
	return lines
}
