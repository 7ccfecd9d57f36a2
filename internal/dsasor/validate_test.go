package dsasor_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/dsasor"
)

// rulesTested are the specification's rule IDs that TestRules exercises
// (TestEveryRuleImplemented checks the list against the file).
var rulesTested = []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13"}

func incompatible(m map[string]any) map[string]any {
	return with(m, "decision_ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT", "illegal_content_legal_ground", nil,
		"illegal_content_explanation", nil, "incompatible_content_ground", "Terms of service §4 (violent content)",
		"incompatible_content_explanation", "The post praises an attack.")
}

// TestRules: each cross-field rule refuses a statement that breaks it, naming
// the field, and takes one that keeps it.
func TestRules(t *testing.T) {
	t.Parallel()
	v := dsasor.Default()
	for _, tc := range []struct {
		rule, name  string
		st          map[string]any
		field, code string // "" = valid
	}{
		{"R1", "no restriction at all", with(base(), "decision_visibility", nil), "decision_visibility", "required"},
		{"R1", "only nulls", with(base(), "decision_visibility", nil, "decision_monetary", nil, "decision_account", "null"), "decision_visibility", "required"},
		{"R1", "an empty visibility list is not a restriction", with(base(), "decision_visibility", []any{}), "decision_visibility", "required"},
		{"R1", "account alone", with(base(), "decision_visibility", nil, "decision_account", "DECISION_ACCOUNT_SUSPENDED"), "", ""},
		{"R1", "all four together", with(base(), "decision_monetary", "DECISION_MONETARY_SUSPENSION",
			"decision_provision", "DECISION_PROVISION_PARTIAL_SUSPENSION", "decision_account", "DECISION_ACCOUNT_TERMINATED"), "", ""},
		{"R2", "visibility other without words", with(base(), "decision_visibility", []any{"DECISION_VISIBILITY_OTHER"}), "decision_visibility_other", "required"},
		{"R2", "visibility other with blank words", with(base(), "decision_visibility", []any{"DECISION_VISIBILITY_OTHER"}, "decision_visibility_other", "  "), "decision_visibility_other", "required"},
		{"R2", "words without visibility other", with(base(), "decision_visibility_other", "Shadow ban"), "decision_visibility_other", "excluded"},
		{"R2", "visibility other with words", with(base(), "decision_visibility", []any{"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_OTHER"},
			"decision_visibility_other", "Shadow ban"), "", ""},
		{"R3", "monetary other without words", with(base(), "decision_monetary", "DECISION_MONETARY_OTHER"), "decision_monetary_other", "required"},
		{"R3", "words without monetary other", with(base(), "decision_monetary", "DECISION_MONETARY_SUSPENSION", "decision_monetary_other", "x"), "decision_monetary_other", "excluded"},
		{"R3", "monetary other with words", with(base(), "decision_monetary", "DECISION_MONETARY_OTHER", "decision_monetary_other", "Ads withheld"), "", ""},
		{"R4", "illegal without legal ground", with(base(), "illegal_content_legal_ground", nil), "illegal_content_legal_ground", "required"},
		{"R4", "legal ground on an incompatible ground", with(incompatible(base()), "illegal_content_legal_ground", "UU ITE"), "illegal_content_legal_ground", "excluded"},
		{"R5", "illegal without explanation", with(base(), "illegal_content_explanation", ""), "illegal_content_explanation", "required"},
		{"R5", "legal explanation on an incompatible ground", with(incompatible(base()), "illegal_content_explanation", "x"), "illegal_content_explanation", "excluded"},
		{"R6", "incompatible without ground", with(incompatible(base()), "incompatible_content_ground", nil), "incompatible_content_ground", "required"},
		{"R6", "contract ground on an illegal ground", with(base(), "incompatible_content_ground", "ToS §4"), "incompatible_content_ground", "excluded"},
		{"R7", "incompatible without explanation", with(incompatible(base()), "incompatible_content_explanation", nil), "incompatible_content_explanation", "required"},
		{"R7", "contract explanation on an illegal ground", with(base(), "incompatible_content_explanation", "x"), "incompatible_content_explanation", "excluded"},
		{"R6", "incompatible complete", incompatible(base()), "", ""},
		{"R8", "also illegal, on an incompatible ground", with(incompatible(base()), "incompatible_content_illegal", "Yes"), "", ""},
		{"R8", "also illegal, on an illegal ground", with(base(), "incompatible_content_illegal", "No"), "incompatible_content_illegal", "excluded"},
		{"R8", "also illegal, not Yes or No", with(incompatible(base()), "incompatible_content_illegal", "yes"), "incompatible_content_illegal", "unknown_value"},
		{"R9", "content type other without words", with(base(), "content_type", []any{"CONTENT_TYPE_TEXT", "CONTENT_TYPE_OTHER"}), "content_type_other", "required"},
		{"R9", "words without content type other", with(base(), "content_type_other", "Sticker"), "content_type_other", "excluded"},
		{"R9", "content type other with words", with(base(), "content_type", []any{"CONTENT_TYPE_OTHER"}, "content_type_other", "Sticker pack"), "", ""},
		{"R10", "notifier named on own initiative", with(base(), "source_type", "SOURCE_VOLUNTARY", "source_identity", "Kominfo"), "source_identity", "excluded"},
		{"R10", "notifier named on an order", with(base(), "source_type", "SOURCE_TYPE_OTHER_NOTIFICATION", "source_identity", "Kominfo"), "", ""},
		{"R10", "own initiative, no notifier", with(base(), "source_type", "SOURCE_VOLUNTARY"), "", ""},
		{"R11", "keyword words without KEYWORD_OTHER", with(base(), "category_specification", []any{"KEYWORD_TERRORIST_CONTENT"},
			"category_specification_other", "Recruitment"), "category_specification_other", "excluded"},
		{"R11", "keyword words with KEYWORD_OTHER", with(base(), "category_specification", []any{"KEYWORD_OTHER"},
			"category_specification_other", "Recruitment"), "", ""},
		{"R13", "visibility ends before it applies", with(base(), "end_date_visibility_restriction", "2026-11-26"), "end_date_visibility_restriction", "before_application_date"},
		{"R13", "account restriction ends before it applies", with(base(), "decision_account", "DECISION_ACCOUNT_SUSPENDED",
			"end_date_account_restriction", "2021-01-01"), "end_date_account_restriction", "before_application_date"},
		{"R13", "ends the day it applies", with(base(), "end_date_service_restriction", "2026-11-27", "end_date_monetary_restriction", "2027-01-01"), "", ""},
		{"P1", "a link in the facts", with(base(), "decision_facts", "See https://t.me/somechannel/123 for the post."), "decision_facts", "personal_data"},
		{"P1", "a bare Telegram link", with(base(), "illegal_content_explanation", "posted at t.me/somechannel/123"), "illegal_content_explanation", "personal_data"},
		{"P1", "a username", with(base(), "decision_facts", "Posted by @SomeChannel yesterday."), "decision_facts", "personal_data"},
		{"P1", "an e-mail address", with(base(), "illegal_content_legal_ground", "ask budi.santoso@example.co.id"), "illegal_content_legal_ground", "personal_data"},
		{"P1", "a phone number", with(base(), "decision_facts", "Contact +62 812-3456-7890 to buy."), "decision_facts", "personal_data"},
		{"P1", "an account id", with(base(), "decision_facts", "User 5123456789 posted it."), "decision_facts", "personal_data"},
		{"P1", "a notifier's e-mail", with(base(), "source_identity", "pelapor@gmail.com"), "source_identity", "personal_data"},
		{"P1", "law text is not personal data", with(base(), "illegal_content_legal_ground",
			"UU No. 11 Tahun 2008 jo. UU No. 19 Tahun 2016 Pasal 40 ayat (2b); PP 71/2019; e.g. Art. 5(1)"), "", ""},
	} {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			errs := problems(t, v.Validate(tc.st))
			if tc.field == "" {
				if errs != nil {
					t.Fatalf("refused: %v", errs)
				}
				return
			}
			if !has(errs, tc.field, tc.code) {
				t.Fatalf("want %s %s, got %v", tc.field, tc.code, errs)
			}
			for _, e := range errs {
				if e.Field == tc.field && e.Code == tc.code && tc.code != "unknown_value" && e.Rule != tc.rule {
					t.Errorf("error %+v does not name rule %s", e, tc.rule)
				}
			}
			if len(errs) != 1 {
				t.Errorf("want only the one error, got %v", errs)
			}
		})
	}
	t.Run("R12/duplicate puid in a batch", func(t *testing.T) {
		err := v.ValidateBatch([]map[string]any{base(), with(base(), "puid", "sgp1-other"), base()})
		errs := problems(t, err)
		if !has(errs, "statements[2].puid", "duplicate") || len(errs) != 1 {
			t.Fatalf("got %v", errs)
		}
		if errs[0].Rule != "R12" || !strings.Contains(errs[0].Message, "statements[0]") {
			t.Errorf("the error should name R12 and the first statement: %+v", errs[0])
		}
	})
}

// TestFieldChecks: types, unknown fields and the shape of a batch.
func TestFieldChecks(t *testing.T) {
	t.Parallel()
	v := dsasor.Default()
	for _, tc := range []struct {
		name        string
		st          map[string]any
		field, code string
	}{
		{"unknown field", with(base(), "uuid", "x"), "uuid", "unknown_field"},
		{"server field sent back", with(base(), "permalink", "https://transparency.dsa.ec.europa.eu/x"), "permalink", "unknown_field"},
		{"puid with a dot", with(base(), "puid", "dec.1"), "puid", "invalid"},
		{"puid too long", with(base(), "puid", strings.Repeat("a", 501)), "puid", "too_long"},
		{"number for a string", with(base(), "decision_facts", json.Number("12")), "decision_facts", "wrong_type"},
		{"null for a required field", with(base(), "category", nil), "category", "required"},
		{"null for a field that is not nullable", with(base(), "category_addition", jsonNull{}), "category_addition", "wrong_type"},
		{"array for a string", with(base(), "category", []any{"STATEMENT_CATEGORY_VIOLENCE"}), "category", "wrong_type"},
		{"string for an array", with(base(), "territorial_scope", "DE"), "territorial_scope", "wrong_type"},
		{"number in an array", with(base(), "content_type", []any{json.Number("1")}), "content_type[0]", "wrong_type"},
		{"Indonesia is not in the EU", with(base(), "territorial_scope", []any{"DE", "ID"}), "territorial_scope[1]", "unknown_value"},
		{"lower-case language", with(base(), "content_language", "id"), "content_language", "unknown_value"},
		{"a removed category", with(base(), "category", "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"), "category", "unknown_value"},
		{"facts too long", with(base(), "decision_facts", strings.Repeat("x", 5001)), "decision_facts", "too_long"},
		{"application too early", with(base(), "application_date", "2019-12-31"), "application_date", "out_of_range"},
		{"end date at the database's limit", with(base(), "end_date_visibility_restriction", "2038-01-01"), "end_date_visibility_restriction", "out_of_range"},
		{"date with a time", with(base(), "content_date", "2026-11-20T10:00:00Z"), "content_date", "invalid_date"},
		{"object for a date", with(base(), "content_date", map[string]any{"day": "2026-11-20"}), "content_date", "wrong_type"},
		{"EAN in content_id as a number", with(base(), "content_id", map[string]any{"EAN-13": json.Number("4006381333931")}), "content_id.EAN-13", "wrong_type"},
		{"reference URL without scheme", with(base(), "decision_ground_reference_url", "peraturan.go.id/uu"), "decision_ground_reference_url", "invalid"},
	} {
		errs := problems(t, v.Validate(tc.st))
		if !has(errs, tc.field, tc.code) {
			t.Errorf("%s: want %s %s, got %v", tc.name, tc.field, tc.code, errs)
		}
	}
	for _, tc := range []struct{ name, body, want string }{
		{"not JSON", `{"puid":`, "JSON object"},
		{"an array", `[]`, "JSON object"},
		{"null", `null`, "not null"},
		{"two objects", `{} {}`, "nothing after"},
	} {
		err := v.ValidateJSON([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := v.ValidateBatch(nil); !has(problems(t, err), "statements", "too_few") {
		t.Errorf("empty batch: %v", err)
	}
	big := make([]map[string]any, 101)
	for i := range big {
		big[i] = with(base(), "puid", fmt.Sprintf("p%d", i))
	}
	if err := v.ValidateBatch(big); !has(problems(t, err), "statements", "too_many") {
		t.Errorf("101 statements: %v", err)
	}
	if err := v.ValidateBatch(big[:100]); err != nil {
		t.Errorf("100 statements: %v", err)
	}
	bad := with(base(), "category", "NOPE", "puid", "sgp1-other")
	if errs := problems(t, v.ValidateBatch([]map[string]any{base(), bad})); !has(errs, "statements[1].category", "unknown_value") {
		t.Errorf("batch with a bad statement: %v", errs)
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	items := make([]int, 250)
	got := dsasor.Batches(items, 100)
	if len(got) != 3 || len(got[0]) != 100 || len(got[2]) != 50 {
		t.Fatalf("250 in batches of 100: %d batches", len(got))
	}
	got[0] = append(got[0], 1)
	if len(got[1]) != 100 || got[1][0] != 0 {
		t.Error("appending to a batch wrote into the next one")
	}
	if dsasor.Batches([]int{}, 100) != nil || len(dsasor.Batches(items, 0)) != 3 {
		t.Error("empty input or default size")
	}
}

// TestValidateRawBatch: statements as JSON are checked as one batch and
// handed back decoded; one that is no JSON object gives no batch.
func TestValidateRawBatch(t *testing.T) {
	t.Parallel()
	v := dsasor.Default()
	good, err := json.Marshal(base())
	if err != nil {
		t.Fatal(err)
	}
	bad, err := json.Marshal(with(base(), "decision_ground", nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		statements []json.RawMessage
		batch      int // statements handed back
		valid      bool
	}{
		{"one valid statement", []json.RawMessage{good}, 1, true},
		{"the same puid twice", []json.RawMessage{good, good}, 2, false},
		{"a statement missing a field", []json.RawMessage{good, bad}, 2, false},
		{"not an object", []json.RawMessage{good, json.RawMessage(`[1, 2]`)}, 0, false},
		{"null", []json.RawMessage{json.RawMessage(`null`)}, 0, false},
		{"something after the object", []json.RawMessage{json.RawMessage(`{} {}`)}, 0, false},
		{"an empty batch", nil, 0, false},
	} {
		batch, err := v.ValidateRawBatch(tc.statements)
		if len(batch) != tc.batch || (err == nil) != tc.valid {
			t.Errorf("%s: %d statements back, %v; want %d, valid %v", tc.name, len(batch), err, tc.batch, tc.valid)
		}
	}
	if batch, _ := v.ValidateRawBatch([]json.RawMessage{good}); batch[0]["puid"] != base()["puid"] {
		t.Errorf("decoded %v, want %v", batch, base())
	}
}
