package dsasor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/action"
)

// The sources of a decision, as package review names them.
const (
	SourceOrder          = "order"
	SourceReferral       = "referral"
	SourceTrustedFlagger = "trusted_flagger"
	SourceNotice         = "notice"
	SourceOwnInitiative  = "own_initiative"
)

// Decision is one sigap decision with what its statement needs. Subject and
// Channel are personal data (they name a user's channel): Build uses them
// only to scrub them out of the free text.
type Decision struct {
	ID               string
	Action           string // remove, geo_restrict, suspend or restrict
	GroundType       string // law or terms
	GroundReference  string
	Reasons          string
	TerritorialScope []string // ISO 3166-1 alpha-2 codes and "EU"; empty means everywhere
	Until            *time.Time
	// Automated is whether the decision itself was automated.
	Automated bool
	// AutomatedDetection is whether the content was found by automated means (sigap's scan).
	AutomatedDetection bool
	// Source is what started it: order, referral, trusted_flagger, notice or own_initiative.
	Source string
	// Notifier is the public authority that sent an order; named in source_identity, never a person.
	Notifier    string
	Category    string // sigap's category (policy.Categories)
	SubjectKind string // telegram_message, telegram_channel, url, ...
	Subject     string
	Channel     string
	Language    string // BCP 47; its primary subtag becomes content_language when the database knows it
	// FirstNoticed is when the content was first reported; it stands for the
	// content's date, which sigap does not know (the content is at least that old).
	FirstNoticed time.Time
	// AppliedAt is when the decision took effect.
	AppliedAt time.Time
}

// Builder turns decisions into statements.
type Builder struct {
	key []byte
	// Platform names the service in decision_facts; empty means Telegram.
	Platform string
}

// NewBuilder returns a builder whose puids are keyed with key (see LoadOrCreateKey).
func NewBuilder(key []byte, platform string) *Builder {
	return &Builder{key: slices.Clone(key), Platform: platform}
}

// PUIDPrefix starts every puid sigap makes; the digit is the scheme's version.
const PUIDPrefix = "sgp1-"

// PUID is the statement's platform unique identifier for a decision: an
// HMAC-SHA-256 of the decision ID under the installation's key, 128 bits in
// hex. It is stable (a re-export gives the same puid, so the database's
// existing-puid check finds it), unique per decision, and carries no personal
// data; without the key nobody can tell which decision it stands for.
func (b *Builder) PUID(decisionID string) string {
	m := hmac.New(sha256.New, b.key)
	m.Write([]byte("sigap dsa-sor puid\x00"))
	m.Write([]byte(decisionID))
	return PUIDPrefix + hex.EncodeToString(m.Sum(nil)[:16])
}

func (b *Builder) platform() string {
	if b == nil || b.Platform == "" {
		return "Telegram"
	}
	return b.Platform
}

// category maps sigap's categories onto the database's category and keywords.
type category struct {
	category string
	keywords []string
	words    string
}

var categories = map[string]category{
	"terrorism":         {"STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", []string{"KEYWORD_TERRORIST_CONTENT"}, "terrorist content"},
	"violent_extremism": {"STATEMENT_CATEGORY_VIOLENCE", []string{"KEYWORD_INCITEMENT_VIOLENCE_HATRED"}, "violent extremism"},
	"csam":              {"STATEMENT_CATEGORY_PROTECTION_OF_MINORS", []string{"KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"}, "child sexual abuse material"},
	"public_order":      {"STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", nil, "a threat to public order"},
	"gambling":          {"STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", []string{"KEYWORD_GOODS_SERVICES_NOT_PERMITTED"}, "illegal gambling"},
	"pornography":       {"STATEMENT_CATEGORY_OTHER_VIOLATION_TC", []string{"KEYWORD_ADULT_SEXUAL_MATERIAL"}, "pornography"},
	"hoax":              {"STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", []string{"KEYWORD_MISINFORMATION_DISINFORMATION"}, "a hoax (disinformation)"},
	"hate_speech":       {"STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", []string{"KEYWORD_HATE_SPEECH"}, "hate speech"},
	"fraud":             {"STATEMENT_CATEGORY_SCAMS_AND_FRAUD", nil, "fraud"},
	"drugs":             {"STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", []string{"KEYWORD_PROHIBITED_PRODUCTS"}, "the sale of illegal drugs"},
	"illegal_goods":     {"STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", []string{"KEYWORD_PROHIBITED_PRODUCTS"}, "the sale of illegal goods"},
	"privacy":           {"STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", nil, "a privacy violation"},
	"ip":                {"STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", nil, "an intellectual property infringement"},
	"other":             {"STATEMENT_CATEGORY_OTHER_VIOLATION_TC", nil, "other unlawful or prohibited content"},
}

// Categories lists the sigap categories the builder maps (the tests check
// that it covers policy.Categories).
func Categories() []string {
	out := make([]string, 0, len(categories))
	for c := range categories {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func categoryOf(d Decision) category {
	c, ok := categories[d.Category]
	if !ok {
		c = categories["other"]
	}
	if d.Category == "other" || !ok {
		if d.GroundType == "law" {
			c.keywords = []string{"KEYWORD_VIOLATION_NATIONAL_LAW"}
			if d.Source != SourceOwnInitiative {
				c.category = "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"
			}
		}
	}
	return c
}

// EEAScope turns a sigap territorial scope into the database's
// territorial_scope (EU and EEA countries only, sorted, once each). An empty
// scope means everywhere, so every EU/EEA country; "EU" means the 27 members.
// It reports false when the restriction applies nowhere in the EU/EEA: then
// the decision is outside the DSA and owes the database no statement.
func EEAScope(scope []string) ([]string, bool) {
	s := Default().Spec()
	all := s.Values("TERRITORIAL_SCOPE")
	if len(scope) == 0 {
		return all, true
	}
	var out []string
	for _, t := range scope {
		t = strings.ToUpper(strings.TrimSpace(t))
		switch {
		case t == "EU":
			out = append(out, s.EnumSubsets["TERRITORIAL_SCOPE_EU27"]...)
		case t == "EEA":
			out = append(out, all...)
		case t == "EL": // Greece's code in EU usage; ISO 3166-1 says GR
			out = append(out, "GR")
		case s.InEnum("TERRITORIAL_SCOPE", t):
			out = append(out, t)
		}
	}
	sort.Strings(out)
	out = slices.Compact(out)
	return out, len(out) > 0
}

// Build maps a decision onto a statement. It does not validate: run the
// result through Default().ValidateStatement before sending it.
func (b *Builder) Build(d Decision) *Statement {
	day := func(t time.Time) string { return t.UTC().Format(DateLayout) }
	st := &Statement{PUID: b.PUID(d.ID), ApplicationDate: day(d.AppliedAt), ContentDate: day(d.AppliedAt)}
	if !d.FirstNoticed.IsZero() && d.FirstNoticed.Before(d.AppliedAt) {
		st.ContentDate = day(d.FirstNoticed)
	}
	literals := []string{d.Subject, d.Channel}
	if i := strings.IndexByte(d.Subject, ':'); i >= 0 {
		literals = append(literals, d.Subject[i+1:])
	}
	scrub := func(s string) string { return Scrub(s, literals...) }

	var until string
	if d.Until != nil {
		until = day(*d.Until)
	}
	switch d.Action {
	case action.Remove:
		st.DecisionVisibility, st.EndDateVisibilityRestriction = []string{"DECISION_VISIBILITY_CONTENT_REMOVED"}, until
	case action.GeoRestrict:
		st.DecisionVisibility, st.EndDateVisibilityRestriction = []string{"DECISION_VISIBILITY_CONTENT_DISABLED"}, until
	case action.Restrict:
		// sigap does not record which of label, age gate or demotion was used.
		st.DecisionVisibility, st.EndDateVisibilityRestriction = []string{"DECISION_VISIBILITY_OTHER"}, until
		st.DecisionVisibilityOther = "Visibility of the content restricted (label, age gate or demotion)"
	case action.Suspend:
		st.DecisionAccount, st.EndDateAccountRestriction = "DECISION_ACCOUNT_SUSPENDED", until
	}

	cat := categoryOf(d)
	st.Category, st.CategorySpecification = cat.category, slices.Clone(cat.keywords)
	reasons := scrub(d.Reasons)
	explanation := clip(reasons, 2000)
	if explanation == "" {
		explanation = "The content was assessed as " + cat.words + "."
	}
	ground := clip(scrub(d.GroundReference), 500)
	if d.GroundType == "law" {
		if ground == "" {
			ground = "The provision of law cited by the reviewer (withheld because it named the content)"
		}
		st.DecisionGround, st.IllegalContentLegalGround, st.IllegalContentExplanation = "DECISION_GROUND_ILLEGAL_CONTENT", ground, explanation
	} else {
		if ground == "" {
			ground = "The clause of the terms of service cited by the reviewer (withheld because it named the content)"
		}
		st.DecisionGround, st.IncompatibleContentGround, st.IncompatibleContentExplanation = "DECISION_GROUND_INCOMPATIBLE_CONTENT", ground, explanation
	}

	switch d.SubjectKind {
	case "telegram_message":
		st.ContentType = []string{"CONTENT_TYPE_TEXT"}
	default:
		st.ContentType = []string{"CONTENT_TYPE_OTHER"}
		st.ContentTypeOther = contentWords(d.SubjectKind)
	}
	if scope, ok := EEAScope(d.TerritorialScope); ok {
		st.TerritorialScope = scope
	}
	if lang := strings.ToUpper(strings.SplitN(d.Language, "-", 2)[0]); lang != "" && Default().Spec().InEnum("CONTENT_LANGUAGE", lang) {
		st.ContentLanguage = lang
	}

	switch d.Source {
	case SourceTrustedFlagger:
		st.SourceType = "SOURCE_TRUSTED_FLAGGER"
	case SourceNotice:
		st.SourceType = "SOURCE_ARTICLE_16"
	case SourceOrder, SourceReferral:
		st.SourceType = "SOURCE_TYPE_OTHER_NOTIFICATION"
	default:
		st.SourceType = "SOURCE_VOLUNTARY"
	}
	if d.Source == SourceOrder && d.Notifier != "" {
		// A public authority's name is not personal data, and Art. 17(3)(b) asks for it where necessary.
		st.SourceIdentity = clip(scrub(d.Notifier), 500)
	}
	st.AutomatedDetection = map[bool]string{true: "Yes", false: "No"}[d.AutomatedDetection]
	st.AutomatedDecision = map[bool]string{true: "AUTOMATED_DECISION_FULLY", false: "AUTOMATED_DECISION_NOT_AUTOMATED"}[d.Automated]

	facts := []string{"The item is " + contentWords(d.SubjectKind) + " on " + b.platform() + ".", sourceWords(d), "It was assessed as " + cat.words + "."}
	if reasons != "" {
		facts = append(facts, "Facts and reasons: "+reasons)
	}
	st.DecisionFacts = clip(strings.Join(facts, " "), 5000)
	return st
}

func contentWords(kind string) string {
	switch kind {
	case "telegram_message":
		return "a post in a public channel"
	case "telegram_channel":
		return "a public channel, group or account"
	case "url":
		return "a web page linked from the service"
	}
	return "an item of information"
}

func sourceWords(d Decision) string {
	switch d.Source {
	case SourceOrder:
		return "The decision followed a binding order from a public authority."
	case SourceReferral:
		return "The decision followed a referral from a public authority."
	case SourceTrustedFlagger:
		return "The decision followed a notice from a trusted flagger (DSA Art. 22)."
	case SourceNotice:
		return "The decision followed a notice (DSA Art. 16)."
	}
	if d.AutomatedDetection {
		return "The decision was taken on the provider's own initiative after automated detection."
	}
	return "The decision was taken on the provider's own initiative."
}

// clip cuts s to at most n characters, marking a cut with an ellipsis.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Redacted replaces what Scrub takes out.
const Redacted = "[redacted]"

var scrubPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]{1,15}://\S*`),
	regexp.MustCompile(`(?i)\btelegram:[a-z_]+/\S*`),
	regexp.MustCompile(`[^\s@]+@[^\s@]+\.[A-Za-z]{2,}\S*`),
	regexp.MustCompile(`(?i)\bwww\.\S+`),
	// A domain followed by a path, or a bare domain under a common top-level domain.
	regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}/\S*`),
	regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|me|id|io|co|info|biz|xyz|ru|ly|gg|tv|app|dev|link|site|online|top|club|to|dog|ir|su|ws)\b`),
	regexp.MustCompile(`@[A-Za-z0-9_]{2,}`),
	regexp.MustCompile(`\+\d[\d ()-]{6,}\d`),
	regexp.MustCompile(`\b\d{9,}\b`),
}

// Scrub takes out of free text what could identify a user: links (web and
// Telegram), e-mail addresses, @usernames, phone numbers, long numbers, and
// each of the literal strings given (the subject, the channel's username),
// whatever their case. What remains passes the P1 personal-data check; if
// it would not, Scrub returns "" and the builder writes a generic text.
func Scrub(s string, literals ...string) string {
	// Patterns first, so "@channel" and a link go whole; then what is left of the literals.
	for _, re := range scrubPatterns {
		s = re.ReplaceAllString(s, Redacted)
	}
	lits := slices.Clone(literals)
	sort.Slice(lits, func(i, j int) bool { return len(lits[i]) > len(lits[j]) })
	for _, l := range lits {
		if len(strings.TrimSpace(l)) < 3 {
			continue
		}
		s = replaceFold(s, l)
	}
	s = strings.ReplaceAll(s, "@"+Redacted, Redacted)
	for i := 0; PersonalData(s) != ""; i++ {
		if i == 3 {
			return ""
		}
		for _, p := range personalData {
			s = p.re.ReplaceAllString(s, " "+Redacted+" ")
		}
	}
	return strings.TrimSpace(s)
}

// replaceFold replaces every occurrence of lit in s, whatever its case.
func replaceFold(s, lit string) string {
	ascii := true
	for i := 0; i < len(lit); i++ {
		ascii = ascii && lit[i] < utf8.RuneSelf
	}
	if !ascii {
		return regexp.MustCompile(`(?i)`+regexp.QuoteMeta(lit)).ReplaceAllString(s, Redacted)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+len(lit) <= len(s) && asciiFold(s[i:i+len(lit)], lit) {
			b.WriteString(Redacted)
			i += len(lit)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func asciiFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
