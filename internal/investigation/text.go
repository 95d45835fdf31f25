package investigation

import (
	"fmt"
	"unicode"
	"unicode/utf8"
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
