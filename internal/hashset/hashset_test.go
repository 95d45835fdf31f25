package hashset

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestParseHex(t *testing.T) {
	md5 := "0123456789ABCDEFfedcba9876543210"
	tests := []struct {
		in        string
		kind, h64 HashKind
		want      HashKind
		err       string
	}{
		{md5, HashAuto, HashAuto, HashMD5, ""},
		{md5 + "01234567", HashAuto, HashAuto, HashSHA1, ""},
		{md5 + md5, HashAuto, HashAuto, HashSHA256, ""},
		{md5 + md5, HashAuto, HashSHA256, HashSHA256, ""},
		{md5 + md5, HashAuto, HashPDQ, HashPDQ, ""},
		{md5 + md5, HashPDQ, HashSHA256, HashPDQ, ""},
		{md5, HashSHA1, HashAuto, HashSHA1, "sha1: want 40 hex characters, got 32"},
		{md5[:31] + "g", HashAuto, HashAuto, HashMD5, "md5: invalid hex character 'g' at 32"},
		{"g" + md5[1:], HashMD5, HashAuto, HashMD5, "invalid hex character 'g' at 1"},
		{"abc", HashAuto, HashAuto, HashAuto, "3 characters is not"},
		{"", HashAuto, HashAuto, HashAuto, "0 characters"},
	}
	for _, tt := range tests {
		var buf [32]byte
		got, err := ParseHex(tt.in, tt.kind, tt.h64, buf[:])
		if tt.err == "" && (err != nil || got != tt.want) {
			t.Errorf("ParseHex(%q, %v, %v) = %v, %v; want %v", tt.in, tt.kind, tt.h64, got, err, tt.want)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("ParseHex(%q) err %v, want %q", tt.in, err, tt.err)
		}
	}
	var r Record
	if err := r.SetHex(" "+md5+" ", HashAuto, HashAuto); err != nil || r.HexMD5() != strings.ToLower(md5) || r.Present != HasMD5 {
		t.Errorf("SetHex: %v %q", err, r.HexMD5())
	}
	if err := r.SetHex("  ", HashAuto, HashAuto); err != nil || r.Present != HasMD5 {
		t.Errorf("SetHex of blank: %v", err)
	}
	for _, s := range []string{"md5", "SHA-1", "sha256", "PDQ", "", "auto"} {
		if _, err := ParseHashKind(s); err != nil {
			t.Errorf("ParseHashKind(%q): %v", s, err)
		}
	}
	if _, err := ParseHashKind("crc32"); err == nil {
		t.Error("crc32 accepted")
	}
	if NormaliseHex(" AbC ") != "abc" || !LooksLikeHash(md5) || LooksLikeHash(md5[:30]) || IsHex("") {
		t.Error("helpers")
	}
}

func TestNormaliseCategory(t *testing.T) {
	tests := []struct {
		profile, raw string
		want         Class
	}{
		{ProfileVICSUS, "0", ClassNotPertinent},
		{ProfileVICSUS, "1", ClassCSAM},
		{ProfileVICSUS, "1.0", ClassCSAM},
		{ProfileVICSUS, "2", ClassExploitive},
		{ProfileVICSUS, "3", ClassCGI},
		{ProfileVICSUS, "4", ClassComparison},
		{ProfileVICSUS, "5", ClassUnmapped},
		{ProfileVICSUS, "", ClassUncategorised},
		{ProfileVICSUS, " null ", ClassUncategorised},
		{ProfileVICSLegacy, "0", ClassUncategorised},
		{ProfileVICSLegacy, "1", ClassCSAM},
		{ProfileVICSLegacy, "4", ClassComparison},
		{ProfileVICSLegacy, "5", ClassNotPertinent},
		{ProfileVICSLegacy, "6", ClassUnmapped},
		{ProfileCAIDUK, "0", ClassUncategorised},
		{ProfileCAIDUK, "1", ClassUnmapped},
		{ProfileICSE, "baseline", ClassCSAM},
		{ProfileICSE, "", ClassUncategorised},
		{ProfileICSE, "1", ClassUnmapped},
		{ProfileNSRL, "", ClassKnownGood},
		{ProfileNSRL, "anything", ClassKnownGood},
		{ProfileHMA, "x", ClassUnmapped},
		{ProfileCustom, "1", ClassUnmapped},
		{ProfileCustom, "Not-Pertinent", ClassNotPertinent},
		{ProfileCustom, "uncategorized", ClassUncategorised},
		{ProfileVICSLegacy, "csam", ClassCSAM},
		{ProfileCustom, "known good", ClassKnownGood},
	}
	for _, tt := range tests {
		if got := NormaliseCategory(tt.profile, tt.raw); got != tt.want {
			t.Errorf("NormaliseCategory(%q, %q) = %q, want %q", tt.profile, tt.raw, got, tt.want)
		}
	}
	// Every class with a VICS number maps back to itself through vics-us,
	// except known_good, which VICS can only express as non-pertinent.
	for _, c := range Classes {
		code, ok := c.VICSCode()
		if !ok {
			continue
		}
		back := NormaliseCategory(ProfileVICSUS, string(rune('0'+code)))
		if back != c && !(c == ClassKnownGood && back == ClassNotPertinent) {
			t.Errorf("class %q -> %d -> %q", c, code, back)
		}
	}
	for _, p := range Profiles {
		if !ValidProfile(p) {
			t.Errorf("profile %q invalid", p)
		}
	}
}

func TestParseTri(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Tri
		ok   bool
	}{{"true", True, true}, {" Yes", True, true}, {"1", True, true}, {"FALSE", False, true}, {"no", False, true}, {"0", False, true},
		{"", Unknown, true}, {"null", Unknown, true}, {"maybe", Unknown, false}} {
		got, ok := ParseTri(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseTri(%q) = %v, %v", tt.in, got, ok)
		}
	}
	if True.String() != "true" || False.String() != "false" || Unknown.String() != "" {
		t.Error("Tri.String")
	}
}

func TestSplitFields(t *testing.T) {
	tests := []struct {
		line  string
		delim byte
		want  []string
		err   string
	}{
		{"a,b,c", ',', []string{"a", "b", "c"}, ""},
		{" a , b ,", ',', []string{"a", "b", ""}, ""},
		{`"a,1","b""q"" ",c`, ',', []string{"a,1", `b"q" `, "c"}, ""},
		{`x;"y;z";`, ';', []string{"x", "y;z", ""}, ""},
		{"a\tb c", '\t', []string{"a", "b c"}, ""},
		{`ab"c,d`, ',', []string{`ab"c`, "d"}, ""},
		{`"open,x`, ',', nil, "unterminated"},
		{`"a"b,c`, ',', nil, "after closing quote"},
		{"", ',', []string{""}, ""},
	}
	for _, tt := range tests {
		got, err := SplitFields(tt.line, tt.delim, nil)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("SplitFields(%q) err %v", tt.line, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitFields(%q) = %q, %v; want %q", tt.line, got, err, tt.want)
		}
	}
	if got := SplitTags(" a, b|c ;; "); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("SplitTags %q", got)
	}
	if SplitTags(" , ") != nil || SplitTags("") != nil {
		t.Error("SplitTags of nothing")
	}
	if HeaderName(" Image ID ") != "image_id" || HeaderName("Victim-Identified") != "victim_identified" {
		t.Error("HeaderName")
	}
}

func TestLineReader(t *testing.T) {
	in := "\xef\xbb\xbffirst\r\nsecond\n" + strings.Repeat("x", 300) + "\nlast"
	lr := NewLineReader(strings.NewReader(in), 100)
	want := []struct {
		s    string
		line int64
		rej  bool
	}{{"first", 1, false}, {"second", 2, false}, {"", 3, true}, {"last", 4, false}}
	for _, w := range want {
		s, n, err := lr.Next()
		var re *RejectError
		if w.rej != errors.As(err, &re) || s != w.s || n != w.line {
			t.Fatalf("Next = %q, %d, %v; want %q line %d", s, n, err, w.s, w.line)
		}
		if w.rej && (re.Line != 3 || len(re.Raw) > MaxRawLen+3) {
			t.Errorf("rejection %+v", re)
		}
	}
	if _, _, err := lr.Next(); err != io.EOF {
		t.Errorf("want EOF, got %v", err)
	}
}

func TestRecordChecks(t *testing.T) {
	var r Record
	if r.CheckKnown() != "no usable hash" {
		t.Error("empty record accepted")
	}
	r.PhotoDNA = "AAAA"
	if !strings.Contains(r.CheckKnown(), "photodna") {
		t.Error("photodna-only record accepted")
	}
	for _, empty := range []string{"d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"} {
		var e Record
		e.SetHex(empty, HashAuto, HashAuto)
		if !strings.Contains(e.CheckKnown(), "empty file") {
			t.Errorf("empty-file digest %s accepted", empty)
		}
	}
	var a, b Record
	a.SetHex(strings.Repeat("ab", 16), HashAuto, 0)
	b = a
	b.SetPDQQuality(80)
	b.Line = 9
	var d Deduper
	if d.Seen(&a) || !d.Seen(&b) {
		t.Error("Deduper: quality or line changed the key")
	}
	b.SetHex(strings.Repeat("cd", 20), HashAuto, 0)
	if d.Seen(&b) {
		t.Error("Deduper: extra hash not part of the key")
	}
	if Truncate("héllo", 2) != "h…" || Truncate("abc", 5) != "abc" {
		t.Errorf("Truncate %q", Truncate("héllo", 2))
	}
	if _, err := ParseKind("known"); err != nil {
		t.Error(err)
	}
	if _, err := ParseKind("bad"); err == nil {
		t.Error("bad kind accepted")
	}
}
