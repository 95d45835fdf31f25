package stealerlog

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
)

// PasswordMode says how profiles show passwords.
type PasswordMode int

// Password modes.
const (
	// MaskPartial (the default) keeps the first and last character and
	// the length of passwords of 6 or more characters ("P**********!");
	// shorter ones become one '*' per character.
	MaskPartial PasswordMode = iota
	// MaskHMAC replaces a password with "hmac:" and the first 16 hex
	// digits of HMAC-SHA-256 under ProfileOptions.HMACKey: equal
	// passwords give equal values within a case (reuse stays visible),
	// and without the key the value reveals nothing.
	MaskHMAC
	// KeepPasswords keeps passwords in clear.
	KeepPasswords
)

// ProfileOptions tune profiles.
type ProfileOptions struct {
	Passwords PasswordMode
	HMACKey   []byte // required by MaskHMAC
}

// ErrNoHMACKey is returned when MaskHMAC is asked for without a key.
var ErrNoHMACKey = errors.New("password mode hmac needs a key")

func (o ProfileOptions) validate() error {
	if o.Passwords == MaskHMAC && len(o.HMACKey) == 0 {
		return ErrNoHMACKey
	}
	return nil
}

// MaskPassword applies the mode to one password.
func MaskPassword(p string, o ProfileOptions) string {
	switch o.Passwords {
	case KeepPasswords:
		return p
	case MaskHMAC:
		if p == "" {
			return ""
		}
		m := hmac.New(sha256.New, o.HMACKey)
		m.Write([]byte(p))
		return "hmac:" + hex.EncodeToString(m.Sum(nil)[:8])
	}
	r := []rune(p)
	if len(r) < 6 {
		return strings.Repeat("*", len(r))
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// Profile is what an infected machine (or, for ULP files, one login)
// tells about the person behind the watched-site activity.
type Profile struct {
	LogID       string              `json:"log_id,omitempty"`
	LogPath     string              `json:"log_path,omitempty"`
	Family      Family              `json:"family"`
	System      SystemInfo          `json:"system"`          // Fields left out
	Sites       []SiteHit           `json:"sites,omitempty"` // watched sites touched, by pattern
	Identifiers []ProfileIdentifier `json:"identifiers,omitempty"`
	Reuse       []LoginReuse        `json:"reuse,omitempty"` // logins used on watched sites, and elsewhere
	Rank        Rank                `json:"rank"`
	Warnings    int                 `json:"warnings,omitempty"`
}

// SiteHit is one watched site and the evidence that the machine used it.
type SiteHit struct {
	Entry    watchlist.Entry `json:"entry"`
	Accounts []Account       `json:"accounts,omitempty"` // saved credentials for the site
	Evidence []Evidence      `json:"evidence,omitempty"` // cookies, history entries, stealer domain detects
}

// Account is a credential on a watched site; Password follows the
// profile's PasswordMode.
type Account struct {
	URL         string `json:"url"`
	Host        string `json:"host"`
	Login       string `json:"login"`
	LoginKind   string `json:"login_kind,omitempty"` // email, phone or username
	LoginKey    string `json:"login_key,omitempty"`  // normalised login
	Password    string `json:"password"`
	Application string `json:"application,omitempty"`
	File        string `json:"file,omitempty"`
	Line        int64  `json:"line"`
}

// Evidence is a non-credential trace of a watched site.
type Evidence struct {
	Kind string `json:"kind"` // cookie, history, domain_detect
	Host string `json:"host"`
	URL  string `json:"url"`            // history only
	Name string `json:"name,omitempty"` // cookie name
	File string `json:"file,omitempty"`
	Line int    `json:"line"`
}

// ProfileIdentifier is an identifier found in the log, with where.
type ProfileIdentifier struct {
	Kind    string   `json:"kind"`
	Value   string   `json:"value"`             // normalised
	Sources []string `json:"sources,omitempty"` // "file:line" (or "file"), at most 20
}

// LoginReuse lists, for one login used on watched sites, the watched
// sites and the other sites where the same login was saved.
type LoginReuse struct {
	Login        string   `json:"login"` // normalised
	Kind         string   `json:"kind"`
	WatchedSites []string `json:"watched_sites,omitempty"` // watchlist patterns
	OtherSites   []string `json:"other_sites,omitempty"`   // hosts
}

// Rank holds the ordering keys (see SortProfiles).
type Rank struct {
	WatchedSites    int `json:"watched_sites,omitempty"`    // distinct watchlist entries touched
	CredentialSites int `json:"credential_sites,omitempty"` // of which with a saved credential
	ReusedLogins    int `json:"reused_logins,omitempty"`    // logins on watched sites also saved elsewhere
	Identifiers     int `json:"identifiers,omitempty"`
}

// SortProfiles orders profiles for review: more distinct watched sites
// first (the multi-site users Recorded Future prioritised); then more
// watched sites with a saved credential (a login beats a cookie or a
// history entry); then more logins reused on other sites (the pivot to a
// real identity); then more identifiers; then by log ID for a stable
// order.
func SortProfiles(ps []*Profile) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Rank, ps[j].Rank
		switch {
		case a.WatchedSites != b.WatchedSites:
			return a.WatchedSites > b.WatchedSites
		case a.CredentialSites != b.CredentialSites:
			return a.CredentialSites > b.CredentialSites
		case a.ReusedLogins != b.ReusedLogins:
			return a.ReusedLogins > b.ReusedLogins
		case a.Identifiers != b.Identifiers:
			return a.Identifiers > b.Identifiers
		}
		return ps[i].LogID < ps[j].LogID
	})
}

// matchHost matches a credential host, trying an Android package name
// reversed (org.example.app → app.example.org) as well.
func matchHost(wl *watchlist.Watchlist, host, url string, android bool) (watchlist.Entry, bool) {
	if e, ok := wl.Match(host, url); ok {
		return e, true
	}
	if android {
		labels := strings.Split(host, ".")
		for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
			labels[i], labels[j] = labels[j], labels[i]
		}
		return wl.Match(strings.Join(labels, "."), "")
	}
	return watchlist.Entry{}, false
}

// BuildProfile returns the profile of a log, or false when nothing in it
// touches a watched site.
func BuildProfile(lg *Log, wl *watchlist.Watchlist, opt ProfileOptions) (*Profile, bool, error) {
	if err := opt.validate(); err != nil {
		return nil, false, err
	}
	sites := map[string]*SiteHit{}
	site := func(e watchlist.Entry) *SiteHit {
		s := sites[e.Pattern]
		if s == nil {
			s = &SiteHit{Entry: e}
			sites[e.Pattern] = s
		}
		return s
	}
	watchedLogins := map[string][]string{} // login key → patterns
	for _, c := range lg.Credentials {
		e, ok := matchHost(wl, c.Host, c.URL, c.Android)
		if !ok {
			continue
		}
		kind, key := ClassifyLogin(c.Login)
		s := site(e)
		s.Accounts = append(s.Accounts, Account{
			URL: c.URL, Host: c.Host, Login: c.Login, LoginKind: kind, LoginKey: key,
			Password: MaskPassword(c.Password, opt), Application: c.Application, File: c.File, Line: int64(c.Line),
		})
		if c.Login != "" {
			watchedLogins[key] = appendUniq(watchedLogins[key], e.Pattern)
		}
	}
	for _, c := range lg.Cookies {
		d := strings.TrimPrefix(c.Domain, ".")
		if e, ok := wl.Match(d, "https://"+d+c.Path); ok {
			s := site(e)
			s.Evidence = append(s.Evidence, Evidence{Kind: "cookie", Host: d, Name: c.Name, File: c.File, Line: c.Line})
		}
	}
	for _, h := range lg.History {
		if e, ok := wl.Match("", h.URL); ok {
			s := site(e)
			hh, _ := hostOf(h.URL)
			s.Evidence = append(s.Evidence, Evidence{Kind: "history", Host: hh, URL: h.URL, File: h.File, Line: h.Line})
		}
	}
	for _, d := range lg.DomainDetects {
		if e, ok := wl.Match(d.Domain, ""); ok {
			s := site(e)
			s.Evidence = append(s.Evidence, Evidence{Kind: "domain_detect", Host: d.Domain, File: d.File, Line: d.Line})
		}
	}
	if len(sites) == 0 {
		return nil, false, nil
	}
	p := &Profile{LogID: lg.ID, LogPath: lg.Path, Family: lg.Family, System: lg.System, Warnings: len(lg.Warnings)}
	p.System.Fields = nil
	for _, s := range sites {
		p.Sites = append(p.Sites, *s)
		if len(s.Accounts) > 0 {
			p.Rank.CredentialSites++
		}
	}
	sort.Slice(p.Sites, func(i, j int) bool { return p.Sites[i].Entry.Pattern < p.Sites[j].Entry.Pattern })
	p.Rank.WatchedSites = len(p.Sites)

	// Reuse: the other hosts where a watched-site login was saved.
	others := map[string][]string{} // login key → unwatched hosts
	if len(watchedLogins) > 0 {
		for _, c := range lg.Credentials {
			if c.Login == "" {
				continue
			}
			key := LoginKey(c.Login)
			if _, ok := watchedLogins[key]; !ok {
				continue
			}
			if _, ok := matchHost(wl, c.Host, c.URL, c.Android); !ok {
				others[key] = appendUniq(others[key], c.Host)
			}
		}
	}
	for key, pats := range watchedLogins {
		r := LoginReuse{Login: key, WatchedSites: pats, OtherSites: others[key]}
		r.Kind, _ = ClassifyLogin(key)
		sort.Strings(r.WatchedSites)
		sort.Strings(r.OtherSites)
		if len(r.OtherSites) > 0 {
			p.Rank.ReusedLogins++
		}
		p.Reuse = append(p.Reuse, r)
	}
	sort.Slice(p.Reuse, func(i, j int) bool {
		if len(p.Reuse[i].WatchedSites) != len(p.Reuse[j].WatchedSites) {
			return len(p.Reuse[i].WatchedSites) > len(p.Reuse[j].WatchedSites)
		}
		return p.Reuse[i].Login < p.Reuse[j].Login
	})
	p.Identifiers = logIdentifiers(lg)
	p.Rank.Identifiers = len(p.Identifiers)
	return p, true, nil
}

func appendUniq(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// kindOrder sorts identifiers: the ones closest to a person first.
var kindOrder = map[string]int{
	KindEmail: 0, KindPhone: 1, KindName: 2, KindUsername: 3, KindAddress: 4,
	KindOSUser: 5, KindMachine: 6, KindHWID: 7, KindIP: 8, KindCountry: 9, KindWallet: 10,
}

type idSet struct {
	m     map[[2]string]*ProfileIdentifier
	order []*ProfileIdentifier
}

func (s *idSet) add(kind, value, source string) {
	if value == "" {
		return
	}
	k := [2]string{kind, value}
	id := s.m[k]
	if id == nil {
		id = &ProfileIdentifier{Kind: kind, Value: value}
		s.m[k] = id
		s.order = append(s.order, id)
	}
	if len(id.Sources) < 20 {
		id.Sources = appendUniq(id.Sources, source)
	}
}

func logIdentifiers(lg *Log) []ProfileIdentifier {
	s := &idSet{m: map[[2]string]*ProfileIdentifier{}}
	si := lg.System
	src := si.Source
	if src == "" {
		src = "folder name"
	}
	for _, c := range lg.Credentials {
		if c.Login == "" {
			continue
		}
		kind, key := ClassifyLogin(c.Login)
		s.add(kind, key, fmt.Sprintf("%s:%d", c.File, c.Line))
	}
	for _, a := range lg.Autofill {
		for _, f := range autofillIdentifiers(a) {
			s.add(f.kind, f.value, fmt.Sprintf("%s:%d", a.File, a.Line))
		}
	}
	for _, w := range lg.Wallets {
		s.add(KindWallet, w.Name, w.Path)
	}
	s.add(KindIP, si.IP, src)
	s.add(KindCountry, strings.ToUpper(si.Country), src)
	s.add(KindHWID, strings.ToUpper(si.HWID), src)
	s.add(KindMachine, si.MachineName, src)
	s.add(KindOSUser, si.UserName, src)
	out := make([]ProfileIdentifier, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, *id)
	}
	sort.SliceStable(out, func(i, j int) bool {
		oi, iok := kindOrder[out[i].Kind]
		oj, jok := kindOrder[out[j].Kind]
		if !iok {
			oi = 50
		}
		if !jok {
			oj = 50
		}
		if oi != oj {
			return oi < oj
		}
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Value < out[j].Value
	})
	return out
}
