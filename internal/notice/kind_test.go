package notice_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/report"
)

var orgKinds = []org.Kind{org.KindAuthority, org.KindFlagger, org.KindPlatform}

// TestKindTable checks that every kind carries what the rest of sigap reads
// from the table: a lane, senders, a report source, a DSA source and the
// labels a person reads in both languages.
func TestKindTable(t *testing.T) {
	t.Parallel()
	specs := notice.Specs()
	if got := notice.KindNames(); !slices.Equal(got, notice.Kinds) || len(got) != len(specs) {
		t.Fatalf("KindNames() = %v, Kinds = %v, %d specs", got, notice.Kinds, len(specs))
	}
	dsaSources := []string{dsasor.SourceOrder, dsasor.SourceReferral, dsasor.SourceTrustedFlagger, dsasor.SourceNotice}
	ranks := map[int]string{}
	for _, s := range specs {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			if got, ok := notice.Spec(s.Name); !ok || got.Name != s.Name {
				t.Errorf("Spec(%q) = %+v, %v", s.Name, got, ok)
			}
			if !slices.Contains(notice.Lanes(), s.Lane) || notice.LaneFor(s.Name) != s.Lane {
				t.Errorf("lane %q (LaneFor %q) is not one of %v", s.Lane, notice.LaneFor(s.Name), notice.Lanes())
			}
			if len(s.Senders) == 0 {
				t.Error("no org kind may send it")
			}
			for _, k := range s.Senders {
				if !org.ValidKind(k) || !slices.Contains(notice.KindsFor(k), s.Name) {
					t.Errorf("sender %q: valid %v, KindsFor = %v", k, org.ValidKind(k), notice.KindsFor(k))
				}
			}
			if !slices.Contains(report.Sources, notice.ReportSource(s.Name)) {
				t.Errorf("report.Sources %v lacks its source %q", report.Sources, notice.ReportSource(s.Name))
			}
			if !slices.Contains(dsaSources, s.DSASource) {
				t.Errorf("DSA source %q is not one of %v", s.DSASource, dsaSources)
			}
			if s.Binding && !s.SentBy(org.KindAuthority) {
				t.Error("a binding order must come from an authority")
			}
			if notice.Binding(s.Name) != s.Binding || slices.Contains(notice.BindingKinds(), s.Name) != s.Binding {
				t.Errorf("Binding/BindingKinds disagree with the table (%v)", s.Binding)
			}
			for _, lang := range i18n.Langs {
				for _, key := range []string{"kind." + s.Name, "source." + s.Name, "lane." + s.Lane, "sor.source." + s.DSASource} {
					if !i18n.Has(lang, key) {
						t.Errorf("i18n %s has no %q", lang, key)
					}
				}
			}
		})
		if other, dup := ranks[s.DSARank]; dup {
			t.Errorf("%s and %s share DSA rank %d", s.Name, other, s.DSARank)
		}
		ranks[s.DSARank] = s.Name
	}
	if _, ok := notice.Spec("nonsense"); ok || notice.LaneFor("nonsense") != notice.LaneStandard || notice.Binding("nonsense") {
		t.Error("an unknown kind has a spec, a lane other than standard, or binds")
	}
}

// TestKindsFixed pins the table to the contract: who sends each kind, what it
// requires, and which source wins on a case (order, then flag, referral, report).
func TestKindsFixed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind           string
		sender         org.Kind
		lane           string
		binding, legal bool
		goodFaith      bool
		dsaSource      string
		dsaRank        int
		class          string
		page           bool
		reportAs       string
	}{
		{notice.KindOrder, org.KindAuthority, notice.LaneOrder, true, true, false, dsasor.SourceOrder, 0, "", false, ""},
		{notice.KindReferral, org.KindAuthority, notice.LaneTrusted, false, false, false, dsasor.SourceReferral, 2, "", false, ""},
		{notice.KindFlag, org.KindFlagger, notice.LaneTrusted, false, false, true, dsasor.SourceTrustedFlagger, 1, "", false, ""},
		{notice.KindReport, org.KindPlatform, notice.LaneStandard, false, false, true, dsasor.SourceNotice, 3, "", false, ""},
		{notice.KindPreservation, org.KindAuthority, notice.LaneOrder, false, true, false, dsasor.SourceOrder, 4, policy.ClassPreservation, false, notice.KindOrder},
		{notice.KindEmergency, org.KindAuthority, notice.LaneEmergency, false, false, false, dsasor.SourceOrder, -1, policy.ClassEmergency, true, notice.KindOrder},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			s, ok := notice.Spec(tt.kind)
			want := notice.KindSpec{Name: tt.kind, Senders: []org.Kind{tt.sender}, Lane: tt.lane, Binding: tt.binding,
				NeedsLegalBasis: tt.legal, NeedsGoodFaith: tt.goodFaith, DSASource: tt.dsaSource, DSARank: tt.dsaRank,
				Class: tt.class, PageAtOnce: tt.page, ReportAs: tt.reportAs}
			if !ok || fmt.Sprint(s) != fmt.Sprint(want) {
				t.Errorf("Spec(%q) = %+v, want %+v", tt.kind, s, want)
			}
		})
	}
}

// TestParseReadsTable sends every kind from every org kind, with and without
// the fields a kind may require, and checks Parse answers as the table says.
func TestParseReadsTable(t *testing.T) {
	t.Parallel()
	for _, s := range notice.Specs() {
		for _, ok := range orgKinds {
			for _, bare := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/bare=%v", s.Name, ok, bare), func(t *testing.T) {
					t.Parallel()
					extra := `,"legal_basis":"UU ITE Pasal 40","good_faith":true`
					if bare {
						extra = ""
					}
					body := `{"kind":"` + s.Name + `","category":"gambling","explanation":"x","subjects":[{"url":"https://t.me/s/Chan/1"}]` + extra + `}`
					caller := org.Caller{OrgID: "org_x", OrgKind: ok, Role: org.RoleAdmin}
					r, err := notice.Parse([]byte(body), caller, "EU-TCO", policy.Default())
					var ve *notice.ValidationError
					if err != nil && !errors.As(err, &ve) {
						t.Fatalf("Parse: %v", err)
					}
					codes := map[string]string{}
					if ve != nil {
						for _, f := range ve.Fields {
							codes[f.Field] = f.Code
						}
					}
					wantCodes := map[string]string{}
					if !s.SentBy(ok) {
						wantCodes["kind"] = "kind_not_allowed"
					}
					if bare && s.NeedsLegalBasis {
						wantCodes["legal_basis"] = "required"
					}
					if bare && s.NeedsGoodFaith {
						wantCodes["good_faith"] = "required"
					}
					if fmt.Sprint(codes) != fmt.Sprint(wantCodes) {
						t.Errorf("errors %v, want %v", codes, wantCodes)
					}
					if len(wantCodes) == 0 {
						want := policy.ClassStandard
						if s.Binding {
							want = policy.ClassRemovalOrder // EU-TCO's order class
						}
						if s.Class != "" {
							want = s.Class // its own clock, whatever the regime
						}
						if r.SLA.Class != want {
							t.Errorf("class %q, want %q", r.SLA.Class, want)
						}
					}
					if f := codes["kind"]; f != "" {
						for _, fe := range ve.Fields {
							if fe.Field == "kind" && !strings.Contains(fe.Message, strings.Join(notice.KindsFor(ok), " or ")) {
								t.Errorf("message %q does not name what a %s may send", fe.Message, ok)
							}
						}
					}
				})
			}
		}
	}
}

// TestKindMessages keeps the messages built from the table word for word as they were spelled by hand.
func TestKindMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		caller     org.Kind
		kind       string
		field, msg string
	}{
		{org.KindAuthority, notice.KindOrder, "legal_basis", "an order must name its legal basis (the statute and article relied on)"},
		{org.KindFlagger, notice.KindFlag, "good_faith", "a flag or report must carry good_faith: true, the notifier's statement that it is accurate and complete"},
		{org.KindPlatform, notice.KindReport, "good_faith", "a flag or report must carry good_faith: true, the notifier's statement that it is accurate and complete"},
		{org.KindFlagger, notice.KindOrder, "kind", `a flagger org may send flag notices, not "order"`},
		{org.KindPlatform, notice.KindFlag, "kind", `a platform org may send report notices, not "flag"`},
		{org.KindFlagger, notice.KindReport, "kind", `a flagger org may send flag notices, not "report"`},
		{org.KindPlatform, notice.KindOrder, "kind", `a platform org may send report notices, not "order"`},
		{org.KindFlagger, notice.KindReferral, "kind", `a flagger org may send flag notices, not "referral"`},
		{org.KindAuthority, notice.KindFlag, "kind", `a authority org may send order or referral or preservation or emergency notices, not "flag"`},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.field, func(t *testing.T) {
			t.Parallel()
			body := `{"kind":"` + tt.kind + `","category":"gambling","explanation":"x","subjects":[{"url":"https://t.me/s/Chan/1"}]}`
			_, err := notice.Parse([]byte(body), org.Caller{OrgID: "org_x", OrgKind: tt.caller}, "", policy.Default())
			var ve *notice.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse: %v, want a validation error", err)
			}
			for _, f := range ve.Fields {
				if f.Field == tt.field {
					if f.Message != tt.msg {
						t.Errorf("message %q, want %q", f.Message, tt.msg)
					}
					return
				}
			}
			t.Errorf("no error on %s in %+v", tt.field, ve.Fields)
		})
	}
}
