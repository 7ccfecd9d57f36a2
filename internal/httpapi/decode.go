package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/notice"
)

// readBody reads a bounded body; the MaxBytesReader set in observe enforces the cap.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return b, nil
}

// decodeStrict decodes a small JSON object into dst, refusing unknown fields,
// duplicate members and NUL characters (checkJSON), and turns decoder errors
// into the contract's field errors.
func decodeStrict(r *http.Request, dst any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeStrictBytes(body, dst)
}

// decodeOptional is decodeStrict for a body the request may leave out.
func decodeOptional(r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeStrict(r, dst)
}

// decodeStrictBytes is decodeStrict on a body already read.
func decodeStrictBytes(body []byte, dst any) error {
	if !utf8.Valid(body) {
		return &notice.ValidationError{Fields: []notice.FieldError{{Code: "invalid_utf8", Message: "the body is not valid UTF-8"}}}
	}
	if err := checkJSON(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return &notice.ValidationError{Fields: []notice.FieldError{{Field: te.Field, Code: "wrong_type",
				Message: fmt.Sprintf("%s must be a %s", te.Field, te.Type.Kind())}}}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			return &notice.ValidationError{Fields: []notice.FieldError{{Field: f, Code: "unknown_field", Message: fmt.Sprintf("%q is not a field here", f)}}}
		}
		return &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_json", Message: "the body is not a valid JSON object: " + err.Error()}}}
	}
	if dec.More() {
		return &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_json", Message: "the body has data after the JSON object"}}}
	}
	return nil
}

// page reads ?limit= and ?cursor=.
func page(r *http.Request) (limit int, cursor string, err error) {
	limit = 50
	if s := r.URL.Query().Get("limit"); s != "" {
		limit, err = strconv.Atoi(s)
		if err != nil || limit < 1 || limit > 500 {
			return 0, "", &notice.ValidationError{Fields: []notice.FieldError{{Field: "limit", Code: "invalid", Message: "limit must be a whole number from 1 to 500"}}}
		}
	}
	cursor = r.URL.Query().Get("cursor")
	if len(cursor) > 100 {
		return 0, "", &notice.ValidationError{Fields: []notice.FieldError{{Field: "cursor", Code: "invalid", Message: "cursor is not one this API gave out"}}}
	}
	return limit, cursor, nil
}
