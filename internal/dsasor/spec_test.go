package dsasor_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/dsasor"
)

const sharedSpec = "../../../shared/spec/dsa-sor-fields.json"

// TestSpecMatchesShared: the embedded copy is the shared specification.
func TestSpecMatchesShared(t *testing.T) {
	t.Parallel()
	shared, err := os.ReadFile(sharedSpec)
	if err != nil {
		t.Skipf("%s is absent (%v); the embedded copy in testdata is used as is", sharedSpec, err)
	}
	if !bytes.Equal(shared, dsasor.SpecJSON()) {
		t.Fatalf("testdata/dsa-sor-fields.json differs from %s: copy the new specification in and run the tests", sharedSpec)
	}
}

// rawSpec is the specification file read independently of LoadSpec, so the
// coverage tests do not trust the code they check.
type rawSpec struct {
	Enums  map[string][]struct{ Value string } `json:"enums"`
	Fields []map[string]any                    `json:"fields"`
	Rules  []map[string]any                    `json:"rules"`
	API    struct {
		Endpoints []map[string]any `json:"endpoints"`
	} `json:"api"`
}

func readSpec(t *testing.T) rawSpec {
	t.Helper()
	b, err := os.ReadFile("testdata/dsa-sor-fields.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, dsasor.SpecJSON()) {
		t.Fatal("the embedded specification is not testdata/dsa-sor-fields.json")
	}
	var s rawSpec
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Fields) < 30 || len(s.Enums) < 10 || len(s.Rules) < 10 {
		t.Fatalf("the specification looks truncated: %d fields, %d enums, %d rules", len(s.Fields), len(s.Enums), len(s.Rules))
	}
	return s
}

// TestStatementCoversSpec: the Statement type has exactly the specification's fields.
func TestStatementCoversSpec(t *testing.T) {
	t.Parallel()
	s := readSpec(t)
	var tags []string
	st := reflect.TypeFor[dsasor.Statement]()
	for i := range st.NumField() {
		tags = append(tags, strings.Split(st.Field(i).Tag.Get("json"), ",")[0])
	}
	var names []string
	for _, f := range s.Fields {
		names = append(names, f["name"].(string))
	}
	for _, n := range names {
		if !slices.Contains(tags, n) {
			t.Errorf("the specification has field %s; Statement has no member for it", n)
		}
	}
	for _, tag := range tags {
		if !slices.Contains(names, tag) {
			t.Errorf("Statement has %s, which the specification does not define", tag)
		}
	}
}

// TestValidatorCoversSpec walks every field of the specification: required
// fields are refused when missing, every enum value is taken and a foreign
// one refused, lengths, patterns and date bounds hold at their edges.
func TestValidatorCoversSpec(t *testing.T) {
	t.Parallel()
	raw := readSpec(t)
	v := dsasor.Default()
	spec := v.Spec()
	if err := v.Validate(base()); err != nil {
		t.Fatalf("the base statement is refused: %v", err)
	}
	for _, rf := range raw.Fields {
		name := rf["name"].(string)
		f := spec.Field(name)
		if f == nil {
			t.Errorf("the validator does not know field %s", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			accept := func(val any) {
				t.Helper()
				m := fixup(spec, with(base(), name, val), name)
				if errs := problems(t, v.Validate(m)); errs != nil {
					t.Errorf("%s = %v refused: %v", name, val, errs)
				}
			}
			refuse := func(val any, field, code string) {
				t.Helper()
				m := fixup(spec, with(base(), name, val), name)
				if errs := problems(t, v.Validate(m)); !has(errs, field, code) {
					t.Errorf("%s = %.60v: want %s %s, got %v", name, val, field, code, errs)
				}
			}
			if rf["required"] == true {
				if errs := problems(t, v.Validate(with(base(), name, nil))); !has(errs, name, "required") {
					t.Errorf("missing %s: want required, got %v", name, errs)
				}
			}
			if e, ok := rf["enum"].(string); ok {
				for _, ev := range raw.Enums[e] {
					accept(ev.Value)
				}
				refuse("NOT_A_"+e+"_VALUE", name, "unknown_value")
				refuse(42, name, "wrong_type")
			}
			if e, ok := rf["item_enum"].(string); ok {
				for _, ev := range raw.Enums[e] {
					accept([]any{ev.Value})
				}
				refuse([]any{raw.Enums[e][0].Value, "NOT_A_VALUE"}, name+"[1]", "unknown_value")
				refuse("NOT_AN_ARRAY", name, "wrong_type")
				if n, ok := rf["min_items"].(float64); ok && n > 0 {
					refuse([]any{}, name, "required")
				}
			}
			if n, ok := rf["max_length"].(float64); ok {
				long := func(n int) string { return strings.Repeat("é", n) }
				if _, ok := rf["pattern"]; ok {
					long = func(n int) string { return strings.Repeat("a", n) }
				}
				if rf["type"] == "url" {
					long = func(n int) string { return "https://e.org/" + strings.Repeat("a", n-len("https://e.org/")) }
				}
				accept(long(int(n)))
				refuse(long(int(n)+1), name, "too_long")
			}
			if p, ok := rf["pattern"].(string); ok && rf["type"] == "string" {
				if !strings.Contains(p, "0-9") {
					t.Fatalf("pattern %s: this test knows only digit and word patterns", p)
				}
				refuse("has space and ü", name, "invalid")
			}
			if rf["type"] == "url" {
				accept("https://peraturan.go.id/id/uu-no-11-tahun-2008")
				refuse("not a url", name, "invalid")
				refuse("ftp://example.org/x", name, "invalid")
			}
			if rf["type"] == "date" {
				accept("2030-06-30")
				refuse("2030-6-30", name, "invalid_date")
				refuse("2030-02-30", name, "invalid_date")
				refuse("30-06-2030", name, "invalid_date")
				if d, ok := rf["max_date"].(string); ok {
					refuse(d, name, "out_of_range")
					refuse("2099-01-01", name, "out_of_range")
				}
				if d, ok := rf["min_date"].(string); ok {
					refuse(d, name, "out_of_range")
					refuse("1999-12-31", name, "out_of_range")
				}
			}
			if rf["type"] == "object" {
				props := rf["properties"].(map[string]any)
				for k := range props {
					accept(map[string]any{k: "4006381333931"})
					refuse(map[string]any{k: "12"}, name+"."+k, "invalid")
				}
				refuse(map[string]any{"ISBN": "x"}, name+".ISBN", "unknown_field")
			}
			if rf["nullable"] == true && rf["required"] != true {
				accept(jsonNull{})
			}
			if rf["nullable"] != true && rf["required"] != true {
				refuse(jsonNull{}, name, "wrong_type")
			}
			if rf["accepts_literal_null_string"] == true {
				m := fixup(spec, with(base(), name, "null"), name)
				if _, ok := m["decision_visibility"]; !ok && name != "decision_visibility" {
					t.Fatal("base lost decision_visibility")
				}
				if errs := problems(t, v.Validate(m)); errs != nil {
					t.Errorf("%s = \"null\" refused: %v", name, errs)
				}
			}
		})
	}
	for _, e := range []string{"TERRITORIAL_SCOPE", "CONTENT_LANGUAGE"} {
		if got := spec.Values(e); len(got) != len(raw.Enums[e]) {
			t.Errorf("enum %s: validator has %d values, the file %d", e, len(got), len(raw.Enums[e]))
		}
	}
}

// TestEveryRuleImplemented: every cross-field rule of the file is one the
// rules table test exercises, and the batch limit is the file's.
func TestEveryRuleImplemented(t *testing.T) {
	t.Parallel()
	raw := readSpec(t)
	for _, r := range raw.Rules {
		id := r["id"].(string)
		if !slices.Contains(rulesTested, id) {
			t.Errorf("rule %s (%s) has no case in TestRules", id, r["kind"])
		}
	}
	for _, e := range raw.API.Endpoints {
		if e["path"] == "/api/v1/statements" {
			if int(e["max_items"].(float64)) != dsasor.Default().Spec().MaxBatch {
				t.Errorf("MaxBatch = %d, file says %v", dsasor.Default().Spec().MaxBatch, e["max_items"])
			}
		}
	}
}

// TestLoadSpecRefusesWhatItCannotApply: a specification with a constraint
// the validator does not implement does not load, so it cannot be half-applied.
func TestLoadSpecRefusesWhatItCannotApply(t *testing.T) {
	t.Parallel()
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(dsasor.SpecJSON(), &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	field := func(m map[string]any, name string) map[string]any {
		for _, f := range m["fields"].([]any) {
			if f.(map[string]any)["name"] == name {
				return f.(map[string]any)
			}
		}
		t.Fatalf("no field %s", name)
		return nil
	}
	rules := func(m map[string]any) []any { return m["rules"].([]any) }
	for _, tc := range []struct {
		name, want string
		spec       []byte
	}{
		{"not JSON", "unexpected end", []byte("{")},
		{"another spec", "format_version", edit(func(m map[string]any) { m["format_version"] = 2 })},
		{"unknown field attribute", `unknown field "min_length"`, edit(func(m map[string]any) { field(m, "puid")["min_length"] = 3 })},
		{"unknown type", `type "integer"`, edit(func(m map[string]any) { field(m, "puid")["type"] = "integer" })},
		{"undefined enum", "enum NOPE is not defined", edit(func(m map[string]any) { field(m, "category")["enum"] = "NOPE" })},
		{"bad pattern", "error parsing regexp", edit(func(m map[string]any) { field(m, "puid")["pattern"] = "([" })},
		{"other date format", "date format", edit(func(m map[string]any) { field(m, "content_date")["format"] = "DD/MM/YYYY" })},
		{"unknown rule kind", `kind "required_unless"`, edit(func(m map[string]any) {
			m["rules"] = append(rules(m), map[string]any{"id": "R99", "kind": "required_unless", "field": "puid"})
		})},
		{"unimplemented advisory", "advisory rule R98", edit(func(m map[string]any) {
			m["rules"] = append(rules(m), map[string]any{"id": "R98", "kind": "advisory", "fields": []any{"content_date"}})
		})},
		{"rule on an unknown field", `unknown field "nope"`, edit(func(m map[string]any) {
			rules(m)[1].(map[string]any)["field"] = "nope"
		})},
		{"condition on an unknown value", "is not an item value", edit(func(m map[string]any) {
			rules(m)[1].(map[string]any)["when"] = map[string]any{"field": "decision_visibility", "contains": "NOPE"}
		})},
		{"conditional field without a rule", "no rule says when", edit(func(m map[string]any) { m["rules"] = rules(m)[2:] })},
		{"no batch limit", "max_items", edit(func(m map[string]any) { m["api"] = map[string]any{} })},
		{"array fields disagree", "array_fields", edit(func(m map[string]any) {
			m["value_conventions"].(map[string]any)["array_fields"] = []any{"content_type"}
		})},
	} {
		_, err := dsasor.LoadSpec(tc.spec)
		if !errors.Is(err, dsasor.ErrSpec) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: LoadSpec = %v, want ErrSpec mentioning %q", tc.name, err, tc.want)
		}
	}
	if _, err := dsasor.LoadSpec(dsasor.SpecJSON()); err != nil {
		t.Fatalf("the embedded specification does not load: %v", err)
	}
}

func ExampleValidator_ValidateJSON() {
	err := dsasor.Default().ValidateJSON([]byte(`{"puid": "a b", "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT"}`))
	var ve *dsasor.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Errors[:3] {
			fmt.Println(fe.Field, fe.Code)
		}
	}
	// Output:
	// puid invalid
	// content_type required
	// category required
}
