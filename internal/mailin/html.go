package mailin

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText is the text a reader of an HTML part sees: tags dropped, block
// elements ending lines, entities decoded. What is never shown (scripts,
// styles, the head, templates, embedded frames) is dropped with its content,
// and nothing is run or kept; an href is not text, so a link counts only
// where the message shows it.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var sb strings.Builder
	hidden := 0 // depth inside elements whose content is not shown
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return sb.String()
		case html.TextToken:
			if hidden == 0 {
				sb.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript, atom.Iframe, atom.Object,
				atom.Svg, atom.Math, atom.Textarea, atom.Select:
				// The tokenizer reads script, style and textarea content as raw
				// text up to the end tag, so counting depth here stays in step.
				if tt == html.StartTagToken {
					hidden++
				} else if tt == html.EndTagToken && hidden > 0 {
					hidden--
				}
			case atom.Br, atom.P, atom.Div, atom.Li, atom.Tr, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Table, atom.Ul, atom.Ol, atom.Blockquote, atom.Pre, atom.Hr, atom.Section, atom.Article, atom.Header,
				atom.Footer, atom.Dd, atom.Dt, atom.Dl:
				if hidden == 0 {
					sb.WriteByte('\n')
				}
			case atom.Td, atom.Th:
				if hidden == 0 {
					sb.WriteByte(' ')
				}
			}
		}
	}
}
