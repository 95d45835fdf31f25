// Package whatsapp parses WhatsApp "Export chat" text files from Android
// and iOS, and the iOS .zip (`_chat.txt` plus media).
//
// WhatsApp writes local wall-clock times with no zone, in a layout that
// depends on the phone's locale: the parser accepts bracketed (iOS) and
// dash (Android) headers, day/month/year in any order with '/', '.' or '-',
// 12- or 24-hour clocks with ASCII and non-ASCII AM/PM markers, seconds or
// not, and the invisible direction marks and narrow no-break spaces
// exports contain. The day/month order is inferred over the whole file in
// a first pass that keeps only counters; the second pass emits messages.
// Memory is bounded by MaxLine and MaxMessage, not by the file.
package whatsapp

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/chatexport"
)

// Format is the format name used in Stats.
const Format = "whatsapp"

// Limits.
const (
	MaxLine    = 1 << 20 // bytes in one line; the rest of a longer line is dropped with a warning
	MaxMessage = 8 << 20 // bytes in one message's text; further lines are dropped with a warning
	// MaxZipInMemory bounds a zip read into memory when the file is not an io.ReaderAt.
	MaxZipInMemory = 1 << 30
)

// DateOrder is the order of the date fields in headers.
type DateOrder string

// Date orders.
const (
	OrderAuto DateOrder = ""
	OrderDMY  DateOrder = "DMY"
	OrderMDY  DateOrder = "MDY"
	OrderYMD  DateOrder = "YMD"
	OrderYDM  DateOrder = "YDM"
)

// Options adjust parsing.
type Options struct {
	// Order overrides the inferred day/month/year order.
	Order DateOrder
	// Name overrides the conversation name taken from the file name.
	Name string
}

// Sniff reports whether head (the first bytes of a file) looks like a
// WhatsApp chat export: one of its first lines starts with a header.
func Sniff(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	var nb []byte
	var ni []int
	for i := 0; i < 8 && len(head) > 0; i++ {
		line, rest, _ := bytes.Cut(head, []byte("\n"))
		head = rest
		l := strings.TrimRight(string(line), "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		var ok bool
		_, _, ok, nb, ni = matchHeader(l, nb, ni)
		if ok {
			return true
		}
	}
	return false
}

// Parse parses the .txt export at name in fsys. Attachments are looked up
// next to it.
func Parse(ctx context.Context, fsys fs.FS, name string, h chatexport.Handler) (chatexport.Stats, error) {
	return ParseOptions(ctx, fsys, name, h, Options{})
}

// ParseOptions is Parse with options.
func ParseOptions(ctx context.Context, fsys fs.FS, name string, h chatexport.Handler, opt Options) (chatexport.Stats, error) {
	st := chatexport.Stats{Format: Format, Files: []string{name}}
	p := &parser{ctx: ctx, fsys: fsys, file: name, dir: path.Dir(name), st: &st, opt: opt, em: chatexport.NewEmitter(fsys, h, &st)}
	open := func() (io.ReadCloser, error) { return fsys.Open(name) }
	if err := p.run(open, convName(name, opt.Name), ""); err != nil {
		return st, fmt.Errorf("whatsapp: parse %s: %w", name, err)
	}
	return st, nil
}

// ParseZip parses an iOS export zip at name in fsys: it finds `_chat.txt`
// (or a single chat .txt) inside and resolves attachments inside the zip.
// Conversation.Archive is set to name.
func ParseZip(ctx context.Context, fsys fs.FS, name string, h chatexport.Handler, opt Options) (chatexport.Stats, error) {
	st := chatexport.Stats{Format: Format, Files: []string{name}}
	zr, closer, err := openZip(fsys, name)
	if err != nil {
		return st, fmt.Errorf("whatsapp: open zip %s: %w", name, err)
	}
	defer closer.Close()
	txt, err := FindChatInZip(zr)
	if err != nil {
		return st, fmt.Errorf("whatsapp: zip %s: %w", name, err)
	}
	st.Files = []string{name + "!" + txt}
	p := &parser{ctx: ctx, fsys: zr, file: txt, dir: path.Dir(txt), st: &st, opt: opt, em: chatexport.NewEmitter(zr, h, &st), archive: name}
	open := func() (io.ReadCloser, error) { return zr.Open(txt) }
	cname := opt.Name
	if cname == "" {
		cname = convName(name, "")
	}
	if err := p.run(open, cname, name); err != nil {
		return st, fmt.Errorf("whatsapp: parse %s!%s: %w", name, txt, err)
	}
	return st, nil
}

// FindChatInZip returns the chat text file inside an export zip:
// `_chat.txt` at any depth, else the only .txt whose start looks like a
// chat.
func FindChatInZip(zr *zip.Reader) (string, error) {
	var candidates []string
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !fs.ValidPath(f.Name) {
			continue
		}
		base := path.Base(f.Name)
		if base == "_chat.txt" {
			return f.Name, nil
		}
		if strings.EqualFold(path.Ext(base), ".txt") && len(candidates) < 64 {
			candidates = append(candidates, f.Name)
		}
	}
	for _, c := range candidates {
		f, err := zr.Open(c)
		if err != nil {
			continue
		}
		head := make([]byte, 4096)
		n, _ := io.ReadFull(f, head)
		f.Close()
		if Sniff(head[:n]) {
			return c, nil
		}
	}
	return "", errors.New("no chat text file (_chat.txt) found")
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// openZip opens a zip in fsys using io.ReaderAt when the file offers it.
func openZip(fsys fs.FS, name string) (*zip.Reader, io.Closer, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if ra, ok := f.(io.ReaderAt); ok {
		zr, err := zip.NewReader(ra, fi.Size())
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return zr, f, nil
	}
	defer f.Close()
	if fi.Size() > MaxZipInMemory {
		return nil, nil, fmt.Errorf("zip of %d bytes is not seekable and %w", fi.Size(), chatexport.ErrTooLarge)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxZipInMemory+1))
	if err != nil {
		return nil, nil, err
	}
	if len(b) > MaxZipInMemory {
		return nil, nil, fmt.Errorf("zip %w", chatexport.ErrTooLarge)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	return zr, nopCloser{}, err
}

// convName takes the chat name from the export's file name.
func convName(file, override string) string {
	if override != "" {
		return override
	}
	base := path.Base(file)
	base = strings.TrimSuffix(strings.TrimSuffix(base, path.Ext(base)), ".txt")
	if base == "_chat" {
		if d := path.Base(path.Dir(file)); d != "." && d != "/" {
			base = d
		}
	}
	for _, pre := range []string{"WhatsApp Chat with ", "WhatsApp Chat - ", "WhatsApp-Chat mit ", "WhatsApp Chat mit ", "Chat de WhatsApp con ", "WhatsApp Chat: "} {
		if strings.HasPrefix(base, pre) {
			return strings.TrimSpace(base[len(pre):])
		}
	}
	return base
}

type parser struct {
	ctx     context.Context
	fsys    fs.FS
	file    string
	dir     string
	archive string
	st      *chatexport.Stats
	em      *chatexport.Emitter
	opt     Options
	conv    *chatexport.Conversation
	order   [3]int // indexes of day, month, year in header fields
	nb      []byte
	ni      []int
	// pending message
	cur      *pending
	seq      int
	overflow bool
	// known holds sender names seen in "Name: text" headers (pass one),
	// so "Name:." reads as a message from Name.
	known map[string]bool
	// lc tallies the locales of the strings recognised (pass two).
	lc localeCounter
}

type pending struct {
	line int
	h    header
	body strings.Builder
}

// lineReader yields lines without their line ending, capped at MaxLine.
type lineReader struct {
	r       *bufio.Reader
	acc     []byte
	line    int
	long    bool
	started bool
}

func (lr *lineReader) next() (string, error) {
	lr.acc = lr.acc[:0]
	lr.long = false
	for {
		frag, err := lr.r.ReadSlice('\n')
		if len(lr.acc)+len(frag) <= MaxLine {
			lr.acc = append(lr.acc, frag...)
		} else {
			if room := MaxLine - len(lr.acc); room > 0 {
				lr.acc = append(lr.acc, frag[:room]...)
			}
			lr.long = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (err != io.EOF || len(lr.acc) == 0) {
			return "", err
		}
		lr.line++
		b := bytes.TrimRight(lr.acc, "\r\n")
		if !lr.started {
			lr.started = true
			b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
		}
		return string(b), nil
	}
}

// dateStats are the pass-one counters for the day/month inference.
// Every header votes: for the position of the year, and, for each year
// position, for which of the two other fields can be the day. One odd
// line (a pasted header from another phone) is outvoted instead of
// flipping the whole file's order.
type dateStats struct {
	n         int
	yearFirst int // votes for the year in the first field
	yearLast  int // votes for the year in the last field
	// votes[y][k]: y = 0 year last, 1 year first; k = 0 only the first
	// candidate field can be the day, 1 only the second, 2 neither.
	votes    [2][3]int
	changes  [3]int
	prev     [3]int
	twelve   bool
	sep      byte
	groupish bool
	senders  map[string]bool
	title    string
	// wantTitle: the conversation's name comes from a "created group"
	// line; once known (and the chat known to be a group) system lines
	// need no classifying in pass one
	wantTitle bool
}

// maxKnownSenders bounds the names remembered to read "Name:." lines.
const maxKnownSenders = 4096

func (p *parser) run(open func() (io.ReadCloser, error), name, archive string) error {
	// pass 1
	ds := &dateStats{senders: make(map[string]bool), wantTitle: name == ""}
	p.known = make(map[string]bool)
	if err := p.pass(open, func(lineNo int, _ string, h header, rest string, ok bool) error {
		if ok {
			ds.add(h, rest, p.known)
		}
		return nil
	}, false); err != nil {
		return err
	}
	if ds.n == 0 {
		return errors.New("no message headers found")
	}
	p.order = p.decideOrder(ds)
	if name == "" {
		name = ds.title
	}
	typ := chatexport.TypePersonal
	if ds.groupish || len(ds.senders) > 2 {
		typ = chatexport.TypeGroup
	}
	p.conv = &chatexport.Conversation{Platform: chatexport.WhatsApp, ID: name, Name: name, Type: typ, Source: p.file, Archive: archive}
	if err := p.em.Conversation(p.conv); err != nil {
		return err
	}
	// pass 2
	n := 0
	err := p.pass(open, func(lineNo int, full string, h header, rest string, ok bool) error {
		if n++; n&4095 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		return p.line(lineNo, full, h, rest, ok)
	}, true)
	if err != nil {
		return err
	}
	err = p.flush()
	p.st.Locale = p.lc.best()
	return err
}

// pass reads the file once, calling fn per line with the header match.
func (p *parser) pass(open func() (io.ReadCloser, error), fn func(int, string, header, string, bool) error, second bool) error {
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := &lineReader{r: bufio.NewReaderSize(rc, 64<<10)}
	var bytesRead int64
	for {
		l, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", lr.line+1, err)
		}
		bytesRead += int64(len(l)) + 1
		if lr.long && second {
			p.st.Skipped++ // the rest of the line is lost
			p.warn(lr.line, fmt.Sprintf("line longer than %d bytes: truncated", MaxLine))
		}
		h, rest, ok, nb, ni := matchHeader(l, p.nb, p.ni)
		p.nb, p.ni = nb, ni
		if !ok {
			rest = l
		}
		if err := fn(lr.line, l, h, rest, ok); err != nil {
			return err
		}
	}
	if second {
		p.st.Bytes = bytesRead
	}
	return nil
}

func (p *parser) warn(line int, reason string) {
	p.st.Warn(chatexport.Warning{File: p.file, Line: line, Reason: reason})
}

func (d *dateStats) add(h header, rest string, known map[string]bool) {
	switch {
	case h.era != 0 || h.flen[0] >= 3:
		d.yearFirst++
	case h.flen[2] >= 3:
		d.yearLast++
	case h.f[0] > 31 && h.f[2] <= 31:
		d.yearFirst++
	case h.f[2] > 31 && h.f[0] <= 31:
		d.yearLast++
	}
	for y, ab := range [2][2]int{{0, 1}, {1, 2}} {
		a, b := h.f[ab[0]], h.f[ab[1]]
		canA := a >= 1 && a <= 31 && b >= 1 && b <= 12
		canB := b >= 1 && b <= 31 && a >= 1 && a <= 12
		switch {
		case canA && !canB:
			d.votes[y][0]++
		case canB && !canA:
			d.votes[y][1]++
		case !canA && !canB:
			d.votes[y][2]++
		}
	}
	for i := 0; i < 3; i++ {
		if d.n > 0 && h.f[i] != d.prev[i] {
			d.changes[i]++
		}
	}
	d.prev = h.f
	if d.n == 0 {
		d.sep = h.sep
	}
	if h.ampm != 0 {
		d.twelve = true
	}
	d.n++
	name, _, hasSep := strings.Cut(rest, ": ")
	if hasSep && !strings.ContainsAny(name, "\"“„") && !strings.Contains(name, "\n") {
		n := cleanText(name)
		if len(d.senders) < 16 {
			d.senders[n] = true
		}
		if len(known) < maxKnownSenders && len(n) < 128 {
			known[n] = true
		}
		return
	}
	if d.groupish && (d.title != "" || !d.wantTitle) {
		return
	}
	if s, ok := classify(rest); ok {
		switch s.kind {
		case chatexport.EventCreate, chatexport.EventAdd, chatexport.EventJoinLink, chatexport.EventJoin,
			chatexport.EventLeave, chatexport.EventRemove, chatexport.EventTitleChange:
			d.groupish = true
		}
		if s.kind == chatexport.EventCreate && d.title == "" {
			d.title = s.title
		}
	}
}

// decideOrder returns the field indexes of day, month and year.
func (p *parser) decideOrder(d *dateStats) [3]int {
	switch p.opt.Order {
	case OrderDMY:
		return [3]int{0, 1, 2}
	case OrderMDY:
		return [3]int{1, 0, 2}
	case OrderYMD:
		return [3]int{2, 1, 0}
	case OrderYDM:
		return [3]int{1, 2, 0}
	}
	year, y := 2, 0
	if d.yearFirst > d.yearLast {
		year, y = 0, 1
	}
	a, b := 0, 1
	if year == 0 {
		a, b = 1, 2
	}
	v := d.votes[y]
	day := -1
	switch {
	case v[0] > v[1]:
		day = a
	case v[1] > v[0]:
		day = b
	case d.changes[a] > d.changes[b]:
		day = a
	case d.changes[b] > d.changes[a]:
		day = b
	}
	if v[0] > 0 && v[1] > 0 {
		p.warn(0, fmt.Sprintf("date fields disagree on the day/month order: %d header(s) read only as %s, %d only as %s; took %s and kept the minority as message text",
			v[0], orderName(a, a, b, year), v[1], orderName(b, a, b, year), orderName(day, a, b, year)))
	}
	if day < 0 {
		// no evidence: US-style month first for 12-hour clocks with '/',
		// year-first files are y-m-d, everything else day first
		switch {
		case year == 0:
			day = b
		case d.twelve && d.sep == '/':
			day = b
		default:
			day = a
		}
		p.warn(0, "day/month order could not be inferred from the dates; assumed "+orderName(day, a, b, year))
	}
	month := a
	if day == a {
		month = b
	}
	return [3]int{day, month, year}
}

func orderName(day, a, b, year int) string {
	if year == 0 {
		if day == b {
			return "year-month-day"
		}
		return "year-day-month"
	}
	if day == a {
		return "day-month-year"
	}
	return "month-day-year"
}

// timeOf builds the local time of a header with the file's field order.
func (p *parser) timeOf(h header) (time.Time, bool) {
	d, m, y := h.f[p.order[0]], h.f[p.order[1]], h.f[p.order[2]]
	switch {
	case h.era != 0:
		if p.order[2] != 0 {
			return time.Time{}, false
		}
		y = h.era + y - 1 // "R4" = 2022, "H31" = 2019
	case h.flen[p.order[2]] <= 2:
		y += 2000
	case y > 2400: // Thai Buddhist era
		y -= 543
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	hour := h.hour
	if h.ampm != 0 { // 12 and 0 both name the first hour of a half day
		hour %= 12
		if h.ampm == 2 {
			hour += 12
		}
	}
	t := time.Date(y, time.Month(m), d, hour, h.min, h.sec, 0, time.UTC)
	if t.Day() != d { // 31 February
		return time.Time{}, false
	}
	return t, true
}

func (p *parser) line(lineNo int, full string, h header, rest string, ok bool) error {
	if ok {
		if _, valid := p.timeOf(h); !valid {
			ok = false
			rest = full
			p.st.HeadersAsText++
			where := "kept as text of the previous message"
			if p.cur == nil {
				where = "skipped (no message before it)"
			}
			p.warn(lineNo, "header whose date is impossible in the file's day/month order: "+where)
			if p.cur == nil {
				return nil
			}
		}
	} else if headerLike(full) {
		p.st.HeadersAsText++
		if p.cur == nil {
			p.warn(lineNo, "line looks like a message header in a form not recognised: skipped (no message before it)")
			return nil
		}
		p.warn(lineNo, "line looks like a message header in a form not recognised: kept as text of the previous message")
	}
	if !ok {
		if p.cur == nil {
			if strings.TrimSpace(rest) != "" {
				p.st.Skipped++
				p.warn(lineNo, "text before the first message header skipped")
			}
			return nil
		}
		if p.cur.body.Len()+len(rest) > MaxMessage {
			if !p.overflow {
				p.st.Skipped++ // the rest of the message is lost
				p.warn(lineNo, fmt.Sprintf("message longer than %d bytes: further lines dropped", MaxMessage))
				p.overflow = true
			}
			return nil
		}
		p.cur.body.WriteByte('\n')
		p.cur.body.WriteString(rest)
		return nil
	}
	if err := p.flush(); err != nil {
		return err
	}
	p.cur = &pending{line: lineNo, h: h}
	p.cur.body.WriteString(rest)
	p.overflow = false
	return nil
}

// flush emits the pending message.
func (p *parser) flush() error {
	cur := p.cur
	if cur == nil {
		return nil
	}
	p.cur = nil
	p.seq++
	t, _ := p.timeOf(cur.h)
	rest := cur.body.String()
	msg := &chatexport.Message{
		ConversationID: p.conv.ID,
		ID:             strconv.Itoa(p.seq),
		Time:           t,
		Line:           cur.line,
	}
	name, body, hasSep := strings.Cut(rest, ": ")
	if !hasSep {
		if n, ok := strings.CutSuffix(rest, ":"); ok && !strings.Contains(n, "\n") && len(n) < 128 {
			name, body, hasSep = n, "", true // "Name:" with an empty body
		} else if n, b, ok := strings.Cut(rest, ":"); ok && !strings.Contains(n, "\n") && p.known[cleanText(n)] {
			name, body, hasSep = n, b, true // "Name:." with no space after the colon
		}
	}
	firstLine, _, _ := strings.Cut(rest, "\n")
	switch {
	case !hasSep || strings.Contains(name, "\n"):
		return p.system(msg, "", firstLine, rest)
	case strings.ContainsAny(name, "\"“„"):
		if s, ok := classify(firstLine); ok && !strings.Contains(s.actor, ": ") {
			return p.system(msg, "", firstLine, rest)
		}
	}
	// new iOS style: system text under the group's name or the actor's
	sender := cleanText(name)
	bodyClean := cleanText(body)
	if strings.HasPrefix(body, "\u200e") || sender == p.conv.Name || startsWithWord(bodyClean, sender) || encryptionNotice(bodyClean) || securityNotice(bodyClean) {
		if _, ok := classify(bodyClean); ok {
			return p.system(msg, name, bodyClean, body)
		}
	}
	id, display, phone := participantRef(name)
	msg.SenderID, msg.SenderName = id, display
	if err := p.em.Seen(chatexport.WhatsApp, chatexport.ParticipantUpdate{ID: id, Name: display, Phone: phone}); err != nil {
		return err
	}
	p.applyBody(msg, body)
	return p.em.Message(msg)
}

// startsWithWord reports whether s starts with word and a space.
func startsWithWord(s, word string) bool {
	return len(s) > len(word) && s[len(word)] == ' ' && strings.HasPrefix(s, word)
}

// system emits a system message and its membership event. under is the
// name the line was written under (new iOS style), or "".
func (p *parser) system(msg *chatexport.Message, under, text, full string) error {
	msg.Service = true
	msg.Text = cleanText(full)
	s, ok := classify(text)
	if !ok {
		msg.Action = "system"
		return p.em.Message(msg)
	}
	p.lc.add(s.locales)
	msg.Action = s.action
	if under != "" {
		msg.SenderName = cleanText(under)
	}
	var actor *chatexport.Ref
	if s.actor != "" {
		id, name, phone := participantRef(s.actor)
		actor = &chatexport.Ref{ID: id, Name: name}
		msg.SenderID, msg.SenderName = id, name
		u := chatexport.ParticipantUpdate{ID: id, Name: name, Phone: phone, Self: id == "self"}
		if s.kind == chatexport.EventCreate {
			u.Role = &chatexport.Role{ConversationID: p.conv.ID, Role: "creator"}
		}
		if err := p.em.Seen(chatexport.WhatsApp, u); err != nil {
			return err
		}
	}
	if err := p.em.Message(msg); err != nil {
		return err
	}
	if s.kind == "" {
		return nil
	}
	ev := &chatexport.MembershipEvent{
		ConversationID: p.conv.ID, MessageID: msg.ID, Kind: s.kind, Time: msg.Time, Actor: actor,
		Title: s.title, OldTitle: s.oldTitle, OldNumber: cleanText(s.oldNum), NewNumber: cleanText(s.newNum),
	}
	for _, t := range s.targets {
		id, name, phone := participantRef(t)
		if id == "" {
			continue
		}
		ev.Targets = append(ev.Targets, chatexport.Ref{ID: id, Name: name})
		u := chatexport.ParticipantUpdate{ID: id, Name: name, Phone: phone, Self: id == "self"}
		if s.kind == chatexport.EventAdminGranted {
			u.Role = &chatexport.Role{ConversationID: p.conv.ID, Role: "admin"}
		}
		if err := p.em.Seen(chatexport.WhatsApp, u); err != nil {
			return err
		}
	}
	if s.kind == chatexport.EventNumberChange && s.newNum != "" {
		id, name, phone := participantRef(s.newNum)
		if err := p.em.Seen(chatexport.WhatsApp, chatexport.ParticipantUpdate{ID: id, Name: name, Phone: phone}); err != nil {
			return err
		}
	}
	return p.em.Event(ev)
}

// securityNotice reports whether t is a security-code notice of some
// locale ("Il tuo codice di sicurezza con X è cambiato. Tocca …"): iOS
// writes it under the contact's name, and the name in the notice need not
// be the sender's as written.
func securityNotice(t string) bool {
	if len(t) < encHead || len(t) > 1024 {
		return false
	}
	if !vocab.secHeads[asciiHead(t)] {
		found := false
		for _, i := range vocab.secInner {
			if kw := vocab.rules[i].kw; kw != "" && strings.Contains(t, kw) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	s, ok := classify(t)
	return ok && s.action == "security_code_changed"
}

// encryptionNotice reports whether t starts like the end-to-end encryption
// notice of some locale: that line is a system line whoever it is written
// under (iOS writes it under the group's name, with or without a
// direction mark).
func encryptionNotice(t string) bool {
	if len(t) < vocab.encMinLen {
		return false
	}
	if !vocab.encHeads[asciiHead(t)] {
		return false
	}
	lower := strings.ToLower(t[:min(len(t), 256)])
	for pre := range vocab.encryption {
		if strings.HasPrefix(lower, pre) {
			return true
		}
	}
	return false
}
