package investigation_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/platform"
	"github.com/vibora-project/vibora/internal/platform/dump"
	"github.com/vibora-project/vibora/internal/platform/synth"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestImportPlatformTruncated: a dump cut in the middle of a logins row
// (inside a MySQL INSERT and inside a pg_dump COPY block) imports every
// complete row before the cut and reports the truncation with the file
// and line; importing the whole dump afterwards from the same path adds
// the rest, nothing twice.
func TestImportPlatformTruncated(t *testing.T) {
	for _, format := range []struct {
		name  string
		write func(io.Writer, synth.Scale) error
		row   string // the start of a logins row in the dump text
	}{
		{"mysql", synth.WriteMySQL, "),("},
		{"postgres", synth.WritePostgres, "\n"},
	} {
		t.Run(format.name, func(t *testing.T) {
			var full bytes.Buffer
			if err := format.write(&full, platformScale); err != nil {
				t.Fatal(err)
			}
			cut := cutInLogins(t, full.Bytes(), format.row)
			wantRows := completeRows(t, cut)
			if wantRows["logins"] == 0 || wantRows["logins"] >= platformScale.Logins || wantRows["users"] != platformScale.Users || wantRows["uploads"] != 0 {
				t.Fatalf("the cut dump's complete rows %v: not a cut inside logins", wantRows)
			}
			cutLine := int64(bytes.Count(cut, []byte("\n")) + 1)
			storetest.Each(t, func(t *testing.T, open storetest.Opener) {
				ctx := context.Background()
				s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
				if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-cut"}); err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				dumpPath := filepath.Join(dir, "platform.sql")
				if err := os.WriteFile(dumpPath, cut, 0o600); err != nil {
					t.Fatal(err)
				}
				mapPath := filepath.Join(dir, "map.yaml")
				if err := os.WriteFile(mapPath, suggestMapping(t, full.Bytes()), 0o600); err != nil {
					t.Fatal(err)
				}
				opt := investigation.PlatformImportOptions{Mapping: mapPath, Dumps: []string{dumpPath}}
				rep, err := s.ImportPlatform(ctx, "op-cut", opt)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Records["user"] != int64(platformScale.Users) || rep.Records["login"] != int64(wantRows["logins"]) || rep.Records["upload"] != 0 {
					t.Errorf("cut import records %v, want %d users and %d logins", rep.Records, platformScale.Users, wantRows["logins"])
				}
				truncated := false
				for _, e := range rep.Errors {
					if strings.Contains(e.Message, "truncated") {
						truncated = true
						if e.File != dumpPath || e.Table != "logins" || e.Line != cutLine || !e.Skipped {
							t.Errorf("truncation reported as %+v, want file %s, table logins, line %d", e, dumpPath, cutLine)
						}
					}
				}
				if !truncated || !rep.Incomplete() {
					t.Errorf("no truncation reported: %+v", rep.Errors)
				}
				logins, err := s.PlatformLogins(ctx, "op-cut", investigation.PlatformLoginsOptions{Limit: 1})
				if err != nil || logins.Total != int64(wantRows["logins"]) {
					t.Fatalf("logins stored from the cut dump: %d, %v; want %d", logins.Total, err, wantRows["logins"])
				}

				// The whole dump, at the same path: the rest is added once.
				if err := os.WriteFile(dumpPath, full.Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
				for run := range 2 {
					rep, err = s.ImportPlatform(ctx, "op-cut", opt)
					if err != nil {
						t.Fatal(err)
					}
					if rep.Incomplete() || rep.Users != int64(platformScale.Users) {
						t.Fatalf("full import %d: %+v", run, rep)
					}
					logins, err = s.PlatformLogins(ctx, "op-cut", investigation.PlatformLoginsOptions{Limit: 2 * platformScale.Logins})
					if err != nil || logins.Total != int64(platformScale.Logins) || len(logins.Logins) != platformScale.Logins {
						t.Fatalf("full import %d: %d logins (%d listed), %v; want %d", run, logins.Total, len(logins.Logins), err, platformScale.Logins)
					}
					seen := map[int64]bool{}
					for _, l := range logins.Logins {
						if seen[l.Offset] {
							t.Fatalf("full import %d: the login at offset %d is stored twice", run, l.Offset)
						}
						seen[l.Offset] = true
					}
					users, err := s.PlatformUsers(ctx, "op-cut", investigation.PlatformUsersOptions{})
					if err != nil {
						t.Fatal(err)
					}
					var uploads, sum int64
					for _, u := range users.Users {
						uploads += u.KnownUploads + u.NewUploads
						sum += u.Logins
					}
					if uploads != int64(platformScale.Uploads) || sum != int64(platformScale.Logins) {
						t.Errorf("full import %d: users hold %d uploads and %d logins, want %d and %d", run, uploads, sum, platformScale.Uploads, platformScale.Logins)
					}
				}
			})
		})
	}
}

// cutInLogins cuts a dump in the middle of a logins row: half way into
// the row after the hundredth row start of the logins table.
func cutInLogins(t *testing.T, full []byte, rowStart string) []byte {
	t.Helper()
	at := bytes.Index(full, []byte("INSERT INTO `logins`"))
	if at < 0 {
		at = bytes.Index(full, []byte("COPY public.logins"))
	}
	if at < 0 {
		t.Fatal("no logins table in the dump")
	}
	for range 100 {
		n := bytes.Index(full[at+1:], []byte(rowStart))
		if n < 0 {
			t.Fatal("the logins table has fewer than 100 rows")
		}
		at += 1 + n
	}
	return bytes.Clone(full[:at+len(rowStart)+12])
}

// completeRows counts the rows the dump readers return whole, by table.
func completeRows(t *testing.T, data []byte) map[string]int {
	t.Helper()
	r, err := dump.Open("cut.sql", bytes.NewReader(data), "", dump.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for {
		row, err := r.Next()
		if err == io.EOF {
			return n
		}
		var de *dump.Error
		if errors.As(err, &de) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		n[row.Table]++
	}
}

// suggestMapping returns the mapping Suggest proposes for a dump.
func suggestMapping(t *testing.T, data []byte) []byte {
	t.Helper()
	r, err := dump.Open("platform.sql", bytes.NewReader(data), "", dump.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	y, err := platform.Suggest("examplevid", []dump.Reader{r})
	if err != nil {
		t.Fatal(fmt.Errorf("suggest: %w", err))
	}
	return y
}
