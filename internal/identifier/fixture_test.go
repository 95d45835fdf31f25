package identifier

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// fixtureKind maps the key prefix of testdata/identifiers.json (a copy of
// shared/testdata/fixtures/identifiers/identifiers.json) to a kind and, for
// usernames, a platform.
func fixtureKind(t *testing.T, key string) (Kind, string) {
	t.Helper()
	for prefix, k := range map[string]Kind{
		"btc_": KindBTC, "eth_": KindETH, "xmr_": KindXMR, "ton_": KindTON,
		"onion_": KindOnion, "phone_": KindPhone,
	} {
		if strings.HasPrefix(key, prefix) {
			return k, ""
		}
	}
	if strings.HasPrefix(key, "telegram_username") {
		return KindUsername, PlatformTelegram
	}
	t.Fatalf("fixture key %q: no kind mapping", key)
	return "", ""
}

func TestFixtureIdentifiers(t *testing.T) {
	data, err := os.ReadFile("testdata/identifiers.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct{ Valid, Invalid map[string]string }
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Valid) < 10 || len(fx.Invalid) < 8 {
		t.Fatalf("fixture too small: %d valid, %d invalid", len(fx.Valid), len(fx.Invalid))
	}
	check := func(key, v string, want bool) {
		k, platform := fixtureKind(t, key)
		var err error
		if platform != "" {
			err = ValidateUsername(platform, v)
		} else {
			err = Validate(k, v)
		}
		if (err == nil) != want {
			t.Errorf("%s %q: valid=%v, want %v (err %v)", key, v, err == nil, want, err)
		}
		// Extract finds exactly the valid ones, at the right offset.
		text := "see: " + v + " ok"
		ids := Extract([]byte(text), ExtractOptions{Platform: platform})
		found := false
		for _, id := range ids {
			if id.Kind == k && id.Offset == 5 && id.Value == v {
				found = true
			}
		}
		if found != want {
			t.Errorf("%s: Extract found=%v want %v (got %+v)", key, found, want, ids)
		}
	}
	for k, v := range fx.Valid {
		check(k, v, true)
	}
	for k, v := range fx.Invalid {
		check(k, v, false)
	}
}
