package investigation

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/chatexport"
	"github.com/vibora-project/vibora/internal/chatexport/detect"
	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/store"
)

// ChatImportOptions control a chat import.
type ChatImportOptions struct {
	Exhibit string // exhibit label (default: "CHAT-" + the export's base name)
	Region  string // default region for phone numbers written without a country code
	Workers int
}

// ChatImportReport summarises a chat import.
type ChatImportReport struct {
	Case          string               `json:"case"`
	Exhibit       string               `json:"exhibit"`
	Format        string               `json:"format"`
	Conversations int64                `json:"conversations"`
	Messages      int64                `json:"messages"`     // parsed
	NewMessages   int64                `json:"new_messages"` // stored by this import
	Participants  int64                `json:"participants"` // seen
	Events        int64                `json:"events"`       // membership events
	Attachments   int64                `json:"attachments"`  // referenced
	Present       int64                `json:"attachments_present"`
	Linked        int64                `json:"attachments_linked"` // linked to an ingested file
	Identifiers   int64                `json:"identifiers"`        // identifier links recorded
	Payments      int64                `json:"payments"`           // payment events found in the messages (docs/payments.md)
	Service       int64                `json:"service_messages"`   // of Messages, system/service lines
	Skipped       int64                `json:"skipped"`            // records the parser could not import
	HeadersAsText int64                `json:"headers_as_text"`    // header-like lines kept as message text
	Locale        string               `json:"locale,omitempty"`   // export language, when recognised
	Complete      bool                 `json:"complete"`           // false: the export may hold more than was imported
	Files         IngestReport         `json:"files"`              // the export's files through the evidence pipeline
	Warnings      []chatexport.Warning `json:"warnings"`
}

// ImportChat imports a chat export (a Telegram result.json or export
// folder, a WhatsApp .txt or .zip, a DiscordChatExporter JSON). Its files
// go through the evidence pipeline first (hashed, matched, clustered), then
// the conversation, participants, messages and membership events are
// stored, attachments are linked to their ingested files, and identifiers
// from profiles and message text are linked to participants. Importing the
// same export twice changes nothing.
func (s *Service) ImportChat(ctx context.Context, caseName, exportPath string, opt ChatImportOptions) (ChatImportReport, error) {
	rep := ChatImportReport{Case: caseName}
	abs, err := filepath.Abs(exportPath)
	if err != nil {
		return rep, err
	}
	st, err := source.CheckInput(abs, true)
	if err != nil {
		return rep, fmt.Errorf("chat export: %v: %w", err, ErrInvalid)
	}
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return rep, err
	}
	base := filepath.Base(abs)
	if opt.Exhibit == "" {
		opt.Exhibit = "CHAT-" + strings.TrimSuffix(base, filepath.Ext(base))
	}
	rep.Exhibit = opt.Exhibit
	e, err := s.ensureExhibit(ctx, c, opt.Exhibit, "chat export")
	if err != nil {
		return rep, err
	}
	// 1. Parse and store conversations, participants, messages, events and
	// attachment references.
	fsys, name := os.DirFS(filepath.Dir(abs)), base
	imp := &chatImporter{s: s, ctx: ctx, caseID: c.ID, exhibitID: e.ID, isDir: st.IsDir(),
		convs: map[string]int64{}, parts: map[string]int64{}, names: map[string]int64{}, known: map[string]*chatexport.Participant{},
		rep: &rep, region: opt.Region, object: "exhibit:" + c.Name + "/" + e.Label, dir: filepath.Dir(abs),
		export: abs, exhibitLabel: e.Label, fsys: fsys, attKeys: map[string]store.FileKey{}}
	stats, err := detect.Parse(ctx, fsys, name, imp)
	if err == nil {
		err = imp.flush()
	}
	if err != nil {
		return rep, fmt.Errorf("import chat %s: %w", exportPath, err)
	}
	// 2. The export's files, attachments included, through the evidence
	// pipeline; then each attachment is linked to its file.
	roots := []string{abs}
	if !st.IsDir() && !imp.zipped {
		roots = append(roots, imp.siblings...)
	}
	rep.Files, err = s.Ingest(ctx, caseName, IngestOptions{Exhibit: opt.Exhibit, ExhibitType: "chat export", Paths: roots,
		Workers: opt.Workers, Reason: "chat export " + base})
	if err != nil {
		return rep, err
	}
	convIDs := slices.Sorted(maps.Values(imp.convs))
	convIDs = slices.Compact(convIDs)
	err = s.mutate(ctx, &change{action: "chat.link_attachments", object: imp.object}, func(tx *store.Tx) error {
		n, err := tx.LinkAttachments(ctx, e.ID, convIDs, imp.attKeys)
		rep.Linked = n
		return err
	})
	if err != nil {
		return rep, err
	}
	// 3. Payment events: an amount near a payment identifier in a message
	// or its reply.
	if len(convIDs) > 0 {
		pay, err := s.detectChatPayments(ctx, c, convIDs)
		if err != nil {
			return rep, err
		}
		rep.Payments = pay.New + pay.Existing
	}
	rep.Format = stats.Format
	rep.Messages, rep.Participants, rep.Events = stats.Messages, stats.Participants, stats.Events
	rep.Attachments, rep.Present = stats.Attachments, stats.AttachmentsPresent
	rep.Service, rep.Skipped, rep.HeadersAsText, rep.Locale = stats.ServiceMessages, stats.Skipped, stats.HeadersAsText, stats.Locale
	rep.Complete = !stats.Incomplete()
	rep.Warnings = stats.Warnings
	if rep.Warnings == nil {
		rep.Warnings = []chatexport.Warning{}
	}
	return rep, nil
}

// chatImporter is the chatexport.Handler that writes to the store. It keeps
// only the maps from platform ids to row ids; messages are written in
// batches, each batch one audited transaction.
type chatImporter struct {
	s         *Service
	ctx       context.Context
	caseID    int64
	exhibitID int64
	isDir     bool
	dir       string   // the folder holding the export
	zipped    bool     // the export is a zip
	siblings  []string // present attachments next to a single-file export
	seenSib   map[string]bool
	export    string                   // the export's absolute path (the ingest root)
	attKeys   map[string]store.FileKey // attachment rel_path -> the file's identity
	convs     map[string]int64         // conversation ext id -> row id
	convArch  map[string]string
	platforms map[string]string                  // conversation ext id -> platform
	parts     map[string]int64                   // conv id + "\x00" + participant ext id -> row id
	names     map[string]int64                   // conv id + "\x00" + display name -> row id
	known     map[string]*chatexport.Participant // latest record of each participant
	pending   []pendingMsg
	region    string
	rep       *ChatImportReport
	object    string
	// exhibitLabel and fsys key WhatsApp conversations (which carry no
	// chat id) by exhibit and export content.
	exhibitLabel string
	fsys         fs.FS
}

type pendingMsg struct {
	msg  store.Message
	atts []store.Attachment
	ids  []identifier.Identifier
	evs  []*chatexport.MembershipEvent
}

const chatBatch = 2000

func (im *chatImporter) Conversation(c *chatexport.Conversation) error {
	if err := im.flush(); err != nil {
		return err
	}
	ext := c.ID
	if c.Platform == chatexport.WhatsApp {
		// WhatsApp exports carry no chat id (the parser uses the chat's
		// name, which is also the file name): two phones' exports of one
		// chat, or two chats with one name, stay apart by exhibit and by
		// the export's content; the same export imported again is the
		// same conversation.
		sum, err := fileDigest(im.fsys, cmp.Or(c.Archive, c.Source))
		if err != nil {
			return fmt.Errorf("conversation %s: %w", c.ID, err)
		}
		ext = c.ID + " [" + im.exhibitLabel + " " + sum[:16] + "]"
	}
	sc := store.Conversation{CaseID: im.caseID, ExhibitID: im.exhibitID, Platform: string(c.Platform), ExtID: ext, Name: c.Name,
		Type: string(c.Type), SourcePath: c.Source, ImportedAt: im.s.timestamp()}
	ch := &change{action: "chat.conversation", object: im.object, detail: map[string]any{"platform": sc.Platform, "id": sc.ExtID, "name": sc.Name}}
	err := im.s.mutate(im.ctx, ch, func(tx *store.Tx) error {
		isNew, err := tx.UpsertConversation(im.ctx, &sc)
		if isNew {
			im.rep.Conversations++
		}
		ch.after = conversationDoc(sc)
		return err
	})
	if err != nil {
		return err
	}
	im.convs[c.ID] = sc.ID
	if im.convArch == nil {
		im.convArch, im.platforms = map[string]string{}, map[string]string{}
	}
	im.convArch[c.ID], im.platforms[c.ID] = c.Archive, string(c.Platform)
	return nil
}

func (im *chatImporter) convID(ext string) int64 {
	if id, ok := im.convs[ext]; ok {
		return id
	}
	if len(im.convs) == 1 { // single-conversation exports
		for _, id := range im.convs {
			return id
		}
	}
	return 0
}

// Participant records what is known of a participant. In a single-chat
// export it joins that chat's roster at once; in a full-account export it
// joins each chat where it appears (as sender, actor or target), and
// updates reach the chats it already joined.
func (im *chatImporter) Participant(p *chatexport.Participant) error {
	cp := *p
	im.known[p.ID] = &cp
	convs := make([]string, 0, len(im.convs))
	for cid := range im.convs {
		convs = append(convs, cid)
	}
	sort.Strings(convs) // row ids, and so person ids, must not depend on map order
	for _, cid := range convs {
		_, joined := im.parts[cid+"\x00"+p.ID]
		if joined || len(im.convs) == 1 {
			if err := im.upsertParticipant(cid, &cp); err != nil {
				return err
			}
		}
	}
	return nil
}

// ensureParticipant returns the row of participant ext in a conversation,
// adding it to that conversation's roster on first appearance.
func (im *chatImporter) ensureParticipant(convExt, ext, name string) (int64, error) {
	if id := im.participantID(convExt, ext, name); id != 0 || ext == "" {
		return id, nil
	}
	p := im.known[ext]
	if p == nil {
		p = &chatexport.Participant{Platform: chatexport.Platform(im.platformOf(convExt)), ID: ext, Names: nonEmpty(name)}
	}
	if err := im.upsertParticipant(convExt, p); err != nil {
		return 0, err
	}
	return im.participantID(convExt, ext, name), nil
}

func (im *chatImporter) upsertParticipant(convExt string, p *chatexport.Participant) error {
	convID := im.convs[convExt]
	sp := store.Participant{ConversationID: convID, ExtID: p.ID, Names: strings.Join(p.Names, "\n"), Phone: p.Phone, Username: p.Username}
	if len(p.Names) > 0 {
		sp.DisplayName = p.Names[len(p.Names)-1]
	}
	for _, r := range p.Roles {
		if r.ConversationID == "" || r.ConversationID == convExt {
			sp.Role = r.Role
		}
	}
	ch := &change{action: "chat.participant", object: im.object, detail: map[string]any{"conversation": convExt, "participant": p.ID}}
	err := im.s.mutate(im.ctx, ch, func(tx *store.Tx) error {
		if err := tx.UpsertParticipant(im.ctx, &sp); err != nil {
			return err
		}
		ch.after = participantDoc(sp)
		return im.linkProfile(tx, sp.ID, p)
	})
	if err != nil {
		return fmt.Errorf("participant %s: %w", p.ID, err)
	}
	im.parts[convExt+"\x00"+p.ID] = sp.ID
	for _, n := range p.Names {
		im.names[convExt+"\x00"+n] = sp.ID
	}
	return nil
}

// linkProfile records the identifiers of a participant's profile.
func (im *chatImporter) linkProfile(tx *store.Tx, partID int64, p *chatexport.Participant) error {
	platform := string(p.Platform)
	link := func(kind identifier.Kind, raw, source string) error {
		n, err := identifier.Normalize(kind, raw, identifier.NormalizeOptions{DefaultRegion: im.region})
		if err != nil {
			return nil // an unusable profile field is not an error of the import
		}
		key := identifier.Key(kind, n)
		if kind == identifier.KindUsername {
			key = "username:" + platform + ":" + n
		}
		im.rep.Identifiers++
		return tx.LinkIdentifier(im.ctx, im.caseID, string(kind), n, key, "participant", partID, source, raw)
	}
	if p.Phone != "" {
		if err := link(identifier.KindPhone, p.Phone, platform+" profile phone"); err != nil {
			return err
		}
	}
	if p.Username != "" {
		if err := link(identifier.KindUsername, p.Username, platform+" profile username"); err != nil {
			return err
		}
	}
	if platform == string(chatexport.Telegram) && strings.HasPrefix(p.ID, "user") {
		if err := link(identifier.KindTelegramID, p.ID, "telegram user id"); err != nil {
			return err
		}
	}
	if platform == string(chatexport.WhatsApp) && strings.HasPrefix(p.ID, "+") {
		if err := link(identifier.KindPhone, p.ID, "whatsapp sender number"); err != nil {
			return err
		}
	}
	return nil
}

func (im *chatImporter) participantID(convExt, ext, name string) int64 {
	if ext != "" {
		if id, ok := im.parts[convExt+"\x00"+ext]; ok {
			return id
		}
	}
	if name != "" {
		return im.names[convExt+"\x00"+name]
	}
	return 0
}

func (im *chatImporter) Message(m *chatexport.Message) error {
	convID := im.convID(m.ConversationID)
	if convID == 0 {
		return fmt.Errorf("message %s: conversation %q not seen", m.ID, m.ConversationID)
	}
	sender, err := im.ensureParticipant(m.ConversationID, m.SenderID, m.SenderName)
	if err != nil {
		return err
	}
	sm := store.Message{ConversationID: convID, ExtID: m.ID, AtUTC: m.Time.UTC().Format(time.RFC3339), SenderID: sender, Service: m.Service,
		Action: m.Action, Text: m.Text, ReplyTo: m.ReplyTo, ForwardedFrom: m.ForwardedFrom}
	if m.OffsetKnown {
		sm.UTCOffset = formatOffset(m.UTCOffset)
	}
	if !m.EditedAt.IsZero() {
		sm.EditedAt = m.EditedAt.UTC().Format(time.RFC3339)
	} else if m.Edited {
		sm.EditedAt = "edited"
	}
	pm := pendingMsg{msg: sm}
	for _, a := range m.Attachments {
		sa := store.Attachment{ConversationID: convID, MessageExtID: m.ID, SenderID: sender, Kind: string(a.Kind), RelPath: a.Path,
			FileName: a.FileName, Present: a.Present}
		if sa.RelPath == "" {
			sa.RelPath = a.Ref
		}
		if a.Present && a.Path != "" {
			sa.RelPath = im.displayPath(m.ConversationID, a.Path)
		}
		pm.atts = append(pm.atts, sa)
	}
	if m.Text != "" && sender != 0 && !m.Service {
		for _, id := range identifier.Extract([]byte(m.Text), identifier.ExtractOptions{DefaultRegion: im.region, Platform: im.platformOf(m.ConversationID)}) {
			if id.Valid && linksPerson(id.Kind) {
				pm.ids = append(pm.ids, id)
			}
		}
	}
	im.pending = append(im.pending, pm)
	if len(im.pending) >= chatBatch {
		return im.flush()
	}
	return nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (im *chatImporter) platformOf(convExt string) string {
	if p, ok := im.platforms[convExt]; ok {
		return p
	}
	for _, p := range im.platforms { // conversations of one export share a platform
		return p
	}
	return ""
}

// displayPath turns an attachment's path (relative to the folder holding
// the export) into the path the ingest stores: the same path for an export
// folder, "<export.zip>!/<member>" inside a zip, and the file's own name
// for attachments next to a single exported file (they are ingested as
// roots of their own).
func (im *chatImporter) displayPath(convExt, p string) string {
	if arch := im.convArch[convExt]; arch != "" {
		im.zipped = true
		rel := arch + "!/" + p
		im.attKeys[rel] = store.FileKey{Root: im.export, Member: evidence.EncodeName(rel)}
		return rel
	}
	if im.isDir {
		im.attKeys[p] = store.FileKey{Root: im.export, Member: evidence.EncodeName(p)}
		return p
	}
	if im.seenSib == nil {
		im.seenSib = map[string]bool{}
	}
	abs := filepath.Join(im.dir, filepath.FromSlash(p))
	if !im.seenSib[abs] {
		im.seenSib[abs] = true
		im.siblings = append(im.siblings, abs)
	}
	rel := path.Base(p)
	im.attKeys[rel] = store.FileKey{Root: abs, Member: evidence.EncodeName(rel)}
	return rel
}

// fileDigest is the SHA-256 (hex) of a file of fsys.
func fileDigest(fsys fs.FS, name string) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// linksPerson reports whether an identifier found in a member's own
// message is strong enough to tie that member to other sources: contact
// points, wallets, bank accounts and payment handles they post, not
// @mentions or links (which usually name someone or something else), nor
// cards (the last four digits name no one) or BICs (a bank).
func linksPerson(k identifier.Kind) bool {
	switch k {
	case identifier.KindEmail, identifier.KindPhone, identifier.KindBTC, identifier.KindETH, identifier.KindLTC,
		identifier.KindXMR, identifier.KindTRX, identifier.KindTON, identifier.KindIBAN, identifier.KindPayPal,
		identifier.KindCashApp, identifier.KindRevolut, identifier.KindVenmo:
		return true
	}
	return false
}

func (im *chatImporter) Event(e *chatexport.MembershipEvent) error {
	refs := append([]chatexport.Ref(nil), e.Targets...)
	if e.Actor != nil {
		refs = append(refs, *e.Actor)
	}
	for _, r := range refs {
		if _, err := im.ensureParticipant(e.ConversationID, r.ID, r.Name); err != nil {
			return err
		}
	}
	if len(im.pending) > 0 {
		last := &im.pending[len(im.pending)-1]
		if last.msg.ExtID == e.MessageID {
			last.evs = append(last.evs, e)
			return nil
		}
	}
	im.pending = append(im.pending, pendingMsg{evs: []*chatexport.MembershipEvent{e}})
	return nil
}

// Account records what a full-account export says about its owner: the
// owner's phone, username and user id, and the IP addresses of the
// owner's sessions (devices and apps). They are linked to the export's
// exhibit as the "account" subject, which joins the owner's person.
// Contacts (the owner's address book) are not stored.
func (im *chatImporter) Account(r *chatexport.AccountRecord) error {
	type link struct {
		kind          identifier.Kind
		raw, source   string
		platformScope bool
	}
	var links []link
	switch r.Kind {
	case chatexport.AccountOwner:
		who := strings.TrimSpace(cmp.Or(r.Name, r.FirstName+" "+r.LastName))
		src := accountOwnerSource(string(r.Platform), who)
		if r.Phone != "" {
			links = append(links, link{identifier.KindPhone, r.Phone, src, false})
		}
		if r.Username != "" {
			links = append(links, link{identifier.KindUsername, r.Username, src, true})
		}
		if strings.HasPrefix(r.UserID, "user") {
			links = append(links, link{identifier.KindTelegramID, r.UserID, src, false})
		}
	case chatexport.AccountSession, chatexport.AccountWebSession:
		if r.IP == "" {
			return nil
		}
		kind, _, err := identifier.Classify(r.IP, identifier.NormalizeOptions{})
		if err != nil || (kind != identifier.KindIPv4 && kind != identifier.KindIPv6) {
			return nil
		}
		src := strings.Join(strings.Fields(fmt.Sprintf("%s session %s %s %s %s %s", r.Platform, r.Application, r.DeviceModel, r.Browser, r.Domain, r.Country)), " ")
		if !r.LastActive.IsZero() {
			src += ", last active " + r.LastActive.Format(time.RFC3339)
		}
		links = append(links, link{kind, r.IP, src, false})
	default:
		return nil
	}
	if len(links) == 0 {
		return nil
	}
	ch := &change{action: "chat.account", object: im.object, detail: map[string]any{"kind": string(r.Kind)}}
	return im.s.mutate(im.ctx, ch, func(tx *store.Tx) error {
		for _, l := range links {
			n, err := identifier.Normalize(l.kind, l.raw, identifier.NormalizeOptions{DefaultRegion: im.region})
			if err != nil {
				continue
			}
			key := identifier.Key(l.kind, n)
			if l.platformScope {
				key = "username:" + string(r.Platform) + ":" + n
			}
			im.rep.Identifiers++
			if err := tx.LinkIdentifier(im.ctx, im.caseID, string(l.kind), n, key, "account", im.exhibitID, l.source, l.raw); err != nil {
				return err
			}
		}
		return nil
	})
}

// flush stores the pending messages, attachments, events and identifier
// links in one audited transaction.
func (im *chatImporter) flush() error {
	if len(im.pending) == 0 {
		return nil
	}
	batch := im.pending
	im.pending = nil
	h := sha256.New()
	var msgs []store.Message
	for _, p := range batch {
		if p.msg.ConversationID != 0 {
			msgs = append(msgs, p.msg)
			fmt.Fprintf(h, "%d\x00%s\x00%s\x00%d\n", p.msg.ConversationID, p.msg.ExtID, p.msg.AtUTC, len(p.msg.Text))
		}
	}
	ch := &change{action: "chat.messages", object: im.object, after: hex.EncodeToString(h.Sum(nil))}
	return im.s.mutate(im.ctx, ch, func(tx *store.Tx) error {
		n, err := tx.InsertMessages(im.ctx, msgs)
		if err != nil {
			return err
		}
		im.rep.NewMessages += n
		events := 0
		for _, p := range batch {
			for i := range p.atts {
				if err := tx.InsertAttachment(im.ctx, &p.atts[i]); err != nil {
					return err
				}
			}
			for _, id := range p.ids {
				im.rep.Identifiers++
				if err := tx.LinkIdentifier(im.ctx, im.caseID, string(id.Kind), id.Normalized, id.Key(), "participant", p.msg.SenderID,
					postedSource(p.msg.ExtID), id.Value); err != nil {
					return err
				}
			}
			for _, e := range p.evs {
				if err := im.storeEvent(tx, e); err != nil {
					return err
				}
				events++
			}
		}
		ch.detail = map[string]any{"messages": len(msgs), "new": n, "events": events}
		return nil
	})
}

func (im *chatImporter) storeEvent(tx *store.Tx, e *chatexport.MembershipEvent) error {
	convID := im.convID(e.ConversationID)
	var actor int64
	if e.Actor != nil {
		actor = im.participantID(e.ConversationID, e.Actor.ID, e.Actor.Name)
	}
	// Participants first seen in an event are added by Event, outside this
	// transaction; here names resolve to rows.
	detail := func(t chatexport.Ref) string {
		var parts []string
		for _, kv := range [][2]string{{"target", cmp.Or(t.ID, t.Name)}, {"inviter", e.Inviter}, {"title", e.Title},
			{"old_number", e.OldNumber}, {"new_number", e.NewNumber}, {"pinned", e.PinnedMessageID}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+"="+kv[1])
			}
		}
		return strings.Join(parts, "; ")
	}
	at := e.Time.UTC().Format(time.RFC3339)
	targets := e.Targets
	if len(targets) == 0 {
		targets = []chatexport.Ref{{}}
	}
	for _, t := range targets {
		me := store.MembershipEvent{ConversationID: convID, MessageExtID: e.MessageID, AtUTC: at, Kind: string(e.Kind), ActorID: actor,
			TargetID: im.participantID(e.ConversationID, t.ID, t.Name), Detail: detail(t)}
		if err := tx.InsertMembershipEvent(im.ctx, &me); err != nil {
			return err
		}
	}
	return nil
}

func formatOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d:%02d", sign, sec/3600, sec%3600/60)
}

// conversationDoc is the form of a stored conversation whose digest the
// audit record keeps.
func conversationDoc(c store.Conversation) any {
	return struct {
		Platform   string `json:"platform"`
		ExtID      string `json:"id"`
		Name       string `json:"name"`
		Type       string `json:"type"`
		SourcePath string `json:"source,omitempty"`
		ImportedAt string `json:"imported_at,omitempty"`
	}{c.Platform, c.ExtID, c.Name, c.Type, c.SourcePath, c.ImportedAt}
}

// participantDoc is the form of a stored participant whose digest the
// audit record keeps.
func participantDoc(p store.Participant) any {
	return struct {
		ExtID       string `json:"platform_id"`
		DisplayName string `json:"name"`
		Names       string `json:"names,omitempty"`
		Phone       string `json:"phone,omitempty"`
		Username    string `json:"username,omitempty"`
		Role        string `json:"role,omitempty"`
	}{p.ExtID, p.DisplayName, p.Names, p.Phone, p.Username, p.Role}
}
