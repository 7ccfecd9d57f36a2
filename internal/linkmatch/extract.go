package linkmatch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLinksPerText bounds the work on a hostile 10 MB post full of dots.
const maxLinksPerText = 256

// defang undoes the usual ways of writing a link so that it is not clickable:
// "hxxp://", "example[.]com", "example(.)com", "example{.}com", "[dot]".
var defang = strings.NewReplacer(
	"[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", "[:]", ":",
	"hxxps://", "https://", "hxxp://", "http://", "HXXPS://", "https://", "HXXP://", "http://",
)

// ExtractLinks appends to out the links written in text: anything with a
// scheme ("https://", "tg://"), "www." or Telegram host prefixes, and bare
// domain names with a path or a known-looking TLD ("example.com",
// "t.me/channel"). Defanged forms are undone first. Mentions ("@name") are
// not links and are not returned. The result is at most 256 candidates;
// each is a string package subject can parse (or refuse).
func ExtractLinks(text string, out []string) []string {
	// Every candidate has a dot or "://": most posts have neither.
	if strings.IndexByte(text, '.') < 0 && !strings.Contains(text, "://") && !strings.Contains(text, "[dot]") && !strings.Contains(text, "(dot)") {
		return out
	}
	if strings.ContainsAny(text, "[({") || strings.Contains(text, "xxp") || strings.Contains(text, "XXP") {
		text = defang.Replace(text)
	}
	n := 0
	for len(text) > 0 && n < maxLinksPerText {
		// Find the next dot or colon, then widen to the token around it.
		i := strings.IndexAny(text, ".:")
		if i < 0 {
			break
		}
		start := i
		for start > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:start])
			if isLinkSep(r) {
				break
			}
			start -= size
		}
		end := i
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if isLinkSep(r) {
				break
			}
			end += size
		}
		tok := strings.TrimRight(strings.TrimLeft(text[start:end], "\"'<(*_"), "\"'>).,;:!?*_")
		if looksLikeLink(tok) {
			out = append(out, tok)
			n++
		}
		text = text[end:]
	}
	return out
}

func isLinkSep(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiSep[r]
	}
	return unicode.IsSpace(r) || r == '<' || r == '>' || r == '"' || r == '`' || r == '|' ||
		r == '«' || r == '»' || r == '“' || r == '”' || (r >= utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r))
}

var asciiSep = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' || c == '|' || c == 0x7f
	}
	return t
}()

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func looksLikeLink(tok string) bool {
	if len(tok) < 4 || tok[0] == '@' {
		return false
	}
	if i := strings.Index(tok, "://"); i > 0 {
		return true
	}
	if hasPrefixFold(tok, "www.") || hasPrefixFold(tok, "t.me/") || hasPrefixFold(tok, "telegram.me/") || hasPrefixFold(tok, "telegram.dog/") {
		return true
	}
	host := tok
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 {
		return false
	}
	tld := host[dot+1:]
	if len(tld) < 2 {
		return false
	}
	for _, c := range tld {
		if !unicode.IsLetter(c) && c != '-' {
			return false // "3.14", "v1.2"
		}
	}
	for _, c := range host[:dot] {
		if !(unicode.IsLetter(c) || unicode.IsDigit(c) || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}
