package identifier

// Masking card numbers for display. A card number a person typed in a
// message is evidence and is stored as the export has it; every place
// that shows message text (pages, the API, CLI output, referral
// packages) shows it through MaskCards. The rule is wider than
// extraction's (no card word needed): a run of digit groups separated by
// single spaces or dashes whose digits, 12 to 19 of them, pass the Luhn
// check and fit a card brand's issuer prefix and length keeps its last
// four digits, the others become '*'; separators and length are kept.
// Any sub-run of whole groups is tried, so a card followed by more
// digits ("4111 1111 1111 1111 123") is still masked.

// maxMaskGroups bounds the groups of one run that MaskCards reads.
const maxMaskGroups = 24

// MaskCards returns text with every card number masked to its last four
// digits. Text without one is returned as is (no copy).
func MaskCards(text string) string {
	var out []byte
	for i := 0; i < len(text); {
		if !isDigit(text[i]) || i > 0 && (isDigit(text[i-1]) || isASCIILetter(text[i-1])) {
			i++
			continue
		}
		groups := digitGroups(text, i)
		end := groups[len(groups)-1][1]
		for a := 0; a < len(groups); a++ {
			if a > 0 && text[groups[a][0]-1] != ' ' && text[groups[a][0]-1] != '-' {
				continue
			}
			for b := len(groups) - 1; b >= a; b-- {
				lo, hi := groups[a][0], groups[b][1]
				if !cardAt(text, lo, hi) {
					continue
				}
				if out == nil {
					out = []byte(text)
				}
				copy(out[lo:hi], maskCard([]byte(text[lo:hi])))
				a = b
				break
			}
		}
		i = end
	}
	if out == nil {
		return text
	}
	return string(out)
}

// digitGroups returns the [start, end) spans of the digit groups of the
// run at i: digits separated by one space or dash.
func digitGroups(text string, i int) [][2]int {
	var groups [][2]int
	for len(groups) < maxMaskGroups {
		e := i
		for e < len(text) && isDigit(text[e]) {
			e++
		}
		groups = append(groups, [2]int{i, e})
		if e+1 < len(text) && (text[e] == ' ' || text[e] == '-') && isDigit(text[e+1]) {
			i = e + 1
			continue
		}
		break
	}
	return groups
}

// cardAt reports whether text[lo:hi] (digit groups) is a card number: it
// does not run into a letter or digit, and normCard accepts it.
func cardAt(text string, lo, hi int) bool {
	if hi < len(text) && (isDigit(text[hi]) || isASCIILetter(text[hi])) {
		return false
	}
	n := 0
	for i := lo; i < hi; i++ {
		if isDigit(text[i]) {
			n++
		}
	}
	if n < 12 || n > 19 {
		return false
	}
	_, err := normCard(text[lo:hi])
	return err == nil
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
