package browsertest_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/browsertest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// audit runs in a page and lists what keeps a keyboard or low-vision user
// out of it, one finding per string:
//   - a visible form control without a label (label[for], an enclosing
//     label, aria-label or aria-labelledby);
//   - a link, button or summary without an accessible name;
//   - an htmx element fired by a click that is not focusable (a div
//     with hx-get and no tabindex cannot be reached with the keyboard);
//   - a positive tabindex (it breaks the reading order);
//   - text whose contrast against its effective background is under
//     WCAG 2 AA: 4.5:1, or 3:1 for large text (24px, or 18.66px bold);
//   - a page without lang or title.
//
// Backgrounds are composited up the ancestors; an ancestor with a
// background image ends the walk unchecked (none here has one).
const audit = `(() => {
  const out = [];
  const desc = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.name) s += '[name=' + el.name + ']';
    const t = (el.textContent || '').trim().slice(0, 30);
    return t ? s + ' "' + t + '"' : s;
  };
  const visible = el => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  if (!document.documentElement.lang) out.push('html without lang');
  if (!document.title.trim()) out.push('page without title');
  const named = el => {
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\s+/).some(id => { const e = document.getElementById(id); return e && e.textContent.trim(); })) return true;
    return false;
  };
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    if (el.type === 'submit' || el.type === 'button' || el.type === 'reset') {
      if (!(el.value || '').trim() && !named(el)) out.push('nameless ' + desc(el));
      continue;
    }
    const forLabel = el.id && [...document.querySelectorAll('label')].some(l => l.htmlFor === el.id && l.textContent.trim());
    if (!forLabel && !el.closest('label') && !named(el)) out.push('unlabelled ' + desc(el));
  }
  for (const el of document.querySelectorAll('a[href], button, summary')) {
    if (!visible(el)) continue;
    if (!el.textContent.trim() && !named(el) && !(el.title || '').trim()) out.push('nameless ' + desc(el));
    if (el.tabIndex < 0) out.push('not focusable ' + desc(el));
  }
  for (const el of document.querySelectorAll('[hx-get], [hx-post], [hx-put], [hx-delete]')) {
    if (el.matches('form, input, select, textarea')) continue;
    const trig = el.getAttribute('hx-trigger');
    if (trig && !/click/.test(trig)) continue;
    if (el.matches('a[href], button, summary') || el.tabIndex >= 0) continue;
    out.push('click-only ' + desc(el));
  }
  for (const el of document.querySelectorAll('[tabindex]')) {
    if (el.tabIndex > 0) out.push('positive tabindex ' + desc(el));
  }
  const rgba = c => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== 'none') return null;
      const c = rgba(s.backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const lum = c => {
    const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || seen.has(el) || el.closest('script, style, noscript, [hidden], [aria-hidden="true"]')) continue;
    seen.add(el);
    if (!visible(el) || el.closest(':disabled')) continue;
    const s = getComputedStyle(el);
    const fg = rgba(s.color), bg = background(el);
    if (!fg || !bg) continue;
    const shown = over(fg, bg);
    const l1 = lum(shown), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push('contrast ' + ratio.toFixed(2) + ' < ' + need + ' ' + desc(el) + ' (' + s.color + ' on ' + 'rgb(' + bg.slice(0, 3).map(Math.round).join(',') + '))');
  }
  return out;
})()`

// focusNow describes the focused element and whether the focus shows (an
// outline or a box shadow); "body" when nothing is focused.
const focusNow = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'body';
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
  let d = el.tagName.toLowerCase();
  if (el.id) d += '#' + el.id;
  const href = el.getAttribute('href');
  if (href) d += '[href=' + href + ']';
  return (ring ? 'ring ' : 'NO-RING ') + d;
})()`

// crawl opens every same-site page reachable by links from start (up to
// limit pages), calling visit on each. Downloads, exports, logout and
// pages of actions are left out: they are not pages.
func crawl(t *testing.T, tab *browsertest.Tab, start string, limit int, visit func(path string)) []string {
	t.Helper()
	skip := func(p string) bool {
		for _, s := range []string{"/logout", "/export", ".csv", ".json", "/static/", "/api/", "download"} {
			if strings.Contains(p, s) {
				return true
			}
		}
		return false
	}
	queue, seen := []string{start}, map[string]bool{start: true}
	var visited []string
	for len(queue) > 0 && len(visited) < limit {
		p := queue[0]
		queue = queue[1:]
		if code := tab.Open(p); code != 200 {
			t.Errorf("%s answered %d", p, code)
			continue
		}
		visited = append(visited, p)
		visit(p)
		hrefs := browsertest.Run(tab, "links of "+p, chromedp.Evaluate[[]string](`[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))`))
		for _, h := range hrefs {
			u, err := url.Parse(h)
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") || skip(u.Path) {
				continue
			}
			// One page per path: the query variants (filters, paging) use
			// the same template.
			if !seen[u.Path] {
				seen[u.Path] = true
				queue = append(queue, u.Path)
			}
		}
	}
	return visited
}

// TestAccessibility crawls every page an analyst and a hub admin reach
// from the home page and audits each (labels, names, keyboard reach,
// contrast AA, lang and title); then tabs through each page's first
// controls and checks that the focus shows.
func TestAccessibility(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	h.SeedHostile(t)
	h.SeedPayments(t) // person pages with payment tables and the safeguarding flag
	site := browsertest.Serve(t, h)
	for _, who := range []string{webtest.AnalystNL, webtest.HubAdmin} {
		t.Run(who, func(t *testing.T) {
			tab := site.NewTab(t)
			tab.Open("/login")
			for _, f := range browsertest.Run(tab, "audit the login page", chromedp.Evaluate[[]string](audit)) {
				t.Errorf("/login: %s", f)
			}
			tab.Login(who, webtest.Password(who))
			if who == webtest.AnalystNL {
				// The audit finds what it looks for: a grey-on-white line,
				// an unlabelled input and a clickable div, added by hand.
				const broken = `(() => {
  const p = document.createElement('p'); p.textContent = 'faint text'; p.style.color = '#aaaaaa'; p.style.background = '#ffffff';
  const i = document.createElement('input'); i.id = 'a11y-probe';
  const d = document.createElement('div'); d.textContent = 'click me'; d.setAttribute('hx-get', '/');
  document.body.append(p, i, d);
  return true;
})()`
				browsertest.Run(tab, "break the page", chromedp.Evaluate[bool](broken))
				got := strings.Join(browsertest.Run(tab, "audit the broken page", chromedp.Evaluate[[]string](audit)), "\n")
				for _, want := range []string{"contrast 2.32 < 4.5 p", "unlabelled input#a11y-probe", "click-only div"} {
					if !strings.Contains(got, want) {
						t.Errorf("the audit missed %q in:\n%s", want, got)
					}
				}
			}
			pages := crawl(t, tab, "/", 80, func(p string) {
				for _, f := range browsertest.Run(tab, "audit "+p, chromedp.Evaluate[[]string](audit)) {
					t.Errorf("%s: %s", p, f)
				}
				var stops []string
				for range 12 {
					tab.Do("tab", chromedp.KeyEvent("\t"))
					f := browsertest.Run(tab, "focus on "+p, chromedp.Evaluate[string](focusNow))
					if f == "body" {
						break
					}
					stops = append(stops, f)
					if strings.HasPrefix(f, "NO-RING") {
						t.Errorf("%s: the focus does not show on %s", p, strings.TrimPrefix(f, "NO-RING "))
					}
				}
				if len(stops) == 0 {
					t.Errorf("%s: the Tab key reaches nothing", p)
				}
			})
			if len(pages) < 5 {
				t.Errorf("crawled only %q", pages)
			}
			t.Logf("%s: audited %d pages: %s", who, len(pages), strings.Join(pages, " "))
			clean(t, tab)
		})
	}
}

// TestKeyboardOnly logs in, opens a case and filters its files without a
// mouse: Tab to each control, type, and Enter.
func TestKeyboardOnly(t *testing.T) {
	site := browsertest.Serve(t, webtest.New(t, storetest.OpenSQLite))
	tab := site.NewTab(t)
	tab.Open("/login")
	// tabTo presses Tab until the focused element matches sel.
	tabTo := func(sel string) {
		t.Helper()
		for range 60 {
			tab.Do("tab", chromedp.KeyEvent("\t"))
			if browsertest.Run(tab, "focus", chromedp.Evaluate[bool](`document.activeElement && document.activeElement.matches(`+jsString(sel)+`)`)) {
				return
			}
		}
		t.Fatalf("%s: Tab never reaches %s", tab.Path(), sel)
	}
	tabTo("#username")
	tab.Do("type the user", chromedp.KeyEvent(webtest.AnalystNL))
	tabTo("#password")
	tab.Do("type the password and Enter", chromedp.KeyEvent(webtest.Password(webtest.AnalystNL)), chromedp.KeyEvent("\r"))
	tab.Do("logged in", chromedp.WaitVisible(chromedp.ID("me-name")))
	tabTo(`a[href="/cases/` + webtest.CaseNL + `"]`)
	tab.Do("open the case", chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.ID("count-matched")))
	tabTo(`a[href="/cases/` + webtest.CaseNL + `/files"]`)
	tab.Do("open the files", chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS(`#f-status`)))
	tabTo(`#f-status`)
	// A focused select takes the first letter of an option.
	tab.Do("choose matched", chromedp.KeyEvent("m"))
	// Enter on a select does not submit its form: Tab on to the button.
	tabTo(`#file-filters button[type="submit"]`)
	tab.Do("submit the filter", chromedp.KeyEvent("\r"))
	for i := 0; i < 100 && !strings.Contains(tab.Path(), "status=matched"); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	tab.Do("filtered", chromedp.WaitVisible(chromedp.ID("file-table")))
	if !strings.Contains(tab.Path(), "status=matched") {
		t.Fatalf("after filtering: %s", tab.Path())
	}
	if rows := tab.Count("#file-table tbody tr"); rows != 1 {
		t.Errorf("matched files listed: %d", rows)
	}
	clean(t, tab)
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}
