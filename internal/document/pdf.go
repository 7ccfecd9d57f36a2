package document

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// The PDF check is a strict structural parse written for this package on the
// standard library, not a PDF library: it reads the file from its header to
// its last %%EOF as a sequence of indirect objects, cross-reference tables,
// trailers and startxref lines, parses every object's syntax (dictionaries,
// arrays, names, strings, numbers, references, streams), and then checks that
// startxref points at a cross-reference section, that each in-use entry of a
// classic table points at the object it names, and that the trailer names a
// catalogue (/Root) the file holds. It renders nothing, so a file it passes
// may still draw oddly; what it refuses is a file that is not a PDF at all,
// is cut short, or hides something else inside a PDF's name. It refuses too
// a PDF that carries JavaScript or a launch action: an official letter needs
// neither, and a reviewer opens these files.

const (
	maxPDFDepth   = 64
	maxPDFObjects = 200_000
	// maxInflated bounds what one compressed object stream may inflate to.
	maxInflated = 16 << 20
)

// pdfErr is a malformed PDF, said at the byte offset where it went wrong.
func pdfErr(off int, format string, args ...any) *Error {
	en := fmt.Sprintf("malformed PDF at byte %d: %s", off, fmt.Sprintf(format, args...))
	return refuse(CodeMalformedPDF, "PDF tidak sah (rusak atau bukan PDF): "+en, en)
}

// pdfVal is what the check keeps of a parsed value: enough to read the few
// dictionary entries it needs (/Length, /Type, /Root, /Size, /Prev, /Filter).
type pdfVal struct {
	kind byte // 'i' integer, 'r' reference, 'n' name, 'd' dictionary, 'o' other
	num  int64
	name string
	dict map[string]pdfVal
}

type pdfScanner struct {
	b      []byte
	pos    int
	active string // the first active-content name met (/JavaScript, /JS, /Launch)
	objStm bool   // the file has compressed object streams
}

func isPDFSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isPDFSpace(c) && !isPDFDelim(c) }

// skip passes white space and comments.
func (s *pdfScanner) skip() {
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case isPDFSpace(c):
			s.pos++
		case c == '%':
			for s.pos < len(s.b) && s.b[s.pos] != '\n' && s.b[s.pos] != '\r' {
				s.pos++
			}
		default:
			return
		}
	}
}

// keyword reports whether kw stands at pos as a whole token, and passes it if so.
func (s *pdfScanner) keyword(kw string) bool {
	end := s.pos + len(kw)
	if end > len(s.b) || string(s.b[s.pos:end]) != kw || (end < len(s.b) && isRegular(s.b[end])) {
		return false
	}
	s.pos = end
	return true
}

// integer reads an unsigned decimal integer token.
func (s *pdfScanner) integer() (int64, bool) {
	start := s.pos
	for s.pos < len(s.b) && s.b[s.pos] >= '0' && s.b[s.pos] <= '9' {
		s.pos++
	}
	if s.pos == start || s.pos-start > 12 || (s.pos < len(s.b) && isRegular(s.b[s.pos])) {
		s.pos = start
		return 0, false
	}
	n, err := strconv.ParseInt(string(s.b[start:s.pos]), 10, 64)
	return n, err == nil
}

// value parses one direct object (or a reference) at pos.
func (s *pdfScanner) value(depth int) (pdfVal, error) {
	if depth > maxPDFDepth {
		return pdfVal{}, pdfErr(s.pos, "objects nested deeper than %d", maxPDFDepth)
	}
	s.skip()
	if s.pos >= len(s.b) {
		return pdfVal{}, pdfErr(s.pos, "the file ends inside an object")
	}
	switch c := s.b[s.pos]; {
	case c == '<' && s.pos+1 < len(s.b) && s.b[s.pos+1] == '<':
		return s.dictionary(depth)
	case c == '<':
		return pdfVal{kind: 'o'}, s.hexString()
	case c == '(':
		return pdfVal{kind: 'o'}, s.literalString()
	case c == '[':
		s.pos++
		for {
			s.skip()
			if s.pos >= len(s.b) {
				return pdfVal{}, pdfErr(s.pos, "an array is not closed")
			}
			if s.b[s.pos] == ']' {
				s.pos++
				return pdfVal{kind: 'o'}, nil
			}
			if _, err := s.value(depth + 1); err != nil {
				return pdfVal{}, err
			}
		}
	case c == '/':
		n, err := s.nameToken()
		return pdfVal{kind: 'n', name: n}, err
	case c >= '0' && c <= '9':
		start := s.pos
		if n, ok := s.integer(); ok {
			// "N G R" is a reference.
			save := s.pos
			s.skip()
			if _, ok := s.integer(); ok {
				s.skip()
				if s.keyword("R") {
					return pdfVal{kind: 'r', num: n}, nil
				}
			}
			s.pos = save
			return pdfVal{kind: 'i', num: n}, nil
		}
		s.pos = start
		return pdfVal{kind: 'o'}, s.real()
	case c == '+' || c == '-' || c == '.':
		return pdfVal{kind: 'o'}, s.real()
	case s.keyword("true"), s.keyword("false"), s.keyword("null"):
		return pdfVal{kind: 'o'}, nil
	}
	return pdfVal{}, pdfErr(s.pos, "unexpected %q", s.b[s.pos:min(len(s.b), s.pos+12)])
}

func (s *pdfScanner) dictionary(depth int) (pdfVal, error) {
	start := s.pos
	s.pos += 2
	d := map[string]pdfVal{}
	for {
		s.skip()
		if s.pos+1 < len(s.b) && s.b[s.pos] == '>' && s.b[s.pos+1] == '>' {
			s.pos += 2
			return pdfVal{kind: 'd', dict: d}, nil
		}
		if s.pos >= len(s.b) {
			return pdfVal{}, pdfErr(start, "a dictionary is not closed")
		}
		if s.b[s.pos] != '/' {
			return pdfVal{}, pdfErr(s.pos, "a dictionary key is not a name")
		}
		key, err := s.nameToken()
		if err != nil {
			return pdfVal{}, err
		}
		v, err := s.value(depth + 1)
		if err != nil {
			return pdfVal{}, err
		}
		d[key] = v
	}
}

// nameToken reads a /Name, its #xx escapes decoded, and notes active-content names.
func (s *pdfScanner) nameToken() (string, error) {
	s.pos++
	var out []byte
	for s.pos < len(s.b) && isRegular(s.b[s.pos]) {
		c := s.b[s.pos]
		if c == '#' {
			if s.pos+2 >= len(s.b) {
				return "", pdfErr(s.pos, "a name ends inside a #xx escape")
			}
			v, err := strconv.ParseUint(string(s.b[s.pos+1:s.pos+3]), 16, 8)
			if err != nil {
				return "", pdfErr(s.pos, "a name has a bad #xx escape")
			}
			out = append(out, byte(v))
			s.pos += 3
			continue
		}
		out = append(out, c)
		s.pos++
	}
	name := string(out)
	if s.active == "" && (name == "JavaScript" || name == "JS" || name == "Launch") {
		s.active = name
	}
	return name, nil
}

func (s *pdfScanner) hexString() error {
	start := s.pos
	s.pos++
	for ; s.pos < len(s.b); s.pos++ {
		c := s.b[s.pos]
		switch {
		case c == '>':
			s.pos++
			return nil
		case isPDFSpace(c), c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return pdfErr(s.pos, "a hexadecimal string holds %q", c)
		}
	}
	return pdfErr(start, "a hexadecimal string is not closed")
}

func (s *pdfScanner) literalString() error {
	start := s.pos
	s.pos++
	depth := 1
	for ; s.pos < len(s.b); s.pos++ {
		switch s.b[s.pos] {
		case '\\':
			s.pos++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				s.pos++
				return nil
			}
		}
	}
	return pdfErr(start, "a string is not closed")
}

// real reads a number with a sign or a decimal point.
func (s *pdfScanner) real() error {
	start := s.pos
	if s.pos < len(s.b) && (s.b[s.pos] == '+' || s.b[s.pos] == '-') {
		s.pos++
	}
	digits, dots := 0, 0
	for s.pos < len(s.b) && (s.b[s.pos] >= '0' && s.b[s.pos] <= '9' || s.b[s.pos] == '.') {
		if s.b[s.pos] == '.' {
			dots++
		} else {
			digits++
		}
		s.pos++
	}
	if digits == 0 || dots > 1 || (s.pos < len(s.b) && isRegular(s.b[s.pos])) {
		return pdfErr(start, "a number is malformed")
	}
	return nil
}

// indirect parses "N G obj value [stream ... endstream] endobj" at pos.
func (s *pdfScanner) indirect() (num int64, v pdfVal, err error) {
	start := s.pos
	num, ok := s.integer()
	s.skip()
	_, ok2 := s.integer()
	s.skip()
	if !ok || !ok2 || !s.keyword("obj") {
		return 0, pdfVal{}, pdfErr(start, "expected an object header \"N G obj\"")
	}
	if v, err = s.value(0); err != nil {
		return 0, pdfVal{}, err
	}
	s.skip()
	if s.keyword("stream") {
		if v.kind != 'd' {
			return 0, pdfVal{}, pdfErr(s.pos, "a stream without a dictionary")
		}
		if err := s.stream(v); err != nil {
			return 0, pdfVal{}, err
		}
		s.skip()
	}
	if !s.keyword("endobj") {
		return 0, pdfVal{}, pdfErr(s.pos, "object %d is not ended by endobj", num)
	}
	return num, v, nil
}

// stream passes a stream's data: by its /Length where that is a direct
// number and lands on endstream, else up to the next endstream (a /Length
// given as a reference is only known once the whole file is read).
func (s *pdfScanner) stream(d pdfVal) error {
	switch {
	case s.pos+1 < len(s.b) && s.b[s.pos] == '\r' && s.b[s.pos+1] == '\n':
		s.pos += 2
	case s.pos < len(s.b) && s.b[s.pos] == '\n':
		s.pos++
	default:
		return pdfErr(s.pos, "the stream keyword is not followed by an end of line")
	}
	data := s.pos
	end := -1
	if l := d.dict["Length"]; l.kind == 'i' && l.num <= int64(len(s.b)-data) {
		t := &pdfScanner{b: s.b, pos: data + int(l.num)}
		t.skip()
		if t.keyword("endstream") {
			end, s.pos = data+int(l.num), t.pos
		}
	}
	if end < 0 {
		i := bytes.Index(s.b[data:], []byte("endstream"))
		if i < 0 {
			return pdfErr(data, "a stream is not ended by endstream")
		}
		end, s.pos = data+i, data+i+len("endstream")
	}
	if t := d.dict["Type"]; t.kind == 'n' && t.name == "ObjStm" {
		s.objStm = true
		return s.objectStream(d, s.b[data:end])
	}
	return nil
}

// objectStream parses the objects a compressed object stream holds, where
// scripts hide most often; a filter other than plain FlateDecode is left unread.
func (s *pdfScanner) objectStream(d pdfVal, raw []byte) error {
	if f := d.dict["Filter"]; f.kind != 'n' || f.name != "FlateDecode" {
		return nil
	}
	if _, ok := d.dict["DecodeParms"]; ok {
		return nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return pdfErr(s.pos, "an object stream does not inflate: %v", err)
	}
	defer zr.Close()
	body, err := io.ReadAll(io.LimitReader(zr, maxInflated+1))
	if err != nil {
		return pdfErr(s.pos, "an object stream does not inflate: %v", err)
	}
	if len(body) > maxInflated {
		return pdfErr(s.pos, "an object stream inflates to more than %d bytes", maxInflated)
	}
	inner := &pdfScanner{b: body}
	for inner.skip(); inner.pos < len(inner.b); inner.skip() {
		if _, err := inner.value(0); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return pdfErr(s.pos, "inside an object stream: %s", e.EN)
			}
			return err
		}
	}
	if s.active == "" {
		s.active = inner.active
	}
	return nil
}

// xrefEntry is one in-use entry of a classic cross-reference table.
type xrefEntry struct {
	num    int64
	offset int64
}

// xrefTable parses "xref" subsections up to "trailer".
func (s *pdfScanner) xrefTable() ([]xrefEntry, error) {
	var out []xrefEntry
	for {
		s.skip()
		if s.pos >= len(s.b) || s.b[s.pos] < '0' || s.b[s.pos] > '9' {
			return out, nil
		}
		first, ok := s.integer()
		s.skip()
		count, ok2 := s.integer()
		if !ok || !ok2 || count > maxPDFObjects {
			return nil, pdfErr(s.pos, "a cross-reference subsection header is malformed")
		}
		s.skip()
		for i := range count {
			// nnnnnnnnnn ggggg n|f and a two-byte end of line: 20 bytes.
			e := s.pos
			if e+18 > len(s.b) {
				return nil, pdfErr(e, "the cross-reference table is cut short")
			}
			off, err1 := strconv.ParseInt(string(s.b[e:e+10]), 10, 64)
			_, err2 := strconv.ParseInt(string(s.b[e+11:e+16]), 10, 64)
			kind := s.b[e+17]
			if err1 != nil || err2 != nil || s.b[e+10] != ' ' || s.b[e+16] != ' ' || (kind != 'n' && kind != 'f') {
				return nil, pdfErr(e, "a cross-reference entry is malformed")
			}
			if kind == 'n' {
				out = append(out, xrefEntry{num: first + i, offset: off})
			}
			s.pos = e + 18
			s.skip()
		}
		if len(out) > maxPDFObjects {
			return nil, pdfErr(s.pos, "more than %d objects", maxPDFObjects)
		}
	}
}

// checkPDF is the structural parse described at the top of this file.
func checkPDF(data []byte) error {
	if len(data) < 8 || string(data[:5]) != "%PDF-" || data[5] < '1' || data[5] > '2' || data[6] != '.' || data[7] < '0' || data[7] > '9' {
		return pdfErr(0, "no %%PDF-1.x or %%PDF-2.x header")
	}
	// The file ends with %%EOF and at most white space after it.
	end := len(data)
	for end > 0 && isPDFSpace(data[end-1]) {
		end--
	}
	if !bytes.HasSuffix(data[:end], []byte("%%EOF")) {
		return pdfErr(end, "the file does not end with %%%%EOF (cut short, or something appended)")
	}
	s := &pdfScanner{b: data[:end]}
	objAt := map[int64]int64{} // offset of "N G obj" -> N
	var entries []xrefEntry
	xrefAt := map[int64]bool{}
	var trailers []pdfVal
	startxref := int64(-1)
	for s.skip(); s.pos < len(s.b); s.skip() {
		at := int64(s.pos)
		switch c := s.b[s.pos]; {
		case c >= '0' && c <= '9':
			num, v, err := s.indirect()
			if err != nil {
				return err
			}
			if objAt[at] = num; len(objAt) > maxPDFObjects {
				return pdfErr(s.pos, "more than %d objects", maxPDFObjects)
			}
			if t := v.dict["Type"]; t.kind == 'n' && t.name == "XRef" {
				xrefAt[at] = true
				trailers = append(trailers, v)
			}
		case s.keyword("xref"):
			xrefAt[at] = true
			es, err := s.xrefTable()
			if err != nil {
				return err
			}
			entries = append(entries, es...)
			if len(entries) > maxPDFObjects {
				return pdfErr(s.pos, "more than %d objects", maxPDFObjects)
			}
		case s.keyword("trailer"):
			s.skip()
			if s.pos+1 >= len(s.b) || s.b[s.pos] != '<' || s.b[s.pos+1] != '<' {
				return pdfErr(s.pos, "trailer is not followed by a dictionary")
			}
			v, err := s.dictionary(0)
			if err != nil {
				return err
			}
			trailers = append(trailers, v)
		case s.keyword("startxref"):
			s.skip()
			n, ok := s.integer()
			if !ok {
				return pdfErr(s.pos, "startxref is not followed by an offset")
			}
			startxref = n
		default:
			return pdfErr(s.pos, "unexpected %q between objects", s.b[s.pos:min(len(s.b), s.pos+12)])
		}
	}
	if s.active != "" {
		return refuse(CodeActivePDF, "PDF memuat /"+s.active+" (skrip atau perintah menjalankan program); kirim PDF tanpa itu",
			"the PDF carries /"+s.active+" (a script or a launch action); send one without it")
	}
	switch {
	case len(objAt) == 0:
		return pdfErr(0, "the file holds no objects")
	case startxref < 0:
		return pdfErr(len(data), "no startxref")
	case len(trailers) == 0:
		return pdfErr(len(data), "no trailer")
	}
	// startxref may point at white space before the section.
	t := &pdfScanner{b: s.b, pos: int(min(startxref, int64(len(s.b))))}
	t.skip()
	if !xrefAt[int64(t.pos)] {
		return pdfErr(int(startxref), "startxref does not point at a cross-reference section")
	}
	for _, e := range entries {
		t := &pdfScanner{b: s.b, pos: int(min(max(e.offset, 0), int64(len(s.b))))}
		t.skip()
		if n, ok := objAt[int64(t.pos)]; !ok || n != e.num {
			return pdfErr(int(e.offset), "the cross-reference entry of object %d does not point at it", e.num)
		}
	}
	root := trailers[len(trailers)-1].dict["Root"]
	if root.kind != 'r' {
		return pdfErr(len(data), "the trailer names no catalogue (/Root)")
	}
	if !s.objStm {
		found := false
		for _, n := range objAt {
			found = found || n == root.num
		}
		if !found {
			return pdfErr(len(data), "the catalogue (object %d) is not in the file", root.num)
		}
	}
	return nil
}
