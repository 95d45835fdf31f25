package browsertest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/browsertest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// longLogin is a stealer-log login far wider than its column on a narrow
// screen.
const longLogin = "an.exceptionally.long.login.name.for.layout@subdomain.department.example.org"

// wrapCheck returns, for the stealer-hit tables, the text pieces that a
// line break splits (each piece between two <wbr> is a text node: a break
// inside one is a break mid-name), then "lines=N", the most lines one cell
// took.
const wrapCheck = `(() => {
  const split = []; let most = 0;
  for (const td of document.querySelectorAll("table.hits td")) {
    const tops = new Set();
    const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const r = document.createRange(); let top = null;
      for (let i = 0; i < n.length; i++) {
        r.setStart(n, i); r.setEnd(n, i + 1);
        const rect = r.getClientRects()[0];
        if (!rect) continue;
        tops.add(Math.round(rect.top));
        if (top !== null && Math.abs(rect.top - top) > 1) { split.push(n.textContent); break; }
        top = rect.top;
      }
    }
    most = Math.max(most, tops.size);
  }
  return [...split, "lines=" + most];
})()`

// TestLeadValuesWrapAtSeparators: on a narrow screen, a long login and
// URL in the stealer-hit table of the leads page and of the person page
// wrap after their separators ("@", ".", "/"), never inside a name.
func TestLeadValuesWrapAtSeparators(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	dir := t.TempDir()
	watch := filepath.Join(dir, "watchlist.txt")
	victim := filepath.Join(dir, "logs", "NL[0A1B2C3D4E5F60718293A4B5C6D7E8F9] [2024-02-11T10_15_00.0000001]")
	pw := "URL: https://board.example.org/members/account/settings/login.php?return=/threads/recent\r\nUsername: " + longLogin +
		"\r\nPassword: Synthetic-Pass-1\r\nApplication: Google_[Chrome]_Default\r\n===============\r\n"
	for p, text := range map[string]string{watch: "board.example.org\n", filepath.Join(victim, "Passwords.txt"): pw,
		filepath.Join(victim, "UserInformation.txt"): "Build ID: test\r\nIP: 203.0.113.9\r\nCountry: NL\r\n"} {
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st, err := h.Service.ScanStealer(h.Seed, webtest.CaseNL, investigation.StealerScanOptions{Watchlist: watch, Paths: []string{filepath.Join(dir, "logs")}})
	if err != nil || st.Leads != 1 {
		t.Fatalf("stealer scan: %+v %v", st, err)
	}
	site := browsertest.Serve(t, h)
	tab := site.NewTab(t)
	tab.Login(webtest.AnalystNL, webtest.Password(webtest.AnalystNL))
	tab.Do("a narrow screen", chromedp.EmulateViewport(420, 900))
	tab.Open("/cases/alpha/leads")
	if got := tab.Text("table.hits"); !strings.Contains(got, longLogin) {
		t.Fatalf("the hit table does not show the login whole: %q", got)
	}
	res := browsertest.Run(tab, "measure the lines", chromedp.Evaluate[[]string](wrapCheck))
	if last := res[len(res)-1]; last == "lines=1" || last == "lines=0" {
		t.Fatalf("nothing wrapped on a narrow screen (%s): the check tests nothing", last)
	}
	if len(res) > 1 {
		t.Errorf("values broken mid-name: %q", res[:len(res)-1])
	}
	clean(t, tab)
}
