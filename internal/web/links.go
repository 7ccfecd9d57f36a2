package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/subject"
)

// Errors of a link upload.
var (
	errNotText      = errors.New("web: the file is not text")
	errTooManyLinks = errors.New("web: more links than a notice holds")
)

// maxPreviewList bounds how many refused or duplicate links a preview lists one by one.
const maxPreviewList = 200

// splitLinks reads pasted links: one per line, or several on a line
// separated by spaces. A line of words that are not all links ("hapus kanal
// ini:", a note, a heading) is one entry, refused as one line, rather than a
// refusal per word.
func splitLinks(text string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		words := strings.Fields(line)
		if len(words) > 1 && slices.ContainsFunc(words, func(w string) bool { return !strings.ContainsAny(w, "./:") }) {
			out = append(out, strings.Join(words, " "))
			continue
		}
		out = append(out, words...)
	}
	return out
}

// readLinkFile reads an uploaded CSV or text file of links. It refuses a file
// that is not UTF-8 text (a picture, a spreadsheet, an executable).
func readLinkFile(f multipart.File, name string) ([]string, error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, errNotText
	}
	if ct := http.DetectContentType(data); !strings.HasPrefix(ct, "text/") {
		return nil, errNotText
	}
	if !strings.HasSuffix(strings.ToLower(name), ".csv") && !bytes.ContainsAny(data, ",;") {
		return splitLinks(string(data)), nil
	}
	rd := csv.NewReader(bytes.NewReader(data))
	rd.FieldsPerRecord = -1
	rd.LazyQuotes = true
	rd.ReuseRecord = true
	if bytes.Count(data, []byte(";")) > bytes.Count(data, []byte(",")) {
		rd.Comma = ';'
	}
	var out []string
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errNotText
		}
		for _, cell := range rec {
			cell = strings.TrimSpace(cell)
			// Header cells and notes beside the links are not links; they are skipped, not refused.
			if cell == "" || !strings.ContainsAny(cell, "./:") {
				continue
			}
			out = append(out, cell)
		}
		if len(out) > notice.MaxSubjects {
			return nil, errTooManyLinks
		}
	}
	return out, nil
}

type refusedLink struct {
	Line   int
	URL    string
	Reason string // catalogue key
	Detail string
}

type dupLink struct {
	Line, SameAs int
	URL          string
}

// linkCheck is the preview of a list of links: what will be sent and what will not, and why.
type linkCheck struct {
	Total      int
	Recognised []string // unique links, in the order given
	Refused    []refusedLink
	Duplicates []dupLink
	NRefused   int
	NDup       int
}

// checkLinks sorts links into recognised, duplicate (same canonical subject as
// an earlier one) and refused, as intake would judge them.
func checkLinks(links []string, allowPrivate bool) linkCheck {
	c := linkCheck{Total: len(links)}
	first := make(map[string]int, len(links))
	for i, l := range links {
		line := i + 1
		s, err := subject.Parse(l)
		switch {
		case err != nil:
			c.NRefused++
			if len(c.Refused) < maxPreviewList {
				c.Refused = append(c.Refused, refusedLink{Line: line, URL: clip(l), Reason: "preview.reason.invalid", Detail: err.Error()})
			}
		case s.Private && !allowPrivate:
			c.NRefused++
			if len(c.Refused) < maxPreviewList {
				c.Refused = append(c.Refused, refusedLink{Line: line, URL: clip(l), Reason: "preview.reason.private"})
			}
		default:
			if at, ok := first[s.Canonical]; ok {
				c.NDup++
				if len(c.Duplicates) < maxPreviewList {
					c.Duplicates = append(c.Duplicates, dupLink{Line: line, SameAs: at, URL: clip(l)})
				}
				continue
			}
			first[s.Canonical] = line
			c.Recognised = append(c.Recognised, l)
		}
	}
	return c
}

func clip(s string) string {
	if len(s) <= 200 {
		return s
	}
	cut := 200
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
