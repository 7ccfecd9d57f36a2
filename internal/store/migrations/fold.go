package migrations

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnfoldable is returned by Fold for files that already use the notation
// (a placeholder brace or a block marker line), which Fold cannot keep apart.
var ErrUnfoldable = errors.New("migrations: cannot fold")

// Fold writes the SQLite and PostgreSQL files of one migration as the single
// source that Render turns back into each, byte for byte: a line pair that
// differs only in placeholder words becomes one line, and the rest stands in
// blocks. It is how a migration written in the older two-file form joins
// this directory (see ./convert).
func Fold(sqlite, postgres string) (string, error) {
	for _, f := range []string{sqlite, postgres} {
		if strings.Contains(f, openMark) || strings.Contains(f, "}}") {
			return "", fmt.Errorf("%w: the file holds %q or %q", ErrUnfoldable, openMark, "}}")
		}
	}
	s, p := strings.Split(sqlite, "\n"), strings.Split(postgres, "\n")
	for _, lines := range [][]string{s, p} {
		for _, l := range lines {
			if isMarker(l) {
				return "", fmt.Errorf("%w: the file holds a marker line %q", ErrUnfoldable, l)
			}
		}
	}
	// same[i][j] is the folded line when s[i] and p[j] can be one line.
	same := make([][]string, len(s))
	ok := make([][]bool, len(s))
	for i := range s {
		same[i] = make([]string, len(p))
		ok[i] = make([]bool, len(p))
		for j := range p {
			same[i][j], ok[i][j] = unify(s[i], p[j])
		}
	}
	// lcs[i][j] is the length of the longest common run of s[i:] and p[j:].
	lcs := make([][]int, len(s)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(p)+1)
	}
	for i := len(s) - 1; i >= 0; i-- {
		for j := len(p) - 1; j >= 0; j-- {
			switch {
			case ok[i][j]:
				lcs[i][j] = lcs[i+1][j+1] + 1
			default:
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out, onlyS, onlyP []string
	flush := func() {
		if len(onlyS) > 0 {
			out = append(out, markSQLite)
			out = append(out, onlyS...)
		}
		if len(onlyP) > 0 {
			out = append(out, markPostgres)
			out = append(out, onlyP...)
		}
		if len(onlyS)+len(onlyP) > 0 {
			out = append(out, markEnd)
		}
		onlyS, onlyP = nil, nil
	}
	i, j := 0, 0
	for i < len(s) || j < len(p) {
		switch {
		case i < len(s) && j < len(p) && ok[i][j] && lcs[i][j] == lcs[i+1][j+1]+1:
			flush()
			out = append(out, same[i][j])
			i, j = i+1, j+1
		case j == len(p) || (i < len(s) && lcs[i+1][j] >= lcs[i][j+1]):
			onlyS = append(onlyS, s[i])
			i++
		default:
			onlyP = append(onlyP, p[j])
			j++
		}
	}
	flush()
	return strings.Join(out, "\n"), nil
}

// unify returns the one line that renders as s on SQLite and p on
// PostgreSQL, reading both from the left and putting a placeholder wherever
// the two differ by a placeholder's pair of whole words.
func unify(s, p string) (string, bool) {
	if s == p {
		return s, true
	}
	var b strings.Builder
	i, j := 0, 0
next:
	for i < len(s) || j < len(p) {
		if boundary(s, i-1) && boundary(p, j-1) {
			for _, ph := range placeholders {
				if strings.HasPrefix(s[i:], ph.sqlite) && strings.HasPrefix(p[j:], ph.postgres) &&
					boundary(s, i+len(ph.sqlite)) && boundary(p, j+len(ph.postgres)) {
					b.WriteString(openMark + ph.name + "}}")
					i, j = i+len(ph.sqlite), j+len(ph.postgres)
					continue next
				}
			}
		}
		if i == len(s) || j == len(p) || s[i] != p[j] {
			return "", false
		}
		b.WriteByte(s[i])
		i, j = i+1, j+1
	}
	return b.String(), true
}

// boundary reports whether the byte at k of line may stand beside a
// placeholder: the line's ends, or a byte that neither continues a word nor
// is a brace (which would make the placeholder's own braces ambiguous).
func boundary(line string, k int) bool {
	if k < 0 || k >= len(line) {
		return true
	}
	c := line[k]
	return !(c == '_' || c == '{' || c == '}' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z')
}
