package notice

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	authority = org.Caller{OrgID: "org_a", OrgKind: org.KindAuthority, Role: org.RoleAuthority}
	flagger   = org.Caller{OrgID: "org_f", OrgKind: org.KindFlagger, Role: org.RoleFlagger}
	platform  = org.Caller{OrgID: "org_p", OrgKind: org.KindPlatform, Role: org.RoleReviewer}
)

const okOrder = `{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"UU ITE","subjects":[{"url":"https://t.me/s/Chan/1"}]}`

func TestParseValid(t *testing.T) {
	t.Parallel()
	r, err := Parse([]byte(okOrder), authority, "", policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	if r.Regime != "ID-PSE" || r.SLA.Class != policy.ClassUrgent || r.Subjects[0].Canonical != "telegram:message/chan/1" {
		t.Errorf("got %+v", r)
	}
	if strings.Join(r.TerritorialScope, ",") != "ID" {
		t.Errorf("default scope = %v, want [ID] from the regime", r.TerritorialScope)
	}
	r, err = Parse([]byte(okOrder), authority, "EU-TCO", policy.Default())
	if err != nil || r.SLA.Class != policy.ClassRemovalOrder {
		t.Errorf("org default regime EU-TCO: %+v %v", r, err)
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	many := `{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"y","subjects":[` +
		strings.Repeat(`{"url":"https://t.me/a_chan/1"},`, MaxSubjects) + `{"url":"https://t.me/a_chan/1"}]}`
	tests := []struct {
		name   string
		caller org.Caller
		body   string
		field  string
		code   string
	}{
		{"not json", authority, `{`, "", "malformed_json"},
		{"array", authority, `[]`, "", "malformed_json"},
		{"trailing", authority, okOrder + `{}`, "", "malformed_json"},
		{"invalid utf8", authority, "{\"kind\":\"\xff\"}", "", "invalid_utf8"},
		{"unknown field", authority, strings.Replace(okOrder, `"kind"`, `"kindd":1,"kind"`, 1), "kindd", "unknown_field"},
		{"kind wrong type", authority, strings.Replace(okOrder, `"order"`, `5`, 1), "kind", "wrong_type"},
		{"unknown kind", authority, strings.Replace(okOrder, `"order"`, `"demand"`, 1), "kind", "unknown_value"},
		{"unknown category", authority, strings.Replace(okOrder, `"terrorism"`, `"spam"`, 1), "category", "unknown_value"},
		{"missing explanation", authority, strings.Replace(okOrder, `"explanation":"x",`, ``, 1), "explanation", "required"},
		{"blank explanation", authority, strings.Replace(okOrder, `"explanation":"x"`, `"explanation":"   "`, 1), "explanation", "required"},
		{"order without basis", authority, strings.Replace(okOrder, `"legal_basis":"UU ITE",`, ``, 1), "legal_basis", "required"},
		{"flag by authority", authority, strings.Replace(okOrder, `"order"`, `"flag"`, 1), "kind", "kind_not_allowed"},
		{"order by flagger", flagger, okOrder, "kind", "kind_not_allowed"},
		{"flag without good faith", flagger, strings.Replace(okOrder, `"order"`, `"flag"`, 1), "good_faith", "required"},
		{"report without good faith", platform, strings.Replace(okOrder, `"order"`, `"report"`, 1), "good_faith", "required"},
		{"unknown regime", authority, strings.Replace(okOrder, `"kind"`, `"regime":"XX","kind"`, 1), "regime", "unknown_value"},
		{"no subjects", authority, strings.Replace(okOrder, `[{"url":"https://t.me/s/Chan/1"}]`, `[]`, 1), "subjects", "required"},
		{"subjects missing", authority, `{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"y"}`, "subjects", "required"},
		{"subjects not list", authority, strings.Replace(okOrder, `[{"url":"https://t.me/s/Chan/1"}]`, `"t.me/x"`, 1), "subjects", "wrong_type"},
		{"subject not object", authority, strings.Replace(okOrder, `{"url":"https://t.me/s/Chan/1"}`, `"t.me/x"`, 1), "subjects[0]", "wrong_type"},
		{"subject no url", authority, strings.Replace(okOrder, `{"url":"https://t.me/s/Chan/1"}`, `{}`, 1), "subjects[0].url", "required"},
		{"not a link", authority, strings.Replace(okOrder, `https://t.me/s/Chan/1`, `hello world`, 1), "subjects[0].url", "invalid_link"},
		{"javascript", authority, strings.Replace(okOrder, `https://t.me/s/Chan/1`, `javascript:alert(1)`, 1), "subjects[0].url", "invalid_link"},
		{"invite", authority, strings.Replace(okOrder, `https://t.me/s/Chan/1`, `https://t.me/+AbCdEf12345`, 1), "subjects[0].url", "private_subject"},
		{"joinchat", authority, strings.Replace(okOrder, `https://t.me/s/Chan/1`, `t.me/joinchat/AbCdEf`, 1), "subjects[0].url", "private_subject"},
		{"private post", authority, strings.Replace(okOrder, `https://t.me/s/Chan/1`, `https://t.me/c/1234567/89`, 1), "subjects[0].url", "private_subject"},
		{"too many", authority, many, "subjects", "too_many"},
		{"bad scope", authority, strings.Replace(okOrder, `"kind"`, `"territorial_scope":["id"],"kind"`, 1), "territorial_scope[0]", "invalid"},
		{"bad evidence", authority, strings.Replace(okOrder, `"kind"`, `"evidence":[{"sha256":"zz"}],"kind"`, 1), "evidence[0].sha256", "invalid"},
		{"scope not a list", authority, strings.Replace(okOrder, `"kind"`, `"territorial_scope":"ID","kind"`, 1), "territorial_scope", "wrong_type"},
		{"too many scope codes", authority, strings.Replace(okOrder, `"kind"`, `"territorial_scope":[`+strings.Repeat(`"ID",`, MaxTerritoryCodes)+`"ID"],"kind"`, 1), "territorial_scope", "too_many"},
		{"evidence not a list", authority, strings.Replace(okOrder, `"kind"`, `"evidence":{"sha256":"zz"},"kind"`, 1), "evidence", "wrong_type"},
		{"too much evidence", authority, strings.Replace(okOrder, `"kind"`, `"evidence":[`+strings.Repeat(`{},`, MaxEvidence)+`{}],"kind"`, 1), "evidence", "too_many"},
		{"bad email", authority, strings.Replace(okOrder, `"kind"`, `"contact":{"email":"nope"},"kind"`, 1), "contact.email", "invalid"},
		{"bad language", authority, strings.Replace(okOrder, `"kind"`, `"language":"<script>","kind"`, 1), "language", "invalid"},
		{"control chars", authority, strings.Replace(okOrder, `"explanation":"x"`, `"explanation":"a\u0000b"`, 1), "explanation", "invalid"},
		{"urgent not bool", authority, strings.Replace(okOrder, `"kind"`, `"urgent":"yes","kind"`, 1), "urgent", "wrong_type"},
		{"bad action", authority, strings.Replace(okOrder, `"kind"`, `"requested_action":"nuke","kind"`, 1), "requested_action", "unknown_value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.body), tt.caller, "", policy.Default())
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			for _, f := range ve.Fields {
				if f.Field == tt.field && f.Code == tt.code {
					if f.Message == "" {
						t.Error("empty message")
					}
					return
				}
			}
			t.Errorf("fields = %+v, want %s/%s", ve.Fields, tt.field, tt.code)
		})
	}
}

func TestParseReportsEveryBadSubject(t *testing.T) {
	t.Parallel()
	var subs []string
	for i := range 150 {
		subs = append(subs, fmt.Sprintf(`{"url":"bad link %d"}`, i))
	}
	body := `{"kind":"order","category":"terrorism","explanation":"x","legal_basis":"y","subjects":[` + strings.Join(subs, ",") + `]}`
	_, err := Parse([]byte(body), authority, "", policy.Default())
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 101 || ve.Fields[100].Code != "too_many_errors" {
		t.Fatalf("got %d fields; want the first 100 and a too_many_errors note", len(ve.Fields))
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(okOrder))
	f.Add([]byte(`{"kind":"flag","category":"hoax","explanation":"x","good_faith":true,"subjects":[{"url":"tg://resolve?domain=abcde&post=1"}]}`))
	f.Add([]byte(`{"subjects":[{"url":5},"x",null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range []org.Caller{authority, flagger, platform} {
			r, err := Parse(body, c, "", policy.Default())
			if err == nil {
				if len(r.Subjects) == 0 || len(r.Subjects) > MaxSubjects || r.SLA.Within <= 0 {
					t.Fatalf("accepted an invalid notice: %+v", r)
				}
				continue
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("error without fields: %v", err)
			}
		}
	})
}
