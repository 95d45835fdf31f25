package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// TestPlatformImportExclusive: `platform import --exclusive` imports as
// the plain import does and reports whether it had the store to itself
// (a command run alone does); a rerun stores nothing twice.
func TestPlatformImportExclusive(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	if _, e, code := run(t, db, "case", "create", "op-alone"); code != 0 {
		t.Fatalf("case create: %d %s", code, e)
	}
	dump := "CREATE TABLE `users` (`id` int, `username` varchar(64), `email` varchar(128));\n" +
		"INSERT INTO `users` VALUES (1,'avery','avery@example.org'),(2,'blake','blake@example.org');\n" +
		"CREATE TABLE `logins` (`id` int, `user_id` int, `ip` varchar(45), `created_at` datetime);\n" +
		"INSERT INTO `logins` VALUES (1,1,'192.0.2.10','2024-03-01 10:00:00'),(2,2,'198.51.100.7','2024-03-01 11:00:00'),(3,1,'192.0.2.10','2024-03-02 09:30:00');\n"
	mapping := "mapping_version: 1\nplatform: examplevid\ntables:\n" +
		"  users:\n    entity: user\n    properties:\n      id: {column: id}\n      username: {column: username}\n      email: {column: email}\n" +
		"  logins:\n    entity: login\n    properties:\n      user: {column: user_id}\n      ip: {column: ip}\n      time: {column: created_at}\n"
	dumpPath, mapPath := filepath.Join(dir, "dump.sql"), filepath.Join(dir, "map.yaml")
	if err := os.WriteFile(dumpPath, []byte(dump), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mapPath, []byte(mapping), 0o644); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Users     int64
		Records   map[string]int64
		Exclusive bool
	}
	for _, args := range [][]string{{"--exclusive"}, nil} {
		out, e, code := run(t, db, append(append([]string{"--json", "platform", "import", "--case", "op-alone", "--mapping", mapPath}, args...), dumpPath)...)
		if code != 0 {
			t.Fatalf("platform import %v: %d %s%s", args, code, out, e)
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Users != 2 || rep.Records["login"] != 3 || rep.Exclusive != (len(args) > 0) {
			t.Fatalf("platform import %v: %+v %v\n%s", args, rep, err, out)
		}
		if strings.Contains(e, "hint:") {
			t.Errorf("platform import %v: %s", args, e)
		}
	}
	// Another connection holds the store: the import goes through the
	// write-ahead log and says so.
	other, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	out, e, code := run(t, db, "--json", "platform", "import", "--case", "op-alone", "--mapping", mapPath, "--exclusive", dumpPath)
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.Exclusive || !strings.Contains(e, "hint: the store was not the import's alone") {
		t.Fatalf("platform import --exclusive beside another connection: %d %+v %v\n%s%s", code, rep, err, out, e)
	}
	out, e, code = run(t, db, "--json", "platform", "logins", "--case", "op-alone")
	if code != 0 || !strings.Contains(out, `"total":3`) {
		t.Fatalf("platform logins after an exclusive import and a rerun: %d %s%s", code, out, e)
	}
}
