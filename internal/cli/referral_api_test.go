package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// referralCLIOnly are the options of `vibora referral ...` that the REST
// routes do not take, with the reason docs/api.md gives.
var referralCLIOnly = map[string]string{
	"out":      "the API answers with the package or acknowledgement in the response body",
	"identity": "the hub holds no age identity: packages are decrypted before they are uploaded",
}

// TestReferralFlagsHaveAPIFields: every option of each `vibora referral`
// command has its field in the request of the matching REST route (read
// from the OpenAPI document), or is a CLI-only option that docs/api.md
// names with its reason; every referral command has its route.
func TestReferralFlagsHaveAPIFields(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "api", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]struct {
			Post struct {
				RequestBody struct {
					Content map[string]struct {
						Schema struct {
							Properties map[string]json.RawMessage `json:"properties"`
						} `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			} `json:"post"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	apiDoc, err := os.ReadFile(filepath.Join("..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]string{"create": "/api/v1/referrals", "verify": "/api/v1/referrals/verify", "import": "/api/v1/referrals/import",
		"ack": "/api/v1/referrals/ack", "ack-import": "/api/v1/referrals/ack-import"}
	// Options whose API field has another name than the flag with "_"
	// for "-".
	renamed := map[string]string{"create --agency": "recipient_agency", "create --case": "cases", "create --action": "actions",
		"create --passphrase-stdin": "passphrase", "ack --passphrase-stdin": "passphrase"}
	root := newRootCmd(&globals{})
	ref, _, err := root.Find([]string{"referral"})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, sub := range ref.Commands() {
		route, ok := routes[sub.Name()]
		if !ok {
			t.Errorf("vibora referral %s has no REST route", sub.Name())
			continue
		}
		props := map[string]bool{}
		for _, c := range doc.Paths[route].Post.RequestBody.Content {
			for p := range c.Schema.Properties {
				props[p] = true
			}
		}
		if len(props) == 0 {
			t.Errorf("%s: no request fields in openapi.json", route)
		}
		sub.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return
			}
			checked++
			if _, ok := referralCLIOnly[f.Name]; ok {
				if !strings.Contains(string(apiDoc), "`--"+f.Name+"`") {
					t.Errorf("referral %s --%s is CLI-only but docs/api.md does not say so", sub.Name(), f.Name)
				}
				return
			}
			field := renamed[sub.Name()+" --"+f.Name]
			if field == "" {
				field = strings.ReplaceAll(f.Name, "-", "_")
			}
			if !props[field] {
				t.Errorf("referral %s --%s: %s has no field %q (add it, or make the option CLI-only with a reason in docs/api.md)", sub.Name(), f.Name, route, field)
			}
		})
	}
	if checked < 25 {
		t.Errorf("checked %d options, want every option of the five referral commands", checked)
	}
}
