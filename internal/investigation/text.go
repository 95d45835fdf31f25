package investigation

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/store"
)

// MaxNameLen bounds names given by callers (cases, agencies, labels), in bytes.
const MaxNameLen = 256

// checkText refuses a caller's value that is longer than max bytes, not
// valid UTF-8, or holds control characters.
func checkText(what, v string, max int) error {
	if len(v) > max {
		return fmt.Errorf("%s: longer than %d bytes: %w", what, max, ErrInvalid)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s: not valid UTF-8: %w", what, ErrInvalid)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s: holds a control character: %w", what, ErrInvalid)
		}
	}
	return nil
}

// nameMayExist reports whether a name given to look an object up could name
// a stored one: one that is too long, not valid UTF-8 or holds a NUL was
// never stored (and PostgreSQL refuses to compare it), so it is simply not
// found.
func nameMayExist(v string) bool {
	return len(v) <= MaxNameLen && utf8.ValidString(v) && !strings.ContainsRune(v, 0)
}

// notFound is the error for a name that cannot exist.
func notFound(kind, v string) error {
	if !utf8.ValidString(v) || len(v) > 64 {
		v = "(invalid)"
	}
	return fmt.Errorf("%s %q: %w", kind, v, store.ErrNotFound)
}
