package dsasor_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/policy"
)

var (
	applied = time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	key     = []byte("0123456789abcdef0123456789abcdef")
)

func decision() dsasor.Decision {
	return dsasor.Decision{ID: "dec_01JDTEST", Action: "remove", GroundType: "law", GroundReference: "UU ITE Art. 40(2b)",
		Reasons: "The post calls for attacks on named places.", Source: dsasor.SourceOrder, Notifier: "Kementerian Komunikasi dan Digital",
		Category: "terrorism", SubjectKind: "telegram_message", Subject: "telegram:message/somechannel/123", Channel: "somechannel",
		Language: "id", FirstNoticed: applied.Add(-3 * time.Hour), AppliedAt: applied}
}

// TestBuildIsValid: every combination sigap can decide builds a statement the validator takes.
func TestBuildIsValid(t *testing.T) {
	t.Parallel()
	b, v := dsasor.NewBuilder(key, ""), dsasor.Default()
	until := applied.AddDate(1, 0, 0)
	n := 0
	for _, action := range []string{"remove", "geo_restrict", "suspend", "restrict"} {
		for _, ground := range []string{"law", "terms"} {
			for _, source := range []string{dsasor.SourceOrder, dsasor.SourceReferral, dsasor.SourceTrustedFlagger, dsasor.SourceNotice, dsasor.SourceOwnInitiative} {
				for _, cat := range append(dsasor.Categories(), "not-a-category") {
					for _, kind := range []string{"telegram_message", "telegram_channel", "url", "telegram_private"} {
						for _, auto := range []bool{false, true} {
							d := decision()
							d.Action, d.GroundType, d.Source, d.Category, d.SubjectKind = action, ground, source, cat, kind
							d.Automated, d.AutomatedDetection = auto, auto
							if auto {
								d.Until, d.TerritorialScope, d.Language = &until, []string{"EU", "ID"}, "en-GB"
							}
							st := b.Build(d)
							if err := v.ValidateStatement(st); err != nil {
								t.Fatalf("%s/%s/%s/%s/%s: %v\n%+v", action, ground, source, cat, kind, err, st)
							}
							n++
						}
					}
				}
			}
		}
	}
	t.Logf("%d statements built and valid", n)
}

func TestBuildMapping(t *testing.T) {
	t.Parallel()
	b := dsasor.NewBuilder(key, "Telegram")
	until := time.Date(2027, 5, 1, 23, 30, 0, 0, time.UTC)
	d := decision()
	d.Until = &until
	st := b.Build(d)
	want := dsasor.Statement{PUID: b.PUID(d.ID), DecisionVisibility: []string{"DECISION_VISIBILITY_CONTENT_REMOVED"},
		EndDateVisibilityRestriction: "2027-05-01", DecisionGround: "DECISION_GROUND_ILLEGAL_CONTENT",
		IllegalContentLegalGround: "UU ITE Art. 40(2b)", IllegalContentExplanation: d.Reasons, ContentType: []string{"CONTENT_TYPE_TEXT"},
		Category: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", CategorySpecification: []string{"KEYWORD_TERRORIST_CONTENT"},
		TerritorialScope: dsasor.Default().Spec().Values("TERRITORIAL_SCOPE"), ContentLanguage: "ID",
		ContentDate: "2026-11-27", ApplicationDate: "2026-11-27",
		DecisionFacts: "The item is a post in a public channel on Telegram. The decision followed a binding order from a public authority. " +
			"It was assessed as terrorist content. Facts and reasons: The post calls for attacks on named places.",
		SourceType: "SOURCE_TYPE_OTHER_NOTIFICATION", SourceIdentity: "Kementerian Komunikasi dan Digital",
		AutomatedDetection: "No", AutomatedDecision: "AUTOMATED_DECISION_NOT_AUTOMATED"}
	gb, _ := json.Marshal(st)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("built\n%s\nwant\n%s", gb, wb)
	}
	// The other actions, grounds and sources.
	d.Action, d.GroundType, d.Source, d.SubjectKind, d.Until = "suspend", "terms", dsasor.SourceNotice, "telegram_channel", nil
	st = b.Build(d)
	if st.DecisionAccount != "DECISION_ACCOUNT_SUSPENDED" || st.DecisionVisibility != nil || st.DecisionGround != "DECISION_GROUND_INCOMPATIBLE_CONTENT" ||
		st.IncompatibleContentGround == "" || st.IllegalContentLegalGround != "" || st.SourceType != "SOURCE_ARTICLE_16" || st.SourceIdentity != "" ||
		!slices.Equal(st.ContentType, []string{"CONTENT_TYPE_OTHER"}) || st.ContentTypeOther == "" {
		t.Errorf("suspend on terms after a notice: %+v", st)
	}
	d.Action, d.Source, d.AutomatedDetection, d.Category = "restrict", dsasor.SourceOwnInitiative, true, "other"
	st = b.Build(d)
	if !slices.Equal(st.DecisionVisibility, []string{"DECISION_VISIBILITY_OTHER"}) || st.DecisionVisibilityOther == "" ||
		st.SourceType != "SOURCE_VOLUNTARY" || st.AutomatedDetection != "Yes" || !strings.Contains(st.DecisionFacts, "automated detection") ||
		st.Category != "STATEMENT_CATEGORY_OTHER_VIOLATION_TC" {
		t.Errorf("restrict on own initiative: %+v", st)
	}
	d.GroundType, d.Source = "law", dsasor.SourceTrustedFlagger
	if st = b.Build(d); st.Category != "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE" || !slices.Equal(st.CategorySpecification, []string{"KEYWORD_VIOLATION_NATIONAL_LAW"}) {
		t.Errorf("other on a legal ground after a notice: %+v", st)
	}
	// Content is dated by the first notice when that is earlier than the decision.
	d.FirstNoticed = applied.AddDate(0, 0, -10)
	if st = b.Build(d); st.ContentDate != "2026-11-17" {
		t.Errorf("content_date = %s", st.ContentDate)
	}
}

func TestCategoriesCoverPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range policy.Categories {
		if !slices.Contains(dsasor.Categories(), c) {
			t.Errorf("sigap category %s has no mapping onto the database's categories", c)
		}
	}
}

// TestBuildKeepsPersonalDataOut: links, usernames, the channel and the
// subject written into the reasons never reach the statement.
func TestBuildKeepsPersonalDataOut(t *testing.T) {
	t.Parallel()
	d := decision()
	d.Reasons = "Channel SomeChannel (https://t.me/s/SomeChannel/123, also t.me/somechannel/123?single and tg://resolve?domain=SomeChannel&post=123) " +
		"run by @some_admin, mail admin@somechannel.org, phone +62 812 3456 7890, user id 5123456789, mirror at evil-mirror.com/p/1 and www.mirror.net. " +
		"The canonical subject is telegram:message/somechannel/123. It recruits fighters."
	d.GroundReference = "UU ITE Art. 40 (see https://t.me/somechannel/123)"
	d.Notifier = "Kominfo (pelapor@kominfo.go.id)"
	st := dsasor.NewBuilder(key, "").Build(d)
	if err := dsasor.Default().ValidateStatement(st); err != nil {
		t.Fatalf("not valid: %v", err)
	}
	b, _ := json.Marshal(st)
	for _, leak := range []string{"somechannel", "t.me", "tg:", "http", "@", "812", "5123456789", "evil-mirror", "mirror.net", "dec_01JDTEST", "pelapor"} {
		if strings.Contains(strings.ToLower(string(b)), strings.ToLower(leak)) {
			t.Errorf("statement holds %q: %s", leak, b)
		}
	}
	if !strings.Contains(st.DecisionFacts, "It recruits fighters.") || !strings.Contains(st.IllegalContentLegalGround, "UU ITE Art. 40") {
		t.Errorf("scrubbing took too much: %s", b)
	}
	// Reasons that are nothing but a link leave a generic explanation.
	d.Reasons, d.GroundReference = "https://t.me/somechannel/123", "https://t.me/somechannel/124"
	st = dsasor.NewBuilder(key, "").Build(d)
	if err := dsasor.Default().ValidateStatement(st); err != nil || st.IllegalContentExplanation == "" || st.IllegalContentLegalGround == "" {
		t.Fatalf("link-only reasons: %v %+v", err, st)
	}
}

// TestScrubProperty: whatever text goes in, what Scrub gives back passes the
// personal-data check and holds none of the literals.
func TestScrubProperty(t *testing.T) {
	t.Parallel()
	pieces := []string{"https://t.me/", "t.me/", "tg://resolve?domain=", "@", "www.", ".com", ".org/", "/", "?", "=", " ", " ",
		"mail", "+62 ", "812-", "3456", "7890", "123456789", "Channel", "channel", "_", "-", ".", "://", "Pasal 40", "UU ITE", "é", "\n"}
	rapid.Check(t, func(t *rapid.T) {
		lit := rapid.StringMatching(`[a-z][a-z0-9_]{4,12}`).Draw(t, "channel")
		parts := rapid.SliceOfN(rapid.OneOf(rapid.SampledFrom(pieces), rapid.Just(lit), rapid.Just(strings.ToUpper(lit)),
			rapid.StringMatching(`[A-Za-z0-9]{1,6}`)), 0, 40).Draw(t, "parts")
		in := strings.Join(parts, "")
		out := dsasor.Scrub(in, lit)
		if what := dsasor.PersonalData(out); what != "" {
			t.Fatalf("Scrub(%q) = %q still holds %s", in, out, what)
		}
		if strings.Contains(strings.ToLower(out), lit) {
			t.Fatalf("Scrub(%q) = %q still holds %q", in, out, lit)
		}
	})
}

func TestPUID(t *testing.T) {
	t.Parallel()
	b := dsasor.NewBuilder(key, "")
	p := b.PUID("dec_01JDTEST")
	re := regexp.MustCompile(dsasor.Default().Spec().Field("puid").Pattern)
	switch {
	case !re.MatchString(p) || !strings.HasPrefix(p, dsasor.PUIDPrefix) || len(p) != len(dsasor.PUIDPrefix)+32:
		t.Errorf("puid %q does not fit the pattern or the scheme", p)
	case p != b.PUID("dec_01JDTEST"):
		t.Error("the puid of a decision changed between calls")
	case p == b.PUID("dec_01JDTESU"):
		t.Error("two decisions share a puid")
	case p == dsasor.NewBuilder([]byte("another key of thirty-two bytes!"), "").PUID("dec_01JDTEST"):
		t.Error("another installation's key gives the same puid")
	case strings.Contains(p, "01JDTEST"):
		t.Error("the puid shows the decision ID")
	}
}

func TestEEAScope(t *testing.T) {
	t.Parallel()
	eu27 := dsasor.Default().Spec().EnumSubsets["TERRITORIAL_SCOPE_EU27"]
	for _, tc := range []struct {
		in   []string
		want []string
		ok   bool
	}{
		{nil, dsasor.Default().Spec().Values("TERRITORIAL_SCOPE"), true},
		{[]string{"ID"}, nil, false},
		{[]string{"ID", "AU"}, nil, false},
		{[]string{"ID", "de", "FR", "DE"}, []string{"DE", "FR"}, true},
		{[]string{"EU"}, eu27, true},
		{[]string{"EL", "NO"}, []string{"GR", "NO"}, true},
	} {
		got, ok := dsasor.EEAScope(tc.in)
		if ok != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("EEAScope(%v) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k1, created, err := dsasor.LoadOrCreateKey(dir)
	if err != nil || !created || len(k1) != dsasor.KeySize {
		t.Fatalf("first start: %v %v %d", err, created, len(k1))
	}
	if fi, err := os.Stat(filepath.Join(dir, dsasor.KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", err, fi)
	}
	k2, created, err := dsasor.LoadOrCreateKey(dir)
	if err != nil || created || string(k1) != string(k2) {
		t.Fatalf("second start: %v %v, same key %v", err, created, string(k1) == string(k2))
	}
	if err := os.WriteFile(filepath.Join(dir, dsasor.KeyFile), []byte("not base64!"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := dsasor.LoadOrCreateKey(dir); err == nil || !strings.Contains(err.Error(), "restore it from backup") {
		t.Errorf("a damaged key file: %v", err)
	}
}
