package stealerlog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Default limits of a Parser.
const (
	DefaultMaxFileBytes = 64 << 20
	DefaultMaxLineBytes = 64 << 10
	DefaultMaxFiles     = 20000
	DefaultMaxWarnings  = 1000
	DefaultMaxDepth     = 12
)

// Parser reads victim folders. The zero value uses the defaults.
type Parser struct {
	MaxFileBytes int64 // larger files are read up to this size, with a warning
	MaxLineBytes int   // longer lines are skipped, with a warning
	MaxFiles     int   // files looked at per victim folder
	MaxWarnings  int   // warnings kept per log
	MaxDepth     int   // folder depth searched by Walk and inside a victim folder
}

func (p *Parser) limits() Parser {
	q := *p
	if q.MaxFileBytes <= 0 {
		q.MaxFileBytes = DefaultMaxFileBytes
	}
	if q.MaxLineBytes <= 0 {
		q.MaxLineBytes = DefaultMaxLineBytes
	}
	if q.MaxFiles <= 0 {
		q.MaxFiles = DefaultMaxFiles
	}
	if q.MaxWarnings <= 0 {
		q.MaxWarnings = DefaultMaxWarnings
	}
	if q.MaxDepth <= 0 {
		q.MaxDepth = DefaultMaxDepth
	}
	return q
}

// ParseLog reads the victim folder name of fsys with the default limits.
func ParseLog(ctx context.Context, fsys fs.FS, name string) (*Log, error) {
	var p Parser
	return p.ParseLog(ctx, fsys, name)
}

// Walk finds the victim folders under the root of fsys with the default
// limits and calls fn for each parsed log.
func Walk(ctx context.Context, fsys fs.FS, fn func(*Log) error) error {
	var p Parser
	return p.Walk(ctx, fsys, fn)
}

// ParseLog reads one victim folder. Problems inside files become
// warnings; an error is returned only when the folder itself cannot be
// read or ctx is done.
func (p *Parser) ParseLog(ctx context.Context, fsys fs.FS, name string) (*Log, error) {
	lim := p.limits()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name = path.Clean(name)
	if _, err := fs.ReadDir(fsys, name); err != nil {
		return nil, fmt.Errorf("read victim folder %s: %w", name, err)
	}
	lg := &Log{ID: path.Base(name), Path: name}
	if name == "." {
		lg.ID = "."
	}
	dropped := 0
	warn := func(w Warning) {
		lg.Losses.add(w.Kind)
		if len(lg.Warnings) < lim.MaxWarnings {
			lg.Warnings = append(lg.Warnings, w)
		} else {
			dropped++
		}
	}

	type file struct{ rel, role string }
	var files []file
	nfiles := 0
	err := fs.WalkDir(fsys, name, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == name {
				return err
			}
			warn(Warning{File: relPath(name, p), Reason: "cannot read: " + err.Error(), Kind: LossUnreadable})
			return nil
		}
		rel := relPath(name, p)
		if d.IsDir() {
			if p == name {
				return nil
			}
			low := strings.ToLower(d.Name())
			if skipDirs[low] || strings.Count(rel, "/") >= lim.MaxDepth {
				return fs.SkipDir
			}
			if walletDirs[low] {
				lg.Wallets = append(lg.Wallets, listWallets(fsys, p, rel)...)
				return fs.SkipDir
			}
			return nil
		}
		nfiles++
		if nfiles > lim.MaxFiles {
			warn(Warning{File: relPath(name, p), Reason: fmt.Sprintf("more than %d files: rest of the folder skipped", lim.MaxFiles), Kind: LossSkipped})
			return fs.SkipAll
		}
		if r := role(rel); r != "" {
			files = append(files, file{rel, r})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk victim folder %s: %w", name, err)
	}
	// System information first (family detection needs it), then the rest
	// in path order so that results do not depend on the FS's order.
	sort.SliceStable(files, func(i, j int) bool {
		if (files[i].role == roleSysInfo) != (files[j].role == roleSysInfo) {
			return files[i].role == roleSysInfo
		}
		return files[i].rel < files[j].rel
	})

	var (
		sysName, sysText, banner string
		style                    labelStyle
		seen                     = map[[3]string]bool{}
	)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		full := path.Join(name, f.rel)
		raw, size, rerr := readCapped(fsys, full, lim.MaxFileBytes)
		if rerr != nil {
			warn(Warning{File: f.rel, Reason: "cannot read: " + rerr.Error(), Kind: LossUnreadable})
			continue
		}
		if size > lim.MaxFileBytes {
			warn(Warning{File: f.rel, Reason: fmt.Sprintf("file of %d bytes read up to %d bytes", size, lim.MaxFileBytes), Kind: LossTruncated})
		}
		text, enc := decodeText(raw)
		lg.Files = append(lg.Files, SourceFile{Path: f.rel, Role: f.role, Size: size, Encoding: enc})
		switch f.role {
		case roleSysInfo:
			if sysName != "" {
				continue // the first (sorted) one wins; others are listed in Files
			}
			si, b := parseSysInfo(text, f.rel, lim.MaxLineBytes, warn)
			if len(si.Fields) == 0 {
				continue
			}
			lg.System, sysName, sysText = si, path.Base(f.rel), text
			if banner == "" {
				banner = b
			}
		case rolePasswords:
			creds, b, st := parsePasswords(text, f.rel, lim.MaxLineBytes, warn)
			for _, c := range creds {
				k := [3]string{c.URL, c.Login, c.Password}
				if seen[k] {
					continue // resellers add "All Passwords.txt" copies
				}
				seen[k] = true
				lg.Credentials = append(lg.Credentials, c)
			}
			if b != "" && !strings.Contains(banner, b) {
				banner = strings.TrimSpace(banner + "\n" + b)
			}
			style.soft = style.soft || st.soft
			style.host = style.host || st.host
			style.lowerURL = style.lowerURL || st.lowerURL
			style.browser = style.browser || st.browser
			style.upperUser = style.upperUser || st.upperUser
			style.username = style.username || st.username
		case roleCookies:
			lg.Cookies = append(lg.Cookies, parseCookies(text, f.rel, lim.MaxLineBytes, warn)...)
		case roleAutofill:
			lg.Autofill = append(lg.Autofill, parseAutofill(text, f.rel, lim.MaxLineBytes, warn)...)
		case roleHistory:
			lg.History = append(lg.History, parseHistory(text, f.rel, lim.MaxLineBytes, warn)...)
		case roleDomainDetect:
			lg.DomainDetects = append(lg.DomainDetects, parseDomainDetects(text, f.rel, lim.MaxLineBytes, warn)...)
		}
	}
	if sysName == "" && len(lg.Credentials) == 0 && len(lg.Cookies) == 0 {
		warn(Warning{File: ".", Reason: "no system information, passwords or cookies found"})
	}
	lg.Family = detectFamily(sysName, lg.System, sysText, banner, style)
	if cc, hwid := parseFolderName(lg.ID); hwid != "" {
		if lg.System.HWID == "" {
			lg.System.HWID = hwid
		}
		if lg.System.Country == "" {
			lg.System.Country = cc
		}
	}
	if dropped > 0 {
		lg.Warnings = append(lg.Warnings, Warning{File: ".", Reason: fmt.Sprintf("%d more warnings dropped", dropped)})
	}
	return lg, nil
}

func relPath(root, p string) string {
	if root == "." {
		return p
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
}

func listWallets(fsys fs.FS, dir, rel string) []Wallet {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil
	}
	var out []Wallet
	for _, e := range ents {
		out = append(out, Wallet{Name: e.Name(), Path: path.Join(rel, e.Name())})
		if len(out) >= 1000 {
			break
		}
	}
	return out
}

func readCapped(fsys fs.FS, name string, max int64) ([]byte, int64, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var size int64 = -1
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, size, err
	}
	if int64(len(b)) > max {
		b = b[:max]
		if size <= max {
			size = max + 1
		}
	} else if size < 0 {
		size = int64(len(b))
	}
	return b, size, nil
}

// Walk finds victim folders. A folder is one when it directly holds a
// family's system-information file (UserInformation.txt, information.txt,
// system_info.txt, System.txt, System Info.txt); or a generic one
// (info.txt, UserInfo.txt, …) or a passwords file (the generic name rule),
// unless one of its subfolders holds a family's system-information file,
// in which case it is a batch folder with a seller's list on top. Victim
// folders are not searched for further victim folders. Folders are
// visited in name order; an error from fn stops the walk and is returned.
func (p *Parser) Walk(ctx context.Context, fsys fs.FS, fn func(*Log) error) error {
	return p.WalkParallel(ctx, fsys, 1, fn)
}

// FindVictims calls fn with the path of every victim folder (see Walk),
// in name order, without parsing them.
func (p *Parser) FindVictims(ctx context.Context, fsys fs.FS, fn func(dir string) error) error {
	lim := p.limits()
	return p.find(ctx, fsys, ".", 0, lim.MaxDepth, fn)
}

// WalkParallel is Walk with the victim folders parsed by up to workers
// goroutines (workers < 1 means GOMAXPROCS). fn is still called from one
// goroutine at a time and in the same order as Walk, so the results do not
// depend on the number of workers. At most 4×workers parsed logs wait
// for delivery.
func (p *Parser) WalkParallel(ctx context.Context, fsys fs.FS, workers int, fn func(*Log) error) error {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 {
		return p.FindVictims(ctx, fsys, func(dir string) error {
			lg, err := p.ParseLog(ctx, fsys, dir)
			if err != nil {
				return err
			}
			return fn(lg)
		})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		lg  *Log
		err error
	}
	// Each folder gets a slot channel; the deliverer reads the slots in
	// discovery order. The queue bounds the folders in flight.
	queue := make(chan chan result, 4*workers)
	jobs := make(chan struct {
		dir  string
		slot chan result
	})
	var findErr error
	go func() {
		defer close(queue)
		defer close(jobs)
		findErr = p.FindVictims(ctx, fsys, func(dir string) error {
			slot := make(chan result, 1)
			select {
			case queue <- slot:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- struct {
				dir  string
				slot chan result
			}{dir, slot}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	// No goroutine may touch fsys after return: the caller may close it.
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				lg, err := p.ParseLog(ctx, fsys, j.dir)
				j.slot <- result{lg, err}
			}
		}()
	}
	var firstErr error
	for slot := range queue {
		if firstErr != nil {
			continue // drain so that the finder can finish
		}
		var r result
		select {
		case r = <-slot:
		case <-ctx.Done():
			firstErr = ctx.Err()
			cancel()
			continue
		}
		if r.err == nil {
			r.err = fn(r.lg)
		}
		if r.err != nil {
			firstErr = r.err
			cancel()
		}
	}
	if firstErr != nil {
		return firstErr
	}
	return findErr
}

func (p *Parser) find(ctx context.Context, fsys fs.FS, dir string, depth, maxDepth int, fn func(string) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("read folder %s: %w", dir, err)
	}
	victim := false
	switch markerStrength(ents) {
	case strongMarker:
		victim = true
	case weakMarker:
		// A password list or a generic "info.txt" may also be a seller's
		// file at the top of a batch: when a subfolder has a strong
		// marker, this folder is a batch, not a victim.
		victim = !subfolderHasStrongMarker(fsys, dir, ents)
	}
	if victim {
		return fn(dir)
	}
	if depth >= maxDepth {
		return nil
	}
	for _, e := range ents {
		if !e.IsDir() || skipDirs[strings.ToLower(e.Name())] {
			continue
		}
		if err := p.find(ctx, fsys, path.Join(dir, e.Name()), depth+1, maxDepth, fn); err != nil {
			return err
		}
	}
	return nil
}

// IsVictimFolder reports whether a folder with these entries is a victim
// folder on its own evidence (see Walk, which also looks one level down
// when the evidence is weak).
func IsVictimFolder(ents []fs.DirEntry) bool { return markerStrength(ents) != noMarker }

const (
	noMarker = iota
	weakMarker
	strongMarker
)

// markerStrength: a family's system-information file is strong; a
// generic system-information name or a passwords file is weak.
func markerStrength(ents []fs.DirEntry) int {
	m := noMarker
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		name := strings.ToLower(e.Name())
		if fam, ok := sysInfoNames[name]; ok && (fam != "" || name == "information.txt" || name == "system.txt") {
			return strongMarker
		}
		if _, ok := sysInfoNames[name]; ok || isPasswordFile(name) {
			m = weakMarker
		}
	}
	return m
}

func subfolderHasStrongMarker(fsys fs.FS, dir string, ents []fs.DirEntry) bool {
	n := 0
	for _, e := range ents {
		if !e.IsDir() || skipDirs[strings.ToLower(e.Name())] {
			continue
		}
		if n++; n > 64 {
			return false
		}
		sub, err := fs.ReadDir(fsys, path.Join(dir, e.Name()))
		if err == nil && markerStrength(sub) == strongMarker {
			return true
		}
	}
	return false
}
