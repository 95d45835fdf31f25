package stealerlog

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vibora-project/vibora/internal/stealerlog/synth"
	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	metaDir = "redline_meta_style/US[4F1C9A2B7D3E5F60A1B2C3D4E5F60718] [2024-01-20T14_05_33.1234567]"
)

func logsFS() fs.FS { return os.DirFS("testdata/logs") }

func loadWatchlist(t testing.TB, name string) *watchlist.Watchlist {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata/watchlist", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wl, err := watchlist.Parse(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return wl
}

func walkAll(t testing.TB, fsys fs.FS) []*Log {
	t.Helper()
	var logs []*Log
	if err := Walk(context.Background(), fsys, func(l *Log) error {
		logs = append(logs, l)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return logs
}

// TestSharedFixture checks the counts promised by the shared fixtures
// README for the RedLine/META-style log.
func TestSharedFixture(t *testing.T) {
	lg, err := ParseLog(context.Background(), logsFS(), metaDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(lg.Credentials) != 5 {
		t.Fatalf("credentials = %d, want 5", len(lg.Credentials))
	}
	var colons, empty, android int
	for _, c := range lg.Credentials {
		if c.Password == "pass:with:colons" {
			colons++
		}
		if c.Password == "" {
			empty++
		}
		if c.Android && strings.HasPrefix(c.URL, "android://") && strings.HasSuffix(c.URL, "@org.example.app/") && c.Host == "org.example.app" {
			android++
		}
	}
	if colons != 1 || empty != 1 || android != 1 {
		t.Errorf("colons %d empty %d android %d, want 1 each", colons, empty, android)
	}
	wl := loadWatchlist(t, "watchlist_domains.txt")
	hosts := map[string]bool{}
	for _, c := range lg.Credentials {
		if _, ok := wl.Match(c.Host, c.URL); ok {
			hosts[c.Host] = true
		}
	}
	if len(hosts) != 3 {
		t.Errorf("credential hosts on the watchlist = %v, want 3", hosts)
	}
	raw, err := fs.ReadFile(logsFS(), metaDir+"/UserInformation.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("\r\n")) {
		t.Error("UserInformation.txt fixture lost its CRLF line ends")
	}
	if lg.System.HWID != "4F1C9A2B7D3E5F60A1B2C3D4E5F60718" || lg.System.IP != "203.0.113.45" || lg.System.MachineName != "DESKTOP-EXAMPLE1" || lg.System.UserName != "alex" || lg.System.Country != "US" {
		t.Errorf("system info %+v", lg.System)
	}
	if lg.System.LogTime.Format("2006-01-02T15:04:05") != "2024-01-20T14:05:33" {
		t.Errorf("log time %v", lg.System.LogTime)
	}
	if len(lg.Cookies) != 3 {
		t.Fatalf("cookies = %d, want 3", len(lg.Cookies))
	}
	httpOnly := 0
	for _, c := range lg.Cookies {
		if c.HTTPOnly {
			httpOnly++
			if c.Domain != ".example.com" || c.Name != "__Secure-ID" || !c.Secure || c.Expires != 0 {
				t.Errorf("httponly cookie %+v", c)
			}
		}
	}
	if httpOnly != 1 {
		t.Errorf("httponly cookies = %d, want 1", httpOnly)
	}
	if lg.Family != Meta {
		t.Errorf("family %s, want meta (banner)", lg.Family)
	}
	if len(lg.Warnings) != 0 {
		t.Errorf("warnings: %v", lg.Warnings)
	}
}

func TestFamilies(t *testing.T) {
	logs := walkAll(t, logsFS())
	byDir := map[string]*Log{}
	for _, l := range logs {
		byDir[strings.SplitN(l.Path, "/", 2)[0]] = l
	}
	tests := []struct {
		dir      string
		family   Family
		creds    int
		encoding string // encoding of the first file read
		user     string
		machine  string
	}{
		{"redline_meta_style", Meta, 5, EncUTF8, "alex", "DESKTOP-EXAMPLE1"},
		{"redline_bom", RedLine, 2, EncUTF8BOM, "blake", "LAPTOP-SAMPLE2"},
		{"vidar", Vidar, 3, EncUTF8, "casey", "CASEY-PC"},
		{"risepro", RisePro, 2, EncUTF16LE, "dana", "DANA-PC"},
		{"stealc", StealC, 2, EncUTF8, "erin", "ERIN-DESKTOP"},
		{"lumma", Lumma, 2, EncCP1251, "Иван", "ИВАН-ПК"},
		{"raccoon", Raccoon, 2, EncCP1252, "René", "PC-RENÉ"},
		{"generic", Generic, 2, EncUTF8, "", ""},
		{"batch_with_list", RedLine, 1, EncUTF8, "frank", "FRANK-PC"},
	}
	if len(logs) != len(tests) {
		t.Errorf("found %d logs, want %d", len(logs), len(tests))
	}
	for _, tt := range tests {
		l := byDir[tt.dir]
		if l == nil {
			t.Errorf("%s: not found", tt.dir)
			continue
		}
		if l.Family != tt.family || len(l.Credentials) != tt.creds || l.Files[0].Encoding != tt.encoding ||
			l.System.UserName != tt.user || l.System.MachineName != tt.machine {
			t.Errorf("%s: family %s creds %d enc %s user %q machine %q", tt.dir, l.Family, len(l.Credentials), l.Files[0].Encoding, l.System.UserName, l.System.MachineName)
		}
		for _, c := range l.Credentials {
			if c.Host == "" || c.Login == "" || c.File == "" || c.Line == 0 {
				t.Errorf("%s: incomplete credential %+v", tt.dir, c)
			}
			if strings.Contains(c.URL, "injected") {
				t.Errorf("%s: FileGrabber content parsed: %+v", tt.dir, c)
			}
		}
	}
	if l := byDir["batch_with_list"]; l != nil && l.Path != "batch_with_list/victim_a" {
		t.Errorf("seller list at the top of a batch taken as a victim: %s", l.Path)
	}
	if l := byDir["lumma"]; l != nil && (l.Credentials[0].Login != "Иван_пример" || l.Credentials[0].Password != "пароль-пример") {
		t.Errorf("lumma cyrillic credential %+v", l.Credentials[0])
	}
	if l := byDir["raccoon"]; l != nil && (l.Credentials[0].Password != "Mot-de-passe-café" || l.System.IP != "203.0.113.120" || l.System.Country != "FR") {
		t.Errorf("raccoon %+v %+v", l.Credentials[0], l.System)
	}
	if l := byDir["vidar"]; l != nil {
		if len(l.Wallets) != 2 || len(l.History) != 2 || len(l.Autofill) != 4 || len(l.Cookies) != 2 || len(l.Warnings) != 1 {
			t.Errorf("vidar: wallets %d history %d autofill %d cookies %d warnings %v", len(l.Wallets), len(l.History), len(l.Autofill), len(l.Cookies), l.Warnings)
		}
		if c := l.Cookies[1]; c.Value != "placeholder value with spaces" || !c.Secure {
			t.Errorf("space-separated cookie %+v", c)
		}
		if p := l.Credentials[2].Password; p != " two leading spaces" {
			t.Errorf("password spaces %q", p)
		}
	}
	if l := byDir["stealc"]; l != nil {
		if c := l.Credentials[1]; !c.Android || c.Host != "net.example.forum" || c.Application != "Google Chrome (Default)" {
			t.Errorf("stealc android %+v", c)
		}
		if l.System.LogTime.IsZero() || l.System.IP != "198.51.100.61" {
			t.Errorf("stealc system %+v", l.System)
		}
	}
	if l := byDir["redline_bom"]; l != nil && (l.Credentials[0].Password != "S4mple-pass " || l.Credentials[1].Password != "Sample:Pass:1") {
		t.Errorf("redline CRLF/LF passwords %q %q", l.Credentials[0].Password, l.Credentials[1].Password)
	}
	if l := byDir["risepro"]; l != nil && (l.System.Country != "AU" || l.System.LogTime.IsZero() || len(l.Wallets) != 1) {
		t.Errorf("risepro %+v", l.System)
	}
}

// TestGolden compares the whole parse of testdata/logs with
// testdata/golden/logs.json (go test -run TestGolden -update).
func TestGolden(t *testing.T) {
	got, err := json.MarshalIndent(walkAll(t, logsFS()), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/golden/logs.json", got)
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test -update and review the diff", path)
	}
}

// TestZipFS reads the same tree from an in-memory zip archive.
func TestZipFS(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := fs.WalkDir(logsFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(logsFS(), p)
		if err != nil {
			return err
		}
		w, err := zw.Create(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(walkAll(t, logsFS()))
	b, _ := json.Marshal(walkAll(t, zr))
	if !bytes.Equal(a, b) {
		t.Error("zip and directory parses differ")
	}
}

func TestLimitsAndWarnings(t *testing.T) {
	long := strings.Repeat("x", 200)
	fsys := fstest.MapFS{
		"batch/v1/passwords.txt": {Data: []byte("URL: https://a.example.org/\nUsername: u\nPassword: p\n" + long + "\n\nPassword: orphan\n\nURL: https://b.example.org/\nstray line\nLogin: v\n")},
		"batch/v1/Cookies/c.txt": {Data: []byte("a\tb\n.example.org\tTRUE\t/\tFALSE\tnotanumber\tn\tv\n")},
		"batch/v1/big.txt":       {Data: []byte("not read")},
		"batch/v2/info.txt":      {Data: []byte("nothing useful\n")},
		"batch/v2/sub/x.txt":     {Data: []byte("x")},
	}
	p := Parser{MaxLineBytes: 100}
	var logs []*Log
	if err := p.Walk(context.Background(), fsys, func(l *Log) error { logs = append(logs, l); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(logs) != 2 {
		t.Fatalf("logs %d", len(logs))
	}
	var ws []string
	for _, w := range logs[0].Warnings {
		ws = append(ws, w.String())
	}
	want := []string{
		"Cookies/c.txt line 1: not a cookie line (want 7 TAB-separated fields)",
		"Cookies/c.txt line 2: cookie expiry is not a number",
		"passwords.txt line 4: line longer than 100 bytes skipped",
		"passwords.txt line 6: credential record without URL or login skipped",
		"passwords.txt line 9: unlabelled line(s) inside a credential record ignored: 1",
	}
	if strings.Join(ws, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s", strings.Join(ws, "\n"))
	}
	if len(logs[0].Credentials) != 2 || logs[0].Credentials[1].Login != "v" {
		t.Errorf("credentials %+v", logs[0].Credentials)
	}
	if logs[1].Family != Generic || len(logs[1].Warnings) != 1 {
		t.Errorf("v2 %+v", logs[1])
	}

	// File size cap.
	q := Parser{MaxFileBytes: 40}
	lg, err := q.ParseLog(context.Background(), fsys, "batch/v1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lg.Warnings[0].Reason, "read up to 40 bytes") && !strings.Contains(lg.Warnings[1].Reason, "read up to 40 bytes") {
		t.Errorf("warnings %v", lg.Warnings)
	}
	// Missing folder and cancelled context.
	if _, err := ParseLog(context.Background(), fsys, "nope"); err == nil {
		t.Error("missing folder: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Walk(ctx, fsys, func(*Log) error { return nil }); err == nil {
		t.Error("cancelled walk: no error")
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
		enc  string
	}{
		{[]byte("plain"), "plain", EncUTF8},
		{[]byte("\xef\xbb\xbfbom"), "bom", EncUTF8BOM},
		{[]byte("\xff\xfeh\x00i\x00"), "hi", EncUTF16LE},
		{[]byte("\xfe\xff\x00h\x00i"), "hi", EncUTF16BE},
		{[]byte(strings.Repeat("a\x00", 40)), strings.Repeat("a", 40), EncUTF16LE},
		{[]byte("User: \xc8\xe2\xe0\xed"), "User: Иван", EncCP1251},
		{[]byte("Gr\xf6\xdfe Caf\xe9 \xe0"), "Größe Café à", EncCP1252},
		{[]byte("a\x00b"), "ab", EncUTF8},
	}
	for _, tt := range tests {
		got, enc := decodeText(tt.in)
		if got != tt.want || enc != tt.enc {
			t.Errorf("decodeText(%q) = %q %s, want %q %s", tt.in, got, enc, tt.want, tt.enc)
		}
	}
}

func TestLines(t *testing.T) {
	var got []string
	lines("a\r\nb\nc\rd\r\n\re", 10, func(int, string) {}, func(n int, l string) { got = append(got, itoa(n)+"="+l) })
	if strings.Join(got, ",") != "1=a,2=b,3=c,4=d,5=,6=e" {
		t.Errorf("lines %v", got)
	}
}

func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://User@Example.ORG:8443/x":      "example.org",
		"android://abc/def==@org.example.app/": "org.example.app",
		"www.example.net":                      "www.example.net",
		"http://[2001:db8::1]:80/":             "2001:db8::1",
		"example.com.":                         "example.com",
		"http://mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion/x": "mbqwey3emvtgo2djnjvwy3lon5yhc4ttor2xm53ypf5hw7d5pz7vykqd.onion",
	} {
		if got, _ := hostOf(in); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzPasswords(f *testing.F) {
	seed, _ := fs.ReadFile(logsFS(), metaDir+"/Passwords.txt")
	f.Add(seed)
	for _, p := range []string{"vidar/3B9F2C7E1D_2024_03_05/passwords.txt", "stealc/CA_0F0E0D0C0B0A/passwords.txt", "risepro/AU_203.0.113.9_RP/passwords.txt"} {
		b, _ := fs.ReadFile(logsFS(), p)
		f.Add(b)
	}
	f.Add([]byte("URL:\nURL: x\r\nPassword:\n====\n\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, _ := decodeText(data)
		creds, _, _ := parsePasswords(text, "p.txt", 1024, func(w Warning) {
			if w.File != "p.txt" {
				t.Fatalf("warning names %q", w.File)
			}
		})
		for _, c := range creds {
			if c.URL == "" && c.Login == "" {
				t.Fatalf("empty credential %+v", c)
			}
			if c.Line < 1 {
				t.Fatalf("bad line %+v", c)
			}
		}
	})
}

func FuzzCookies(f *testing.F) {
	seed, _ := fs.ReadFile(logsFS(), metaDir+"/Cookies/Google_[Chrome]_Default Network.txt")
	f.Add(seed)
	f.Add([]byte("#HttpOnly_\n a b c d e f\n.x\tTRUE\t/\tFALSE\t1e30\tn\tv\tw\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, _ := decodeText(data)
		for _, c := range parseCookies(text, "c.txt", 1024, func(Warning) {}) {
			if c.Domain == "" || c.Line < 1 {
				t.Fatalf("bad cookie %+v", c)
			}
		}
	})
}

func FuzzUserInfo(f *testing.F) {
	for _, p := range []string{metaDir + "/UserInformation.txt", "stealc/CA_0F0E0D0C0B0A/system_info.txt", "lumma/RU_LUMMA_0001/System.txt", "vidar/3B9F2C7E1D_2024_03_05/information.txt"} {
		b, _ := fs.ReadFile(logsFS(), p)
		f.Add(b)
	}
	f.Add([]byte("IP info: PL\nLocation: AB,\n - Local Time: 2024/99/1 1:1:1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, _ := decodeText(data)
		si, _ := parseSysInfo(text, "s.txt", 1024, func(Warning) {})
		detectFamily("information.txt", si, text, text, labelStyle{})
		for _, fl := range si.Fields {
			if fl.Line < 1 || fl.Value == "" {
				t.Fatalf("bad field %+v", fl)
			}
		}
	})
}

// TestSharedFixturesInSync checks that the copies in testdata/ match the
// shared fixtures they were copied from.
func TestSharedFixturesInSync(t *testing.T) {
	shared := "../../../shared/testdata/fixtures"
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared fixtures missing in CI: %v", err)
		}
		t.Skipf("shared fixtures not present at %s", shared)
	}
	pairs := map[string]string{
		"stealer_logs/redline_meta_style": "logs/redline_meta_style",
		"ulp/ulp_sample.txt":              "ulp/ulp_sample.txt",
		"watchlist/watchlist_domains.txt": "watchlist/watchlist_domains.txt",
	}
	for from, to := range pairs {
		src := filepath.Join(shared, from)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			a, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(filepath.Join("testdata", to, rel))
			if err != nil {
				return err
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs from testdata/%s", p, filepath.Join(to, rel))
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
}

func TestWalkParallel(t *testing.T) {
	fsys := fstest.MapFS{}
	if err := synth.VictimFolders(40, 3, nil, func(name string, data []byte) error {
		fsys[name] = &fstest.MapFile{Data: data}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var p Parser
	collect := func(workers int) []byte {
		var logs []*Log
		if err := p.WalkParallel(context.Background(), fsys, workers, func(l *Log) error {
			logs = append(logs, l)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(logs) != 40 {
			t.Fatalf("workers %d: %d logs", workers, len(logs))
		}
		return mustJSON(t, logs)
	}
	seq := collect(1)
	for _, w := range []int{2, 5, 0} {
		if !bytes.Equal(seq, collect(w)) {
			t.Errorf("workers %d: output differs from sequential", w)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := p.WalkParallel(context.Background(), fsys, 3, func(*Log) error {
		if n++; n == 7 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 7 {
		t.Errorf("stop: err %v after %d logs", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = p.WalkParallel(ctx, fsys, 3, func(*Log) error {
		if n++; n == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: err %v after %d logs", err, n)
	}
}

func FuzzParseLog(f *testing.F) {
	seed, _ := fs.ReadFile(logsFS(), metaDir+"/Passwords.txt")
	f.Add(seed, []byte("HWID: X\r\nIP: 192.0.2.1"))
	f.Add([]byte("\xff\xfeU\x00R\x00L\x00:\x00"), []byte("- LummaC2 Build: x\n- LID: y"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		fsys := fstest.MapFS{
			"v/Passwords.txt":         {Data: a},
			"v/UserInformation.txt":   {Data: b},
			"v/Cookies/c.txt":         {Data: a},
			"v/Autofills/a.txt":       {Data: b},
			"v/History/h.txt":         {Data: a},
			"v/DomainDetects.txt":     {Data: b},
			"v/Wallets/w/x":           {Data: a},
			"v/All Passwords.txt":     {Data: b},
			"v/sub/dir/passwords.txt": {Data: a},
		}
		lg, err := (&Parser{MaxLineBytes: 256}).ParseLog(context.Background(), fsys, "v")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range lg.Warnings {
			if w.File == "" || w.Reason == "" {
				t.Fatalf("bad warning %+v", w)
			}
		}
		if len(lg.Wallets) != 1 || lg.Family == "" {
			t.Fatalf("wallets %v family %q", lg.Wallets, lg.Family)
		}
	})
}
