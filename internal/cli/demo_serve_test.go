package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemoServe: demo --serve prints a URL and a login that work in the
// browser workspace on the demo store, serves until cancelled and exits 0;
// a --listen off loopback is refused.
func TestDemoServe(t *testing.T) {
	if _, stderr, code := run(t, filepath.Join(t.TempDir(), "x.db"), "demo", "--serve", "--listen", "0.0.0.0:0"); code != 2 || !strings.Contains(stderr, "loopback") {
		t.Errorf("--listen off loopback: exit %d, %s", code, stderr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	exit := make(chan int, 1)
	dir := t.TempDir()
	go func() {
		exit <- Run(ctx, []string{"demo", "--dir", filepath.Join(dir, "demo"), "--serve", "--listen", addr}, Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
	}()
	login := regexp.MustCompile(`Log in as (\S+) \(an analyst of NL-DEMO\) with the password (\S+)`)
	var m []string
	deadline := time.Now().Add(3 * time.Minute)
	for m == nil {
		select {
		case code := <-exit:
			t.Fatalf("demo exited %d before serving:\n%s\n%s", code, stdout.String(), stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no login printed:\n%s", stdout.String())
		}
		time.Sleep(100 * time.Millisecond)
		m = login.FindStringSubmatch(stdout.String())
	}
	base := "http://" + addr
	if !strings.Contains(stdout.String(), "at "+base+"/") {
		t.Errorf("URL not printed:\n%s", stdout.String())
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"username": {m[1]}, "password": {m[2]}, "return": {"/cases/op-demo"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/cases/op-demo" || !strings.Contains(string(body), `id="count-matched"`) {
		t.Errorf("log in and open the demo case: %d at %s", res.StatusCode, res.Request.URL)
	}
	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("demo --serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("demo --serve did not stop")
	}
}
