package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PlatformBulk writes one platform import's users, identifiers and
// activity in batches: rows are queued by the platform's own user ids and
// written, when enough are queued or on Flush, through prepared
// multi-row statements in the caller's transaction. A user named by a
// queued row is created (with that id only) unless stored; the users a
// batch names are resolved to their row ids in one statement per batch,
// with a cache of bounded size in front, so memory does not grow with the
// dump. The result is what the row-at-a-time calls (UpsertPlatformUser,
// AddPlatformIdentifier, UpsertPlatformActivity) store.
type PlatformBulk struct {
	tx          *Tx
	platformID  int64
	stmts       map[string]*sql.Stmt
	cache       userCache
	users       []PlatformUser
	userAt      map[string]int // ext id -> index in users
	idents      []bulkIdent
	acts        []bulkActivity
	actAt       map[string]int // ref -> index in acts
	packed      []bulkActivity // activity with a source, spilled to packs
	actSpill    actSpill
	actData     []byte           // the data of the activity rows in actSpill's memory (spillAct)
	actSources  map[int64]bool   // sources of the activity spilled
	actQueued   bool             // activity with a source was queued since the last Flush
	loginQueued bool             // a login was queued since the last Flush
	kinds       map[string]uint8 // activity kind -> its index in kindNames
	kindNames   []string
	rowsOnly    bool // the platform's activity is in rows from before packs: it stays there
	logins      []bulkLogin
	spill       loginSpill
	loginsOff   map[int64]int64      // source id -> the highest offset of its logins spilled, but lastOff's
	lastOff     sourceOff            // the source of the last login spilled and its highest offset
	agents      map[string]int64     // user agent -> row id, cleared when full
	ips         map[netip.Addr]int64 // login IP -> platform_ips row id, cleared when full
	agentSlots  [agentSlots]recentID[string]
	ipSlots     [ipSlots]recentID[netip.Addr]
	lastSource  int64 // the source of the last activity row spilled (in actSources)
	lastKind    string
	lastKindID  uint8 // lastKind's index in kindNames, when lastKind is not ""
	queued      int
	written     int64    // identifier and activity rows written
	deferAt     int64    // rows written before the secondary indexes are dropped (0: never)
	deferred    []string // the CREATE INDEX statements of the indexes dropped, run again by Close
	args        []any    // a statement's values (argsFor)
}

// bulkLogin is a queued login: the ids known when it was queued (from
// the caches), and the texts of those still to look up ("" none). Its
// user is looked up when the batch is written (resolveCached).
type bulkLogin struct {
	ext, agent string
	ip         netip.Addr // valid: to look up
	p          packLogin
}

type bulkIdent struct {
	ext, key    string
	first, last int64 // Unix seconds, when seen
	seen        bool  // false: the times are unknown
	uid         int64
	seq         int // its place in the batch
}

// identOrder orders a batch's identifiers by user, key and place in the
// batch.
func identOrder(x, y *bulkIdent) int {
	return cmp.Or(cmp.Compare(x.uid, y.uid), strings.Compare(x.key, y.key), cmp.Compare(x.seq, y.seq))
}

// sortIdents sorts a batch's identifiers by identOrder. A batch of a
// users table is in user order already, each user's few identifiers
// queued together: the runs of one user are then sorted alone, where a
// sort of the whole batch copied two 72-byte rows into every comparison.
func sortIdents(xs []bulkIdent) {
	for i := 1; i < len(xs); i++ {
		if xs[i].uid < xs[i-1].uid {
			sortByOrder(xs, identOrder)
			return
		}
	}
	for start := 0; start < len(xs); {
		end := start + 1
		for end < len(xs) && xs[end].uid == xs[start].uid {
			end++
		}
		sortByOrder(xs[start:end], identOrder)
		start = end
	}
}

// mergeIdents merges identifiers sorted by user, key and place in the
// batch that name the same key of the same user into the first: the
// earliest first time and the latest last time.
func mergeIdents(xs []bulkIdent) []bulkIdent {
	out := xs[:0]
	for i := range xs {
		x := &xs[i]
		if n := len(out); n > 0 && out[n-1].uid == x.uid && out[n-1].key == x.key {
			m := &out[n-1]
			switch {
			case !x.seen:
			case !m.seen:
				m.first, m.last, m.seen = x.first, x.last, true
			default:
				m.first, m.last = min(m.first, x.first), max(m.last, x.last)
			}
			continue
		}
		out = append(out, *x)
	}
	clear(xs[len(out):])
	return out
}

type bulkActivity struct {
	ext, other string // the users' ext ids; "" once resolved (or none)
	uid, oid   int64  // once resolved: the user's key (keyedUser), the other's row id
	shape      int    // actShape
	a          PlatformActivity
}

// Batch sizes: rows queued before a flush, and rows per statement.
const (
	bulkQueue = 1 << 15
	// bulkChunk is the most rows one INSERT writes. In a transaction,
	// SQLite copies each stored page a multi-row INSERT changes to a
	// statement journal first (the statement could fail halfway), once
	// per statement: the pages rows are appended to are copied once for
	// 1024 rows instead of for 128. 1024 rows of at most 17 values stay
	// under SQLite's 32,766 parameters.
	bulkChunk = 1024
	// bulkLookupChunk is how many texts one lookup statement names.
	bulkLookupChunk = 512
	// bulkCacheSize bounds the caches of user agents, login IPs and
	// users with other ext ids than decimals (some 20 MB when full): a
	// user named by a login, view or message is otherwise looked up
	// again in each batch, and those name users at random.
	bulkCacheSize = 1 << 18
	// bulkNumCacheSize bounds the user cache's part for decimal ext ids
	// (some 20 MB when full: an entry is two integers): the users of a
	// platform of a million are all cached, where at random they would
	// otherwise be looked up in three logins out of four.
	bulkNumCacheSize = 1 << 20
	// bulkPageCache is SQLite's page cache (KiB) while a bulk writer
	// works: the indexes it inserts into stay cached far longer than in
	// the default 2 MB, and memory is still bounded.
	bulkPageCache = 128 << 10
)

// bulkDeferMin is the fewest rows a writer writes before it drops the
// secondary indexes of the tables it fills (SQLite), and only once it
// has written a quarter of what those tables held. A variable for tests.
var bulkDeferMin int64 = 1 << 16

// bulkDeferred are the secondary indexes a large bulk write drops and
// rebuilds at the end (SQLite), by the table they index: each row would
// otherwise be a random insert into them (a page read and a page written
// once they outgrow the page cache), while CREATE INDEX sorts the whole
// table once. Indexes the writer's own upserts need (the unique keys)
// are kept. The payments' indexes by payer and payee are not the
// writer's (a platform import writes its payment events through
// Tx.InsertPayments, in the same transaction), and each event is a
// random insert into both (an address, a user's key): they are dropped
// with the others when the payments stored are no more than four times
// what the writer has written (a rebuild sorts every case's payments).
var bulkDeferred = []struct{ table, index string }{
	{"platform_identifiers", "platform_identifiers_key"},
	{"platform_activity", "platform_activity_user"},
	{"payments", "payments_payer"},
	{"payments", "payments_payee"},
}

// PlatformBulk starts a bulk writer for the platform in tx. Call Close
// before the transaction ends.
func (tx *Tx) PlatformBulk(ctx context.Context, platformID int64) (*PlatformBulk, error) {
	b := &PlatformBulk{tx: tx, platformID: platformID, stmts: map[string]*sql.Stmt{}, cache: newUserCache(),
		userAt: map[string]int{}, actAt: map[string]int{}, agents: map[string]int64{}, ips: map[netip.Addr]int64{},
		loginsOff: map[int64]int64{}, actSources: map[int64]bool{}, kinds: map[string]uint8{}}
	b.actSpill.c.arena = new(byteArena)
	// A platform with activity rows from before packs (migration 0035) and
	// no packs keeps its activity in rows, each stored once per ref, so
	// that a rerun of an import made then stores nothing twice.
	var rows, packs int64
	if err := tx.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM platform_activity WHERE platform_id = ? LIMIT 1) r),
		(SELECT COUNT(*) FROM (SELECT 1 FROM platform_sources s JOIN platform_activity_packs p ON p.source_id = s.id WHERE s.platform_id = ? LIMIT 1) k)`,
		platformID, platformID).Scan(&rows, &packs); err != nil {
		return nil, err
	}
	b.rowsOnly = rows > 0 && packs == 0
	if tx.dialect == SQLite {
		// On PostgreSQL, DROP INDEX would lock the tables against every
		// reader until the import commits; there the indexes stay.
		if _, err := tx.exec(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", bulkPageCache)); err != nil {
			return nil, err
		}
		var held int64
		// Identifiers have no rowid (0036): they are counted.
		if err := tx.queryRow(ctx, "SELECT (SELECT COUNT(*) FROM platform_identifiers) + (SELECT COALESCE(MAX(rowid), 0) FROM platform_activity)").Scan(&held); err != nil {
			return nil, err
		}
		b.deferAt = max(bulkDeferMin, held/4)
	}
	return b, nil
}

// User queues a user by its ext id; an empty field does not overwrite a
// stored (or earlier queued) one.
func (b *PlatformBulk) User(ctx context.Context, u PlatformUser) error {
	if i, ok := b.userAt[u.ExtID]; ok {
		p := &b.users[i]
		p.Username, p.DisplayName, p.Role = cmpOr(u.Username, p.Username), cmpOr(u.DisplayName, p.DisplayName), cmpOr(u.Role, p.Role)
		p.Country, p.Created = cmpOr(u.Country, p.Country), cmpOr(u.Created, p.Created)
		return nil
	}
	u.PlatformID = b.platformID
	b.userAt[u.ExtID] = len(b.users)
	b.users = append(b.users, u)
	return b.queue(ctx)
}

// Identifier queues that the user ext holds identifier key (its kind is
// the key's, identifier.Key), seen at at (zero: unknown): the first and
// last times widen. The same identifier queued again is merged when the
// batch is written (flushIdents), once sorted: a map of the batch's
// identifiers, to merge them as they were queued, hashed two texts an
// identifier.
func (b *PlatformBulk) Identifier(ctx context.Context, ext, key string, at time.Time) error {
	if err := checkIdentKey(key); err != nil {
		return err
	}
	x := bulkIdent{ext: ext, key: key, seq: len(b.idents)}
	if !at.IsZero() {
		x.first, x.last, x.seen = at.Unix(), at.Unix(), true
	}
	b.idents = append(b.idents, x)
	return b.queue(ctx)
}

// Activity queues an activity row of user ext (and other, a message's
// recipient, "" none); a.UserID and a.OtherID are set from them. A row
// with a source (a.SourceID) is packed by Pack: the packs of each source
// a writer stores activity from replace those an earlier import stored
// from it. A row without one (or of a platform whose activity is in rows
// from before packs) is stored once per ref; storing it again refreshes
// only its bank match.
func (b *PlatformBulk) Activity(ctx context.Context, ext, other string, a PlatformActivity) error {
	a.PlatformID = b.platformID
	if !a.Time.IsZero() {
		if _, ok := unixSeconds(a.Time); !ok || a.SourceID == 0 || b.rowsOnly {
			a.At, a.Time = unixText(a.Time.Unix()), time.Time{} // stored as text
		}
	}
	if a.SourceID != 0 && !b.rowsOnly {
		b.actQueued = true
		// A row whose users the cache's dense part holds (its user by key,
		// as for logins, keyedUser; a message's recipient by row id) is
		// spilled now, not copied into the batch to be spilled when it is
		// written: nothing is left to look up.
		n, userKnown := b.cache.denseKnown(ext)
		var oid int64
		otherKnown := other == ""
		if userKnown && !otherKnown {
			if m, ok := b.cache.denseKnown(other); ok {
				oid, otherKnown = b.cache.dense[m], true
			}
		}
		if userKnown && otherKnown {
			if err := b.spillAct(&a, extUserKey(n), oid); err != nil {
				return err
			}
			return b.queue(ctx)
		}
		x := bulkActivity{ext: ext, other: other, a: a}
		if userKnown {
			x.uid, x.ext = extUserKey(n), ""
		}
		b.packed = append(b.packed, x)
		return b.queue(ctx)
	}
	if i, ok := b.actAt[a.Ref]; ok {
		b.acts[i] = bulkActivity{ext: ext, other: other, a: a}
		return nil
	}
	b.actAt[a.Ref] = len(b.acts)
	b.acts = append(b.acts, bulkActivity{ext: ext, other: other, a: a})
	return b.queue(ctx)
}

// Login queues a login row of user ext (l.UserID is set from it). A
// login is stored once per source and offset.
func (b *PlatformBulk) Login(ctx context.Context, ext string, l PlatformLogin) error {
	x := bulkLogin{p: packLogin{source: l.SourceID, off: l.Offset, line: l.Line}}
	if u, ok := unixSeconds(l.Time); ok {
		x.p.at, x.p.hasAt = u, true
	} else {
		if !l.Time.IsZero() {
			l.At = unixText(l.Time.Unix())
		}
		var err error
		if x.p.at, x.p.hasAt, err = loginUnix(l.At); err != nil {
			return err
		}
	}
	if n, ok := b.cache.denseKnown(ext); ok {
		x.p.user = extUserKey(n)
	} else {
		x.ext = ext
	}
	ip := l.Addr
	if !ip.IsValid() && l.IP != "" {
		var err error
		if ip, err = netip.ParseAddr(l.IP); err != nil {
			return fmt.Errorf("platform login: IP %q: %v", l.IP, err)
		}
	}
	if id, ok := b.ipID(ip); ok || !ip.IsValid() {
		x.p.ip = id
	} else {
		x.ip = ip
	}
	if id, ok := b.agentID(l.Agent); ok || l.Agent == "" {
		x.p.agent = id
	} else {
		x.agent = l.Agent
	}
	b.loginQueued = true
	if x.ext == "" && !x.ip.IsValid() && x.agent == "" {
		// Its user, IP and user agent known: spilled now, not copied into
		// the batch to be spilled when the batch is written.
		if err := b.spillLogin(&x.p); err != nil {
			return err
		}
		return b.queue(ctx)
	}
	b.logins = append(b.logins, x)
	return b.queue(ctx)
}

// Login IPs and user agents are looked up by a hash of their own in
// small tables of the last ones seen, in front of the writer's maps: a
// dump's logins come from some hundreds of addresses and a few dozen
// browsers, and a map lookup a login for each (hashing the 24 bytes of
// an address, the 100 of a user agent) took 0.9 CPU-s at full scale. A
// row id found stays right when its map is cleared to bound memory.
const (
	ipSlots    = 1 << 10
	agentSlots = 1 << 6
)

// recentID is a slot of such a table: a key and its row id (0: empty).
type recentID[K comparable] struct {
	key K
	id  int64
}

// lookupRecent is the row id of k, if known: from its slot of table (by
// h, a hash of k), else from m, which then fills the slot.
func lookupRecent[K comparable](table []recentID[K], h uint64, k K, m map[K]int64) (int64, bool) {
	s := &table[h>>(64-bits.Len(uint(len(table)-1)))]
	if s.id != 0 && s.key == k {
		return s.id, true
	}
	id, ok := m[k]
	if ok {
		*s = recentID[K]{k, id}
	}
	return id, ok
}

// ipID is the platform_ips row id of ip, if known.
func (b *PlatformBulk) ipID(ip netip.Addr) (int64, bool) {
	a := ip.As16()
	h := (binary.LittleEndian.Uint64(a[:8]) ^ binary.LittleEndian.Uint64(a[8:])) * 0x9e3779b97f4a7c15
	return lookupRecent(b.ipSlots[:], h, ip, b.ips)
}

// agentID is the platform_agents row id of agent, if known. The hash
// reads a user agent's length and last 8 bytes; the comparison after it
// is of two strings the mapping made one (platform.Mapping keeps one
// string for a recent value) whenever it can.
func (b *PlatformBulk) agentID(agent string) (int64, bool) {
	h := uint64(len(agent))
	if len(agent) >= 8 {
		h ^= binary.LittleEndian.Uint64([]byte(agent[len(agent)-8:]))
	}
	return lookupRecent(b.agentSlots[:], h*0x9e3779b97f4a7c15, agent, b.agents)
}

// sourceOff is a source and the highest offset of its logins spilled.
type sourceOff struct {
	source, off int64
	ok          bool
}

// spillLogin spills a login whose user, IP and agent are known, and
// remembers the highest offset spilled from its source: in lastOff while
// its source's logins come in a run, as a dump lists them (a map write a
// login took 0.3 CPU-s at full scale), and in loginsOff when another
// source's come (foldLastOff).
func (b *PlatformBulk) spillLogin(p *packLogin) error {
	if err := b.spill.add(*p); err != nil {
		return err
	}
	if o := &b.lastOff; o.ok && o.source == p.source {
		o.off = max(o.off, p.off)
		return nil
	}
	b.foldLastOff()
	b.lastOff = sourceOff{source: p.source, off: p.off, ok: true}
	return nil
}

// foldLastOff moves lastOff into loginsOff.
func (b *PlatformBulk) foldLastOff() {
	if o := b.lastOff; o.ok {
		if last, ok := b.loginsOff[o.source]; !ok || o.off > last {
			b.loginsOff[o.source] = o.off
		}
	}
	b.lastOff = sourceOff{}
}

// argsFor returns the writer's slice of statement values, emptied, with
// room for n: a statement's values are kept only until it has run, and
// one slice serves every statement of the writer.
func (b *PlatformBulk) argsFor(n int) []any {
	clear(b.args[:cap(b.args)])
	b.args = slices.Grow(b.args[:0], n)
	return b.args
}

// UserID returns the row id of user ext, creating the user (with that id
// only) unless stored.
func (b *PlatformBulk) UserID(ctx context.Context, ext string) (int64, error) {
	if id, ok := b.cache.get(ext); ok {
		return id, nil
	}
	ids, err := b.resolve(ctx, []string{ext})
	return ids[ext], err
}

func (b *PlatformBulk) queue(ctx context.Context) error {
	b.queued++
	if b.queued >= bulkQueue {
		return b.Flush(ctx)
	}
	return nil
}

// Flush writes everything queued.
func (b *PlatformBulk) Flush(ctx context.Context) error {
	if b.queued == 0 {
		return nil
	}
	b.written += int64(len(b.idents) + len(b.acts))
	if b.deferAt > 0 && b.written >= b.deferAt && b.deferred == nil {
		if err := b.dropIndexes(ctx); err != nil {
			return err
		}
	}
	if err := b.flushUsers(ctx); err != nil {
		return err
	}
	b.resolveCached()
	// ids holds the batch's users: the cached ones now (the cache may be
	// cleared while the others are resolved), then the resolved ones.
	ids := map[string]int64{}
	var need []string
	want := func(ext string) {
		if _, ok := ids[ext]; ok || ext == "" {
			return
		}
		if v, ok := b.cache.get(ext); ok {
			ids[ext] = v
			return
		}
		ids[ext] = 0
		need = append(need, ext)
	}
	for _, i := range b.idents {
		want(i.ext)
	}
	for _, a := range b.acts {
		want(a.ext)
		want(a.other)
	}
	for _, a := range b.packed {
		want(a.ext)
		want(a.other)
	}
	for _, l := range b.logins {
		want(l.ext)
	}
	got, err := b.resolve(ctx, need)
	if err != nil {
		return err
	}
	for ext, v := range got {
		ids[ext] = v
	}
	id := func(ext string) int64 { return ids[ext] }
	if err := b.flushIdents(ctx, id); err != nil {
		return err
	}
	if err := b.flushActs(ctx, id); err != nil {
		return err
	}
	hadLogins, hadActs := b.loginQueued, b.actQueued
	b.loginQueued, b.actQueued = false, false
	if err := b.flushLogins(ctx, id); err != nil {
		return err
	}
	if err := b.spillActs(id); err != nil {
		return err
	}
	// A batch without logins (or activity) means the dump has gone on to
	// other tables: the run being filled gives its memory back.
	if !hadLogins {
		if err := b.spill.release(); err != nil {
			return err
		}
	}
	if !hadActs {
		if err := b.actSpill.release(); err != nil {
			return err
		}
	}
	b.queued = 0
	return nil
}

// A spilled login (or activity row) names its user by a key: for a user
// whose ext id is a decimal below bulkDenseSize (the user cache holds it
// in its dense part once stored), that decimal << 1 | 1; for any other,
// its row id << 1. One user has one key, so its rows make one pack. Login learns
// that a user is stored from the cache's bit set (256 KB), and the row
// id is read from the dense part (16 MB) only when the user's pack is
// written: the packs come out of the merge by key, so the dense part is
// then read in order and once a pack. Read at random for each login as
// its batch was written, it took some 70 ns a login (1.6 CPU-s of 20M
// logins at full scale), the dense part being out of the CPU's caches.
func extUserKey(n uint64) int64 { return int64(n)<<1 | 1 }

// userKey is the key of the stored user ext, of row id id.
func userKey(ext string, id int64) int64 {
	if n, ok := decimalID(ext); ok && n < bulkDenseSize {
		return extUserKey(n)
	}
	return id << 1
}

// keyedUser returns the row id of the user a spilled row's key names.
func (b *PlatformBulk) keyedUser(key int64) (int64, error) {
	if key&1 == 0 {
		return key >> 1, nil
	}
	if n := key >> 1; n < int64(len(b.cache.dense)) && b.cache.dense[n] != 0 {
		return b.cache.dense[n], nil
	}
	// The dense part is never cleared: a key names a user it held.
	return 0, fmt.Errorf("platform packs: user %d not in the cache", key>>1)
}

// resolveCached sets the row ids of the users of queued logins and
// packed activity that the cache holds, and clears their ext ids (the
// rest are looked up by Flush). One pass over the batch, not a lookup
// as each row is queued: the lookups of a pass do not wait on each
// other, where a lookup per row waited on memory once per login (users
// are named at random, and a platform's million do not fit the CPU's
// caches beside the rest of the import).
func (b *PlatformBulk) resolveCached() {
	for i := range b.logins {
		x := &b.logins[i]
		if x.ext == "" {
			continue // keyed by its ext id (Login)
		}
		if id, ok := b.cache.get(x.ext); ok {
			x.p.user, x.ext = userKey(x.ext, id), ""
		}
	}
	for i := range b.packed {
		x := &b.packed[i]
		if x.ext != "" { // else keyed by its ext id (Activity)
			if id, ok := b.cache.get(x.ext); ok {
				x.uid, x.ext = userKey(x.ext, id), ""
			}
		}
		if x.other == "" {
			continue
		}
		if id, ok := b.cache.get(x.other); ok {
			x.oid, x.other = id, ""
		}
	}
}

// remember adds to the bounded user cache.
func (b *PlatformBulk) remember(ext string, id int64) { b.cache.put(ext, id) }

// resolve returns the row ids of users exts (distinct, not cached),
// creating the missing ones.
func (b *PlatformBulk) resolve(ctx context.Context, exts []string) (map[string]int64, error) {
	out := make(map[string]int64, len(exts))
	err := b.rowIDs(ctx, userDict, exts, func(ext string, id int64) {
		out[ext] = id
		b.remember(ext, id)
	})
	return out, err
}

func (b *PlatformBulk) flushUsers(ctx context.Context) error {
	for start := 0; start < len(b.users); {
		part := b.users[start : start+chunk(len(b.users)-start, bulkChunk)]
		start += len(part)
		if b.tx.dialect == SQLite {
			if done, err := b.insertNewUsers(ctx, part); err != nil || done {
				if err != nil {
					return err
				}
				continue
			}
		}
		args := b.argsFor(7 * len(part))
		for _, u := range part {
			args = append(args, u.PlatformID, u.ExtID, u.Username, u.DisplayName, u.Role, u.Country, u.Created)
		}
		st, err := b.stmt(ctx, "INSERT INTO platform_users (platform_id, ext_id, username, display_name, role, country, created) VALUES ",
			"(?, ?, ?, ?, ?, ?, ?)", len(part), upsertUserTail+" RETURNING id, ext_id")
		if err != nil {
			return err
		}
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("platform users: %w", err)
		}
		for rows.Next() {
			var id int64
			var ext string
			if err := rows.Scan(&id, &ext); err != nil {
				rows.Close()
				return err
			}
			b.remember(ext, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	b.users = b.users[:0]
	clear(b.userAt)
	return nil
}

// insertNewUsers stores part when none of its users is stored, and
// reports whether it did. It is a plain INSERT OR IGNORE: SQLite gives
// the rows of a multi-row INSERT the row ids after the largest stored,
// one by one in the order of its VALUES, so when every row went in, the
// ids are known without the upsert's RETURNING, whose rows (two values
// each, through database/sql) cost as much as the insert. It binds the
// fields some user of part has (the others take their default, empty) and
// names the platform in the statement: each value bound costs about as
// much as SQLite's insert of it. When some user was stored, the caller
// writes part again as the upsert, which fills in the fields of the
// stored users and returns every id (the rows just inserted are left as
// they are).
func (b *PlatformBulk) insertNewUsers(ctx context.Context, part []PlatformUser) (bool, error) {
	var last int64
	if err := b.tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM platform_users").Scan(&last); err != nil {
		return false, fmt.Errorf("platform users: %w", err)
	}
	if last > math.MaxInt64-int64(len(part)) {
		return false, nil // SQLite picks ids at random past the largest
	}
	fields := func(u *PlatformUser) [5]*string {
		return [5]*string{&u.Username, &u.DisplayName, &u.Role, &u.Country, &u.Created}
	}
	var has [5]bool
	for i := range part {
		for j, f := range fields(&part[i]) {
			has[j] = has[j] || *f != ""
		}
	}
	head, row := "INSERT OR IGNORE INTO platform_users (platform_id, ext_id", fmt.Sprintf("(%d, ?", b.platformID)
	for j, col := range [5]string{"username", "display_name", "role", "country", "created"} {
		if has[j] {
			head, row = head+", "+col, row+", ?"
		}
	}
	args := b.argsFor(6 * len(part))
	for i := range part {
		args = append(args, part[i].ExtID)
		for j, f := range fields(&part[i]) {
			if has[j] {
				args = append(args, *f)
			}
		}
	}
	st, err := b.stmt(ctx, head+") VALUES ", row+")", len(part), "")
	if err != nil {
		return false, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return false, fmt.Errorf("platform users: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("platform users: %w", err)
	}
	if n != int64(len(part)) {
		return false, nil
	}
	if id, err := res.LastInsertId(); err != nil || id != last+n {
		return false, fmt.Errorf("platform users: %d inserted after id %d, the last got id %d (%v)", n, last, id, err)
	}
	for i, u := range part {
		b.remember(u.ExtID, last+1+int64(i))
	}
	return true, nil
}

func (b *PlatformBulk) flushIdents(ctx context.Context, id func(string) int64) error {
	// In index order: each statement then walks the index forward.
	for i := range b.idents {
		b.idents[i].uid = id(b.idents[i].ext)
	}
	sortIdents(b.idents)
	b.idents = mergeIdents(b.idents)
	for start := 0; start < len(b.idents); {
		part := b.idents[start : start+chunk(len(b.idents)-start, bulkChunk)]
		start += len(part)
		args := b.argsFor(4 * len(part))
		for _, i := range part {
			if i.seen && i.first == i.last {
				t := any(i.first) // boxed once: an int64 in an interface is an allocation
				args = append(args, i.uid, i.key, t, t)
			} else if i.seen {
				args = append(args, i.uid, i.key, i.first, i.last)
			} else {
				args = append(args, i.uid, i.key, nil, nil)
			}
		}
		if b.tx.dialect == SQLite {
			if done, err := b.insertNewIdents(ctx, len(part), args); err != nil || done {
				if err != nil {
					return err
				}
				continue
			}
		}
		st, err := b.stmt(ctx, "INSERT INTO platform_identifiers (user_id, key, first_at, last_at) VALUES ", "(?, ?, ?, ?)", len(part), upsertIdentTail)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("platform identifiers: %w", err)
		}
	}
	b.idents = b.idents[:0]
	return nil
}

// insertNewIdents stores the n identifiers of args when none is stored,
// and reports whether it did (SQLite). It is an INSERT OR IGNORE, not the
// upsert: a multi-row upsert may abort (its update checks NOT NULL), so
// SQLite copies every page it changes into a statement journal, where
// INSERT OR IGNORE aborts nothing. When some identifier was stored, the
// caller writes them again as the upsert, which widens the times of
// those and leaves the rows just inserted as they are.
//
// A row binds four values, two of them integers: the kind is the key's
// (a virtual column since migration 0038) and the times are Unix
// seconds. Taking the kind from the key in the statement instead
// (INSERT ... SELECT substr(...) ... FROM (VALUES ...)) was tried before:
// a function in the statement may fail, so SQLite keeps a statement
// journal for it again, and a million identifiers inserted at random
// with pages spilling took 24.2 CPU-s against 12.9. Binding the time
// once and naming it twice (?NNN) was tried too: the driver looks each
// parameter's name up, which SQLite does by a walk of the statement's
// names, and 1,024 rows a statement took 4.5 times as long.
func (b *PlatformBulk) insertNewIdents(ctx context.Context, n int, args []any) (bool, error) {
	st, err := b.stmt(ctx, "INSERT OR IGNORE INTO platform_identifiers (user_id, key, first_at, last_at) VALUES ", "(?, ?, ?, ?)", n, "")
	if err != nil {
		return false, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return false, fmt.Errorf("platform identifiers: %w", err)
	}
	k, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("platform identifiers: %w", err)
	}
	return k == int64(n), nil
}

// actGroups are the optional column groups of an activity row: a row
// binds only the groups it has a value in (the others take their
// defaults, which are what it would bind), so a view or a message binds
// 6-7 values instead of 17. Its shape is the bit set of its groups.
var actGroups = []struct {
	cols []string
	has  func(a *PlatformActivity) bool
	args func(a *PlatformActivity, args []any) []any
}{
	{[]string{"sha256", "sha1", "md5"}, func(a *PlatformActivity) bool { return a.SHA256 != "" || a.SHA1 != "" || a.MD5 != "" },
		func(a *PlatformActivity, args []any) []any { return append(args, a.SHA256, a.SHA1, a.MD5) }},
	{[]string{"name", "size"}, func(a *PlatformActivity) bool { return a.Name != "" || a.Size != 0 },
		func(a *PlatformActivity, args []any) []any { return append(args, a.Name, a.Size) }},
	{[]string{"upload_ref"}, func(a *PlatformActivity) bool { return a.UploadRef != "" },
		func(a *PlatformActivity, args []any) []any { return append(args, a.UploadRef) }},
	{[]string{"address", "amount", "txid"}, func(a *PlatformActivity) bool { return a.Address != "" || a.Amount != "" || a.TxID != "" },
		func(a *PlatformActivity, args []any) []any { return append(args, a.Address, a.Amount, a.TxID) }},
	{[]string{"status", "matched"}, func(a *PlatformActivity) bool { return a.Status != "" || a.Matched != "" },
		func(a *PlatformActivity, args []any) []any { return append(args, a.Status, a.Matched) }},
}

func actShape(a *PlatformActivity) int {
	shape := 0
	for i, g := range actGroups {
		if g.has(a) {
			shape |= 1 << i
		}
	}
	return shape
}

func (b *PlatformBulk) flushActs(ctx context.Context, id func(string) int64) error {
	// By shape, then in key order: each statement then walks the unique
	// (platform, ref) index forward.
	for i := range b.acts {
		b.acts[i].shape = actShape(&b.acts[i].a)
	}
	slices.SortFunc(b.acts, func(x, y bulkActivity) int {
		return cmp.Or(cmp.Compare(x.shape, y.shape), strings.Compare(x.a.Ref, y.a.Ref))
	})
	for start := 0; start < len(b.acts); {
		shape := b.acts[start].shape
		end := start + 1
		for end < len(b.acts) && end-start < bulkChunk && b.acts[end].shape == shape {
			end++
		}
		part := b.acts[start : start+chunk(end-start, bulkChunk)]
		start += len(part)
		head, row := "INSERT INTO platform_activity (platform_id, ref, kind, user_id, other_id, at", "(?, ?, ?, ?, ?, ?"
		for i, g := range actGroups {
			if shape&(1<<i) != 0 {
				head += ", " + strings.Join(g.cols, ", ")
				row += strings.Repeat(", ?", len(g.cols))
			}
		}
		args := b.argsFor(17 * len(part))
		for _, x := range part {
			a := &x.a
			var other any
			if x.other != "" {
				other = id(x.other)
			}
			args = append(args, a.PlatformID, a.Ref, a.Kind, id(x.ext), other, a.At)
			for i, g := range actGroups {
				if shape&(1<<i) != 0 {
					args = g.args(a, args)
				}
			}
		}
		st, err := b.stmt(ctx, head+") VALUES ", row+")", len(part), upsertActivityTail)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("platform activity: %w", err)
		}
	}
	b.acts = b.acts[:0]
	clear(b.actAt)
	return nil
}

func (b *PlatformBulk) flushLogins(ctx context.Context, id func(string) int64) error {
	if len(b.logins) == 0 {
		return nil
	}
	var agents []string
	var ips []netip.Addr
	for _, x := range b.logins {
		if x.agent != "" {
			agents = append(agents, x.agent)
		}
		if x.ip.IsValid() {
			ips = append(ips, x.ip)
		}
	}
	if err := dictionary(ctx, b, agentDict, b.agents, agents, func(v string) string { return v }); err != nil {
		return err
	}
	if err := dictionary(ctx, b, ipDict, b.ips, ips, netip.Addr.String); err != nil {
		return err
	}
	for i := range b.logins {
		x := &b.logins[i]
		if x.ext != "" {
			x.p.user = userKey(x.ext, id(x.ext))
		}
		if x.ip.IsValid() {
			x.p.ip = b.ips[x.ip]
		}
		if x.agent != "" {
			x.p.agent = b.agents[x.agent]
		}
		if err := b.spillLogin(&x.p); err != nil {
			return err
		}
	}
	b.logins = b.logins[:0]
	return nil
}

// bulkDict is a per-platform table of texts, each stored once per
// platform and named by its row id: users by their ext id, and the
// logins' user agents and IPs.
type bulkDict struct {
	what, table, col string
	row              string               // the VALUES row: platform id, the text, then extra
	extra            func(v string) []any // the values of the row's other columns
	insert           string               // INSERT INTO table (platform_id, col, ...) VALUES
}

var (
	userDict = bulkDict{what: "users", table: "platform_users", col: "ext_id", row: "(?, ?)",
		insert: "INSERT INTO platform_users (platform_id, ext_id) VALUES "}
	agentDict = bulkDict{what: "user agents", table: "platform_agents", col: "agent", row: "(?, ?)",
		insert: "INSERT INTO platform_agents (platform_id, agent) VALUES "}
	ipDict = bulkDict{what: "login IPs", table: "platform_ips", col: "ip", row: "(?, ?, ?, ?)",
		insert: "INSERT INTO platform_ips (platform_id, ip, kind, key) VALUES ",
		extra:  func(ip string) []any { k := ipKind(ip); return []any{k, k + ":" + ip} }}
)

// dictionary stores the values vals (of queued logins, not cached when
// queued), as their texts, in d's table once per platform and caches
// their row ids in cache. The zero value is none.
func dictionary[V comparable](ctx context.Context, b *PlatformBulk, d bulkDict, cache map[V]int64, vals []V, text func(V) string) error {
	var zero V
	var need []V
	seen := map[V]bool{}
	for _, v := range vals {
		if v != zero && !seen[v] {
			seen[v] = true
			if _, ok := cache[v]; !ok {
				need = append(need, v)
			}
		}
	}
	if len(cache)+len(need) > bulkCacheSize {
		clear(cache)
		need = need[:0]
		for v := range seen {
			need = append(need, v)
		}
	}
	texts := make([]string, len(need))
	byText := make(map[string]V, len(need))
	for i, v := range need {
		texts[i] = text(v)
		byText[texts[i]] = v
	}
	return b.rowIDs(ctx, d, texts, func(t string, id int64) { cache[byText[t]] = id })
}

// rowIDs finds the row ids of the distinct texts vals in d's table,
// inserting those not stored (in the order given), and calls found with
// each. It looks them up first, in key order (each statement walks the
// unique (platform, text) index forward), 512 to a statement: the texts
// of a batch are nearly always stored already, and an INSERT that finds
// its key costs the same index walk again.
func (b *PlatformBulk) rowIDs(ctx context.Context, d bulkDict, vals []string, found func(v string, id int64)) error {
	sorted := slices.Sorted(slices.Values(vals))
	got := make(map[string]bool, len(vals))
	for start := 0; start < len(sorted); {
		part := sorted[start : start+chunk(len(sorted)-start, bulkLookupChunk)]
		start += len(part)
		args := make([]any, 0, 1+len(part))
		args = append(args, b.platformID)
		for _, v := range part {
			args = append(args, v)
		}
		st, err := b.stmt(ctx, "SELECT id, "+d.col+" FROM "+d.table+" WHERE platform_id = ? AND "+d.col+" IN (", "?", len(part), ")")
		if err != nil {
			return err
		}
		if err := d.scan(ctx, st, args, func(v string, id int64) { got[v] = true; found(v, id) }); err != nil {
			return err
		}
	}
	var missing []string
	for _, v := range vals {
		if !got[v] {
			missing = append(missing, v)
		}
	}
	for start := 0; start < len(missing); {
		part := missing[start : start+chunk(len(missing)-start, bulkChunk)]
		start += len(part)
		args := make([]any, 0, 4*len(part))
		for _, v := range part {
			args = append(args, b.platformID, v)
			if d.extra != nil {
				args = append(args, d.extra(v)...)
			}
		}
		// DO UPDATE (a no-op) rather than DO NOTHING, so that RETURNING
		// names every row, stored or not.
		st, err := b.stmt(ctx, d.insert, d.row, len(part), " ON CONFLICT (platform_id, "+d.col+") DO UPDATE SET "+d.col+" = excluded."+d.col+" RETURNING id, "+d.col)
		if err != nil {
			return err
		}
		if err := d.scan(ctx, st, args, found); err != nil {
			return err
		}
	}
	return nil
}

// scan runs st, a statement giving (id, text) rows of d's table, and
// calls found with each.
func (d bulkDict) scan(ctx context.Context, st *sql.Stmt, args []any, found func(v string, id int64)) error {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("platform %s: %w", d.what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return fmt.Errorf("platform %s: %w", d.what, err)
		}
		found(v, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("platform %s: %w", d.what, err)
	}
	return rows.Close()
}

// chunk is how many of n rows (n > 0) the next statement writes: most,
// or the largest power of two below n, so that a writer prepares a dozen
// sizes of a statement at most.
func chunk(n, most int) int {
	if n >= most {
		return most
	}
	return 1 << (bits.Len(uint(n)) - 1)
}

// stmt returns the prepared statement head + n times row (comma
// separated) + tail, preparing it once per transaction.
func (b *PlatformBulk) stmt(ctx context.Context, head, row string, n int, tail string) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s|%s|%d", head, row, n)
	if st, ok := b.stmts[key]; ok {
		return st, nil
	}
	var sb strings.Builder
	sb.WriteString(head)
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	sb.WriteString(tail)
	st, err := b.tx.tx.PrepareContext(ctx, b.tx.rebind(sb.String()))
	if err != nil {
		return nil, err
	}
	b.stmts[key] = st
	return st, nil
}

// Pack flushes, then writes what the writer spilled as packs: the
// logins queued since it started (platform_login_packs: one row per
// source and user, with the IPs of those logins and their first and
// last times), recording on each source the offset of the last login
// stored from it; and the activity with a source (platform_activity_packs:
// one row per source, user and kind), replacing the packs an earlier
// import stored from those sources. Call it after the last row and
// before Close.
func (b *PlatformBulk) Pack(ctx context.Context) error {
	if err := b.Flush(ctx); err != nil {
		return err
	}
	if err := b.packLogins(ctx); err != nil {
		return err
	}
	return b.packActs(ctx)
}

// insertPacks begins an INSERT of packs. On SQLite it is INSERT OR FAIL:
// a failing row then ends the statement without undoing the rows before
// it (the import's transaction is rolled back anyway), so SQLite keeps
// no statement journal, where a multi-row INSERT that may abort copies
// every stored page it changes there first. A foreign key needs one too:
// since 0037 the packs have none. (The statement journal's copies took
// 2.62 CPU-s of a full-scale profile, 0.88 after: identifiers and users
// are upserts, whose update may abort.)
func (b *PlatformBulk) insertPacks() string {
	if b.tx.dialect == SQLite {
		return "INSERT OR FAIL INTO "
	}
	return "INSERT INTO "
}

// packRows inserts rows of cols values each into table, bulkChunk rows a
// statement, or fewer when their texts and blobs reach packChunkBytes.
// The values the rows of a statement share (a pack's source and kind)
// are written into it, not bound: each value bound costs about as much as
// SQLite's insert of it.
type packRows struct {
	b          *PlatformBulk
	what, head string // head names the shared columns first
	row        string // the placeholders of a row's other values
	cols       int
	fixed      string // the shared values of the rows in args, as SQL, each followed by ", "
	args       []any
	bytes      int    // of the texts and blobs in args
	keep       []int  // fold: the columns bound
	folded     []any  // fold: the values bound
	blobs      []byte // the rows' blobs (blob)
}

// fold writes into the statement the columns in which every one of the n
// rows of vals holds the same empty value (NULL, 0 or the empty text)
// and returns the VALUES row and the values left to bind (in p.folded).
// A view's pack, for one, has no bank matches: its four counts of them
// are 0 and it has no other statuses, five of its nine values. Only
// empty values are folded, so that the statements of an import come in
// a few shapes, each prepared once.
func (p *packRows) fold(vals []any, n int) (string, []any) {
	var row strings.Builder
	row.WriteString("(")
	row.WriteString(p.fixed)
	keep := p.keep[:0]
	for c := range p.cols {
		lit := emptySQL(vals[c])
		for r := 1; r < n && lit != ""; r++ {
			if emptySQL(vals[r*p.cols+c]) != lit {
				lit = ""
			}
		}
		if c > 0 {
			row.WriteString(", ")
		}
		if lit == "" {
			row.WriteString("?")
			keep = append(keep, c)
		} else {
			row.WriteString(lit)
		}
	}
	row.WriteString(")")
	p.keep = keep
	if len(keep) == p.cols {
		return row.String(), vals
	}
	out := slices.Grow(p.folded[:0], n*len(keep))
	for r := range n {
		for _, c := range keep {
			out = append(out, vals[r*p.cols+c])
		}
	}
	clear(out[len(out):cap(out)]) // values of an earlier statement
	p.folded = out
	return row.String(), out
}

// emptySQL is v as SQL when it is an empty value (NULL, 0, the empty
// text), "" otherwise.
func emptySQL(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case int64:
		if v == 0 {
			return "0"
		}
	case string:
		if v == "" {
			return "''"
		}
	}
	return ""
}

// sqlFixed writes the shared values of packs as SQL, a source and, for
// activity, a kind, remembering the last.
type sqlFixed struct {
	source int64
	kind   string
	sql    string
}

// of is source (and kind, "" none) as SQL, each followed by ", ".
func (f *sqlFixed) of(source int64, kind string) string {
	if f.sql == "" || source != f.source || kind != f.kind {
		f.source, f.kind, f.sql = source, kind, strconv.FormatInt(source, 10)+", "
		if kind != "" {
			lit, _ := sqlLiteral(kind) // a mapping's entity name
			f.sql += lit + ", "
		}
	}
	return f.sql
}

// packChunkBytes bounds the texts and blobs of one statement's packs.
// The driver copies each into memory of SQLite's allocator for the
// statement and frees it after. At 1024 activity packs a statement (some
// 430 KB) that memory was mapped afresh each time: the copies cost 2.6
// CPU-s at full scale, against 0.2 at 128 packs. Login packs, some 250
// bytes each, still go about 1024 to a statement: at 64 KiB, their
// statement journal copies and steps cost 1.8 CPU-s more.
const packChunkBytes = 256 << 10

// add adds a row: fixed, the SQL of its shared values, and vals.
func (p *packRows) add(ctx context.Context, fixed string, vals ...any) error {
	if fixed != p.fixed {
		// The rows before this one; this row's blobs stay in p.blobs.
		if err := p.flush(ctx); err != nil {
			return err
		}
		p.fixed = fixed
	}
	p.args = append(p.args, vals...)
	for _, v := range vals {
		switch v := v.(type) {
		case []byte:
			p.bytes += len(v)
		case string:
			p.bytes += len(v)
		}
	}
	if len(p.args) >= p.cols*bulkChunk || p.bytes >= packChunkBytes {
		err := p.flush(ctx)
		p.blobs = p.blobs[:0] // every row cut from it is written
		return err
	}
	return nil
}

func (p *packRows) flush(ctx context.Context) error {
	for start := 0; start < len(p.args); {
		n := chunk((len(p.args)-start)/p.cols, bulkChunk)
		row, vals := "("+p.fixed+p.row+")", p.args[start:start+n*p.cols]
		if p.b.tx.dialect == SQLite {
			row, vals = p.fold(vals, n)
		}
		st, err := p.b.stmt(ctx, p.head, row, n, "")
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, vals...); err != nil {
			return fmt.Errorf("platform %s: %w", p.what, err)
		}
		start += n * p.cols
	}
	clear(p.args)
	p.args, p.bytes = p.args[:0], 0
	return nil
}

// blob returns an empty slice with room for n bytes for a row's blob,
// cut from a buffer the rows not yet written share, reused once add has
// written them all (the driver copies a blob into SQLite's memory): a
// full-scale import packs some 3M blobs, each made anew before. A blob
// that outgrows its room moves out of the buffer, as append does.
func (p *packRows) blob(n int) []byte {
	if cap(p.blobs)-len(p.blobs) < n {
		// A new buffer; the blobs cut from the old one stay in it.
		p.blobs = make([]byte, 0, max(2*cap(p.blobs), n, 64<<10))
	}
	at := len(p.blobs)
	p.blobs = p.blobs[:at+n]
	return p.blobs[at : at : at+n]
}

func (b *PlatformBulk) packLogins(ctx context.Context) error {
	defer b.spill.close()
	if b.spill.len() == 0 {
		return nil
	}
	out := packRows{b: b, what: "login packs", cols: 7, row: "?, ?, ?, ?, ?, ?, ?",
		head: b.insertPacks() + "platform_login_packs (source_id, user_id, first_off, n, first_at, last_at, logins, ips) VALUES "}
	var ips []packIP
	var fixed sqlFixed
	err := b.spill.merge(func(ls []packLogin) error {
		user, err := b.keyedUser(ls[0].user)
		if err != nil {
			return err
		}
		firstOff := ls[0].off
		var firstAt, lastAt int64
		timed := false
		for i := range ls {
			firstOff = min(firstOff, ls[i].off)
			if ls[i].hasAt {
				if !timed {
					firstAt, timed = ls[i].at, true
				}
				lastAt = ls[i].at
			}
		}
		var first, last any // NULL when no login has a time; boxed once a pack
		if timed {
			first, last = firstAt, lastAt
		}
		ips = foldIPs(ls, ips)
		return out.add(ctx, fixed.of(ls[0].source, ""), user, firstOff, int64(len(ls)), first, last,
			encodeLogins(out.blob(8*len(ls)+1), ls), encodeIPs(out.blob(8*len(ips)+1), ips))
	})
	if err == nil {
		err = out.flush(ctx)
	}
	if err != nil {
		return err
	}
	b.foldLastOff()
	for src, off := range b.loginsOff {
		if _, err := b.tx.exec(ctx, "UPDATE platform_sources SET logins_off = ? WHERE id = ? AND logins_off < ?", off, src, off); err != nil {
			return fmt.Errorf("platform login source: %w", err)
		}
	}
	clear(b.loginsOff)
	return nil
}

// spillActs spills the queued activity with a source, its users resolved.
func (b *PlatformBulk) spillActs(id func(string) int64) error {
	for i := range b.packed {
		x := &b.packed[i]
		other, user := x.oid, x.uid
		if x.other != "" {
			other = id(x.other)
		}
		if x.ext != "" {
			user = userKey(x.ext, id(x.ext))
		}
		if err := b.spillAct(&x.a, user, other); err != nil {
			return err
		}
	}
	clear(b.packed)
	b.packed = b.packed[:0]
	return nil
}

// spillAct spills an activity row of the user of key user (keyedUser),
// and of other, the row id of a message's recipient (0 none).
func (b *PlatformBulk) spillAct(a *PlatformActivity, user, other int64) error {
	// A dump's rows of a kind from a source come together: the last
	// kind and source are checked before the maps.
	k := b.lastKindID
	if a.Kind != b.lastKind || a.Kind == "" {
		var ok bool
		if k, ok = b.kinds[a.Kind]; !ok {
			if len(b.kindNames) > 255 {
				return fmt.Errorf("platform activity: more than 256 kinds (%q)", a.Kind)
			}
			k = uint8(len(b.kindNames))
			b.kinds[a.Kind] = k
			b.kindNames = append(b.kindNames, a.Kind)
		}
		b.lastKind, b.lastKindID = a.Kind, k
	}
	p := packAct{source: a.SourceID, user: user, kind: k, status: actStatus(a.Status), off: a.Offset, line: a.Line}
	if t, ok := unixSeconds(a.Time); ok {
		p.atKind, p.at = actAtUnix, t
	} else if t, ok := utcSeconds(a.At); ok {
		p.atKind, p.at = actAtUnix, t
	} else if a.At != "" {
		p.atKind, p.atText = actAtText, a.At
	}
	// The rows' data go into one buffer, written again from its start
	// once no row in memory holds data in it (the last run spilled): a
	// buffer made for each batch (4 MB) was zeroed and, at full scale, a
	// gigabyte of garbage.
	if len(b.actSpill.mem) == 0 {
		b.actData = b.actData[:0]
	}
	start := len(b.actData)
	b.actData = appendActData(b.actData, a, other, p.status)
	p.data = b.actData[start:len(b.actData):len(b.actData)]
	if a.SourceID != b.lastSource || a.SourceID == 0 {
		b.actSources[a.SourceID] = true
		b.lastSource = a.SourceID
	}
	return b.actSpill.add(p)
}

// packActs replaces the activity packs of the sources activity was
// spilled from with packs merged from the runs.
func (b *PlatformBulk) packActs(ctx context.Context) error {
	defer b.actSpill.close()
	for _, src := range slices.Sorted(maps.Keys(b.actSources)) {
		if _, err := b.tx.exec(ctx, "DELETE FROM platform_activity_packs WHERE source_id = ?", src); err != nil {
			return fmt.Errorf("platform activity packs: %w", err)
		}
	}
	clear(b.actSources)
	b.lastSource = 0
	if b.actSpill.len() == 0 {
		return nil
	}
	out := packRows{b: b, what: "activity packs", cols: 9, row: "?, ?, ?, ?, ?, ?, ?, ?, ?",
		head: b.insertPacks() + "platform_activity_packs (source_id, kind, user_id, n, matched, unknown, ignorable, other, other_statuses, last_at, acts) VALUES "}
	var fixed sqlFixed
	err := b.actSpill.merge(func(xs []packAct) error {
		user, err := b.keyedUser(xs[0].user)
		if err != nil {
			return err
		}
		var by [actStatusText + 1]int64
		var lastUnix int64
		var hasUnix bool
		var lastText string
		size := 1
		for i := range xs {
			x := &xs[i]
			by[x.status]++
			switch x.atKind {
			case actAtUnix:
				if !hasUnix || x.at > lastUnix {
					lastUnix, hasUnix = x.at, true
				}
			case actAtText:
				lastText = max(lastText, x.atText)
			}
			size += 24 + len(x.atText) + len(x.data)
		}
		var last any
		if hasUnix {
			lastText = max(lastText, unixText(lastUnix))
		}
		if lastText != "" {
			last = lastText
		}
		var others any
		if by[actStatusText] > 0 {
			others = otherStatuses(xs)
		}
		return out.add(ctx, fixed.of(xs[0].source, b.kindNames[xs[0].kind]), user, int64(len(xs)),
			by[actStatusMatched], by[actStatusUnknown], by[actStatusIgnorable], by[actStatusText], others, last, encodeActs(out.blob(size), xs))
	})
	if err == nil {
		err = out.flush(ctx)
	}
	return err
}

// dropIndexes drops the secondary indexes of bulkDeferred and keeps
// their definitions for Close.
func (b *PlatformBulk) dropIndexes(ctx context.Context) error {
	b.deferred = []string{}
	var payments int64
	if err := b.tx.queryRow(ctx, "SELECT COALESCE(MAX(rowid), 0) FROM payments").Scan(&payments); err != nil {
		return err
	}
	for _, d := range bulkDeferred {
		if d.table == "payments" && payments > 4*b.written {
			continue
		}
		var def string
		err := b.tx.queryRow(ctx, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", d.index).Scan(&def)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := b.tx.exec(ctx, "DROP INDEX "+d.index); err != nil {
			return fmt.Errorf("defer index %s: %w", d.index, err)
		}
		b.deferred = append(b.deferred, def)
	}
	return nil
}

// Close flushes, rebuilds the secondary indexes a large write dropped,
// releases the prepared statements and gives SQLite its usual page
// cache back. It must run before the transaction commits, after Pack.
func (b *PlatformBulk) Close(ctx context.Context) error {
	err := b.Flush(ctx)
	if err == nil && b.spill.len()+b.actSpill.len() > 0 {
		err = errors.New("platform bulk writer closed with logins or activity not packed (Pack)")
	}
	err = errors.Join(err, b.spill.close(), b.actSpill.close())
	for k, st := range b.stmts {
		st.Close()
		delete(b.stmts, k)
	}
	if b.tx.dialect == SQLite && err == nil && len(b.deferred) > 0 {
		_, err = b.tx.exec(ctx, "PRAGMA cache_size = -2000") // CREATE INDEX's sorter is bounded by it
	}
	for _, def := range b.deferred {
		if err == nil {
			if _, err = b.tx.exec(ctx, def); err != nil {
				err = fmt.Errorf("rebuild index: %w", err)
			}
		}
	}
	b.deferred = nil
	if b.tx.dialect == SQLite && err == nil {
		_, err = b.tx.exec(ctx, "PRAGMA cache_size = -2000")
	}
	return err
}

// userCache maps users' ext ids to row ids, in three bounded parts.
// Ext ids in canonical decimal (most platforms number their users) are
// keyed by their value: below bulkDenseSize in a slice indexed by it (no
// hashing, one memory read; never cleared, it is bounded by its length),
// above it in a map of integers cleared when full. Every other ext id is
// keyed by its text, in a map cleared when full. A canonical decimal has
// no sign and no leading zero, so distinct texts never share a value
// ("007" and "7" are different users: "007" is keyed by its text).
type userCache struct {
	dense []int64 // by value, 0 not cached (row ids start at 1)
	// known has bit n set when dense[n] is: 256 KB when full, it stays in
	// the CPU's cache where dense (16 MB) does not, so that a login or
	// activity row can learn that its user is stored without reading
	// dense (extUserKey).
	known []uint64
	num   map[uint64]int64
	str   map[string]int64
}

// bulkDenseSize bounds the dense part of the user cache (16 MB when
// full), which grows with the largest decimal ext id cached below it.
const bulkDenseSize = 1 << 21

func newUserCache() userCache {
	return userCache{num: map[uint64]int64{}, str: map[string]int64{}}
}

// decimalID is ext as a number when it is a canonical decimal below
// 10^19.
func decimalID(ext string) (uint64, bool) {
	if len(ext) == 0 || len(ext) > 19 || (ext[0] == '0' && len(ext) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(ext); i++ {
		c := ext[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + uint64(c)
	}
	return n, true
}

// denseKnown returns ext's value when it is a decimal whose user the
// dense part holds, reading only known.
func (c *userCache) denseKnown(ext string) (uint64, bool) {
	n, ok := decimalID(ext)
	if !ok || n/64 >= uint64(len(c.known)) {
		return 0, false
	}
	return n, c.known[n/64]&(1<<(n%64)) != 0
}

func (c *userCache) get(ext string) (int64, bool) {
	if n, ok := decimalID(ext); ok {
		if n < uint64(len(c.dense)) {
			id := c.dense[n]
			return id, id != 0
		}
		id, ok := c.num[n]
		return id, ok
	}
	id, ok := c.str[ext]
	return id, ok
}

func (c *userCache) put(ext string, id int64) {
	if n, ok := decimalID(ext); ok {
		if n < bulkDenseSize {
			if n >= uint64(len(c.dense)) {
				size := max(int(n)+1, min(2*len(c.dense), bulkDenseSize))
				c.dense = slices.Grow(c.dense, size-len(c.dense))[:size]
			}
			c.dense[n] = id
			if n/64 >= uint64(len(c.known)) {
				c.known = slices.Grow(c.known, len(c.dense)/64+1-len(c.known))[:len(c.dense)/64+1]
			}
			c.known[n/64] |= 1 << (n % 64)
			return
		}
		if len(c.num) >= bulkNumCacheSize {
			clear(c.num)
		}
		c.num[n] = id
		return
	}
	if len(c.str) >= bulkCacheSize {
		clear(c.str)
	}
	c.str[ext] = id
}
