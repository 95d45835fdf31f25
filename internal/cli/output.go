package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vibora-project/vibora/internal/display"
)

// jsonLines writes one compact JSON document per line.
type jsonLines struct{ enc *json.Encoder }

func newJSONLines(w io.Writer) *jsonLines {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonLines{enc: enc}
}

func (j *jsonLines) Write(v any) error { return j.enc.Encode(v) }

// table renders aligned human-readable columns.
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer, headers ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	if len(headers) > 0 {
		t.Row(toAny(headers)...)
	}
	return t
}

// Row writes one row; every cell is escaped (display.Escape), so evidence
// text can neither break the columns nor reach the terminal raw.
func (t *table) Row(cells ...any) {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = display.Escape(fmt.Sprint(c))
	}
	fmt.Fprintln(t.tw, strings.Join(parts, "\t"))
}

func (t *table) Flush() error { return t.tw.Flush() }

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// lines writes human-readable lines. The format string is Vibora's own
// text; every argument is escaped (display.Escape) before formatting,
// since arguments carry names, paths and values from evidence. Human
// output goes through lines or table; --json output goes through jsonLines
// and is never escaped.
type lines struct{ w io.Writer }

func newLines(w io.Writer) lines { return lines{w} }

// Printf formats like fmt.Fprintf with escaped arguments.
func (l lines) Printf(format string, args ...any) error {
	_, err := fmt.Fprintf(l.w, format, safeArgs(args)...)
	return err
}

// Println prints like fmt.Fprintln with escaped arguments.
func (l lines) Println(args ...any) error {
	_, err := fmt.Fprintln(l.w, safeArgs(args)...)
	return err
}

// safeArgs escapes the text of string, error and fmt.Stringer arguments;
// numbers and other values print as they are.
func safeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			out[i] = display.Escape(v)
		case error:
			out[i] = display.Escape(v.Error())
		case fmt.Stringer:
			out[i] = display.Escape(v.String())
		case []string:
			e := make([]string, len(v))
			for j, s := range v {
				e[j] = display.Escape(s)
			}
			out[i] = e
		default:
			out[i] = a
		}
	}
	return out
}

// writeAll writes items as JSON lines.
func writeAll[T any](w io.Writer, items []T) error {
	out := newJSONLines(w)
	for _, it := range items {
		if err := out.Write(it); err != nil {
			return err
		}
	}
	return nil
}
