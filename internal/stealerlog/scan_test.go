package stealerlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vibora-project/vibora/internal/stealerlog/synth"
	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
)

func scanAll(t *testing.T, wl *watchlist.Watchlist, opt ScanOptions) ([]*Profile, ScanStats) {
	t.Helper()
	var ps []*Profile
	st, err := Scan(context.Background(), logsFS(), wl, opt, func(p *Profile) error {
		ps = append(ps, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	SortProfiles(ps)
	return ps, st
}

func TestScanProfiles(t *testing.T) {
	wl := loadWatchlist(t, "watchlist_domains.txt")
	ps, st := scanAll(t, wl, ScanOptions{})
	if st.Logs != 9 || st.LogsWithHits != 9 || st.Families[Meta] != 1 || st.Families[Generic] != 1 {
		t.Errorf("stats %+v", st)
	}
	var order []string
	for _, p := range ps {
		order = append(order, fmt.Sprintf("%s %d/%d/%d", p.Family, p.Rank.WatchedSites, p.Rank.CredentialSites, p.Rank.ReusedLogins))
	}
	// Ties on sites and reuse fall back to the number of identifiers.
	want := []string{"meta 3/3/1", "vidar 3/2/0", "stealc 2/2/0", "risepro 1/1/0", "raccoon 1/1/0", "redline 1/1/0", "lumma 1/1/0", "redline 1/1/0", "generic 1/1/0"}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("order:\n%s", strings.Join(order, "\n"))
	}

	meta := ps[0]
	ids := map[string]bool{}
	for _, id := range meta.Identifiers {
		ids[id.Kind+":"+id.Value] = true
	}
	for _, k := range []string{"email:alex.example@example.com", "phone:+12025550143", "username:alex_example", "username:alex_x",
		"btc:bc1pgpq5ys6yg4rywjzfff95cn2wfag9z5jn2324v46ct9d9khzate0sj7j58l", "ip:203.0.113.45", "country:US",
		"hwid:4F1C9A2B7D3E5F60A1B2C3D4E5F60718", "machine:DESKTOP-EXAMPLE1", "os_user:alex"} {
		if !ids[k] {
			t.Errorf("meta profile lacks identifier %s", k)
		}
	}
	// The forum login (an e-mail) is also saved for accounts.example.com.
	var reuse []string
	for _, r := range meta.Reuse {
		reuse = append(reuse, r.Login+"->"+strings.Join(r.OtherSites, "+"))
	}
	if !strings.Contains(strings.Join(reuse, " "), "alex.example@example.com->accounts.example.com") {
		t.Errorf("reuse %v", reuse)
	}
	// Passwords are masked by default; never in clear.
	js, _ := json.Marshal(ps)
	for _, secret := range []string{"Plac3holder!", "pass:with:colons", "An0ther-Placeholder", "Er1n-Placeholder"} {
		if bytes.Contains(js, []byte(secret)) {
			t.Errorf("profile JSON holds password %q", secret)
		}
	}
	if !bytes.Contains(js, []byte(`"P**********!"`)) || !bytes.Contains(js, []byte(`"p**************s"`)) {
		t.Error("masked passwords missing")
	}
	// Android package net.example.forum matches forum.example.net reversed.
	for _, p := range ps {
		if p.Family == StealC {
			found := false
			for _, s := range p.Sites {
				for _, a := range s.Accounts {
					if a.Host == "net.example.forum" && s.Entry.Pattern == "forum.example.net" {
						found = true
					}
				}
			}
			if !found {
				t.Error("android package not matched reversed")
			}
		}
	}
	golden(t, "testdata/golden/profiles.json", mustJSON(t, ps))
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMaskPassword(t *testing.T) {
	key := ProfileOptions{Passwords: MaskHMAC, HMACKey: []byte("case-key")}
	tests := []struct {
		in   string
		opt  ProfileOptions
		want string
	}{
		{"", ProfileOptions{}, ""},
		{"1234", ProfileOptions{}, "****"},
		{"Plac3holder!", ProfileOptions{}, "P**********!"},
		{"пароль-пример", ProfileOptions{}, "п***********р"},
		{"secret", ProfileOptions{Passwords: KeepPasswords}, "secret"},
	}
	for _, tt := range tests {
		if got := MaskPassword(tt.in, tt.opt); got != tt.want {
			t.Errorf("MaskPassword(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	a, b := MaskPassword("x1", key), MaskPassword("x1", key)
	if a != b || !strings.HasPrefix(a, "hmac:") || len(a) != 21 || a == MaskPassword("x2", key) ||
		a == MaskPassword("x1", ProfileOptions{Passwords: MaskHMAC, HMACKey: []byte("other")}) {
		t.Errorf("hmac masks %q %q", a, b)
	}
	if _, err := Scan(context.Background(), logsFS(), nil, ScanOptions{Profile: ProfileOptions{Passwords: MaskHMAC}}, nil); !errors.Is(err, ErrNoHMACKey) {
		t.Errorf("hmac without key: %v", err)
	}
}

func TestScanStops(t *testing.T) {
	wl := loadWatchlist(t, "watchlist_domains.txt")
	stop := errors.New("stop")
	n := 0
	_, err := Scan(context.Background(), logsFS(), wl, ScanOptions{}, func(*Profile) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v n %d", err, n)
	}
}

func TestScanULPGroups(t *testing.T) {
	wl := loadWatchlist(t, "watchlist_domains.txt")
	data, err := os.ReadFile("testdata/ulp/ulp_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	var hits []ULPHit
	st, err := ScanULP(context.Background(), bytes.NewReader(data), "ulp_sample.txt", wl, ULPOptions{}, func(h ULPHit) error {
		hits = append(hits, h)
		return nil
	})
	if err != nil || st.Lines != 8 || st.Hits != 4 {
		t.Fatalf("err %v stats %+v", err, st)
	}
	// Second pass: other sites of the same logins.
	st2, err := ScanULP(context.Background(), bytes.NewReader(data), "ulp_sample.txt", wl, ULPOptions{Login: LoginFilter(hits)}, func(h ULPHit) error {
		if !h.Watched {
			hits = append(hits, h)
		}
		return nil
	})
	if err != nil || st2.LoginHits != 0 {
		t.Fatalf("err %v stats %+v", err, st2)
	}
	extra := "https://mail.example.com/:Casey_Placeholder:x\nhttps://other.example.com/:alex_x:y\n"
	_, err = ScanULP(context.Background(), strings.NewReader(extra), "extra.txt", wl, ULPOptions{Login: LoginFilter(hits)}, func(h ULPHit) error {
		hits = append(hits, h)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := GroupULPHits(hits, ProfileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s sites=%d other=%s", p.LogID, p.Rank.WatchedSites, strings.Join(p.Reuse[0].OtherSites, "+")))
	}
	want := []string{
		"ulp:alex_x sites=1 other=other.example.com",
		"ulp:casey_placeholder sites=1 other=mail.example.com",
		"ulp:alex.example@example.com sites=1 other=",
		"ulp:alex_example sites=1 other=",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("groups:\n%s", strings.Join(got, "\n"))
	}
	if ps[2].Sites[0].Accounts[0].Password != "p**************s" {
		t.Errorf("ulp password not masked: %q", ps[2].Sites[0].Accounts[0].Password)
	}
}

func BenchmarkScanFolders(b *testing.B) {
	fsys := fstest.MapFS{}
	wl, _ := watchlist.New(synth.WatchlistDomains(1000)...)
	if err := synth.VictimFolders(200, 1, synth.WatchlistDomains(1000), func(name string, data []byte) error {
		fsys[name] = &fstest.MapFile{Data: data}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := Scan(context.Background(), fsys, wl, ScanOptions{}, func(*Profile) error { return nil })
		if err != nil || st.Logs != 200 {
			b.Fatal(err, st.Logs)
		}
	}
	b.ReportMetric(float64(200*b.N)/b.Elapsed().Seconds(), "folders/s")
}

// TestScanCountsLosses: files cut at the size cap, files past the file cap
// and files that cannot be read are counted in ScanStats.Losses and listed
// in Problems with their folder, whether or not the log has hits.
func TestScanCountsLosses(t *testing.T) {
	wl, _ := watchlist.New("forum.example.net")
	pw := "URL: https://forum.example.net/\nUsername: blake_s\nPassword: x\n===============\n"
	fsys := fstest.MapFS{
		"US[AAAA] [2024]/Passwords.txt":        {Data: []byte(pw + strings.Repeat("URL: https://other.example.org/\nUsername: u\nPassword: p\n", 20))},
		"US[AAAA] [2024]/UserInformation.txt":  {Data: []byte("IP: 192.0.2.1\nCountry: US\n")},
		"NL[BBBB] [2024]/Passwords.txt":        {Data: []byte(pw)},
		"NL[BBBB] [2024]/Cookies/Chrome_1.txt": {Data: []byte("x")},
		"NL[BBBB] [2024]/Cookies/Chrome_2.txt": {Data: []byte("y")},
	}
	st, err := Scan(context.Background(), fsys, wl, ScanOptions{Parser: Parser{MaxFileBytes: 200, MaxFiles: 2}}, func(*Profile) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if st.Losses.Truncated != 1 || st.Losses.Skipped != 1 || st.Losses.Total() != 2 || len(st.Problems) != 2 {
		t.Fatalf("losses %+v problems %+v", st.Losses, st.Problems)
	}
	for _, p := range st.Problems {
		if !strings.Contains(p.File, "[") || p.Kind == "" {
			t.Errorf("problem without its folder or kind: %+v", p)
		}
	}
}
