package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/sigap/sigap/internal/notice"
)

// nulCode is the field error of a NUL: "invalid", as the notice validator
// already answered a NUL in a short field (reference, legal_basis), so that
// every NUL gets the same answer; the message says what is wrong.
const nulCode = "invalid"

// nulEscape is how a NUL character can appear in valid JSON: a raw one is a
// control character JSON refuses anyway.
var nulEscape = []byte(`\u0000`)

// checkJSON refuses what encoding/json would otherwise let through quietly:
// a member name twice in one object, where the last one wins and an issuer's
// parser and the signed record could read different notices (400
// malformed_json), and a NUL character in a string, which PostgreSQL cannot
// store in text and SQLite would (422 on the field, code nulCode). body
// may hold several values (a stream); any other syntax error is left to the
// decoder that follows, so its answers stay as they were.
//
// Only the first pass runs on every body: jsontext checks names at little
// cost, and the NUL walk runs only when the bytes hold the escape.
func checkJSON(body []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowInvalidUTF8(true))
	for {
		err := dec.SkipValue()
		if err == io.EOF {
			break
		}
		var se *jsontext.SyntacticError
		if errors.As(err, &se) && errors.Is(se.Err, jsontext.ErrDuplicateName) {
			name := se.JSONPointer.LastToken()
			return &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_json",
				Message: fmt.Sprintf("the member %q appears twice in one object (at %s); send each member once", name, pointerField(se.JSONPointer, nil))}}}
		}
		if err != nil {
			return nil
		}
	}
	if !bytes.Contains(body, nulEscape) {
		return nil
	}
	return findNUL(body)
}

// findNUL walks body's tokens for a string holding U+0000 and names where it
// is; a \\u0000 (an escaped backslash) is not one.
func findNUL(body []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil // io.EOF, or a syntax error the decoder that follows reports
		}
		if tok.Kind() != '"' || !strings.Contains(tok.String(), "\x00") {
			continue
		}
		kinds := make([]jsontext.Kind, 0, dec.StackDepth())
		for i := 1; i <= dec.StackDepth(); i++ {
			k, _ := dec.StackIndex(i)
			kinds = append(kinds, k)
		}
		field := strings.ReplaceAll(pointerField(dec.StackPointer(), kinds), "\x00", `\u0000`)
		return &notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: nulCode,
			Message: field + " holds a NUL character (U+0000), which no text field may hold; remove it"}}}
	}
}

// pointerField writes a JSON pointer the way the API names fields
// ("subjects[3].url"). kinds, when known, is the kind of each level ('[' or
// '{'); without it a token of digits is taken for an array index.
func pointerField(p jsontext.Pointer, kinds []jsontext.Kind) string {
	var b strings.Builder
	i := 0
	for tok := range p.Tokens() {
		index := false
		if i < len(kinds) {
			index = kinds[i] == '['
		} else if _, err := strconv.ParseUint(tok, 10, 64); err == nil {
			index = true
		}
		switch {
		case index:
			b.WriteString("[" + tok + "]")
		case i == 0:
			b.WriteString(tok)
		default:
			b.WriteString("." + tok)
		}
		i++
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}
