package api_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/store/storetest"
)

var soakFor = flag.Duration("soak", 0, "how long each store's soak runs (env VIBORA_SOAK, default 5s)")

func soakDuration(t *testing.T) time.Duration {
	if *soakFor > 0 {
		return *soakFor
	}
	if v := os.Getenv("VIBORA_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("VIBORA_SOAK=%q: %v", v, err)
		}
		return d
	}
	return 5 * time.Second
}

// TestSoak: 50 clients mix reads, writes and matches over real HTTP for a
// bounded time: no answer is a 5xx, every acknowledged write is stored,
// and the audit chain is intact.
func TestSoak(t *testing.T) {
	const clients = 50
	dur := soakDuration(t)
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		srv := httptest.NewServer(h.h)
		defer srv.Close()
		tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
		auditBefore := h.auditCount()
		var (
			mu       sync.Mutex
			statuses = map[string]int{} // "op status" -> count
			took     = map[string]time.Duration{}
			slowest  = map[string]time.Duration{}
			created  []string
			requests atomic.Int64
		)
		send := func(persona, method, path, body string) (int, []byte, error) {
			req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			if err != nil {
				return 0, nil, err
			}
			req.Header.Set("Authorization", "Bearer "+h.tokens[persona])
			res, err := client.Do(req)
			if err != nil {
				return 0, nil, err
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			requests.Add(1)
			return res.StatusCode, b, err
		}
		matchBody := fmt.Sprintf(`{"hashes":["md5:%s","md5:%032x","pdq:%s"]}`, h.matchedMD5, 7, strings.Repeat("f0", 32))
		start := time.Now()
		deadline := start.Add(dur)
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; time.Now().Before(deadline); n++ {
					var op string
					var code int
					var body []byte
					var err error
					t0 := time.Now()
					switch (c + n) % 10 {
					case 0, 1, 2, 3:
						op = "match"
						code, body, err = send(analystBE, "POST", "/api/v1/match", matchBody)
						if err == nil && code == 200 && !bytes.Contains(body, []byte(`"bank":"known"`)) {
							t.Errorf("match lost its hit: %s", body)
						}
					case 4:
						op = "list-cases"
						code, _, err = send(viewerNL, "GET", "/api/v1/cases", "")
					case 5:
						op = "list-files"
						code, _, err = send(viewerNL, "GET", "/api/v1/cases/alpha/files?limit=2", "")
					case 6:
						op = "show-case"
						code, _, err = send(analystBE, "GET", "/api/v1/cases/alpha", "")
					case 7, 8:
						op = "create-case"
						name := fmt.Sprintf("soak-%d-%d", c, n)
						code, body, err = send(analystNL, "POST", "/api/v1/cases", `{"name":"`+name+`"}`)
						if err == nil && code == http.StatusCreated {
							mu.Lock()
							created = append(created, name)
							mu.Unlock()
						}
					case 9:
						op = "create-token"
						code, body, err = send(viewerNL, "POST", "/api/v1/tokens", `{"user":"viewer-nl","name":"soak"}`)
					}
					if err != nil {
						t.Errorf("%s: %v", op, err)
						return
					}
					if code >= 500 {
						t.Errorf("%s: %d %s", op, code, body)
					}
					d := time.Since(t0)
					mu.Lock()
					statuses[fmt.Sprintf("%s %d", op, code)]++
					took[op] += d
					slowest[op] = max(slowest[op], d)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		var lines []string
		for k, v := range statuses {
			op, _, _ := strings.Cut(k, " ")
			lines = append(lines, fmt.Sprintf("%s: %d (mean %s, max %s)", k, v, (took[op]/time.Duration(v)).Round(time.Microsecond), slowest[op].Round(time.Millisecond)))
		}
		sort.Strings(lines)
		t.Logf("%s: %d clients, %s: %d requests (%.0f/s); %s", t.Name(), clients, elapsed.Round(time.Millisecond), requests.Load(),
			float64(requests.Load())/elapsed.Seconds(), strings.Join(lines, ", "))
		// Every acknowledged write is there.
		cases, err := h.svc.Cases(h.seedCtx)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, c := range cases {
			have[c.Name] = true
		}
		for _, name := range created {
			if !have[name] {
				t.Errorf("case %s was acknowledged but is not stored", name)
			}
		}
		tokens := statuses["create-token 201"]
		if got, want := h.auditCount()-auditBefore, int64(len(created)+tokens); got != want {
			t.Errorf("%d audit records for %d acknowledged writes", got, want)
		}
		if len(created) == 0 || statuses["match 200"] == 0 {
			t.Errorf("the soak did too little: %v", lines)
		}
		h.chainIntact()
	})
}
