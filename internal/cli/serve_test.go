package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe: vibora serve answers the API with a token made by the command
// line on the same store, becomes ready, logs requests without their
// tokens, and stops cleanly (exit 0) when its context ends.
func TestServe(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{{"agency", "add", "NL-POL", "--country", "NL"}, {"case", "create", "op-serve", "--agency", "NL-POL"}} {
				if _, e, code := run(t, db, args...); code != 0 {
					t.Fatalf("%v: %d %s", args, code, e)
				}
			}
			if _, e, code := runIn(t, db, cliPassword, "user", "add", "ivo", "--agency", "NL-POL", "--role", "analyst", "--password-stdin"); code != 0 {
				t.Fatalf("user add: %d %s", code, e)
			}
			out, e, code := run(t, db, "token", "create", "--user", "ivo")
			tok := regexp.MustCompile(`vbr_[A-Za-z0-9_-]{43}`).FindString(out)
			if code != 0 || tok == "" {
				t.Fatalf("token create: %d %s %s", code, out, e)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stderr syncBuffer
			exit := make(chan int, 1)
			go func() {
				exit <- Run(ctx, []string{"--db", db, "serve", "--listen", addr, "--evidence-root", t.TempDir()}, Streams{In: strings.NewReader(""), Out: io.Discard, Err: &stderr})
			}()
			base := "http://" + addr
			deadline := time.Now().Add(20 * time.Second)
			for {
				res, err := http.Get(base + "/readyz")
				if err == nil {
					res.Body.Close()
					if res.StatusCode == http.StatusOK {
						break
					}
				}
				if time.Now().After(deadline) {
					t.Fatalf("not ready: %v\n%s", err, stderr.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			req, _ := http.NewRequest("GET", base+"/api/v1/cases", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var cases struct {
				Cases []struct{ Name, Agency string } `json:"cases"`
			}
			err = json.NewDecoder(res.Body).Decode(&cases)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 || len(cases.Cases) != 1 || cases.Cases[0].Name != "op-serve" || cases.Cases[0].Agency != "NL-POL" {
				t.Fatalf("GET /api/v1/cases: %d %+v %v", res.StatusCode, cases, err)
			}
			if res, err := http.Get(base + "/api/v1/cases"); err != nil || res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("without a token: %v %v", res, err)
			}
			cancel()
			select {
			case code := <-exit:
				if code != 0 {
					t.Errorf("serve exited %d: %s", code, stderr.String())
				}
			case <-time.After(40 * time.Second):
				t.Fatal("serve did not stop")
			}
			log := stderr.String()
			if !strings.Contains(log, "path=/api/v1/cases") || !strings.Contains(log, "status=200") {
				t.Errorf("no access log:\n%s", log)
			}
			if strings.Contains(log, tok) {
				t.Errorf("the token is in the log")
			}
		})
	}
}
