package subject

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// leadingJunk are characters that never start a link but often precede one in
// prose, chat or Markdown.
const leadingJunk = "<([{\"'`*“‘«„‚‹"

// trailingJunk are characters that end sentences or close quotes around a link.
const trailingJunk = ".,;:!?\"'`*>”’»›…。，、"

// closers maps a closing bracket to its opener; a closer is trimmed only when the
// text holds more closers than openers, so https://en.wikipedia.org/wiki/A_(b) keeps
// its parenthesis.
var closers = map[rune]rune{')': '(', ']': '[', '}': '{'}

// trimProse removes white space, invisible marks, quotes, brackets and sentence
// punctuation around a link pasted from prose.
func trimProse(s string) string {
	for {
		prev := s
		s = strings.TrimFunc(s, isTrimSpace)
		if r, n := utf8.DecodeRuneInString(s); n > 0 && strings.ContainsRune(leadingJunk, r) {
			s = s[n:]
		}
		if r, n := utf8.DecodeLastRuneInString(s); n > 0 {
			if strings.ContainsRune(trailingJunk, r) {
				s = s[:len(s)-n]
			} else if open, ok := closers[r]; ok && strings.Count(s, string(open)) < strings.Count(s, string(r)) {
				s = s[:len(s)-n]
			}
		}
		if s == prev {
			return s
		}
	}
}

func isTrimSpace(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// protectEnd percent-encodes the last byte of a normalised ASCII URL if trimProse
// would strip it, so that Parse(s.URL) gives back s.
func protectEnd(u string) string {
	if u == "" || trimProse(u) == u {
		return u
	}
	c := u[len(u)-1]
	return u[:len(u)-1] + "%" + string(upperhex[c>>4]) + string(upperhex[c&15])
}
