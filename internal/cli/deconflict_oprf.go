package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/deconflict"
	"github.com/vibora-project/vibora/internal/investigation"
)

// oprfClient asks a hub to evaluate blinded identifiers (the OPRF tier):
// GET /api/v1/deconfliction/oprf/{operation}/key for the operation's public
// key, then POST .../evaluate with batches of blinded elements. The hub
// sees elements it cannot unblind; the tokens exist only here.
type oprfClient struct {
	base  *url.URL
	token string
	http  *http.Client
}

// oprfBatch is how many elements one request carries.
const oprfBatch = 10_000

func newOPRFClient(base, token string) (*oprfClient, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, usagef("--oprf %q: want the hub's base URL, such as https://hub.example.org", base)
	}
	return &oprfClient{base: u, token: token, http: &http.Client{Timeout: 5 * time.Minute}}, nil
}

func (c *oprfClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("oprf hub: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("oprf hub: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		json.Unmarshal(b, &e)
		return fmt.Errorf("oprf hub: %s %s: %s %s", method, path, resp.Status, e.Error)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("oprf hub: %s %s: %w", method, path, err)
	}
	return nil
}

// tokens returns the OPRF tokens of keys (in order) and the hex public key
// they were made under.
func (c *oprfClient) tokens(ctx context.Context, op string, keys []string) ([]deconflict.Token, string, error) {
	base := "/api/v1/deconfliction/oprf/" + url.PathEscape(op)
	var kv investigation.OPRFKeyView
	if err := c.do(ctx, http.MethodGet, base+"/key", nil, &kv); err != nil {
		return nil, "", err
	}
	pub, err := hex.DecodeString(kv.PublicKey)
	if err != nil {
		return nil, "", fmt.Errorf("oprf hub: public key: %w", err)
	}
	bl, err := deconflict.NewBlinder(pub)
	if err != nil {
		return nil, "", err
	}
	out := make([]deconflict.Token, 0, len(keys))
	for start := 0; start < len(keys); start += oprfBatch {
		batch := keys[start:min(len(keys), start+oprfBatch)]
		st, els, err := bl.Blind(batch)
		if err != nil {
			return nil, "", err
		}
		var ev investigation.OPRFEvaluationView
		if err := c.do(ctx, http.MethodPost, base+"/evaluate", investigation.OPRFRequest{Elements: els}, &ev); err != nil {
			return nil, "", err
		}
		ts, err := bl.Finalize(st, ev.Evaluated, ev.Proof)
		if err != nil {
			return nil, "", fmt.Errorf("oprf hub: %w", err)
		}
		out = append(out, ts...)
	}
	return out, kv.PublicKey, nil
}
