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

// Log is one infected machine (one victim folder).
type Log struct {
	ID            string // the victim folder's base name
	Path          string // the victim folder inside the fs.FS ("." for its root)
	Family        Family
	System        SystemInfo
	Credentials   []Credential
	Cookies       []Cookie
	Autofill      []Autofill
	History       []HistoryEntry
	Wallets       []Wallet
	DomainDetects []DomainDetect
	Files         []SourceFile // the files read, in walk order
	Warnings      []Warning
}

// SystemInfo is what the stealer recorded about the machine. Values are
// kept as written; LogTime is set when the log date could be parsed.
type SystemInfo struct {
	IP          string
	Country     string
	Location    string
	ZIP         string
	HWID        string
	MachineID   string
	GUID        string
	MachineName string
	UserName    string
	OS          string
	TimeZone    string
	Language    string
	BuildID     string
	InstallDate string
	LogDate     string
	LogTime     time.Time
	Source      string  // the file these came from
	Fields      []Field // every "key: value" line of the file, in order
}

// Field is one "key: value" line of a system-information file.
type Field struct {
	Key   string
	Value string
	Line  int
}

// Credential is one saved login.
type Credential struct {
	URL         string // as written (may be a bare host or android://…)
	Host        string // lowercase host; for android:// the package name
	Android     bool
	Login       string
	Password    string // sensitive: masked in profiles
	Application string // browser/profile or application
	File        string
	Line        int // line of the record's first field
}

// Cookie is one line of a Netscape-format cookie file. Value is a session
// secret: treat it as sensitive.
type Cookie struct {
	Domain            string // without the #HttpOnly_ prefix, leading dot kept
	IncludeSubdomains bool
	Path              string
	Secure            bool
	HTTPOnly          bool
	Expires           int64 // seconds since the epoch, 0 = session, as written
	Name              string
	Value             string
	File              string
	Line              int
}

// Autofill is one saved form value.
type Autofill struct {
	Name  string
	Value string
	File  string
	Line  int
}

// HistoryEntry is one visited URL.
type HistoryEntry struct {
	URL   string
	Title string
	File  string
	Line  int
}

// Wallet is a wallet folder or file the stealer collected.
type Wallet struct {
	Name string // e.g. "Exodus", "MetaMask"
	Path string
}

// DomainDetect is a domain listed by the stealer's own "domain detect"
// file (domains it found in the browser data).
type DomainDetect struct {
	Domain string
	File   string
	Line   int
}

// SourceFile is a file that was read, with its role and text encoding.
type SourceFile struct {
	Path     string
	Role     string // sysinfo, passwords, cookies, autofill, history, domaindetect
	Size     int64
	Encoding string
}

// Warning is a problem in one file that did not stop the parse.
type Warning struct {
	File   string
	Line   int // 0 when the warning is about the whole file
	Reason string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", w.File, w.Line, w.Reason)
	}
	return fmt.Sprintf("%s: %s", w.File, w.Reason)
}
