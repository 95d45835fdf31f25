package ulp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
	"golang.org/x/text/encoding/unicode"
)

func TestParse(t *testing.T) {
	tests := []struct {
		line                        string
		url, host, path, login, pwd string
		sep                         byte
		err                         error
	}{
		{line: "https://watchlist-demo.example.org/login.php:alex_example:Plac3holder!",
			url: "https://watchlist-demo.example.org/login.php", host: "watchlist-demo.example.org", path: "/login.php", login: "alex_example", pwd: "Plac3holder!", sep: ':'},
		{line: "https://forum.example.net:8443/member.php:alex.example@example.com:pass:with:colons",
			url: "https://forum.example.net:8443/member.php", host: "forum.example.net", path: "/member.php", login: "alex.example@example.com", pwd: "pass:with:colons", sep: ':'},
		{line: "watchlist-demo.example.org:casey_placeholder:An0ther-Placeholder",
			url: "watchlist-demo.example.org", host: "watchlist-demo.example.org", login: "casey_placeholder", pwd: "An0ther-Placeholder", sep: ':'},
		{line: "android://cGxhY2Vob2xkZXJfYXBwX2hhc2hfdmFsdWVfMDEyMzQ1Njc4OQ==@org.example.app/:+12025550143:1234",
			url: "android://cGxhY2Vob2xkZXJfYXBwX2hhc2hfdmFsdWVfMDEyMzQ1Njc4OQ==@org.example.app/", host: "org.example.app", path: "/", login: "+12025550143", pwd: "1234", sep: ':'},
		{line: "android://ab/cd+ef==@org.example.app/:u:p",
			url: "android://ab/cd+ef==@org.example.app/", host: "org.example.app", path: "/", login: "u", pwd: "p", sep: ':'},
		{line: "https://mail.example.com/ casey.placeholder@example.com An0ther-Placeholder",
			url: "https://mail.example.com/", host: "mail.example.com", path: "/", login: "casey.placeholder@example.com", pwd: "An0ther-Placeholder", sep: ' '},
		{line: "https://shop.example.org/account|dana.test@example.org|pipe-separated",
			url: "https://shop.example.org/account", host: "shop.example.org", path: "/account", login: "dana.test@example.org", pwd: "pipe-separated", sep: '|'},
		{line: "https://shop.example.org/a:b|dana|pi|pe",
			url: "https://shop.example.org/a:b", host: "shop.example.org", path: "/a:b", login: "dana", pwd: "pi|pe", sep: '|'},
		{line: "https://shop.example.org/account;dana.test@example.org;semi;colon",
			url: "https://shop.example.org/account", host: "shop.example.org", path: "/account", login: "dana.test@example.org", pwd: "semi;colon", sep: ';'},
		{line: "\thttps://Shop.Example.ORG\tdana\t\tp w\t\r",
			url: "https://Shop.Example.ORG", host: "shop.example.org", login: "dana", pwd: "p w", sep: '\t'},
		{line: "https://u:p@example.org/x:login:",
			url: "https://u:p@example.org/x", host: "", err: ErrNoHost},
		{line: "https://example.org:8443:login:pw",
			url: "https://example.org", host: "example.org", login: "8443", pwd: "login:pw", sep: ':'},
		{line: "example.org:8443/x:login:pw",
			url: "example.org:8443/x", host: "example.org", path: "/x", login: "login", pwd: "pw", sep: ':'},
		{line: "https://example.org/:login:",
			url: "https://example.org/", host: "example.org", path: "/", login: "login", pwd: "", sep: ':'},
		{line: "https://example.org/::pw", url: "https://example.org/", host: "example.org", path: "/", err: ErrEmptyLogin},
		{line: "https://example.org/", url: "https://example.org/", host: "example.org", path: "/", err: ErrEmptyLogin},
		{line: "alex@example.org:secret", err: ErrNoHost},
		{line: "justaword:secret", err: ErrNoHost},
		{line: "", err: ErrNoHost},
	}
	for _, tt := range tests {
		r, err := Parse([]byte(tt.line))
		if !errors.Is(err, tt.err) {
			t.Errorf("Parse(%q) err = %v, want %v", tt.line, err, tt.err)
			continue
		}
		if tt.err == ErrNoHost {
			continue
		}
		want := Record{URL: tt.url, Host: tt.host, Path: tt.path, Login: tt.login, Password: tt.pwd, Sep: tt.sep, Android: strings.HasPrefix(tt.line, "android")}
		if tt.err != nil {
			want.Login, want.Password, want.Sep = r.Login, r.Password, r.Sep
		}
		if r != want {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.line, r, want)
		}
	}
}

func loadWL(t testing.TB) *watchlist.Watchlist {
	f, err := os.Open("testdata/watchlist_domains.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wl, err := watchlist.Parse(f, "watchlist_domains.txt")
	if err != nil {
		t.Fatal(err)
	}
	return wl
}

func TestScanFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/ulp_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	wl := loadWL(t)
	var hits []Hit
	st, err := Scan(context.Background(), bytes.NewReader(data), "ulp_sample.txt", wl, Options{}, func(h Hit) error {
		hits = append(hits, h)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != 8 || st.Bytes != int64(len(data)) || st.Rejected != 0 {
		t.Fatalf("stats %+v", st)
	}
	var got []string
	for _, h := range hits {
		got = append(got, fmt.Sprintf("%d %s %s %s", h.Line, h.Entry.Pattern, h.Login, h.Password))
	}
	want := []string{
		"1 watchlist-demo.example.org alex_example Plac3holder!",
		"2 forum.example.net alex.example@example.com pass:with:colons",
		"3 watchlist-demo.example.org casey_placeholder An0ther-Placeholder",
		"4 mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion alex_x Plac3holder!",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("hits:\n%s", strings.Join(got, "\n"))
	}
	if hits[1].Offset != int64(bytes.Index(data, []byte("https://forum"))) {
		t.Errorf("offset %d", hits[1].Offset)
	}

	// Every line parses.
	for i, l := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if _, err := Parse(l); err != nil {
			t.Errorf("line %d: %v", i+1, err)
		}
	}
}

func TestScanEncodingsAndRejections(t *testing.T) {
	wl, _ := watchlist.New("example.org", "app.example.net")
	text := "https://a.example.org/x:u1:p1\r\n" +
		"alex@example.org:pw\n" +
		"\n" +
		strings.Repeat("z", 300) + "\n" +
		"https://example.org/::pw\n" +
		"android://h==@net.example.app/:u2:p2\n" +
		"example.org|u3|p3"
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	for name, in := range map[string]string{"utf8": text, "bom": "\xef\xbb\xbf" + text, "utf16": utf16} {
		var logins []string
		st, err := Scan(context.Background(), strings.NewReader(in), name, wl, Options{MaxLineBytes: 200}, func(h Hit) error {
			logins = append(logins, fmt.Sprintf("%d:%s", h.Line, h.Login))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(logins, ","); got != "1:u1,6:u2,7:u3" {
			t.Errorf("%s: hits %s", name, got)
		}
		if st.Lines != 7 || st.Rejected != 3 || st.ByReason["no host"] != 1 || st.ByReason["line too long"] != 1 || st.ByReason["empty login"] != 1 {
			t.Errorf("%s: stats %+v", name, st)
		}
		if st.Rejections[0].Line != 2 || st.Rejections[1].Line != 4 || st.Rejections[2].Line != 5 {
			t.Errorf("%s: rejections %v", name, st.Rejections)
		}
	}
}

func TestScanLongLineOverBuffer(t *testing.T) {
	wl, _ := watchlist.New("example.org")
	in := strings.Repeat("x", 3*readBufferBytes+5) + "\nexample.org:u:p\n"
	n := 0
	st, err := Scan(context.Background(), strings.NewReader(in), "big", wl, Options{}, func(h Hit) error {
		if h.Line != 2 || h.Offset != int64(3*readBufferBytes+6) {
			t.Errorf("hit %+v", h)
		}
		n++
		return nil
	})
	if err != nil || n != 1 || st.Lines != 2 || st.Rejected != 1 || st.Bytes != int64(len(in)) {
		t.Fatalf("err %v n %d st %+v", err, n, st)
	}
}

func TestScanLoginPass(t *testing.T) {
	wl, _ := watchlist.New("example.org")
	in := "https://example.org/:alex:p1\nhttps://other.example.net/:ALEX:p2\nhttps://other.example.net/:bob:p3\n"
	var got []string
	st, err := Scan(context.Background(), strings.NewReader(in), "x", wl, Options{Login: func(l string) bool { return strings.EqualFold(l, "alex") }}, func(h Hit) error {
		got = append(got, fmt.Sprintf("%s/%v", h.Host, h.Watched))
		return nil
	})
	if err != nil || st.Hits != 1 || st.LoginHits != 1 || strings.Join(got, ",") != "example.org/true,other.example.net/false" {
		t.Fatalf("%v %+v %v", err, st, got)
	}
	stop := errors.New("stop")
	if _, err := Scan(context.Background(), strings.NewReader(in), "x", wl, Options{}, func(Hit) error { return stop }); err != stop {
		t.Fatalf("callback error: %v", err)
	}
}

func FuzzULP(f *testing.F) {
	data, _ := os.ReadFile("testdata/ulp_sample.txt")
	f.Add(data)
	f.Add([]byte("android://x/y==@org.example.app/:u:p\r\nexample.org:8443/:u:p\n[::1]:u:p\n"))
	f.Add([]byte("\xff\xfeh\x00t\x00"))
	wl, _ := watchlist.New("example.org", "forum.example.net", "org.example.app")
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, l := range bytes.Split(in, []byte("\n")) {
			r, err := Parse(l)
			if err == nil && (r.Login == "" || r.Host == "") {
				t.Fatalf("Parse(%q) = %+v without error", l, r)
			}
		}
		st, err := Scan(context.Background(), bytes.NewReader(in), "fuzz", wl, Options{MaxLineBytes: 64}, func(h Hit) error {
			if h.Login == "" || !h.Watched {
				t.Fatalf("bad hit %+v", h)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !st.UTF16 && st.Bytes != int64(len(in)) {
			t.Fatalf("bytes %d != %d", st.Bytes, len(in))
		}
	})
}

// TestScanLoneCRLineEnds: lone CR line ends split lines, with the same
// line numbers and byte offsets as the bytes of the file.
func TestScanLoneCRLineEnds(t *testing.T) {
	wl, _ := watchlist.New("example.org")
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		lines := []string{"https://a.example.org/x:u1:p1", "https://other.example.net/:u2:p2", "example.org:u3:p3"}
		in := strings.Join(lines, eol) + eol
		var got []string
		st, err := Scan(context.Background(), strings.NewReader(in), "cr", wl, Options{}, func(h Hit) error {
			got = append(got, fmt.Sprintf("%d@%d:%s", h.Line, h.Offset, h.Login))
			return nil
		})
		third := int64(len(lines[0]) + len(lines[1]) + 2*len(eol))
		if err != nil || st.Lines != 3 || st.Bytes != int64(len(in)) || strings.Join(got, ",") != fmt.Sprintf("1@0:u1,3@%d:u3", third) {
			t.Errorf("%q: %v %+v %v", eol, err, st, got)
		}
	}
}
