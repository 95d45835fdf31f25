package store

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// A platform's logins are stored in packs (migration 0034): one row per
// source, user and import holding that user's logins from the source, by
// time, and the IPs they came from with the first and last time from
// each. An import spills logins to sorted runs and merges them into
// packs at the end (platform_spill.go).

// packLogin is one login as spilled and packed: all integers.
type packLogin struct {
	source, user int64
	off, line    int64
	at           int64 // Unix seconds when hasAt
	hasAt        bool
	ip, agent    int64 // row ids, 0 none
}

// packOrder is the order of a run and of the merge: by source and user
// (a pack's key), then as a pack lists its logins: unknown times first,
// then by time and offset.
func packOrder(a, b *packLogin) int {
	return cmp.Or(cmp.Compare(a.source, b.source), cmp.Compare(a.user, b.user), atOrder(a, b), cmp.Compare(a.off, b.off))
}

// atOrder orders logins by time as readers list them: unknown times
// first.
func atOrder(a, b *packLogin) int {
	if a.hasAt != b.hasAt {
		if a.hasAt {
			return 1
		}
		return -1
	}
	return cmp.Compare(a.at, b.at)
}

// loginRunSize is how many logins a run holds in memory (64 bytes each)
// before it is sorted and spilled (32 MB). A variable for tests.
var loginRunSize = 1 << 19

// loginSpill collects an import's logins in sorted runs, a pack per
// source and user.
type loginSpill = runSpill[packLogin, loginCodec]

type loginCodec struct{}

func (loginCodec) what() string              { return "logins" }
func (loginCodec) runSize() int              { return loginRunSize }
func (loginCodec) runBytes() int             { return math.MaxInt }
func (loginCodec) rowBytes(*packLogin) int   { return 0 }
func (loginCodec) order(a, b *packLogin) int { return packOrder(a, b) }
func (loginCodec) sort(ls []packLogin, sc *sortScratch) {
	sortByPack(ls, func(l *packLogin) (int64, int64, uint8) { return l.source, l.user, 0 }, 0, packOrder, sc)
}

// sortPack sorts one pack's logins (one source and user) by time and
// offset. A pack merged from several runs is a few logins from each,
// some dozens in all, nearly always out of order when the dump does not
// list logins by time (the synthetic one): an insertion sort comparing
// in place, where a sort through a comparison taking the rows by value
// copied two 64-byte rows per comparison (2 CPU-s at full scale).
func (loginCodec) sortPack(ls []packLogin) {
	if len(ls) > 64 {
		for i := 1; i < len(ls); i++ {
			if packOrder(&ls[i-1], &ls[i]) > 0 {
				sortByOrder(ls, packOrder)
				return
			}
		}
		return
	}
	for i := 1; i < len(ls); i++ {
		if !loginBefore(&ls[i], &ls[i-1]) {
			continue
		}
		x := ls[i]
		j := i
		for j > 0 && loginBefore(&x, &ls[j-1]) {
			ls[j] = ls[j-1]
			j--
		}
		ls[j] = x
	}
}

// loginBefore orders two logins of one pack: unknown times first, then
// by time and offset (packOrder within a pack).
func loginBefore(a, b *packLogin) bool {
	if a.hasAt != b.hasAt {
		return b.hasAt
	}
	if a.at != b.at {
		return a.at < b.at
	}
	return a.off < b.off
}
func (loginCodec) pack(l *packLogin) packKey               { return packKey{source: l.source, user: l.user} }
func (loginCodec) put(buf []byte, l *packLogin) []byte     { return appendSpilled(buf, l) }
func (loginCodec) get(r *bufio.Reader, l *packLogin) error { return readSpilled(r, l) }

func appendSpilled(buf []byte, l *packLogin) []byte {
	buf = binary.AppendUvarint(buf, uint64(l.source))
	buf = binary.AppendUvarint(buf, uint64(l.user))
	buf = binary.AppendVarint(buf, l.off)
	buf = binary.AppendVarint(buf, l.line)
	buf = binary.AppendUvarint(buf, uint64(l.ip)<<1|b2u(l.hasAt))
	if l.hasAt {
		buf = binary.AppendVarint(buf, l.at)
	}
	return binary.AppendUvarint(buf, uint64(l.agent))
}

// maxSpilled is the most bytes appendSpilled writes for a login: seven
// varints.
const maxSpilled = 7 * binary.MaxVarintLen64

// readSpilled reads a login appendSpilled wrote. It decodes from the
// reader's buffer (Peek) rather than a byte at a time through
// io.ByteReader: 20M logins at full scale are some 250M bytes. The
// reader's buffer must hold maxSpilled bytes.
func readSpilled(r *bufio.Reader, l *packLogin) error {
	if r.Size() < maxSpilled {
		return fmt.Errorf("read spilled logins: a buffer of %d bytes, want %d", r.Size(), maxSpilled)
	}
	b, err := r.Peek(maxSpilled)
	if len(b) == 0 {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	n, ok := decodeSpilled(b, l)
	if !ok {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	_, err = r.Discard(n)
	return err
}

// decodeSpilled decodes a login from the front of b and returns its
// length; false when b ends first or holds a varint too long.
func decodeSpilled(b []byte, l *packLogin) (int, bool) {
	at := 0
	uvarint := func() (uint64, bool) {
		v, n := binary.Uvarint(b[at:])
		if n <= 0 {
			return 0, false
		}
		at += n
		return v, true
	}
	varint := func() (int64, bool) {
		v, n := binary.Varint(b[at:])
		if n <= 0 {
			return 0, false
		}
		at += n
		return v, true
	}
	source, ok1 := uvarint()
	user, ok2 := uvarint()
	off, ok3 := varint()
	line, ok4 := varint()
	ipAt, ok5 := uvarint()
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return 0, false
	}
	*l = packLogin{source: int64(source), user: int64(user), off: off, line: line, ip: int64(ipAt >> 1), hasAt: ipAt&1 == 1}
	if l.hasAt {
		v, ok := varint()
		if !ok {
			return 0, false
		}
		l.at = v
	}
	agent, ok := uvarint()
	if !ok {
		return 0, false
	}
	l.agent = int64(agent)
	return at, true
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// packVersion is the first byte of a packed blob.
const packVersion = 1

// encodeLogins packs one pack's logins (in pack order): offset and line
// as the difference from the login before, the IP id with a bit saying
// whether a time follows, the time as the difference from the last
// known one, the user agent's id.
func encodeLogins(buf []byte, ls []packLogin) []byte {
	buf = append(buf, packVersion)
	var off, line, at int64
	for i := range ls {
		l := &ls[i]
		buf = binary.AppendVarint(buf, l.off-off)
		buf = binary.AppendVarint(buf, l.line-line)
		buf = binary.AppendUvarint(buf, uint64(l.ip)<<1|b2u(l.hasAt))
		if l.hasAt {
			buf = binary.AppendVarint(buf, l.at-at)
			at = l.at
		}
		buf = binary.AppendUvarint(buf, uint64(l.agent))
		off, line = l.off, l.line
	}
	return buf
}

// decodeLogins unpacks n logins of a pack of source and user.
func decodeLogins(data []byte, source, user, n int64) ([]packLogin, error) {
	if len(data) == 0 || data[0] != packVersion {
		return nil, errors.New("login pack: unknown version")
	}
	d := packReader{b: data[1:]}
	out := make([]packLogin, 0, max(0, min(n, int64(len(data))/4))) // a login takes 4 bytes at least
	var off, line, at int64
	for range n {
		l := packLogin{source: source, user: user}
		off += d.varint()
		line += d.varint()
		ip := d.uvarint()
		l.off, l.line, l.ip, l.hasAt = off, line, int64(ip>>1), ip&1 == 1
		if l.hasAt {
			at += d.varint()
			l.at = at
		}
		l.agent = int64(d.uvarint())
		if d.err != nil {
			return nil, fmt.Errorf("login pack: %w", d.err)
		}
		out = append(out, l)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("login pack: %d bytes past its %d logins", len(d.b), n)
	}
	return out, nil
}

// packIP is an IP a pack's logins came from: its row id, and the first
// and last time among those logins that have one.
type packIP struct {
	ip          int64
	hasAt       bool
	first, last int64
}

// foldIPs lists the IPs of a pack's logins (those with one), by id.
func foldIPs(ls []packLogin, out []packIP) []packIP {
	out = out[:0]
	for i := range ls {
		l := &ls[i]
		if l.ip == 0 {
			continue
		}
		out = append(out, packIP{ip: l.ip, hasAt: l.hasAt, first: l.at, last: l.at})
	}
	// A pack holds some dozens of logins: sorted in place by insertion,
	// where a sort through a comparison taking two rows by value cost
	// 0.7 CPU-s at full scale.
	if len(out) > 64 {
		slices.SortFunc(out, func(a, b packIP) int { return cmp.Compare(a.ip, b.ip) })
	} else {
		for i := 1; i < len(out); i++ {
			if out[i].ip >= out[i-1].ip {
				continue
			}
			x := out[i]
			j := i
			for ; j > 0 && x.ip < out[j-1].ip; j-- {
				out[j] = out[j-1]
			}
			out[j] = x
		}
	}
	merged := out[:0]
	for _, p := range out {
		if n := len(merged); n > 0 && merged[n-1].ip == p.ip {
			m := &merged[n-1]
			switch {
			case !p.hasAt:
			case !m.hasAt:
				m.hasAt, m.first, m.last = true, p.first, p.last
			default:
				m.first, m.last = min(m.first, p.first), max(m.last, p.last)
			}
			continue
		}
		merged = append(merged, p)
	}
	return merged
}

// encodeIPs packs a pack's IPs (by id): the id as the difference from
// the one before with a bit saying whether times follow, the first time
// and the last as the difference from it.
func encodeIPs(buf []byte, ips []packIP) []byte {
	buf = append(buf, packVersion)
	var prev int64
	for _, p := range ips {
		buf = binary.AppendUvarint(buf, uint64(p.ip-prev)<<1|b2u(p.hasAt))
		if p.hasAt {
			buf = binary.AppendVarint(buf, p.first)
			buf = binary.AppendUvarint(buf, uint64(p.last-p.first))
		}
		prev = p.ip
	}
	return buf
}

func decodeIPs(data []byte) ([]packIP, error) {
	if len(data) == 0 || data[0] != packVersion {
		return nil, errors.New("login IP pack: unknown version")
	}
	d := packReader{b: data[1:]}
	var out []packIP
	var prev int64
	for len(d.b) > 0 {
		u := d.uvarint()
		p := packIP{ip: prev + int64(u>>1), hasAt: u&1 == 1}
		if p.hasAt {
			p.first = d.varint()
			p.last = p.first + int64(d.uvarint())
		}
		if d.err != nil {
			return nil, fmt.Errorf("login IP pack: %w", d.err)
		}
		prev = p.ip
		out = append(out, p)
	}
	return out, nil
}

// packReader reads varints from a blob, keeping the first error.
type packReader struct {
	b   []byte
	err error
}

func (d *packReader) uvarint() uint64 { return readVarint(d, binary.Uvarint) }

func (d *packReader) varint() int64 { return readVarint(d, binary.Varint) }

// readVarint reads one varint with read (binary.Uvarint or Varint).
func readVarint[T uint64 | int64](d *packReader, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.b)
	if n <= 0 {
		d.err = errors.New("truncated or overlong varint")
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes reads the next n bytes (sharing the blob's memory).
func (d *packReader) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("truncated field")
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

// fail keeps msg as the error unless one is kept already.
func (d *packReader) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
		d.b = nil
	}
}
