package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/api"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/server"
)

// Demo agencies: the unit that owns the demo case and a partner agency.
const (
	demoAgency  = "NL-DEMO"
	demoPartner = "BE-DEMO"
)

// demoHub shows the hub on the demo store: two agencies with an analyst
// each, the REST API on a loopback port, and what each analyst's token
// sees before, during and after the case is shared with the partner.
func demoHub(ctx context.Context, w io.Writer, s *investigation.Service) error {
	for _, a := range [][2]string{{demoAgency, "NL"}, {demoPartner, "BE"}} {
		if _, err := s.AddAgency(ctx, a[0], a[1]); err != nil {
			return fmt.Errorf("demo agency %s: %w", a[0], err)
		}
	}
	tokens := map[string]string{}
	for _, u := range [][2]string{{"ana", demoAgency}, {"ben", demoPartner}} {
		if _, err := s.AddUser(ctx, investigation.NewUser{Name: u[0], Agency: u[1], Role: "analyst", Password: secret.GeneratePassword()}); err != nil {
			return fmt.Errorf("demo user %s: %w", u[0], err)
		}
		tok, err := s.CreateToken(ctx, u[0], "demo", time.Hour)
		if err != nil {
			return fmt.Errorf("demo token %s: %w", u[0], err)
		}
		tokens[u[0]] = tok.Secret
	}
	var md5 string
	if err := s.Files(ctx, DemoCase, investigation.FileQuery{Status: "matched"}, func(f investigation.FileView) error {
		if md5 == "" {
			md5 = f.MD5
		}
		return nil
	}); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)
	srv, err := server.New(server.Config{Handler: api.New(api.Config{Service: s, Auth: auth.New(s, auth.Config{}), Logger: quiet}), Logger: quiet})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo hub: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.ServeListener(ctx, ln) }()
	defer func() { cancel(); <-served }()
	base := "http://" + ln.Addr().String() + "/api/v1"
	newLines(w).Printf("agencies %s (owns %s) and %s; analysts ana and ben with API tokens; vibora serve on %s\n", demoAgency, DemoCase, demoPartner, ln.Addr())

	t := newTable(w, "WHO", "REQUEST", "STATUS", "ANSWER")
	call := func(who, method, path, body string) error {
		req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tokens[who])
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("demo hub %s %s: %w", method, path, err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return err
		}
		t.Row(who, method+" "+path, resp.StatusCode, demoAnswer(raw))
		return nil
	}
	caseURL := "/cases/" + DemoCase
	match := fmt.Sprintf(`{"hashes": ["md5:%s"]}`, md5)
	steps := []func() error{
		func() error { return call("ana", "GET", "/cases", "") },
		func() error { return call("ben", "GET", caseURL, "") },
		func() error { return call("ben", "POST", "/match", match) },
		func() error { _, err := s.ShareCase(ctx, DemoCase, demoPartner, "viewer"); return err },
		func() error { return call("ben", "GET", caseURL+"/files?status=matched&limit=2", "") },
		func() error {
			return call("ben", "POST", caseURL+"/shares", `{"agency": "`+demoPartner+`", "role": "analyst"}`)
		},
		func() error { return s.UnshareCase(ctx, DemoCase, demoPartner) },
		func() error { return call("ben", "GET", caseURL, "") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	t.Flush()
	newLines(w).Printf("(the case was shared with %s as viewer after the third request and unshared before the last: a case another agency may not see answers 404, a change it may not make 403)\n", demoPartner)
	return nil
}

// demoAnswer summarises an API answer in a few words: the error code, or
// the size of the list it holds, or the first match's bank.
func demoAnswer(raw []byte) string {
	var v struct {
		Error *struct {
			Code string `json:"code"`
		} `json:"error"`
		Cases   []struct{ Name string } `json:"cases"`
		Case    *struct{ Name string }  `json:"case"`
		Files   []json.RawMessage       `json:"files"`
		Results []struct {
			Matches []struct {
				Bank     string `json:"bank"`
				Category string `json:"normalized_category"`
			} `json:"matches"`
		} `json:"results"`
	}
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&v); err != nil {
		return "not JSON"
	}
	switch {
	case v.Error != nil:
		return "error " + v.Error.Code
	case v.Case != nil:
		return "case " + v.Case.Name
	case v.Cases != nil:
		names := make([]string, len(v.Cases))
		for i, c := range v.Cases {
			names[i] = c.Name
		}
		return fmt.Sprintf("%d case(s): %s", len(v.Cases), strings.Join(names, ", "))
	case v.Files != nil:
		return fmt.Sprintf("%d matched file(s)", len(v.Files))
	case len(v.Results) > 0:
		ms := v.Results[0].Matches
		if len(ms) == 0 {
			return "no match"
		}
		return fmt.Sprintf("%d match(es), bank %s, category %s", len(ms), ms[0].Bank, ms[0].Category)
	}
	return "ok"
}
