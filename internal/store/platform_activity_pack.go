package store

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// A platform's activity is stored in packs (migration 0035): one row per
// source (a file and a table), user and kind holding that user's rows of
// the kind from the source, by offset in the dump, with their count, the
// counts by bank match and the newest time as columns. An import spills
// activity to sorted runs and merges them into packs at the end
// (platform_spill.go).

// packAct is one activity row as spilled and packed. The fields every
// row has, and those the pack's columns are folded from, are integers;
// the rest are encoded in data (appendActData).
type packAct struct {
	source, user int64
	kind         uint8 // index into the writer's kinds
	status       uint8 // actStatus*
	atKind       uint8 // actAt*
	off, line    int64
	at           int64  // Unix seconds when atKind is actAtUnix
	atText       string // when atKind is actAtText
	data         []byte
}

// A row's file status: the three a bank match gives, none, or another
// text (kept in data).
const (
	actStatusNone = iota
	actStatusMatched
	actStatusUnknown
	actStatusIgnorable
	actStatusText
)

var actStatuses = [...]string{actStatusNone: "", actStatusMatched: "matched", actStatusUnknown: "unknown", actStatusIgnorable: "ignorable"}

func actStatus(s string) uint8 {
	for i, v := range actStatuses {
		if v == s {
			return uint8(i)
		}
	}
	return actStatusText
}

// A row's time: none, Unix seconds (RFC 3339 UTC, as the importer writes
// it), or another text kept as given.
const (
	actAtNone = iota
	actAtUnix
	actAtText
)

// actRunSize is how many activity rows a run holds in memory (96 bytes
// each, and their data) before it is sorted and spilled; actRunBytes
// bounds their data. An upload's data is some 70 bytes, a payment's
// several times that: bounded by rows alone, a run of payments held
// three times the memory of a run of uploads. Variables for tests.
var (
	actRunSize  = 1 << 17
	actRunBytes = 12 << 20
)

// actSpill collects an import's activity in sorted runs, a pack per
// source, user and kind.
type actSpill = runSpill[packAct, actCodec]

// actCodec spills activity rows. arena, when set, holds the data of the
// rows read back (get): a merge reads some 8M rows at full scale, each
// with some 100 bytes of data kept only until its pack is written.
type actCodec struct{ arena *byteArena }

// byteArena hands out byte slices cut from chunks of arenaChunk bytes
// rather than one allocation each; a chunk is freed once no slice of it
// is held. The zero value is ready; a nil arena allocates each slice.
type byteArena struct{ chunk []byte }

const arenaChunk = 64 << 10

// take returns n bytes.
func (a *byteArena) take(n int) []byte {
	if a == nil || n > arenaChunk/8 {
		return make([]byte, n)
	}
	if len(a.chunk) < n {
		a.chunk = make([]byte, arenaChunk)
	}
	b := a.chunk[:n:n]
	a.chunk = a.chunk[n:]
	return b
}

func (actCodec) what() string            { return "activity" }
func (actCodec) runSize() int            { return actRunSize }
func (actCodec) runBytes() int           { return actRunBytes }
func (actCodec) rowBytes(x *packAct) int { return cap(x.data) + len(x.atText) }
func (actCodec) order(a, b *packAct) int { return actOrder(a, b) }
func (actCodec) sort(xs []packAct, sc *sortScratch) {
	sortByPack(xs, func(x *packAct) (int64, int64, uint8) { return x.source, x.user, x.kind }, 8, actOrder, sc)
}

func actOrder(a, b *packAct) int {
	return cmp.Or(cmp.Compare(a.source, b.source), cmp.Compare(a.user, b.user), cmp.Compare(a.kind, b.kind), cmp.Compare(a.off, b.off))
}
func (actCodec) sortPack(xs []packAct) {
	for i := 1; i < len(xs); i++ {
		if actOrder(&xs[i-1], &xs[i]) > 0 {
			sortByOrder(xs, actOrder)
			return
		}
	}
}
func (actCodec) pack(x *packAct) packKey {
	return packKey{source: x.source, user: x.user, kind: x.kind}
}

func (actCodec) put(buf []byte, x *packAct) []byte {
	buf = binary.AppendUvarint(buf, uint64(x.source))
	buf = binary.AppendUvarint(buf, uint64(x.user))
	buf = append(buf, x.kind)
	buf = binary.AppendVarint(buf, x.off)
	buf = binary.AppendVarint(buf, x.line)
	buf = appendActRow(buf, x)
	return appendBytes(buf, x.data)
}

// maxActHead is the most bytes a spilled activity row holds before its
// time's text and its data: seven varints and the kind.
const maxActHead = 7*binary.MaxVarintLen64 + 1

// get reads a row put wrote. It decodes the row's head from the reader's
// buffer (Peek) rather than a byte at a time through io.ByteReader, as
// readSpilled does logins: a full-scale import reads back some 8M rows.
// The reader's buffer must hold maxActHead bytes.
func (c actCodec) get(r *bufio.Reader, x *packAct) error {
	if r.Size() < maxActHead {
		return fmt.Errorf("read spilled activity: a buffer of %d bytes, want %d", r.Size(), maxActHead)
	}
	b, err := r.Peek(maxActHead) // fewer at the run's end
	if len(b) == 0 {
		return noEOF(err)
	}
	d := packReader{b: b}
	*x = packAct{source: int64(d.uvarint()), user: int64(d.uvarint())}
	if k := d.bytes(1); k != nil {
		x.kind = k[0]
	}
	x.off, x.line = d.varint(), d.varint()
	head := d.uvarint()
	x.status, x.atKind = uint8(head>>2), uint8(head&3)
	var text, size uint64
	switch x.atKind {
	case actAtUnix:
		x.at = d.varint()
	case actAtText:
		text = d.uvarint() // the text, then the data's size, follow
	}
	if x.atKind != actAtText {
		size = d.uvarint()
	}
	if d.err != nil {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF // a row cut short, or a varint too long
		}
		return err
	}
	if _, err := r.Discard(len(b) - len(d.b)); err != nil {
		return err
	}
	var rerr error
	if x.atKind == actAtText {
		x.atText = string(readN(r, text, &rerr))
		if rerr == nil {
			size, rerr = binary.ReadUvarint(r)
		}
	}
	if rerr == nil && size > 1<<30 {
		rerr = fmt.Errorf("spilled field of %d bytes", size)
	}
	if rerr == nil {
		x.data = c.arena.take(int(size))
		_, rerr = io.ReadFull(r, x.data)
	}
	return noEOF(rerr)
}

// noEOF is err, with an end of the run inside a row an unexpected one.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readN reads n bytes, keeping the first error.
func readN(r *bufio.Reader, n uint64, err *error) []byte {
	if *err != nil {
		return nil
	}
	if n > 1<<30 {
		*err = fmt.Errorf("spilled field of %d bytes", n)
		return nil
	}
	b := make([]byte, n)
	_, *err = io.ReadFull(r, b)
	return b
}

// appendActRow appends a row's status and time: a head (status << 2 |
// time kind), then the time.
func appendActRow(buf []byte, x *packAct) []byte {
	buf = binary.AppendUvarint(buf, uint64(x.status)<<2|uint64(x.atKind))
	switch x.atKind {
	case actAtUnix:
		buf = binary.AppendVarint(buf, x.at)
	case actAtText:
		buf = appendBytes(buf, []byte(x.atText))
	}
	return buf
}

func appendBytes(buf, b []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(b)))
	return append(buf, b...)
}

// The fields of a row's data, each present when its bit is set: the ref
// always, then, by bit, the others.
const (
	actHasOther = 1 << iota
	actHasSHA256
	actHasSHA1
	actHasMD5
	actHasName
	actHasSize
	actHasUploadRef
	actHasAddress
	actHasAmount
	actHasTxID
	actHasStatus // a status other than the three of a bank match
	actHasMatched
)

// actFields are the text fields of a row's data after the other user
// and the size, in order (their bits are actFieldBits); the first three
// are hashes, kept as bytes when they are lowercase hex.
func actFields(a *PlatformActivity) [10]*string {
	return [10]*string{&a.SHA256, &a.SHA1, &a.MD5, &a.Name, &a.UploadRef, &a.Address, &a.Amount, &a.TxID, &a.Status, &a.Matched}
}

// actFieldBits are the bits of actFields, in their order.
var actFieldBits = [10]uint64{actHasSHA256, actHasSHA1, actHasMD5, actHasName, actHasUploadRef, actHasAddress, actHasAmount, actHasTxID, actHasStatus, actHasMatched}

// appendActData appends what a row keeps in data: the fields bits, the
// ref, the other user's row id, the size, then the text fields present.
// A hash in lowercase hex is kept as its bytes (length << 1 | 1), any
// other text as given (length << 1).
func appendActData(buf []byte, a *PlatformActivity, other int64, status uint8) []byte {
	fields := actFields(a)
	var bits uint64
	if other != 0 {
		bits |= actHasOther
	}
	if a.Size != 0 {
		bits |= actHasSize
	}
	for i, f := range fields {
		if *f != "" {
			bits |= actFieldBits[i]
		}
	}
	if status != actStatusText {
		bits &^= actHasStatus
	}
	buf = binary.AppendUvarint(buf, bits)
	buf = binary.AppendUvarint(buf, uint64(len(a.Ref)))
	buf = append(buf, a.Ref...)
	if bits&actHasOther != 0 {
		buf = binary.AppendUvarint(buf, uint64(other))
	}
	if bits&actHasSize != 0 {
		buf = binary.AppendVarint(buf, a.Size)
	}
	for i, f := range fields {
		if bits&actFieldBits[i] == 0 {
			continue
		}
		v := *f
		if i < 3 && v != "" && len(v)%2 == 0 {
			mark := len(buf)
			var ok bool
			if buf, ok = appendLowerHex(binary.AppendUvarint(buf, uint64(len(v)/2)<<1|1), v); ok {
				continue
			}
			buf = buf[:mark]
		}
		buf = binary.AppendUvarint(buf, uint64(len(v))<<1)
		buf = append(buf, v...)
	}
	return buf
}

// appendLowerHex appends the bytes s spells in lowercase hex digits (as
// hex.EncodeToString gives them) and reports true; when s holds anything
// else, or an odd number of digits, it returns buf as it was and false.
// It reads a digit through a table and checks the whole run once at the
// end, without a branch per digit: every file hash of an import goes
// through it.
func appendLowerHex(buf []byte, s string) ([]byte, bool) {
	if len(s)%2 != 0 {
		return buf, false
	}
	start := len(buf)
	var bad byte
	for i := 0; i < len(s); i += 2 {
		hi, lo := lowerHexDigit[s[i]], lowerHexDigit[s[i+1]]
		bad |= hi | lo
		buf = append(buf, hi<<4|lo)
	}
	if bad > 0xf {
		return buf[:start], false
	}
	return buf, true
}

// lowerHexDigit is the value of a lowercase hex digit, 0xff for any other
// byte.
var lowerHexDigit = func() (t [256]byte) {
	for i := range t {
		switch {
		case i >= '0' && i <= '9':
			t[i] = byte(i - '0')
		case i >= 'a' && i <= 'f':
			t[i] = byte(i - 'a' + 10)
		default:
			t[i] = 0xff
		}
	}
	return t
}()

// readActData reads a row's data into a (ref, other user, size and the
// text fields).
func readActData(d *packReader, a *PlatformActivity) {
	bits := d.uvarint()
	if bits >= actHasMatched<<1 {
		d.fail("unknown activity fields")
		return
	}
	a.Ref = string(d.bytes(d.uvarint()))
	if bits&actHasOther != 0 {
		a.OtherID = int64(d.uvarint())
	}
	if bits&actHasSize != 0 {
		a.Size = d.varint()
	}
	for i, f := range actFields(a) {
		if bits&actFieldBits[i] == 0 {
			continue
		}
		n := d.uvarint()
		b := d.bytes(n >> 1)
		if n&1 == 1 {
			*f = hex.EncodeToString(b)
		} else {
			*f = string(b)
		}
	}
}

// otherStatuses lists the statuses of a pack's rows other than a bank
// match's (kept in their data) with their counts, a line each:
// "count<TAB>quoted status", by status.
func otherStatuses(xs []packAct) string {
	counts := map[string]int64{}
	for i := range xs {
		if xs[i].status == actStatusText {
			var a PlatformActivity
			d := packReader{b: xs[i].data}
			readActData(&d, &a)
			counts[a.Status]++
		}
	}
	var sb strings.Builder
	for _, st := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(&sb, "%d\t%s\n", counts[st], strconv.Quote(st))
	}
	return sb.String()
}

// parseOtherStatuses reads what otherStatuses wrote.
func parseOtherStatuses(s string, fn func(status string, n int64)) error {
	for line := range strings.Lines(s) {
		n, q, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		count, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil {
			return fmt.Errorf("activity pack statuses: bad line %q", line)
		}
		st, err := strconv.Unquote(q)
		if err != nil {
			return fmt.Errorf("activity pack statuses: bad line %q", line)
		}
		fn(st, count)
	}
	return nil
}

// packActVersion is the first byte of a packed activity blob.
const packActVersion = 1

// encodeActs packs one pack's rows (by offset): offset and line as the
// difference from the row before, the status and time (a Unix time as the
// difference from the last one), then the row's data.
func encodeActs(buf []byte, xs []packAct) []byte {
	buf = append(buf, packActVersion)
	var off, line, at int64
	for i := range xs {
		x := xs[i]
		buf = binary.AppendVarint(buf, x.off-off)
		buf = binary.AppendVarint(buf, x.line-line)
		if x.atKind == actAtUnix {
			x.at -= at
			at = xs[i].at
		}
		buf = appendActRow(buf, &x)
		buf = append(buf, x.data...)
		off, line = x.off, x.line
	}
	return buf
}

// decodeActs unpacks the n rows of a pack of platform, user and kind,
// calling fn with each and its offset and line in the dump.
func decodeActs(data []byte, platformID, user int64, kind string, n int64, fn func(a *PlatformActivity, off, line int64)) error {
	if len(data) == 0 || data[0] != packActVersion {
		return errors.New("activity pack: unknown version")
	}
	d := packReader{b: data[1:]}
	var off, line, at int64
	for range n {
		off += d.varint()
		line += d.varint()
		a := PlatformActivity{PlatformID: platformID, UserID: user, Kind: kind}
		head := d.uvarint()
		status, atKind := head>>2, head&3
		switch {
		case atKind == actAtUnix:
			at += d.varint()
			a.At = unixText(at)
		case atKind == actAtText:
			a.At = string(d.bytes(d.uvarint()))
		case atKind != actAtNone:
			d.fail("unknown time kind")
		}
		if status < actStatusText {
			a.Status = actStatuses[status]
		} else if status > actStatusText {
			d.fail("unknown status")
		}
		readActData(&d, &a)
		if d.err != nil {
			return fmt.Errorf("activity pack: %w", d.err)
		}
		fn(&a, off, line)
	}
	if len(d.b) != 0 {
		return fmt.Errorf("activity pack: %d bytes past its %d rows", len(d.b), n)
	}
	return nil
}
