package jsonstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// tokens renders every token of in, one per line.
func tokens(t *testing.T, r io.Reader, max int) (string, error) {
	t.Helper()
	s := New(r, max)
	var b strings.Builder
	for {
		k, err := s.Next()
		if err != nil {
			return b.String(), err
		}
		b.WriteString(k.String())
		if k == String || k == Number {
			b.WriteString("=" + s.Text())
		}
		b.WriteByte('\n')
		if k == EOF {
			return b.String(), nil
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"object", `{"a": 1, "b": [true, false, null], "c": -1.5e3}`, "'{'\nstring=a\nnumber=1\nstring=b\n'['\ntrue\nfalse\nnull\n']'\nstring=c\nnumber=-1.5e3\n'}'\nend of input\n"},
		{"escapes", `"q\" s\\ n\n t\t u\u00e9 pair\ud83d\ude00 slash\/"`, "string=q\" s\\ n\n t\t ué pair😀 slash/\nend of input\n"},
		{"tdesktop x escape", `"a\x01b\x1F"`, "string=a\x01b\x1f\nend of input\n"},
		{"lone surrogate", `"\ud800x"`, "string=\ufffdx\nend of input\n"},
		{"bom", "\xef\xbb\xbf[1]", "'['\nnumber=1\n']'\nend of input\n"},
		{"raw utf8", `"привет 👍"`, "string=привет 👍\nend of input\n"},
	}
	for _, tc := range tests {
		for _, reader := range []struct {
			name string
			r    func(string) io.Reader
		}{
			{"whole", func(s string) io.Reader { return strings.NewReader(s) }},
			{"one byte", func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) }},
		} {
			t.Run(tc.name+"/"+reader.name, func(t *testing.T) {
				got, err := tokens(t, reader.r(tc.in), 1<<20)
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Errorf("got\n%q\nwant\n%q", got, tc.want)
				}
			})
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"unterminated", `"abc`, ErrSyntax},
		{"bad escape", `"\q"`, ErrSyntax},
		{"bad x escape", `"\xZZ"`, ErrSyntax},
		{"short u escape", `"\u12"`, ErrSyntax},
		{"bad literal", `nul`, ErrSyntax},
		{"bad byte", `@`, ErrSyntax},
		{"too long", `"` + strings.Repeat("a", 100) + `"`, ErrTooLarge},
		{"too long escaped", `"\n` + strings.Repeat("a", 100) + `"`, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tokens(t, strings.NewReader(tc.in), 64)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestLongStringAcrossBuffers(t *testing.T) {
	long := strings.Repeat("é", 400<<10) // 800 KiB, larger than the initial buffer
	in := `["` + long + `", "x\u0041` + long + `"]`
	s := New(iotest.HalfReader(strings.NewReader(in)), 4<<20)
	if k, _ := s.Next(); k != ArrayStart {
		t.Fatal("no array")
	}
	for _, want := range []string{long, "xA" + long} {
		k, err := s.Next()
		if err != nil || k != String || s.Text() != want {
			t.Fatalf("k=%v err=%v len=%d", k, err, len(s.Bytes()))
		}
	}
}

func TestSkipAndTyped(t *testing.T) {
	s := New(strings.NewReader(`{"skip": {"a": [1, {"b": 2}]}, "n": "42", "f": 1.5, "b": true, "s": 7, "bad": [1]}`), 1<<20)
	if k, _ := s.Next(); k != ObjectStart {
		t.Fatal("no object")
	}
	var got []string
	err := s.Object(func(key []byte) error {
		got = append(got, string(key))
		switch string(key) {
		case "skip":
			return s.SkipValue()
		case "n":
			v, ok, err := s.Int()
			if v != 42 || !ok || err != nil {
				t.Errorf("Int = %d %v %v", v, ok, err)
			}
		case "f":
			v, _, err := s.Float()
			if v != 1.5 || err != nil {
				t.Errorf("Float = %v %v", v, err)
			}
		case "b":
			v, err := s.Bool()
			if !v || err != nil {
				t.Errorf("Bool = %v %v", v, err)
			}
		case "s":
			v, ok, err := s.String()
			if v != "7" || !ok || err != nil {
				t.Errorf("String = %q %v %v", v, ok, err)
			}
		case "bad":
			_, _, err := s.String()
			if !errors.Is(err, ErrType) || IsFatal(err) {
				t.Errorf("String on array: %v", err)
			}
		}
		return nil
	})
	if err != nil || strings.Join(got, ",") != "skip,n,f,b,s,bad" {
		t.Errorf("keys = %v, err %v", got, err)
	}
	deep := strings.Repeat("[", MaxDepth+5) + strings.Repeat("]", MaxDepth+5)
	s = New(strings.NewReader(deep), 1<<20)
	if err := s.SkipValue(); !errors.Is(err, ErrTooDeep) {
		t.Errorf("deep: %v", err)
	}
}

// perByteValid replaces each invalid UTF-8 byte with U+FFFD, as
// encoding/json does.
func perByteValid(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r) // invalid bytes decode as RuneError, one per byte
	}
	return b.String()
}

func FuzzScanner(f *testing.F) {
	f.Add([]byte(`{"a":[1,"x\x01\u00e9",null,true]}`))
	f.Add([]byte(`"\ud83d\ude00"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Whatever encoding/json accepts as a string, we decode the same.
		var want string
		if json.Unmarshal(data, &want) == nil && bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte(`"`)) {
			s := New(bytes.NewReader(data), 1<<20)
			k, err := s.Next()
			if err != nil || k != String {
				t.Fatalf("valid string rejected: %v", err)
			}
			if got := s.Text(); got != want && perByteValid(got) != want {
				t.Fatalf("got %q want %q", got, want)
			}
		}
		s := New(bytes.NewReader(data), 1<<10)
		for i := 0; i < 10000; i++ {
			k, err := s.Next()
			if err != nil || k == EOF {
				return
			}
			if k == String && len(s.Bytes()) > 1<<10+16 {
				t.Fatalf("token of %d bytes beyond the cap", len(s.Bytes()))
			}
		}
	})
}
