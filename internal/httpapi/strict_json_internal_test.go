package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
)

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		// code is the refusal's code ("" for none), field the field it names,
		// inDetail a piece of its message.
		code, field, inDetail string
	}{
		{name: "plain object", body: `{"a": 1, "b": [{"a": 2}, {"a": 3}], "c": {"a": {"a": null}}}`},
		{name: "same name in sibling objects", body: `[{"url": "x"}, {"url": "y"}]`},
		{name: "empty", body: ``},
		{name: "syntax error is left to the decoder", body: `{"a": 1,}`},
		{name: "garbage is left to the decoder", body: `not json`},
		{name: "escaped backslash before u0000", body: `{"a": "\\u0000"}`},
		{name: "NDJSON stream", body: "{\"a\": 1}\n{\"a\": 2}\n"},
		{name: "top-level duplicate", body: `{"explanation": "a", "explanation": "b"}`, code: "malformed_json", inDetail: `"explanation" appears twice`},
		{name: "nested duplicate", body: `{"subjects": [{"url": "a"}, {"url": "b", "url": "c"}]}`, code: "malformed_json", inDetail: "subjects[1].url"},
		{name: "names differing in case", body: `{"subjects": [{"url": "a", "URL": "b"}]}`, code: "malformed_json", inDetail: `"url" and "URL" differ only in case`},
		{name: "Kelvin sign folds to k", body: `{"kind": "order", "\u212aind": "flag"}`, code: "malformed_json", inDetail: "differ only in case"},
		{name: "duplicate in a large object", body: manyNames(100) + `, "n7": 0}`, code: "malformed_json", inDetail: `"n7" appears twice`},
		{name: "large object without duplicates", body: manyNames(100) + `}`},
		{name: "duplicate through an escape", body: `{"kind": "order", "\u006bind": "flag"}`, code: "malformed_json", inDetail: `"kind"`},
		{name: "duplicate after a syntax error elsewhere", body: `{"a": 1, "a": 2} x`, code: "malformed_json"},
		{name: "duplicate in the second line of a stream", body: "{\"a\": 1}\n{\"b\": 1, \"b\": 2}", code: "malformed_json"},
		{name: "NUL at the top", body: `{"explanation": "a\u0000b"}`, code: nulCode, field: "explanation"},
		{name: "NUL in an array", body: `{"subjects": [{"url": "a"}, {"url": "\u0000"}]}`, code: nulCode, field: "subjects[1].url"},
		{name: "NUL under a digit name", body: `{"labels": {"0": ["x\u0000"]}}`, code: nulCode, field: "labels.0[0]"},
		{name: "NUL in a name", body: `{"a\u0000": 1}`, code: nulCode, field: `a\u0000`},
		{name: "NUL alone", body: `"\u0000"`, code: nulCode, field: "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := checkJSON([]byte(tc.body))
			if tc.code == "" {
				if err != nil {
					t.Fatalf("checkJSON(%s) = %v, want nil", tc.body, err)
				}
				return
			}
			var ve *notice.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 {
				t.Fatalf("checkJSON(%s) = %v, want one field error", tc.body, err)
			}
			f := ve.Fields[0]
			if f.Code != tc.code || f.Field != tc.field || !strings.Contains(f.Message, tc.inDetail) {
				t.Errorf("checkJSON(%s) = %+v, want code %s, field %q, message with %q", tc.body, f, tc.code, tc.field, tc.inDetail)
			}
			p := validationProblem(ve)
			if want := map[string]int{"malformed_json": 400, nulCode: 422}[tc.code]; p.Status != want {
				t.Errorf("answered %d, want %d", p.Status, want)
			}
		})
	}
}

// manyNames is an open object of n members n0 ... n(n-1).
func manyNames(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `"n%d": %d`, i, i)
	}
	return b.String()
}

// FuzzStrictJSON checks that checkJSON never panics and, on any input
// encoding/json takes as valid, refuses exactly the duplicate names (equal
// without regard to case, as encoding/json matches struct fields) and NUL
// characters a plain token walk finds.
func FuzzStrictJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"a":2}`, `{"a":{"b":1},"b":{"a":1,"a":2}}`, `[{"x":"\u0000"}]`,
		`{"a":"\\u0000"}`, `{"\u0061":1,"a":2}`, `{"a":[1,2,{"c":true,"d":null}]}`, `"x"`, `{"a":"\ud800","b":"\udc00"}`,
		`{"\ud800":1,"\udc00":2}`, `{"é":1,"e\u0301":2}`, `{"a":1}{"a":1}`, `{"url":1,"URL":2}`, `{"k":1,"\u212a":2}`, `{"ſ":1,"S":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := checkJSON(b)
		if !json.Valid(b) {
			return
		}
		dup, nul := walkTokens(t, b)
		var ve *notice.ValidationError
		switch {
		case dup && (!errors.As(err, &ve) || ve.Fields[0].Code != "malformed_json"):
			t.Fatalf("checkJSON(%q) = %v; encoding/json sees a duplicate name", b, err)
		case !dup && nul && (!errors.As(err, &ve) || ve.Fields[0].Code != nulCode):
			t.Fatalf("checkJSON(%q) = %v; encoding/json sees a NUL", b, err)
		case !dup && !nul && err != nil:
			t.Fatalf("checkJSON(%q) = %v; encoding/json sees neither a duplicate nor a NUL", b, err)
		}
	})
}

// walkTokens is the plain way: encoding/json's tokens, the names of each
// object compared with strings.EqualFold.
func walkTokens(t *testing.T, b []byte) (dup, nul bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type level struct {
		names  []string
		object bool
		isName bool // the next string in this object is a name
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return dup, nul
		}
		if err != nil {
			t.Fatalf("encoding/json: %q is valid but its tokens fail: %v", b, err)
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				if top != nil && top.object {
					top.isName = true
				}
				stack = append(stack, &level{object: v == '{', isName: v == '{'})
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		case string:
			nul = nul || strings.ContainsRune(v, 0)
			if top != nil && top.object && top.isName {
				for _, prev := range top.names {
					dup = dup || strings.EqualFold(prev, v)
				}
				top.names = append(top.names, v)
				top.isName = false
				continue
			}
		}
		if top != nil && top.object {
			top.isName = true
		}
	}
}

// BenchmarkNoticeDecode is the intake's decoding of a notice of 100 and of
// 100,000 subjects, without (before) and with (after) the strict pre-pass,
// and the pre-pass alone (check).
func BenchmarkNoticeDecode(b *testing.B) {
	pol := policy.Default()
	caller := org.Caller{OrgID: "org_a", OrgKind: org.KindAuthority, Role: org.RoleAuthority}
	for _, n := range []int{100, 100_000} {
		var sb strings.Builder
		sb.WriteString(`{"kind":"order","category":"terrorism","explanation":"Propaganda","legal_basis":"UU ITE Pasal 40","subjects":[`)
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"url":"https://t.me/bench_channel_%d/%d"}`, i%997, i+1)
		}
		sb.WriteString(`]}`)
		body := []byte(sb.String())
		// before: Parse alone; after: checkJSON then Parse; check: checkJSON alone.
		for _, mode := range []string{"before", "after", "check"} {
			b.Run(fmt.Sprintf("subjects=%d/%s", n, mode), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				for b.Loop() {
					if mode != "before" {
						if err := checkJSON(body); err != nil {
							b.Fatal(err)
						}
					}
					if mode == "check" {
						continue
					}
					if _, err := notice.Parse(body, caller, "", pol); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
