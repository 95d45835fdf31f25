package job_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// zipDir packs a folder, as a browser would upload it.
func zipDir(t *testing.T, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	must(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(dir), p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}))
	must(t, zw.Close())
	return buf.Bytes()
}

func spooled(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	must(t, err)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// TestUploadJobs runs a bank import, a chat import, a stealer scan and a
// verify as jobs: each ends done with the report its command prints, and
// the uploads are removed from the spool when their job ends.
func TestUploadJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 3, nil)
		l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
		must(t, err)
		serve(t, e.m)

		bankFile, err := os.ReadFile(l.Banks[0].Path)
		must(t, err)
		u := upload(t, e.m, hubAdmin, "", "file", "../../"+filepath.Base(l.Banks[0].Path), bytes.NewReader(bankFile))
		b, err := e.m.SubmitBankImport(as(hubAdmin), job.BankImportParams{Name: l.Banks[0].Name, Kind: l.Banks[0].Kind}, u)
		must(t, err)
		b = waitFor(t, e.m, hubAdmin, b.ID, "the end", ended)
		var bank investigation.BankImportResult
		must(t, json.Unmarshal(b.Result, &bank))
		if b.State != store.JobDone || bank.Bank.Name != l.Banks[0].Name || bank.Stats.Imported == 0 || bank.File != filepath.Base(l.Banks[0].Path) {
			t.Errorf("bank import job: %+v %s", b, b.Result)
		}
		if b.Progress == nil || b.Progress.Bytes != int64(len(bankFile)) || b.Progress.BytesTotal != int64(len(bankFile)) {
			t.Errorf("bank import progress: %+v", b.Progress)
		}

		chat := "1/15/24, 9:00 AM - Bob Example: hello from example.org\n1/15/24, 9:01 AM - Alex Example: call +1 202 555 0143\n"
		c, err := e.m.SubmitChatImport(as(nlAnalyst), "op-nl", job.ChatImportParams{},
			upload(t, e.m, nlAnalyst, "op-nl", "file", "WhatsApp Chat with Bob.txt", strings.NewReader(chat)))
		must(t, err)
		c = wait(t, e.m, c.ID, "the end", ended)
		var cr investigation.ChatImportReport
		must(t, json.Unmarshal(c.Result, &cr))
		if c.State != store.JobDone || cr.NewMessages != 2 || cr.Format == "" {
			t.Errorf("chat import job: %+v %s", c, c.Result)
		}
		// The export is evidence: it is kept (read-only) after the spool is
		// cleared, and a verify of its exhibit re-reads it intact.
		cv, err := e.m.SubmitVerify(as(nlAnalyst), "op-nl", cr.Exhibit)
		must(t, err)
		cv = wait(t, e.m, cv.ID, "the end", ended)
		var cvr investigation.VerifyReport
		must(t, json.Unmarshal(cv.Result, &cvr))
		if cv.State != store.JobDone || !cvr.OK() || cvr.Matched != 1 {
			t.Errorf("verify of the uploaded chat export: %+v %s", cv, cv.Result)
		}

		logs := zipDir(t, l.Stealer)
		wl, err := os.Open(l.Watchlist)
		must(t, err)
		defer wl.Close()
		u = upload(t, e.m, nlAnalyst, "op-nl", "logs", "logs.zip", bytes.NewReader(logs))
		must(t, u.Add("watchlist", "watchlist.txt", wl))
		s, err := e.m.SubmitStealerScan(as(nlAnalyst), "op-nl", job.StealerScanParams{}, u)
		must(t, err)
		s = wait(t, e.m, s.ID, "the end", ended)
		var sr investigation.StealerScanReport
		must(t, json.Unmarshal(s.Result, &sr))
		if s.State != store.JobDone || sr.Logs.Logs != 3 || sr.Leads != 2 {
			t.Errorf("stealer scan job: %+v %s", s, s.Result)
		}

		in, err := e.m.SubmitIngest(as(nlAnalyst), "op-nl", "PHONE-01", []string{"phone"})
		must(t, err)
		wait(t, e.m, in.ID, "the end", ended)
		v, err := e.m.SubmitVerify(as(nlAnalyst), "op-nl", "PHONE-01")
		must(t, err)
		v = wait(t, e.m, v.ID, "the end", ended)
		var vr investigation.VerifyReport
		must(t, json.Unmarshal(v.Result, &vr))
		if v.State != store.JobDone || !vr.OK() || vr.Matched != 3 {
			t.Errorf("verify job: %+v %s", v, v.Result)
		}
		// A verify of an exhibit that does not exist fails with the reason.
		bad, err := e.m.SubmitVerify(as(nlAnalyst), "op-nl", "NO-SUCH")
		must(t, err)
		if bad = wait(t, e.m, bad.ID, "the end", ended); bad.State != store.JobFailed || !strings.Contains(bad.Error, "not found") {
			t.Errorf("failed verify: %+v", bad)
		}
		if left := spooled(t, e.spool); len(left) != 0 {
			t.Errorf("uploads left in the spool after their jobs ended: %v", left)
		}
	})
}

func TestUploadLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, 1, func(c *job.Config) { c.MaxUpload = 1000 })
		u, err := e.m.NewUpload(as(nlAnalyst), "op-nl")
		must(t, err)
		must(t, u.Add("file", "a.txt", io.LimitReader(zeros{}, 600)))
		if err := u.Add("logs", "b.txt", io.LimitReader(zeros{}, 401)); !errors.Is(err, job.ErrTooLarge) {
			t.Errorf("oversized upload: %v, want ErrTooLarge", err)
		}
		u.Discard()
		for _, name := range []string{"..", "", "a\x00b", "sub/../..", ".incoming-x"} {
			u, err := e.m.NewUpload(as(nlAnalyst), "op-nl")
			must(t, err)
			if err := u.Add("file", name, strings.NewReader("x")); !errors.Is(err, investigation.ErrInvalid) {
				t.Errorf("upload named %q: %v, want invalid", name, err)
			}
			u.Discard()
		}
		// A file missing, or one too many, is refused, and nothing is kept.
		u = upload(t, e.m, nlAnalyst, "op-nl", "logs", "logs.txt", strings.NewReader("x"))
		if _, err := e.m.SubmitStealerScan(as(nlAnalyst), "op-nl", job.StealerScanParams{}, u); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("stealer scan without a watchlist: %v", err)
		}
		u.Discard()
		u = upload(t, e.m, nlAnalyst, "op-nl", "file", "chat.txt", strings.NewReader("x"))
		must(t, u.Add("other", "other.txt", strings.NewReader("y")))
		if _, err := e.m.SubmitChatImport(as(nlAnalyst), "op-nl", job.ChatImportParams{}, u); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("chat import with two files: %v", err)
		}
		u.Discard()
		if _, err := e.m.NewUpload(as(nlViewer), "op-nl"); err == nil {
			t.Error("a viewer may upload a chat export")
		}
		if _, err := e.m.NewUpload(as(beAnalyst), "op-nl"); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("another agency uploads into a case: %v, want not found", err)
		}
		if left := spooled(t, e.spool); len(left) != 0 {
			t.Errorf("refused uploads left in the spool: %v", left)
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// upload starts an upload as p and adds one file.
func upload(t *testing.T, m *job.Manager, p access.Principal, caseName, field, name string, r io.Reader) *job.Upload {
	t.Helper()
	u, err := m.NewUpload(as(p), caseName)
	must(t, err)
	must(t, u.Add(field, name, r))
	t.Cleanup(u.Discard)
	return u
}
