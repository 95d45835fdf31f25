package identifiertest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"
)

// Network maps an IP prefix to a country code in a generated MaxMind DB.
type Network struct {
	Prefix  netip.Prefix
	Country string
}

// MMDB builds a minimal MaxMind DB file (format 2.0: binary search tree with
// 24-bit records, a data section, metadata) for IPv6 with IPv4 mapped under
// ::/96. Each network's record is {"country": {"iso_code": Country}}.
// Prefixes must not overlap.
func MMDB(dbType string, networks []Network) ([]byte, error) {
	type rec struct {
		kind byte // 0 empty, 1 node, 2 data
		val  int
	}
	nodes := [][2]rec{{}}
	var data bytes.Buffer
	offsets := map[string]int{}
	for _, nw := range networks {
		p := nw.Prefix.Masked()
		a := p.Addr()
		bitsLen := p.Bits()
		var ip [16]byte
		if a.Is4() {
			b4 := a.As4()
			copy(ip[12:], b4[:])
			bitsLen += 96
		} else {
			ip = a.As16()
		}
		if bitsLen < 1 {
			return nil, fmt.Errorf("mmdb: prefix %v too short", nw.Prefix)
		}
		off, ok := offsets[nw.Country]
		if !ok {
			off = data.Len()
			offsets[nw.Country] = off
			writeMap(&data, 1)
			writeString(&data, "country")
			writeMap(&data, 1)
			writeString(&data, "iso_code")
			writeString(&data, nw.Country)
		}
		n := 0
		for i := 0; i < bitsLen; i++ {
			bit := int(ip[i/8]>>(7-uint(i%8))) & 1
			if i == bitsLen-1 {
				if nodes[n][bit].kind == 1 {
					return nil, fmt.Errorf("mmdb: prefix %v overlaps another", nw.Prefix)
				}
				nodes[n][bit] = rec{2, off}
				break
			}
			r := nodes[n][bit]
			switch r.kind {
			case 1:
				n = r.val
			case 2:
				return nil, fmt.Errorf("mmdb: prefix %v overlaps another", nw.Prefix)
			default:
				nodes = append(nodes, [2]rec{})
				nodes[n][bit] = rec{1, len(nodes) - 1}
				n = len(nodes) - 1
			}
		}
	}
	count := len(nodes)
	var out bytes.Buffer
	for _, nd := range nodes {
		for _, r := range nd {
			v := count
			switch r.kind {
			case 1:
				v = r.val
			case 2:
				v = count + 16 + r.val
			}
			if v >= 1<<24 {
				return nil, fmt.Errorf("mmdb: record %d does not fit 24 bits", v)
			}
			out.Write([]byte{byte(v >> 16), byte(v >> 8), byte(v)})
		}
	}
	out.Write(make([]byte, 16))
	out.Write(data.Bytes())
	out.WriteString("\xab\xcd\xefMaxMind.com")
	meta := map[string]any{
		"node_count":                  uint32(count),
		"record_size":                 uint16(24),
		"ip_version":                  uint16(6),
		"database_type":               dbType,
		"languages":                   []string{"en"},
		"binary_format_major_version": uint16(2),
		"binary_format_minor_version": uint16(0),
		"build_epoch":                 uint64(1700000000),
		"description":                 map[string]any{"en": "synthetic test database"},
	}
	writeValue(&out, meta)
	return out.Bytes(), nil
}

func writeControl(b *bytes.Buffer, typ, size int) {
	var sizeBits int
	var ext []byte
	switch {
	case size < 29:
		sizeBits = size
	case size < 29+256:
		sizeBits, ext = 29, []byte{byte(size - 29)}
	case size < 285+65536:
		s := size - 285
		sizeBits, ext = 30, []byte{byte(s >> 8), byte(s)}
	default:
		s := size - 65821
		sizeBits, ext = 31, []byte{byte(s >> 16), byte(s >> 8), byte(s)}
	}
	if typ <= 7 {
		b.WriteByte(byte(typ<<5 | sizeBits))
	} else {
		b.WriteByte(byte(sizeBits))
		b.WriteByte(byte(typ - 7))
	}
	b.Write(ext)
}

func writeString(b *bytes.Buffer, s string) { writeControl(b, 2, len(s)); b.WriteString(s) }

func writeMap(b *bytes.Buffer, n int) { writeControl(b, 7, n) }

func writeUint(b *bytes.Buffer, typ int, v uint64) {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], v)
	i := 0
	for i < 8 && buf[i] == 0 {
		i++
	}
	writeControl(b, typ, 8-i)
	b.Write(buf[i:])
}

func writeValue(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case string:
		writeString(b, x)
	case uint16:
		writeUint(b, 5, uint64(x))
	case uint32:
		writeUint(b, 6, uint64(x))
	case uint64:
		writeUint(b, 9, x)
	case []string:
		writeControl(b, 11, len(x))
		for _, s := range x {
			writeString(b, s)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		writeMap(b, len(keys))
		for _, k := range keys {
			writeString(b, k)
			writeValue(b, x[k])
		}
	default:
		panic(fmt.Sprintf("mmdb: unsupported metadata type %T", v))
	}
}
