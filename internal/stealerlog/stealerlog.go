// Package stealerlog reads infostealer logs and finds the infected
// machines that touched watched sites.
//
// A Log is one infected machine: one victim folder of a stealer batch,
// with its system information, saved credentials, cookies, autofill
// entries, history, wallet folders and the warnings raised while reading
// it. ParseLog reads one victim folder from an fs.FS; Walk finds the
// victim folders of a batch. The families RedLine/META, Vidar, RisePro,
// StealC, Lumma and Raccoon are recognised by their file names and
// headers (see docs/stealer-logs.md); anything else that has a passwords
// file is read by the generic rules. All families share one label-driven
// reader, because their layouts differ in file names and labels only, so
// a family is a row in a table (family.go), not a package.
//
// Sub-packages: watchlist holds the watched sites and matching; ulp reads
// URL:LOGIN:PASS combo files at disk speed.
//
// Scan ties these together: every log with a credential, cookie, history
// entry or stealer "domain detect" on a watched site becomes a Profile,
// which collects every identifier in the log that may lead to a person
// (e-mail addresses, logins, phone numbers, autofill names, wallets, IP,
// HWID, machine and user names), the logins used on the watched sites and
// the other sites where the same login appears. Passwords are masked in
// profiles unless asked otherwise.
//
// The package is pure: fs.FS and io.Reader in, values out. It never
// writes to its input and never logs credential values.
package stealerlog

import (
	"fmt"
	"time"
)

// Family names a stealer family.
type Family string

// Families recognised.
const (
	RedLine Family = "redline"
	Meta    Family = "meta"
	Vidar   Family = "vidar"
	RisePro Family = "risepro"
	StealC  Family = "stealc"
	Lumma   Family = "lumma"
	Raccoon Family = "raccoon"
	Generic Family = "generic"
)

// Log is one infected machine (one victim folder). The File of every
// record, file and warning is relative to Path.
type Log struct {
	ID            string         `json:"id,omitempty"`   // the victim folder's base name
	Path          string         `json:"path,omitempty"` // the victim folder inside the fs.FS ("." for its root)
	Family        Family         `json:"family"`
	System        SystemInfo     `json:"system"`
	Credentials   []Credential   `json:"credentials,omitempty"`
	Cookies       []Cookie       `json:"cookies,omitempty"`
	Autofill      []Autofill     `json:"autofill,omitempty"`
	History       []HistoryEntry `json:"history,omitempty"`
	Wallets       []Wallet       `json:"wallets,omitempty"`
	DomainDetects []DomainDetect `json:"domain_detects,omitempty"`
	Files         []SourceFile   `json:"files,omitempty"` // the files read, in walk order
	Warnings      []Warning      `json:"warnings,omitempty"`
	// Losses counts the files of the folder whose content was lost (all
	// of them, also past the kept warnings).
	Losses Losses `json:"losses,omitzero"`
}

// Losses counts files whose content a scan could not read in full.
type Losses struct {
	Unreadable int `json:"unreadable,omitempty"` // encrypted without the password, corrupt, unreadable
	Truncated  int `json:"truncated,omitempty"`  // read only up to the size cap
	Skipped    int `json:"skipped,omitempty"`    // past the per-folder file cap
}

// Total is the number of files concerned.
func (l Losses) Total() int { return l.Unreadable + l.Truncated + l.Skipped }

func (l *Losses) add(kind string) {
	switch kind {
	case LossUnreadable:
		l.Unreadable++
	case LossTruncated:
		l.Truncated++
	case LossSkipped:
		l.Skipped++
	}
}

// Add sums o into l.
func (l *Losses) Add(o Losses) {
	l.Unreadable += o.Unreadable
	l.Truncated += o.Truncated
	l.Skipped += o.Skipped
}

// SystemInfo is what the stealer recorded about the machine. Values are
// kept as written; LogTime is set when the log date could be parsed.
type SystemInfo struct {
	IP          string    `json:"ip,omitempty"`
	Country     string    `json:"country,omitempty"`
	Location    string    `json:"location,omitempty"`
	ZIP         string    `json:"zip,omitempty"`
	HWID        string    `json:"hwid,omitempty"`
	MachineID   string    `json:"machine_id,omitempty"`
	GUID        string    `json:"guid,omitempty"`
	MachineName string    `json:"machine_name,omitempty"`
	UserName    string    `json:"user_name,omitempty"`
	OS          string    `json:"os,omitempty"`
	TimeZone    string    `json:"time_zone,omitempty"`
	Language    string    `json:"language,omitempty"`
	BuildID     string    `json:"build_id,omitempty"`
	InstallDate string    `json:"install_date,omitempty"`
	LogDate     string    `json:"log_date,omitempty"`
	LogTime     time.Time `json:"log_time"`
	Source      string    `json:"source,omitempty"` // the file these came from
	Fields      []Field   `json:"fields,omitempty"` // every "key: value" line of the file, in order
}

// Field is one "key: value" line of a system-information file.
type Field struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
	Line  int    `json:"line"`
}

// Credential is one saved login.
type Credential struct {
	URL         string `json:"url"`  // as written (may be a bare host or android://…)
	Host        string `json:"host"` // lowercase host; for android:// the package name
	Android     bool   `json:"android,omitempty"`
	Login       string `json:"login"`
	Password    string `json:"password"`              // sensitive: masked in profiles
	Application string `json:"application,omitempty"` // browser/profile or application
	File        string `json:"file,omitempty"`
	Line        int    `json:"line"` // line of the record's first field
}

// Cookie is one line of a Netscape-format cookie file. Value is a session
// secret: treat it as sensitive.
type Cookie struct {
	Domain            string `json:"domain,omitempty"` // without the #HttpOnly_ prefix, leading dot kept
	IncludeSubdomains bool   `json:"include_subdomains,omitempty"`
	Path              string `json:"path,omitempty"`
	Secure            bool   `json:"secure,omitempty"`
	HTTPOnly          bool   `json:"http_only,omitempty"`
	Expires           int64  `json:"expires,omitempty"` // seconds since the epoch, 0 = session, as written
	Name              string `json:"name,omitempty"`
	Value             string `json:"value"`
	File              string `json:"file,omitempty"`
	Line              int    `json:"line"`
}

// Autofill is one saved form value.
type Autofill struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"value"`
	File  string `json:"file,omitempty"`
	Line  int    `json:"line"`
}

// HistoryEntry is one visited URL.
type HistoryEntry struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	File  string `json:"file,omitempty"`
	Line  int    `json:"line"`
}

// Wallet is a wallet folder or file the stealer collected.
type Wallet struct {
	Name string `json:"name,omitempty"` // e.g. "Exodus", "MetaMask"
	Path string `json:"path,omitempty"`
}

// DomainDetect is a domain listed by the stealer's own "domain detect"
// file (domains it found in the browser data).
type DomainDetect struct {
	Domain string `json:"domain,omitempty"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line"`
}

// SourceFile is a file that was read, with its role and text encoding.
type SourceFile struct {
	Path     string `json:"path,omitempty"`
	Role     string `json:"role,omitempty"` // sysinfo, passwords, cookies, autofill, history, domaindetect
	Size     int64  `json:"size,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// Warning is a problem in one file that did not stop the parse.
type Warning struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line"` // 0 when the warning is about the whole file
	Reason string `json:"reason,omitempty"`
	// Kind is set when content was lost: a file that could not be read
	// (LossUnreadable: encrypted, corrupt), was read only up to the size
	// cap (LossTruncated) or was not looked at (LossSkipped). Scan counts
	// these in its summary; "" is a remark about one line or field.
	Kind string `json:"kind,omitempty"`
}

// Warning kinds that mean content was lost.
const (
	LossUnreadable = "unreadable"
	LossTruncated  = "truncated"
	LossSkipped    = "skipped"
)

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", w.File, w.Line, w.Reason)
	}
	return fmt.Sprintf("%s: %s", w.File, w.Reason)
}
