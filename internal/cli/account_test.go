package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/investigation"
)

// cheapPasswords makes password hashing cheap for command tests.
var cheapPasswords = investigation.WithPasswordParams(secret.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})

// runIn is run with stdin.
func runIn(t *testing.T, db, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--db", db, "--actor", "alex"}, args...)
	code = Run(context.Background(), full, Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

const cliPassword = "synthetic-pass-0001\n"

// TestAccountJSONGolden pins the --json output of the account commands,
// as TestJSONGolden does for the others.
func TestAccountJSONGolden(t *testing.T) {
	clock := time.Date(2024, 3, 4, 12, 0, 0, 0, time.UTC)
	serviceOptions = []investigation.Option{cheapPasswords, investigation.WithClock(func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	})}
	defer func() { serviceOptions = nil }()
	t.Setenv("USER", "tester")
	t.Setenv("VIBORA_ACTOR", "")
	db := filepath.Join(t.TempDir(), "accounts.db")
	tokenSecret := regexp.MustCompile(`vbr_[A-Za-z0-9_-]{43}`)
	type step struct {
		name  string // golden file; "" for a setup step
		stdin string
		args  []string
		typ   any
	}
	for _, st := range []step{
		{"", "", []string{"case", "create", "op-local", "--agency", "Example Unit"}, nil},
		{"agency-add", "", []string{"agency", "add", "NL-POL", "--country", "nl"}, investigation.Agency{}},
		{"", "", []string{"agency", "add", "BE-FCCU", "--country", "BE"}, nil},
		{"agency-list", "", []string{"agency", "list"}, investigation.Agency{}},
		{"user-add", cliPassword, []string{"user", "add", "ivo", "--agency", "NL-POL", "--role", "analyst", "--password-stdin"}, userSecret{}},
		{"", cliPassword, []string{"user", "add", "bram", "--agency", "BE-FCCU", "--role", "viewer", "--password-stdin"}, nil},
		{"user-list", "", []string{"user", "list"}, investigation.User{}},
		{"user-passwd", "synthetic-pass-0002\n", []string{"user", "passwd", "ivo", "--password-stdin"}, userSecret{}},
		{"token-create", "", []string{"token", "create", "--user", "ivo", "--expires", "30d", "--name", "laptop"}, investigation.NewToken{}},
		{"token-list", "", []string{"token", "list"}, investigation.Token{}},
		{"token-revoke", "", []string{"token", "revoke", "1"}, investigation.Token{}},
		{"user-disable", "", []string{"user", "disable", "bram"}, investigation.User{}},
		{"user-enable", "", []string{"user", "enable", "bram"}, investigation.User{}},
		{"user-role", "", []string{"user", "role", "bram", "analyst"}, investigation.User{}},
		{"", "", []string{"user", "disable", "bram"}, nil},
		{"user-link", "", []string{"user", "link", "ivo", "--issuer", "https://idp.example.org", "--subject", "248289761001"}, investigation.User{}},
		{"", "", []string{"case", "create", "op-nl", "--agency", "NL-POL"}, nil},
		{"case-share", "", []string{"case", "share", "op-nl", "--agency", "BE-FCCU", "--role", "viewer"}, investigation.CaseShare{}},
		{"case-unshare", "", []string{"case", "unshare", "op-nl", "--agency", "BE-FCCU"}, caseUnshared{}},
		{"case-member-add", "", []string{"case", "member", "add", "op-nl", "--user", "bram"}, investigation.CaseMember{}},
		{"case-member-remove", "", []string{"case", "member", "remove", "op-nl", "--user", "bram"}, caseMemberRemoved{}},
	} {
		out, errOut, code := runIn(t, db, st.stdin, append([]string{"--json"}, st.args...)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", st.args, code, errOut)
		}
		if st.name == "" {
			continue
		}
		got := tokenSecret.ReplaceAllString(out, "vbr_<secret>")
		for i, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
			if err := decodeStrict([]byte(line), reflect.TypeOf(st.typ)); err != nil {
				t.Errorf("%s line %d: %v\n%s", st.name, i+1, err, line)
			}
		}
		golden := filepath.Join("testdata", "golden", st.name+".jsonl")
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", st.name, err)
		}
		if got != string(want) {
			t.Errorf("%s: --json output differs from %s\ngot:\n%s\nwant:\n%s", st.name, golden, got, want)
		}
	}
}

// TestAccountCommands: generated passwords are printed once and work,
// tokens are printed once, mistakes are usage errors with hints, and a
// local store without agencies keeps naming agencies freely.
func TestAccountCommands(t *testing.T) {
	serviceOptions = []investigation.Option{cheapPasswords}
	defer func() { serviceOptions = nil }()
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			if _, e, code := run(t, db, "case", "create", "op-free", "--agency", "Any Unit"); code != ExitOK {
				t.Fatalf("case create without agencies: %d %s", code, e)
			}
			if _, e, code := run(t, db, "agency", "add", "NL-POL", "--country", "NLD"); code != ExitUsage || !strings.Contains(e, "ISO 3166") {
				t.Errorf("bad country: %d %s", code, e)
			}
			if _, e, code := run(t, db, "agency", "add", "NL-POL"); code != ExitUsage || !strings.Contains(e, "country") {
				t.Errorf("missing --country: %d %s", code, e)
			}
			if _, e, code := run(t, db, "agency", "add", "NL-POL", "--country", "NL"); code != ExitOK {
				t.Fatalf("agency add: %d %s", code, e)
			}
			if _, e, code := run(t, db, "agency", "add", "NL-POL", "--country", "NL"); code != ExitUsage || !strings.Contains(e, "hint:") {
				t.Errorf("duplicate agency: %d %s", code, e)
			}
			// Now that agencies exist, a case must name one.
			_, e, code := run(t, db, "case", "create", "op-x", "--agency", "Nowhere")
			if code != ExitUsage || !strings.Contains(e, `agency "Nowhere" is not registered`) || !strings.Contains(e, "vibora agency list") {
				t.Errorf("case of an unknown agency: %d %s", code, e)
			}
			if _, e, code := run(t, db, "case", "create", "op-nl", "--agency", "NL-POL"); code != ExitOK {
				t.Fatalf("case create: %d %s", code, e)
			}
			// A generated password is printed once and is strong.
			out, e, code := run(t, db, "user", "add", "vera", "--agency", "NL-POL", "--role", "viewer")
			if code != ExitOK || !strings.Contains(e, "shown this once") {
				t.Fatalf("user add: %d %s", code, e)
			}
			pw := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
			if pw == nil || secret.CheckPasswordPolicy(pw[1]) != nil || len(pw[1]) < 24 {
				t.Fatalf("generated password not printed: %q", out)
			}
			if strings.Contains(out, "argon2") {
				t.Errorf("the hash is printed: %s", out)
			}
			if _, e, code := runIn(t, db, "short\n", "user", "add", "x1", "--agency", "NL-POL", "--role", "viewer", "--password-stdin"); code != ExitUsage || !strings.Contains(e, "12 characters") {
				t.Errorf("short password: %d %s", code, e)
			}
			if _, e, code := runIn(t, db, "", "user", "add", "x2", "--agency", "NL-POL", "--role", "viewer", "--password-stdin"); code != ExitUsage {
				t.Errorf("empty stdin: %d %s", code, e)
			}
			if _, e, code := runIn(t, db, cliPassword, "user", "add", "x3", "--agency", "NL-POL", "--role", "root", "--password-stdin"); code != ExitUsage || !strings.Contains(e, "hub-admin, agency-admin, analyst, viewer") {
				t.Errorf("bad role: %d %s", code, e)
			}
			if _, e, code := runIn(t, db, cliPassword, "user", "add", "x4", "--agency", "XX", "--role", "viewer", "--password-stdin"); code != ExitUsage || !strings.Contains(e, "agency list") {
				t.Errorf("unknown agency: %d %s", code, e)
			}
			// Tokens: printed once, listed without secret, revoked by id.
			out, e, code = run(t, db, "token", "create", "--user", "vera", "--expires", "7d")
			tok := regexp.MustCompile(`vbr_[A-Za-z0-9_-]{43}`).FindString(out)
			if code != ExitOK || tok == "" || !strings.Contains(e, "shown this once") {
				t.Fatalf("token create: %d %q %s", code, out, e)
			}
			list, _, _ := run(t, db, "token", "list")
			if strings.Contains(list, tok) || !strings.Contains(list, "vera") {
				t.Errorf("token list: %q", list)
			}
			for _, bad := range []string{"90x", "-1d", "abc", "-5h"} {
				if _, _, code := run(t, db, "token", "create", "--user", "vera", "--expires", bad); code != ExitUsage {
					t.Errorf("--expires %s: exit %d", bad, code)
				}
			}
			if _, _, code := run(t, db, "token", "revoke", "x"); code != ExitUsage {
				t.Errorf("token revoke x: exit %d", code)
			}
			if _, e, code := run(t, db, "token", "revoke", "999"); code != ExitUsage || !strings.Contains(e, "not found") {
				t.Errorf("token revoke 999: %d %s", code, e)
			}
			if out, e, code := run(t, db, "token", "revoke", "1"); code != ExitOK || !strings.Contains(out, "revoked") {
				t.Errorf("token revoke 1: %d %s %s", code, out, e)
			}
			// Shares and members.
			if _, e, code := run(t, db, "case", "share", "op-nl", "--agency", "NL-POL", "--role", "viewer"); code != ExitUsage || !strings.Contains(e, "belongs to agency") {
				t.Errorf("share with the owner: %d %s", code, e)
			}
			if _, e, code := run(t, db, "case", "share", "op-nl", "--agency", "NL-POL", "--role", "admin"); code != ExitUsage {
				t.Errorf("share as admin: %d %s", code, e)
			}
			if _, e, code := run(t, db, "case", "unshare", "op-nl", "--agency", "NL-POL"); code != ExitUsage || !strings.Contains(e, "not shared") {
				t.Errorf("unshare a missing share: %d %s", code, e)
			}
			if out, e, code := run(t, db, "case", "member", "add", "op-nl", "--user", "vera", "--role", "analyst"); code != ExitOK || !strings.Contains(out, "vera (NL-POL) is a member of case op-nl as analyst") {
				t.Errorf("member add: %d %s %s", code, out, e)
			}
			if out, _, code := run(t, db, "user", "list"); code != ExitOK || !strings.Contains(out, "vera") || !strings.Contains(out, "active") {
				t.Errorf("user list: %d %s", code, out)
			}
			if _, _, code := run(t, db, "user", "disable", "vera"); code != ExitOK {
				t.Errorf("user disable: exit %d", code)
			}
			if out, _, _ := run(t, db, "user", "list"); !strings.Contains(out, "disabled") {
				t.Errorf("user list after disable: %s", out)
			}
			if out, e, code := run(t, db, "user", "enable", "vera"); code != ExitOK || !strings.Contains(out, "user vera enabled") {
				t.Errorf("user enable: %d %s %s", code, out, e)
			}
			if out, e, code := run(t, db, "user", "role", "vera", "viewer"); code != ExitOK || !strings.Contains(out, "user vera is now viewer") {
				t.Errorf("user role: %d %s %s", code, out, e)
			}
			if _, e, code := run(t, db, "user", "role", "vera", "chief"); code != ExitUsage || !strings.Contains(e, "chief") {
				t.Errorf("user role with an unknown role: %d %s", code, e)
			}
			if out, _, code := run(t, db, "audit", "verify"); code != ExitOK {
				t.Errorf("audit verify: %d %s", code, out)
			}
		})
	}
}
