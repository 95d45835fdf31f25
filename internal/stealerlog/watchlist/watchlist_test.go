package watchlist

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestFixture(t *testing.T) {
	f, err := os.Open("testdata/watchlist_domains.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := Parse(f, "watchlist_domains.txt")
	if err != nil {
		t.Fatal(err)
	}
	if w.Len() != 3 {
		t.Fatalf("Len = %d, want 3", w.Len())
	}
	e, ok := w.Match("", "http://mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion/login")
	if !ok || !e.Onion || e.Line != 4 {
		t.Fatalf("onion: %+v %v", e, ok)
	}
}

func TestMatch(t *testing.T) {
	w, err := New(
		"example.org",
		"https://www.Forum.Example.NET:8443/",
		"example.com/board/*",
		"example.com/wiki # only the wiki",
		"shop.example.com",
		"*.example.info",
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host, url string
		want      string // pattern, "" for no match
	}{
		{"example.org", "", "example.org"},
		{"a.b.EXAMPLE.org.", "", "example.org"},
		{"", "https://login.example.org:443/x", "example.org"},
		{"notexample.org", "", ""},
		{"example.org.evil.example.net", "", ""},
		{"forum.example.net", "", "forum.example.net"},
		{"www.forum.example.net", "", "forum.example.net"},
		{"example.net", "", ""},
		{"", "https://example.com/board/view?id=1", "example.com/board/*"},
		{"", "https://example.com/boards", ""},
		{"", "https://example.com/wiki", "example.com/wiki"},
		{"", "https://example.com/wiki/Page", "example.com/wiki"},
		{"", "https://example.com/wikis", ""},
		{"example.com", "", ""},
		{"", "https://x.shop.example.com/anything", "shop.example.com"},
		{".example.info", "", "example.info"},
		{"#HttpOnly_.example.info", "", "example.info"},
		{"", "", ""},
	}
	for _, tt := range tests {
		e, ok := w.Match(tt.host, tt.url)
		if got := map[bool]string{true: e.Pattern}[ok]; got != tt.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tt.host, tt.url, got, tt.want)
		}
	}
	if e, _ := w.Match("", "https://example.com/wiki"); e.Comment != "only the wiki" {
		t.Errorf("comment = %q", e.Comment)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"exa mple.org",
		"abc.onion",
		"example..org",
		"://",
		strings.Repeat("a", 5000) + ".org",
	} {
		_, err := Parse(strings.NewReader("# c\n\n"+in+"\n"), "wl.txt")
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "line 3") {
			t.Errorf("Parse(%q) err = %v", in, err)
		}
	}
}

func TestIDNAndDuplicates(t *testing.T) {
	w, err := Parse(strings.NewReader("\xef\xbb\xbfbücher.example\nxn--bcher-kva.example\r\nexample.org\nEXAMPLE.org\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if w.Len() != 2 || w.Duplicates() != 2 {
		t.Fatalf("Len %d dup %d", w.Len(), w.Duplicates())
	}
	if _, ok := w.Match("www.xn--bcher-kva.example", ""); !ok {
		t.Fatal("punycode host not matched")
	}
}

func TestGlob(t *testing.T) {
	for _, tt := range []struct {
		p, s string
		ok   bool
	}{
		{"/a/*", "/a/b/c", true},
		{"/a/*", "/a", false},
		{"/a*/x", "/abc/x", true},
		{"/*/x*", "/q/xyz?1", true},
		{"/*/x", "/q/y", false},
	} {
		if got := glob(tt.p, []byte(tt.s)); got != tt.ok {
			t.Errorf("glob(%q,%q)=%v", tt.p, tt.s, got)
		}
	}
}

func FuzzWatchlist(f *testing.F) {
	f.Add("example.org\n# c\nexample.com/a/* # x\n", "https://sub.example.com/a/b")
	f.Add("mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion\n", "http://mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion/")
	f.Add("[2001:db8::1]:80/x\n", "http://[2001:db8::1]/x")
	f.Add("example.org\nb.example.org\norg\n", "https://a.B.example.org.")
	f.Add("a.b.c.d.example.net\n", "c.d.example.net")
	f.Fuzz(func(t *testing.T, list, url string) {
		w, err := Parse(strings.NewReader(list), "fuzz")
		if err != nil {
			return
		}
		for _, e := range w.Entries() {
			if _, ok := w.Match(e.Domain, ""); e.Path == "" && !ok {
				t.Fatalf("entry %q does not match its own domain", e.Pattern)
			}
		}
		e, ok := w.Match("", url)
		// Reference: the longest domain entry that is the host or a
		// parent of it (only when the list has no path entries).
		host, _ := SplitURL(url)
		host = strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(host), "."), ".")
		best := ""
		for _, x := range w.Entries() {
			if x.Path != "" {
				return
			}
			if (host == x.Domain || strings.HasSuffix(host, "."+x.Domain)) && len(x.Domain) > len(best) {
				best = x.Domain
			}
		}
		if len(host) > 256 || strings.Contains(host, "..") {
			return
		}
		if got := map[bool]string{true: e.Domain}[ok]; got != best {
			t.Fatalf("Match(%q) = %q, reference %q", url, got, best)
		}
	})
}

func BenchmarkMatchBytes(b *testing.B) {
	var entries []string
	for i := 0; i < 10000; i++ {
		entries = append(entries, "site"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+".example.org")
	}
	w, _ := New(entries...)
	host := []byte("www.login.sitexxc.example.com")
	b.ReportAllocs()
	for b.Loop() {
		w.MatchBytes(host, nil)
	}
}

// TestLoneCRLineEnds: a watchlist with lone CR line ends has one entry a
// line, not one giant line.
func TestLoneCRLineEnds(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		in := strings.Join([]string{"# synthetic", "example.org", "forum.example.net", "shop.example.com"}, eol) + eol
		w, err := Parse(strings.NewReader(in), "w")
		if err != nil || w.Len() != 3 {
			t.Fatalf("%q: %v, %d entries", eol, err, w.Len())
		}
		if e, ok := w.Match("", "https://shop.example.com/x"); !ok || e.Line != 4 {
			t.Errorf("%q: %+v %v", eol, e, ok)
		}
	}
}
